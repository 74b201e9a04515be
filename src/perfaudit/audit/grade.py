"""The unit grade: a score 0–100 and 优/良/中/差, its breakdown by review criterion, and the
deductions that explain it.

Formula (weights, points, caps and bands are ``[audit.grade]`` configuration)::

    points(f)  = rule_points[rule(f)] if configured, else points[severity(f)]
    penalty_c  = ( Σ points(f) over the non-info findings f of criterion c
                 + min(Σ points(f) over its info findings, info_cap × P) ) / P     P = max(1, projects)
    score_c    = weight_c × max(0, 1 − penalty_c / zero_at)
    score      = Σ_c score_c          (the four weights sum to 100)
    grade      = 优 if score ≥ excellent, 良 if ≥ good, 中 if ≥ fair, else 差,
                 and no better than ``unmeasurable_benefit_grade`` when more than
                 ``unmeasurable_benefit_share`` of the unit's benefit (效益) indicators have no figure

Penalties scale with what is missing relative to what is required: a project without output or
benefit indicators (S01, S02) costs ``rule_points`` — by default ``zero_at``, the project's whole
share of 完整性 — however many indicators it has, so a sparse table cannot score above a full one
for lack of rows to go wrong. Info-level notes are capped per criterion. X01 (confidential
project) is context and costs nothing. Properties (tested): a unit without findings scores 100;
adding a finding never raises a score; an error never costs less than a warning, nor a warning
less than an info (for rules without an override).
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

import pandas as pd

from ..errors import ConfigError
from .registry import CRITERIA, SEVERITIES, rule_named

GRADES = (("excellent", "优"), ("good", "良"), ("fair", "中"))
FAILING = "差"
LETTERS = (*(label for _, label in GRADES), FAILING)  # best first
_WEIGHT_TOTAL = 100.0


def check_grade_config(config: Mapping) -> None:
    """ConfigError unless the weights sum to 100, points are ordered, bands descend and caps are sane."""
    weights, points, bands = config["weights"], config["points"], config["bands"]
    if any(w < 0 for w in weights.values()) or abs(sum(weights.values()) - _WEIGHT_TOTAL) > 1e-6:
        raise ConfigError(f"[audit.grade.weights] must be ≥ 0 and sum to 100 (they sum to {sum(weights.values()):g})")
    if not points["error"] >= points["warning"] >= points["info"] >= 0:
        raise ConfigError("[audit.grade.points] must satisfy error ≥ warning ≥ info ≥ 0")
    if any(p < 0 for p in config["rule_points"].values()):
        raise ConfigError("[audit.grade.rule_points] must be ≥ 0")
    if not 100 >= bands["excellent"] >= bands["good"] >= bands["fair"] >= 0:
        raise ConfigError("[audit.grade.bands] must satisfy 100 ≥ excellent ≥ good ≥ fair ≥ 0")
    if config["zero_at"] <= 0:
        raise ConfigError("[audit.grade] zero_at must be > 0")
    if config["info_cap"] < 0 or not 0 <= config["unmeasurable_benefit_share"] <= 1:
        raise ConfigError("[audit.grade] info_cap must be ≥ 0 and unmeasurable_benefit_share in [0, 1]")
    if config["unmeasurable_benefit_grade"] not in LETTERS:
        raise ConfigError(f"[audit.grade] unmeasurable_benefit_grade must be one of {'/'.join(LETTERS)}")


def letter(score: float, bands: Mapping) -> str:
    for key, label in GRADES:
        if score >= bands[key]:
            return label
    return FAILING


def _rule_label(rule_id: str) -> str:
    rule = rule_named(rule_id)
    return f"{rule_id} {rule.name_zh}" if rule else rule_id


def grade_unit(
    findings: Iterable[tuple[str, str, str]], projects: int, config: Mapping, unmeasurable: tuple[int, int] = (0, 0)
) -> dict[str, Any]:
    """Score, breakdown and deductions of one unit from its findings as (criterion label, severity,
    rule id), its number of projects and (benefit indicators without a figure, benefit indicators)."""
    weights, zero_at = config["weights"], config["zero_at"]
    scale = max(1, projects)
    items = list(findings)
    breakdown, lost_by_rule = [], {}
    for key, label in CRITERIA.items():
        own = [(severity, rule_id) for criterion, severity, rule_id in items if criterion == label]
        points = [(severity, rule_id, config["rule_points"].get(rule_id, config["points"][severity])) for severity, rule_id in own]
        info = sum(p for s, _, p in points if s == "info")
        info_counted = min(info, config["info_cap"] * scale)
        info_factor = info_counted / info if info else 0.0
        effective = [(rule_id, p * info_factor if s == "info" else p) for s, rule_id, p in points]
        total = sum(p for _, p in effective)
        penalty = total / scale
        score = weights[key] * max(0.0, 1.0 - penalty / zero_at)
        for rule_id, p in effective:  # the criterion's loss shared out in proportion to the points
            if total:
                lost_by_rule[rule_id] = lost_by_rule.get(rule_id, 0.0) + (weights[key] - score) * p / total
        severities = [s for s, _ in own]
        breakdown.append(
            {
                "criterion": key,
                "label": label,
                "weight": weights[key],
                "findings": len(own),
                **{s: severities.count(s) for s in SEVERITIES},
                "penalty": round(penalty, 4),
                "score": round(score, 2),
            }
        )
    total_score = round(sum(item["score"] for item in breakdown), 2)
    grade, cap = letter(total_score, config["bands"]), None
    without_figure, benefits = unmeasurable
    if benefits and without_figure / benefits > config["unmeasurable_benefit_share"]:
        ceiling = config["unmeasurable_benefit_grade"]
        cap = {
            "grade": ceiling,
            "reason_zh": f"{benefits} 项效益指标中有 {without_figure} 项没有可衡量的数值（超过 "
            f"{config['unmeasurable_benefit_share']:.0%}），评级最高为“{ceiling}”。",
        }
        grade = max(grade, ceiling, key=LETTERS.index)
    counts = {rule_id: sum(1 for *_, r in items if r == rule_id) for rule_id in lost_by_rule}
    deductions = sorted(
        ({"rule_id": r, "label": _rule_label(r), "findings": counts[r], "points": round(lost, 2)} for r, lost in lost_by_rule.items() if lost > 0),
        key=lambda d: (-d["points"], d["rule_id"]),
    )
    return {"score": total_score, "grade": grade, "cap": cap, "breakdown": breakdown, "deductions": deductions}


def project_points(findings: pd.DataFrame, config: Mapping) -> pd.DataFrame:
    """The points each project's findings cost, per review criterion (columns: Chinese labels),
    as the formula counts them before averaging over projects: ``points(f)`` per finding, info
    points capped at ``info_cap`` per project; findings of the unit as a whole and context (X01)
    are left out. Indexed by project id (projects without findings are absent)."""
    own = findings[findings["project_id"].notna() & findings["criterion"].isin(list(CRITERIA.values()))]
    points = [config["rule_points"].get(rule_id, config["points"][severity])
              for rule_id, severity in zip(own["rule_id"], own["severity"])]
    frame = own.assign(points=points, info=own["severity"] == "info")
    summed = frame.groupby(["project_id", "criterion", "info"])["points"].sum().reset_index()
    summed.loc[summed["info"], "points"] = summed.loc[summed["info"], "points"].clip(upper=config["info_cap"])
    table = summed.pivot_table(index="project_id", columns="criterion", values="points", aggfunc="sum", fill_value=0.0)
    return table.reindex(columns=list(CRITERIA.values()), fill_value=0.0)


def unmeasurable_benefit_shares(indicators: Iterable[Mapping]) -> dict[str, tuple[int, int]]:
    """Per unit: (benefit indicators whose target has no figure, benefit indicators)."""
    shares: dict[str, tuple[int, int]] = {}
    for row in indicators:
        if row["is_benefit"] and not row["name_satisfaction"]:
            without, total = shares.get(row["unit_id"], (0, 0))
            shares[row["unit_id"]] = (without + (not row["value_measurable"]), total + 1)
    return shares


def grade_records(
    findings: pd.DataFrame,
    units: pd.DataFrame,
    projects: pd.DataFrame,
    config: Mapping,
    unmeasurable: Mapping[str, tuple[int, int]] | None = None,
) -> dict[str, dict]:
    """Per unit (in order): name, projects, counts by severity, score, grade, breakdown, deductions."""
    check_grade_config(config)
    unmeasurable = unmeasurable or {}
    records = {}
    for unit_id, unit_name in zip(units["unit_id"], units["unit_name"]):
        own = findings[findings["unit_id"] == unit_id]
        n_projects = int((projects["unit_id"] == unit_id).sum())
        items = list(zip(own["criterion"], own["severity"], own["rule_id"]))
        records[unit_id] = {
            "unit_id": unit_id,
            "unit_name": unit_name,
            "projects": n_projects,
            "findings": len(own),
            **{s: int((own["severity"] == s).sum()) for s in SEVERITIES},
            **grade_unit(items, n_projects, config, unmeasurable.get(unit_id, (0, 0))),
        }
    return records


GRADE_COLUMNS = ["unit_id", "unit_name", "projects", "findings", *SEVERITIES, "score", "grade", *CRITERIA]


def grades_table(records: Mapping[str, dict]) -> pd.DataFrame:
    """One row per unit: the record without its breakdown, and the points earned per criterion."""
    rows = [
        {
            **{k: v for k, v in record.items() if k in GRADE_COLUMNS},
            **{item["criterion"]: item["score"] for item in record["breakdown"]},
        }
        for record in records.values()
    ]
    return pd.DataFrame(rows, columns=GRADE_COLUMNS)


def formula_zh(config: Mapping) -> str:
    """The formula with the configured numbers, in Chinese, for reports."""
    w, p, b = config["weights"], config["points"], config["bands"]
    weights = "、".join(f"{label} {w[key]:g}" for key, label in CRITERIA.items())
    overrides = "、".join(f"{_rule_label(r)} {v:g} 分" for r, v in config["rule_points"].items())
    return (
        f"按四项审核要点分别计分（权重：{weights}，合计 100）。每条发现按严重程度扣分"
        f"（错误 {p['error']:g}、警告 {p['warning']:g}、提示 {p['info']:g} 分"
        + (f"；{overrides}，不论该项目有多少项指标" if overrides else "")
        + f"），提示类扣分每个要点最多计每项目 {config['info_cap']:g} 分；"
        f"各要点扣分合计除以项目数得到平均扣分；平均扣分达到 {config['zero_at']:g} 分时该要点得 0 分，"
        f"其间按比例计分。总分为四项之和：≥{b['excellent']:g} 为优，≥{b['good']:g} 为良，"
        f"≥{b['fair']:g} 为中，其余为差。效益指标中没有可衡量数值的超过 {config['unmeasurable_benefit_share']:.0%} 时，"
        f"评级最高为“{config['unmeasurable_benefit_grade']}”。保密项目提示（X01）不扣分。"
        "评级是对审核人员的建议，以审核人员的判断为准。"
    )
