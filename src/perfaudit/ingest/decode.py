"""Bytes -> text: BOM, strict UTF-8, then strict GB18030; never a replacement character.

Line ends are normalised (CRLF and lone CR -> LF) so that line numbers count ``\\n`` only.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from ..errors import InputError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
)
# Control characters (Unicode category Cc) other than the text controls \t \n \v \f \r; and the
# same for the bytes of an undecodable file (C0 and DEL only: C1 code points are not single bytes).
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1f\x7f]")
# Line ends as the decoded text counts them: CRLF, lone CR and LF each end one line.
_LINE_END = re.compile(r"\r\n|\r|\n")
_LINE_END_BYTES = re.compile(rb"\r\n|\r|\n")


@dataclass(frozen=True)
class DecodedText:
    text: str  # line ends normalised to "\n"
    encoding: str


def looks_like_target_document(text: str) -> bool:
    """Cheap plausibility test used to accept a non-UTF-8 decoding."""
    return "绩效" in text and ("指标" in text or "目标" in text)


def _line_of(data: bytes, offset: int, codec: str) -> int:
    """The 1-based line of a byte offset (bytes before the offset decode cleanly in ``codec``)."""
    return len(_LINE_END.findall(data[:offset].decode(codec, errors="replace"))) + 1


def _strict(data: bytes, codec: str, source_file: str, label: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise InputError(
            source_file, f"not valid {label} text (byte {exc.start})", _line_of(data, exc.start, codec)
        ) from None


def _mixed_encoding_line(data: bytes) -> int | None:
    """The first non-UTF-8 line of a file that is otherwise mostly UTF-8 with Chinese text."""
    good = bad = 0
    first_bad = None
    for number, line in enumerate(_LINE_END_BYTES.split(data), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            good += 1
        except UnicodeDecodeError:
            bad += 1
            first_bad = first_bad or number
    return first_bad if good > bad else None


def _check_not_binary(controls: int, length: int, source_file: str) -> None:
    """A few control characters are text (hostile or stray); many mean binary data."""
    if controls > max(8, length // 100):
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
    _check_not_binary(len(_CONTROLS.findall(text)), len(text), source_file)
    if not text.strip():
        raise InputError(source_file, "empty file")
    return DecodedText(text=text, encoding=label)


def _decode_without_bom(data: bytes, source_file: str) -> tuple[str, str]:
    if b"\x00" in data and len(data) % 2 == 0:
        # UTF-16 without a byte-order mark: its ASCII characters (tabs, digits) have a NUL byte;
        # CJK characters need not, so NULs can be few. Binary data is caught further down.
        for codec in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                continue
            if looks_like_target_document(text):
                return text, codec
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error_line = _line_of(data, exc.start, "utf-8")
        # Binary files (a .docx or .pdf renamed .txt) hold UTF-8-looking stretches: tested first.
        _check_not_binary(len(_CONTROL_BYTES.findall(data)), len(data), source_file)
        if exc.reason == "unexpected end of data":  # valid UTF-8 up to a character cut off at the end
            raise InputError(
                source_file, "the file ends inside a UTF-8 character (truncated?)", utf8_error_line
            ) from None
        mixed = _mixed_encoding_line(data)
        if mixed is not None:
            raise InputError(
                source_file, "this line is not UTF-8 while the rest of the file is (mixed encodings)", mixed
            ) from None
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise InputError(
            source_file, "neither UTF-8 nor GB18030 text (binary or unknown encoding)", utf8_error_line
        ) from None
    if not looks_like_target_document(text):
        raise InputError(source_file, "not UTF-8, and as GB18030 it is not a performance-target document")
    return text, "gb18030"
