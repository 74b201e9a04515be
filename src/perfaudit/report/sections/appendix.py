"""The appendix of a unit report (every project and its indicators as parsed, with a 申报表's own
facts) and the unit's 部门整体 goals, tasks and indicators (layout N4)."""

from __future__ import annotations

from ...bundle import UnitBundle
from ..markup import Content, Element, definition_table, element, group, lines, table
from .format import (
    APPENDIX, FUNDING_SOURCES, PLAN_LABELS, Locator, grouped, indicators_in_order, projects_in_order, records, amount, note, percent,
    project_label, section, text_or_missing,
)


def _indicator_table(indicators: list[dict], locate: Locator) -> Element:
    """A project's indicators as parsed; columns that none of them fills are left out."""
    two_values = any(row["target_period"] is not None for row in indicators)
    columns = {
        "level1": ("一级指标", 11), "level2": ("二级指标", 13), "level3": ("三级指标", 19),
        "description": ("指标描述", 19), "previous_value": ("上年实际值", 12), "target_period": ("实施周期指标值", 15),
        "target_annual": ("年度指标值" if two_values else "指标值", 15),
        "basis": ("指标值确定依据", 11), "value_ref": ("出处", 10),
    }
    shown = [column for column in columns if any(row[column] is not None for row in indicators)]
    total = sum(columns[column][1] for column in shown)
    rows = [[locate(row["source_file"], row["value_ref"]) if column == "value_ref" else text_or_missing(row[column])
             for column in shown] for row in indicators]
    return table([columns[c][0] for c in shown], rows,
                 widths=[f"{columns[c][1] * 100 / total:.1f}%" for c in shown], cls="indicators")


def _project_facts(project: dict, locate: Locator) -> list[tuple[str, Content]]:
    money = "；".join(f"{label} {amount(project[column])}" for column, label in FUNDING_SOURCES.items()
                     if project[column] is not None)
    facts: list[tuple[str, Content]] = []
    if project["project_code"] is not None:
        facts.append(("项目编码", project["project_code"]))
    facts.append(("预算数（万元）", amount(project["budget_total"]) + (f"（{money}）" if money else "")))
    if project["fund_use"] is not None:
        facts.append(("资金用途", project["fund_use"]))
    if any(project[column] is not None for column in PLAN_LABELS):
        facts.append(("资金支出计划（累计）", "；".join(f"{label} {percent(project[c])}" for c, label in PLAN_LABELS.items())))
    facts.append(("绩效目标", lines(text_or_missing(project["goal"]))))
    if project["confidential"]:
        facts.append(("涉密情况", "涉密项目（内容不予公开）"))
    facts.append(("出处", locate(project["source_file"], project["source_ref"])))
    return facts


# the 申报表's own facts (88号 中期 beside 年度; funding by source; 101号 attributes)
_DECLARATION_MONEY = {"资金总额": ("period_budget_total", "budget_total"), "其中：财政拨款": ("period_fiscal_funds", "fiscal_funds"),
                      "其他资金": ("period_other_funds", "other_funds")}
_SOURCE_LABELS = {"general_budget_funds": "一般公共预算", "government_fund_funds": "政府性基金预算",
                  "state_capital_funds": "国有资本经营预算", "institution_income": "事业收入", "higher_level_funds": "上级资金"}
_ATTRIBUTE_COLUMNS = {"level3": "三级指标", "nature": "指标性质", "direction": "指标方向", "measure_unit": "度量单位",
                      "weight": "分值/权重", "target_annual": "指标值", "scoring_rule": "评（扣）分标准"}


