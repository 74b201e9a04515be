"""Configuration: documented defaults shipped in the package, overridden by a user TOML file.

Loaded once into a frozen object; stages read their own section. Unknown keys are errors (a
typo in a threshold must not silently fall back to the default).
"""

from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from .errors import ConfigError

DEFAULTS_RESOURCE = "defaults.toml"


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_thaw(v) for v in value]
    return value


# The range a number must lie in, by its dotted key (fnmatch pattern, first match wins): (lowest,
# highest or None, whether the lowest itself is excluded). A number no pattern names must be >= 0.
RANGES: tuple[tuple[str, float, float | None, bool], ...] = (
    ("*timeout", 0, None, True),
    ("*_share", 0, 1, False),
    ("*_share_floor", 0, 1, False),
    ("*similarity", 0, 1, False),
    ("*jaccard", 0, 1, False),
    ("audit.grade.bands.*", 0, 100, False),
    ("audit.thresholds.quality_rate_floor", 0, 100, False),
)


def _check_ranges(data: Mapping, origin: str, path: str = "") -> None:
    for key, value in data.items():
        where = f"{path}{key}"
        if isinstance(value, Mapping):
            _check_ranges(value, origin, where + ".")
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        lowest, highest, exclusive = next(
            ((lo, hi, ex) for pattern, lo, hi, ex in RANGES if fnmatch.fnmatchcase(where, pattern)), (0, None, False))
        too_low = value <= lowest if exclusive else value < lowest
        if too_low or (highest is not None and value > highest):
            bound = f"greater than {lowest:g}" if exclusive else f"at least {lowest:g}"
            if highest is not None:
                bound = f"between {lowest:g} and {highest:g}"
            raise ConfigError(f"{origin}: '{where}' must be {bound}, got {value:g}")


def _merge(base: dict, override: dict, origin: str, path: str = "") -> dict:
    merged = dict(base)
    for key, value in override.items():
        where = f"{path}{key}"
        if key not in base:
            raise ConfigError(f"{origin}: unknown setting '{where}' (see the defaults in perfaudit/config/{DEFAULTS_RESOURCE})")
        if isinstance(base[key], dict):
            if not isinstance(value, dict):
                raise ConfigError(f"{origin}: '{where}' must be a table")
            merged[key] = _merge(base[key], value, origin, where + ".")
        else:
            if type(base[key]) is not type(value) and not (
                isinstance(base[key], float) and isinstance(value, int)
            ):
                raise ConfigError(
                    f"{origin}: '{where}' must be {type(base[key]).__name__}, got {type(value).__name__}"
                )
            merged[key] = value
    return merged


def default_config_text() -> str:
    return resources.files("perfaudit.config").joinpath(DEFAULTS_RESOURCE).read_text(encoding="utf-8")


@dataclass(frozen=True)
class Settings:
    """All configuration, frozen. ``section('audit')`` gives a read-only mapping."""

    data: Mapping[str, Any]
    origin: str = "defaults"

    def section(self, name: str) -> Mapping[str, Any]:
        return self.data[name]

    def as_dict(self) -> dict:
        return _thaw(self.data)

    def overridden(self, override: dict, origin: str) -> "Settings":
        """These settings with ``override`` merged over them (checked like a configuration file);
        ``origin`` names where it came from (a command-line option)."""
        merged = _merge(self.as_dict(), override, origin)
        _check_ranges(merged, origin)
        return Settings(data=_freeze(merged), origin=f"{self.origin}, {origin}")


def load_settings(config_file: Path | None = None) -> Settings:
    """Defaults, with ``config_file`` (TOML) merged over them when given."""
    data = tomllib.loads(default_config_text())
    origin = "defaults"
    if config_file is not None:
        try:
            override = tomllib.loads(Path(config_file).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{config_file}: configuration file not found") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{config_file}: not valid TOML ({exc})") from None
        data = _merge(data, override, str(config_file))
        origin = str(config_file)
    _check_ranges(data, origin)
    return Settings(data=_freeze(data), origin=origin)
