"""The vocabulary of the target forms (``ingest/lexicon.toml``): wordings of one label, of one
一级/二级 name, and the labels that show a document of another kind.

``canonical`` is applied to every matching key (``specs.label_key``), so a layout spec names a
label once, by its canonical wording, and reads every wording listed for it.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache, lru_cache
from importlib.resources import files
from types import MappingProxyType
from typing import Mapping

from ..taxonomy import LEVEL1, canonical_level
from ..text import squash

_PLACEHOLDERS = {"{year}": r"(?:19|20)\d{2}", "{level}": r"(?:中央|省级|市级|县级|区级|本级|省|市|县|区)"}
# an item number before a label: （一）财政拨款小计, 1、一般公共预算, 2.政府性基金
# an item number before a label (（一）财政拨款小计 loses its bracket with the other brackets)
_ITEM_NUMBER = re.compile(r"^(?:(?:\d{1,2}|[一二三四五六七八九十]{1,3})[、.．])")
_AMONG = "其中:"


@cache
def _data() -> dict:
    return tomllib.loads((files("perfaudit.ingest") / "lexicon.toml").read_text(encoding="utf-8"))


_PARENTHESISED = re.compile(r"\(.*?\)")


def bare_key(text: str) -> str:
    """NFKC, no white space, parenthesised parts removed: a label as written, before the lexicon."""
    return _PARENTHESISED.sub("", squash(text))


_squashed = bare_key


@cache
def _table(section: str) -> tuple[Mapping[str, str], tuple[tuple[re.Pattern, str], ...]]:
    """(wording -> canonical, (pattern, canonical) for wordings with placeholders)."""
    plain: dict[str, str] = {}
    patterns = []
    for canonical_name, wordings in _data()[section].items():
        for wording in wordings:
            if "{" in wording:
                regex = re.escape(_squashed(wording))
                for name, pattern in _PLACEHOLDERS.items():
                    regex = regex.replace(re.escape(name), pattern)
                patterns.append((re.compile(f"^{regex}$"), _squashed(canonical_name)))
            else:
                plain[_squashed(wording)] = _squashed(canonical_name)
    return MappingProxyType(plain), tuple(patterns)


@lru_cache(maxsize=8192)  # the same labels are matched over and over
def canonical(key: str) -> str:
    """The canonical wording of a label key (already squashed, brackets dropped), else the key."""
    plain, patterns = _table("labels")
    numbered = _ITEM_NUMBER.sub("", key)
    bare = numbered.rstrip(":").removeprefix(_AMONG) or key
    found = plain.get(bare)
    if found:
        return found
    for pattern, name in patterns:
        if pattern.match(bare):
            return name
    return numbered or key


def level_name(text: str | None) -> str | None:
    """The taxonomy name of a 一级/二级 cell (``实施效果指标`` -> ``效益指标``), else None."""
    if not text:
        return None
    found = canonical_level(text) or canonical_level(_squashed(text))  # 数量指标（必填） too
    if found:
        return found
    plain, _ = _table("levels")
    return plain.get(_squashed(text))


def is_level1(text: str | None) -> bool:
    return level_name(text) in LEVEL1


def kind_wordings(kind: str) -> set[str]:
    return {_squashed(w) for w in _data()["kinds"][kind]}


def kind_of(text: str) -> str | None:
    """The kind of document (``绩效目标自评表``) two or more of whose labels the text (squashed, or
    a set of label keys) holds."""
    for kind, wordings in _data()["kinds"].items():
        if sum(_squashed(w) in text for w in wordings) >= 2:
            return kind
    return None
