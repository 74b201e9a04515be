"""Parse an indicator target value (指标值) into operator, number, unit and kind.

The raw text is kept elsewhere exactly as written. Parsing reads an NFKC copy without white
space, so full- and half-width forms read the same and line-wrap spaces (``3 次``) vanish.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
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
# Also a period of year.month ends (2023.07-2024.01) and the end of a month range after a date
# (2021年1月-12月), which are no numbers of the value either.
_DATE = re.compile(
    r"(?<![0-9])(?:"
    r"(?:19|20)[0-9]{2}[-./][0-9]{1,2}[-./][0-9]{1,2}(?![0-9])[日号]?"
    r"|(?:19|20)[0-9]{2}[./][0-9]{1,2}[-~至到](?:19|20)[0-9]{2}[./][0-9]{1,2}(?![0-9.])"
    r"|(?<=[年月日号])[-~至到][0-9]{1,2}月份?(?:[0-9]{1,2}[日号])?"
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
def parse_value(raw: str | None, date_column: bool = False) -> ParsedValue:
    """Parse one target value; never raises, anything unrecognised is ``text``. ``date_column``:
    the value stands where a date is asked (``is_date_column``), so an Excel serial there is a
    deadline (``44561``: 2021-12-31), never a number; elsewhere it is the number it reads."""
    text = squash(raw).strip(_EDGE_PUNCTUATION)
    if not text:
        return ParsedValue(None, None, None, "empty")
    if date_column and excel_serial_date(text) is not None:
        return ParsedValue(None, None, None, "deadline")
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
    if unit[:1] in ("%", "‰"):  # a percent is a whole unit: 12月底前100%到位 reads 100, %
        unit = unit[:1]
    op_before, _ = _match_operator(undated[: found.start()], _WORDS_BEFORE)
    op = op_before or op_after or "="
    return ParsedValue(op, float(found.group().replace(",", "")), unit or None, _unit_kind(unit))


# 指标性质 / 指标方向 cells that state an operator: the symbols, their words, and 正向 (the more the
# better: a lower bound) / 反向 (an upper bound).
_NATURE_OPERATORS = {**{word: op for word, op in _WORDS_BEFORE}, "正向": "≥", "反向": "≤"}
# 度量单位 cells that say the value is a date: nothing is added to it (a serial such as 45991 stays
# as it came, for Q08 to report; parse_value reads it as a deadline)
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
    unit cell says it is a date (日期, or a serial such as ``44,561``), stay as they are."""
    parsed = parse_value(value)
    if parsed.number is None or is_date_unit(unit):
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


# --- Excel serial dates ---------------------------------------------------------------------------

# Day 0 of Excel's 1900 date system (its phantom 1900-02-29 included); serials of 2000-01-01 ..
# 2049-12-31 only, so that an ordinary count of a few thousand is never taken for a date.
_EXCEL_EPOCH = date(1899, 12, 30)
_SERIAL_RANGE = (36526, 54787)
_SERIAL = re.compile(r"^(?:[0-9]{5}|[0-9]{2},[0-9]{3})(?:\.0+)?$")
_TIME_NAME = re.compile(r"时间|日期|时限|时点|截止|期限")


def excel_serial_date(text: str | None) -> date | None:
    """The date an Excel serial stands for (``44561``, ``44,561`` -> 2021-12-31), else None."""
    squashed = squash(text)
    if not _SERIAL.match(squashed):
        return None
    serial = int(float(squashed.replace(",", "")))
    low, high = _SERIAL_RANGE
    return _EXCEL_EPOCH + timedelta(days=serial) if low <= serial <= high else None


def is_date_unit(unit: str | None) -> bool:
    """A 度量单位 cell that says its value is a date: 日期 and the like, or itself a serial (a
    date-formatted cell exported as a number)."""
    return squash(unit) in _DATE_UNITS or excel_serial_date(unit) is not None


def is_date_column(unit: str | None, level2: str | None, level3: str | None) -> bool:
    """Whether an indicator's value is a date: its unit cell says so, or it is a 时效 indicator
    whose name asks for a time (项目财政资金到位时间), never an ordinary count."""
    if is_date_unit(unit):
        return True
    return "时效" in squash(level2) and bool(_TIME_NAME.search(squash(level3)))


