"""A — arithmetic consistency (适当性): money, spending plan, percentages, the two targets, years.

A01, A02 and A04 take their findings from the validation result (one source of truth for sums
and the plan's order): the expectation suites compute them; these rules only explain them.
"""

from __future__ import annotations

import re

from ...model import AMOUNT_COLUMNS, PLAN_COLUMNS
from ...text import nfkc
from ...validate import DECLARED_PARTS_SUM, PLAN_MONOTONE, PLAN_RANGES, SOURCES_SUM
from ..context import AuditInput, amount, indicator_evidence, on_document, on_indicator, on_project, percent, ref_at
from ..lexicon import unit_alternatives
from ..registry import Hit, rule

_PLAN_LABELS = dict(zip(PLAN_COLUMNS, ("3月底", "6月底", "10月底", "12月底")))
_AMOUNT_COLUMNS = AMOUNT_COLUMNS
_SUMMARY_LABELS = "总计|财政拨款|财政专户拨款|其他资金"  # a declared total is a summary table's row
BASIS_BUDGET = "预算编制规范：预算表内各项金额应相互衔接、计算一致"


def amounts_evidence(row: dict, labels: str | None) -> str:
    """The amounts of a project (or a declared total) under the labels its document uses
    (``amount_labels``: budget_total|fiscal_funds|special_funds|other_funds; an amount its
    layout has no column for has no label and is left out)."""
    names = (labels or _SUMMARY_LABELS).split("|")
    return "；".join(f"{label} {amount(row[column])}" for label, column in zip(names, _AMOUNT_COLUMNS) if label)


def plan_evidence(project: dict) -> str:
    steps = "，".join(f"{label} {percent(project[column])}" for column, label in _PLAN_LABELS.items())
    return f"资金支出计划（%）：{steps}"


@rule(
    "A01", name_zh="总额≠来源合计", name_en="total ≠ sum of sources", severity="error", criterion="appropriateness",
    check_zh="总计 ≠ 财政拨款+财政专户拨款+其他资金（B/C：预算数 ≠ 财政资金+其他资金），空值按 0 计（各来源都空、表中只有总额时不查），容差 0.005 万元；取自数据校验结果 projects.sources_sum",
    basis=BASIS_BUDGET,
    suggestion="核对项目总额与各资金来源，使总额等于各来源之和。",
    uses_validation=True,
)
def a01(data: AuditInput):
    for failure in data.failures(SOURCES_SUM):
        project = data.project(failure.project_id)
        if project is None:
            continue
        sources = sum(project[column] or 0.0 for column in _AMOUNT_COLUMNS[1:])
        difference = (project["budget_total"] or 0.0) - sources
        yield on_project(
            project,
            f"项目总额 {amount(project['budget_total'])} 万元与各资金来源合计 {amount(sources)} 万元不一致（差额 {difference:+.2f} 万元）。",
            evidence=amounts_evidence(project, project["amount_labels"]),
            line=failure.line,
        )


@rule(
    "A02", name_zh="合计≠明细合计", name_en="total ≠ sum of parts", severity="error", criterion="appropriateness",
    check_zh="（A、N3版式）合计 ≠ 各单位行之和；单位行 ≠ 其项目之和；（N4版式）年度主要任务金额合计 ≠ 各任务之和；容差 0.005 万元；取自数据校验结果 declared_totals.parts_sum",
    basis=BASIS_BUDGET,
    suggestion="核对合计行与明细行，使合计等于明细之和；如有漏列的项目，补齐。",
    uses_validation=True,
)
def a02(data: AuditInput):
    for failure in data.failures(DECLARED_PARTS_SUM):
        row = next(
            (r for r in data.declared_totals if r["source_file"] == failure.source_file and r["source_line"] == failure.source_line),
            None,
        )
        if row is None:
            continue
        difference = float(failure.observed or 0.0)  # the suite's derived column: declared − Σ parts
        label = {"document": "合计", "tasks": "年度主要任务金额合计"}.get(row["scope"], "单位合计")
        message = (
            f"{label} {amount(row['budget_total'])} 万元与明细之和 {amount((row['budget_total'] or 0.0) - difference)} 万元不一致"
            f"（差额 {difference:+.2f} 万元）。"
        )
        evidence = f"{label}：{amounts_evidence(row, _SUMMARY_LABELS)}"
        if row["unit_id"]:
            yield Hit(row["unit_id"], row["source_file"], failure.line, evidence, message, source_ref=ref_at(row, failure.line))
        else:
            yield from on_document(data, row["source_file"], failure.line, evidence, message)


