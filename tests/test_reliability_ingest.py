"""Issue 7, ingest half: every case of the bad-input corpus (tests/badinputs.py) with its outcome,
several bad files in one run, and a 10 MB document."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import badinputs
from perfaudit.cli import main
from perfaudit.ingest import read_document
from perfaudit.model import Dataset
from perfaudit.settings import load_settings

TESTS = Path(__file__).resolve().parent
EXAMPLES = TESTS.parent / "examples"
SETTINGS = load_settings()


def read_case(name: str) -> Dataset:
    return read_document(badinputs.CASES[name].data, badinputs.file_name(name), settings=SETTINGS)


@pytest.fixture(scope="module")
def samples() -> dict[str, Dataset]:
    return {
        name: read_document((EXAMPLES / file).read_bytes(), file, settings=SETTINGS)
        for name, file in badinputs.variants.SAMPLES.items()
    }


# --- read identically ------------------------------------------------------------------------

@pytest.mark.parametrize("name", badinputs.by_expect(badinputs.SAME))
def test_same_case_reads_as_the_sample(samples, name):
    case = badinputs.CASES[name]
    file = badinputs.variants.SAMPLES[case.sample]
    dataset = read_document(case.data, file, settings=SETTINGS)
    badinputs.assert_same_tables(dataset, samples[case.sample])
    if case.same_lines:  # line ends (CRLF, CR), encodings, widths, U+2028 and \f move no line
        badinputs.assert_same_lines(dataset, samples[case.sample])


# --- read, with what the document says ------------------------------------------------------

READ = badinputs.by_expect(badinputs.READ)


@pytest.fixture(scope="module")
def read_cases() -> dict[str, Dataset]:
    return {name: read_case(name) for name in READ}


def _text_cells(dataset: Dataset) -> set[str]:
    return {
        value
        for frame in (dataset.units, dataset.projects, dataset.indicators)
        for column in frame.columns
        if frame[column].dtype == "string"
        for value in frame[column].dropna()
    }


@pytest.mark.parametrize("name", READ)
def test_read_case_keeps_text_verbatim(read_cases, name):
    """Hostile text (markup, quotes, template syntax, RLO, NUL and controls), odd unit names and
    duplicated names reach the tables exactly as written: kept as text, never cleaned or run."""
    cells = _text_cells(read_cases[name])
    for text in badinputs.CASES[name].texts:
        assert any(text in cell for cell in cells), text


@pytest.mark.parametrize("name", READ)
def test_read_case_ids_are_unique_and_safe(read_cases, name, tmp_path):
    dataset = read_cases[name]
    assert dataset.units.unit_id.is_unique and dataset.projects.project_id.is_unique
    assert set(dataset.projects.unit_id) <= set(dataset.units.unit_id)
    for identifier in [*dataset.units.unit_id, *dataset.projects.project_id]:
        assert badinputs.is_safe_name(identifier, tmp_path), identifier


@pytest.mark.parametrize("name", READ)
def test_read_case_survives_parquet(read_cases, name, tmp_path):
    dataset = read_cases[name]
    dataset.write(tmp_path)
    again = Dataset.read(tmp_path)
    for table, frame in dataset.tables().items():
        pd.testing.assert_frame_equal(getattr(again, table), frame, obj=table)


@pytest.mark.parametrize("name", [n for n, case in READ.items() if case.amounts])
def test_totals_are_read_as_written(read_cases, name):
    """Totals that do not add up are data: read as written, flagged by validate/audit, not by ingest."""
    dataset = read_cases[name]
    totals = dataset.declared_totals.set_index("scope")
    projects = dataset.projects.set_index("project_name")
    for where, amounts in badinputs.CASES[name].amounts.items():
        row = totals.loc[where] if where in ("document", "unit") else projects.loc[where]
        for column, value in amounts.items():
            assert row[column] == pytest.approx(value), (where, column)


def test_unit_names_give_distinct_ids(read_cases):
    """Unit names with '/', '..', 300 characters or differing only by punctuation: one unit each."""
    for name in ("unit names A", "unit names C"):
        units = read_cases[name].units
        assert sorted(units.unit_name) == sorted(badinputs.CASES[name].texts)
        assert units.unit_id.map(len).max() <= 42
    codes = read_cases["unit names C"].units.set_index("unit_name").unit_id
    assert codes["天津市群众艺术馆"] == "c-363207-2da5064f"  # the full-width code is the same unit
    assert codes["天津市群众艺术馆分馆"].startswith("k-")  # a 300-digit code is hashed, not copied


def test_duplicate_project_names_get_distinct_ids(read_cases, samples):
    for name in ("duplicate project name A", "duplicate project name B", "duplicate project table C"):
        projects = read_cases[name].projects
        twins = projects[projects.project_name == badinputs.CASES[name].texts[0]]
        assert len(twins) == 2 and twins.project_id.is_unique, name
    repeated = read_cases["duplicate project table C"]
    assert len(repeated.projects) == len(samples["tianjin"].projects) + 1
    per_project = repeated.indicators.groupby("project_id").size()
    assert per_project["c-363207-2da5064f-p001"] == per_project["c-363207-2da5064f-p011"] == 9  # each keeps its own indicators


def test_audit_finds_the_totals_that_do_not_add_up(read_cases):
    """The right findings: the audit stage reports A01/A02 on the lines the corpus names."""
    from perfaudit.pipeline import audit

    names = [name for name, case in READ.items() if case.findings]
    findings = audit(Dataset.concat([read_cases[name] for name in names]), SETTINGS).audit.findings
    found = set(zip(findings.source_file, findings.rule_id, findings.source_line))
    for name in names:
        for rule, line in badinputs.CASES[name].findings:
            assert (badinputs.file_name(name), rule, line) in found, (name, rule, line)


# --- refused, the others unaffected ----------------------------------------------------------

def test_bad_files_leave_the_others_complete(tmp_path, capsys, samples):
    """One run over the three samples and every refused case: one line per bad file naming file,
    line and reason; no traceback; the good files' tables exactly as when read alone."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    for file in badinputs.variants.SAMPLES.values():
        (inputs / file).write_bytes((EXAMPLES / file).read_bytes())
    refused = badinputs.by_expect(badinputs.REFUSED)
    for name, case in refused.items():
        (inputs / badinputs.file_name(name)).write_bytes(case.data)
    out = tmp_path / "out"

    assert main(["ingest", str(inputs), "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    errors = captured.err.splitlines()
    assert len(errors) == len(refused)
    for name, case in refused.items():
        where = badinputs.file_name(name) + (f":{case.line}" if case.line is not None else "")
        line = next(line for line in errors if line.startswith(f"REFUSED {where}: "))
        assert case.reason in line, line
    oks = [line for line in captured.out.splitlines() if line.startswith("ok ")]
    assert len(oks) == len(samples)

    written = Dataset.read(out)
    for file, alone in zip(badinputs.variants.SAMPLES.values(), samples.values()):
        for table, frame in written.tables().items():
            mine = frame[frame.source_file == file].reset_index(drop=True)
            pd.testing.assert_frame_equal(mine, getattr(alone, table), obj=f"{file} {table}")
    assert set(written.documents.source_file) == set(badinputs.variants.SAMPLES.values())


def test_hostile_file_names_print_one_line_each(tmp_path, capsys):
    """File names are text too: a line break, a control character or a bidi override in a name
    stays in the tables as it is and never splits or reorders a line of the CLI's output."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    good, bad = "<img src=x onerror=alert(1)>\u202egpj.txt", "bad\nname\x1b[31m.txt"
    (inputs / good).write_bytes((EXAMPLES / badinputs.variants.SAMPLES["julu"]).read_bytes())
    (inputs / bad).write_bytes(badinputs.CASES["truncated B mid-row"].data)
    out = tmp_path / "out"

    assert main(["ingest", str(inputs), "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.err == "REFUSED bad\\nname\\x1b[31m.txt:72: indicator row is incomplete (table truncated?)\n"
    assert captured.out.splitlines()[0].startswith("ok      <img src=x onerror=alert(1)>\\u202egpj.txt: layout B")
    assert set(Dataset.read(out).projects.source_file) == {good}


# --- a 10 MB document -----------------------------------------------------------------------

_MEASURE = """
import json, resource, sys, time
import badinputs
from perfaudit.ingest import read_document
data = badinputs.big_document("tianjin", 10_000_000)
start = time.perf_counter()
dataset = read_document(data, "big.txt")
seconds = time.perf_counter() - start
print(json.dumps({"bytes": len(data), "seconds": seconds, "projects": len(dataset.projects),
                  "indicators": len(dataset.indicators),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def test_ten_megabyte_document_reads_within_bounds():
    """A guarantee, not a benchmark: 10 MB (some 6,600 project tables) in under a minute and under
    1 GB peak memory, measured in a fresh process (ru_maxrss includes the interpreter and pandas)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run([sys.executable, "-c", _MEASURE], capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["bytes"] >= 10_000_000
    copies = result["projects"] // 10
    assert (result["projects"], result["indicators"]) == (copies * 10, copies * 80)
    assert result["seconds"] < 60, result
    assert result["peak_mb"] < 1024, result
