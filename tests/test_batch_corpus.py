"""The benchmark's synthetic corpus: every generated document is read cleanly, units are unique,
all three layouts in both physical forms occur, units are grouped into departments as a city's
are, and a seed gives the same bytes."""

from __future__ import annotations

import sys
from pathlib import Path

from perfaudit.ingest import ingest_paths

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import random  # noqa: E402

from corpus import department_sizes, generate  # noqa: E402


def test_twenty_generated_units_ingest_cleanly(tmp_path):
    paths = generate(20, 7, tmp_path / "a")
    result = ingest_paths([tmp_path / "a"])
    assert len(paths) == 20 and not result.refused
    units = result.dataset.units
    assert units["unit_id"].is_unique and units["unit_name"].is_unique and len(units) == 20
    documents = result.dataset.documents
    assert set(zip(documents["layout"], documents["form"])) == {
        (layout, form) for layout in "ABC" for form in ("rows", "cells")}
    projects = result.dataset.projects.groupby("unit_id").size()
    assert projects.min() >= 2 and projects.max() <= 12
    assert result.dataset.indicators.groupby("project_id").size().min() >= 1


def test_same_seed_same_corpus(tmp_path):
    first = [p.read_bytes() for p in generate(6, 3, tmp_path / "a")]
    again = [p.read_bytes() for p in generate(6, 3, tmp_path / "b")]
    other = [p.read_bytes() for p in generate(6, 4, tmp_path / "c")]
    assert first == again and first != other


def test_departments_are_grouped_like_a_citys():
    sizes = department_sizes(1000, random.Random(1))
    assert sum(sizes) == 1000 and max(sizes) <= 30
    assert 0.15 <= sizes.count(1) / len(sizes) <= 0.35  # about a quarter with one unit
    assert 9 <= 1000 / len(sizes) <= 15  # about a dozen units per department


def test_every_layout_names_its_department(tmp_path):
    generate(40, 1, tmp_path / "a")
    units = ingest_paths([tmp_path / "a"]).dataset.units
    assert units["department"].notna().all()  # C too, on its cover
    per_department = units.groupby("department_id").size()
    assert per_department.max() >= 2 and len(per_department) < len(units)


def test_reading_in_parallel_gives_the_same_tables_and_refusals(tmp_path):
    from pandas.testing import assert_frame_equal

    from perfaudit.ingest import PARALLEL_FROM

    generate(PARALLEL_FROM, 5, tmp_path / "a")
    (tmp_path / "a" / "unit00003_C_rows.txt").write_bytes(b"\xff\xfe not a document")  # refused, in the middle
    serial = ingest_paths([tmp_path / "a"])
    parallel = ingest_paths([tmp_path / "a"], processes=2)
    assert len(serial.refused) == 1 and serial.files == parallel.files
    for name, frame in serial.dataset.tables().items():
        assert_frame_equal(frame, parallel.dataset.tables()[name])