def declaration_block(project: dict, indicators: list[dict]) -> Element | None:
    """What a 申报表 states beyond the common facts: its 中期 money and goal beside the annual
    ones, 项目属性 and 项目期, the money by source, and the indicators' 101号 attributes with their
    分值 total; None when the project's layout has none of them."""
    parts: list[Content] = []
    if project["period_budget_total"] is not None or project["period_goal"] is not None:
        rows = [[label, amount(project[period]), amount(project[annual])] for label, (period, annual) in _DECLARATION_MONEY.items()
                if project[period] is not None or project[annual] is not None]
        rows.append(["绩效目标", lines(text_or_missing(project["period_goal"])), lines(text_or_missing(project["goal"]))])
        parts += [element("h3", "中期与年度"),
                  table(["", "中期（实施期）", "年度"], rows, widths=["16%", "42%", "42%"], cls="declaration")]
    span = "—".join(str(project[c]) for c in ("start", "end") if project[c] is not None)
    sources = "；".join(f"{label} {amount(project[c])}" for c, label in _SOURCE_LABELS.items() if project[c] is not None)
    facts = [(label, value) for label, value in (("项目属性", project["project_type"]), ("项目期", span or None),
                                                 ("资金来源（万元）", sources or None)) if value]
    if facts:
        parts.append(definition_table(facts))
    attributed = [row for row in indicators if any(row[c] is not None for c in ("nature", "direction", "weight", "scoring_rule"))]
    if attributed:
        shown = [c for c in _ATTRIBUTE_COLUMNS if any(row[c] is not None for row in attributed)]
        rows = [[f"{row[c]:g}" if c == "weight" and row[c] is not None else text_or_missing(row[c]) for c in shown]
                for row in attributed]
        weights = [row["weight"] for row in attributed if row["weight"] is not None]
        if weights:
            rows.append(["分值合计" if c == "level3" else f"{sum(weights):g}" if c == "weight" else "" for c in shown])
        parts += [element("h3", "指标性质与分值"), table([_ATTRIBUTE_COLUMNS[c] for c in shown], rows, cls="indicators")]
    return group(parts) if parts else None


def appendix(bundle: UnitBundle) -> Element:
    by_project, locate = grouped(records(indicators_in_order(bundle)), "project_id"), Locator(bundle)
    parts: list[Content] = [note("以下为从源文件解析得到的全部项目及其绩效指标，按源文件顺序排列，文字照录源文件。")]
    for project in records(projects_in_order(bundle)):
        own = by_project.get(project["project_id"])
        parts.append(element(
            "article",
            element("h2", project_label(project["seq"], project["project_name"])),
            definition_table(_project_facts(project, locate)),
            declaration_block(project, own or []),
            _indicator_table(own, locate) if own else note("该项目未列出绩效指标。"),
            cls="project",
        ))
    return section(APPENDIX, *parts, anchor="appendix")



# ---------------------------------------------------------------- 部门整体 (layout N4)

def department_targets(bundle: UnitBundle) -> Element | None:
    """The unit's 部门整体 goals, tasks (with the document's 金额合计) and own indicators, as
    parsed; None for a unit without any (every layout but N4)."""
    parts = department_target_parts(bundle)
    return section("部门整体绩效目标", *parts, anchor="department") if parts is not None else None


def has_department_targets(bundle: UnitBundle) -> bool:
    """Whether the unit has 部门整体 goals, tasks or own indicators (``department_target_parts`` is
    not None), without building them: a department report asks it of every unit."""
    return not bundle.dataset.unit_targets.empty or bool((bundle.dataset.indicators["scope"].array == "unit").any())


def department_target_parts(bundle: UnitBundle) -> list[Content] | None:
    """What ``department_targets`` shows (the department report shows it per unit); None without any."""
    if not has_department_targets(bundle):
        return None
    targets = records(bundle.dataset.unit_targets.sort_values("target_id"))
    indicators = bundle.dataset.indicators
    own = records(indicators[indicators["scope"].eq("unit").fillna(False).astype(bool)].sort_values("seq"))
    locate = Locator(bundle)
    parts: list[Content] = [note("以下为部门整体支出绩效目标申报表中的年度总体目标、年度主要任务及部门整体绩效指标，文字照录源文件。")]
    goals = [row for row in targets if row["kind"] == "goal"]
    if goals:
        parts.append(element("h2", "年度总体目标"))
        parts += [definition_table([("总体目标", lines(text_or_missing(row["text"]))),
                                    ("出处", locate(row["source_file"], row["source_ref"]))]) for row in goals]
    tasks = [row for row in targets if row["kind"] == "task"]
    if tasks:
        money = ("budget_total", "fiscal_funds", "other_funds")
        rows = [[text_or_missing(row["name"]), text_or_missing(row["text"]), *(amount(row[c]) for c in money),
                 locate(row["source_file"], row["source_ref"])] for row in tasks]
        declared = bundle.dataset.declared_totals
        for total in records(declared[declared["scope"].eq("tasks").fillna(False).astype(bool)]):
            rows.append(["金额合计", "", *(amount(total[c]) for c in money), locate(total["source_file"], total["source_ref"])])
        parts += [element("h2", "年度主要任务"),
                  table(["任务名称", "主要内容", "总额（万元）", "财政拨款", "其他资金", "出处"], rows,
                        widths=["16%", "38%", "11%", "11%", "11%", "13%"], cls="tasks", numeric=(2, 3, 4))]
    parts += [element("h2", "部门整体绩效指标"),
              _indicator_table(own, locate) if own else note("申报表未列出部门整体绩效指标。")]
    return parts
