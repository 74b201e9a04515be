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


def source_for(data: bytes, source_file: str) -> Source:
    # The last source (text) claims any content: it is asked only after the suffixes, so a
    # truncated .xlsx whose magic bytes no longer say so is refused as a damaged workbook, not
    # as "binary data".
    *specific, catch_all = REGISTRY
    for source in specific:
        if source.sniff(data):
            return source
    suffix = PurePosixPath(source_file).suffix.lower()
    for source in REGISTRY:
        if suffix in source.suffixes or source is catch_all and source.sniff(data):
            return source
    raise InputError(source_file, f"unsupported file type {suffix or '(no suffix)'}")


def read_source(data: bytes, source_file: str) -> SourceDocument:
    """The file's paragraphs and tables; InputError (file, place, reason) when it cannot be read."""
    return source_for(data, source_file).read(data, source_file)


# Registration order is sniffing order: specific magic bytes first, the text source last.
from . import docx, xlsx, doc, html, pdf, text  # noqa: E402,F401
