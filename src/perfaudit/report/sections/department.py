"""The department report's content, in Chinese: one function per section, from a department bundle.

Built from the same helpers as the unit report (``format``, ``markup``: the one escaping
point). Links to the unit reports are relative to the department's report folder
(``OUT/departments/<id>/``), so an output folder keeps working wherever it is copied.
"""

from __future__ import annotations

import pandas as pd

from ...bundle import DepartmentBundle
from ...outdir import unit_report_link_from_department
from ...terms import ACTIONS, SEVERITY_ZH
from .. import charts
from ..department import criterion_losses, department_projects, mismatched, totals_check, unit_rows, unit_totals
from ..markup import Content, Element, definition_table, element, table
from .appendix import department_target_parts, has_department_targets
from .cover import cover_page
from .format import (
    FUNDING_SOURCES, MISSING, NUMERALS, TECHNICAL_NOTES, amount, budget_year_text, deduction_name, figure, largest_deductions, note,
    section,
)
from .summary import grade_block

REPORT_TITLE = "部门项目支出绩效目标审核报告"
MIN_UNITS_FOR_CHART = 3  # with fewer units a table compares them as well as a chart
AT_RISK = ("差", "中")  # review results whose projects go back to the unit
MAX_AT_RISK = 10  # the largest projects at risk listed


def _unit_link(unit_id: str, name: str) -> Element:
    return element("a", name, href=unit_report_link_from_department(unit_id))


def _difference(value: object, tolerance: float) -> Content:
    if pd.isna(value):
        return MISSING
    text = f"{float(value):+,.2f}"
    return element("strong", text, cls="mismatch") if mismatched(value, tolerance) else text


def cover(department: DepartmentBundle) -> Element:
    units = department.units
    years = sorted({int(y) for unit in units for y in unit.dataset.units["budget_year"].dropna()})
    documents = pd.concat([unit.dataset.documents for unit in units], ignore_index=True)
    facts: list[tuple[str, Content]] = [
        ("部门名称", department.department_name),
        ("预算年度", budget_year_text(years[0], documents) if len(years) == 1 else "、".join(f"{y}年" for y in years) or MISSING),
        ("所属单位", f"{len(units)} 个：" + "、".join(unit.unit_name for unit in units)),
    ]
    return cover_page(REPORT_TITLE, department.department_name, facts,
                      "本报告由 perfaudit 汇总所属各单位的审核结果自动生成，数字与各单位报告一致。"
                      "部门等级为各单位得分按预算加权的机器建议，须经审核人、复核人核实后签署。",
                      signed=None, settings=department.report_settings, conclusion=_conclusion(department))


def _conclusion(department: DepartmentBundle) -> Element:
    """部门审核结论 on page 1: the department's review result, why, and its grade."""
    record = department.record
    conclusion = record["conclusion"]
    return element("div",
                   element("h2", "审核结论（机器建议）"),
                   element("p", element("span", conclusion["action"], cls="grade-letter"),
                           f"审核结果为“{conclusion['action']}”：{conclusion['consequence']}（财预〔2015〕88号第二十五条）。",
                           conclusion["reason"]),
                   element("p", f"部门建议等级 {record['grade']}（{record['score']:.2f} 分），由 {record['units']} 个单位的得分按预算加权得出。"),
                   cls="conclusion")


def technical_notes(department: DepartmentBundle) -> Element:
    """技术附注: what a technician needs to reproduce the report, out of the reviewer's way."""
    units = department.units
    sources = sorted({(s["file"], s["sha256"]) for unit in units for s in unit.meta["sources"]})
    return section(TECHNICAL_NOTES, definition_table([
        ("部门标识", element("code", department.department_id)),
        ("源文件及 SHA-256", [element("div", element("span", f, cls="file"), element("code", h)) for f, h in sources]),
        ("软件版本", f"perfaudit {units[0].meta['perfaudit_version']}"),
        ("报告数据指纹", element("code", department.meta["fingerprints"]["department"])),
    ]), note("相同的源文件与配置生成相同的报告；各单位的数据校验结果见其单位报告的技术附注。"), anchor="technical-notes")


