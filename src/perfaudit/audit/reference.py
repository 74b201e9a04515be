"""The rules reference, generated from the registry: a text listing and ``docs/rules.md``.

``python -m perfaudit.audit.reference > docs/rules.md`` (or ``perfaudit rules --markdown``)
regenerates the committed reference; a test keeps it up to date.
"""

from __future__ import annotations

import sys
from typing import Any, Mapping

from ..settings import Settings, load_settings
from .grade import formula_zh, grade_project, grade_projects, letter
from .registry import CRITERIA, CRITERION_ZH, REGISTRY, SEVERITY_ZH, Rule, catalogue

FAMILIES = {
    "S": "S — 结构与完整性 structure and completeness",
    "A": "A — 数值一致性 arithmetic consistency",
    "Q": "Q — 量化 quantification",
    "C": "C — 指标值与名称相符 value/name coherence",
    "D": "D — 重复与套话 duplication and boilerplate",
    "X": "X — 特殊情形 special cases",
}


def listing() -> list[str]:
    """One line per rule: id, severity, criterion, Chinese and English name."""
    return [
        f"{r.id}  {'/'.join(r.severities):<13}  {r.criterion_zh:<4}  {r.name_zh} — {r.name_en}"
        for r in catalogue()
    ]


def _setting(config: Mapping, dotted: str) -> Any:
    value: Any = config
    for part in dotted.split("."):
        value = value[part]
    return value


def _show(value: Any) -> str:
    if isinstance(value, Mapping):
        return "{" + "; ".join(f"{key}: {_show(item)}" for key, item in value.items()) + "}"
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, str):
        return f"`{value}`" if value else '""'
    return f"{value:g}" if isinstance(value, float) else str(value)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _rule_section(rule: Rule, config: Mapping) -> list[str]:
    severities = " / ".join(f"{s}（{SEVERITY_ZH[s]}）" for s in rule.severities)
    lines = [
        f"#### {rule.id} {rule.name_zh} — {rule.name_en}",
        "",
        f"- **严重程度 severity**: {severities}",
        f"- **审核要点 criterion**: {rule.criterion_zh}",
        f"- **检查 check**: {rule.check_zh}",
        f"- **依据 basis**: {rule.basis}",
        f"- **整改建议 suggestion**: {rule.suggestion}（各条发现的建议写明该指标具体怎么改 — each finding's own suggestion names the fix for its indicator）",
        *(f"- **示例 example**: {_cell(example)}" for example in rule.examples),
        "- **保密项目 confidential projects**: " + ("仍适用 applies" if rule.applies_to_confidential else "不适用 exempt (X01)"),
    ]
    if rule.uses_validation:
        lines.append("- **来源 source**: 数据校验结果（expectations/*.json），与校验阶段同一实现 — the validation result, one source of truth")
    if rule.config_keys:
        lines.append("- **配置 configuration** (`[audit]`):")
        lines += [f"  - `{key}` = {_show(_setting(config, key))}" for key in rule.config_keys]
    return lines + [""]


# A unit of two projects and its own notes: the findings of the example, by member.
_EXAMPLE = {
    "p1": (300.0, [("S02", "error"), ("S04", "warning"), ("Q02", "warning"), ("Q02", "warning"), ("Q03", "warning")]),
    "p2": (100.0, [("C09", "warning"), ("A05", "error")]),
    None: (None, [("D03", "info"), ("Q09", "info")]),
}


