"""Word-export artifacts, the batch identity of units and the budget year (ingest v2).

Every artifact class of docs/formats.md, alone and combined, at seeded random positions, on all
three samples in both physical forms: each variant reads to exactly the tables of the clean sample.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import artifacts
import badinputs
import variants
from perfaudit.errors import InputError
from perfaudit.ingest import ingest_paths, read_document

CLEAN = {sample: read_document(variants.sample_text(sample).encode(), variants.SAMPLES[sample]) for sample in variants.SAMPLES}
CASES = [
    (sample, form, names)
    for sample in variants.SAMPLES
    for form in ("rows", "cells")
    for names in [[name] for name in artifacts.FORM_ARTIFACTS[form]] + [list(artifacts.FORM_ARTIFACTS[form])]
]


def _read(sample: str, text: str):
    return read_document(text.encode("utf-8"), variants.SAMPLES[sample])


@pytest.mark.parametrize("sample,form,names", CASES, ids=lambda v: "+".join(v) if isinstance(v, list) else v)
def test_artifacts_read_exactly(sample, form, names):
    for seed in range(3):
        badinputs.assert_same_tables(_read(sample, artifacts.apply(sample, form, names, seed)), CLEAN[sample])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(sorted(variants.SAMPLES)),
    st.sampled_from(("rows", "cells")),
    st.data(),
    st.integers(0, 2**32 - 1),
)
def test_random_artifact_mixes_read_exactly(sample, form, data, seed):
    names = data.draw(st.lists(st.sampled_from(artifacts.FORM_ARTIFACTS[form]), min_size=1, max_size=6))
    badinputs.assert_same_tables(_read(sample, artifacts.apply(sample, form, names, seed, times=1)), CLEAN[sample])


def test_stray_tab_and_empty_paragraph_in_a_description_cell():
    """The refusal that started ingest v2: a layout-B cell-per-line export whose description cell
    ends in a tab followed by an empty paragraph read as 'indicator row has 8 cells'."""
    cells = variants.rows_to_cells(variants.sample_text("julu")).decode("utf-8")
    broken = cells.replace("\t创先争优合格率\n\t创先争优合格率\n", "\t创先争优合格率\n\t创先争优合格率\t\n\n", 1)
    assert broken != cells
    badinputs.assert_same_tables(_read("julu", broken), CLEAN["julu"])


def test_a_row_that_cannot_be_aligned_is_refused_at_its_line():
    """Two cells more than the header in one row: ambiguous, so refused at that row's line."""
    lines = variants.sample_text("tianjin").split("\n")
    at = lines.index("\t≥28场次")
    lines[at:at + 1] = ["\t≥28场次", "\t多出的一格", "\t又一格"]
    with pytest.raises(InputError) as caught:
        _read("tianjin", "\n".join(lines))
    assert caught.value.line == at - 3 and "cells" in caught.value.reason  # the row's first cell


# --- identities across a province ----------------------------------------------------------------

def _county(text: str, county: str) -> bytes:
    return text.replace("巨鹿县", county).encode("utf-8")


def test_units_of_two_counties_sharing_a_code_are_two_units(tmp_path):
    julu = variants.sample_text("julu")
    (tmp_path / "julu.txt").write_bytes(_county(julu, "巨鹿县"))
    (tmp_path / "pingxiang.txt").write_bytes(_county(julu, "平乡县"))
    result = ingest_paths([tmp_path])
    assert not result.refused, [f.error for f in result.refused]
    units = result.dataset.units
    assert list(units.unit_code) == ["721001", "721001"]
    assert units.unit_id.is_unique and all(u.startswith("c-721001-") for u in units.unit_id)
    assert set(units.unit_name) == {"巨鹿县文学艺术界联合会本级", "平乡县文学艺术界联合会本级"}
    assert result.dataset.projects.project_id.is_unique


def test_a_reissued_document_is_reported_naming_both_files(tmp_path):
    julu = variants.sample_text("julu").encode("utf-8")
    (tmp_path / "a.txt").write_bytes(julu)
    (tmp_path / "b.txt").write_bytes(julu.replace("老研会书画活动经费".encode(), "老研会书画活动经费（修订）".encode()))
    result = ingest_paths([tmp_path])
    [refused] = result.refused
    assert "b.txt" in refused.error and "a.txt" in refused.error and "one document per unit" in refused.error


def test_unit_ids_survive_corrections_of_other_content():
    julu = variants.sample_text("julu")
    corrected = julu.replace("5.00", "6.00").replace("开展创先争优的次数", "开展创先争优活动的次数")
    assert _read("julu", corrected).units.unit_id.tolist() == CLEAN["julu"].units.unit_id.tolist()


# --- budget year -------------------------------------------------------------------------------

def test_budget_year_sources():
    docs = {s: CLEAN[s].documents.iloc[0] for s in CLEAN}
    assert (docs["julu"].budget_year, docs["julu"].budget_year_source) == (2024, "stated")
    assert (docs["guangzhou"].budget_year, docs["guangzhou"].budget_year_source) == (2024, "file_name")


