"""Which files of the inputs are documents: files named on the command line always are; a folder
is searched for every supported suffix, and what it holds besides is either skipped (plainly not a
document: notes, logs, images, hidden entries) or refused (an unsupported format that may be one).
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path

from .sources import suffixes

# What a folder of documents commonly holds besides them (lower-cased names): listed as skipped,
# never read and never an error. A file named on the command line is read whatever its name.
NOT_DOCUMENTS: tuple[tuple[str, str], ...] = (
    ("readme*", "a README"),
    ("*.md", "Markdown notes"),
    ("*.log", "a log file"),
    ("*.json", "a JSON file"),
    ("*.png", "an image"), ("*.jpg", "an image"), ("*.jpeg", "an image"), ("*.gif", "an image"),
    ("*.bmp", "an image"), ("*.svg", "an image"), ("*.webp", "an image"), ("*.tif", "an image"),
    ("*.tiff", "an image"), ("*.ico", "an image"),
    ("thumbs.db", "a file-manager cache"), ("desktop.ini", "a file-manager cache"),
    ("~$*", "an office lock file"),
)


@dataclass(frozen=True)
class Discovery:
    documents: list[tuple[str, Path]] = field(default_factory=list)  # (shown name, path)
    skipped: list[tuple[str, Path, str]] = field(default_factory=list)  # (shown name, path, why)
    unsupported: list[tuple[str, Path]] = field(default_factory=list)


def not_a_document(name: str) -> str | None:
    """Why a file of this name is plainly not a document, or None."""
    lowered = name.lower()
    if lowered.startswith("."):
        return "a hidden file"
    return next((why for pattern, why in NOT_DOCUMENTS if fnmatch.fnmatchcase(lowered, pattern)), None)


def _walk(folder: Path, found: Discovery) -> None:
    supported = suffixes()
    for root, dirs, files in os.walk(folder):
        here = Path(root)
        for name in sorted(d for d in dirs if d.startswith(".")):
            found.skipped.append(((here / name).relative_to(folder).as_posix() + "/", here / name, "a hidden folder"))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = here / name
            shown = path.relative_to(folder).as_posix()
            why = not_a_document(name)
            if why:
                found.skipped.append((shown, path, why))
            elif path.suffix.lower() in supported:
                found.documents.append((shown, path))
            elif path.is_file():
                found.unsupported.append((shown, path))


def scan(paths: list[Path]) -> Discovery:
    """Documents, skipped and unsupported files of the inputs, in the order given, folders sorted.

    A shown name is the file name, or its path below the folder given — never an absolute path of
    this machine; two inputs with the same shown name keep their parent folder's name.
    """
    found = Discovery()
    for path in paths:
        if path.is_dir():
            _walk(path, found)
        else:
            found.documents.append((path.name, path))
    names = [name for name, _ in found.documents]
    found.documents[:] = [
        ((p.parent.name + "/" + name) if names.count(name) > 1 else name, p) for name, p in found.documents
    ]
    return found


def discover(paths: list[Path]) -> list[tuple[str, Path]]:
    """(shown name, path) of every document of the inputs."""
    return scan(paths).documents
