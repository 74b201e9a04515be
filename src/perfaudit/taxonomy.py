"""The indicator taxonomy (财预〔2015〕88号 and the 2021 core-indicator scheme), as data.

Canonical names are what the tables hold in ``level1``/``level2``; ``canonical_level`` maps the
many spellings found in documents (with or without 指标, with code prefixes such as ``22-``) to them.
"""

from __future__ import annotations

import re
import unicodedata

OUTPUT = "产出指标"
BENEFIT = "效益指标"
SATISFACTION = "满意度指标"
COST = "成本指标"

LEVEL1 = (OUTPUT, BENEFIT, SATISFACTION, COST)

# level1 -> allowed level2, for the 2015 scheme (成本 under 产出) and the 2021 scheme (成本 on top).
LEVEL2_BY_LEVEL1: dict[str, tuple[str, ...]] = {
    OUTPUT: ("数量指标", "质量指标", "时效指标", "成本指标"),
    BENEFIT: ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
    SATISFACTION: ("服务对象满意度指标",),
    COST: ("经济成本指标", "社会成本指标", "生态环境成本指标"),
}

LEVEL2 = tuple(dict.fromkeys(name for names in LEVEL2_BY_LEVEL1.values() for name in names))

# A level1 with a single level2 may repeat its own name as the level2 label (满意度指标 | 满意度指标
# in many provincial forms): it can only mean that level2.
VALID_PAIRS: tuple[tuple[str, str], ...] = tuple(
    (level1, level2)
    for level1, names in LEVEL2_BY_LEVEL1.items()
    for level2 in (names + (level1,) if len(names) == 1 else names)
)

# Layout A's numeric codes: first digit is the level1 code.
LEVEL1_CODES = {"1": OUTPUT, "2": BENEFIT, "3": SATISFACTION, "4": COST}

_CODE_PREFIX = re.compile(r"^\s*(\d{1,2})\s*[-－—–.、]\s*")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _aliases() -> dict[str, str]:
    table: dict[str, str] = {}
    for name in LEVEL1 + LEVEL2:
        table[name] = name
        table[name.removesuffix("指标")] = name
    table["满意度"] = SATISFACTION
    table["服务对象满意度"] = "服务对象满意度指标"
    table["满意度指标服务对象满意度"] = "服务对象满意度指标"
    table["可持续影响"] = "可持续影响指标"
    table["可持续发展指标"] = "可持续影响指标"
    table["生态成本指标"] = "生态环境成本指标"
    # older 一级 names of some 88号 provincial copies
    table["项目完成指标"] = OUTPUT
    table["项目完成"] = OUTPUT
    table["项目效益指标"] = BENEFIT
    table["项目效益"] = BENEFIT
    return table


ALIASES = _aliases()


def split_code(text: str) -> tuple[str | None, str]:
    """``'22-社会效益'`` -> ``('22', '社会效益')``; text without a code -> ``(None, text)``."""
    match = _CODE_PREFIX.match(text)
    if match:
        return match.group(1), text[match.end():].strip()
    return None, text.strip()


def canonical_level(text: str | None) -> str | None:
    """The canonical level name for a spelling, or None when it is not a taxonomy name."""
    if text is None:
        return None
    _, name = split_code(text)
    return ALIASES.get(_squash(name))


def is_level1(text: str) -> bool:
    return canonical_level(text) in LEVEL1


def is_level2(text: str) -> bool:
    return canonical_level(text) in LEVEL2