_MONEY_SCALE = (("亿元", 10000.0), ("百万元", 100.0), ("十万元", 10.0), ("万元", 1.0), ("千元", 0.1), ("百元", 0.01), ("元", 0.0001))


def in_wan(number: float, unit: str) -> float | None:
    """A money amount in 万元, or None when the unit is not money."""
    for prefix, scale in _MONEY_SCALE:
        if unit.startswith(prefix):
            return number * scale
    return None


@rule(
    "A03", name_zh="成本指标与预算不符", name_en="cost vs budget", severity="error", criterion="appropriateness",
    also=("info",),
    check_zh="以金额表示的成本指标（上限或定值，折算为万元）之和大于预算数（错误），或低于预算数的 80%（提示）；不计单位成本（…/人）和与分项并列的总成本",
    basis="财预〔2015〕88号（绩效目标应与预算资金相应匹配）；财预〔2021〕101号（成本指标）",
    suggestion="使成本指标与预算数相衔接：分项成本之和不应超过预算数，也不应远低于预算数；单位成本与总成本分开列示。",
    config=("tolerance", "thresholds.cost_share_floor", "lexicon.per_unit_markers", "lexicon.aggregate_words"),
)
def a03(data: AuditInput):
    lexicon, tolerance = data.lexicon, data.config["tolerance"]
    floor = data.thresholds["cost_share_floor"]
    for project in data.projects:
        budget = project["budget_total"]
        if not budget:
            continue
        costs = []
        for row in data.indicators_of(project["project_id"]):
            unit = row["measure_unit"] or ""
            if not (row["is_cost"] and row["value_kind"] == "money" and row["number"] is not None and row["op"] in ("≤", "<", "=")):
                continue
            if "/" in unit or lexicon.has(row["name_n"], "per_unit_markers"):
                continue
            wan = in_wan(row["number"], unit)
            if wan is not None:
                costs.append((row, wan))
        parts = [(row, wan) for row, wan in costs if not lexicon.has(row["name_n"], "aggregate_words")]
        if parts and len(parts) < len(costs):
            costs = parts  # a total beside its parts would count the money twice
        if not costs:
            continue
        total = sum(wan for _, wan in costs)
        evidence = "；".join(indicator_evidence(row) for row, _ in costs)
        line = project["budget_line"]
        if total > budget + tolerance:
            yield on_project(
                project,
                f"成本指标合计 {amount(total)} 万元超过项目预算 {amount(budget)} 万元。",
                evidence=evidence, line=line, severity="error",
            )
        elif total < floor * budget - tolerance:
            yield on_project(
                project,
                f"成本指标合计 {amount(total)} 万元仅为项目预算 {amount(budget)} 万元的 {total / budget:.0%}，"
                f"低于 {floor:.0%}，成本指标未完整反映预算资金。",
                evidence=evidence, line=line, severity="info",
            )