def summary(department: DepartmentBundle) -> Element:
    """部门审核结论: the suggested action, the grade rolled up from the units, and the units table."""
    record = department.record
    conclusion = record["conclusion"]
    units = unit_rows(department)
    rows = [
        [_unit_link(row["unit_id"], row["unit_name"]),
         amount(row["budget"]), str(row["projects"]), str(row["indicators"]),
         f"{row['grade']}（{row['score']:.2f}）", " / ".join(str(row[s]) for s in SEVERITY_ZH),
         row["conclusion"], f"{row['weight']:.1%}"]
        for row in units
    ]
    totals = [
        "合计", amount(sum(r["budget"] or 0.0 for r in units)), str(record["projects"]),
        str(sum(len(u.dataset.indicators) for u in department.units)), f"{record['grade']}（{record['score']:.2f}）",
        " / ".join(str(record[s]) for s in SEVERITY_ZH), conclusion["label"], "100%",
    ]
    unweighted = [u.unit_name for u in department.units if u.unit_id in record["unweighted"]]
    projects = department_projects(department)
    # the conclusion itself is on the cover (page 1); the units and the breakdown flow on from it
    return section(
        "一、部门审核结论",
        element("h2", "所属单位"),
        table(["单位", "预算（万元）", "项目", "指标", "等级（得分）", "错误 / 警告 / 提示", "审核结果", "权重"],
              [*rows, totals], widths=["26%", "12%", "7%", "7%", "12%", "12%", "14%", "10%"], numeric=(1, 2, 3, 7)),
        note("单位名称链接到该单位的审核报告。权重为该单位预算数占各单位预算数之和的比例。")
        if not unweighted else note("单位名称链接到该单位的审核报告。没有预算数、不计权重的单位：", "、".join(unweighted), "。"),
        element("h2", "各单位的审核结论与主要问题"),
        table(["单位", "审核结论", "主要问题（扣分最多）"], _unit_problems(department), widths=["28%", "22%", "50%"]),
        *_budget_by_result(department, projects),
        *_projects_at_risk(projects),
        None if _has_targets(department) else note("各单位的文件均未列出部门整体绩效目标。"),
        grade_block(record, headline=False),
        # the unit report's formula is in its 技术附注; the department's roll-up is stated here
        element("p", "计分方法：", record["formula_zh"], cls="machine-mark"),
        anchor="summary",
        flows=True,
    )


def _unit_problems(department: DepartmentBundle) -> list[list[Content]]:
    """Per unit: its review result and the rules that cost it most points, by name."""
    return [[_unit_link(unit.unit_id, unit.unit_name), unit.grade["conclusion"]["label"],
             "；".join(f"{deduction_name(d)}（{d['findings']} 条）" for d in largest_deductions(unit.grade)) or "未发现问题"]
            for unit in department.units]


def _budget_by_result(department: DepartmentBundle, projects: pd.DataFrame) -> list[Content]:
    """The projects' budget (万元) by review result (``projects``: ``department_projects``), summed
    per budget year where the units' years differ (never across years)."""
    years = {unit.unit_id: unit.dataset.units["budget_year"].iloc[0] for unit in department.units}
    labels = {unit_id: MISSING if pd.isna(year) else f"{int(year)}年" for unit_id, year in years.items()}
    rows = []
    for year, own in projects.groupby(projects["unit_id"].map(labels), sort=True):
        total = own["budget"].sum(min_count=1)
        for action in ACTIONS:
            chosen = own[own["action"] == action]
            if len(chosen):
                budget = chosen["budget"].sum(min_count=1)
                share = MISSING if pd.isna(budget) or not total else f"{budget / total:.1%}"
                rows.append([year, action, str(len(chosen)), amount(budget), share])
    if not rows:
        return []
    return [element("h2", "按审核结果的项目预算（万元）"),
            table(["预算年度", "审核结果", "项目数", "预算（万元）", "占该年度预算"], rows,
                  widths=["18%", "18%", "16%", "24%", "24%"], numeric=(2, 3, 4))]


def _projects_at_risk(projects: pd.DataFrame) -> list[Content]:
    """The largest of ``projects`` (``department_projects``) whose result sends them back (差, then
    中), by budget."""
    risky = projects[projects["action"].isin(AT_RISK)].sort_values("budget", ascending=False, kind="stable")
    if risky.empty:
        return [element("h2", "风险较大的项目"), note("没有审核结果为“中”或“差”的项目。")]
    rows = [[row.project_name, _unit_link(row.unit_id, row.unit_name), row.action, amount(row.budget)]
            for row in risky.head(MAX_AT_RISK).itertuples(index=False)]
    more = len(risky) - len(rows)
    return [element("h2", f"风险较大的项目（审核结果为“中”或“差”，按预算从大到小{f'，前 {len(rows)} 个' if more else ''}）"),
            table(["项目", "单位", "审核结果", "预算（万元）"], rows, widths=["44%", "28%", "12%", "16%"], numeric=(3,)),
            note(f"另有 {more} 个审核结果为“中”或“差”的项目，见各单位报告。") if more else None]


