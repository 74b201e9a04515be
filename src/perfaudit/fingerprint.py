"""Fingerprints: every hash the tool records, computed here and nowhere else.

Two uses, two readers:

- **Shown in reports** (each bundle's ``fingerprints``, each report's 技术附注 and
  provenance.json): ``settings_fingerprint`` (the effective configuration, every section),
  ``suites_fingerprint`` (the expectation suites' content), ``sources_fingerprint`` (the unit's
  input files) and the bundle's own content hash (``bundle.py``).
- **Incremental runs** (``OUT/manifest.json``, see below): the *recipe*, one hash per component.

The configuration is hashed in two ways on purpose. Reports show the whole configuration; the
recipe leaves out the sections that only steer a run (``RUN_ONLY_SECTIONS``: ``[batch]``,
workers and timeouts), so that changing the number of workers rebuilds nothing. The suites are
hashed once, by content (the same value in reports and recipe).

A unit's report is determined by its input file (name and bytes), its review file
(``OUT/reviews/<unit_id>.toml``: the reviewer's dispositions) and by the *recipe*: the
package's source and templates, the report notebook, the effective rule configuration, the
expectation suites, the installed dependency versions and the run options that change the output.
The recipe is hashed once per run, per component, so that a plan can say which one changed.

Cheap by design: a no-change re-run of a thousand units must decide in seconds, so nothing here
imports Great Expectations, papermill or nbconvert.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import sys
from pathlib import Path
from typing import Any

from .resources import DATA, SUITES, data_dir, package_dir
from .settings import Settings

# Configuration sections that change how a batch runs, not what a report says.
RUN_ONLY_SECTIONS = ("batch",)
DIST_INFO_SUFFIXES = (".dist-info", ".egg-info")

# Human-readable names of the recipe components, in the order a plan reports them.
RECIPE_LABELS = {
    "code": "package source or templates",
    "notebook": "report notebook",
    "config": "rule configuration",
    "suites": "expectation suites",
    "dependencies": "installed dependency versions",
    "options": "run options",
}


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_text(text: str) -> str:
    return sha256_bytes(text.encode("utf-8"))


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no insignificant white space: stable input for fingerprints."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _hash_json(value: Any) -> str:
    return sha256_text(canonical_json(value))


def settings_fingerprint(settings: Settings) -> str:
    """The effective configuration, every section: shown in reports (a bundle's ``rules``)."""
    return sha256_text(json.dumps(settings.as_dict(), sort_keys=True, ensure_ascii=False))


def suites_fingerprint(suites_dir: Path | None = None) -> str:
    """The expectation suites' content (table -> suite JSON; file locations and formatting left
    out). A suite that does not read is hashed by its bytes (validation refuses it with its reason)."""
    folder = data_dir(SUITES) if suites_dir is None else Path(suites_dir)
    specs: dict[str, Any] = {}
    for path in sorted(folder.glob("*.json")):
        data = path.read_bytes()
        try:
            specs[path.stem] = json.loads(data.decode("utf-8"))
        except ValueError:
            specs[path.stem] = sha256_bytes(data)
    return sha256_text(canonical_json(specs))


def sources_fingerprint(sources: list[dict[str, str]]) -> str:
    """A unit's input files (name and SHA-256 of each, ``bundle.unit_sources``)."""
    return sha256_text(canonical_json(sources))


def tree_fingerprint(folder: Path, pattern: str = "*", *, leave_out: str | None = None) -> str:
    """SHA-256 over the relative paths and bytes of the files below ``folder`` (caches and the
    subfolder ``leave_out`` left out)."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob(pattern)):
        parts = path.relative_to(folder).parts
        if path.is_file() and "__pycache__" not in parts and path.suffix != ".pyc" and parts[0] != leave_out:
            digest.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
            digest.update(sha256_bytes(path.read_bytes()).encode("ascii"))
    return digest.hexdigest()


def dependencies_fingerprint() -> str:
    """The installed distributions (what the reports are made with) and Python's version.

    Read from the ``<name>-<version>.dist-info`` folder names on ``sys.path``: 0.5 ms, where
    ``importlib.metadata`` takes 70 ms to parse every METADATA file."""
    installed = sorted({
        entry for folder in sys.path if os.path.isdir(folder)
        for entry in os.listdir(folder) if entry.endswith(DIST_INFO_SUFFIXES)
    })
    return sha256_bytes("\n".join([*installed, f"python=={platform.python_version()}"]).encode("utf-8"))


def config_fingerprint(settings: Settings) -> str:
    """The effective configuration without the sections that only steer the run: the recipe's
    ``config`` component (see the module docstring)."""
    data = {name: value for name, value in settings.as_dict().items() if name not in RUN_ONLY_SECTIONS}
    return _hash_json(data)


def recipe_fingerprint(
    settings: Settings, *, notebook: Path, suites_dir: Path | None = None, options: dict[str, Any]
) -> dict[str, str]:
    """One hash per recipe component (see ``RECIPE_LABELS``)."""
    return {
        "code": tree_fingerprint(package_dir(), leave_out=DATA),  # data/: own components below
        "notebook": sha256_bytes(notebook.read_bytes()),
        "config": config_fingerprint(settings),
        "suites": suites_fingerprint(suites_dir),
        "dependencies": dependencies_fingerprint(),
        "options": _hash_json(options),
    }


def unit_fingerprint(source_file: str, file_sha256: str, recipe: dict[str, str], review_sha256: str | None) -> str:
    """The fingerprint of one unit's report: its input (shown name and bytes), the recipe and its
    review file's bytes (None: no review file; ``review.file.review_digest``)."""
    return _hash_json({"source_file": source_file, "sha256": file_sha256, "recipe": recipe, "review": review_sha256})


def changed_components(old: dict[str, str] | None, new: dict[str, str]) -> list[str]:
    """The recipe components that differ, as labels (all of them when there is no old recipe)."""
    old = old or {}
    return [RECIPE_LABELS[name] for name in RECIPE_LABELS if old.get(name) != new.get(name)]


def department_fingerprint(members: dict[str, str], notebook_sha256: str) -> str:
    """The fingerprint of a department's report: its units (ids and their fingerprints, which
    hold their inputs and the recipe) and the department notebook."""
    return _hash_json({"units": dict(sorted(members.items())), "notebook": notebook_sha256})
