"""The summary of a unit report: the 审核结论 (what a reviewer acts on), the basic facts, the
budget and its funding sources, the grade's breakdown, and the chart of its projects."""

from __future__ import annotations

import pandas as pd

from ...bundle import UnitBundle
from ...review.model import STATUS_LABELS, status_label
from ...terms import ACTIONS, CONTEXT, CRITERION_ZH, SEVERITY_ZH, worst_first
from ...validation import ValidationResult
from .. import charts
from ..markup import Element, definition_table, element, table
from .format import (
    FUNDING_SOURCES, MISSING, projects_in_order, amount, category_counts, figure, largest_deductions, deduction_name, project_label, section,
    section_title, shows_charts, text_or_missing, grouped, records,
)
from .notes import validation_status


def _funding_table(bundle: UnitBundle) -> Element:
    projects = bundle.dataset.projects
    declared = bundle.dataset.declared_totals
    declared_unit = declared[declared["scope"] == "unit"]
    header = ["资金", "各项目合计"] + (["文件所列合计"] if not declared_unit.empty else [])
    rows = []
    for column, label in {"budget_total": "预算总额", **FUNDING_SOURCES}.items():
        row = [label, amount(projects[column].sum(min_count=1))]
        if not declared_unit.empty:
            row.append(amount(declared_unit[column].iloc[0]))
        rows.append(row)
    return table(header, rows, widths=["40%", "30%", "30%"][: len(header)], numeric=(1, 2))


def _severity_counts(findings: pd.DataFrame) -> dict[str, int]:
    counts = findings["severity"].value_counts()
    return {severity: int(counts.get(severity, 0)) for severity in SEVERITY_ZH}


def projects_worst_first(bundle: UnitBundle) -> list[dict]:
    """Projects worst first: by review result (差, 中, 良, 优), then errors, warnings,
    then their order; each with its ``conclusion`` and its ``findings`` (records, in audit order)."""
    conclusions = bundle.grade.get("project_conclusions", {})
    by_project = grouped(records(bundle.findings), "project_id")
    projects = []
    for project in records(bundle.dataset.projects.sort_values("seq")):
        own = by_project.get(project["project_id"], [])
        conclusion = conclusions.get(project["project_id"])
        rank = ACTIONS[::-1].index(conclusion["action"]) if conclusion else len(ACTIONS)
        counts = [sum(finding["severity"] == s for finding in own) for s in ("error", "warning")]
        projects.append({**project, "conclusion": conclusion, "findings": own, "_key": (rank, -counts[0], -counts[1], project["seq"])})
    return sorted(projects, key=lambda p: p["_key"])


def _main_problem(findings: list[dict]) -> str:
    """A project's main problem in one line: its most severe finding's rule (and how many more);
    the first in audit order among equals."""
    if not findings:
        return "未发现问题"
    first = min(findings, key=worst_first)
    return f"{first['rule_name']}" + (f"等 {len(findings)} 项" if len(findings) > 1 else "")


def conclusion_block(bundle: UnitBundle) -> Element:
    """审核结论: the suggested action and why, the grade's largest deductions, every error by
    name, and the projects worst first — what a reviewer acts on, before the details."""
    grade, findings = bundle.grade, bundle.findings
    conclusion = grade["conclusion"]
    errors = findings[findings["severity"] == "error"].sort_values("rule_rank", kind="stable")
    projects = projects_worst_first(bundle)
    rows = [
        [p["project_name"], amount(p["budget_total"]),
         " / ".join(str(sum(finding["severity"] == s for finding in p["findings"])) for s in SEVERITY_ZH),
         p["conclusion"]["label"] if p["conclusion"] else MISSING, _main_problem(p["findings"])]
        for p in projects
    ]
    error_items = [
        element("li", element("strong", row["rule_name"]), "（", text_or_missing(row["project_name"]) if not pd.isna(row["project_name"]) else "单位整体", "）：", row["message"])
        for row in errors.to_dict("records")
    ]
    return element(
        "div",
        element("h2", "审核结论（机器建议）"),
        element("p", element("span", conclusion["action"], cls="grade-letter"),
                f"审核结果为“{conclusion['action']}”：{conclusion['consequence']}（财预〔2015〕88号第二十五条）。", conclusion["reason"]),
        element("p", f"建议等级 {grade['grade']}（{grade['score']:.2f} 分，满分 100，计分方法见技术附注）；扣分最多的三项：", "；".join(
            f"{deduction_name(d)}（{d['findings']} 条，扣 {d['points']:.2f} 分）" for d in largest_deductions(grade)) or "无"),
        element("h3", f"错误（{len(errors)} 项）"),
        element("ul", error_items) if error_items else element("p", "无错误。"),
        element("h3", "各项目（问题多者在前）"),
        table(["项目", "预算（万元）", "错误 / 警告 / 提示", "审核结果", "主要问题"], rows,
              widths=["30%", "11%", "13%", "18%", "28%"], numeric=(1,)),
        cls="conclusion",
    )


