"""What a department report shows, computed from its bundle (``bundle.DepartmentBundle``) in the
report kernel: the units table, the totals against the declared totals, the points lost per
criterion."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..bundle import DepartmentBundle, unit_budget
from ..model import AMOUNT_COLUMNS
from ..terms import SEVERITIES

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
            **{s: int((findings["severity"] == s).sum()) for s in SEVERITIES},
            "conclusion": unit.grade["conclusion"]["label"],
            "weight": weights[unit.unit_id],
        })
    return rows


def department_projects(department: DepartmentBundle) -> pd.DataFrame:
    """Every unit's projects with their unit's name and their review result (``action``: 优 良 中 差,
    None where the bundle has none), in the units' and the projects' order."""
    frames = []
    for unit in department.units:
        results = unit.grade.get("project_conclusions", {})
        projects = unit.dataset.projects.sort_values("seq")
        frames.append(pd.DataFrame({
            "unit_id": unit.unit_id, "unit_name": unit.unit_name, "project_name": projects["project_name"].astype(str),
            "budget": projects["budget_total"].astype(float),
            "action": [(results.get(p) or {}).get("action") for p in projects["project_id"]],
        }))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["unit_id", "unit_name", "project_name", "budget", "action"])


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


def mismatched(difference: object, tolerance: float) -> bool:
    """Whether a difference of amounts (万元) is one: beyond the department's tolerance."""
    return not pd.isna(difference) and abs(float(difference)) > tolerance


def criterion_losses(department: DepartmentBundle) -> pd.DataFrame:
    """Points each unit lost per review criterion (weight − points earned): units × criteria."""
    rows = {unit.unit_name if _unique_names(department) else f"{unit.unit_name} {unit.unit_id}":
            {item["label"]: round(item["weight"] - item["score"], 2) for item in unit.grade["breakdown"]}
            for unit in department.units}
    return pd.DataFrame.from_dict(rows, orient="index")


def _unique_names(department: DepartmentBundle) -> bool:
    names = [unit.unit_name for unit in department.units]
    return len(set(names)) == len(names)
