"""Writing files so that a reader (or a run killed midway) never sees half of one.

``write_bytes``/``write_text``/``write_json``: the data goes to a temporary file in the same
folder, is flushed to disk (``fsync``), then renamed over the target (``os.replace``, atomic on
one file system): a reader sees the old file or the new one. ``replace_dir`` does the same for a
complete staging folder. Every file the tool replaces in an output folder goes through here.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path
from typing import Any


def write_bytes(path: Path, data: bytes) -> Path:
    """Replace ``path`` by ``data`` atomically (creating its folder); returns ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # per process and thread: two threads replacing one file never share a temporary file
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path


def write_text(path: Path, text: str) -> Path:
    return write_bytes(path, text.encode("utf-8"))


def json_text(value: Any) -> str:
    """The tool's JSON files: UTF-8 text, sorted keys, one-space indent, a final newline."""
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def write_json(path: Path, value: Any) -> Path:
    return write_text(path, json_text(value))


def replace_dir(staging: Path, final: Path) -> None:
    """Replace the folder ``final`` by the complete folder ``staging``, by renames only.

    The old folder is renamed aside before the new one takes its place, so a run killed at any
    moment leaves in ``final`` the whole old folder, the whole new one, or nothing (the next run
    then rebuilds it and clears the leftovers).
    """
    old = final.with_name(f".{final.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    staging.rename(final)
    shutil.rmtree(old, ignore_errors=True)
