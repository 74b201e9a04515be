"""The audit on the complete real documents of tests/data/real/ (issue 23), guarded like the
samples: every finding was judged by reading the source (tests/data/judged_findings.csv, rows
noted with the file name), and a finding judged false or noise that comes back, one judged true
that is lost, or a new finding nobody judged fails; every project has its 88号 result and every
unit's result agrees with its projects'."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pandas as pd
import pytest

from judged import JUDGED, false_or_noise_back, judged_verdicts, reported_keys, true_lost, unjudged
from perfaudit.cli import main
from review_results import assert_results_follow_88号

REAL = Path(__file__).parent / "data" / "real"
COMPLETE = [
    "n1_hubei_wuhan_qingshan_jyj_2020.txt", "n1_hunan_xiangtan_huanweichu_2023.txt",
    "n1_tianjin_ninghe_jiaoyuju_2020_kangyiguozhai.txt", "n1_anhui_huaibei_wenlvtiju_2025.txt",
    "n3_hubei_huangshi_dangxiao_2022_pifu.txt", "p_sichuan_guangyuan_zhaohua_leprosy.txt",
]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("audit_real")
    with contextlib.redirect_stdout(io.StringIO()):
        code = main(["audit", *(str(REAL / name) for name in COMPLETE), "--out", str(out)])
    return code, out


@pytest.fixture(scope="module")
def current(run) -> set[tuple[str, ...]]:
    code, out = run
    assert code == 0
    return reported_keys(pd.read_parquet(out / "findings.parquet"), out / "grades.csv")


@pytest.fixture(scope="module")
def judged(run) -> dict[tuple[str, ...], str]:
    grades = pd.read_csv(run[1] / "grades.csv", skiprows=[1], dtype=str)
    assert len(grades) == len(COMPLETE)  # one unit per document, none lost
    return judged_verdicts(set(grades["unit_name"]))


def test_no_finding_judged_false_or_noise_comes_back(judged, current):
    assert not (back := false_or_noise_back(judged, current)), f"findings judged false or noise are reported again: {back}"


def test_every_finding_judged_true_is_still_found(judged, current):
    assert not (lost := true_lost(judged, current)), f"findings judged true are no longer reported: {lost}"


def test_every_finding_has_been_judged(judged, current):
    assert not (new := unjudged(judged, current)), f"new findings on the real documents: judge them in {JUDGED.name}: {new}"


def test_every_project_has_an_88号_result_and_every_unit_agrees_with_its_projects():
    from perfaudit.ingest import ingest_paths
    from perfaudit.pipeline import audit
    from perfaudit.settings import load_settings

    dataset = ingest_paths([REAL / name for name in COMPLETE]).dataset
    assert len(dataset.projects) == len(COMPLETE)  # each is a one-project form
    assert_results_follow_88号(dataset, audit(dataset, load_settings()).audit)