def totals_section(department: DepartmentBundle) -> Element:
    """部门合计核对: the units' sums against the totals the documents declare."""
    check, tolerance = totals_check(department), department.tolerance
    rows = [
        [{"budget_total": "预算总额", **FUNDING_SOURCES}[row.column], amount(row.projects), amount(row.unit_rows),
         _difference(row.unit_rows_diff, tolerance), amount(row.document), _difference(row.document_diff, tolerance)]
        for row in check.itertuples(index=False)
    ]
    per_unit = unit_totals(department)
    unit_table_rows = [[r.unit_name, amount(r.projects), amount(r.declared), _difference(r.diff, tolerance)]
                       for r in per_unit.itertuples(index=False)]
    differences = [d for d in [*check["unit_rows_diff"], *check["document_diff"], *per_unit["diff"]]
                   if mismatched(d, tolerance)]
    verdict = (f"有 {len(differences)} 处申报数与各项目之和不一致（容差 {tolerance:g} 万元），见加粗的差额。" if differences
               else f"申报数与各项目之和一致（容差 {tolerance:g} 万元）。" if check[["unit_rows", "document"]].notna().any().any()
               else "文件未列出合计或单位行：部门合计为各单位项目之和。")
    return section(
        "二、部门合计与申报数核对（万元）",
        element("p", verdict),
        table(["资金", "各单位项目之和", "单位行申报数之和", "差额", "文件所列合计", "差额"], rows,
              widths=["16%", "17%", "17%", "16%", "17%", "17%"], numeric=(1, 2, 3, 4, 5)),
        element("h2", "各单位预算数核对"),
        table(["单位", "项目之和", "单位行申报数", "差额"], unit_table_rows, widths=["40%", "20%", "20%", "20%"], numeric=(1, 2, 3)),
        note("差额 = 申报数 − 各项目之和；“—”表示文件未列出该数。合计行按文件各计一次。"),
        anchor="totals",
        flows=True,
    )


def common_problems_section(department: DepartmentBundle) -> Element:
    """共性问题: a rule hitting several units, stated once with the units."""
    names = {unit.unit_id: unit.unit_name for unit in department.units}
    problems = department.record["common_problems"]
    items = [
        element("article",
                element("h2", f"{number}. {problem['rule_name']}（{len(problem['unit_ids'])} 个单位）"),
                element("p", "涉及单位：", "、".join(names[u] for u in problem["unit_ids"])),
                element("p", f"共 {len(problem['finding_ids'])} 条发现。修改意见：", problem["suggestion"]),
                cls="project")
        for number, problem in enumerate(problems, start=1)
    ]
    units = len(department.units)
    # never false for a small department: with two units a common problem is one both units have
    none = "没有两个单位都有的问题。" if units == 2 else f"没有问题出现在半数以上（{units // 2 + 1} 个及以上）的单位中。"
    return section("三、共性问题", *(items or [note(none)]), anchor="common", flows=True)


def _has_targets(department: DepartmentBundle) -> bool:
    """Whether any unit has 部门整体 goals, tasks or indicators (cheaper than building them)."""
    return any(has_department_targets(unit) for unit in department.units)


def _unit_targets(department: DepartmentBundle) -> list[Content]:
    """Each unit's 部门整体 goals, tasks and indicators (as its unit report shows them)."""
    parts: list[Content] = []
    for unit in department.units:
        own = department_target_parts(unit)
        if own is not None:
            parts += [element("h2", unit.unit_name, cls="unit-targets"), *own]
    return parts


def targets_section(department: DepartmentBundle) -> Element | None:
    """部门整体绩效目标, where the units' documents have them; None where none has (a section
    saying so would fill a page of its own)."""
    parts = _unit_targets(department)
    return section("四、部门整体绩效目标", *parts, anchor="targets") if parts else None


def chart_section(department: DepartmentBundle) -> Element | None:
    """Where each unit lost its points, by review criterion: only with enough units to compare."""
    if len(department.units) < MIN_UNITS_FOR_CHART:
        return None
    losses = criterion_losses(department)
    segments = {label: (list(losses[label]), colour) for label, colour in zip(losses.columns, charts.PALETTE)}
    chart = charts.stacked_bars(list(losses.index), segments, xlabel="扣分（分）", total_format="{:.1f}")
    number = NUMERALS[4 if _has_targets(department) else 3]
    return section(f"{number}、图表分析", figure(charts.svg(chart), "图1 各单位按审核要点的扣分"),
                   note("每个单位满分 100 分；条形为各审核要点失去的分数，越长问题越多。"), anchor="charts", flows=True)
