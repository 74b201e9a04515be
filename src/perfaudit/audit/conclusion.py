"""The review result (审核结果) of each project and of the unit, with its consequence and why.

The result is the grade (``grade.py``: 优/良/中/差), and its consequence is that of 财预〔2015〕88号
第二十五条, worded as ``[audit.conclusion.wording]`` (in full) and ``[audit.conclusion.label]`` (in
tables) say. The unit's result follows from its projects' and its own unit-level findings, and its
reason says so in one sentence: a one-project unit has its project's result unless a unit-level
finding lowers it, and then names that finding. Pure functions of the grade records and the
findings. The reviewer decides: this is the machine's suggestion.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Mapping

import pandas as pd

from ..model import rows_of_each
from ..terms import ACTIONS  # noqa: F401  (re-exported: the results, best first: 优, 良, 中, 差)
from .grade import LETTERS
from .registry import REGISTRY, catalogue


@dataclass(frozen=True)
class Conclusion:
    action: str  # the result: 优, 良, 中 or 差
    label: str  # its short form for tables (优（直接进入预算安排流程） …)
    consequence: str  # what 88号 attaches to it, as configured (直接进入下一步预算安排流程 …)
    reason: str  # why, in Chinese: one sentence


def result(grade: str, reason: str, config: Mapping) -> Conclusion:
    check_conclusion_config(config)
    return Conclusion(grade, config["label"][grade], config["wording"][grade], reason)


def project_conclusion(record: Mapping[str, Any], config: Mapping) -> Conclusion:
    """A project's result from its grade record (``grade.grade_project``)."""
    reason = f"项目得分 {record['score']:.2f}。" + (record["cap"]["reason_zh"] if record.get("cap") else "")
    return result(record["grade"], reason, config)


def _tally(grades: list[str]) -> str:
    """审核结果为“优”的 1 个、“中”的 2 个."""
    return "审核结果为" + "、".join(f"“{g}”的 {grades.count(g)} 个" for g in LETTERS if g in grades)


def unit_conclusion(record: Mapping[str, Any], names: Mapping[str, str], config: Mapping) -> Conclusion:
    """The unit's result from its grade record (``grade.grade_projects``, with ``project_grades``)
    and the names of its projects, in one sentence: its projects' results, and the unit-level
    findings where they change its score or lower its result."""
    grade, projects, score = record["grade"], record["project_grades"], record["score"]
    lowered = (f"，计入单位整体问题（{'、'.join(record['lowered_by'])}）后为 {score:.2f} 分，单位审核结果由“{record['projects_grade']}”降为“{grade}”"
               if record["lowered_by"] else "")
    if not projects:
        reason = f"单位没有项目，按单位整体的发现得 {score:.2f} 分，审核结果为“{grade}”。"
    elif len(projects) == 1:
        (project_id, only), = projects.items()
        reason = f"单位唯一的项目“{names.get(project_id, project_id)}”审核结果为“{only['grade']}”" + (lowered or "，单位审核结果与之相同") + "。"
    else:
        reason = f"{len(projects)} 个项目中{_tally([p['grade'] for p in projects.values()])}，按预算加权得 {record['projects_score']:.2f} 分"
        if not lowered:
            own = f"，计入单位整体问题后为 {score:.2f} 分" if abs(score - record["projects_score"]) >= 0.005 else ""
            capped = f"（各项目的审核结果最高为“{grade}”）" if record["bounded_by_best"] else ""
            reason += f"{own}，单位审核结果为“{grade}”{capped}"
        reason += lowered + "。"
    return result(grade, reason, config)


def department_conclusion(record: Mapping[str, Any], grades: Mapping[str, Mapping[str, Any]], config: Mapping) -> Conclusion:
    """A department's result from its grade (``department.department_grade``) and its units' grades."""
    letters = [g["grade"] for g in grades.values()]
    reason = f"{len(grades)} 个单位中{_tally(letters)}，按预算加权得 {record['score']:.2f} 分，部门审核结果为“{record['grade']}”。"
    return result(record["grade"], reason, config)


def check_conclusion_config(config: Mapping) -> None:
    """Refuse a configuration whose wording or labels miss a result or whose share is out of range."""
    for key in ("wording", "label"):
        missing = [grade for grade in LETTERS if not str(config[key].get(grade, "")).strip()]
        if missing:
            raise ValueError(f"[audit.conclusion.{key}] needs a text for {', '.join(missing)}")
    if not 0.0 <= float(config["common_share"]) <= 1.0:
        raise ValueError("[audit.conclusion] common_share must be between 0 and 1")


def conclude(records: dict[str, dict], findings: pd.DataFrame, projects: pd.DataFrame, config: Mapping) -> None:
    """Add to each unit's grade record its ``conclusion``, its projects' (``project_conclusions``,
    by project id, in the unit's order) and its ``common_problems``."""
    names = dict(zip(projects["project_id"], projects["project_name"]))
    for (unit_id, record), own in zip(records.items(), rows_of_each(findings, "unit_id", records)):
        record["conclusion"] = asdict(unit_conclusion(record, names, config))
        record["project_conclusions"] = {
            project_id: asdict(project_conclusion(grade, config)) for project_id, grade in record["project_grades"].items()
        }
        record["common_problems"] = common_problem_records(own, list(record["project_grades"]), config)


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
