"""Where the report's CJK font is: the file the configuration names, or, with ``auto`` (the
default), the Noto Sans CJK file of Debian's ``fonts-noto-cjk`` wherever this machine has it.

The file is found once, in the driver, and its path travels in each bundle's report settings:
the charts (matplotlib) and the PDF (Typst, which loads fonts from that file's folder only)
then use the same file. A configured file is used as given; a missing one fails the unit's
report with its path named.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

from .errors import ConfigError, ReportError
from .settings import Settings

AUTO = "auto"
FONT_NAME = "NotoSansCJK-Regular.ttc"
DEBIAN_FILE = Path("/usr/share/fonts/opentype/noto") / FONT_NAME  # fonts-noto-cjk on Debian 12 and 13


def _fontconfig(family: str) -> list[str]:
    if not shutil.which("fc-match"):
        return []
    found = subprocess.run(["fc-match", "--format=%{file}", f"{family}:style=Regular"],
                           capture_output=True, text=True, check=False).stdout
    return [found] if found else []


def _dpkg() -> list[str]:
    if not shutil.which("dpkg"):
        return []
    listing = subprocess.run(["dpkg", "-L", "fonts-noto-cjk"], capture_output=True, text=True, check=False).stdout
    return [line for line in listing.splitlines() if line.endswith("/" + FONT_NAME)]


def find_cjk_font(configured: str, family: str) -> str:
    """The CJK font file: ``configured``, or for ``auto`` the installed Noto Sans CJK collection
    (asked of fontconfig, then of dpkg, then Debian's usual path)."""
    if configured != AUTO:
        return configured
    for candidate in (*_fontconfig(family), *_dpkg(), str(DEBIAN_FILE)):
        if Path(candidate).name == FONT_NAME and Path(candidate).is_file():
            return candidate
    raise ReportError(f"{FONT_NAME} not found (Debian: apt-get install fonts-noto-cjk; "
                      "or set [report] cjk_font_file to a Noto Sans CJK .ttc file)")


APPENDIX_FORMATS = ("html", "pdf")


def report_settings(settings: Settings) -> dict[str, Any]:
    """The ``[report]`` settings with the CJK font file found (and the appendix formats checked)."""
    report = dict(settings.section("report"))
    unknown = sorted(set(report["appendix"]) - set(APPENDIX_FORMATS))
    if unknown:
        raise ConfigError(f"[report] appendix: unknown format {', '.join(map(repr, unknown))} (formats: html, pdf)")
    report["appendix"] = list(report["appendix"])
    report["cjk_font_file"] = find_cjk_font(report["cjk_font_file"], report["cjk_font_family"])
    report["opinion"] = settings.as_dict()["opinion"]  # the Word 审核意见书's letterhead (report/opinion.py)
    _check_number_pattern(report["opinion"]["number_pattern"])
    return report


NUMBER_FIELDS = ("审核单位简称", "年", "序号")  # what [opinion] number_pattern may name


def _check_number_pattern(pattern: str) -> None:
    """Refuse a 文号 pattern the letter cannot fill, before any work."""
    import string

    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None}
    except ValueError as exc:
        raise ConfigError(f"[opinion] number_pattern: {exc} (write {{ and }} around a field name)") from None
    unknown = sorted(fields - set(NUMBER_FIELDS))
    if unknown:
        raise ConfigError(f"[opinion] number_pattern: unknown field {', '.join('{' + f + '}' for f in unknown)} "
                          f"(fields: {', '.join('{' + f + '}' for f in NUMBER_FIELDS)})")
