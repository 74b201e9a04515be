"""Checks a structured file passes before a third-party parser sees it, and the translation of
that parser's failures into ``InputError``.

Office files are zip archives: a truncated download has no central directory, and a zip bomb
declares (or hides) gigabytes of XML. Both are refused here with a message naming the file, so
no parser runs out of memory on a reviewer's machine or dies with a library traceback.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager

from ...errors import InputError

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, .doc (Compound File Binary)

# An office document of this tool's kind expands to a few MB; 20x that is still generous.
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_MEMBERS = 10_000
# Deflate reaches ~1000:1 only on degenerate input; real office XML compresses 5-30:1.
MAX_RATIO = 200
_RATIO_FROM_BYTES = 1024 * 1024  # small members may compress extremely well (empty styles)


def checked_zip(data: bytes, source_file: str, kind: str, required: str) -> zipfile.ZipFile:
    """The archive, once it is a complete zip holding ``required`` whose members expand to a
    sane size; InputError otherwise. The sizes checked are the declared ones: Python's zipfile
    and calamine's zip reader both stop at the declared size, so a member cannot expand past it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise InputError(source_file, f"not a readable {kind} file: damaged or truncated zip ({exc})") from None
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise InputError(source_file, f"{kind} file with {len(infos)} zip members: refused as a possible zip bomb")
    total = sum(info.file_size for info in infos)
    if total > MAX_UNZIPPED_BYTES:
        raise InputError(
            source_file,
            f"{kind} file expands to {total // 2**20} MB (limit {MAX_UNZIPPED_BYTES // 2**20} MB): "
            "refused as a possible zip bomb",
        )
    for info in infos:
        if info.file_size > _RATIO_FROM_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise InputError(
                source_file,
                f"zip member {info.filename} expands {info.file_size // max(info.compress_size, 1)}-fold: "
                "refused as a possible zip bomb",
            )
    if required not in archive.namelist():
        raise InputError(source_file, f"not a {kind} file: the zip archive has no {required}")
    return archive


@contextmanager
def parser_errors(source_file: str, kind: str, errors: tuple[type[BaseException], ...]) -> Iterator[None]:
    """Turn the listed exceptions of a third-party parser into InputError naming the file."""
    try:
        yield
    except InputError:
        raise
    except errors as exc:
        detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        raise InputError(source_file, f"not a readable {kind} file ({detail})") from None
