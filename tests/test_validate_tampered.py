"""Tampered copies of the samples (tests/tamper.py) fail exactly their expectation, at their line.

Cases on different samples are validated together, through the CLI, one batch per round (three
batches instead of eight GX runs); each case is then checked on its own unit's slice, so the
per-unit hand-over is exercised on real documents too.
"""

from __future__ import annotations

import contextlib
import io

import pytest

import tamper
from perfaudit.cli import EXIT_FAILED, main
from perfaudit.validate import ValidationResult


def _batches(cases) -> list[list[tamper.Tamper]]:
    """Cases grouped so that no batch holds two copies of one sample (one unit, one document)."""
    batches: list[list[tamper.Tamper]] = []
    for case in cases:
        batch = next((b for b in batches if all(other.sample != case.sample for other in b)), None)
        if batch is None:
            batches.append([case])
        else:
            batch.append(case)
    return batches


@pytest.fixture(scope="module")
def validated(tmp_path_factory):
    """case name -> (exit code, printed summary, that case's unit slice of the result)."""
    outcomes = {}
    for number, batch in enumerate(_batches(tamper.CASES)):
        documents = tmp_path_factory.mktemp(f"tampered{number}")
        out = tmp_path_factory.mktemp(f"validated{number}")
        for case in batch:
            case.write(documents)
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            code = main(["validate", str(documents), "--out", str(out)])
        result = ValidationResult.read(out)
        for case in batch:
            (unit_id,) = [unit for unit, files in result.unit_files.items() if case.sample in files]
            outcomes[case.name] = (code, printed.getvalue(), result.for_unit(unit_id))
    return outcomes


@pytest.mark.parametrize("case", tamper.CASES, ids=lambda case: case.name)
def test_tampered_copy_fails_exactly_its_expectation_at_its_line(validated, case):
    code, printed, unit = validated[case.name]
    assert code == EXIT_FAILED
    assert unit.status == "failed"
    assert [outcome.id for outcome in unit.outcomes() if not outcome.success] == [case.expectation]
    (row,) = unit.failures(case.expectation)
    assert (row.source_file, row.line) == (case.sample, case.expected_line)
    assert f"{case.sample}:{case.expected_line}" in printed


def test_tamper_refuses_a_changed_sample():
    case = tamper.CASES[0]
    with pytest.raises(ValueError, match=f"{case.sample}:{case.line}"):
        case.apply("nothing to tamper with\n")
