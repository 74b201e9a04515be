"""Goals and tasks (issue 23): goals that state no task for the year, tasks and figures of a goal that
no indicator measures (财预〔2015〕88号: indicators 与项目年度任务数或计划数相对应), purchases without
a count of what is bought."""

from __future__ import annotations

import re

from ..context import AuditInput, amount, on_project
from ..lexicon import norm
from ..registry import rule
from .blocks import first, pattern, setting
from .structure import goal_core

_YEARS = re.compile(r"(?:19|20)\d{2}\s*年度?")
_CLAUSES = re.compile(r"[，,。；;！!？?\n]")
_NUMBER = r"\d+(?:\.\d+)?"


def unit_budgets(data: AuditInput) -> dict[str, float]:
    totals: dict[str, float] = {}
    for project in data.projects:
        totals[project["unit_id"]] = totals.get(project["unit_id"], 0.0) + (project["budget_total"] or 0.0)
    return totals


@rule(
    "S14", name_zh="绩效目标无年度任务", name_en="goal without a task for the year", severity="warning",
    criterion="completeness", also=("error",),
    check_zh="绩效目标没有数字（年份和编号除外），去掉必要性表述（“既是…的需要”“有利于…”）、往年成绩（“较大程度地节省了…”）和套话"
    "（“确保正常运转”“做好后勤服务保障”）后所剩无几：没有预算年度的任务、数量或效果；项目预算占单位预算的份额达到 budget_share_error 时为错误",
    basis="财预〔2015〕88号（绩效目标应指向明确、细化量化，说明预算年度内预期达到的产出和效果）",
    suggestion="写明预算年度内要完成的任务及其数量、质量、时限和预期效果；必要性和往年成绩放在项目说明中。",
    config=("goals.necessity_patterns", "goals.past_patterns", "goals.boilerplate_patterns", "goals.min_task_chars", "goals.budget_share_error"),
    examples=(
        "“该项目既是保障机关正常运转的需要，也是提升服务水平的需要。”",
        "“通过车辆保险，较大程度地节省了车辆维修开支，有利于单位工作开展。”",
        "“确保机关正常运转，做好后勤服务保障工作。”",
    ),
)
def s14(data: AuditInput):
    empty = re.compile("|".join(
        f"(?:{pattern(data, 'goals', key).pattern})" for key in ("necessity_patterns", "past_patterns", "boilerplate_patterns")
    ))
    minimum = setting(data, "goals", "min_task_chars")
    share_error = setting(data, "goals", "budget_share_error")
    totals = unit_budgets(data)
    for project in data.projects:
        goal = norm(project["goal_text"])
        if not goal_core(goal):
            continue  # an empty goal is S08's error
        matched = [m.group(0) for m in empty.finditer(goal) if m.group(0)]
        if not matched:
            continue
        if re.search(r"\d", goal_core(_YEARS.sub("", goal))):
            continue  # a figure, even in a clause read as background, may be the year's task
        remaining = goal_core(empty.sub("", goal).replace(norm(project["name"]), ""))
        if len(remaining) >= minimum:
            continue
        total = totals.get(project["unit_id"]) or 0.0
        share = (project["budget_total"] or 0.0) / total if total else 0.0
        weight = f"项目预算 {amount(project['budget_total'])} 万元，占单位预算的 {share:.0%}；" if project["budget_total"] else ""
        yield on_project(
            project,
            f"{weight}绩效目标只有必要性、往年成绩或套话（“{matched[0][:24]}”），没有预算年度要完成的任务、数量或效果。",
            evidence=project["goal_text"], line=project["goal_line"],
            severity="error" if share >= share_error else "warning",
            suggestion=f"改写为{project['budget_year'] or '预算'}年度要完成的任务和预期效果，写明数量、质量或时限（如“完成××不少于 N 项、服务 N 人次”），"
            "去掉“是…的需要”“有利于…”“…了”和“确保正常运转”这类表述。",
        )


def _scale(unit_prefix: str) -> float:
    return {"万": 10000.0, "千": 1000.0, "亿": 1e8}.get(unit_prefix, 1.0)


def _indicator_numbers(rows) -> set[float]:
    """Every figure the indicators of a project state (values, period values, names), in absolute terms."""
    numbers: set[float] = set()
    for row in rows:
        for number, unit in ((row["number"], row["measure_unit"]), (row["period_number"], row["period_measure_unit"])):
            if number is not None:
                numbers |= {round(float(number), 6), round(float(number) * _scale((unit or " ")[0]), 6)}
        for text in (row["name_n"], row["value_n"], row["period_n"]):
            for match in re.finditer(rf"({_NUMBER})(万|千)?", text):
                numbers |= {round(float(match.group(1)), 6), round(float(match.group(1)) * _scale(match.group(2) or ""), 6)}
    return numbers