@rule(
    "A04", name_zh="支出进度非递增", name_en="plan not monotone", severity="error", criterion="appropriateness",
    check_zh="资金支出计划应满足 3月底 ≤ 6月底 ≤ 10月底 ≤ 12月底，且各值在 0–100 之间；取自数据校验结果 projects.plan_monotone、projects.plan_*_range",
    basis="常规做法/模板要求（资金支出计划为累计百分比）",
    suggestion="按累计口径填写资金支出计划：各时点百分比逐期不减，且不超过 100%。",
    uses_validation=True,
)
def a04(data: AuditInput):
    problems: dict[str, list[str]] = {}
    lines: dict[str, int | None] = {}
    checks = [(PLAN_MONOTONE, "累计百分比出现下降")] + [
        (expectation, f"{label}的百分比不在 0–100 之间") for expectation, label in zip(PLAN_RANGES, _PLAN_LABELS.values())
    ]
    for expectation, problem in checks:
        for failure in data.failures(expectation):
            problems.setdefault(failure.project_id, []).append(problem)
            lines.setdefault(failure.project_id, failure.line)
    for project_id, found in problems.items():
        project = data.project(project_id)
        if project is not None:
            yield on_project(
                project, f"资金支出计划不合理：{'；'.join(found)}。",
                evidence=plan_evidence(project), line=lines[project_id],
            )


@rule(
    "A05", name_zh="支出计划未到100%", name_en="plan short of 100%", severity="error", criterion="appropriateness",
    check_zh="资金支出计划最后一个时点不是 100%，或缺少 12月底；（有资金支出计划一栏的版式）未填写资金支出计划",
    basis="常规做法/模板要求（年度预算资金应在年底前支出完毕）",
    suggestion="补全资金支出计划，12月底累计支出应为 100%。",
)
def a05(data: AuditInput):
    for project in data.projects:
        plan = [project[c] for c in PLAN_COLUMNS]
        present = [p for p in plan if p is not None]
        line = project["plan_line"] or project["source_line"]
        if not present:
            if project["has_spending_plan"]:
                yield on_project(project, "未填写资金支出计划。", line=line)
            continue
        if project["plan_dec"] is None:
            message = f"资金支出计划缺少 12月底，最后一个时点仅为 {percent(present[-1])}，不符合模板要求。"
        elif abs(project["plan_dec"] - 100.0) > 1e-9:
            message = f"资金支出计划 12月底为 {percent(project['plan_dec'])}，未达到 100%，不符合常规做法。"
        else:
            continue
        yield on_project(project, message, evidence=plan_evidence(project), line=line)


def _degenerate(row: dict, prefix: str) -> str | None:
    op, number = row[f"{prefix}op"], row[f"{prefix}number"]
    kind = row[f"{prefix}value_kind"]
    if kind != "percent" or number is None:
        return None
    positive_rate = (row["name_rate"] or row["name_satisfaction"]) and not row["name_negative"] and not row["name_growth"]
    if positive_rate and op in ("≥", ">") and number >= 100:
        return f"正向比率目标设为“{op}{number:g}%”，比率不可能超过 100%，目标值失去意义。"
    if number > 100 and not row["name_growth"]:
        return f"百分比目标 {number:g}% 超过 100%。"
    return None


@rule(
    "A06", name_zh="百分比越界或退化", name_en="degenerate percent", severity="warning", criterion="appropriateness",
    check_zh="百分比大于 100%（增长率除外）；正向比率设为“≥100%”。负向比率（超支率、事故率、投诉率、差错率…）的“≤0%”“0起”“0事故”是有效目标，不报告",
    basis="财预〔2015〕88号（指标值应合理可行）",
    suggestion="正向比率用“≥95%”或“=100%”等可达且可衡量的值。",
    config=("lexicon.rate_words", "lexicon.satisfaction_words", "lexicon.negative_metrics", "lexicon.negative_reversals", "lexicon.growth_words"),
)
def a06(data: AuditInput):
    for row in data.indicators:
        for prefix, label, value in (("", "", row["value"]), ("period_", "实施周期指标值：", row["period"])):
            message = _degenerate(row, prefix)
            if message:
                number = row[f"{prefix}number"]
                fitting = "=100%" if number == 100 else f"≥{min(number, 100) - 5:g}%"
                yield on_indicator(
                    row, label + message, evidence=indicator_evidence(row, value),
                    suggestion=f"把“{value}”改为可达且可衡量的值，如“{fitting}”（完成全部时用“=100%”）。",
                )
                break


