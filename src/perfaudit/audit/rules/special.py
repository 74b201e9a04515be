"""X — special cases: confidential projects (context only) and template or markup residue (完整性)."""

from __future__ import annotations

from ...text import nfkc
from ..context import AuditInput, on_document, on_indicator, on_project
from ..registry import KEPT_FOR_CONFIDENTIAL, rule

_KEPT = "、".join(r for r in KEPT_FOR_CONFIDENTIAL if r != "X01")


@rule(
    "X01", name_zh="保密项目", name_en="confidential project", severity="info", criterion="context",
    check_zh=f"项目名称为代码或绩效目标含保密/不予披露/涉密（识别规则见 [ingest] confidential_words、code_like_name）；仍核对其资金和支出计划（{_KEPT}），其余规则读的是依规不公开的内容，不适用",
    basis="涉密项目依规定不予公开；其预算金额和指标结构仍须完整",
    suggestion="无需整改；请确认该项目确属依规不予公开的内容。",
)
def x01(data: AuditInput):
    for project in data.projects:
        if project["confidential"]:
            goal = project["goal_text"]
            yield on_project(
                project,
                f"保密项目：内容依规定不予公开，只核对其资金与支出计划（{_KEPT}），其余规则不适用。",
                evidence=goal or project["name"],
                line=project["goal_line"] if goal else None,
            )


def _residue(data: AuditInput, text: str) -> tuple[str, list[str]] | None:
    """(severity, what was found) for a text holding placeholders (warning) or markup (info)."""
    normalised = nfkc(text)
    placeholders = data.lexicon.placeholders(normalised)
    if placeholders:
        return "warning", placeholders
    markup = data.lexicon.markup(normalised)
    return ("info", markup) if markup else None


def _suggestion(severity: str, found: list[str]) -> str:
    listed = "、".join(f"“{item}”" for item in dict.fromkeys(found))
    if severity == "info":
        return f"删除{listed}等标记，只保留正文。"
    drafts = [item for item in dict.fromkeys(found) if "草" in item or "意见稿" in item]
    others = [item for item in dict.fromkeys(found) if item not in drafts]
    parts = []
    if others:
        parts.append("把" + "、".join(f"“{item}”" for item in others) + "换成实际内容（如审核机关的全称）")
    if drafts:
        parts.append("去掉" + "、".join(f"“{item}”" for item in drafts) + "，公开审定后的正式稿")
    return "；".join(parts) + "。"


def _message(severity: str, found: list[str]) -> str:
    listed = "、".join(f"“{item}”" for item in dict.fromkeys(found))
    if severity == "warning":
        return f"含模板占位符或草稿标记{listed}，公开文本应为正式稿。"
    return f"含网页或转换残留标记{listed}，公开文本中不应出现。"


_PROJECT_FIELDS = (("name", "项目名称", "source_line"), ("goal_text", "绩效目标", "goal_line"), ("fund_use", "资金用途", "budget_line"))
_INDICATOR_FIELDS = ("level3", "description", "target_annual", "target_period", "basis")


@rule(
    "X02", name_zh="占位符/模板残留", name_en="placeholder or residue", severity="warning", criterion="completeness",
    also=("info",),
    check_zh="文本中有 XXX、×××、某某、(草案)、（厅/局）等占位符（警告），或 <p>、&nbsp; 等标记残留（提示）；Word 转换留下、不在公开文本中的书签（[bookmark: …]）不报告",
    basis="公开的预算绩效文本应为审定后的正式稿（常规做法/模板要求）",
    suggestion="删除占位符和标记，填写实际内容（如审核机关名称），并去掉“草案”等草稿标记。",
    config=("lexicon.placeholder_patterns", "lexicon.markup_patterns"),
)
def x02(data: AuditInput):
    for document in data.documents:
        first_line = document["source_line"] or 1
        for offset, line in enumerate((document["front_matter"] or "").split("\n")):
            found = _residue(data, line)
            if found:
                yield from on_document(
                    data, document["source_file"], first_line + offset, line.strip(), _message(*found), severity=found[0],
                    suggestion=_suggestion(*found),
                )
    for project in data.projects:
        for column, label, line_column in _PROJECT_FIELDS:
            found = _residue(data, project[column] or "")
            if found:
                yield on_project(
                    project, f"{label}{_message(*found)}", evidence=project[column],
                    line=project[line_column], severity=found[0], suggestion=_suggestion(*found),
                )
    for row in data.indicators:
        # One finding per indicator: its most serious residue, quoting the field that holds it.
        fields = [(column, _residue(data, row[column] or "")) for column in dict.fromkeys(_INDICATOR_FIELDS)]
        fields = sorted((f for f in fields if f[1]), key=lambda f: f[1][0] != "warning")
        if fields:
            column, found = fields[0]
            yield on_indicator(row, _message(*found), evidence=row[column], severity=found[0], suggestion=_suggestion(*found))
