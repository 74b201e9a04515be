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
    by_criterion: dict[str, list[str]] = {}
    for criterion, severity in items:
        by_criterion.setdefault(criterion, []).append(severity)
    return grade_unit(by_criterion, n_projects, config)["score"]


def test_defaults_are_valid():
    check_grade_config(CONFIG)
    assert sum(CONFIG["weights"].values()) == 100


@given(projects)
def test_no_findings_scores_100(n):
    result = grade_unit({}, n, CONFIG)
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
    by_criterion: dict[str, list[str]] = {}
    for criterion, severity in items:
        by_criterion.setdefault(criterion, []).append(severity)
    result = grade_unit(by_criterion, n, CONFIG)
    assert 0 <= result["score"] <= 100
    assert result["score"] == pytest.approx(sum(item["score"] for item in result["breakdown"]), abs=0.02)
    for item in result["breakdown"]:
        assert 0 <= item["score"] <= item["weight"]
    assert result["grade"] == letter(result["score"], CONFIG["bands"])


def test_formula_by_hand():
    # 2 projects; 完整性: 1 error + 1 warning = 4 points / 2 = 2 per project; 25 × (1 − 2/6) = 16.67
    result = grade_unit({"完整性": ["error", "warning"]}, 2, CONFIG)
    assert result["breakdown"][0]["penalty"] == 2.0 and result["breakdown"][0]["score"] == pytest.approx(16.67)
    assert result["score"] == pytest.approx(91.67) and result["grade"] == "优"
    # the criterion bottoms out at zero, it never goes negative
    assert grade_unit({"可行性": ["error"] * 100}, 1, CONFIG)["score"] == 75.0


@pytest.mark.parametrize(("value", "grade"), [(100, "优"), (90, "优"), (89.99, "良"), (75, "良"), (74.9, "中"), (60, "中"), (59.9, "差"), (0, "差")])
def test_bands(value, grade):
    assert letter(value, CONFIG["bands"]) == grade


def test_invalid_grade_configuration():
    broken = {**CONFIG, "bands": {"excellent": 60.0, "good": 75.0, "fair": 50.0}}
    with pytest.raises(ConfigError):
        check_grade_config(broken)
    with pytest.raises(ConfigError):
        check_grade_config({**CONFIG, "zero_at": 0.0})
