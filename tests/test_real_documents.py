"""Real published forms (issue 22): every file of tests/data/real/ gives the result its oracle
says. The oracle (tests/data/real/expected.toml) was written by reading each source text, not by
running the reader; where they disagree, the source text decides.

A read file is compared with the oracle row by row (every indicator's level1/level2/level3/value,
every amount within 0.005 万元); a refused file's message must name what the oracle says (the
family and last complete row of a truncated form, what a document of another kind is) and never
call it an unknown layout. A failure lists every difference, expected against got.
"""

from __future__ import annotations

import difflib
import math
import tomllib
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

import badinputs
from perfaudit.ingest import IngestResult, ingest_paths
from perfaudit.text import squash

REAL = Path(__file__).parent / "data" / "real"
NOT_DOCUMENTS = ("README.md", "expected.toml")
ORACLE: dict[str, dict] = tomllib.loads((REAL / "expected.toml").read_text("utf-8"))["files"]
CORPUS = sorted(p.name for p in REAL.iterdir() if p.name not in NOT_DOCUMENTS)

AMOUNT_TOLERANCE = 0.005  # 万元
TEXT_CHECKS = ("goal_starts", "period_goal_starts")
NOT_COLUMNS = {"null", "indicators", "basis", "title_any", *TEXT_CHECKS}
INDICATOR_COLUMNS = ("level1", "level2", "level3", "target_annual")


@cache
def ingest(name: str) -> IngestResult:
    return ingest_paths([REAL / name])


def _value(value):
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def _differs(column: str, expected, got) -> bool:
    if isinstance(expected, float) and not isinstance(expected, bool):
        return got is None or not isinstance(got, (int, float)) or math.isnan(got) or abs(got - expected) > AMOUNT_TOLERANCE
    return got != expected


def _row_problems(what: str, expected: dict, row: pd.Series) -> list[str]:
    """Differences between one oracle record and one table row."""
    problems = []
    for column, want in expected.items():
        if column in NOT_COLUMNS or column not in row.index:
            if column not in NOT_COLUMNS:
                problems.append(f"{what}: the table has no column {column!r}")
            continue
        got = _value(row[column])
        if _differs(column, want, got):
            problems.append(f"{what}: {column} expected {want!r}, got {got!r}")
    for column in expected.get("null", []):
        got = _value(row.get(column))
        if got is not None:
            problems.append(f"{what}: {column} expected empty, got {got!r}")
    if "title_any" in expected:
        got = _value(row.get("title"))
        if got is None or squash(got) not in {squash(title) for title in expected["title_any"]}:
            problems.append(f"{what}: title expected one of {expected['title_any']}, got {got!r}")
    for check in TEXT_CHECKS:
        if check in expected:
            column = check.removesuffix("_starts")
            got = _value(row.get(column))
            if got is None or not squash(got).startswith(squash(expected[check])):
                problems.append(f"{what}: {column} expected to start {expected[check]!r}, got {got!r}")
    return problems


def _indicator_problems(what: str, expected: list[list[str]], got: pd.DataFrame) -> list[str]:
    """Every indicator row compared in order; rows are aligned first, so that a missing or extra
    row is named as such (with its content) rather than shifting every row after it."""
    problems = []
    if len(got) != len(expected):
        problems.append(f"{what}: {len(expected)} indicators expected, got {len(got)}")
    want_rows = [tuple(row) for row in expected]
    got_rows = [tuple(_value(row[c]) for c in INDICATOR_COLUMNS) for _, row in got.iterrows()]
    matcher = difflib.SequenceMatcher(a=want_rows, b=got_rows, autojunk=False)
    for op, w0, w1, g0, g1 in matcher.get_opcodes():
        if op == "equal":
            continue
        if op == "replace" and w1 - w0 == g1 - g0:
            for i, (want, have) in enumerate(zip(want_rows[w0:w1], got_rows[g0:g1]), start=w0 + 1):
                diffs = ", ".join(
                    f"{c} expected {w!r} got {h!r}" for c, w, h in zip(INDICATOR_COLUMNS, want, have) if w != h
                )
                problems.append(f"{what} indicator {i} ({want[2]}): {diffs}")
            continue
        problems += [f"{what} indicator {i}: expected {' / '.join(want)}, missing" for i, want in
                     enumerate(want_rows[w0:w1], start=w0 + 1)]
        problems += [f"{what}: got an indicator not expected (after expected row {w0}): {have}"
                     for have in got_rows[g0:g1]]
    filled = got["target_period"].dropna()
    if len(filled):
        problems.append(f"{what}: target_period expected empty, got {filled.tolist()}")
    return problems


