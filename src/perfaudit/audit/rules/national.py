"""Rules on the facts only the national 申报表 holds: the 中期 (implementation period) money and goal
beside the annual ones (88号, layouts N1/N2), and the 101号 indicator attributes 指标性质 / 指标方向
and 分值/权重 (layout N2). Where a layout has no such facts (null), they are silent."""

from __future__ import annotations

import re

from ...ingest.values import nature_operator
from ..context import AuditInput, amount, indicator_evidence, on_indicator, on_project, text
from ..lexicon import norm
from ..registry import rule

BASIS_PERIOD = "财预〔2015〕88号（项目支出绩效目标申报表：中期目标与年度目标、中期资金与年度资金相互衔接）"
_YEAR = re.compile(r"^(20\d{2})")
BASIS_ATTRIBUTES = "财预〔2021〕101号（每项指标写明指标性质 ≥/≤/=/定性、指标值、度量单位；指标分值或权重合理分配）"
_LOWER, _UPPER = ("≥", ">"), ("≤", "<")
_NUMERIC_KINDS = ("percent", "count", "money", "quantity", "duration")


@rule(
    "A10", name_zh="中期资金小于年度资金", name_en="period total < annual total", severity="error",
    criterion="appropriateness",
    check_zh="（有中期资金的申报表）中期资金总额小于年度资金总额，容差 0.005 万元：实施期的资金包含本年度的资金，不能比它少",
    basis=BASIS_PERIOD,
    suggestion="核对中期资金总额与年度资金总额：中期资金总额是整个实施期的资金，应不少于年度资金总额。",
    examples=("项目资金（元）：中期资金总额 500000，年度资金总额 800000",),
    config=("tolerance",),
)
def a10(data: AuditInput):
    tolerance = data.config["tolerance"]  # 万元, as the money sums of the validation suites
    for project in data.projects:
        period, annual = project["period_budget_total"], project["budget_total"]
        if period is None or annual is None or period >= annual - tolerance:
            continue
        yield on_project(
            project,
            f"中期资金总额 {amount(period)} 万元小于年度资金总额 {amount(annual)} 万元。",
            evidence=f"中期资金总额 {amount(period)}；年度资金总额 {amount(annual)}（万元）",
            line=project["budget_line"],
        )


def _single_year(project: dict) -> bool:
    """The 项目期 starts and ends in one year: its 中期 is the budget year, and one goal serves both."""
    start, end = (_YEAR.match(text(project[column])) for column in ("start", "end"))
    return bool(start and end and start.group(1) == end.group(1))


@rule(
    "D04", name_zh="年度目标照抄中期目标", name_en="annual goal = period goal", severity="warning",
    criterion="relevance",
    check_zh="（有中期目标的申报表，项目期跨年度）年度目标与中期目标（规范化后）相同；项目期在一个年度之内的不报告",
    basis=BASIS_PERIOD,
    suggestion="年度目标只写本预算年度要完成的部分（中期目标的年度分解），不要照抄中期目标。",
    examples=("项目期 2023.07-2024.01，中期目标与年度目标都是“完成30个老旧小区二次供水设施改造。”",),
)
def d04(data: AuditInput):
    for project in data.projects:
        annual, period = norm(project["goal"]), norm(project["period_goal"])
        if not annual or annual != period or _single_year(project):
            continue
        yield on_project(
            project,
            "年度目标与中期目标完全相同，没有写出本年度要完成的部分。",
            evidence=f"中期目标：{text(project['period_goal'])}；年度目标：{text(project['goal'])}",
            line=project["goal_line"],
        )


@rule(
    "A11", name_zh="指标分值合计不为100", name_en="weights do not add up to 100", severity="warning",
    criterion="appropriateness",
    check_zh="（列有分值/权重的指标表）一个项目各指标的分值或权重合计不等于 100（容差 0.01），或只有部分指标填了分值",
    basis=BASIS_ATTRIBUTES,
    suggestion="为每项指标填写分值（权重），并使合计为 100。",
    config=("thresholds.weight_total",),
    examples=("分值：宣传活动场次 20、政策知晓率 15……合计 90",),
)
def a11(data: AuditInput):
    total = float(data.thresholds["weight_total"])
    for project in data.projects:
        own = data.indicators_of(project["project_id"])
        weighted = [row for row in own if row["weight"] is not None]
        if not weighted:
            continue
        got = sum(row["weight"] for row in weighted)
        missing = len(own) - len(weighted)
        if abs(got - total) <= 0.01 and not missing:
            continue
        lacking = f"，另有 {missing} 项指标未填分值" if missing else ""
        yield on_project(
            project,
            f"各指标分值（权重）合计 {got:g}，不等于 {total:g}{lacking}。",
            evidence="；".join(f"{row['name']} {row['weight']:g}" for row in weighted) + f"（合计 {got:g}）",
            line=weighted[0]["source_line"],
        )


def _bound(op: str | None) -> str | None:
    """``lower`` for ≥/>, ``upper`` for ≤/<, None for = or no operator."""
    return "lower" if op in _LOWER else "upper" if op in _UPPER else None


@rule(
    "C13", name_zh="指标性质与指标值矛盾", name_en="指标性质 contradicts the value", severity="error",
    criterion="relevance",
    check_zh="指标性质/指标方向（≥、≤，正向、反向）与指标值自带的 ≥/≤ 相反，或与指标本身的方向相反：满意度、合格率等越高越好的指标标为“≤”或“反向”，故障率、超支率等越低越好的指标标为“≥”或“正向”",
    basis=BASIS_ATTRIBUTES,
    suggestion="越高越好的指标（满意度、合格率、知晓率）用“≥”（正向），越低越好的指标（故障率、成本）用“≤”（反向），并使指标值与指标性质一致。",
    config=("lexicon.negative_metrics", "lexicon.quality_rates", "lexicon.satisfaction_words"),
    examples=("参保群众满意度：指标性质 ≤，指标值 90，度量单位 %",),
)
def c13(data: AuditInput):
    for row in data.indicators:
        stated = row["nature"] if nature_operator(row["nature"]) else row["direction"]
        bound = _bound(nature_operator(stated))
        if bound is None:
            continue
        written, label = _bound(row["op"]), f"指标性质“{text(stated)}”"
        if written is not None and written != bound:
            message = f"{label}与指标值“{row['value']}”自带的方向相反。"
        elif bound == "upper" and row["name_positive"]:
            message = f"“{row['name']}”是越高越好的指标，{label}却是上限。"
        elif bound == "lower" and row["name_negative"]:
            message = f"“{row['name']}”是越低越好的指标，{label}却是下限。"
        else:
            continue
        yield on_indicator(row, message, evidence=f"{indicator_evidence(row)}（{label}）")


@rule(
    "Q11", name_zh="定性指标写了数值", name_en="定性 with a number", severity="warning", criterion="feasibility",
    check_zh="指标性质为“定性”，指标值却是数值（百分比、数量、金额、时长）",
    basis=BASIS_ATTRIBUTES,
    suggestion="有数值的指标把指标性质改为 ≥、≤ 或 =，并写明度量单位；确属定性的指标，写出可分档评价的描述（如好、较好、一般、差）。",
    examples=("参保服务便利程度：指标性质 定性，指标值 95，度量单位 %",),
)
def q11(data: AuditInput):
    for row in data.indicators:
        if norm(row["nature"]) == "定性" and row["value_kind"] in _NUMERIC_KINDS:
            yield on_indicator(row, f"指标性质为定性，指标值“{row['value']}”却是数值。",
                               evidence=f"{indicator_evidence(row)}（指标性质“定性”）")
