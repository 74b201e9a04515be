"""Template residue and copies (issue 23): template marks inside names and values, the template's own
instructions left in the form, a name that carries its own target, one spending plan copied across
projects."""

from __future__ import annotations

import re

from ...model import PLAN_COLUMNS
from ..context import AuditInput, on_document, on_indicator, on_project, percent
from ..registry import Hit, rule
from .arithmetic import plan_evidence
from .blocks import first, pattern, setting

_PROJECT_FIELDS = (("goal_text", "绩效目标", "goal_line"), ("fund_use", "资金用途", "budget_line"))
_INDICATOR_FIELDS = (("name", "指标名称"), ("value", "指标值"), ("description", "指标描述"), ("basis", "指标值确定依据"))


def _residue(data: AuditInput, text: str) -> tuple[str, str] | None:
    """(kind, matched text) of the first template mark or instruction in ``text``."""
    for key, kind in (("residue_patterns", "模板占位符"), ("instruction_patterns", "模板填写说明")):
        match = pattern(data, "template", key).search(text)
        if match:
            return kind, match.group(0)
    return None


def _fix(kind: str) -> str:
    if kind == "模板占位符":
        return "删除名称中的“**”占位符，在指标值中填写实际的指标性质、数值和度量单位（如“≥3个”）。"
    return "删除模板的填写说明，只保留本项目的实际内容。"


@rule(
    "X03", name_zh="模板占位符或填写说明残留", name_en="template marks or instructions left in", severity="warning",
    criterion="completeness",
    check_zh="指标名称、指标值、描述、依据或绩效目标中留有模板占位符（“(≥**个)”“(≥**%)”），或文本中留有模板的填写说明（“注:各地请根据实际情况…”）",
    basis="公开的预算绩效文本应为审定后的正式稿（常规做法/模板要求）；财预〔2021〕101号（指标名称与指标值分列）",
    suggestion="删除占位符和填写说明，在指标值中填写实际的指标性质、数值和度量单位。",
    config=("template.residue_patterns", "template.instruction_patterns"),
    examples=("“培训班次(≥**个)”", "“注:各地请根据实际情况调整指标”"),
)
def x03(data: AuditInput):
    for document in data.documents:
        first_line = document["source_line"] or 1
        for offset, line in enumerate((document["front_matter"] or "").split("\n")):
            found = _residue(data, line.strip())
            if found:
                yield from on_document(
                    data, document["source_file"], first_line + offset, line.strip(),
                    f"文本中留有{found[0]}“{found[1]}”。", suggestion=_fix(found[0]),
                )
    for project in data.projects:
        for column, label, line_column in _PROJECT_FIELDS:
            found = _residue(data, project.get(column) or "")
            if found:
                yield on_project(
                    project, f"{label}中留有{found[0]}“{found[1]}”。", evidence=project[column],
                    line=project[line_column], suggestion=_fix(found[0]),
                )
    for row in data.indicators:
        for column, label in _INDICATOR_FIELDS:
            text = row[column] if column in ("name", "value") else (row[column] or "")
            found = _residue(data, text)
            if found:
                yield on_indicator(
                    row, f"{label}中留有{found[0]}“{found[1]}”。", evidence=text, about_name=column == "name",
                    suggestion=_fix(found[0]),
                )
                break


# A target written into a name: …达标率100%, …(≥95%), 培训人数(不少于200人).
_NAME_TARGET = re.compile(r"(≥|≤|>|<|=|不低于|不少于|不高于|达到)?(\d+(?:\.\d+)?)%[)）]?$")


@rule(
    "C16", name_zh="名称自带目标与指标值矛盾", name_en="name's own target contradicts the value", severity="warning",
    criterion="relevance",
    check_zh="指标名称末尾写了目标百分比（“…质量达标率100%”），指标值却是另一个数（“≥98%”）",
    basis="财预〔2021〕101号（指标名称、指标性质、指标值、度量单位分列，目标只写在指标值中）",
    suggestion="去掉名称中的目标值，只在指标值中写一个目标；两个数不一致的，核实后统一。",
    examples=("“印刷出版质量达标率100%：≥98%”",),
)
def c16(data: AuditInput):
    for row in data.indicators:
        match = _NAME_TARGET.search(row["name_n"])
        if not match or not row["value_percent"] or row["number"] is None:
            continue
        if abs(float(match.group(2)) - row["number"]) < 1e-9:
            continue
        yield on_indicator(
            row,
            f"指标名称写了目标“{match.group(0).rstrip(')）')}”，指标值却是“{row['value']}”，两个目标相互矛盾。",
            about_name=True,
            suggestion=f"名称去掉“{match.group(0).rstrip(')）')}”，核实后只在指标值中写一个目标（如“{row['value']}”）。",
        )


def _plan(project: dict) -> tuple | None:
    steps = tuple(project[column] for column in PLAN_COLUMNS)
    return steps if all(step is not None for step in steps) else None


@rule(
    "D05", name_zh="资金支出计划照搬", name_en="spending plan copied", severity="warning", criterion="relevance",
    also=("info",),
    check_zh="一次性支付的项目（保险费、年费、会费…）的资金支出计划按季度平均分摊（警告）；一个单位至少 plan_copy_min_projects 个项目的资金支出计划四个时点完全相同（提示，每单位一条）",
    basis="预算编制规范：资金支出计划应按项目实际的支付时间编制（常规做法/模板要求）",
    suggestion="按每个项目实际的合同和支付时间编制资金支出计划：一次性支付的，在支付月份所在时点一次达到 100%。",
    config=("template.plan_copy_min_projects", "template.one_off_words"),
    examples=("四个无关项目的支出计划都是 25%/50%/75%/100%，其中之一是一次缴清的车辆保险费",),
)
def d05(data: AuditInput):
    one_off = setting(data, "template", "one_off_words")
    groups: dict[tuple, list[dict]] = {}
    for project in data.projects:
        plan = _plan(project)
        if plan is None:
            continue
        groups.setdefault((project["unit_id"], plan), []).append(project)
        word = first(project["name"] + (project.get("fund_use") or ""), one_off)
        spread = sum(1 for a, b in zip((0.0, *plan), plan) if b > a)
        if word and spread >= 3:
            yield on_project(
                project,
                f"项目是一次性支付的费用（“{word}”），资金支出计划却分 {spread} 个时点逐步支出。",
                evidence=plan_evidence(project), line=project["plan_line"] or project["source_line"],
                suggestion="按实际支付时间编制：在缴费月份所在的时点一次达到 100%（如 3月底 100%），不按季度分摊。",
            )
    minimum = setting(data, "template", "plan_copy_min_projects")
    for (unit_id, plan), projects in groups.items():
        if len(projects) < minimum:
            continue
        steps = "/".join(percent(step) for step in plan)
        names = "、".join(p["name"] for p in projects)
        head = projects[0]
        yield Hit(
            unit_id=unit_id, source_file=head["source_file"], source_line=head["plan_line"] or head["source_line"],
            source_ref=head.get("plan_ref") or head["source_ref"],
            evidence=plan_evidence(head),
            message=f"{len(projects)} 个项目的资金支出计划完全相同（{steps}）：{names}，支出计划像是照搬的。",
            severity="info",
            suggestion="按每个项目实际的合同和支付时间分别编制资金支出计划。",
        )
