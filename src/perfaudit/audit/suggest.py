"""Suggestions that name what to change in this indicator: the 二级 category it belongs to, the
operator and unit that fit its value, the budget year of its document.

Rules use these instead of their general suggestion where the fix depends on the indicator (issue
14: "C01 on 0事故 suggests 如≥95%"; examples with a year other than the report's budget year).
"""

from __future__ import annotations

from typing import Mapping

from ..taxonomy import BENEFIT, LEVEL2_BY_LEVEL1, OUTPUT, SATISFACTION

_LEVEL1_OF = {level2: level1 for level1, names in LEVEL2_BY_LEVEL1.items() for level2 in names}
_LEVEL1_OF["服务对象满意度指标"] = SATISFACTION


def place_zh(level2: str) -> str:
    """``产出指标—质量指标`` for a 二级 name."""
    return f"{_LEVEL1_OF.get(level2, OUTPUT)}—{level2}"


def move_to(row: Mapping, level2: str) -> str:
    return f"把“{row['name']}”从“{row['l1']}—{row['l2']}”移到“{place_zh(level2)}”下。"


def budget_cap(project: Mapping | None) -> str:
    """A cost target from the project's budget: ``≤16.00万元（项目预算 16.00 万元）``, or ``≤N 万元``."""
    budget = (project or {}).get("budget_total")
    return f"≤{budget:,.2f}万元（项目预算 {budget:,.2f} 万元）" if budget else "≤N 万元"


def lower_is_better(row: Mapping) -> bool:
    """Costs, negative metrics (事故率, 超支率, 响应时间) and upper limits of money."""
    return bool(row["name_negative"] or row["is_cost"] or row["value_kind"] == "money")


def fitting_operator(row: Mapping) -> str:
    """The 指标性质 that fits the indicator and its value."""
    if row["value_zero"] and lower_is_better(row):
        return "="
    if lower_is_better(row):
        return "≤"
    if row["value_kind"] == "percent" and row["number"] == 100:
        return "="  # ≥100% is degenerate (A06): a complete target is =100%
    if row["value_kind"] == "duration" and not row["name_time_count"]:
        return "="  # a period of service: 1年
    return "≥"


def fitting_value(row: Mapping) -> str:
    """The indicator's own value written with a fitting operator (95% -> ≥95%, 5 万元 -> ≤5万元),
    or, when it has no figure, an example of the form its name asks for."""
    if row["name_satisfaction"] and row["value_kind"] == "percent" and (row["number"] or 0) >= 100:
        return "≥90%"  # a satisfaction of 100% is no attainable target (C05)
    if row["number"] is not None and row["value_kind"] in ("percent", "count", "quantity", "money", "duration"):
        return f"{fitting_operator(row)}{row['number']:g}{row['measure_unit'] or ''}"
    return example_value(row)


def example_value(row: Mapping, year: int | None = None) -> str:
    """An example target of the form the indicator asks for, when its value gives no figure."""
    if row["name_satisfaction"] or row["l1"] == SATISFACTION:
        return "≥90%"
    if row["name_negative"] and (row["name_rate"] or "率" in row["name"]):
        return "≤5%（或“=0”，如“0起”）"
    if row["name_rate"]:
        return "≥95%"
    if row["is_cost"]:
        return "≤N 万元"
    if row["is_timeliness"]:
        return f"{year}年12月底前" if year else "“××年12月底前”"
    if row["name_count"] or row["is_quantity"]:
        return "≥N 个（次、场、人次）"
    if row["l1"] == BENEFIT:
        return "受益人数、参与人次或覆盖率等可衡量的值（如“≥N 人次”“≥90%”）"
    return "≥N（写明度量单位）"