KIND_ZH = {
    "percent": "百分比", "count": "计数", "money": "金额", "quantity": "数量", "duration": "时长",
    "deadline": "时限", "boolean": "是/否", "text": "文字", "empty": "空",
}
_CUMULATIVE = ("count", "quantity", "money")


@rule(
    "A07", name_zh="实施周期值与年度值不一致", name_en="period vs annual", severity="warning", criterion="appropriateness",
    check_zh="（A版式）同一指标的实施周期指标值与年度指标值类型不同（百分比/计数/文字…）或单位不同，或累计量的年度值大于实施周期值；只差一个百分号的同一数值（“100%”与“100”）不报告",
    basis="财预〔2015〕88号（年度目标是实施期目标的组成部分，应相互衔接）",
    suggestion="统一两个指标值的口径（相同的指标性质和度量单位）；年度值不应大于实施周期值。",
)
def a07(data: AuditInput):
    for row in data.indicators:
        annual, period = row["value_kind"], row["period_value_kind"]
        if not row["value_n"] or not row["period_n"] or row["value_n"] == row["period_n"]:
            continue
        evidence = f"{row['name']}：实施周期指标值:{row['period']}；年度指标值:{row['value']}"
        if _percent_sign_left_out(row):
            continue
        if annual != period:
            yield on_indicator(
                row, f"实施周期指标值为{KIND_ZH.get(period, period)}，年度指标值为{KIND_ZH.get(annual, annual)}，口径不一致。",
                evidence=evidence,
            )
        elif annual in _CUMULATIVE and row["measure_unit"] and row["period_measure_unit"]:
            if not unit_alternatives(row["measure_unit"]) & unit_alternatives(row["period_measure_unit"]):
                yield on_indicator(
                    row, f"实施周期指标值单位为“{row['period_measure_unit']}”，年度指标值单位为“{row['measure_unit']}”，口径不一致。",
                    evidence=evidence,
                )
            elif row["number"] is not None and row["period_number"] is not None and row["number"] > row["period_number"]:
                yield on_indicator(row, "年度指标值大于实施周期指标值，累计量的年度目标不应超过整个实施期目标。", evidence=evidence)


def _percent_sign_left_out(row: dict) -> bool:
    """``100%`` beside ``100``: one figure, the percent sign written once (no difference in kind)."""
    units = {row["measure_unit"] or "", row["period_measure_unit"] or ""}
    return row["number"] is not None and row["number"] == row["period_number"] and units == {"%", ""}


# A span of years: 2023-2024年, 2023年至2024年, 2023年1月-2024年12月, 2023.9-2024.8, 2023—2024学年.
_YEAR_RANGE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})(?:\s*年度?)?(?:\s*[./]?\s*\d{1,2}\s*月?(?:\s*[./]?\s*\d{1,2}\s*日?)?)?"
    r"\s*[-—–~至到]\s*((?:19|20)\d{2})(?!\d)"
)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
# A year opening a clause of a goal ("2023年，完成…", "1.2023年…"): the goal states its work year.
_CLAUSE_YEAR = re.compile(r"(?:^|[。；;！!，,:：\n]|(?:^|\s)\(?\d{1,2}[.、)])\s*((?:19|20)\d{2})\s*年(?!\s*[-—–~至到以来前])")


def _without_covering_spans(text: str, year: int) -> str:
    """``text`` (NFKC) with the spans of years that include ``year`` blanked: 2023-2024年 in 2024 is fine."""
    return _YEAR_RANGE.sub(lambda m: " " if int(m.group(1)) <= year <= int(m.group(2)) else m.group(0), nfkc(text))


def foreign_years(text: str, year: int, *, earlier_only: bool = False) -> list[int]:
    """Years written in ``text`` (as ``YYYY年``) other than ``year``; a span containing it is fine."""
    text = _without_covering_spans(text, year)
    found = [int(m.group(1)) for m in _YEAR_RANGE.finditer(text)]
    singles = _YEAR.finditer(_YEAR_RANGE.sub(" ", text))
    found += [int(m.group(1)) for m in singles if int(m.group(1)) != year]
    found = [y for y in found if y < year] if earlier_only else found
    return sorted(set(found))