def worked_example(grade_config: Mapping) -> list[str]:
    """The formula applied to a small unit, computed with the configured numbers (so it stays true)."""
    items = {member: [(REGISTRY[r].criterion_zh, s, r) for r, s in found] for member, (_, found) in _EXAMPLE.items()}
    graded = {pid: {"findings": items[pid], "budget": budget, "grade": grade_project(items[pid], grade_config)}
              for pid, (budget, _) in _EXAMPLE.items() if pid}
    unit = grade_projects(graded, items[None], grade_config)
    described = "; ".join(
        (f"project {pid} ({budget:g} 万元): " if pid else "the unit as a whole: ") + ", ".join(f"{r} ({s})" for r, s in found)
        for pid, (budget, found) in _EXAMPLE.items()
    )
    lines = [
        f"**Worked example.** A unit of two projects; {described}.",
        "",
        "| member | weight | " + " | ".join(f"{label} {key}" for key, label in CRITERIA.items()) + " | score | grade |",
        "|---|---|" + "---|" * len(CRITERIA) + "---|---|",
    ]
    for pid, project in graded.items():
        record = project["grade"]
        lines.append(
            f"| {pid} | {unit['weights'][pid]:.2f} | " + " | ".join(f"{item['score']:.2f}" for item in record["breakdown"])
            + f" | {record['score']:.2f} | {record['grade']}" + (f" ({record['cap']['reason_zh']})" if record["cap"] else "") + " |"
        )
    lines.append(
        "| unit | 1 | " + " | ".join(f"{item['score']:.2f}" for item in unit["breakdown"]) + f" | {unit['score']:.2f} | {unit['grade']} |"
    )
    top = "; ".join(f"{d['label']} −{d['points']:.2f}" for d in unit["deductions"][:3])
    lines += [
        "",
        f"The projects weighted: {unit['projects_score']:.2f} → “{unit['projects_grade']}”; with the unit-level notes "
        f"(points shared over the 2 projects) {unit['score']:.2f} → band “{letter(unit['score'], grade_config['bands'])}”; "
        f"unit grade **{unit['grade']}**"
        + (f", lowered by {', '.join(unit['lowered_by'])}." if unit["lowered_by"] else "."),
        f"The report explains it by the three largest deductions: {top}.",
    ]
    return lines


