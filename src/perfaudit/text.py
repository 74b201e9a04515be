"""Text helpers shared by every stage: normalisation for matching, never for display."""

from __future__ import annotations

import re
import unicodedata

# Layout characters that word processors leave inside text; they carry no content.
_LAYOUT_CHARS = re.compile("[\u2028\u2029\f\v\u0085\ufeff\u200b]")


def remove_layout_chars(text: str) -> str:
    return _LAYOUT_CHARS.sub("", text)


def clean_cell(text: str) -> str:
    """A cell's text as kept in the tables: layout characters removed, outer white space trimmed."""
    return _LAYOUT_CHARS.sub("", text).strip(" \t\u3000\u00a0")


def nfkc(text: str | None) -> str:
    """NFKC-normalised copy used for matching (full/half-width punctuation folded)."""
    if text is None:
        return ""
    return unicodedata.normalize("NFKC", text)


def squash(text: str | None) -> str:
    """NFKC without any white space: for matching labels that line wraps split (``资金支出计 划``)."""
    return re.sub(r"\s+", "", nfkc(text))


_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")


def join_wrapped(first: str, more: str) -> str:
    """Two pieces of one line that layout wrapped: no separator where Chinese text meets, else a space."""
    if not first or not more:
        return first or more
    if _CJK.match(first[-1]) or _CJK.match(more[0]):
        return first + more
    return first + " " + more
