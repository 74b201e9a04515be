"""Grades: a score 0–100 and 优/良/中/差 for each project (its review result, 财预〔2015〕88号
第二十五条) and for the unit, derived from its projects and its own unit-level findings; the
breakdown by review criterion, and the deductions that explain it.

Formula (weights, points, caps, bands and ceilings are ``[audit.grade]`` configuration)::

    points(f)    = rule_points[rule(f)] if configured, else points[severity(f)]
    penalty_c(m) = ( Σ points(f) over the non-info findings f of member m and criterion c
                   + min(Σ points(f) over its info findings, info_cap) )
                   — a member is one project (its own findings), or the unit's findings that belong to no project
    score_c(p)   = weight_c × max(0, 1 − penalty_c(p) / zero_at)                   a project's own score
    grade(p)     = 优 if score(p) ≥ excellent, 良 if ≥ good, 中 if ≥ fair, else 差, and no better than
                   error_ceiling when it has an error, rule_ceilings[r] for an error of rule r, and
                   unmeasurable_benefit_grade when more than unmeasurable_benefit_share of its benefit
                   (效益) indicators have no figure
    w_p          = budget_p / Σ budgets (equal weights when no project states one)
    score_c      = Σ_p w_p × weight_c × max(0, 1 − (penalty_c(p) + penalty_c(unit) / P) / zero_at)
    grade        = band of Σ_p w_p × score(p), no better than its best project's grade, and lowered to
                   the band of score (Σ_c score_c) and the ceilings of its unit-level errors when those
                   findings cost that much

so a one-project unit without unit-level findings has exactly its project's score and grade. A
project without output or benefit indicators (S01, S02) costs ``rule_points`` — by default
``zero_at``, its whole 完整性 — however many indicators it has, so a sparse table cannot score above
a full one for lack of rows to go wrong. Info-level notes are capped per member and criterion.
X01 (confidential project) is context and costs nothing. Properties (tested): no findings score
100; adding a finding never raises a score; an error never costs less than a warning, nor a
warning less than an info (for rules without an override).
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterable, Mapping

import pandas as pd

from ..errors import ConfigError
from ..model import rows_of_each
from ..terms import ACTIONS
from .registry import CRITERIA, SEVERITIES, rule_named

LETTERS = ACTIONS  # best first: 优, 良, 中, 差
GRADES = tuple(zip(("excellent", "good", "fair"), LETTERS[:3]))  # the bands' keys in [audit.grade.bands]
FAILING = LETTERS[3]
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
    ceilings = [config["unmeasurable_benefit_grade"], config["error_ceiling"], *config["rule_ceilings"].values()]
    if any(ceiling not in LETTERS for ceiling in ceilings):
        raise ConfigError(
            "[audit.grade] unmeasurable_benefit_grade, error_ceiling and rule_ceilings must be one of " + "/".join(LETTERS)
        )


def letter(score: float, bands: Mapping) -> str:
    for key, label in GRADES:
        if score >= bands[key]:
            return label
    return FAILING


def _rule_label(rule_id: str) -> str:
    rule = rule_named(rule_id)
    return f"{rule_id} {rule.name_zh}" if rule else rule_id


def worse(*grades: str) -> str:
    """The worst of some letters (优 best, 差 worst)."""
    return max(grades, key=LETTERS.index)


def _effective_points(items: list[tuple[str, str, str]], config: Mapping, members: int) -> dict[str, list[tuple[str, float]]]:
    """Per criterion label: (rule id, points) of each finding, info points scaled down to at most
    ``info_cap`` × ``members`` in all."""
    effective = {}
    for label in CRITERIA.values():
        points = [(severity, rule_id, config["rule_points"].get(rule_id, config["points"][severity]))
                  for criterion, severity, rule_id in items if criterion == label]
        info = sum(p for s, _, p in points if s == "info")
        factor = min(info, config["info_cap"] * members) / info if info else 0.0
        effective[label] = [(rule_id, p * factor if s == "info" else p) for s, rule_id, p in points]
    return effective


def _breakdown_item(key: str, label: str, items: list, weight: float, penalty: float, score: float) -> dict[str, Any]:
    severities = [severity for criterion, severity, _ in items if criterion == label]
    return {"criterion": key, "label": label, "weight": weight, "findings": len(severities),
            **{s: severities.count(s) for s in SEVERITIES}, "penalty": round(penalty, 4), "score": round(score, 2)}


def _deductions(lost_by_rule: Mapping[str, float], items: list) -> list[dict[str, Any]]:
    counts = {rule_id: sum(1 for *_, r in items if r == rule_id) for rule_id in lost_by_rule}
    return sorted(
        ({"rule_id": r, "label": _rule_label(r), "findings": counts[r], "points": round(lost, 2)} for r, lost in lost_by_rule.items() if lost > 0),
        key=lambda d: (-d["points"], d["rule_id"]),
    )


def grade_unit(
    findings: Iterable[tuple[str, str, str]], projects: int, config: Mapping, unmeasurable: tuple[int, int] = (0, 0)
) -> dict[str, Any]:
    """Score, breakdown and deductions of findings as (criterion label, severity, rule id) spread
    evenly over ``projects`` projects, with (benefit indicators without a figure, benefit indicators):
    the scoring core of ``grade_project`` (``projects`` = 1). A unit's grade is not this average of
    its findings but ``grade_projects``, derived from its projects' grades and budgets."""
    weights, zero_at = config["weights"], config["zero_at"]
    scale = max(1, projects)
    items = list(findings)
    breakdown, lost_by_rule = [], {}
    for (key, label), effective in zip(CRITERIA.items(), _effective_points(items, config, scale).values()):
        total = sum(p for _, p in effective)
        penalty = total / scale
        score = weights[key] * max(0.0, 1.0 - penalty / zero_at)
        for rule_id, p in effective:  # the criterion's loss shared out in proportion to the points
            if total:
                lost_by_rule[rule_id] = lost_by_rule.get(rule_id, 0.0) + (weights[key] - score) * p / total
        breakdown.append(_breakdown_item(key, label, items, weights[key], penalty, score))
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
        grade = worse(grade, ceiling)
    return {"score": total_score, "grade": grade, "cap": cap, "breakdown": breakdown, "deductions": _deductions(lost_by_rule, items)}


