"""Parse an indicator target value (指标值) into operator, number, unit and kind.

The raw text is kept elsewhere exactly as written. Parsing reads an NFKC copy without white
space, so full- and half-width forms read the same and line-wrap spaces (``3 次``) vanish.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from perfaudit.text import squash

VALUE_KINDS = ("percent", "count", "money", "quantity", "duration", "deadline", "boolean", "text", "empty")

# Operator words standing before the number. The longest match wins: 不少于 contains 少于.
OPERATORS_BEFORE = {
    "≥": ("≥", "≧", "⩾", ">=", "不少于", "不低于", "不小于", "至少", "大于等于", "大于或等于"),
    ">": (">", "大于", "高于", "超过", "多于"),
    "≤": ("≤", "≦", "⩽", "<=", "不超过", "不高于", "不大于", "不多于", "小于等于", "小于或等于", "控制在"),
    "<": ("<", "小于", "低于", "少于"),
    "=": ("=",),
}
# Operator words ending the value, after the unit: 85%以上, 3场及以上, 10分钟以内, 控制在50万元内.
OPERATORS_AFTER = {
    "≥": ("以上", "及以上"),
    "≤": ("以下", "及以下", "以内", "之内", "内"),
}

# A unit's kind is found by its longest known prefix, so 万人次/年 is a count and 元/人 is money.
UNIT_KINDS = {
    "percent": ("%", "‰", "百分点", "个百分点"),
    "money": ("元",),
    "duration": ("年", "个月", "月", "周", "星期", "天", "日", "工作日", "个工作日",
                 "小时", "分钟", "分", "秒", "季度", "个季度"),
    "count": ("人", "人次", "次", "场", "场次", "个", "件", "篇", "篇次", "册", "条", "台", "项",
              "期", "类", "班", "班次", "团", "团次", "个版", "版", "家", "户", "部", "本", "套",
              "批", "门", "所", "处", "名", "位", "份", "幅", "首", "集", "座", "支", "组", "届",
              "轮", "节", "课时", "张", "种", "例", "辆", "间"),
    # Other units default to quantity; these are listed so that a count or time prefix (分贝 vs 分)
    # cannot capture them.
    "quantity": ("平方米", "立方米", "米", "公里", "公顷", "亩", "吨", "分贝", "GB", "TB"),
}
# A magnitude before a unit keeps the unit's kind: 万元, 千元, 万人次, 万平方米.
MAGNITUDES = "十百千万亿"

BOOLEANS = {"是", "否", "是/否", "否/是", "是或否"}

# Dates whose digits are not the value's number: 2025年12月底前, 2024年12月31日前, 6月30日前.
_DATE = re.compile(
    r"(?<![0-9])(?:"
    r"(?:19|20)[0-9]{2}[-./][0-9]{1,2}[-./][0-9]{1,2}[日号]?"
    r"|(?:19|20)[0-9]{2}年度?(?:[0-9]{1,2}月份?(?:[0-9]{1,2}[日号])?)?"
    r"|[0-9]{1,2}月份?(?:[0-9]{1,2}[日号]|(?=底|末|初|上旬|中旬|下旬|前|之前|以前|止))"
    r")"
)
# Deadlines without digits (年底前) and periodic schedules (按月及时支付, 每季度).
_PERIOD_WORDS = re.compile(
    r"年底|年末|年内|月底|月末|季末|季度末|上半年|下半年"
    r"|(?:按|每)(?:月|季度|季|半年|年|周|旬)|每(?:日|天)"
)
# One number: 1,000 and 51.5; not a digit of an ASCII word (m2 from ㎡). A minus sign only
# where nothing but an operator symbol precedes it (≥-5%), so 80%-90% stays two numbers.
_NUMBER = re.compile(
    r"(?<![0-9A-Za-z])(?:(?<![^<>=≥≤≧≦⩾⩽])-)?"
    r"(?:[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])|[0-9]+)(?:\.[0-9]+)?"
)
_GAP = " "  # stands in for a removed date; white space is otherwise gone after squash
_UNIT_END = re.compile(r"[ ,;:。、!?.]")
_EDGE_PUNCTUATION = "。.;,、!?:"

_UNIT_KIND = {unit: kind for kind, units in UNIT_KINDS.items() for unit in units}
_UNITS_LONGEST_FIRST = sorted(_UNIT_KIND, key=len, reverse=True)


def _longest_first(table: dict[str, tuple[str, ...]]) -> list[tuple[str, str]]:
    pairs = [(word, op) for op, words in table.items() for word in words]
    return sorted(pairs, key=lambda pair: len(pair[0]), reverse=True)


_WORDS_BEFORE = _longest_first(OPERATORS_BEFORE)
_WORDS_AFTER = _longest_first(OPERATORS_AFTER)


@dataclass(frozen=True)
class ParsedValue:
    op: str | None  # one of "≥", ">", "≤", "<", "=" or None
    number: float | None  # the number as written, in measure_unit
    measure_unit: str | None
    value_kind: str  # one of VALUE_KINDS


@lru_cache(maxsize=4096)  # documents repeat their values (100%, ≥95%, 按时完成) many times
def parse_value(raw: str | None) -> ParsedValue:
    """Parse one target value; never raises, anything unrecognised is ``text``."""
    text = squash(raw).strip(_EDGE_PUNCTUATION)
    if not text:
        return ParsedValue(None, None, None, "empty")
    if text in BOOLEANS:
        return ParsedValue(None, None, None, "boolean")
    undated = _DATE.sub(_GAP, text)
    numbers = list(_NUMBER.finditer(undated))
    if not numbers:
        if undated != text or _PERIOD_WORDS.search(text):
            return ParsedValue(None, None, None, "deadline")
        # A bare unit (次) is kept so that a rule can tell "unit without number" apart.
        return ParsedValue(None, None, text if _is_unit(text) else None, "text")
    if len(numbers) > 1:
        return ParsedValue(None, None, None, "text")
    found = numbers[0]
    unit = _UNIT_END.split(undated[found.end() :], maxsplit=1)[0]
    op_after, unit = _match_operator(unit, _WORDS_AFTER)
    op_before, _ = _match_operator(undated[: found.start()], _WORDS_BEFORE)
    op = op_before or op_after or "="
    return ParsedValue(op, float(found.group().replace(",", "")), unit or None, _unit_kind(unit))


# 指标性质 / 指标方向 cells that state an operator: the symbols, their words, and 正向 (the more the
# better: a lower bound) / 反向 (an upper bound).
_NATURE_OPERATORS = {**{word: op for word, op in _WORDS_BEFORE}, "正向": "≥", "反向": "≤"}
# 度量单位 cells that say the value is a date: nothing is added to it (a serial such as 45991 stays
# as it came, for Q08 to report)
_DATE_UNITS = frozenset({"日期", "年月日", "年-月-日", "时间", "时限"})


def nature_operator(nature: str | None) -> str | None:
    """The operator a 指标性质 / 指标方向 cell names (``≥``, ``不低于``, ``正向`` -> ``≥``), else None
    (定性, 定量, empty)."""
    return _NATURE_OPERATORS.get(squash(nature))


def compose_value(natures: tuple[str | None, ...], value: str, unit: str | None) -> str:
    """The target as a form with 指标性质 / 指标值 / 度量单位 in cells of their own reads it:
    ``≥`` ``90`` ``%`` -> ``≥90%``. The operator (of the first of ``natures`` that names one:
    指标性质, then 指标方向) is put before a value that states none, the unit after a number that
    has none (``=300天`` and ``2024-06-30`` stay as they are); an empty value, and a value whose
    unit cell says it is a date, stay as they are."""
    parsed = parse_value(value)
    if parsed.number is None or squash(unit) in _DATE_UNITS:
        return value
    op = next(filter(None, map(nature_operator, natures)), None)
    written = squash(value)
    if op and not (_match_operator(_NUMBER.split(written, maxsplit=1)[0], _WORDS_BEFORE)[0]
                   or _match_operator(written, _WORDS_AFTER)[0]):
        value = op + value
    if unit and parsed.measure_unit is None:
        value += unit
    return value


def _match_operator(text: str, words: list[tuple[str, str]]) -> tuple[str | None, str]:
    """The operator of the longest word ending ``text``, and ``text`` without that word."""
    for word, op in words:
        if text.endswith(word):
            return op, text[: -len(word)]
    return None, text


def _unit_kind(unit: str) -> str:
    for candidate in (unit, unit.lstrip(MAGNITUDES)):
        for known in _UNITS_LONGEST_FIRST:
            if candidate.startswith(known):
                return _UNIT_KIND[known]
    return "quantity"


def _is_unit(text: str) -> bool:
    return text in _UNIT_KIND or text.lstrip(MAGNITUDES) in _UNIT_KIND