def _year_suggestion(where: str, years: list[int], budget_year: int) -> str:
    listed = "、".join(f"{y}年" for y in years)
    return f"核对{where}中的“{listed}”：预算年度是 {budget_year} 年，年度目标、时限和名称应写“{budget_year}年”；沿用往年文本的，内容也须一并更新。"


@rule(
    "A08", name_zh="年份不一致", name_en="year mismatch", severity="info", criterion="appropriateness",
    check_zh="项目名称、指标名称或年度时限中的年份与预算年度不同（实施周期时限早于预算年度；绩效目标以往年开头）；包含预算年度的跨年区间（2023-2024年）不报告",
    basis="年度绩效目标应对应预算年度（财预〔2015〕88号）",
    suggestion="核对年份：年度目标、时限和名称应写预算年度，沿用往年文本的须更新。",
)
def a08(data: AuditInput):
    for project in data.projects:
        year = project["budget_year"]
        if year is None:
            continue
        stale = foreign_years(project["name"], year)
        if stale:
            yield on_project(project, _year_message("项目名称", stale, year), suggestion=_year_suggestion("项目名称", stale, year))
        goal = _without_covering_spans(project["goal_text"], year)
        goal_years = sorted({int(m.group(1)) for m in _CLAUSE_YEAR.finditer(goal) if int(m.group(1)) < year})
        if goal_years:
            yield on_project(
                project, _year_message("绩效目标", goal_years, year),
                evidence=project["goal_text"], line=project["goal_line"],
                suggestion=_year_suggestion("绩效目标", goal_years, year),
            )
        for row in data.indicators_of(project["project_id"]):
            in_name = foreign_years(row["name"], year)
            in_value = foreign_years(row["value"], year) if row["value_kind"] == "deadline" else []
            in_period = foreign_years(row["period"], year, earlier_only=True) if row["period_value_kind"] == "deadline" else []
            if in_name:
                yield on_indicator(
                    row, _year_message("指标名称", in_name, year), about_name=True,
                    suggestion=_year_suggestion("指标名称", in_name, year),
                )
            if in_value:
                yield on_indicator(
                    row, _year_message("年度指标值", in_value, year), suggestion=_year_suggestion("年度指标值", in_value, year)
                )
            elif in_period:
                yield on_indicator(
                    row, _year_message("实施周期指标值", in_period, year), evidence=indicator_evidence(row, row["period"]),
                    suggestion=_year_suggestion("实施周期指标值", in_period, year),
                )


@rule(
    "A09", name_zh="绩效目标含往年年份", name_en="past year in the goal", severity="info", criterion="appropriateness",
    check_zh="绩效目标任何位置写有早于预算年度的年份（不限于句首；包含预算年度的跨年区间不算）：往年文本未更新，或写的是往年成绩而非本年目标",
    basis="年度绩效目标应对应预算年度（财预〔2015〕88号）",
    suggestion="绩效目标只写预算年度要完成的任务和效果；往年成绩和背景不写入目标，沿用往年文本的须更新。",
    examples=("预算年度 2024：“举办业务培训3期，较2023年增加1期。”",),
)
def a09(data: AuditInput):
    for project in data.projects:
        year = project["budget_year"]
        if year is None or not project["goal_text"]:
            continue
        past = foreign_years(project["goal_text"], year, earlier_only=True)
        if past:
            yield on_project(
                project, _year_message("绩效目标", past, year) + "目标应写预算年度的任务，而不是往年的情况。",
                evidence=project["goal_text"], line=project["goal_line"],
                suggestion=_year_suggestion("绩效目标", past, year),
            )


def _year_message(where: str, years: list[int], budget_year: int) -> str:
    return f"{where}中的年份 {'、'.join(map(str, years))} 与预算年度 {budget_year} 不一致。"
