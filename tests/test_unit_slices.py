"""Each unit's slice of a batch, taken in one pass for all units (``Dataset.per_unit``,
``ValidationResult.per_unit``, the findings and points of ``write_unit_bundles``): exactly the
rows a filter per unit gives, in the same order, on documents with several units and a 合计 row
that belongs to no unit; and the batch's tables as the slicing relies on them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from pandas.testing import assert_frame_equal

from department_fixtures import write_three_unit_document
from perfaudit.audit.grade import project_points
from perfaudit.bundle import read_bundle, read_findings
from perfaudit.ingest import ingest_paths
from perfaudit.model import STR, TABLES, Dataset, make_table
from perfaudit.pipeline import audit, with_rule_columns, write_unit_bundles
from perfaudit.review.apply import counting
from perfaudit.settings import load_settings

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
STRICT = {"check_index_type": True, "check_column_type": True, "check_exact": True}


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Dataset:
    """The three-unit department document and the three one-unit examples, read together."""
    folder = tmp_path_factory.mktemp("documents")
    write_three_unit_document(folder)
    for example in sorted(EXAMPLES.glob("*.txt")):
        shutil.copy(example, folder)
    return ingest_paths([folder]).dataset


def _by_filter(dataset: Dataset, unit_id: str) -> Dataset:
    """A unit's slice by definition: its rows, its documents, and their rows of no unit."""
    def own(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["unit_id"] == unit_id].reset_index(drop=True)

    files = set(dataset.units.loc[dataset.units["unit_id"] == unit_id, "source_file"])
    totals = dataset.declared_totals
    return Dataset(
        documents=dataset.documents[dataset.documents["source_file"].isin(files)].reset_index(drop=True),
        units=own(dataset.units), projects=own(dataset.projects), indicators=own(dataset.indicators),
        declared_totals=totals[(totals["unit_id"] == unit_id)
                               | (totals["unit_id"].isna() & totals["source_file"].isin(files))].reset_index(drop=True),
        unit_targets=own(dataset.unit_targets),
    )


def test_each_units_slice_is_its_rows(batch):
    unit_ids = list(batch.units["unit_id"])
    assert len(unit_ids) == 6
    slices = batch.per_unit(unit_ids)
    for unit_id in unit_ids:
        for name, frame in slices[unit_id].tables().items():
            assert_frame_equal(frame, getattr(_by_filter(batch, unit_id), name), **STRICT, obj=f"{unit_id} {name}")
    department = batch.units[batch.units["source_file"] == "wenlv_department_2024.txt"]["unit_id"]
    for unit_id in department:  # the document's 合计 belongs to each of its three units
        scopes = list(slices[unit_id].declared_totals["scope"])
        assert scopes.count("document") == 1 and len(slices[unit_id].documents) == 1


def test_string_columns_are_one_chunk_after_reading_several_documents(batch):
    """Selecting rows from a column of one Arrow chunk per document costs ~20 times more."""
    for name, frame in batch.tables().items():
        for column, dtype in TABLES[name].items():
            if dtype == STR:
                values = pa.array(frame[column])
                assert not isinstance(values, pa.ChunkedArray) or values.num_chunks <= 1, (name, column)


def test_make_table_types_every_column_and_leaves_missing_keys_null():
    table = make_table("units", [{"unit_id": "u1", "budget_year": 2024}, {"unit_id": "u2", "unit_name": None}])
    assert list(table.columns) == list(TABLES["units"])
    assert {column: str(dtype) for column, dtype in table.dtypes.items()} == TABLES["units"]
    assert table["budget_year"].isna().tolist() == [False, True] and table["unit_name"].isna().all()
    assert len(make_table("projects", [])) == 0


def test_bundles_hold_each_units_findings_and_points(batch, tmp_path):
    settings = load_settings()
    audited = audit(batch, settings, {})  # as write_unit_bundles: every finding undecided
    unit_ids = sorted(batch.units["unit_id"])
    write_unit_bundles(batch, tmp_path, settings)
    for unit_id in unit_ids:
        findings = with_rule_columns(audited.audit.for_unit(unit_id))
        assert_frame_equal(read_findings(tmp_path, unit_id), findings, **STRICT, obj=unit_id)
        expected = project_points(counting(findings), audited.audit.grade_config)
        read_back = read_bundle(tmp_path, unit_id).points  # Parquet gives the index pandas' default string dtype
        assert_frame_equal(read_back, expected, **{**STRICT, "check_index_type": False}, obj=unit_id)
        assert list(read_back.index) == list(expected.index)
    # validation: each unit's own offending rows, and its documents' rows that belong to no unit
    validation = audited.validation
    for unit_id, unit in validation.per_unit(unit_ids).items():
        for whole, own in zip(validation.outcomes(), unit.outcomes()):
            expected = whole.offending
            if whole.row_level and whole.error is None:
                expected = tuple(row for row in whole.offending if row.unit_id == unit_id
                                 or (row.unit_id is None and row.source_file in validation.unit_files[unit_id]))
            assert own.offending == expected, (unit_id, whole.id)
