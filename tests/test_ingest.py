"""Ingest on the real samples, their scripted variants, and refused inputs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import badinputs
import variants
from perfaudit.cli import main
from perfaudit.errors import InputError
from perfaudit.ingest import ingest_paths, read_document
from perfaudit.model import TABLES

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def read_sample(name: str, data: bytes | None = None):
    file_name = variants.SAMPLES[name]
    return read_document(data if data is not None else (EXAMPLES / file_name).read_bytes(), file_name)


@pytest.fixture(scope="module")
def samples():
    return {name: read_sample(name) for name in variants.SAMPLES}


# --- the samples, exactly -------------------------------------------------------------------

EXPECTED = {  # units, projects, indicators, layout, form, year
    "guangzhou": (1, 17, 94, "A", "rows", 2024),
    "julu": (1, 3, 21, "B", "rows", 2024),
    "tianjin": (1, 10, 80, "C", "cells", 2025),
}


@pytest.mark.parametrize("name", EXPECTED)
def test_sample_counts(samples, name):
    d = samples[name]
    units, projects, indicators, layout, form, year = EXPECTED[name]
    assert (len(d.units), len(d.projects), len(d.indicators)) == (units, projects, indicators)
    doc = d.documents.iloc[0]
    assert (doc.layout, doc.form, doc.budget_year, doc.encoding) == (layout, form, year, "utf-8")


@pytest.mark.parametrize("name", EXPECTED)
def test_every_row_has_source(samples, name):
    for table, frame in samples[name].tables().items():
        assert list(frame.columns) == list(TABLES[table])
        assert frame["source_file"].notna().all() and frame["source_line"].notna().all(), table
        assert (frame["source_line"] >= 1).all()


def test_guangzhou_totals_reconcile(samples):
    d = samples["guangzhou"]
    declared = d.declared_totals.set_index("scope")["budget_total"]
    assert declared["document"] == pytest.approx(1500.06)
    assert declared["unit"] == pytest.approx(1500.06)
    assert d.projects["budget_total"].sum() == pytest.approx(1500.06)
    assert d.units.iloc[0].unit_name == "广州市文学艺术界联合会（本级）"
    assert d.declared_totals.set_index("scope")["source_line"].to_dict() == {"document": 10, "unit": 11}


def test_guangzhou_spot_checks(samples):
    d = samples["guangzhou"]
    ind = d.indicators
    row = ind[ind.level3 == "刊物发行数量"].iloc[0]
    assert (row.target_period, row.target_annual, row.value_kind, row.period_value_kind) == (
        "6000册", "1000册/期，全年：6000册", "text", "count")
    row = ind[ind.level3 == "场馆开放时间"].iloc[0]  # a value containing 。 is not split
    assert row.target_period == "每周不少于45小时，不少于26周。"
    assert row.target_annual == "每周不少于45小时，不少于26周"
    row = ind[ind.level3 == "编外人员的满意度"].iloc[0]
    assert (row.level1, row.level2, row.level1_code, row.level2_code) == ("效益指标", "社会效益指标", "2", "22")
    row = ind[ind.level3 == "参与人员满意度"].iloc[0]
    assert (row.op, row.number, row.measure_unit, row.source_line) == ("<", 10.0, "次", 18)
    html_goal = d.projects[d.projects.project_name == "广州市文联2024年信息化运维项目"].iloc[0].goal
    assert html_goal.startswith("<p>（1）广州市文联2024年信息化运维项目")
    assert d.units.unit_code.isna().all() and d.units.unit_id.iloc[0].startswith("n-")


def test_julu_spot_checks(samples):
    d = samples["julu"]
    p = d.projects.set_index("seq")
    assert p.loc[1, "project_code"] == "13052924P00584012407U"  # wrap space removed
    assert p.loc[1, "project_name"] == "2024 年县文联创先争优工作经费"
    assert (p.loc[1, "plan_mar"], p.loc[1, "plan_jun"], p.loc[1, "plan_oct"]) == (30, 60, 80)
    assert pd.isna(p.loc[1, "plan_dec"])  # no 12月底 column
    assert p.loc[3, "plan_mar"] == 25 and p.loc[3, "plan_dec"] == 100
    assert p.loc[2, "fund_use"] == "用于开展老年诗词活动经费支出。"
    assert (p.loc[1, "budget_total"], p.loc[1, "fiscal_funds"]) == (5.0, 5.0) and pd.isna(p.loc[1, "other_funds"])
    assert (p.loc[1, "source_line"], p.loc[1, "budget_line"], p.loc[1, "goal_line"]) == (56, 63, 67)
    unit = d.units.iloc[0]
    assert (unit.unit_id, unit.unit_code, unit.unit_name, unit.department) == (
        "c-721001-9b9aa6fb", "721001", "巨鹿县文学艺术界联合会本级", "巨鹿县文学艺术界联合会")
    ind = d.indicators
    row = ind[(ind.project_id == "c-721001-9b9aa6fb-p001") & (ind.seq == 5)].iloc[0]
    assert (row.level1, row.level2, row.level3, row.basis, row.source_line) == (
        "效益指标", "经济效益指标", "保障机关正常运转", "调查问卷", 73)
    assert "XXX 财政（厅/局）审核" in d.documents.iloc[0].front_matter


def test_tianjin_spot_checks(samples):
    d = samples["tianjin"]
    p = d.projects.set_index("seq")
    assert pd.isna(p.loc[6, "fiscal_funds"]) and p.loc[6, "other_funds"] == 20.0  # empty 财政资金
    assert p.loc[1, "fund_use"] == "用于群众艺术馆免费开放"
    ind = d.indicators
    row = ind[ind.level3 == "参加活动人次（线上/线下）"].iloc[0]
    assert (row.op, row.number, row.measure_unit, row.value_kind) == ("≥", 2300.0, "万人次", "count")
    # rows split by a stray blank line (p009's 时效指标) are re-joined
    row = ind[(ind.project_id == "c-363207-2da5064f-p009") & (ind.level2 == "时效指标")].iloc[0]
    assert (row.target_annual, row.source_line, row.value_line) == ("2025年12月底前", 712, 715)
    assert (ind.level3 == ind.description).all()
    assert ind[ind.project_id == "c-363207-2da5064f-p008"].level1.tolist().count("效益指标") == 3


# --- variants: same tables as the original ----------------------------------------------------
# Every variant of variants.IDENTICAL is a "same" case of the corpus (tests/badinputs.py), read and
# compared, line numbers included, in tests/test_reliability_ingest.py.


def test_rows_cells_round_trip(samples):
    there = variants.rows_to_cells(variants.sample_text("julu")).decode("utf-8")
    back = read_sample("julu", variants.cells_to_rows(there))
    assert read_sample("julu", there.encode()).documents.form.iloc[0] == "cells"
    assert back.documents.form.iloc[0] == "rows"
    badinputs.assert_same_tables(back, samples["julu"])


def test_variant_empty_value(samples):
    d = read_sample("julu", variants.empty_value(variants.sample_text("julu")))
    row = d.indicators.iloc[0]
    assert pd.isna(row.target_annual) or row.target_annual == ""
    assert row.value_kind == "empty" and pd.isna(row.number)
    original = samples["julu"]
    badinputs.assert_same_tables(
        type(d)(**{**d.tables(), "indicators": d.indicators.iloc[1:].reset_index(drop=True)}),
        type(original)(**{**original.tables(), "indicators": original.indicators.iloc[1:].reset_index(drop=True)}),
    )


def test_variant_html_goal_is_text(samples):
    d = read_sample("tianjin", variants.html_goal(variants.sample_text("tianjin")))
    assert d.projects.set_index("seq").loc[2, "goal"].startswith("<p>1.通过物业服务")


def test_variant_confidential_project(samples):
    d = read_sample("julu", variants.confidential_project(variants.sample_text("julu")))
    flags = d.projects.set_index("seq")["confidential"]
    assert flags.tolist() == [False, True, False]
    assert d.projects.set_index("seq").loc[2, "project_name"] == "ABCDEF"
    assert len(d.indicators) == 21


def test_unit_ids_are_stable_and_safe(samples):
    again = read_sample("guangzhou", variants.sample_text("guangzhou").replace("16.40", "16.50").encode())
    assert again.units.unit_id.iloc[0] == samples["guangzhou"].units.unit_id.iloc[0]
    for d in samples.values():
        assert d.units.unit_id.str.fullmatch(r"[a-z0-9_-]+").all()


# --- refusals (the corpus of tests/badinputs.py) -----------------------------------------------

@pytest.mark.parametrize("case", badinputs.by_expect(badinputs.REFUSED))
def test_refused_with_file_and_line(case):
    expected = badinputs.CASES[case]
    with pytest.raises(InputError) as caught:
        read_document(expected.data, "doc.txt")
    assert caught.value.source_file == "doc.txt"
    assert expected.reason in str(caught.value)
    assert caught.value.line == expected.line
    where = f"doc.txt:{expected.line}: " if expected.line is not None else "doc.txt: "
    assert str(caught.value).startswith(where) and "\n" not in str(caught.value)


def test_cli_refuses_bad_files_and_keeps_the_others(tmp_path, capsys):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "good.txt").write_bytes((EXAMPLES / variants.SAMPLES["julu"]).read_bytes())
    (inputs / "bad.txt").write_bytes(badinputs.CASES["truncated C mid-row"].data)
    (inputs / "binary.txt").write_bytes(badinputs.CASES["binary"].data)
    out = tmp_path / "out"
    assert main(["ingest", str(inputs), "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert "REFUSED bad.txt:60: indicator row is incomplete" in captured.err
    assert "REFUSED binary.txt" in captured.err
    assert "Traceback" not in captured.err + captured.out
    assert "ok      good.txt: layout B, 1 unit(s), 3 projects, 21 indicators" in captured.out
    tables = {p.name for p in out.iterdir()}
    assert tables == {f"{name}.parquet" for name in TABLES}
    projects = pd.read_parquet(out / "projects.parquet")
    assert len(projects) == 3 and projects.project_code.map(type).eq(str).all()


def test_ingest_paths_examples():
    result = ingest_paths([EXAMPLES])
    assert not result.refused
    assert [f.source_file for f in result.files] == sorted(variants.SAMPLES.values())
    assert len(result.dataset.units) == 3 and result.dataset.units.unit_id.is_unique


def test_two_files_of_one_unit_are_refused(tmp_path):
    (tmp_path / "a.txt").write_bytes((EXAMPLES / variants.SAMPLES["julu"]).read_bytes())
    (tmp_path / "b.txt").write_bytes(variants.crlf(variants.sample_text("julu")))
    result = ingest_paths([tmp_path])
    assert [f.source_file for f in result.refused] == ["b.txt"]
    assert "also in a.txt" in result.refused[0].error
