"""The reviewer's files: findings and grades as CSV and as one Excel workbook, in one schema.

``findings.parquet`` keeps the findings table as it is (``FINDINGS``, English codes: the machine
contract). The CSV files and the workbook are for people and share one layout: ``FINDING_COLUMNS``
(and ``GRADE_COLUMNS`` for grades) map each stable English column id to its Chinese header. Each
file holds a first row of the column ids, then the row of Chinese headers, then the data. The
finding columns mean what they mean in ``FINDINGS``; added are ``unit_name`` and ``rule_name``,
and ``severity`` is written in Chinese (错误/警告/提示). Reading a CSV back by id:
``pd.read_csv(path, skiprows=[1], dtype=str)``.

The workbook (``findings.xlsx``): a sheet of all findings, one sheet per unit, a grades sheet and
a sheet describing the columns; every sheet's data is a real Excel table (filter and sort buttons
on the Chinese header row, banded rows), with the id row above it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..terms import FINDING_COLUMNS, finding_numbers
from .grade import GRADE_COLUMNS as GRADE_IDS
from .registry import CRITERIA, SEVERITIES, SEVERITY_ZH, catalogue

# id -> (Chinese header, what the column holds); the order is the order of the files' columns
# (the findings' columns: ``terms.FINDING_COLUMNS``).
GRADE_COLUMNS = {
    "unit_id": ("单位标识", "单位的稳定标识"),
    "unit_name": ("单位名称", "文件中的单位名称"),
    "projects": ("项目数", "单位的项目个数"),
    "findings": ("发现数", "单位的发现条数"),
    **{severity: (SEVERITY_ZH[severity], f"严重程度为“{SEVERITY_ZH[severity]}”的发现条数") for severity in SEVERITIES},
    "score": ("得分", "机器建议的总分（0–100），公式见 docs/rules.md"),
    "grade": ("等级", "优 / 良 / 中 / 差（机器建议，以审核人员判断为准）"),
    **{key: (f"{label}得分", f"审核要点“{label}”的得分") for key, label in CRITERIA.items()},
}
assert list(GRADE_COLUMNS) == GRADE_IDS, "grades columns and their headers must match grade.GRADE_COLUMNS"

ALL_SHEET, GRADES_SHEET, COLUMNS_SHEET = "全部单位", "等级", "列说明"
_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")
_MAX_WIDTH = 60
_TABLE_STYLE = "TableStyleMedium2"


def sheet_names(names: list[str]) -> list[str]:
    """Excel-safe, unique sheet names (≤ 31 characters, no []:*?/\\), in the given order."""
    used: set[str] = set()
    result = []
    for name in names:
        base = _SHEET_UNSAFE.sub("_", name).strip("'") or "unit"
        candidate, n = base[:31], 1
        while candidate.lower() in used:
            n += 1
            suffix = f"~{n}"
            candidate = base[: 31 - len(suffix)] + suffix
        used.add(candidate.lower())
        result.append(candidate)
    return result


def display_width(text: str) -> int:
    """Width of the longest line in Excel character units (CJK characters count double)."""
    from rich.cells import cell_len

    return max(cell_len(line) for line in str(text).split("\n"))


def findings_for_review(findings: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """The findings in the reviewer's schema (``FINDING_COLUMNS``): names added, severity in Chinese."""
    rule_names = {rule.id: rule.name_zh for rule in catalogue()}
    rule_ranks = {rule.id: rank for rank, rule in enumerate(catalogue())}
    unit_names = dict(zip(units["unit_id"], units["unit_name"]))
    return findings.assign(
        number=finding_numbers(findings, findings["rule_id"].map(rule_ranks)),
        rule_name=findings["rule_id"].map(rule_names),
        unit_name=findings["unit_id"].map(unit_names),
        severity=findings["severity"].map(lambda s: SEVERITY_ZH.get(s, s)),
    )[list(FINDING_COLUMNS)]


