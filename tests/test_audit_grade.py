"""The unit grade: the documented formula and its properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perfaudit.audit.grade import check_grade_config, grade_unit, letter
from perfaudit.audit.registry import CRITERIA, SEVERITIES
from perfaudit.errors import ConfigError
from perfaudit.settings import load_settings

CONFIG = load_settings().section("audit")["grade"]
LABELS = list(CRITERIA.values())

finding = st.tuples(st.sampled_from(LABELS), st.sampled_from(SEVERITIES))
findings = st.lists(finding, max_size=60)
projects = st.integers(min_value=0, max_value=30)


def score(items, n_projects, config=CONFIG) -> float:
    return grade_unit([(criterion, severity, "R00") for criterion, severity in items], n_projects, config)["score"]


def test_defaults_are_valid():
    check_grade_config(CONFIG)
    assert sum(CONFIG["weights"].values()) == 100


@given(projects)
def test_no_findings_scores_100(n):
    result = grade_unit([], n, CONFIG)
    assert result["score"] == 100 and result["grade"] == "优"


@given(findings, finding, projects)
@settings(max_examples=200)
def test_adding_a_finding_never_raises_the_score(items, extra, n):
    assert score([*items, extra], n) <= score(items, n)


@given(findings, st.sampled_from(LABELS), projects)
@settings(max_examples=200)
def test_an_error_never_costs_less_than_a_warning_nor_a_warning_less_than_an_info(items, criterion, n):
    error, warning, info = (score([*items, (criterion, s)], n) for s in ("error", "warning", "info"))
    assert error <= warning <= info


@given(findings, projects)
def test_score_is_the_sum_of_the_breakdown_and_within_bounds(items, n):
    result = grade_unit([(criterion, severity, "R00") for criterion, severity in items], n, CONFIG)
    assert 0 <= result["score"] <= 100
    assert result["score"] == pytest.approx(sum(item["score"] for item in result["breakdown"]), abs=0.02)
    for item in result["breakdown"]:
        assert 0 <= item["score"] <= item["weight"]
    assert result["grade"] == letter(result["score"], CONFIG["bands"])


def test_formula_by_hand():
    # 2 projects; 完整性: 1 error + 1 warning = 4 points / 2 = 2 per project; 25 × (1 − 2/6) = 16.67
    result = grade_unit([("完整性", "error", "S03"), ("完整性", "warning", "S04")], 2, CONFIG)
    assert result["breakdown"][0]["penalty"] == 2.0 and result["breakdown"][0]["score"] == pytest.approx(16.67)
    assert result["score"] == pytest.approx(91.67) and result["grade"] == "优"
    # the criterion bottoms out at zero, it never goes negative
    assert grade_unit([("可行性", "error", "Q01")] * 100, 1, CONFIG)["score"] == 75.0


def test_a_project_without_benefit_indicators_loses_its_share_of_completeness_whatever_its_size():
    # one project with two indicators and no 效益: S02 weighs zero_at, 完整性 is 0, so the unit is no 良
    sparse = grade_unit([("完整性", "error", "S02")], 1, CONFIG)
    assert sparse["breakdown"][0]["score"] == 0 and sparse["grade"] == "中"
    assert sparse["deductions"][0] == {"rule_id": "S02", "label": "S02 缺少效益指标", "findings": 1, "points": 25.0}


def test_info_notes_are_capped():
    many = grade_unit([("相关性", "info", "D03")] * 80, 10, CONFIG)
    few = grade_unit([("相关性", "info", "D03")] * 20, 10, CONFIG)
    cap = CONFIG["info_cap"] / CONFIG["zero_at"] * CONFIG["weights"]["relevance"]
    assert many["score"] == few["score"] == pytest.approx(100 - cap, abs=0.01)


def test_mostly_unmeasurable_benefits_cap_the_grade():
    capped = grade_unit([], 10, CONFIG, unmeasurable=(11, 12))
    assert capped["score"] == 100 and capped["grade"] == "中" and "11" in capped["cap"]["reason_zh"]
    assert grade_unit([], 10, CONFIG, unmeasurable=(6, 12))["grade"] == "优"  # half is not "mostly"


def test_deductions_are_largest_first_labelled_and_sum_to_the_loss():
    items = [("完整性", "error", "S02"), ("可行性", "warning", "Q02"), ("可行性", "warning", "Q02"), ("相关性", "warning", "C09"),
             ("相关性", "info", "D03")]
    result = grade_unit(items, 2, CONFIG)
    top = result["deductions"][:3]  # what the reports show
    assert [d["rule_id"] for d in top] == ["S02", "Q02", "C09"]
    assert top[1]["label"] == "Q02 是/否型指标值" and top[1]["findings"] == 2
    assert sum(d["points"] for d in result["deductions"]) == pytest.approx(100 - result["score"], abs=0.05)


def test_invalid_grade_configuration():
    broken = {**CONFIG, "bands": {"excellent": 60.0, "good": 75.0, "fair": 50.0}}
    with pytest.raises(ConfigError):
        check_grade_config(broken)
    with pytest.raises(ConfigError):
        check_grade_config({**CONFIG, "zero_at": 0.0})


# --- projects and the unit derived from them (issue 23) ------------------------------------------
from perfaudit.audit.grade import grade_project, grade_projects  # noqa: E402


def _graded(projects: dict) -> dict:
    return {pid: {"findings": items, "budget": budget, "grade": grade_project(items, CONFIG)} for pid, (items, budget) in projects.items()}


@given(findings)
@settings(max_examples=100)
def test_a_one_project_unit_without_unit_level_findings_is_its_project(items):
    triples = [(criterion, severity, "R00") for criterion, severity in items]
    unit = grade_projects(_graded({"p1": (triples, 12.0)}), [], CONFIG)
    project = grade_project(triples, CONFIG)
    assert unit["score"] == pytest.approx(project["score"], abs=0.02) and unit["grade"] == project["grade"]
    assert unit["lowered_by"] == []


@given(findings, findings, finding)
@settings(max_examples=100)
def test_a_unit_level_finding_never_raises_the_units_score(first, second, extra):
    graded = _graded({"p1": ([(c, s, "R00") for c, s in first], 30.0), "p2": ([(c, s, "R00") for c, s in second], 10.0)})
    base = grade_projects(graded, [], CONFIG)
    more = grade_projects(graded, [(*extra, "R01")], CONFIG)
    assert more["score"] <= base["score"]
    assert sum(d["points"] for d in more["deductions"]) == pytest.approx(100 - more["score"], abs=0.05)


def test_the_unit_score_is_the_budget_weighted_mean_of_its_projects():
    bad = [("完整性", "error", "S02"), ("相关性", "warning", "C08")]
    unit = grade_projects(_graded({"big": (bad, 300.0), "small": ([], 100.0)}), [], CONFIG)
    big = grade_project(bad, CONFIG)["score"]
    assert unit["score"] == pytest.approx(0.75 * big + 0.25 * 100, abs=0.01) == unit["projects_score"]
    assert unit["grade"] == letter(unit["score"], CONFIG["bands"])
