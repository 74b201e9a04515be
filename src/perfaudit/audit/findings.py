"""The findings table: columns, stable ids, and the files a reviewer opens (Parquet, CSV, Excel).

``finding_id`` is the first 16 hex digits of SHA-256 over ``rule|unit|project|indicator|evidence``
(indicator and evidence in NFKC without white space, so a re-export of the same document with
other punctuation widths or line wraps keeps its ids), so a reviewer's decision on a finding can be
attached to it across runs. Two findings with the same key (the same text twice in one project)
are told apart by their order: the second one's key gets ``#2`` appended, and so on.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path
from typing import Iterable

import pandas as pd

from ..ingest.cells import Ref
from ..model import INT, STR
from ..text import squash
from .registry import Hit, Rule, rule_order

FINDINGS = {
    "finding_id": STR,
    "rule_id": STR,
    "severity": STR,
    "criterion": STR,
    "unit_id": STR,
    "project_id": STR,
    "project_name": STR,
    "indicator": STR,
    "evidence": STR,
    "source_file": STR,
    "source_line": INT,
    "source_ref": STR,  # the place in any source format: 第12行, Sheet1!C12, 表3 第5行第2列, 第4页 …
    "message": STR,
    "suggestion": STR,
    "related_rules": STR,  # rules that fired on the same place for the same cause (merge.py), comma-separated
}

# Column headers of the Excel workbook (the reviewer's working copy).
HEADERS_ZH = {
    "finding_id": "编号",
    "rule_id": "规则",
    "severity": "严重程度",
    "criterion": "审核要点",
    "unit_id": "单位标识",
    "project_id": "项目标识",
    "project_name": "项目名称",
    "indicator": "指标",
    "evidence": "原文",
    "source_file": "文件",
    "source_line": "行号",
    "source_ref": "位置",
    "message": "问题",
    "suggestion": "整改建议",
    "related_rules": "同因规则",
}


def empty_findings() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in FINDINGS.items()})


def finding_key(rule_id: str, unit_id: str, project_id: str | None, indicator: str | None, evidence: str) -> str:
    return "|".join((rule_id, unit_id, project_id or "", squash(indicator), squash(evidence)))


def finding_id(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def build_findings(
    hits: Iterable[tuple[Rule, Hit, tuple[str, ...]]], project_names: dict[str, str], unit_order: list[str]
) -> pd.DataFrame:
    """The findings table for rule hits (each with the ids of the rules merged into it), sorted by
    unit, file, line and rule, with stable ids."""
    rows = [
        {
            "rule_id": rule.id,
            "severity": hit.severity or rule.severity,
            "criterion": rule.criterion_zh,
            "unit_id": hit.unit_id,
            "project_id": hit.project_id,
            "project_name": project_names.get(hit.project_id) if hit.project_id else None,
            "indicator": hit.indicator,
            "evidence": hit.evidence,
            "source_file": hit.source_file,
            "source_line": hit.source_line,
            "source_ref": hit.source_ref or (Ref(line=hit.source_line).label() if hit.source_line else None),
            "message": hit.message,
            "suggestion": hit.suggestion or rule.suggestion,
            "related_rules": ",".join(related) or None,
            "_family": rule_order(rule.id)[0],
            "_key": finding_key(rule.id, hit.unit_id, hit.project_id, hit.indicator, hit.evidence),
        }
        for rule, hit, related in hits
    ]
    if not rows:
        return empty_findings()
    frame = pd.DataFrame(rows, dtype=object)
    units = {unit_id: position for position, unit_id in enumerate(unit_order)}
    frame["_unit"] = frame["unit_id"].map(units).fillna(len(units))
    frame["_line"] = frame["source_line"].fillna(0)
    frame = frame.sort_values(["_unit", "source_file", "_line", "_family", "rule_id", "evidence"], kind="stable")
    seen: dict[str, int] = {}
    ids = []
    for key in frame["_key"]:
        seen[key] = seen.get(key, 0) + 1
        ids.append(finding_id(key if seen[key] == 1 else f"{key}#{seen[key]}"))
    frame["finding_id"] = ids
    return frame[list(FINDINGS)].reset_index(drop=True).astype(FINDINGS)


# --- files ----------------------------------------------------------------------------------------
_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")
_MAX_WIDTH = 60


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
    lines = str(text).split("\n") or [""]
    return max(sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line) for line in lines)


def write_findings(
    findings: pd.DataFrame, directory: Path, units: pd.DataFrame, grades: pd.DataFrame | None = None
) -> list[Path]:
    """Write ``findings.parquet``, ``findings.csv`` (UTF-8 with BOM, for Excel) and ``findings.xlsx``
    (one sheet per unit), and ``grades.csv`` when grades are given. Returns the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    parquet, csv, xlsx = (directory / f"findings.{ext}" for ext in ("parquet", "csv", "xlsx"))
    findings.to_parquet(parquet, index=False)
    findings.to_csv(csv, index=False, encoding="utf-8-sig")
    _write_workbook(findings, xlsx, units)
    written = [parquet, csv, xlsx]
    if grades is not None:
        grades.to_csv(directory / "grades.csv", index=False, encoding="utf-8-sig")
        written.append(directory / "grades.csv")
    return written


def _cell_value(value, illegal):
    """A cell for openpyxl: None for missing; control characters Excel cannot store removed."""
    if pd.isna(value):
        return None
    return illegal.sub("", value) if isinstance(value, str) else value


def _write_workbook(findings: pd.DataFrame, path: Path, units: pd.DataFrame) -> None:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    unit_rows = list(units[["unit_id", "unit_name"]].itertuples(index=False)) or [(None, "findings")]
    wrap = Alignment(wrap_text=True, vertical="top")
    for (unit_id, unit_name), title in zip(unit_rows, sheet_names([str(name) for _, name in unit_rows])):
        sheet = workbook.create_sheet(title)
        rows = findings if unit_id is None else findings[findings["unit_id"] == unit_id]
        headers = [HEADERS_ZH[column] for column in FINDINGS]
        sheet.append(headers)
        for record in rows.itertuples(index=False):
            sheet.append([_cell_value(value, ILLEGAL_CHARACTERS_RE) for value in record])
        for index, column in enumerate(FINDINGS, start=1):
            values = [headers[index - 1], *("" if pd.isna(v) else v for v in rows[column])]
            width = min(_MAX_WIDTH, max(display_width(v) for v in values) + 2)
            sheet.column_dimensions[get_column_letter(index)].width = max(width, 8)
        for cells in sheet.iter_rows(min_row=2):
            for cell in cells:
                cell.alignment = wrap
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # document text such as "=100%" is text, never a formula
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
    workbook.save(path)
