"""The unit grade: a score 0–100 and 优/良/中/差, with its breakdown by review criterion.

Formula (weights, points and bands are ``[audit.grade]`` configuration)::

    penalty_c = Σ points[severity(f)] over the unit's findings f of criterion c  /  max(1, projects)
    score_c   = weight_c × max(0, 1 − penalty_c / zero_at)
    score     = Σ_c score_c          (the four weights sum to 100)
    grade     = 优 if score ≥ excellent, 良 if ≥ good, 中 if ≥ fair, else 差

The criteria are 完整性, 相关性, 适当性 and 可行性 (财预〔2015〕88号); X01 (confidential project) is
context and costs nothing. Dividing by the number of projects grades a unit by how dense its
problems are, not by how many projects it has. Properties (tested): a unit without findings
scores 100; adding a finding never raises a score; an error never costs less than a warning,
nor a warning less than an info.
"""

from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

from ..errors import ConfigError
from .registry import CRITERIA, SEVERITIES

GRADES = (("excellent", "优"), ("good", "良"), ("fair", "中"))
FAILING = "差"
_WEIGHT_TOTAL = 100.0


def check_grade_config(config: Mapping) -> None:
    """ConfigError unless the weights sum to 100, points are ordered and bands descend."""
    weights, points, bands = config["weights"], config["points"], config["bands"]
    if any(w < 0 for w in weights.values()) or abs(sum(weights.values()) - _WEIGHT_TOTAL) > 1e-6:
        raise ConfigError(f"[audit.grade.weights] must be ≥ 0 and sum to 100 (they sum to {sum(weights.values()):g})")
    if not points["error"] >= points["warning"] >= points["info"] >= 0:
        raise ConfigError("[audit.grade.points] must satisfy error ≥ warning ≥ info ≥ 0")
    if not 100 >= bands["excellent"] >= bands["good"] >= bands["fair"] >= 0:
        raise ConfigError("[audit.grade.bands] must satisfy 100 ≥ excellent ≥ good ≥ fair ≥ 0")
    if config["zero_at"] <= 0:
        raise ConfigError("[audit.grade] zero_at must be > 0")


def letter(score: float, bands: Mapping) -> str:
    for key, label in GRADES:
        if score >= bands[key]:
            return label
    return FAILING


def grade_unit(severities_by_criterion: Mapping[str, list[str]], projects: int, config: Mapping) -> dict[str, Any]:
    """Score and breakdown of one unit from the severities of its findings, per criterion (Chinese label)."""
    weights, points, zero_at = config["weights"], config["points"], config["zero_at"]
    breakdown = []
    for key, label in CRITERIA.items():
        severities = severities_by_criterion.get(label, [])
        penalty = sum(points[s] for s in severities) / max(1, projects)
        score = weights[key] * max(0.0, 1.0 - penalty / zero_at)
        breakdown.append(
            {
                "criterion": key,
                "label": label,
                "weight": weights[key],
                "findings": len(severities),
                **{s: severities.count(s) for s in SEVERITIES},
                "penalty": round(penalty, 4),
                "score": round(score, 2),
            }
        )
    total = round(sum(item["score"] for item in breakdown), 2)
    return {"score": total, "grade": letter(total, config["bands"]), "breakdown": breakdown}


def grade_records(findings: pd.DataFrame, units: pd.DataFrame, projects: pd.DataFrame, config: Mapping) -> dict[str, dict]:
    """Per unit (in order): name, projects, counts by severity, score, grade and breakdown."""
    check_grade_config(config)
    records = {}
    for unit_id, unit_name in zip(units["unit_id"], units["unit_name"]):
        own = findings[findings["unit_id"] == unit_id]
        n_projects = int((projects["unit_id"] == unit_id).sum())
        by_criterion = {label: list(group["severity"]) for label, group in own.groupby("criterion")}
        records[unit_id] = {
            "unit_id": unit_id,
            "unit_name": unit_name,
            "projects": n_projects,
            "findings": len(own),
            **{s: int((own["severity"] == s).sum()) for s in SEVERITIES},
            **grade_unit(by_criterion, n_projects, config),
        }
    return records


GRADE_COLUMNS = ["unit_id", "unit_name", "projects", "findings", *SEVERITIES, "score", "grade", *CRITERIA]


def grades_table(records: Mapping[str, dict]) -> pd.DataFrame:
    """One row per unit: the record without its breakdown, and the points earned per criterion."""
    rows = [
        {**{k: v for k, v in record.items() if k != "breakdown"}, **{item["criterion"]: item["score"] for item in record["breakdown"]}}
        for record in records.values()
    ]
    return pd.DataFrame(rows, columns=GRADE_COLUMNS)


def formula_zh(config: Mapping) -> str:
    """The formula with the configured numbers, in Chinese, for reports."""
    w, p, b = config["weights"], config["points"], config["bands"]
    weights = "、".join(f"{label} {w[key]:g}" for key, label in CRITERIA.items())
    return (
        f"按四项审核要点分别计分（权重：{weights}，合计 100）。每条发现按严重程度扣分"
        f"（错误 {p['error']:g}、警告 {p['warning']:g}、提示 {p['info']:g} 分），"
        f"各要点扣分合计除以项目数得到平均扣分；平均扣分达到 {config['zero_at']:g} 分时该要点得 0 分，"
        f"其间按比例计分。总分为四项之和：≥{b['excellent']:g} 为优，≥{b['good']:g} 为良，"
        f"≥{b['fair']:g} 为中，其余为差。保密项目提示（X01）不扣分。评级是对审核人员的建议，以审核人员的判断为准。"
    )
