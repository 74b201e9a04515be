"""The 审核意见书: one unit's (or department's) review opinion as the bureau's letter in Word.

Offices finalise, number and seal these in Word, so the document is a plain Word letter laid out
as GB/T 9704 asks (``letter.py``): letterhead and 文号 as ``[opinion]`` configures them, 主送 the
unit, 总体意见 (the 88号 result and its consequence, the score, the main problems in words), each
project's result in the document's order, 共性问题 stated once, each project's problems with one
修改意见 per indicator, 审核依据 limited to the regulations the applied rules rest on, and the
落款 with room for the seal. It names projects and indicators, never rule codes, finding ids or
source lines: those are for the reviewer's HTML. Built from the same bundle as the HTML and PDF;
document text is set as Word text runs, never as markup. ``opinion_docx`` is a pure transform
returning bytes, identical for the same bundle.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from typing import Any, Iterable

import pandas as pd

from ..bundle import DepartmentBundle, UnitBundle
from ..terms import ACTIONS, missing_last, worst_first
from .letter import SEAL_RED, TITLE_FONT, TITLE_PT, clause, heading as letter_heading, new_letter, paragraph, rule_line, sentence, table
from .sections.format import amount, grouped

TITLE = "项目支出绩效目标审核意见书"
DEPARTMENT_TITLE = "部门项目支出绩效目标审核意见书"
# The regulations the catalogue's bases cite, by their number, with their full titles (in this order).
REGULATIONS = {
    "中发〔2018〕34号": "《中共中央 国务院关于全面实施预算绩效管理的意见》",
    "财预〔2015〕88号": "《中央部门预算绩效目标管理办法》",
    "财预〔2020〕10号": "《项目支出绩效评价管理办法》",
    "财预〔2021〕101号": "《中央部门项目支出核心绩效目标和指标设置及取值指引（试行）》",
}
_RULE_CODE = re.compile(r"^[A-Z]\d{2}\s*")  # deductions are labelled `S02 缺少效益指标`
CHINESE_NUMERALS = "一二三四五六七八九十"
_FIXED_TIME = datetime(2000, 1, 1)  # core properties: the same bytes for the same bundle
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
BLANK_DATE = "　　　　年　　月　　日"
MAIN_PROBLEMS = 3  # problems named per project in the conclusion table
# cm: 序号, name, 预算（万元）, 审核结果, 主要问题 — wide enough that no header breaks inside its brackets.
CONCLUSION_WIDTHS = [1.2, 4.5, 2.9, 2.2, 4.8]
PROBLEM_WIDTHS = [3.4, 6.4, 5.8]  # 指标或事项, 存在问题, 修改意见
LONGEST_PROBLEM = 160  # characters of one problem in a table cell (about eight lines)


def _letterhead(settings: dict[str, Any]) -> dict[str, Any]:
    """``[opinion]`` with ``[report]`` reviewing_unit and review_date (bundles written before the
    ``[opinion]`` block existed get its defaults)."""
    opinion = settings.get("opinion")
    if opinion is None:
        from ..settings import load_settings

        opinion = load_settings().as_dict()["opinion"]
    return {**opinion, "reviewing_unit": settings.get("reviewing_unit", ""), "review_date": settings.get("review_date", "")}


def _document_number(head: dict[str, Any]) -> str:
    """The 文号 from its pattern; the parts not configured are blanks to fill in by hand."""
    if not head["number_pattern"]:
        return ""
    year = re.search(r"(\d{4})\s*年", head["review_date"] or "")
    return head["number_pattern"].format_map({
        "审核单位简称": head["reviewing_unit_short"] or "　　",
        "年": year.group(1) if year else "　　　　",
        "序号": "　　",
    })


def _year_text(years: Iterable[object]) -> str:
    """``2024`` (or ``2022、2024``): the budget years stated or found, without how they were found."""
    known = sorted({int(y) for y in years if not pd.isna(y)})
    return "、".join(str(y) for y in known)


def _problem_names(findings: list[dict], limit: int = MAIN_PROBLEMS) -> str:
    """The main problems in words: the distinct problem names, most severe first."""
    if not findings:
        return "未发现问题"
    names = list(dict.fromkeys(f["rule_name"] for f in sorted(findings, key=worst_first)))
    return "、".join(names[:limit]) + ("等" if len(names) > limit else "")


def _brief(text: str, limit: int = LONGEST_PROBLEM) -> str:
    """A problem as the letter states it: a long enumeration (80 indicator names) cut at a list
    boundary with 等; the HTML and PDF give it in full."""
    if len(text) <= limit:
        return text
    cut = text.rfind("、", 0, limit)
    return (text[:cut] if cut > 0 else text[:limit]) + "等"


def _rows_per_indicator(findings: list[dict]) -> list[list[str]]:
    """One row per indicator (or per problem where a finding concerns no indicator): what it is,
    its problems, and ONE 修改意见 (the most severe finding's), in the document's order."""
    groups: dict[tuple[str, object], list[dict]] = {}
    for finding in sorted(findings, key=lambda f: (missing_last(f["source_line"]), missing_last(f["rule_rank"]))):
        key = ("rule", finding["rule_id"]) if pd.isna(finding["indicator"]) else ("indicator", finding["indicator"])
        groups.setdefault(key, []).append(finding)
    rows = []
    for key, group in groups.items():
        first = min(group, key=worst_first)
        problems = "；".join(dict.fromkeys(_brief(clause(f["message"])) for f in group))
        if key[0] == "indicator":  # one indicator, one fix: the most severe finding's
            rows.append([str(key[1]), sentence(problems), sentence(first["suggestion"])])
        else:  # one problem at several places (two placeholders …): each place's fix
            fixes = "；".join(dict.fromkeys(clause(f["suggestion"]) for f in group))
            rows.append([str(first["rule_name"]), sentence(problems), sentence(fixes)])
    return rows


def _cited_bases(bases: Iterable[object], head: dict[str, Any]) -> list[str]:
    """审核依据: the regulations the applied rules cite (``bases``: the findings' ``basis``; by full
    title and number, deduplicated, in the order of ``REGULATIONS``), the local practice where a rule
    rests on no numbered regulation, and the configured local bases."""
    bases = list(dict.fromkeys(basis for basis in bases if not pd.isna(basis)))
    lines = [f"{title}（{number}）" for number, title in REGULATIONS.items() if any(number in b for b in bases)]
    if head["practice_basis"] and any("常规做法" in b or not any(n in b for n in REGULATIONS) for b in bases):
        lines.append(clause(head["practice_basis"]))
    lines.extend(clause(basis) for basis in head["local_bases"])
    return lines


def _received(document, what: str, bases: list[str]) -> None:
    """The opening: what was received, and the bases it was reviewed by."""
    listed = "、".join(bases[:-1]) + "和" + bases[-1] if len(bases) > 1 else "".join(bases)
    by = f"根据{listed}等规定，" if bases else "根据预算绩效管理的有关规定，"
    paragraph(document, f"{what}收悉。{by}我们对其进行了审核。现将审核意见函告如下：", indent=True)


class _Numbered:
    """一、二、… headings numbered as they are written (sections without content are left out)."""
    def __init__(self, document):
        self.document, self.count = document, 0

    def __call__(self, title: str) -> None:

        self.count += 1
        letter_heading(self.document, f"{CHINESE_NUMERALS[self.count - 1]}、{title}")


def _letter_start(document, head: dict[str, Any], title: str, addressee: str) -> None:
    """Letterhead (机关标志, 文号, red line), title and 主送."""
    if head["reviewing_unit"]:
        paragraph(document, head["reviewing_unit"], font=TITLE_FONT, size=26, align="center", color=SEAL_RED)
    number = _document_number(head)
    if number or head["reviewing_unit"]:
        line = paragraph(document, number, align="center", space_before=12)
        rule_line(line)
    paragraph(document, title, font=TITLE_FONT, size=TITLE_PT, align="center", space_before=18)
    paragraph(document, "")
    paragraph(document, f"{addressee}：")


def _closing(document, head: dict[str, Any], action: str) -> None:
    """The request to revise (with the configured deadline) for 良 and 中, then the 落款, the seal
    space and the 附注 with the contact."""

    if action in ("良", "中"):
        by = (f"于{head['resubmit_by']}前" if head["resubmit_by"]
              else f"自收到本意见书之日起 {head['resubmit_within_days']} 日内" if head["resubmit_within_days"] else "")
        verb = "重新报送审核" if action == "中" else "报送"
        paragraph(document, f"请按上述意见修改完善绩效目标，{by}{verb}。", indent=True, keep=True)
    elif action == "差":
        paragraph(document, "上述绩效目标不得进入下一步预算安排流程。", indent=True, keep=True)
    # GB/T 9704: the 落款 never stands alone on a page, the seal's top within one line of the text,
    # the date four characters from the right and the name centred above it (the seal covers both)
    name, date = head["reviewing_unit"] or "审核单位（盖章）", head["review_date"] or BLANK_DATE
    paragraph(document, "", keep=True)
    paragraph(document, name, align="right", keep=True, right_chars=4 + max(0, len(date) - len(name)) / 2)
    paragraph(document, date, align="right", right_chars=4)
    contact = "，".join(part for part in (f"联系人：{head['contact']}" if head["contact"] else "",
                                          f"联系电话：{head['phone']}" if head["phone"] else "") if part)
    if contact:
        paragraph(document, "")
        paragraph(document, f"（{contact}）", indent=True)


def _overall(document, conclusion: dict, score: float, problems: str, subject: str) -> None:

    text = (f"经审核，{subject}审核结果为“{conclusion['action']}”，{clause(conclusion['consequence'])}。"
            f"综合得分{score:.2f}分（满分100分）。{clause(conclusion['reason'])}。")
    if problems:
        text += f"主要问题是{problems}。"
    paragraph(document, text, indent=True)


def _deduction_names(grade: dict) -> str:
    """The problems that cost most points, by name (their labels without the rule code)."""
    return "、".join(_RULE_CODE.sub("", d["label"]) for d in grade["deductions"][:MAIN_PROBLEMS])


def _signed_bytes(document, title: str) -> bytes:
    """Fixed core properties, and the document as bytes."""
    properties = document.core_properties
    properties.title = title
    properties.author = properties.last_modified_by = ""
    properties.created = properties.modified = properties.last_printed = _FIXED_TIME
    properties.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip(buffer.getvalue())


def _common_problems(document, problems: list[dict], names: dict[str, str], ids_key: str, what: str) -> None:
    """Each common problem once: where it is (all, or which), and its 修改意见."""
    for number, problem in enumerate(problems, start=1):
        ids = problem[ids_key]
        where = (f"全部 {len(ids)} 个{what}" if set(ids) >= set(names)
                 else f"{len(ids)} 个{what}：" + "、".join(names[i] for i in ids))
        paragraph(document, f"{number}. {clause(problem['rule_name'])}（{where}）。", indent=True)
        paragraph(document, f"修改意见：{sentence(problem['suggestion'])}", indent=True)


def opinion_docx(bundle: UnitBundle) -> bytes:
    """The unit's 审核意见书 as .docx bytes."""
    document = new_letter()
    head = _letterhead(bundle.report_settings)
    unit = bundle.dataset.units.iloc[0]
    grade, findings = bundle.grade, bundle.findings.to_dict("records")
    year = _year_text(bundle.dataset.units["budget_year"])
    projects = bundle.dataset.projects.sort_values("seq").reset_index(drop=True)
    project_records = projects[["project_id", "project_name", "budget_total"]].to_dict("records")  # what the letter states
    by_project = grouped(findings, "project_id")
    conclusions = grade.get("project_conclusions", {})

    _letter_start(document, head, f"{year}年度{TITLE}" if year else TITLE, str(unit["unit_name"]))
    total = projects["budget_total"].sum(min_count=1)
    _received(document, f"你单位报送的{year + '年度' if year else ''}项目支出绩效目标（{len(projects)} 个项目"
              + (f"，预算合计 {amount(total)} 万元" if not pd.isna(total) else "") + "）",
              _cited_bases(bundle.findings["basis"], head))
    heading = _Numbered(document)
    heading("总体意见")
    _overall(document, grade["conclusion"], grade["score"], _deduction_names(grade), "你单位项目支出绩效目标")

    if len(projects):
        heading("各项目审核结果")
        rows = []
        for number, project in enumerate(project_records, start=1):
            result = conclusions.get(project["project_id"])
            rows.append([str(number), str(project["project_name"]), amount(project["budget_total"]),
                         result["action"] if result else "—", _problem_names(by_project.get(project["project_id"], []))])
        table(document, ["序号", "项目名称", "预算（万元）", "审核结果", "主要问题"], rows,
              CONCLUSION_WIDTHS, center=(0, 3), right=(2,))
        actions = [a for a in ACTIONS if any(r["action"] == a for r in conclusions.values())]
        legend = "；".join(f"“{a}”：{next(r['consequence'] for r in conclusions.values() if r['action'] == a)}" for a in actions)
        if legend:
            paragraph(document, f"注：审核结果{legend}。", size=12)

    names = {project["project_id"]: project["project_name"] for project in project_records}
    common = grade.get("common_problems", [])
    in_common = {finding_id for problem in common for finding_id in problem["finding_ids"]}
    if common:
        heading("共性问题")
        _common_problems(document, common, names, "project_ids", "项目")

    unit_level = [f for f in findings if pd.isna(f["project_id"])]
    if unit_level:
        heading("单位整体存在的问题及修改意见")
        table(document, ["事项", "存在问题", "修改意见"], _rows_per_indicator(unit_level), PROBLEM_WIDTHS)

    own = {}  # each project's findings not stated among the common problems
    for project_id, group in by_project.items():
        mine = [f for f in group if f["finding_id"] not in in_common]
        if mine and not pd.isna(project_id):
            own[project_id] = mine
    if own:
        heading("各项目存在的问题及修改意见")
        for number, project in enumerate(project_records, start=1):
            mine = own.get(project["project_id"])
            if not mine:
                continue
            paragraph(document, f"{number}. {project['project_name']}", bold=True, indent=True, keep=True)
            table(document, ["指标或事项", "存在问题", "修改意见"], _rows_per_indicator(mine), PROBLEM_WIDTHS)
        quiet = [str(p["project_name"]) for p in project_records if p["project_id"] not in own]
        if quiet:
            paragraph(document, f"其余项目（{'、'.join(quiet)}）除共性问题外未发现其他问题。", indent=True)


    _closing(document, head, grade["conclusion"]["action"])
    return _signed_bytes(document, f"{unit['unit_name']} {TITLE}")


def department_opinion_docx(department: DepartmentBundle) -> bytes:
    """The department's 审核意见书 as .docx bytes: its 预算年度, its result, each unit's result and
    main problems, the problems common to several units, and the totals that do not match; the
    details are in each unit's own 审核意见书."""
    from .department import mismatched, unit_totals
    from ..bundle import unit_budget

    document = new_letter()
    head = _letterhead(department.report_settings)
    record = department.record
    year = _year_text(y for unit in department.units for y in unit.dataset.units["budget_year"])
    _letter_start(document, head, f"{year}年度{DEPARTMENT_TITLE}" if year else DEPARTMENT_TITLE, department.department_name)
    _received(document, f"你部门报送的{year + '年度' if year else ''}项目支出绩效目标（{len(department.units)} 个单位）",
              _cited_bases((basis for unit in department.units for basis in unit.findings["basis"]), head))
    heading = _Numbered(document)
    heading("总体意见")
    _overall(document, record["conclusion"], record["score"], _deduction_names(record), "你部门项目支出绩效目标")

    heading("各单位审核结果")
    rows = [[str(n), unit.unit_name, amount(unit_budget(unit)), unit.grade["conclusion"]["action"],
             _deduction_names(unit.grade) or "未发现问题"]
            for n, unit in enumerate(department.units, start=1)]
    table(document, ["序号", "单位名称", "预算（万元）", "审核结果", "主要问题"], rows,
          CONCLUSION_WIDTHS, center=(0, 3), right=(2,))

    if len(department.units) > 1 and record["common_problems"]:
        heading("共性问题")
        names = {unit.unit_id: unit.unit_name for unit in department.units}
        _common_problems(document, record["common_problems"], names, "unit_ids", "单位")

    wrong = [r for r in unit_totals(department).itertuples(index=False) if mismatched(r.diff, department.tolerance)]
    if wrong:
        heading("预算数核对")
        for row in wrong:
            paragraph(document, f"{row.unit_name}：单位行申报 {amount(row.declared)} 万元，项目之和 {amount(row.projects)} 万元，"
                                f"差额 {row.diff:+,.2f} 万元，请核实。", indent=True)
    paragraph(document, "各单位的具体问题及修改意见见该单位的审核意见书。", indent=True)

    _closing(document, head, record["conclusion"]["action"])
    return _signed_bytes(document, f"{department.department_name} {DEPARTMENT_TITLE}")


def _fixed_zip(data: bytes) -> bytes:
    """The same archive with fixed member times, so that the same content gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()
