"""The benchmark's synthetic corpus: every generated document is read cleanly, units are unique,
all three layouts in both physical forms occur, and a seed gives the same bytes."""

from __future__ import annotations

import sys
from pathlib import Path

from perfaudit.ingest import ingest_paths

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from corpus import generate  # noqa: E402


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