def markdown(settings: Settings | None = None) -> str:
    settings = settings or load_settings()
    config = settings.section("audit")
    rules = catalogue()
    out = [
        "# 审核规则 — perfaudit rules reference",
        "",
        "<!-- Generated by `python -m perfaudit.audit.reference` from the rule registry and the default",
        "     configuration; do not edit by hand (tests/test_audit_reference.py checks it is current). -->",
        "",
        "Every finding names its rule, the unit, project and indicator, quotes the source text",
        "(`evidence`) with file and line, and explains in Chinese what is wrong (`message`) and what to",
        "change (`suggestion`). Thresholds from local practice rather than a numbered regulation are worded",
        "as 不符合常规做法/模板要求. All thresholds and word lists are configuration: see",
        "`src/perfaudit/config/defaults.toml` (`[audit]`), overridable with `--config FILE`.",
        "",
        "## Catalogue",
        "",
        "| id | 名称 | name | severity | criterion |",
        "|---|---|---|---|---|",
        *(f"| {r.id} | {r.name_zh} | {_cell(r.name_en)} | {'/'.join(r.severities)} | {r.criterion_zh} |" for r in rules),
        "",
        "## Criteria and confidential projects",
        "",
        "| criterion | rules |",
        "|---|---|",
        *(
            f"| {label} {key} | {', '.join(r.id for r in rules if r.criterion == key)} |"
            for key, label in CRITERION_ZH.items()
        ),
        "",
        "A confidential project (X01) keeps the rules marked *applies* below (its money and spending plan",
        "are still disclosed: " + ", ".join(r.id for r in rules if r.applies_to_confidential and r.id != "X01")
        + ") and is exempt from the others, which read goal or indicator text that is redacted by design;",
        "the engine applies the exemption once, by leaving confidential projects out of the exempt rules' input.",
        "",
        "## Findings",
        "",
        "`finding_id` = first 16 hex digits of SHA-256 over `rule|unit|project name|indicator|evidence`",
        "(a second identical finding in one project appends `#2`, …): stable across runs, so a",
        "reviewer's decision (`OUT/reviews/<unit_id>.toml`) stays attached to it; the project enters",
        "by its name, not its position, so adding a project leaves the other projects' ids alone.",
        "Evidence is the source text as written: the",
        "indicator as `名称：指标值` (the annual value unless the finding is about another), the goal,",
        "the project name for a project-level finding, the document line for residue; money and plan",
        "findings quote the figures under the labels of the document's layout. The line is the value's",
        "line for value problems, the indicator's own line for name problems, the goal/budget/plan line",
        "for goal/money/plan problems.",
        "",
        "**One finding per cause.** When several rules fire on one place (an indicator, or a project's",
        "line) for one underlying problem, the most specific is reported and the others are listed in its",
        "`related_rules` column. The groups are configuration (`[audit] same_cause`, most specific first):",
        "",
        *(f"- {' → '.join(group)}" for group in config["same_cause"]),
        "",
        "D03 is one note per unit listing the indicators whose description repeats the name; Q09 is one",
        "note per unit listing its values without an operator (their direction is plain from the name); D01 and D02",
        "are reported once per project that has a near-copy, naming the other projects. Q01 is the",
        "residual rule for unquantified values: a value that Q02 (yes/no), Q03 (vague), Q04 (unit only),",
        "Q05 (timeliness) or Q07 (scoring rule) explains is not reported again under Q01. Q and C rules",
        "read the annual target (the only target of layouts B and C); A07 compares the two targets of layout A.",
        "Rows named as template filler (`lexicon.placeholder_names`: 无, /, —) are not indicators and are",
        "left out; a value that is only a dash or slash (`lexicon.empty_values`) is an empty value (S09).",
        "",
        "## Grades and review results (审核结果)",
        "",
        formula_zh(config["grade"]),
        "",
        "```",
        "points(f)    = rule_points[rule] if configured, else points[severity]",
        "penalty_c(m) = Σ points of non-info findings of member m and criterion c + min(Σ points of its info findings, info_cap)",
        "               (a member: one project; or the unit's findings that belong to no project)",
        "score_c(p)   = weight_c × max(0, 1 − penalty_c(p) / zero_at)           score(p) = Σ_c score_c(p)",
        "grade(p)     = band of score(p), no better than error_ceiling with an error, rule_ceilings[r] with an error of r,",
        "               unmeasurable_benefit_grade when more than unmeasurable_benefit_share of its benefit indicators have no figure",
        "w_p          = budget_p / Σ budgets   (a project without a budget weighs 0; equal weights when none has one)",
        "score_c      = Σ_p w_p × weight_c × max(0, 1 − (penalty_c(p) + penalty_c(unit) / P) / zero_at)",
        "score        = Σ score_c  over " + ", ".join(f"{label} {key}" for key, label in CRITERIA.items()),
        "grade        = band of Σ_p w_p × score(p), no better than the best grade(p); lowered to the band of score",
        "               and to the ceilings of the unit-level errors (those findings are then named)",
        "```",
        "",
        "The grade of a project, and of a unit, is its review result (审核结果) in the sense of 财预〔2015〕88号",
        "第二十五条; the reports state it with the consequence the article attaches to it (`[audit.conclusion.wording]`,",
        "short forms in `[audit.conclusion.label]`; local rules may reword them):",
        "",
        *(f"- **{grade}**: {config['conclusion']['wording'][grade]}" for grade in "优良中差"),
        "",
        "A unit's result is explained in one sentence: its projects' results and their weighted score",
        "(a one-project unit: its project's result, “单位审核结果与之相同”), and the unit-level findings",
        "that lowered it, if any, by name. A department's result is its grade (the budget-weighted mean of",
        "its units' scores, never better than its best unit) with the same consequence.",
        "",
        "Configuration `[audit.grade]`: "
        + "; ".join(
            f"`{name}` = {_show(value) if not hasattr(value, 'items') else ', '.join(f'{k} {_show(v)}' for k, v in value.items())}"
            for name, value in config["grade"].items()
        )
        + ".",
        "",
        *worked_example(config["grade"]),
        "",
        "## Rules",
        "",
    ]
    family = None
    for rule in rules:
        if rule.id[0] != family:
            family = rule.id[0]
            out += [f"### {FAMILIES[family]}", ""]
        out += _rule_section(rule, config)
    return "\n".join(out).rstrip("\n") + "\n"


if __name__ == "__main__":
    sys.stdout.write(markdown())