def goal_tasks(data: AuditInput, goal: str) -> list[tuple[str, float]]:
    """The figures of a goal that are totals of a task of the year: (as written, absolute number)."""
    units = sorted(setting(data, "goals", "task_units"), key=len, reverse=True)
    figure = re.compile(rf"(?<![\d.])({_NUMBER})\s*(万|千)?\s*(?:余|多)?\s*({'|'.join(map(re.escape, units))})")
    verbs = setting(data, "goals", "task_verbs")
    background = setting(data, "goals", "background_words")
    per_unit = setting(data, "goals", "per_unit_words")
    tasks = []
    for clause in _CLAUSES.split(_YEARS.sub("", goal)):
        if not first(clause, verbs):
            continue
        for match in figure.finditer(clause):
            before = clause[: match.start()]
            if first(before, background) or first(before, per_unit) or re.search(r"[-~—–至到]$", before):
                continue  # background, a per-unit figure, or the top of a range (3-5场)
            tasks.append((match.group(0), round(float(match.group(1)) * _scale(match.group(2) or ""), 6)))
    return tasks


@rule(
    "S15", name_zh="目标任务无对应指标", name_en="goal task without an indicator", severity="warning", criterion="completeness",
    check_zh="绩效目标写明了年度任务的数量（开展活动 8 次、举办培训班 2 期、培训 200 人次），项目却没有任何一项指标的指标值（或名称）是这个数"
    "（现有、累计等背景数字，“每期”“第 N”等单位数和“3-5期”这类区间的上限不计）",
    basis="财预〔2015〕88号（绩效指标应与项目年度任务数或计划数相对应）",
    suggestion="为目标中的每项任务设置对应的数量指标，指标值与目标中的任务数一致；目标与指标不一致的，核实后统一。",
    config=("goals.task_units", "goals.task_verbs", "goals.background_words", "goals.per_unit_words"),
    examples=("巨鹿 改写探针：目标“全年开展书画活动8次，举办培训班2期，培训学员200人”，数量指标“开展活动次数：3 次”",),
)
def s15(data: AuditInput):
    for project in data.projects:
        tasks = goal_tasks(data, norm(project["goal_text"]))
        if not tasks:
            continue
        stated = _indicator_numbers(data.indicators_of(project["project_id"]))
        missing = [written for written, number in tasks if number not in stated]
        if not missing:
            continue
        listed = "、".join(f"“{written}”" for written in dict.fromkeys(missing))
        yield on_project(
            project,
            f"绩效目标中的年度任务数{listed}没有对应的绩效指标：没有一项指标的指标值是这个数。",
            evidence=project["goal_text"], line=project["goal_line"],
            suggestion=f"为{listed}各设一项数量指标（如“开展××次数 ≥N 次”），指标值与目标中的任务数一致；两者不一致的，核实后统一。",
        )


@rule(
    "S17", name_zh="购置项目无购置数量", name_en="purchase without a count of items", severity="warning",
    criterion="completeness",
    check_zh="项目名称或资金用途是购置、采购货物（购买服务、保险、租赁除外），却没有一项指标以台、套、辆、件等计数购置的数量",
    basis="财预〔2015〕88号（产出数量指标反映计划提供的产品数量）；资产配置应与数量、标准相衔接",
    suggestion="按购置的货物设置数量指标（如“购置办公设备 ≥N 台（套）”“更新公务用车 =N 辆”），与资产配置标准和预算相衔接。",
    config=("goals.purchase_words", "goals.service_purchase_words", "goals.item_units"),
    examples=("70 万元的“设备及车辆购置”项目，指标中没有购置的台（套、辆）数",),
)
def s17(data: AuditInput):
    item_units = tuple(setting(data, "goals", "item_units"))
    for project in data.projects:
        named = norm(project["name"]) + norm(project.get("fund_use"))
        word = first(named, setting(data, "goals", "purchase_words"))
        if not word or first(named, setting(data, "goals", "service_purchase_words")):
            continue
        counted = any(
            row["number"] is not None and (row["measure_unit"] or "").lstrip("万千").startswith(item_units)
            for row in data.indicators_of(project["project_id"])
        )
        if not counted:
            yield on_project(
                project,
                f"项目是购置（“{word}”）项目，却没有一项指标写明购置的数量（台、套、辆、件…）。",
                suggestion=f"为所购货物设置数量指标（如“购置××设备 =N 台（套）”），{amount(project['budget_total']) + ' 万元' if project['budget_total'] else '预算'}与数量和配置标准相衔接。",
            )