def _read_problems(name: str, expected: dict, result: IngestResult) -> list[str]:
    if result.refused:
        return [f"{name}: expected read, refused: {result.refused[0].error}"]
    data = result.dataset
    problems = _row_problems(f"{name} document", expected.get("document", {}), data.documents.iloc[0])
    for table in ("units", "projects"):
        want, frame = expected[table], getattr(data, table)
        if len(frame) != len(want):
            got_names = frame["unit_name" if table == "units" else "project_name"].tolist()
            problems.append(f"{name}: {len(want)} {table} expected, got {len(frame)}: {got_names}")
        for i, (record, (_, row)) in enumerate(zip(want, frame.iterrows()), start=1):
            problems += _row_problems(f"{name} {table[:-1]} {i}", record, row)
    for i, (record, (_, project)) in enumerate(zip(expected["projects"], data.projects.iterrows()), start=1):
        rows = data.indicators[data.indicators["project_id"] == project["project_id"]].sort_values("seq")
        what = f"{name} project {i}"
        problems += _indicator_problems(what, record["indicators"], rows)
        if "basis" in record:
            got = [_value(v) for v in rows["basis"]]
            if got != record["basis"]:
                problems.append(f"{what}: basis expected {record['basis']}, got {got}")
    unplaced = data.indicators[data.indicators["project_id"].isna()]
    if len(unplaced):
        problems.append(f"{name}: {len(unplaced)} indicators outside any project: {unplaced['level3'].tolist()}")
    return problems


def _refusal_problems(name: str, expected: dict, result: IngestResult) -> list[str]:
    if not result.refused:
        data = result.dataset
        return [
            f"{name}: expected refused ({expected['reason']}), but it was read: "
            f"{len(data.projects)} projects, {len(data.indicators)} indicators"
        ]
    message = result.refused[0].error
    said = squash(message).lower()
    problems = [
        f"{name}: refusal should name {word!r}: {message}"
        for word in expected.get("message_has", [])
        if squash(word).lower() not in said
    ]
    any_of = expected.get("message_has_any", [])
    if any_of and not any(squash(word).lower() in said for word in any_of):
        problems.append(f"{name}: refusal should name one of {any_of}: {message}")
    if "unknownlayout" in said:
        problems.append(f"{name}: refused as an unknown layout although its family is {expected['family']}: {message}")
    return problems


def test_every_real_file_has_an_oracle_entry():
    assert set(CORPUS) == set(ORACLE), (
        f"files without an oracle entry: {sorted(set(CORPUS) - set(ORACLE))}; "
        f"entries without a file: {sorted(set(ORACLE) - set(CORPUS))}"
    )


@pytest.mark.parametrize("name", CORPUS)
def test_real_document(name):
    expected = ORACLE[name]
    oracle = ORACLE[expected["same_as"]] if "same_as" in expected else expected
    if expected["result"] == "read":
        problems = _read_problems(name, oracle, ingest(name))
    else:
        problems = _refusal_problems(name, expected, ingest(name))
    assert not problems, "\n".join(problems)


_SAME_AS = [name for name in CORPUS if "same_as" in ORACLE[name]]


@pytest.mark.parametrize("name", _SAME_AS)
def test_other_formats_read_to_the_same_tables(name):
    """The .docx and .html rebuilds of a text read to the same tables as the text (text NFKC with
    white space folded; places and the file name aside)."""
    result, reference = ingest(name), ingest(ORACLE[name]["same_as"])
    assert not result.refused, result.refused[0].error
    assert not reference.refused, reference.refused[0].error
    got, want = badinputs.comparable(result.dataset), badinputs.comparable(reference.dataset)
    for table in ("units", "projects", "indicators", "declared_totals"):
        pd.testing.assert_frame_equal(
            got[table].drop(columns="source_file"), want[table].drop(columns="source_file"), obj=f"{name} {table}"
        )