def error_ceiling(findings: Iterable[tuple[str, str, str]], config: Mapping) -> dict[str, str] | None:
    """The best grade findings with errors allow (``error_ceiling``, ``rule_ceilings``) and why, or None."""
    errors = sorted({rule_id for _, severity, rule_id in findings if severity == "error"})
    if not errors:
        return None
    ruled = [(config["rule_ceilings"][r], r) for r in errors if r in config["rule_ceilings"]]
    ceiling = worse(config["error_ceiling"], *(grade for grade, _ in ruled))
    named = [r for grade, r in ruled if grade == ceiling] or errors
    return {"grade": ceiling, "reason_zh": "有错误（" + "、".join(_rule_label(r) for r in named) + f"），最高为“{ceiling}”。"}


def grade_project(findings: Iterable[tuple[str, str, str]], config: Mapping, unmeasurable: tuple[int, int] = (0, 0)) -> dict[str, Any]:
    """One project's review result from its own findings: its score, and the grade of its band no
    better than the ceilings its errors and its unmeasurable benefit indicators set."""
    items = list(findings)
    record = grade_unit(items, 1, config, unmeasurable)
    caps = [cap for cap in (record["cap"], error_ceiling(items, config)) if cap]
    binding = [cap for cap in caps if LETTERS.index(cap["grade"]) > LETTERS.index(letter(record["score"], config["bands"]))]
    if binding:
        record["grade"] = worse(*(cap["grade"] for cap in binding))
        record["cap"] = {"grade": record["grade"], "reason_zh": "".join(cap["reason_zh"] for cap in binding)}
    else:
        record["cap"] = None
    return record


