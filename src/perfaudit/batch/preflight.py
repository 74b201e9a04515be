"""Checks before any work: what the machine must provide for a run to write its reports. Each
failure is one EnvironmentFault line, found in a second instead of after every unit's work."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, Mapping

from ..errors import EnvironmentFault, describe_os_error


def writable_folder(out_dir: Path) -> None:
    """``out_dir`` exists (created if needed) and a file can be written in it."""
    if out_dir.exists() and not out_dir.is_dir():
        raise EnvironmentFault(f"{out_dir}: the output folder is a file, not a folder (choose another --out)")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".perfaudit-probe-", dir=out_dir)
        os.close(fd)
        os.unlink(probe)
    except OSError as error:
        raise EnvironmentFault(f"cannot write the output folder: {describe_os_error(error)}") from None


def report_engine(report: Mapping[str, Any]) -> None:
    """The CJK font file the reports use is readable and the PDF engine (Typst) loads."""
    font = Path(report["cjk_font_file"])
    if not os.access(font, os.R_OK):
        raise EnvironmentFault(f"{font}: the reports' CJK font file cannot be read "
                               "(Debian: apt-get install fonts-noto-cjk; or set [report] cjk_font_file)")
    try:
        import typst  # noqa: F401  (the PDF engine, a binary wheel)
    except ImportError as error:
        raise EnvironmentFault(f"the PDF engine does not load: {error} (reinstall the 'typst' package)") from None