def write_findings(
    findings: pd.DataFrame, directory: Path, units: pd.DataFrame, grades: pd.DataFrame | None = None
) -> list[Path]:
    """Write ``findings.parquet``, ``findings.csv``, ``findings.xlsx`` and, when grades are given,
    ``grades.csv`` (CSV in UTF-8 with BOM, for Excel). Returns the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    parquet, csv, xlsx = (directory / f"findings.{ext}" for ext in ("parquet", "csv", "xlsx"))
    findings.to_parquet(parquet, index=False)
    review = findings_for_review(findings, units)
    _write_csv(review, FINDING_COLUMNS, csv)
    _write_workbook(review, grades, units, xlsx)
    written = [parquet, csv, xlsx]
    if grades is not None:
        _write_csv(grades[list(GRADE_COLUMNS)], GRADE_COLUMNS, directory / "grades.csv")
        written.append(directory / "grades.csv")
    return written


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_text(value):
    """Text Excel would read as a formula (``=100%``, ``=CMD|…``, ``-1`` as text) gets a leading
    apostrophe, which Excel shows as text; numbers stay numbers."""
    return "'" + value if isinstance(value, str) and value.startswith(_FORMULA_START) else value


def _write_csv(frame: pd.DataFrame, columns: dict[str, tuple[str, str]], path: Path) -> None:
    headers = pd.DataFrame([[header for header, _ in columns.values()]], columns=list(columns))
    rows = frame.astype(object).map(_csv_text)
    pd.concat([headers, rows], ignore_index=True).to_csv(path, index=False, encoding="utf-8-sig")


def _cell_value(value, illegal):
    """A cell for openpyxl: None for missing; control characters Excel cannot store removed."""
    if pd.isna(value):
        return None
    return illegal.sub("", value) if isinstance(value, str) else value


def _write_workbook(review: pd.DataFrame, grades: pd.DataFrame | None, units: pd.DataFrame, path: Path) -> None:
    from openpyxl import Workbook

    unit_rows = list(units[["unit_id", "unit_name"]].itertuples(index=False))
    fixed = [ALL_SHEET, *([GRADES_SHEET] if grades is not None else []), COLUMNS_SHEET]
    names = sheet_names([*fixed, *(str(name) for _, name in unit_rows)])
    titles, unit_titles = dict(zip(fixed, names)), names[len(fixed):]
    workbook = Workbook()
    workbook.remove(workbook.active)
    _sheet(workbook, titles[ALL_SHEET], "findings_all", review, FINDING_COLUMNS)
    for position, ((unit_id, _), title) in enumerate(zip(unit_rows, unit_titles), start=1):
        _sheet(workbook, title, f"findings_unit_{position}", review[review["unit_id"] == unit_id], FINDING_COLUMNS)
    if grades is not None:
        _sheet(workbook, titles[GRADES_SHEET], "grades", grades[list(GRADE_COLUMNS)], GRADE_COLUMNS)
    legend = pd.DataFrame(
        [(sheet, column, header, meaning)
         for sheet, columns in ((ALL_SHEET, FINDING_COLUMNS), (GRADES_SHEET, GRADE_COLUMNS))
         for column, (header, meaning) in columns.items()],
        columns=["sheet", "column", "header", "meaning"],
    )
    legend_columns = {"sheet": ("工作表", ""), "column": ("列标识", ""), "header": ("表头", ""), "meaning": ("含义", "")}
    _sheet(workbook, titles[COLUMNS_SHEET], "columns", legend, legend_columns)
    workbook.save(path)


def _sheet(workbook, title: str, table_name: str, frame: pd.DataFrame, columns: dict[str, tuple[str, str]]) -> None:
    """One sheet: the id row, then an Excel table (Chinese header row, the data)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table, TableStyleInfo

    sheet = workbook.create_sheet(title)
    headers = [header for header, _ in columns.values()]
    sheet.append(list(columns))
    sheet.append(headers)
    for record in frame.itertuples(index=False):
        sheet.append([_cell_value(value, ILLEGAL_CHARACTERS_RE) for value in record])
    wrap = Alignment(wrap_text=True, vertical="top")
    for cells in sheet.iter_rows(min_row=3):
        for cell in cells:
            cell.alignment = wrap
            if isinstance(cell.value, str):
                cell.data_type = "s"  # document text such as "=100%" is text, never a formula
    for cell in sheet[1]:
        cell.font = Font(color="808080", size=8)
    for index, column in enumerate(columns, start=1):
        values = [headers[index - 1], *("" if pd.isna(v) else v for v in frame[column])]
        width = min(_MAX_WIDTH, max(display_width(v) for v in values) + 2)
        sheet.column_dimensions[get_column_letter(index)].width = max(width, 8)
    # A table needs a data row: an empty one stands in when there is nothing to list.
    last_row = 2 + max(len(frame), 1)
    table = Table(displayName=table_name, ref=f"A2:{get_column_letter(len(columns))}{last_row}")
    table.tableStyleInfo = TableStyleInfo(name=_TABLE_STYLE, showRowStripes=True)
    sheet.add_table(table)
    sheet.freeze_panes = "A3"