def budget_weights(budgets: Mapping[str, float | None]) -> dict[str, float]:
    """Each member's weight: its budget over the members' budgets; a member without a budget weighs
    0; equal weights when none states one. The weights sum to 1."""
    positive = {key: float(b) for key, b in budgets.items() if b is not None and not pd.isna(b) and b > 0}
    if not positive:
        return {key: 1.0 / len(budgets) for key in budgets} if budgets else {}
    total = sum(positive.values())
    return {key: positive.get(key, 0.0) / total for key in budgets}


def grade_projects(
    projects: Mapping[str, dict[str, Any]], unit_findings: Iterable[tuple[str, str, str]], config: Mapping,
) -> dict[str, Any]:
    """A unit's grade from its projects and its unit-level findings (see the module docstring).
    ``projects``: by project id, in order, each with ``findings`` (criterion label, severity, rule
    id), ``budget`` (万元 or None) and ``grade`` (its ``grade_project`` record)."""
    weights, zero_at, bands = config["weights"], config["zero_at"], config["bands"]
    own = list(unit_findings)
    shares = budget_weights({pid: p["budget"] for pid, p in projects.items()})
    members = max(1, len(projects))
    unit_points = _effective_points(own, config, 1)
    every = [item for p in projects.values() for item in p["findings"]] + own
    breakdown, lost_by_rule = [], {}
    for key, label in CRITERIA.items():
        unit_share = [(rule_id, p / members) for rule_id, p in unit_points[label]]
        parts = [(shares[pid], _effective_points(p["findings"], config, 1)[label]) for pid, p in projects.items()] or [(1.0, [])]
        score = penalty = 0.0
        for share, points in parts:
            combined = points + unit_share
            total = sum(p for _, p in combined)
            member_score = weights[key] * max(0.0, 1.0 - total / zero_at)
            score += share * member_score
            penalty += share * total
            for rule_id, p in combined:
                if total:
                    lost_by_rule[rule_id] = lost_by_rule.get(rule_id, 0.0) + share * (weights[key] - member_score) * p / total
        breakdown.append(_breakdown_item(key, label, every, weights[key], penalty, score))
    total_score = round(sum(item["score"] for item in breakdown), 2)
    record = {"score": total_score, "breakdown": breakdown, "deductions": _deductions(lost_by_rule, every),
              "weights": {pid: round(w, 6) for pid, w in shares.items()}}
    reasons = []
    if projects:
        projects_score = round(sum(shares[pid] * p["grade"]["score"] for pid, p in projects.items()), 2)
        best = min((p["grade"]["grade"] for p in projects.values()), key=LETTERS.index)
        projects_grade = worse(letter(projects_score, bands), best)
        bounded = projects_grade != letter(projects_score, bands)
        if bounded:
            reasons.append(f"各项目的审核结果最高为“{best}”，单位不高于此。")
    else:
        projects_score, projects_grade, bounded = None, letter(total_score, bands), False
    grade = worse(projects_grade, letter(total_score, bands))
    lowered_by = []  # unit-level rules that lowered the projects' grade
    if grade != projects_grade:
        lowered_by = [d["rule_id"] for d in _deductions(
            {r: lost for r, lost in lost_by_rule.items() if any(r == rule_id for *_, rule_id in own)}, own)]
    ceiling = error_ceiling(own, config)
    if ceiling and LETTERS.index(ceiling["grade"]) > LETTERS.index(grade):
        grade = ceiling["grade"]
        lowered_by = [*lowered_by, *sorted({r for _, s, r in own if s == "error"} - set(lowered_by))]
        reasons.append("单位整体" + ceiling["reason_zh"])
    record.update({
        "grade": grade,
        "cap": {"grade": grade, "reason_zh": "".join(reasons)} if reasons else None,
        "projects_score": projects_score,
        "projects_grade": projects_grade,
        "bounded_by_best": bounded,
        "lowered_by": [_rule_label(r) for r in lowered_by],
    })
    return record


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
    """Per project: (benefit indicators whose target has no figure, benefit indicators)."""
    shares: dict[str, tuple[int, int]] = {}
    for row in indicators:
        if row["is_benefit"] and not row["name_satisfaction"] and row["project_id"]:
            without, total = shares.get(row["project_id"], (0, 0))
            shares[row["project_id"]] = (without + (not row["value_measurable"]), total + 1)
    return shares