# --- amounts as written (项目资金 cells) ------------------------------------------------------------

_EMPTY_AMOUNTS = frozenset({"", "-", "—", "－", "/", "——", "无"})
# Thousands separators are dropped wherever they stand (3,309,840.00), as every reader did.
_AMOUNT_NUMBER = re.compile(r"^[¥￥]?(?P<number>[+-]?[0-9][0-9,]*(?:\.[0-9]+)?)(?P<unit>万元|万|元)?$")
# The total before a bracket holding its parts: 854万(高标准农田建设400万元,…). Brackets of either
# width; what the bracket holds is kept as written.
_WITH_BRACKET = re.compile(r"^(?P<total>[^(（]+?)\s*[(（](?P<inside>.*)[)）]\s*$", re.S)


@dataclass(frozen=True)
class Amount:
    number: float  # as written, in ``unit``
    unit: str | None  # "万元" or "元" where the cell writes one (万 alone is 万元), else None
    breakdown: str | None = None  # the parts written in brackets after the total, as written


def is_empty_amount(raw: str | None) -> bool:
    return squash(raw) in _EMPTY_AMOUNTS


def read_amount(raw: str | None) -> Amount | None:
    """An amount as people write it: ``5.00``, ``1,500.06``, ``3,309,840.00``, ``10000万元``,
    ``250万``, ``2279.048 万元``, ``854万(高标准农田建设400万元,示范建设295万元,畅通工程159万元)``
    (854 万元, the bracket kept as its breakdown), ``164(万元)``. None when the text is no amount
    (an empty cell is no amount either: see ``is_empty_amount``)."""
    text = (raw or "").strip()
    breakdown = None
    bracket = _WITH_BRACKET.match(text)
    if bracket:
        text, inside = bracket.group("total"), bracket.group("inside").strip()
        if squash(inside) in ("万元", "万", "元"):
            text += squash(inside)  # 164(万元): the bracket holds the unit
        elif inside:
            breakdown = inside
    match = _AMOUNT_NUMBER.match(squash(text))
    if not match:
        return None
    unit = {"万": "万元"}.get(match.group("unit"), match.group("unit"))
    return Amount(float(match.group("number").replace(",", "")), unit, breakdown)


def amount_breakdown(raw: str | None) -> str | None:
    """The parts an amount cell writes beside its total (``854万(高标准农田建设400万元,…)``), else None."""
    amount = read_amount(raw)
    return amount.breakdown if amount else None


# --- names as people write them (一级/二级/三级 labels) ----------------------------------------------

# Template notes on what must be filled, not part of the name: 满意度指标(必填), 项目名称(选填).
_FORM_NOTE = re.compile(r"\s*[(（]\s*(?:必填|选填)(?:硬性)?(?:指标|项)?\s*[)）]")
# A score (range) a level label carries: 成本指标(0-20)分, 产出指标(50分), 效益指标（30分）.
_SCORE = re.compile(
    r"\s*[(（]\s*(?P<score>[0-9]+(?:\.[0-9]+)?(?:\s*[-－—~～至]\s*[0-9]+(?:\.[0-9]+)?)?)\s*分?\s*[)）]\s*分?\s*$"
)


def drop_form_notes(name: str | None) -> str | None:
    """The name without the template's (必填) / (选填) / (必填硬性指标) notes. A template hint such
    as (≥**个) is no note: it stays, as evidence that the template was not filled in."""
    if name is None:
        return None
    return _FORM_NOTE.sub("", name).strip()


def split_score(label: str | None) -> tuple[str | None, str | None]:
    """(label, score) of a level label that states its score: ``成本指标(0-20)分`` ->
    (``成本指标``, ``0-20分``), ``产 出 指 标 (50分)`` -> (``产 出 指 标``, ``50分``); a label
    without one -> (label, None)."""
    if label is None:
        return None, None
    match = _SCORE.search(label)
    if not match or not label[: match.start()].strip():
        return label, None
    return label[: match.start()].strip(), squash(match.group("score")) + "分"