def review_state(bundle: UnitBundle) -> str:
    """How far the reviewer got: findings by review state, stale dispositions, sign-off."""
    review, every = bundle.review or {}, bundle.all_findings
    status = every["review_status"] if "review_status" in every else pd.Series(None, index=every.index, dtype=object)
    counts = [(status_label(None), int(status.isna().sum()))]
    counts += [(label, int((status == key).sum())) for key, label in STATUS_LABELS.items()]
    text = "，".join(f"{label} {n} 条" for label, n in counts)
    if review.get("stale"):
        text += f"；失效意见 {len(review['stale'])} 条"
    signed = review.get("signoff")
    return text + (f"；{signed['reviewer']} 于 {signed['date']} 签署" if signed else "；未签署")


def summary(bundle: UnitBundle) -> Element:
    projects, indicators, findings = bundle.dataset.projects, bundle.dataset.indicators, bundle.findings
    counts = _severity_counts(findings)
    overview = [
        ("项目数", f"{len(projects)} 个"),
        ("绩效指标数", f"{len(indicators)} 个（平均每个项目 {len(indicators) / max(len(projects), 1):.1f} 个）"),
        ("涉密项目", f"{int(projects['confidential'].fillna(False).sum())} 个"),
        ("审核发现", f"共 {len(findings)} 条：" + "，".join(f"{SEVERITY_ZH[s]} {n} 条" for s, n in counts.items())),
        ("数据质量校验", validation_status(ValidationResult.from_dict(bundle.validation))),
        ("审核意见", review_state(bundle)),
    ]
    # flows on from the cover's conclusion: facts and the grade's breakdown fill page 1's rest
    return section(
        section_title(bundle, "summary"),
        element("h2", "基本情况"),
        definition_table(overview),
        element("h2", "预算总额与资金来源（万元）"),
        _funding_table(bundle),
        grade_block(bundle.grade, headline=False),
        anchor="summary",
        flows=True,
    )


def grade_block(grade: dict, *, headline: bool = True) -> Element:
    """The machine-suggested grade, its score and the breakdown by review criterion; without
    ``headline`` the breakdown only (the grade and its largest deductions said once, above)."""
    rows = [
        [item["label"], f"{item['weight']:g}", str(item["findings"]),
         " / ".join(str(item[s]) for s in SEVERITY_ZH), f"{item['penalty']:.2f}", f"{item['score']:.2f}"]
        for item in grade["breakdown"]
    ]
    scored = sum(item["findings"] for item in grade["breakdown"])
    if grade["findings"] > scored:  # context (X01) is reported but not scored: listed, so the total adds up
        rows.append([CRITERION_ZH[CONTEXT] + "（不计分）", MISSING, str(grade["findings"] - scored), "", "", MISSING])
    rows.append(["合计", f"{sum(item['weight'] for item in grade['breakdown']):g}",
                 str(grade["findings"]), "", "", f"{grade['score']:.2f}"])
    return element(
        "div",
        element("h2", "建议等级（机器建议）" if headline else "评分明细"),
        element("p", element("span", grade["grade"], cls="grade-letter"), f"综合得分 {grade['score']:.2f} 分（满分 100，计分方法见技术附注）")
        if headline else None,
        element("p", "扣分最多的三项：", "；".join(
            f"{deduction_name(d)}（{d['findings']} 条，扣 {d['points']:.2f} 分）" for d in largest_deductions(grade)
        ) or "无") if headline else None,
        element("p", grade["cap"]["reason_zh"]) if grade.get("cap") else None,
        table(["审核要点", "权重", "发现数", "错误 / 警告 / 提示", "平均扣分", "得分"], rows,
              widths=["18%", "12%", "14%", "20%", "16%", "20%"], numeric=(1, 2, 4, 5)),
        cls="grade",
    )



def chart_section(bundle: UnitBundle) -> Element | None:
    """One chart that answers where each project falls short: its indicator categories and the
    points it loses per review criterion. None for a unit of one or two projects (a table says it)."""
    if not shows_charts(bundle):
        return None
    projects = projects_in_order(bundle)
    labels = [project_label(s, n) for s, n in zip(projects["seq"], projects["project_name"])]
    points = bundle.points.reindex(projects["project_id"], fill_value=0.0)
    chart = charts.project_overview(labels, category_counts(projects, bundle.dataset.indicators), points.round(2))
    return section(
        section_title(bundle, "charts"),
        figure(chart, "图1 各项目的指标类别（左：指标个数，“缺”为未设置）与各审核要点扣分（右：该项目的发现所扣分数，未按项目数平均）"),
        anchor="charts",
        flows=True,  # a chart of a page or less: after the grade's breakdown, not on a page of its own
    )
