"""The validate stage: suites, derived columns, GX adapter, result object and CLI.

Every expectation must fail on a purpose-built bad row (and name that row), and nothing may
fail on the good rows or on the real samples.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from perfaudit.cli import EXIT_INPUT, EXIT_OK, main
from perfaudit.errors import SuiteError
from perfaudit.model import INDICATOR_SCOPES, OPERATORS, TABLES, TARGET_KINDS, VALUE_KINDS, Dataset, make_table
from perfaudit.taxonomy import LEVEL1, LEVEL2, VALID_PAIRS
from perfaudit.validate import (
    LEVEL_PAIR,
    PLAN_MONOTONE,
    SOURCES_SUM,
    ValidationResult,
    read_suites,
    suites_dir,
    validate_dataset,
)
from perfaudit.validate import derive

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
GOOD = "good.txt"


# --- a small good dataset, and bad rows planted into it ----------------------------------------

def _row(source_file=GOOD, source_line=1, **values):
    source_ref = f"第{source_line}行" if source_line is not None else None
    return {"source_file": source_file, "source_line": source_line, "source_ref": source_ref, **values}


def _project(line, **values):
    return _row(source_line=line, **{
        "project_id": f"p{line}", "unit_id": "u2", "seq": line, "project_name": "项目", **values,
    })


def _indicator(line, **values):
    return _row(source_line=line, **{
        "project_id": "p2", "unit_id": "u2", "seq": line, "level1": "产出指标", "level2": "数量指标",
        "value_kind": "count", "number": 3.0, "op": "=", "scope": "project", **values,
    })


def _target(line, source_file="n4.txt", **values):
    return _row(source_file, line, **{"target_id": f"u1-t{line}", "unit_id": "u1", "kind": "task", "name": "任务", **values})


def good_records() -> dict[str, list[dict]]:
    """Two units of one layout A document; every expectation passes on these rows."""
    return {
        "documents": [_row(layout="A", form="rows")],
        "units": [_row(source_line=2, unit_id="u1", unit_name="甲单位", layout="A"),
                  _row(source_line=7, unit_id="u2", unit_name="乙单位", layout="A")],
        "projects": [
            _row(source_line=3, project_id="p1", unit_id="u1", seq=1, project_name="项目", budget_total=10.0,
                 fiscal_funds=6.0, special_funds=3.0, other_funds=1.004, plan_mar=30, plan_jun=60, plan_oct=None,
                 plan_dec=100),
            _project(8, project_id="p2", seq=1),
        ],
        "indicators": [
            _row(source_line=4, project_id="p1", unit_id="u1", seq=1, level1="成本指标", level2="经济成本指标",
                 value_kind="money", number=5.0, op="≤", period_value_kind="text", scope="project"),
            _indicator(9, seq=1),
            _indicator(10, project_id=None, unit_id="u1", seq=1, scope="unit"),  # of the unit as a whole (N4)
        ],
        "declared_totals": [
            _row(source_line=5, scope="document", budget_total=10.0, fiscal_funds=6.0),
            _row(source_line=6, scope="unit", unit_id="u1", budget_total=10.0),
            _row("n4.txt", 7, scope="tasks", unit_id="u1", budget_total=3.0),
        ],
        "unit_targets": [
            _target(1, budget_total=2.0, fiscal_funds=1.5, other_funds=0.5),
            _target(2, budget_total=1.0),  # no sources given: not summed
            _target(3, kind="goal", name=None, text="年度总体目标"),
        ],
    }


# expectation id -> (table, planted rows, the (source_file, source_line) it must name)
PLANTS: dict[str, tuple[str, list[dict], set[tuple]]] = {
    "documents.source_file_unique": ("documents", [_row("dup.txt", 101), _row("dup.txt", 102)],
                                     {("dup.txt", 101), ("dup.txt", 102)}),
    "documents.layout_known": ("documents", [_row("d3.txt", 103, layout="Z")], {("d3.txt", 103)}),
    "documents.form_known": ("documents", [_row("d4.txt", 104, form="x")], {("d4.txt", 104)}),
    "documents.source_file_present": ("documents", [_row(None, 105)], {(None, 105)}),
    "documents.source_ref_present": ("documents", [_row("d6.txt", None)], {("d6.txt", None)}),
    "documents.source_line_valid": ("documents", [_row("d7.txt", 0)], {("d7.txt", 0)}),

    "units.unit_id_present": ("units", [_row(source_line=111, unit_name="x")], {(GOOD, 111)}),
    "units.unit_id_unique": ("units", [_row(source_line=112, unit_id="u1", unit_name="x")], {(GOOD, 2), (GOOD, 112)}),
    "units.unit_name_present": ("units", [_row(source_line=113, unit_id="u13")], {(GOOD, 113)}),
    "units.layout_known": ("units", [_row(source_line=114, unit_id="u14", unit_name="x", layout="Z")], {(GOOD, 114)}),
    "units.has_projects": ("units", [_row(source_line=115, unit_id="u15", unit_name="x")], {(GOOD, 115)}),
    "units.has_indicators": ("units", [_row(source_line=116, unit_id="u16", unit_name="x")], {(GOOD, 116)}),
    "units.source_file_present": ("units", [_row(None, 117, unit_id="u17", unit_name="x")], {(None, 117)}),
    "units.source_ref_present": ("units", [_row("u.txt", None, unit_id="u18", unit_name="x")], {("u.txt", None)}),
    "units.source_line_valid": ("units", [_row("u.txt", 0, unit_id="u19", unit_name="x")], {("u.txt", 0)}),

    "projects.project_id_present": ("projects", [_project(121, project_id=None)], {(GOOD, 121)}),
    "projects.project_id_unique": ("projects", [_project(122, project_id="p2")], {(GOOD, 8), (GOOD, 122)}),
    "projects.unit_id_present": ("projects", [_project(123, unit_id=None)], {(GOOD, 123)}),
    "projects.unit_known": ("projects", [_project(124, unit_id="nowhere")], {(GOOD, 124)}),
    "projects.unit_seq_unique": ("projects", [_project(125, seq=1)], {(GOOD, 8), (GOOD, 125)}),
    "projects.project_name_present": ("projects", [_project(126, project_name=None)], {(GOOD, 126)}),
    "projects.budget_total_nonnegative": ("projects", [_project(127, budget_total=-1.0)], {(GOOD, 127)}),
    "projects.fiscal_funds_nonnegative": ("projects", [_project(128, fiscal_funds=-1.0, other_funds=1.0)],
                                          {(GOOD, 128)}),
    "projects.special_funds_nonnegative": ("projects", [_project(129, special_funds=-1.0, other_funds=1.0)],
                                           {(GOOD, 129)}),
    "projects.other_funds_nonnegative": ("projects", [_project(130, other_funds=-1.0, fiscal_funds=1.0)],
                                         {(GOOD, 130)}),
    "projects.plan_mar_range": ("projects", [_project(131, plan_mar=120.0)], {(GOOD, 131)}),
    "projects.plan_jun_range": ("projects", [_project(132, plan_jun=-5.0)], {(GOOD, 132)}),
    "projects.plan_oct_range": ("projects", [_project(133, plan_oct=100.5)], {(GOOD, 133)}),
    "projects.plan_dec_range": ("projects", [_project(134, plan_dec=200.0)], {(GOOD, 134)}),
    "projects.plan_monotone": ("projects", [_project(135, plan_mar=50.0, plan_oct=40.0, plan_dec=100.0)],
                               {(GOOD, 135)}),
    "projects.sources_sum": ("projects", [_project(136, budget_line=137, budget_total=10.0, fiscal_funds=9.994)],
                             {(GOOD, 136)}),
    "projects.fiscal_parts_sum": ("projects", [_project(141, budget_line=142, budget_total=10.0, fiscal_funds=10.0,
                                                        general_budget_funds=8.0, government_fund_funds=1.0)],
                                  {(GOOD, 141)}),
    "projects.source_file_present": ("projects", [_project(138, source_file=None)], {(None, 138)}),
    "projects.source_ref_present": ("projects", [_project(None, project_id="p139", seq=139)], {(GOOD, None)}),
    "projects.source_line_valid": ("projects", [_project(0, project_id="p140", seq=140)], {(GOOD, 0)}),

    "indicators.project_id_present": ("indicators", [_indicator(151, project_id=None)], {(GOOD, 151)}),
    "indicators.scope_known": ("indicators", [_indicator(173, scope="region")], {(GOOD, 173)}),
    "indicators.project_known": ("indicators", [_indicator(152, project_id="nowhere")], {(GOOD, 152)}),
    "indicators.unit_id_present": ("indicators", [_indicator(153, unit_id=None)], {(GOOD, 153)}),
    "indicators.project_seq_unique": ("indicators", [_indicator(154, seq=1)], {(GOOD, 9), (GOOD, 154)}),
    "indicators.level1_present": ("indicators", [_indicator(155, level1=None)], {(GOOD, 155)}),
    "indicators.level2_present": ("indicators", [_indicator(156, level2=None)], {(GOOD, 156)}),
    "indicators.level1_canonical": ("indicators", [_indicator(157, level1="产出")], {(GOOD, 157)}),
    "indicators.level2_canonical": ("indicators", [_indicator(158, level2="其他指标")], {(GOOD, 158)}),
    "indicators.level_pair": ("indicators", [_indicator(159, level1="效益指标")], {(GOOD, 159)}),
    "indicators.value_kind_present": ("indicators", [_indicator(160, value_kind=None, number=None)], {(GOOD, 160)}),
    "indicators.value_kind_known": ("indicators", [_indicator(161, value_kind="colour", number=None)],
                                    {(GOOD, 161)}),
    "indicators.period_value_kind_known": ("indicators", [_indicator(162, period_value_kind="colour")],
                                           {(GOOD, 162)}),
    "indicators.op_known": ("indicators", [_indicator(163, op="≈")], {(GOOD, 163)}),
    "indicators.period_op_known": ("indicators", [_indicator(164, period_op="≈")], {(GOOD, 164)}),
    "indicators.number_matches_kind": ("indicators", [_indicator(165, number=None, value_line=166),
                                                      _indicator(167, value_kind="text")],
                                       {(GOOD, 165), (GOOD, 167)}),
    "indicators.period_number_matches_kind": ("indicators", [_indicator(168, period_value_kind="percent")],
                                              {(GOOD, 168)}),
    "indicators.weight_range": ("indicators", [_indicator(172, weight=120.0)], {(GOOD, 172)}),
    "indicators.source_file_present": ("indicators", [_indicator(169, source_file=None)], {(None, 169)}),
    "indicators.source_ref_present": ("indicators", [_indicator(None, seq=170)], {(GOOD, None)}),
    "indicators.source_line_valid": ("indicators", [_indicator(0, seq=171)], {(GOOD, 0)}),

    "declared_totals.scope_known": ("declared_totals", [_row("t.txt", 181, scope="region")], {("t.txt", 181)}),
    "declared_totals.budget_total_nonnegative": ("declared_totals",
                                                 [_row("t.txt", 182, scope="unit", unit_id="u0", budget_total=-1.0)],
                                                 {("t.txt", 182)}),
    "declared_totals.fiscal_funds_nonnegative": ("declared_totals", [_row("t.txt", 183, scope="unit", fiscal_funds=-1.0)],
                                                 {("t.txt", 183)}),
    "declared_totals.special_funds_nonnegative": ("declared_totals",
                                                  [_row("t.txt", 184, scope="unit", special_funds=-1.0)],
                                                  {("t.txt", 184)}),
    "declared_totals.other_funds_nonnegative": ("declared_totals", [_row("t.txt", 185, scope="unit", other_funds=-1.0)],
                                                {("t.txt", 185)}),
    "declared_totals.parts_sum": ("declared_totals", [_row("t.txt", 186, scope="unit", unit_id="u2", budget_total=5.0)],
                                  {("t.txt", 186)}),
    "declared_totals.source_file_present": ("declared_totals", [_row(None, 187, scope="document")], {(None, 187)}),
    "declared_totals.source_ref_present": ("declared_totals", [_row("t2.txt", None, scope="document")],
                                            {("t2.txt", None)}),
    "declared_totals.source_line_valid": ("declared_totals", [_row("t2.txt", 0, scope="document")], {("t2.txt", 0)}),
    "unit_targets.target_id_present": ("unit_targets", [_target(191, target_id=None)], {("n4.txt", 191)}),
    "unit_targets.target_id_unique": ("unit_targets", [_target(192, target_id="u1-t1")], {("n4.txt", 1), ("n4.txt", 192)}),
    "unit_targets.unit_id_present": ("unit_targets", [_target(193, unit_id=None)], {("n4.txt", 193)}),
    "unit_targets.unit_known": ("unit_targets", [_target(194, unit_id="nowhere")], {("n4.txt", 194)}),
    "unit_targets.kind_known": ("unit_targets", [_target(195, kind="plan")], {("n4.txt", 195)}),
    "unit_targets.task_name_present": ("unit_targets", [_target(196, name=None)], {("n4.txt", 196)}),
    "unit_targets.goal_text_present": ("unit_targets", [_target(197, kind="goal", name=None)], {("n4.txt", 197)}),
    "unit_targets.budget_total_nonnegative": ("unit_targets", [_target(198, budget_total=-1.0)], {("n4.txt", 198)}),
    "unit_targets.fiscal_funds_nonnegative": ("unit_targets", [_target(199, fiscal_funds=-1.0, other_funds=1.0)],
                                              {("n4.txt", 199)}),
    "unit_targets.other_funds_nonnegative": ("unit_targets", [_target(200, other_funds=-1.0, fiscal_funds=1.0)],
                                             {("n4.txt", 200)}),
    "unit_targets.sources_sum": ("unit_targets", [_target(201, budget_total=5.0, fiscal_funds=4.0)], {("n4.txt", 201)}),
    "unit_targets.source_file_present": ("unit_targets", [_target(202, source_file=None)], {(None, 202)}),
    "unit_targets.source_ref_present": ("unit_targets", [_row("n4.txt", None, target_id="u1-t203", unit_id="u1", kind="goal",
                                                              text="目标")], {("n4.txt", None)}),
    "unit_targets.source_line_valid": ("unit_targets", [_target(0, target_id="u1-t204")], {("n4.txt", 0)}),
}
# Table-level expectations, checked on an empty dataset and on one with a column dropped. Tables
# that may be empty (a dataset of 部门整体 forms only has no projects) have no not_empty check.
MAY_BE_EMPTY = ("projects", "declared_totals", "unit_targets")
TABLE_LEVEL = {f"{table}.columns" for table in TABLES} | {
    f"{table}.not_empty" for table in TABLES if table not in MAY_BE_EMPTY
}
# A planted row may break a second expectation too (a unit without an id has no projects…).
ALSO_FAILING = {
    "units.has_projects": {(GOOD, 111), (GOOD, 113), (GOOD, 114), (GOOD, 116), (None, 117), ("u.txt", None),
                           ("u.txt", 0)},
    "unit_targets.unit_known": {("n4.txt", 193)},
    # the 合计 of good.txt counts the planted projects of u2 (a unit without a unit row), the task
    # total of n4.txt the planted tasks of u1
    "declared_totals.parts_sum": {("t.txt", 182), (GOOD, 5), ("n4.txt", 7)},
    "units.has_indicators": {(GOOD, 111), (GOOD, 113), (GOOD, 114), (GOOD, 115), (None, 117), ("u.txt", None),
                             ("u.txt", 0)},
    "projects.unit_known": {(GOOD, 123)},
    "indicators.project_known": {(GOOD, 151)},
    "indicators.level_pair": {(GOOD, 157), (GOOD, 158)},
}


def dataset_from(records: dict[str, list[dict]]) -> Dataset:
    return Dataset(**{name: make_table(name, rows) for name, rows in records.items()})


def planted_dataset() -> Dataset:
    records = good_records()
    for table, rows, _ in PLANTS.values():
        records[table].extend(rows)
    return dataset_from(records)


def suite_ids() -> set[str]:
    return {expectation_id for suite in read_suites() for expectation_id in suite.expectation_ids()}


@pytest.fixture(scope="module")
def planted():
    return validate_dataset(planted_dataset())


@pytest.fixture(scope="module")
def good():
    return validate_dataset(dataset_from(good_records()))


def _named(rows) -> set[tuple]:
    return {(row.source_file, row.source_line) for row in rows}


# --- the suite files --------------------------------------------------------------------------

def test_every_expectation_has_a_bad_row_or_a_table_check():
    assert set(PLANTS) | TABLE_LEVEL == suite_ids()


def test_suite_files_are_canonical_json():
    for suite in read_suites():
        text = suite.path.read_text(encoding="utf-8")
        assert text == json.dumps(suite.spec, ensure_ascii=False, indent=2, sort_keys=True) + "\n", suite.path


def _kwargs(expectation_id: str) -> dict:
    table = expectation_id.split(".")[0]
    suite = next(s for s in read_suites() if s.table == table)
    return next(e["kwargs"] for e in suite.expectations if e["meta"]["id"] == expectation_id)


def test_suites_agree_with_the_contract_and_taxonomy():
    for table, columns in TABLES.items():
        assert _kwargs(f"{table}.columns")["column_set"] == list(columns)
    assert _kwargs("indicators.level1_canonical")["value_set"] == list(LEVEL1)
    assert _kwargs("indicators.level2_canonical")["value_set"] == list(LEVEL2)
    assert _kwargs(LEVEL_PAIR)["value_set"] == [derive.level_pair(a, b) for a, b in VALID_PAIRS]
    assert _kwargs("indicators.value_kind_known")["value_set"] == list(VALUE_KINDS)
    assert _kwargs("indicators.op_known")["value_set"] == list(OPERATORS)
    assert _kwargs("indicators.scope_known")["value_set"] == list(INDICATOR_SCOPES)
    assert _kwargs("unit_targets.kind_known")["value_set"] == list(TARGET_KINDS)
    assert _kwargs("declared_totals.scope_known")["value_set"] == [derive.SCOPE_DOCUMENT, derive.SCOPE_UNIT, derive.SCOPE_TASKS]
    assert (_kwargs(SOURCES_SUM)["min_value"], _kwargs(SOURCES_SUM)["max_value"]) == (-0.005, 0.005)


def test_suites_dir_is_package_data_reading_the_repository_folder():
    """In a checkout the package data is a symlink to the top-level folder: one source of truth."""
    assert suites_dir().parts[-3:] == ("perfaudit", "data", "expectations")
    assert suites_dir().resolve() == Path(__file__).resolve().parents[1] / "expectations"


def _copy_suites(tmp_path: Path) -> Path:
    for suite in read_suites():
        (tmp_path / suite.path.name).write_bytes(suite.path.read_bytes())
    return tmp_path


def _edit_suite(directory: Path, table: str, edit) -> Path:
    path = directory / f"{table}.json"
    spec = json.loads(path.read_text(encoding="utf-8"))
    edit(spec)
    path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    return path


def test_unknown_expectation_type_is_refused_not_dropped(tmp_path, capsys):
    directory = _copy_suites(tmp_path)
    path = _edit_suite(
        directory, "projects",
        lambda spec: spec["expectations"][2].update(type="expect_column_values_to_be_sorted_nicely"),
    )
    with pytest.raises(SuiteError) as raised:
        validate_dataset(dataset_from(good_records()), directory)
    assert str(raised.value) == (
        f"{path}: GX could not load projects.project_id_unique (expect_column_values_to_be_sorted_nicely)"
    )
    assert capsys.readouterr().err == ""  # GX's own log of the drop is silenced; ours names the file


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda spec: spec["expectations"][0]["meta"].pop("id"), r"units.json: expectation 1 needs meta.id"),
        (lambda spec: spec["expectations"][0]["meta"].update(id="projects.x"), r"units.json: expectation 1 needs"),
        (lambda spec: spec["expectations"][0].pop("description"), r"units.columns needs a 'description'"),
        (lambda spec: spec["expectations"][0].update(severity="fatal"), r"units.columns needs a 'severity': critical"),
        (lambda spec: spec["expectations"][1]["meta"].update(id="units.columns"), r"units.columns is used twice"),
        (lambda spec: spec.update(name="other"), r"units.json: suite name 'other' must be the table name"),
        (lambda spec: spec.pop("expectations"), r"units.json: not a GX expectation suite"),
    ],
)
def test_malformed_suite_names_the_file(tmp_path, edit, message):
    directory = _copy_suites(tmp_path)
    _edit_suite(directory, "units", edit)
    with pytest.raises(SuiteError, match=message):
        read_suites(directory)


def test_missing_or_broken_suite_file(tmp_path):
    directory = _copy_suites(tmp_path)
    (directory / "units.json").unlink()
    with pytest.raises(SuiteError, match="units.json: suite for table 'units' not found"):
        read_suites(directory)
    (directory / "units.json").write_text("{", encoding="utf-8")
    with pytest.raises(SuiteError, match="units.json: not valid JSON"):
        read_suites(directory)


# --- every expectation fails on its bad row, and only bad rows fail ---------------------------------

def test_good_rows_pass(good):
    assert good.status == "passed", good.summary_lines()


@pytest.mark.parametrize("expectation_id", sorted(PLANTS))
def test_expectation_fails_on_its_bad_row(planted, expectation_id):
    outcome = planted.outcome(expectation_id)
    _, _, named = PLANTS[expectation_id]
    assert outcome.failed and outcome.row_level
    assert _named(outcome.offending) == named | ALSO_FAILING.get(expectation_id, set())


def test_offending_rows_carry_unit_project_seq_and_observed_value(planted):
    (row,) = [r for r in planted.failures(SOURCES_SUM) if r.source_line == 136]
    assert (row.unit_id, row.project_id, row.seq, row.line) == ("u2", "p136", 136, 137)  # line = budget_line
    assert row.observed == pytest.approx(0.006)
    (plan,) = planted.failures(PLAN_MONOTONE)
    assert plan.observed == -10.0 and plan.line == 135  # no plan_line: the row's own line
    pair = planted.failures(LEVEL_PAIR)
    assert {(r.seq, r.observed) for r in pair} == {(157, "产出|数量指标"), (158, "产出指标|其他指标"),
                                                   (159, "效益指标|数量指标")}
    (kind, _) = planted.failures("indicators.number_matches_kind")
    assert kind.line == 166  # value_line
    unique = planted.outcome("projects.unit_seq_unique")
    assert {tuple(sorted(r.observed.items())) for r in unique.offending} == {(("seq", 1), ("unit_id", "u2"))}


def test_empty_tables_fail_not_empty_but_projects_totals_and_unit_targets_may_be_empty():
    result = validate_dataset(Dataset.empty())
    failed = {outcome.id for outcome in result.outcomes() if outcome.failed}
    assert failed == {f"{table}.not_empty" for table in TABLES if table not in MAY_BE_EMPTY}
    assert result.outcome("indicators.not_empty").observed == 0


def test_missing_column_is_an_error_not_a_failure():
    good = dataset_from(good_records())
    dropped = {"documents": "form", "units": "unit_name", "projects": "fiscal_funds", "indicators": "level2",
               "declared_totals": "scope", "unit_targets": "kind"}
    result = validate_dataset(
        Dataset(**{name: frame.drop(columns=[dropped[name]]) for name, frame in good.tables().items()})
    )
    assert result.status == "error" and result.has_errors
    errored = {outcome.id for outcome in result.outcomes() if outcome.error}
    assert errored == {
        "documents.form_known", "units.unit_name_present",
        "projects.fiscal_funds_nonnegative", "projects.sources_sum",  # sources_diff cannot be derived
        "projects.fiscal_parts_sum",  # nor fiscal_parts_diff
        "indicators.level2_present", "indicators.level2_canonical", "indicators.level_pair",
        "declared_totals.scope_known", "declared_totals.parts_sum",  # and task sums, which need the kind
        "unit_targets.kind_known", "unit_targets.task_name_present", "unit_targets.goal_text_present",
    }
    failed = {outcome.id for outcome in result.outcomes() if outcome.failed}
    assert failed == {f"{table}.columns" for table in TABLES}
    for table, column in dropped.items():
        assert result.outcome(f"{table}.columns").observed["details"]["mismatched"]["missing"] == [column]
    assert "projects.sources_sum: error: " in "\n".join(result.summary_lines())
    with pytest.raises(SuiteError, match="projects.sources_sum' could not be evaluated"):
        result.failures(SOURCES_SUM)


# --- derived columns (pure pandas) -------------------------------------------------------------

def test_plan_min_step_skips_missing_checkpoints():
    projects = make_table("projects", [
        {"plan_mar": 30, "plan_jun": 60, "plan_oct": 80},  # julu: no 12月底
        {"plan_mar": 50, "plan_oct": 40, "plan_dec": 100},  # 6月底 missing, 10月底 below 3月底
        {"plan_dec": 100},  # one checkpoint: nothing to compare
        {},
    ])
    assert derive.plan_min_step(projects).tolist() == [20.0, -10.0, pd.NA, pd.NA]


def test_sources_diff_counts_empty_as_zero():
    projects = make_table("projects", [
        {"budget_total": 120.0, "other_funds": 120.0},  # TJ 期刊交流展示: empty 财政资金
        {"budget_total": None, "fiscal_funds": 5.0},
        {"budget_total": 16.405, "fiscal_funds": 16.4},
    ])
    assert derive.sources_diff(projects).tolist() == [0.0, -5.0, 0.005]


def test_document_total_falls_back_to_projects_without_unit_rows():
    projects = make_table("projects", [_project(1, budget_total=4.0), _project(2, unit_id="u3", budget_total=6.0)])
    declared = make_table("declared_totals", [_row(source_line=9, scope="document", budget_total=10.0)])
    assert derive.declared_parts(declared, projects).tolist() == [10.0]


# --- the result object ---------------------------------------------------------------------------

def test_json_round_trip(planted, tmp_path):
    path = planted.write(tmp_path)
    assert path == tmp_path / "validation.json"
    again = ValidationResult.read(tmp_path)
    assert again == planted
    assert again.to_json() == planted.to_json()


def test_for_unit_keeps_its_rows_and_its_files_rows(planted):
    u2 = planted.for_unit("u2")
    assert {r.source_line for r in u2.failures(SOURCES_SUM)} == {136}  # 127 states no source: nothing to sum
    # a row without a unit belongs to every unit of its file, and to no other unit
    assert _named(u2.failures("projects.unit_id_present")) == {(GOOD, 123)}
    other_file = u2.outcome("declared_totals.source_line_valid")
    assert (other_file.success, other_file.observed, other_file.offending) == (True, 0, ())
    assert u2.outcome("documents.not_empty") == planted.outcome("documents.not_empty")  # table-level: as is
    u1 = planted.for_unit("u1")
    assert _named(u1.failures("units.unit_id_unique")) == {(GOOD, 2), (GOOD, 112)}
    assert u1.failures(SOURCES_SUM) == ()
    assert ValidationResult.from_json(u1.to_json()) == u1
    assert list(json.loads(u1.to_json())["units"]) == ["u1"]
    with pytest.raises(KeyError):
        planted.for_unit("nowhere")


def test_rows_without_unit_go_to_every_unit_of_their_file():
    records = good_records()
    records["declared_totals"][0]["budget_total"] = 11.0  # the document's 合计, no unit_id
    result = validate_dataset(dataset_from(records))
    for unit_id in ("u1", "u2"):
        assert _named(result.for_unit(unit_id).failures("declared_totals.parts_sum")) == {(GOOD, 5)}
    assert result.to_dict()["units"]["u1"]["failed"] == ["declared_totals.parts_sum"]


def test_suite_that_could_not_run_is_an_error(good):
    broken = replace(good.tables[2], outcomes=(), error="ValueError: boom")
    result = replace(good, tables=(*good.tables[:2], broken, *good.tables[3:]))
    assert (result.status, result.success) == ("error", False)
    assert "projects: ERROR ValueError: boom" in result.summary_lines()
    with pytest.raises(SuiteError, match="suite projects.json could not run, so 'projects.sources_sum' has no result"):
        result.failures(SOURCES_SUM)
    assert ValidationResult.from_json(result.to_json()) == result


def test_failures_of_unknown_id(good):
    with pytest.raises(SuiteError, match="no expectation 'projects.nope'"):
        good.failures("projects.nope")


# --- the samples and the CLI ---------------------------------------------------------------------

def test_import_does_not_load_gx():
    code = "import sys, perfaudit.validate; print('great_expectations' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_cli_validate_samples(tmp_path, capsys):
    assert main(["validate", str(EXAMPLES), "--out", str(tmp_path)]) == EXIT_OK
    captured = capsys.readouterr()
    assert captured.err == ""  # quiet: no progress bars, no GX logs
    assert "projects: ok (21 of 21 expectations passed)" in captured.out
    result = ValidationResult.read(tmp_path / "validation.json")
    assert result.status == "passed", result.summary_lines()  # the samples reconcile
    data = json.loads((tmp_path / "validation.json").read_text(encoding="utf-8"))
    assert {unit: u["status"] for unit, u in data["units"].items()} == {
        "c-363207-2da5064f": "passed", "c-721001-9b9aa6fb": "passed", "n-a68528022d76": "passed",
    }
    assert [t["table"] for t in data["tables"]] == list(TABLES)


def test_cli_validate_data_docs(tmp_path, capsys):
    assert main(["validate", str(EXAMPLES / "julu_wenlian_2024.txt"), "--out", str(tmp_path), "--data-docs"]) == EXIT_OK
    assert capsys.readouterr().err == ""
    assert (tmp_path / "data_docs" / "index.html").is_file()
    assert sorted(p.name for p in (tmp_path / "data_docs" / "expectations").glob("*.html")) == sorted(
        f"{table}.html" for table in TABLES
    )


def test_data_docs_escape_document_text(tmp_path):
    records = good_records()
    records["indicators"][1]["level1"] = "<script>alert(1)</script>"
    result = validate_dataset(dataset_from(records), data_docs_dir=tmp_path)
    assert result.failures(LEVEL_PAIR)[0].observed == "<script>alert(1)</script>|数量指标"  # our result: raw
    pages = "".join(path.read_text(encoding="utf-8") for path in tmp_path.rglob("*.html"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages
    assert "<script>alert(1)" not in pages


def test_cli_validate_input_error(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "missing.txt"), "--out", str(tmp_path / "out")]) == EXIT_INPUT
    assert "missing.txt" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


# --- plain GX code on the ingest output ----------------------------------------------------------

def _plain_gx_failures(tables: dict[str, pd.DataFrame]) -> dict[str, list[str]]:
    """What an analyst writes with GX alone: each suite file of expectations/ on its table."""
    import great_expectations as gx
    from great_expectations.core import ExpectationSuite

    context = gx.get_context(mode="ephemeral")
    source = context.data_sources.add_pandas("perfaudit")
    failures = {}
    for path in sorted((Path(__file__).resolve().parents[1] / "expectations").glob("*.json")):
        spec = json.loads(path.read_text(encoding="utf-8"))
        suite = context.suites.add(ExpectationSuite(**spec))
        assert len(suite.expectations) == len(spec["expectations"])
        assert {e.description for e in suite.expectations} == {e["description"] for e in spec["expectations"]}
        assert {e.severity.value for e in suite.expectations} <= {"critical", "warning"}
        batch = source.add_dataframe_asset(spec["name"]).add_batch_definition_whole_dataframe(spec["name"])
        definition = context.validation_definitions.add(gx.ValidationDefinition(name=spec["name"], data=batch, suite=suite))
        run = definition.run(batch_parameters={"dataframe": tables[spec["name"]]})
        failures[spec["name"]] = sorted(r.expectation_config.meta["id"] for r in run.results if not r.success)
    return failures


def test_plain_gx_validates_the_ingest_output_with_the_derive_helper(tmp_path):
    assert main(["ingest", str(EXAMPLES), "--out", str(tmp_path)]) == EXIT_OK
    assert _plain_gx_failures(derive.read_derived(tmp_path)) == {table: [] for table in TABLES}
    # Without the helper the checks on derived columns cannot pass: the helper is what makes it work.
    raw = {table: pd.read_parquet(tmp_path / f"{table}.parquet") for table in TABLES}
    assert SOURCES_SUM in _plain_gx_failures(raw)["projects"]
