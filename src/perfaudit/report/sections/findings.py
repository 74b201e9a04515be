"""The findings of a unit report: 共性问题 stated once, then what is specific to each project (a
rule repeating within a project is one entry), then what a reviewer set aside and the stale
dispositions."""

from __future__ import annotations

import pandas as pd

from ...bundle import UnitBundle
from ...review.model import status_label
from ...terms import SEVERITY_ZH
from ..markup import Content, Element, element, table
from .format import (
    MISSING, SCREEN_ONLY, UNIT_LEVEL, numbered_records, Locator, grouped, projects_in_order, records, note, project_label, section, section_title,
    severity_badge, text_or_missing,
)


def _finding_entry(group: list[dict], locate: Locator) -> list[Content]:
    """One table row for a rule's findings in one project: the same rule repeating collapses into
    one entry that lists its indicators and every piece of evidence with its line."""
    first = group[0]
    messages = list(dict.fromkeys(finding["message"] for finding in group))
    items = {(f["evidence"], f["source_file"], f["source_ref"], f["message"]): f for f in group}
    evidence = element("ul", [
        element("li", element("span", quote, cls="quote"), " ", element("span", locate(file, line), cls=f"where {SCREEN_ONLY}"),
                element("div", message, cls="item-message") if len(messages) > 1 else None, review_line(finding))
        for (quote, file, line, message), finding in items.items()
    ], cls="evidence")
    indicators = list(dict.fromkeys(finding["indicator"] for finding in group if finding["indicator"]))
    problem: list[Content] = [element("p", messages[0]) if len(messages) == 1 else None]
    if len(indicators) == 1:
        problem.append(element("p", "指标：", indicators[0], cls="indicator-list"))
    elif len(indicators) > 1:
        problem.append(element("p", f"涉及指标（{len(indicators)} 个）：", "、".join(indicators), cls="indicator-list"))
    problem.append(evidence)
    severities = [s for s in SEVERITY_ZH if any(finding["severity"] == s for finding in group)]
    related = list(dict.fromkeys(r for f in group if f.get("related_rules") for r in f["related_rules"].split(",")))
    return [
        [element("strong", first["rule_id"], cls=SCREEN_ONLY), element("div", first["rule_name"]),
         element("div", first["criterion"], cls="criterion"),
         element("div", "同因：", "、".join(related), cls=f"criterion {SCREEN_ONLY}") if related else None],
        severity_badge(_most_severe(severities)),
        problem,
        [*(element("p", suggestion) for suggestion in dict.fromkeys(f["suggestion"] for f in group)),
         element("p", "依据：", first["basis"], cls="basis") if first["basis"] else None],
    ]


def _most_severe(severities: list[str]) -> str:
    """One mark per row: the most severe of a collapsed entry's findings (``severities`` in
    ``SEVERITY_ZH`` order, most severe first)."""
    return severities[0]


def review_line(finding: dict) -> Element:
    """A finding's short number (``问题12``, what a reviewer writes on the printed report), on
    screen with its id (what the review file and ``perfaudit review`` name it by) and, when a
    reviewer gave them, its status, reason and note."""
    status = finding.get("review_status")
    told = [("审核意见", status_label(status) if status else None), ("理由", finding.get("review_reason")),
            ("备注", finding.get("review_note"))]
    return element("div", element("strong", finding.get("number") or MISSING, cls="finding-number"),
                   element("code", finding["finding_id"], cls=f"finding-id {SCREEN_ONLY}"),
                   [[" · ", f"{label}：", element("strong", text) if label == "审核意见" else text] for label, text in told if text],
                   cls="review")


def review_block(bundle: UnitBundle) -> list[Content]:
    """The findings a reviewer set aside (排除, 已整改: they count in neither grade nor conclusion)
    and the stale dispositions (their finding is gone), each with its reason and note."""
    review, aside, locate = bundle.review or {}, bundle.set_aside, Locator(bundle)
    parts: list[Content] = []
    if aside is not None and not aside.empty:
        rows = [
            [[element("strong", f["rule_id"]), element("div", f["rule_name"])],
             f["project_name"] or UNIT_LEVEL,
             [element("span", f["evidence"], cls="quote"), " ",
              element("span", locate(f["source_file"], f["source_ref"]), cls="where"), element("div", f["message"])],
             review_line(f)]
            for f in numbered_records(bundle, aside)
        ]
        parts += [element("h2", f"已排除和已整改的发现（{len(rows)} 条，不计入评级和审核结论）"),
                  table(["规则", "项目", "问题及原文证据", "审核意见"], rows, widths=["15%", "20%", "40%", "25%"], cls="findings")]
    stale = review.get("stale") or []
    if stale:
        rows = [[element("code", d["finding_id"]), status_label(d["status"]) if d["status"] else MISSING,
                 text_or_missing(d["reason"]), text_or_missing(d["note"])] for d in stale]
        parts += [element("h2", f"失效的审核意见（{len(rows)} 条）"),
                  note(f"审核意见文件 {review['file']} 中以下意见对应的发现在本次审核中已不存在（源文件或审核规则已变化）；"
                       "意见保留在文件中，请核对后修改或删除。"),
                  table(["发现编号", "审核意见", "理由", "备注"], rows, widths=["20%", "14%", "33%", "33%"])]
    return parts


