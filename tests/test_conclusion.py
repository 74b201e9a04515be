"""The review result (审核结果, 财预〔2015〕88号 第二十五条) of projects and units, the one sentence
that explains a unit's, and the common problems."""

from __future__ import annotations

import pandas as pd
import pytest

from perfaudit.audit.conclusion import check_conclusion_config, common_problems, project_conclusion, unit_conclusion
from perfaudit.audit.grade import grade_project, grade_projects
from perfaudit.settings import load_settings

AUDIT = load_settings().section("audit")
CONFIG, GRADE = AUDIT["conclusion"], AUDIT["grade"]


def findings(*rows: tuple[str, str, str | None]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"rule_id": r, "severity": s, "project_id": p, "finding_id": f"f{i}"} for i, (r, s, p) in enumerate(rows)],
        columns=["rule_id", "severity", "project_id", "finding_id"],
    )


def test_the_consequences_are_88号s():
    wording = CONFIG["wording"]
    assert wording["优"] == "直接进入下一步预算安排流程"
    assert wording["良"] == "可与相关部门或单位进行协商，直接对其绩效目标进行完善后，进入下一步预算安排流程"
    assert wording["中"] == "由相关部门或单位对其绩效目标进行修改完善，按程序重新报送审核"
    assert wording["差"] == "不得进入下一步预算安排流程"
    with pytest.raises(ValueError):
        check_conclusion_config({**CONFIG, "wording": {**wording, "差": ""}})


def test_a_project_result_follows_its_score_and_its_errors():
    clean = project_conclusion(grade_project([], GRADE), CONFIG)
    assert (clean.action, clean.consequence) == ("优", CONFIG["wording"]["优"])
    # one error (a plan short of 100%): a mendable defect, at best 良
    lenient = {**GRADE, "zero_at": 60.0}  # a local rule that deducts little: the error still caps the result
    plan = grade_project([("适当性", "error", "A05")], lenient)
    assert plan["score"] >= 90 and project_conclusion(plan, CONFIG).action == "良"
    assert "A05" in project_conclusion(plan, CONFIG).reason
    # no output indicators: rewritten and resubmitted (中)
    assert project_conclusion(grade_project([("完整性", "error", "S01")], GRADE), CONFIG).action == "中"
    # many problems: 差
    many = [("相关性", "error", "C07")] * 2 + [("完整性", "error", "S02"), ("可行性", "error", "Q07"), ("适当性", "error", "A05")] * 2
    assert project_conclusion(grade_project(many, GRADE), CONFIG).action == "差"


def _unit(projects: dict[str, tuple[list, float | None]], unit_findings: list = ()) -> dict:
    graded = {pid: {"findings": items, "budget": budget, "grade": grade_project(items, GRADE)} for pid, (items, budget) in projects.items()}
    record = grade_projects(graded, list(unit_findings), GRADE)
    record["project_grades"] = {pid: {**p["grade"], "budget": p["budget"]} for pid, p in graded.items()}
    return record


def test_a_one_project_unit_has_its_projects_result_unless_a_unit_level_finding_says_otherwise():
    warnings = [("相关性", "warning", "C08")] * 3
    same = _unit({"p1": (warnings, 10.0)})
    conclusion = unit_conclusion(same, {"p1": "老研会书画活动经费"}, CONFIG)
    assert same["score"] == same["project_grades"]["p1"]["score"] and conclusion.action == same["project_grades"]["p1"]["grade"]
    assert conclusion.reason == f"单位唯一的项目“老研会书画活动经费”审核结果为“{conclusion.action}”，单位审核结果与之相同。"
    lowered = _unit({"p1": (warnings, 10.0)}, [("适当性", "error", "A02")])  # the unit row ≠ Σ projects
    conclusion = unit_conclusion(lowered, {"p1": "老研会书画活动经费"}, CONFIG)
    assert lowered["project_grades"]["p1"]["grade"] == "良" and conclusion.action == "中"  # 87.5 − 12.5 points
    assert conclusion.reason == "单位唯一的项目“老研会书画活动经费”审核结果为“良”，计入单位整体问题（A02 合计≠明细合计）后为 75.00 分，单位审核结果由“良”降为“中”。"
    worse = _unit({"p1": ([], 10.0)}, [("适当性", "error", "A02")])
    conclusion = unit_conclusion(worse, {"p1": "机构运行辅助经费"}, CONFIG)
    assert conclusion.action == "良" and "A02" in conclusion.reason and "由“优”降为“良”" in conclusion.reason


def test_a_unit_result_is_its_projects_budget_weighted_and_never_better_than_its_best():
    many = [("相关性", "error", "C07")] * 2 + [("完整性", "error", "S02"), ("可行性", "error", "Q07"), ("适当性", "error", "A05")] * 2
    big_bad = _unit({"big": (many, 900.0), "small": ([], 100.0)})
    assert big_bad["grade"] == "差" and big_bad["projects_score"] < 60  # a 100 万元 优 does not lift a 900 万元 差
    reason = unit_conclusion(big_bad, {}, CONFIG).reason
    assert reason.startswith("2 个项目中审核结果为“优”的 1 个、“差”的 1 个，按预算加权得") and reason.endswith("单位审核结果为“差”。")
    # projects of 95 points each capped at 中 (benefit indicators without a figure): the unit is 中 too
    capped = {"grade": "中", "reason_zh": "1 项效益指标中有 1 项没有可衡量的数值（超过 50%），评级最高为“中”。"}
    graded = {pid: {"findings": [], "budget": 10.0, "grade": {"score": 95.0, "grade": "中", "cap": capped}} for pid in "ab"}
    bounded = grade_projects(graded, [], GRADE)
    assert bounded["grade"] == "中" and bounded["bounded_by_best"]


def test_common_problems_hit_most_projects_and_at_least_two():
    rows = findings(("S04", "warning", "p1"), ("S04", "warning", "p2"), ("S04", "warning", "p3"), ("Q03", "warning", "p1"),
                    ("X02", "warning", None))
    [problem] = common_problems(rows, ["p1", "p2", "p3", "p4"], CONFIG)
    assert problem.rule_id == "S04" and problem.members == ("p1", "p2", "p3")
    assert common_problems(findings(("S04", "warning", "p1")), ["p1"], CONFIG) == []
