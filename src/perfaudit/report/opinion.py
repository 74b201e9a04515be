"""The 审核意见书: one unit's (or department's) review opinion as an editable Word document, from its bundle.

Offices finalise and stamp these in Word, so the document is plain Word: title, 单位, 审核依据,
审核结论, 共性问题 stated once, 主要问题及修改意见 per project (worst first), and the 审核单位 /
日期 block with room for the seal. Built from the same bundle as the HTML and PDF (the same
conclusion, findings and suggestions); text from documents is set as Word text runs, never as
markup. ``opinion_docx`` is a pure transform returning bytes, identical for the same bundle.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

import pandas as pd

from ..bundle import DepartmentBundle, UnitBundle
from ..terms import SEVERITIES, SEVERITY_ZH
from .sections.format import MISSING, amount, budget_year_text, largest_deductions
from .sections.summary import projects_worst_first

TITLE = "项目支出绩效目标审核意见书"
DEPARTMENT_TITLE = "部门项目支出绩效目标审核意见书"
BASIS = (
    "《中共中央 国务院关于全面实施预算绩效管理的意见》（中发〔2018〕34号）",
    "《中央部门预算绩效目标管理办法》（财预〔2015〕88号）",
    "《项目支出绩效评价管理办法》（财预〔2020〕10号）",
    "《中央部门项目支出核心绩效目标和指标设置及取值指引（试行）》（财预〔2021〕101号）",
)
FONT_CJK, FONT_LATIN = "宋体", "Times New Roman"
_FIXED_TIME = datetime(2000, 1, 1)  # core properties: the same bytes for the same bundle
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_SEVERITY_ORDER = {severity: rank for rank, severity in enumerate(SEVERITIES)}


def _set_fonts(style) -> None:
    from docx.oxml.ns import qn

    style.font.name = FONT_LATIN
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), FONT_CJK)


def _paragraph(document, text: str = "", *, bold: bool = False, size: float | None = None, center: bool = False):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    paragraph = document.add_paragraph()
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    return paragraph


def _table(document, header: list[str], rows: list[list[str]], widths_cm: list[float]) -> None:
    from docx.shared import Cm

    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for values in rows:
        for cell, text in zip(table.add_row().cells, values):
            cell.text = text
    for column, width in zip(table.columns, widths_cm):
        for cell in column.cells:
            cell.width = Cm(width)


def _findings_table(document, findings: pd.DataFrame) -> None:
    """Findings worst first: the problem, what is wrong with the text it quotes, and the fix."""
    ordered = findings.assign(_order=findings["severity"].map(_SEVERITY_ORDER)).sort_values(["_order", "rule_rank"], kind="stable")
    rows = [
        [f"{SEVERITY_ZH[f['severity']]}·{f['rule_name']}", f"{f['message']}\n原文：{f['evidence']}{_where(f)}", f["suggestion"]]
        for f in ordered.to_dict("records")
    ]
    _table(document, ["问题", "说明及原文", "修改意见"], rows, [3.0, 7.5, 5.5])


def _where(finding: dict) -> str:
    place = finding.get("source_ref")
    return "" if pd.isna(place) else f"（{place}）"


def _new_document():
    from docx import Document
    from docx.shared import Pt

    document = Document()
    for name in ("Normal", "Table Grid"):
        _set_fonts(document.styles[name])
    document.styles["Normal"].font.size = Pt(10.5)
    return document


def _basis_and_conclusion(document, findings: pd.DataFrame, grade: dict) -> None:
    """一、审核依据 (the rules' bases among them) and 二、审核结论 with the grade and its largest deductions."""
    _paragraph(document, "一、审核依据", bold=True, size=12)
    bases = list(dict.fromkeys(findings.sort_values("rule_rank")["basis"].dropna())) if "basis" in findings else []
    _paragraph(document, "；".join(BASIS) + "。")
    if bases:
        _paragraph(document, "本意见各项问题所依据的条款：")
    for basis in bases:
        _paragraph(document, f"· {basis}")

    conclusion = grade["conclusion"]
    _paragraph(document, "二、审核结论", bold=True, size=12)
    _paragraph(document, f"审核结论（建议）：审核结果为“{conclusion['action']}”，{conclusion['consequence']}。{conclusion['reason']}", bold=True)
    counts = "，".join(f"{SEVERITY_ZH[s]} {int((findings['severity'] == s).sum())} 项" for s in SEVERITIES)
    _paragraph(document, f"机器建议等级：{grade['grade']}（综合得分 {grade['score']:.2f}，满分 100）；审核发现：{counts}。")
    deductions = largest_deductions(grade)
    if deductions:
        _paragraph(document, "扣分最多的三项：" + "；".join(f"{d['label']}（{d['findings']} 条，扣 {d['points']:.2f} 分）" for d in deductions) + "。")


def _signed_bytes(document, title: str) -> bytes:
    """The seal and signature block, fixed core properties, and the document as bytes."""
    _paragraph(document, "")
    _paragraph(document, "审核单位（盖章）：")
    _paragraph(document, "审核人：　　　　　　　　复核人：")
    _paragraph(document, "日期：　　　　年　　月　　日")
    _paragraph(document, "本意见书由 perfaudit 根据申报文本自动生成初稿，审核结论为机器建议，须经审核人、复核人核实后签章。", size=9)

    properties = document.core_properties
    properties.title = title
    properties.author = properties.last_modified_by = "perfaudit"
    properties.created = properties.modified = properties.last_printed = _FIXED_TIME
    properties.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip(buffer.getvalue())


def department_opinion_docx(department: DepartmentBundle) -> bytes:
    """The department's 审核意见书 (部门 form) as .docx bytes: the department's conclusion and
    grade, each unit's conclusion, the problems common to several units, and the totals that do
    not match; the details are in each unit's own 审核意见书."""
    from .department import mismatched, unit_rows, unit_totals

    document = _new_document()
    record = department.record
    findings = pd.concat([unit.findings for unit in department.units], ignore_index=True)
    _paragraph(document, DEPARTMENT_TITLE, bold=True, size=18, center=True)
    _paragraph(document, f"被审核部门：{department.department_name}")
    _paragraph(document, f"所属单位：{len(department.units)} 个")
    _basis_and_conclusion(document, findings, record)

    _paragraph(document, "三、各单位审核结论", bold=True, size=12)
    _table(document, ["单位", "预算（万元）", "等级（得分）", "错误/警告/提示", "审核结果"],
           [[row["unit_name"], amount(row["budget"]), f"{row['grade']}（{row['score']:.2f}）",
             " / ".join(str(row[s]) for s in SEVERITY_ZH), row["conclusion"]] for row in unit_rows(department)],
           [5.0, 2.5, 2.5, 3.0, 3.0])

    names = {unit.unit_id: unit.unit_name for unit in department.units}
    _paragraph(document, "四、共性问题", bold=True, size=12)
    if not record["common_problems"]:
        _paragraph(document, "无（没有问题出现在半数以上的单位中）。")
    for number, problem in enumerate(record["common_problems"], start=1):
        listed = "、".join(names[u] for u in problem["unit_ids"])
        _paragraph(document, f"{number}. {len(problem['unit_ids'])} 个单位{problem['rule_name']}：{listed}。", bold=True)
        _paragraph(document, f"修改意见：{problem['suggestion']}")

    _paragraph(document, "五、预算数核对", bold=True, size=12)
    wrong = [r for r in unit_totals(department).itertuples(index=False) if mismatched(r.diff, department.tolerance)]
    if not wrong:
        _paragraph(document, "各单位申报的预算数与其项目之和一致（或文件未列出单位行）。")
    for row in wrong:
        _paragraph(document, f"· {row.unit_name}：单位行申报 {amount(row.declared)} 万元，项目之和 {amount(row.projects)} 万元，差额 {row.diff:+,.2f} 万元。")
    _paragraph(document, "各单位的具体问题及修改意见见该单位的审核意见书。")
    return _signed_bytes(document, f"{department.department_name} {DEPARTMENT_TITLE}")


def opinion_docx(bundle: UnitBundle) -> bytes:
    """The unit's 审核意见书 as .docx bytes."""
    document = _new_document()
    unit = bundle.dataset.units.iloc[0]
    grade = bundle.grade
    findings = bundle.findings

    _paragraph(document, TITLE, bold=True, size=18, center=True)
    facts = [f"被审核单位：{unit['unit_name']}"]
    if not pd.isna(unit["unit_code"]):
        facts.append(f"单位编码：{unit['unit_code']}")
    if not pd.isna(unit["department"]) and unit["department"] != unit["unit_name"]:
        facts.append(f"主管部门：{unit['department']}")
    facts.append(f"预算年度：{budget_year_text(unit['budget_year'], bundle.dataset.documents)}")
    for fact in facts:
        _paragraph(document, fact)

    _basis_and_conclusion(document, findings, grade)
    errors = findings[findings["severity"] == "error"]
    if len(errors):
        _paragraph(document, "错误事项：")
        for row in errors.to_dict("records"):
            project = row["project_name"] if not pd.isna(row["project_name"]) else "单位整体"
            _paragraph(document, f"· {project}：{row['rule_name']}——{row['message']}")

    projects = projects_worst_first(bundle)
    names = {p["project_id"]: p["project_name"] for p in projects}
    common = grade.get("common_problems", [])
    in_common = {finding_id for problem in common for finding_id in problem["finding_ids"]}
    _paragraph(document, "三、共性问题", bold=True, size=12)
    if not common:
        _paragraph(document, "无（没有问题出现在半数以上的项目中）。")
    for number, problem in enumerate(common, start=1):
        listed = "、".join(names[p] for p in problem["project_ids"])
        _paragraph(document, f"{number}. {len(problem['project_ids'])} 个项目{problem['rule_name']}：{listed}。", bold=True)
        _paragraph(document, f"修改意见：{problem['suggestion']}")

    _paragraph(document, "四、主要问题及修改意见", bold=True, size=12)
    unit_level = findings[findings["project_id"].isna()]
    if len(unit_level):
        _paragraph(document, "（一）单位整体（不属于具体项目）", bold=True)
        _findings_table(document, unit_level)
    _paragraph(document, "（二）各项目（问题多者在前）" if len(unit_level) else "各项目（问题多者在前）", bold=True)
    for number, project in enumerate(projects, start=1):
        label = project["conclusion"]["label"] if project["conclusion"] else MISSING
        _paragraph(document, f"{number}. {project['project_name']}（预算 {amount(project['budget_total'])} 万元）——审核结果：{label}", bold=True)
        own = project["findings"]
        own = own[~own["finding_id"].isin(in_common)]
        if own.empty:
            _paragraph(document, "除共性问题外未发现其他问题。" if len(project["findings"]) else "未发现问题。")
            continue
        _findings_table(document, own)

    return _signed_bytes(document, f"{unit['unit_name']} {TITLE}")


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