def _findings_table(findings: list[dict], locate: Locator) -> Element:
    rows = [_finding_entry(group, locate) for group in grouped(findings, "rule_id").values()]
    return table(["规则", "级别", "问题及原文证据", "整改建议"], rows, widths=["15%", "8%", "49%", "28%"], cls="findings")


def _common_problem(problem: dict, findings: list[dict], labels: dict, total: int, locate: Locator) -> Element:
    """A problem shared by most projects, stated once: the projects it hits, each with its place,
    and its evidence and message where they say more than the project's name."""
    messages = set(f["message"] for f in findings)
    items, short = [], True  # short items (a project and its line) are set in two columns
    for project_id in problem["project_ids"]:
        own = [f for f in findings if f["project_id"] == project_id]
        details = []
        for f in own:
            quote = f["evidence"] if f["evidence"] not in (f["project_name"], None) else None
            details.append([
                "：" if quote or len(messages) > 1 else None,
                element("span", quote, cls="quote") if quote else None,
                "——" if quote and len(messages) > 1 else None,
                f["message"] if len(messages) > 1 else None,
                element("span", f"（{locate(f['source_file'], f['source_ref'])}）", cls=f"where {SCREEN_ONLY}"),
                element("span", " ", review_line(f).children, cls="review"),  # inline: the lists stay short
            ])
            short = short and not quote and len(messages) == 1
        items.append(element("li", labels[project_id], details))
    severities = [s for s in SEVERITY_ZH if any(f["severity"] == s for f in findings)]
    count = len(problem["project_ids"])
    return element(
        "article",
        element("h3", element("span", problem["rule_id"], " ", cls=SCREEN_ONLY), f"{problem['rule_name']}（{count} 个项目）"),
        element("p", severity_badge(_most_severe(severities)), " ",
                f"{total} 个项目中有 {count} 个：" if count < total else f"全部 {count} 个项目：",
                next(iter(messages)) if len(messages) == 1 else "各项目的情况如下。"),
        element("ul", items, cls="evidence common-projects" + (" two-columns" if short else "")),
        element("p", "整改建议：", problem["suggestion"]),
        element("p", "依据：", findings[0]["basis"], cls="basis") if findings[0]["basis"] else None,
        cls="common",
    )


def findings_section(bundle: UnitBundle) -> Element:
    findings, locate = bundle.findings, Locator(bundle)
    title = section_title(bundle, "findings")
    if findings.empty:
        return section(title, note("未发现问题。"), *review_block(bundle), anchor="findings")
    projects = records(projects_in_order(bundle))
    labels = {p["project_id"]: project_label(p["seq"], p["project_name"]) for p in projects}
    common = bundle.grade.get("common_problems", [])
    in_common = {finding_id for problem in common for finding_id in problem["finding_ids"]}
    # Catalogue order within a project; the audit's order (by line) within a rule.
    ordered = numbered_records(bundle, findings)
    parts: list[Content] = [note(
        f"共 {len(findings)} 条发现。出现在半数以上项目中的问题作为共性问题集中说明一次；各项目只列其特有的问题，"
        "同一规则的多条发现合并为一项，列出涉及的指标及每条原文证据。原文证据照录源文件文字。"
        "每条证据后为问题号（如“问题12”，供审核人批注；与审核意见文件中发现编号的对应见 HTML 报告和发现清单）"
        "及审核意见；未注明审核意见的为待审核。")]
    if common:
        by_finding = {f["finding_id"]: f for f in ordered}
        parts.append(element(
            "div", element("h2", f"共性问题（{len(common)} 项）"),
            [_common_problem(problem, [by_finding[i] for i in problem["finding_ids"]], labels, len(projects), locate)
             for problem in common],
            cls="common-problems", id="common-problems"))
    by_project = grouped([f for f in ordered if f["finding_id"] not in in_common], "project_id")
    if None in by_project:
        parts.append(element("article", element("h2", UNIT_LEVEL), _findings_table(by_project[None], locate), cls="project"))
    for project in projects:
        own = by_project.get(project["project_id"])
        shared = [p["rule_name"] for p in common if project["project_id"] in p["project_ids"]]
        parts.append(element(
            "article",
            element("h2", labels[project["project_id"]]),
            _findings_table(own, locate) if own else
            note(f"除共性问题（{'、'.join(shared)}）外未发现问题。" if shared else "未发现问题。"),
            cls="project",
            id=f"project-{int(project['seq'])}",
        ))
    return section(title, *parts, *review_block(bundle), anchor="findings")
