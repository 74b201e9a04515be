"""The department (部门) roll-up: its grade, suggested conclusion and common problems, from its units'.

Points, not letters: the department's score is the budget-weighted mean of its units' scores,
criterion by criterion, and its letter comes from that score with the unit bands::

    w_u      = budget_u / Σ_v budget_v     over the units v with a budget > 0 (budget: the sum of
                                           the unit's project budgets, 万元); equal weights when no
                                           unit has one. A unit without a budget weighs 0 (named in the report)
    score_c  = Σ_u w_u × score_c,u         per review criterion (the points the unit earned on it)
    score    = Σ_c score_c                 (= Σ_u w_u × score_u)
    grade    = 优/良/中/差 of score         ([audit.grade.bands]), and no better than the best
                                           letter of its units: a unit's letter can be capped
                                           below its score's band, and a department of such
                                           units must not read better than every one of them
    lost_r   = Σ_u w_u × points the unit lost to rule r      (the department's largest deductions)

so a 15 万元 unit graded 优 does not lift a 1,500 万元 unit graded 差. The department's review
result is its grade with 88号's consequence (``conclusion.department_conclusion``); a rule that hits more than ``common_share`` of its units (at least
two) is a common problem, stated once with the units (``conclusion.common_problems``).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Mapping

import pandas as pd

from .conclusion import common_problem_records, department_conclusion
from .grade import LETTERS, budget_weights, letter
from .registry import SEVERITIES


def department_grade(grades: Mapping[str, Mapping[str, Any]], budgets: Mapping[str, float | None],
                     bands: Mapping[str, float]) -> dict[str, Any]:
    """The department's score, grade, breakdown by criterion and deductions from its units'
    grade records (``grade.grade_unit`` shape, by unit id, in the department's order)."""
    weights = budget_weights(budgets)
    breakdown = []
    for index, first in enumerate(next(iter(grades.values()))["breakdown"]):
        items = [(weights[unit_id], record["breakdown"][index]) for unit_id, record in grades.items()]
        breakdown.append({
            "criterion": first["criterion"],
            "label": first["label"],
            "weight": first["weight"],
            "findings": sum(item["findings"] for _, item in items),
            **{s: sum(item[s] for _, item in items) for s in SEVERITIES},
            "penalty": round(sum(w * item["penalty"] for w, item in items), 4),
            "score": round(sum(w * item["score"] for w, item in items), 2),
        })
    lost: dict[str, dict[str, Any]] = {}
    for unit_id, record in grades.items():
        for deduction in record["deductions"]:
            entry = lost.setdefault(deduction["rule_id"], {**deduction, "findings": 0, "points": 0.0})
            entry["findings"] += deduction["findings"]
            entry["points"] += weights[unit_id] * deduction["points"]
    deductions = sorted(({**d, "points": round(d["points"], 2)} for d in lost.values() if d["points"] > 0),
                        key=lambda d: (-d["points"], d["rule_id"]))
    score = round(sum(w * record["score"] for w, record in zip(weights.values(), grades.values())), 2)
    grade, cap = letter(score, bands), None
    best = min((record["grade"] for record in grades.values()), key=LETTERS.index)
    if LETTERS.index(grade) < LETTERS.index(best):
        grade, cap = best, {"grade": best, "reason_zh": f"所属单位的评级最高为“{best}”，部门评级不高于此。"}
    return {
        "score": score,
        "grade": grade,
        "cap": cap,
        "breakdown": breakdown,
        "deductions": deductions,
        "weights": {unit_id: round(w, 6) for unit_id, w in weights.items()},
        "unweighted": [unit_id for unit_id, w in weights.items() if w == 0.0],
    }


def roll_up(grades: Mapping[str, Mapping[str, Any]], budgets: Mapping[str, float | None], findings: pd.DataFrame,
            projects: int, config: Mapping[str, Any]) -> dict[str, Any]:
    """The department record: ``department_grade`` plus counts, the suggested ``conclusion``
    and the ``common_problems`` across units. ``config`` is the ``[audit]`` section; ``findings``
    are all the units' findings (with ``rule_rank``)."""
    record = department_grade(grades, budgets, config["grade"]["bands"])
    ordered = findings.sort_values(["rule_rank", "unit_id"], kind="stable") if "rule_rank" in findings else findings
    record.update({
        "units": len(grades),
        "projects": projects,
        "findings": len(findings),
        **{s: int((findings["severity"] == s).sum()) for s in SEVERITIES},
    })
    record["conclusion"] = asdict(department_conclusion(record, grades, config["conclusion"]))
    record["common_problems"] = common_problem_records(ordered, list(grades), config["conclusion"], by="unit_id")
    return record


def formula_zh(unit_formula: str) -> str:
    """How the department grade is computed, in Chinese, followed by the unit formula."""
    return (
        "部门得分为所属各单位得分按预算加权的平均值（逐个审核要点加权，权重 = 单位预算数 ÷ 各单位预算数之和；"
        "没有预算数的单位权重为 0，各单位均无预算数时等权），按单位评级的分数段确定等级；"
        "部门审核结果即部门等级，其处理按财预〔2015〕88号第二十五条。单位计分方法：" + unit_formula
    )


def department_members(units: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Department id -> its name and its units' ids; a unit without a stated department names its
    department after itself."""
    departments: dict[str, dict[str, Any]] = {}
    for row in units.sort_values(["department_id", "unit_id"]).itertuples(index=False):
        name = row.department if isinstance(row.department, str) and row.department.strip() else row.unit_name
        entry = departments.setdefault(row.department_id, {"department_name": name, "unit_ids": []})
        entry["unit_ids"].append(row.unit_id)
    return departments

