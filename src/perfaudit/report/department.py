"""What a department report shows, computed from its bundle (``bundle.DepartmentBundle``) in the
report kernel: the units table, the totals against the declared totals, the points lost per
criterion.

A department has up to a few dozen units, and several sections ask for these tables: they take
each unit's columns as lists and build one table per department, since a pandas filter, sort or
frame per unit (let alone per row) would cost more than the rest of the report."""

from __future__ import annotations

from collections import Counter
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
        severities = Counter(unit.findings["severity"].tolist())
        rows.append({
            "unit_id": unit.unit_id,
            "unit_name": unit.unit_name,
            "budget": unit_budget(unit),
            "projects": len(unit.dataset.projects),
            "indicators": len(unit.dataset.indicators),
            "grade": unit.grade["grade"],
            "score": unit.grade["score"],
            **{s: severities[s] for s in SEVERITIES},
            "conclusion": unit.grade["conclusion"]["label"],
            "weight": weights[unit.unit_id],
        })
    return rows


def department_projects(department: DepartmentBundle) -> pd.DataFrame:
    """Every unit's projects with their unit's name and their review result (``action``: 优 良 中 差,
    None where the bundle has none), in the units' and the projects' order."""
    columns: dict[str, list] = {"unit_id": [], "unit_name": [], "project_name": [], "budget": [], "action": []}
    for unit in department.units:
        results = unit.grade.get("project_conclusions", {})
        projects = unit.dataset.projects
        order = projects["seq"].argsort().tolist()  # the order of sort_values("seq")
        names = projects["project_name"].astype(str).tolist()
        budgets = projects["budget_total"].astype(float).tolist()
        ids = projects["project_id"].tolist()
        columns["unit_id"] += [unit.unit_id] * len(order)
        columns["unit_name"] += [unit.unit_name] * len(order)
        columns["project_name"] += [names[i] for i in order]
        columns["budget"] += [budgets[i] for i in order]
        columns["action"] += [(results.get(ids[i]) or {}).get("action") for i in order]
    return pd.DataFrame(columns)


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
        rows_stated = zip(declared["scope"].tolist(), declared["unit_id"].tolist(), declared["budget_total"].tolist())
        stated = next((total for scope, unit_id, total in rows_stated if _equals(scope, "unit") and _equals(unit_id, unit.unit_id)),
                      float("nan"))
        budget = unit_budget(unit)
        rows.append({"unit_id": unit.unit_id, "unit_name": unit.unit_name, "projects": budget, "declared": stated,
                     "diff": stated - budget if budget is not None else float("nan")})
    return pd.DataFrame(rows, columns=["unit_id", "unit_name", "projects", "declared", "diff"])


def mismatched(difference: object, tolerance: float) -> bool:
    """Whether a difference of amounts (万元) is one: beyond the department's tolerance."""
    return not pd.isna(difference) and abs(float(difference)) > tolerance


def criterion_losses(department: DepartmentBundle) -> pd.DataFrame:
    """Points each unit lost per review criterion (weight − points earned): units × criteria."""
    names = [unit.unit_name for unit in department.units]
    unique = len(set(names)) == len(names)
    rows = {unit.unit_name if unique else f"{unit.unit_name} {unit.unit_id}":
            {item["label"]: round(item["weight"] - item["score"], 2) for item in unit.grade["breakdown"]}
            for unit in department.units}
    return pd.DataFrame.from_dict(rows, orient="index")


def _equals(value: object, expected: str) -> bool:
    """``value == expected`` for a table's string cell, which may be NA (never equal)."""
    return isinstance(value, str) and value == expected
