"""Rules on the facts only the national 申报表 (88号, layout N1) holds: the 中期 (implementation
period) money and goal beside the annual ones. Where a layout has no 中期 facts (null), they are
silent."""

from __future__ import annotations

import re

from ..context import AuditInput, amount, on_project, text
from ..lexicon import norm
from ..registry import rule

BASIS_PERIOD = "财预〔2015〕88号（项目支出绩效目标申报表：中期目标与年度目标、中期资金与年度资金相互衔接）"
_TOLERANCE = 0.005  # 万元, as the money sums of the validation suites
_YEAR = re.compile(r"^(20\d{2})")


@rule(
    "A10", name_zh="中期资金小于年度资金", name_en="period total < annual total", severity="error",
    criterion="appropriateness",
    check_zh="（有中期资金的申报表）中期资金总额小于年度资金总额，容差 0.005 万元：实施期的资金包含本年度的资金，不能比它少",
    basis=BASIS_PERIOD,
    suggestion="核对中期资金总额与年度资金总额：中期资金总额是整个实施期的资金，应不少于年度资金总额。",
    examples=("项目资金（元）：中期资金总额 500000，年度资金总额 800000",),
)
def a10(data: AuditInput):
    for project in data.projects:
        period, annual = project["period_budget_total"], project["budget_total"]
        if period is None or annual is None or period >= annual - _TOLERANCE:
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