def _items(findings: pd.DataFrame) -> list[tuple[str, str, str]]:
    return list(zip(findings["criterion"], findings["severity"], findings["rule_id"]))


def grade_records(
    findings: pd.DataFrame,
    units: pd.DataFrame,
    projects: pd.DataFrame,
    config: Mapping,
    unmeasurable: Mapping[str, tuple[int, int]] | None = None,
) -> dict[str, dict]:
    """Per unit (in order): name, projects, counts by severity, score, grade, breakdown, deductions,
    and ``project_grades`` (by project id, in order: score, grade, cap, budget and weight).
    ``unmeasurable``: per project id, as ``unmeasurable_benefit_shares`` gives it."""
    check_grade_config(config)
    unmeasurable = unmeasurable or {}
    unit_ids = list(units["unit_id"])
    records = {}
    for unit_id, unit_name, own, members in zip(unit_ids, units["unit_name"], rows_of_each(findings, "unit_id", unit_ids),
                                                rows_of_each(projects, "unit_id", unit_ids)):
        members = members.sort_values("seq")
        items: dict[str | None, list[tuple[str, str, str]]] = {}  # by project id, None: the unit's own
        for project_id, item in zip(own["project_id"], _items(own)):
            items.setdefault(None if pd.isna(project_id) else project_id, []).append(item)
        graded = {}
        for project_id, budget in zip(members["project_id"], members["budget_total"]):
            graded[project_id] = {"findings": items.get(project_id, []), "budget": None if pd.isna(budget) else float(budget),
                                  "grade": grade_project(items.get(project_id, []), config, unmeasurable.get(project_id, (0, 0)))}
        unit = grade_projects(graded, items.get(None, []), config)
        weights = unit.pop("weights")
        severities = Counter(own["severity"])
        records[unit_id] = {
            "unit_id": unit_id,
            "unit_name": unit_name,
            "projects": len(members),
            "findings": len(own),
            **{s: severities[s] for s in SEVERITIES},
            **unit,
            "project_grades": {
                project_id: {**{k: p["grade"][k] for k in ("score", "grade", "cap")}, "budget": p["budget"], "weight": weights[project_id]}
                for project_id, p in graded.items()
            },
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
    ceilings = "、".join(f"{_rule_label(r)}为“{g}”" for r, g in config["rule_ceilings"].items())
    return (
        f"每个项目按四项审核要点分别计分（权重：{weights}，合计 100）。该项目的每条发现按严重程度扣分"
        f"（错误 {p['error']:g}、警告 {p['warning']:g}、提示 {p['info']:g} 分"
        + (f"；{overrides}，不论该项目有多少项指标" if overrides else "")
        + f"），提示类扣分每个要点最多计 {config['info_cap']:g} 分；扣分达到 {config['zero_at']:g} 分时该要点得 0 分，"
        f"其间按比例计分。项目得分为四项之和：≥{b['excellent']:g} 为优，≥{b['good']:g} 为良，"
        f"≥{b['fair']:g} 为中，其余为差；有错误的项目最高为“{config['error_ceiling']}”"
        + (f"（{ceilings}）" if ceilings else "")
        + f"，效益指标中没有可衡量数值的超过 {config['unmeasurable_benefit_share']:.0%} 时最高为“{config['unmeasurable_benefit_grade']}”。"
        "单位得分为各项目得分按预算加权的平均值（权重 = 项目预算数 ÷ 各项目预算数之和；均无预算数时等权），"
        "单位整体（不属于具体项目）的发现按项目数分摊后并入各项目扣分；单位等级为各项目加权得分所在的等级，"
        "不高于其最好项目的等级，单位整体问题使得分落入更低等级或有错误时相应降低。保密项目提示（X01）不扣分。"
        "评级是对审核人员的建议，以审核人员的判断为准。"
    )