def test_a_tie_between_years_is_never_broken_by_taking_the_highest():
    """A title without a year, a file name with 2024, 2023/2024/2025 once each in project names."""
    text = re.sub(r"2024\s*年", "本年", variants.sample_text("guangzhou")).replace("2035", "远景")
    for old, year in (("机构运行辅助经费", 2023), ("其他运行经费", 2024), ("专项工作经费", 2025)):
        text = text.replace(old, f"{year}年{old}", 1)
    named = read_document(text.encode(), "gz_2024.txt").documents.iloc[0]
    assert (named.budget_year, named.budget_year_source) == (2024, "file_name")
    unnamed = read_document(text.encode(), "gz.txt").documents.iloc[0]
    assert pd.isna(unnamed.budget_year) and pd.isna(unnamed.budget_year_source)


def test_year_override_is_recorded():
    doc = read_document(variants.sample_text("julu").encode(), "j.txt", year=2030).documents.iloc[0]
    assert (doc.budget_year, doc.budget_year_source) == (2030, "override")


# --- amounts in 元 -----------------------------------------------------------------------------

def test_amounts_in_yuan_are_converted_to_wan_yuan():
    """A per-project document that states 单位：元 reads to the same amounts in 万元, and says so."""
    text = variants.sample_text("tianjin").replace("单位：万元", "单位：元")
    text = re.sub(r"(?m)^\t(\d+)\.(\d\d)$", lambda m: f"\t{int(m.group(1)) * 10000 + int(m.group(2)) * 100}", text)
    yuan = _read("tianjin", text)
    clean = CLEAN["tianjin"]
    assert yuan.documents.amount_unit.tolist() == ["元"] and clean.documents.amount_unit.tolist() == ["万元"]
    columns = ["budget_total", "fiscal_funds", "other_funds"]
    pd.testing.assert_frame_equal(yuan.projects[columns], clean.projects[columns])


# --- the worked example of docs/formats.md: a layout added as one spec file --------------------

def _worked_example_spec() -> str:
    text = (Path(__file__).resolve().parents[1] / "docs" / "formats.md").read_text(encoding="utf-8")
    example = text.split("### Adding a layout (worked example)")[1]
    return re.search(r"```toml\n(.*?)```", example, re.S).group(1)


@pytest.fixture
def with_layout_d(monkeypatch):
    import importlib
    import tomllib

    detect, specs = (importlib.import_module(f"perfaudit.ingest.{name}") for name in ("detect", "specs"))

    data = tomllib.loads(_worked_example_spec())
    base = data.pop("extends")
    extra = specs._spec(specs._merge(specs._raw(base), data))
    shipped = specs.layout_specs()
    cached = (specs.header_labels, specs.field_labels, specs._header_fields)
    for function in cached:
        function.cache_clear()
    monkeypatch.setattr(specs, "layout_specs", lambda: (*shipped, extra))
    monkeypatch.setattr(detect, "layout_specs", lambda: (*shipped, extra))
    yield extra
    for function in cached:
        function.cache_clear()


def test_the_worked_example_adds_a_layout_with_one_spec_file(with_layout_d):
    text = variants.sample_text("tianjin").replace("\t三级指标", "\t考核内容").replace("\t指标值\n", "\t年度目标值\n")
    text = text.replace("单位：万元", "单位：元")
    text = re.sub(r"(?m)^\t(\d+)\.(\d\d)$", lambda m: f"\t{int(m.group(1)) * 10000 + int(m.group(2)) * 100}", text)
    dataset = _read("tianjin", text)
    assert dataset.documents.layout.tolist() == ["D"]
    assert dataset.documents.amount_unit.tolist() == ["元"]
    read, clean = badinputs.comparable(dataset), badinputs.comparable(CLEAN["tianjin"])
    for table in ("projects", "indicators"):
        pd.testing.assert_frame_equal(read[table], clean[table], check_dtype=False, obj=table)
    assert _read("tianjin", variants.sample_text("tianjin")).documents.layout.tolist() == ["C"]


@pytest.mark.slow
def test_a_batch_of_counties_sharing_unit_codes_gives_one_report_per_unit(tmp_path):
    from perfaudit.cli import main

    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    julu = variants.sample_text("julu")
    counties = ("巨鹿县", "平乡县", "广宗县")
    for county in counties:
        (inputs / f"{county}.txt").write_bytes(_county(julu, county))
    assert main(["run", str(inputs), "--out", str(out), "--no-progress"]) == 0
    reports = sorted(out.glob("units/*/report.pdf"))
    assert len(reports) == 3 and all(p.parent.name.startswith("c-721001-") for p in reports)


def test_a_stray_tab_inside_the_packed_indicator_cell_keeps_its_text():
    """Layout A: a tab typed inside the last cell makes the row one cell too wide; the text is
    kept as written (found by the property test of lines pointing at their text)."""
    text = variants.sample_text("guangzhou")
    at = text.index("推动广州文艺高质量发展") + 1
    indicators = _read("guangzhou", text[:at] + "\t" + text[at:]).indicators
    assert "推\t动广州文艺高质量发展" in indicators.level3.tolist()
    assert len(indicators) == len(CLEAN["guangzhou"].indicators)
