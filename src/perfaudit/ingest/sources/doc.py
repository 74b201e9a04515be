"""Old binary Word documents (.doc): recognised and refused with what to do instead.

No maintained pure-Python reader gets their tables (and merged cells) right; Word or LibreOffice
saves them as .docx in one step, and the .docx source then reads them exactly.
"""

from __future__ import annotations

from ...errors import InputError
from ..cells import SourceDocument
from . import Source, register
from .guard import OLE2_MAGIC

REASON = "old Word format (.doc) is not read: save it as .docx (Word or LibreOffice: Save As) and read that"


def sniff(data: bytes) -> bool:
    return data.startswith(OLE2_MAGIC) and "WordDocument".encode("utf-16-le") in data


def read(data: bytes, source_file: str) -> SourceDocument:
    raise InputError(source_file, REASON)


register(Source("doc", (".doc",), sniff, read))
