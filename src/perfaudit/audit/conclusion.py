"""The suggested conclusion (审核结论): an action for a unit and for each of its projects.

Pure functions of the grade record and the findings; the thresholds and the wording are in
``[audit.conclusion]`` of the configuration. The reviewer decides: this is the machine's suggestion.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Mapping

import pandas as pd

from .registry import REGISTRY, catalogue

from ..terms import ACTIONS, PASS, RETURN, REVISE  # noqa: F401  (re-exported)


@dataclass(frozen=True)
class Conclusion:
    action: str  # PASS, REVISE or RETURN
    label: str  # the configured wording (通过 / 修改完善后通过 / 退回重报)
    reason: str  # why, in Chinese


def _errors(findings: pd.DataFrame) -> pd.DataFrame:
    return findings[findings["severity"] == "error"]


def unit_conclusion(grade: Mapping[str, Any], findings: pd.DataFrame, projects: int, config: Mapping) -> Conclusion:
    """The unit's suggested conclusion from its grade, its errors and how many projects have one."""
    check_conclusion_config(config)
    wording = config["wording"]
    errors = _errors(findings)
    with_error = errors["project_id"].dropna().nunique()
    share = with_error / projects if projects else 0.0
    if grade["grade"] in config["return_grades"]:
        return Conclusion(RETURN, wording[RETURN], f"评级为“{grade['grade']}”。")
    if share > config["return_error_share"]:
        return Conclusion(RETURN, wording[RETURN], f"{projects} 个项目中有 {with_error} 个存在错误（超过 {config['return_error_share']:.0%}）。")
    if grade["grade"] in config["pass_grades"] and len(errors) <= config["pass_max_errors"]:
        return Conclusion(PASS, wording[PASS], f"评级为“{grade['grade']}”，没有错误。" if errors.empty else f"评级为“{grade['grade']}”。")
    reason = f"评级为“{grade['grade']}”" + (f"，有 {len(errors)} 项错误（涉及 {with_error} 个项目）" if len(errors) else "")
    return Conclusion(REVISE, wording[REVISE], reason + "，修改完善后可通过。")


def project_conclusion(findings: pd.DataFrame, config: Mapping) -> Conclusion:
    """A project's suggested conclusion from its own findings."""
    wording = config["wording"]
    errors = _errors(findings)
    blocking = sorted(set(errors["rule_id"]) & set(config["return_rules"]))
    if blocking:
        return Conclusion(RETURN, wording[RETURN], "存在须重新编报的问题：" + "、".join(blocking) + "。")
    if len(errors) or (findings["severity"] == "warning").any():
        return Conclusion(REVISE, wording[REVISE], f"错误 {len(errors)} 项，警告 {(findings['severity'] == 'warning').sum()} 项。")
    return Conclusion(PASS, wording[PASS], "无错误和警告。")


def check_conclusion_config(config: Mapping) -> None:
    """Refuse a configuration whose wording misses an action or whose thresholds are out of range."""
    missing = [action for action in ACTIONS if not str(config["wording"].get(action, "")).strip()]
    if missing:
        raise ValueError(f"[audit.conclusion.wording] needs a text for {', '.join(missing)}")
    if not 0.0 <= float(config["return_error_share"]) <= 1.0:
        raise ValueError("[audit.conclusion] return_error_share must be between 0 and 1")


def conclude(records: dict[str, dict], findings: pd.DataFrame, projects: pd.DataFrame, config: Mapping) -> None:
    """Add to each unit's grade record its ``conclusion``, its projects' (``project_conclusions``,
    by project id, in the unit's order) and its ``common_problems``."""
    for unit_id, record in records.items():
        own = findings[findings["unit_id"] == unit_id]
        project_ids = list(projects.loc[projects["unit_id"] == unit_id, "project_id"])
        record["conclusion"] = asdict(unit_conclusion(record, own, record["projects"], config))
        record["project_conclusions"] = {
            project_id: asdict(project_conclusion(own[own["project_id"] == project_id], config)) for project_id in project_ids
        }
        record["common_problems"] = common_problem_records(own, project_ids, config)


def common_problem_records(findings: pd.DataFrame, members: list[str], config: Mapping, *, by: str = "project_id") -> list[dict]:
    """``common_problems`` as plain data for a bundle: rule id and Chinese name, its suggestion,
    the members it hits (under ``project_ids``, or ``unit_ids`` with by="unit_id") and its findings."""
    catalogue()  # the rule names: registered when the rules are imported (a department may be rolled up without an audit)
    return [
        {"rule_id": p.rule_id, "rule_name": REGISTRY[p.rule_id].name_zh, "suggestion": REGISTRY[p.rule_id].suggestion,
         f"{by}s": list(p.members), "finding_ids": list(p.finding_ids)}
        for p in common_problems(findings, members, config, by=by)
    ]


@dataclass(frozen=True)
class CommonProblem:
    rule_id: str
    members: tuple[str, ...]  # the projects it hits (units, with by="unit_id"), in their order
    finding_ids: tuple[str, ...]


def common_problems(findings: pd.DataFrame, members: list[str], config: Mapping, *, by: str = "project_id") -> list[CommonProblem]:
    """Rules that hit more than ``common_share`` of the members (at least two): each is stated
    once with the members it hits; in catalogue order of first appearance. The members are a
    unit's projects (ids), or with ``by="unit_id"`` a department's units."""
    problems = []
    on_members = findings[findings[by].notna()]
    for rule_id, group in on_members.groupby("rule_id", sort=False):
        hit = set(group[by])
        if len(hit) >= 2 and len(hit) > config["common_share"] * len(members):
            problems.append(CommonProblem(rule_id, tuple(m for m in members if m in hit), tuple(group["finding_id"])))
    return problems
