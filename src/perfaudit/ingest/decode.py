"""Bytes -> text: BOM, strict UTF-8, then strict GB18030; never a replacement character.

Line ends are normalised (CRLF and lone CR -> LF) so that line numbers count ``\\n`` only.
"""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass

from ..errors import InputError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
)
_TEXT_CONTROLS = set("\t\n\r\f\v")


@dataclass(frozen=True)
class DecodedText:
    text: str  # line ends normalised to "\n"
    encoding: str


def looks_like_target_document(text: str) -> bool:
    """Cheap plausibility test used to accept a non-UTF-8 decoding."""
    return "绩效" in text and ("指标" in text or "目标" in text)


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _strict(data: bytes, codec: str, source_file: str, label: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise InputError(
            source_file, f"not valid {label} text (byte {exc.start})", _line_of(data, exc.start)
        ) from None


def _mixed_encoding_line(data: bytes) -> int | None:
    """The first non-UTF-8 line of a file that is otherwise mostly UTF-8 with Chinese text."""
    good = bad = 0
    first_bad = None
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            good += 1
        except UnicodeDecodeError:
            bad += 1
            first_bad = first_bad or number
    return first_bad if good > bad else None


def _check_not_binary(text: str, source_file: str) -> None:
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in _TEXT_CONTROLS)
    if controls > max(8, len(text) // 100):
        raise InputError(source_file, "binary data, not a text document")


def decode_document(data: bytes, source_file: str) -> DecodedText:
    if not data.strip():
        raise InputError(source_file, "empty file")
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom):], codec, source_file, label)
            break
    else:
        text, label = _decode_without_bom(data, source_file)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    _check_not_binary(text, source_file)
    if not text.strip():
        raise InputError(source_file, "empty file")
    return DecodedText(text=text, encoding=label)


def _decode_without_bom(data: bytes, source_file: str) -> tuple[str, str]:
    if data.count(b"\x00") > len(data) // 4:
        # UTF-16 without a byte-order mark: every other byte of CJK/ASCII text is often NUL.
        for codec in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                continue
            if looks_like_target_document(text):
                return text, codec
        raise InputError(source_file, "binary data, not a text document")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        mixed = _mixed_encoding_line(data)
        if mixed is not None:
            raise InputError(
                source_file, "this line is not UTF-8 while the rest of the file is (mixed encodings)", mixed
            ) from None
        utf8_error_line = _line_of(data, exc.start)
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise InputError(
            source_file, "neither UTF-8 nor GB18030 text (binary or unknown encoding)", utf8_error_line
        ) from None
    if not looks_like_target_document(text):
        raise InputError(source_file, "not UTF-8, and as GB18030 it is not a performance-target document")
    return text, "gb18030"
