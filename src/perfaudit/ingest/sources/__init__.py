"""Sources: one module per file format, each turning a file's bytes into a ``SourceDocument``.

A source registers itself with ``register``: its name, the suffixes a folder search takes for it,
and a content test (magic bytes). ``source_for`` picks by content first — a ``.xls`` download
that is really an HTML page is read as HTML — then by suffix; the text source takes the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Callable

from ...errors import InputError
from ..cells import SourceDocument
from .guard import ZIP_MAGIC


@dataclass(frozen=True)
class Source:
    name: str
    suffixes: tuple[str, ...]
    sniff: Callable[[bytes], bool]
    read: Callable[[bytes, str], SourceDocument]


REGISTRY: list[Source] = []


def register(source: Source) -> Source:
    REGISTRY.append(source)
    return source


def suffixes() -> tuple[str, ...]:
    """Every suffix a folder search takes (lower case, with the dot)."""
    return tuple(s for source in REGISTRY for s in source.suffixes)


# Content no source reads, by its magic bytes: named in the refusal ("the file is a PNG image"),
# whatever its suffix claims.
FOREIGN_CONTENT: tuple[tuple[bytes, int, str], ...] = (  # (magic, offset, what it is)
    (b"\x89PNG\r\n\x1a\n", 0, "a PNG image"),
    (b"\xff\xd8\xff", 0, "a JPEG image"),
    (b"GIF87a", 0, "a GIF image"), (b"GIF89a", 0, "a GIF image"),
    (b"BM", 0, "a BMP image"),
    (b"II*\x00", 0, "a TIFF image"), (b"MM\x00*", 0, "a TIFF image"),
    (b"WEBP", 8, "a WebP image"),
    (b"\x1f\x8b", 0, "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", 0, "a 7-Zip archive"),
    (b"Rar!\x1a\x07", 0, "a RAR archive"),
    (b"\x7fELF", 0, "a program (ELF executable)"),
    (b"MZ", 0, "a Windows program"),
    (b"ftyp", 4, "a video or audio file (MP4)"),
    (b"ID3", 0, "an MP3 audio file"),
)
OFFICE_SUFFIXES = (".docx", ".xlsx", ".xls")


def foreign_content(data: bytes, suffix: str) -> str | None:
    """What the bytes are when no source reads them (an image, an archive, a program), or None."""
    for magic, offset, what in FOREIGN_CONTENT:
        if data[offset:offset + len(magic)] == magic:
            return what
    # A .docx or .xlsx is a ZIP too: a damaged one is for its source to refuse as damaged.
    if data.startswith(ZIP_MAGIC) and suffix not in OFFICE_SUFFIXES:
        return "a ZIP archive"
    return None


def source_for(data: bytes, source_file: str) -> Source:
    # The last source (text) claims any content: it is asked only after the suffixes, so a
    # truncated .xlsx whose magic bytes no longer say so is refused as a damaged workbook, not
    # as "binary data".
    *specific, catch_all = REGISTRY
    for source in specific:
        if source.sniff(data):
            return source
    suffix = PurePosixPath(source_file).suffix.lower()
    what = foreign_content(data, suffix)
    if what:
        claimed = f"not a {suffix} document" if suffix else "not a document"
        raise InputError(source_file, f"the file is {what}, {claimed}")
    for source in REGISTRY:
        if suffix in source.suffixes or source is catch_all and source.sniff(data):
            return source
    raise InputError(source_file, f"unsupported file type {suffix or '(no suffix)'}")


def read_source(data: bytes, source_file: str) -> SourceDocument:
    """The file's paragraphs and tables; InputError (file, place, reason) when it cannot be read."""
    return source_for(data, source_file).read(data, source_file)


# Registration order is sniffing order: specific magic bytes first, the text source last.
from . import docx, xlsx, doc, html, pdf, text  # noqa: E402,F401
