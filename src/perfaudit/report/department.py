"""The department bundle: a 部门's roll-up and the list of its units, next to their unit bundles.

Layout: ``<bundle root>/departments/<department_id>/department.json`` (id, name, unit ids in
document order, the roll-up record of ``audit.department``, fingerprints, report settings). The
department notebook reads it and its units' own bundles, nothing else: a department report
shows exactly what its unit reports show, added up.

``write_department_bundle`` runs in the driver (it needs the configuration, which a report
kernel never reads); ``read_department`` and the tables below run in the report kernel.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import ReportError
from ..model import AMOUNT_COLUMNS
from ..settings import Settings
from .bundle import UnitBundle, canonical_json, read_bundle, sha256_text

DEPARTMENTS_DIR = "departments"  # below the bundle root (unit ids never take this name: c-/k-/n-)
DEPARTMENT_FILE = "department.json"
DEPARTMENT_FORMAT = 1
TOLERANCE = 0.005  # 万元: the tolerance of declared_totals.parts_sum (expectations/declared_totals.json)


@dataclass(frozen=True)
class DepartmentBundle:
    department_id: str
    meta: dict[str, Any]
    units: list[UnitBundle]  # in the department's order

    @property
    def department_name(self) -> str:
        return self.meta["department_name"]

    @property
    def record(self) -> dict[str, Any]:
        return self.meta["record"]

    @property
    def report_settings(self) -> dict[str, Any]:
        return self.meta["report_settings"]


def department_dir(root: Path, department_id: str) -> Path:
    return root / DEPARTMENTS_DIR / department_id


def unit_budget(bundle: UnitBundle) -> float | None:
    """The unit's budget: the sum of its projects' 总计 (万元), None when none states one."""
    total = bundle.dataset.projects["budget_total"].sum(min_count=1)
    return None if pd.isna(total) else round(float(total), 6)


def write_department_bundle(root: Path, department_id: str, department_name: str, unit_ids: list[str],
                            settings: Settings) -> Path:
    """Roll up the unit bundles of ``unit_ids`` (under ``root``) into the department's bundle;
    its units in document order."""
    from ..audit.department import formula_zh, roll_up

    units = sorted((read_bundle(root, unit_id) for unit_id in unit_ids), key=_document_order)
    findings = pd.concat([unit.findings for unit in units], ignore_index=True)
    record = roll_up({u.unit_id: u.grade for u in units}, {u.unit_id: unit_budget(u) for u in units}, findings,
                     sum(len(u.dataset.projects) for u in units), settings.section("audit"))
    record["formula_zh"] = formula_zh(units[0].grade["formula_zh"])
    meta = {
        "format": DEPARTMENT_FORMAT,
        "department_id": department_id,
        "department_name": department_name,
        "unit_ids": [unit.unit_id for unit in units],
        "record": record,
        "report_settings": units[0].report_settings,
        "fingerprints": {"units": {u.unit_id: u.meta["fingerprints"]["bundle"] for u in units}},
    }
    meta["fingerprints"]["department"] = sha256_text(canonical_json(meta))
    folder = department_dir(root, department_id)
    folder.mkdir(parents=True, exist_ok=True)
    staging = folder / f".{DEPARTMENT_FILE}.{os.getpid()}"
    staging.write_text(json.dumps(meta, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(staging, folder / DEPARTMENT_FILE)
    return folder


def _document_order(unit: UnitBundle) -> tuple:
    """Units as their documents list them (a 本级 row first), documents by name."""
    row = unit.dataset.units.iloc[0]
    return (str(row["source_file"]), -1 if pd.isna(row["source_line"]) else int(row["source_line"]), unit.unit_id)


def remove_department_bundle(root: Path, department_id: str) -> None:
    shutil.rmtree(department_dir(root, department_id), ignore_errors=True)


def read_department(root: Path, department_id: str) -> DepartmentBundle:
    """The department's bundle and its units' bundles; ReportError naming the folder when absent."""
    path = department_dir(root, department_id) / DEPARTMENT_FILE
    if not path.is_file():
        known = sorted(p.parent.name for p in (root / DEPARTMENTS_DIR).glob(f"*/{DEPARTMENT_FILE}"))
        raise ReportError(f"{path}: no bundle for department '{department_id}' (departments: {', '.join(known) or 'none'})")
    meta = json.loads(path.read_text(encoding="utf-8"))
    if meta.get("format") != DEPARTMENT_FORMAT:
        raise ReportError(f"{path}: department bundle format {meta.get('format')} is not {DEPARTMENT_FORMAT}; rebuild it")
    department = DepartmentBundle(department_id, meta, [read_bundle(root, unit_id) for unit_id in meta["unit_ids"]])
    _check_members(department)
    return department


# ---------------------------------------------------------------- what the report shows (kernel side)

def unit_rows(department: DepartmentBundle) -> list[dict[str, Any]]:
    """One row per unit: budget, projects, indicators, grade, counts by severity, conclusion, weight."""
    weights = department.record["weights"]
    rows = []
    for unit in department.units:
        findings = unit.findings
        rows.append({
            "unit_id": unit.unit_id,
            "unit_name": unit.unit_name,
            "budget": unit_budget(unit),
            "projects": len(unit.dataset.projects),
            "indicators": len(unit.dataset.indicators),
            "grade": unit.grade["grade"],
            "score": unit.grade["score"],
            **{s: int((findings["severity"] == s).sum()) for s in ("error", "warning", "info")},
            "conclusion": unit.grade["conclusion"]["label"],
            "weight": weights[unit.unit_id],
        })
    return rows


def totals_check(department: DepartmentBundle) -> pd.DataFrame:
    """Per funding column: the sum of the units' projects, the sum of the units' declared rows
    (layout A's unit rows), the document totals stated (合计 rows, once per document) and the
    differences against the projects' sum; NaN where the documents state nothing."""
    projects = pd.concat([u.dataset.projects for u in department.units], ignore_index=True)
    declared = pd.concat([u.dataset.declared_totals for u in department.units], ignore_index=True)
    declared_unit_rows = declared[declared["scope"] == "unit"]
    documents = declared[declared["scope"] == "document"].drop_duplicates(["source_file", "source_line"])
    rows = []
    for column in AMOUNT_COLUMNS:
        projects_sum = projects[column].sum(min_count=1)
        declared_units = declared_unit_rows[column].sum(min_count=1)
        declared_document = documents[column].sum(min_count=1)
        rows.append({"column": column, "projects": projects_sum, "unit_rows": declared_units, "document": declared_document,
                     "unit_rows_diff": declared_units - projects_sum, "document_diff": declared_document - projects_sum})
    return pd.DataFrame(rows)


def unit_totals(department: DepartmentBundle) -> pd.DataFrame:
    """Per unit: its projects' 总计 and its declared unit row (layout A), with the difference."""
    rows = []
    for unit in department.units:
        declared = unit.dataset.declared_totals
        row = declared[(declared["scope"] == "unit") & (declared["unit_id"] == unit.unit_id)]
        stated = row["budget_total"].iloc[0] if len(row) else float("nan")
        budget = unit_budget(unit)
        rows.append({"unit_id": unit.unit_id, "unit_name": unit.unit_name, "projects": budget, "declared": stated,
                     "diff": stated - budget if budget is not None else float("nan")})
    return pd.DataFrame(rows, columns=["unit_id", "unit_name", "projects", "declared", "diff"])


def mismatched(difference: object) -> bool:
    return not pd.isna(difference) and abs(float(difference)) > TOLERANCE


def criterion_losses(department: DepartmentBundle) -> pd.DataFrame:
    """Points each unit lost per review criterion (weight − points earned): units × criteria."""
    rows = {unit.unit_name if _unique_names(department) else f"{unit.unit_name} {unit.unit_id}":
            {item["label"]: round(item["weight"] - item["score"], 2) for item in unit.grade["breakdown"]}
            for unit in department.units}
    return pd.DataFrame.from_dict(rows, orient="index")


def _unique_names(department: DepartmentBundle) -> bool:
    names = [unit.unit_name for unit in department.units]
    return len(set(names)) == len(names)


def _check_members(department: DepartmentBundle) -> None:
    """ReportError when a unit bundle is of another department than the one listing it (a stale bundle)."""
    for unit in department.units:
        stated = unit.dataset.units["department_id"].iloc[0]
        if stated != department.department_id:
            raise ReportError(f"department {department.department_id}: unit {unit.unit_id} belongs to {stated}")
