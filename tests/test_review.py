"""Reviewer dispositions (OUT/reviews/<unit_id>.toml): the file format and its refusals, atomic
writes that keep a person's comments, the effect on grade and conclusion, stale dispositions, the
``perfaudit review`` command, and (slow) a batch that carries dispositions over reruns and
rebuilds only the unit whose review changed."""

from __future__ import annotations

import datetime
import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from perfaudit.batch import BatchOptions, run_batch
from perfaudit.cli import main
from perfaudit.errors import ReviewFileError
from perfaudit.ingest import ingest_paths
from perfaudit.outdir import OutputFolder
from perfaudit.bundle import read_bundle
from perfaudit.pipeline import audit, write_unit_bundles
from perfaudit.review.apply import apply_reviews, counting, set_aside, stale
from perfaudit.review.file import parse_review, read_review, write_review
from perfaudit.review.model import CONFIRMED, EXCLUDED, RESOLVED, Disposition, Review, SignOff
from perfaudit.settings import load_settings

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
JULU, GUANGZHOU, TIANJIN = "c-721001-9b9aa6fb", "n-a68528022d76", "c-363207-2da5064f"
GONE = "0123456789abcdef"  # a well-formed finding id that no finding has


@pytest.fixture(scope="module")
def dataset():
    return ingest_paths([EXAMPLES]).dataset


@pytest.fixture(scope="module")
def plain(dataset):
    """The audit without any review."""
    return audit(dataset, load_settings()).audit


def _errors(audit, unit_id):
    own = audit.for_unit(unit_id)
    return own[own["severity"] == "error"]


# ---------------------------------------------------------------- the file

def test_a_hand_written_file_reads_with_chinese_or_english_statuses(tmp_path):
    text = """# 巨鹿县文联，第一轮
unit_id = "c-721001-9b9aa6fb"
[signoff]
reviewer = "张三"
date = "2026-12-01"
[findings.aaaaaaaaaaaaaaaa]
status = "排除"   # 附表里有
reason = "12月底数据在附表中"
[findings.bbbbbbbbbbbbbbbb]
status = "resolved"
[findings.cccccccccccccccc]
note = "  待单位说明  "
"""
    review = parse_review(text, tmp_path / "x.toml", JULU)
    assert review.signoff == SignOff("张三", datetime.date(2026, 12, 1))
    assert review.dispositions == {
        "aaaaaaaaaaaaaaaa": Disposition("aaaaaaaaaaaaaaaa", EXCLUDED, "12月底数据在附表中"),
        "bbbbbbbbbbbbbbbb": Disposition("bbbbbbbbbbbbbbbb", RESOLVED),
        "cccccccccccccccc": Disposition("cccccccccccccccc", None, None, "待单位说明"),
    }


@pytest.mark.parametrize(("text", "line", "says"), [
    ('[findings.aaaaaaaaaaaaaaaa]\nstatus = "排除\n', 2, "not valid TOML"),
    ('unit_id = "c-1"\n\n[findings.aaaaaaaaaaaaaaaa]\nstatus = 排除\n', 4, "not valid TOML"),
    ('[findings.aaaaaaaaaaaaaaaa]\nstatus = "排除"\n', 1, "排除 needs a reason"),
    ('\n[findings.aaaaaaaaaaaaaaaa]\nstatus = "驳回"\n', 2, "is not one of 确认 / 排除 / 已整改"),
    ('[findings.aaaaaaaaaaaaaaaa]\nstatus = "确认"\nreson = "x"\n', 1, "unknown key(s) reson"),
    ('[findings.S04]\nstatus = "确认"\n', 1, "16 hex digits"),
    ('\n\n[signoff]\nreviewer = "张三"\n', 3, "needs reviewer"),
])
def test_a_malformed_file_is_refused_naming_file_and_line(tmp_path, text, line, says):
    out = tmp_path / "out"
    path = OutputFolder(out).review_file(JULU)
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ReviewFileError) as caught:
        read_review(out, JULU)
    assert caught.value.line == line and says in caught.value.reason
    assert str(caught.value).startswith(f"{path}:{line}: ")


def test_a_malformed_file_is_never_written_over(tmp_path):
    path = OutputFolder(tmp_path).review_file(JULU)
    path.parent.mkdir()
    path.write_bytes(b'[findings.aaaaaaaaaaaaaaaa]\nstatus = "\xe7\xa1\xae\xe8\xae\xa4\n')  # an unclosed string
    before = path.read_bytes()
    with pytest.raises(ReviewFileError):
        write_review(tmp_path, Review(JULU, {GONE: Disposition(GONE, CONFIRMED)}))
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no temporary left


def test_the_unit_id_inside_must_name_the_files_unit(tmp_path):
    with pytest.raises(ReviewFileError, match="is not this file's unit"):
        parse_review('unit_id = "c-363207-2da5064f"\n', tmp_path / "x.toml", JULU)


def test_writing_keeps_a_persons_comments_and_reads_back(tmp_path):
    path = OutputFolder(tmp_path).review_file(JULU)
    path.parent.mkdir()
    path.write_text('# 第一轮复核，李四\n[findings.aaaaaaaaaaaaaaaa]\nstatus = "确认"  # 属实\n', encoding="utf-8")
    review = read_review(tmp_path, JULU)
    tricky = 'with "quotes", a backslash \\ and\na new line'
    changed = review.with_disposition(Disposition(GONE, EXCLUDED, tricky, "备注"))
    write_review(tmp_path, replace_signoff(changed), {GONE: "S04 缺少成本指标 · 项目一"})
    text = path.read_text(encoding="utf-8")
    assert "# 第一轮复核，李四" in text and "# 属实" in text and "# S04 缺少成本指标 · 项目一" in text
    assert read_review(tmp_path, JULU) == replace_signoff(changed)
    write_review(tmp_path, read_review(tmp_path, JULU).without_disposition(GONE))
    assert GONE not in path.read_text(encoding="utf-8") and "# 属实" in path.read_text(encoding="utf-8")


def replace_signoff(review: Review) -> Review:
    from dataclasses import replace

    return replace(review, signoff=SignOff("王五", datetime.date(2026, 12, 1)))


def test_a_write_interrupted_before_the_rename_leaves_the_old_file(tmp_path, monkeypatch):
    write_review(tmp_path, Review(JULU, {GONE: Disposition(GONE, CONFIRMED)}))
    path = OutputFolder(tmp_path).review_file(JULU)
    before = path.read_bytes()

    def crash(src, dst):
        raise OSError("disk gone")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk gone"):
        write_review(tmp_path, Review(JULU, {GONE: Disposition(GONE, RESOLVED)}))
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


# ---------------------------------------------------------------- grade, conclusion, stale

def test_excluded_and_resolved_findings_count_in_neither_grade_nor_conclusion(dataset, plain):
    errors = _errors(plain, JULU)
    assert len(errors)
    project = errors["project_id"].iloc[0]  # A05 of 2024 年县文联创先争优工作经费
    excluded = {fid: Disposition(fid, EXCLUDED, "核实无误") for fid in errors["finding_id"]}
    reviewed = audit(dataset, load_settings(), {JULU: Review(JULU, excluded)}).audit
    record, before = reviewed.records[JULU], plain.records[JULU]
    assert record["error"] == 0 and record["findings"] == before["findings"] - len(errors)
    assert record["score"] > before["score"]
    assert record["project_grades"][project]["score"] > before["project_grades"][project]["score"]
    assert record["project_conclusions"][project]["reason"] == f"项目得分 {record['project_grades'][project]['score']:.2f}。"
    assert not set(errors["finding_id"]) & set(counting(reviewed.for_unit(JULU))["finding_id"])
    assert reviewed.records[GUANGZHOU] == plain.records[GUANGZHOU]  # other units untouched
    # 已整改 weighs the same as 排除; 确认 the same as no decision
    resolved = {fid: Disposition(fid, RESOLVED) for fid in errors["finding_id"]}
    assert audit(dataset, load_settings(), {JULU: Review(JULU, resolved)}).audit.records[JULU]["score"] == record["score"]
    confirmed = {fid: Disposition(fid, CONFIRMED) for fid in plain.for_unit(JULU)["finding_id"]}
    assert audit(dataset, load_settings(), {JULU: Review(JULU, confirmed)}).audit.records[JULU] == before


def test_setting_every_finding_aside_scores_the_unit_as_one_without_findings(dataset, plain):
    every = {fid: Disposition(fid, RESOLVED) for fid in plain.for_unit(TIANJIN)["finding_id"]}
    record = audit(dataset, load_settings(), {TIANJIN: Review(TIANJIN, every)}).audit.records[TIANJIN]
    assert record["findings"] == 0 and record["score"] == 100 and record["deductions"] == []
    # the cap for benefit indicators without a figure reads the indicators, not the findings: it stays
    assert record["grade"] == plain.records[TIANJIN]["grade"] == record["cap"]["grade"]


def test_apply_is_pure_and_matches_by_unit_and_id(plain):
    findings = plain.findings
    fid = findings.loc[findings["unit_id"] == JULU, "finding_id"].iloc[0]
    reviews = {GUANGZHOU: Review(GUANGZHOU, {fid: Disposition(fid, EXCLUDED, "x")})}  # another unit's file
    applied = apply_reviews(findings, reviews)
    assert applied["review_status"].isna().all() and "review_status" not in findings.columns
    applied = apply_reviews(applied, {JULU: Review(JULU, {fid: Disposition(fid, EXCLUDED, "x")})})  # re-applied: replaced
    assert list(set_aside(applied)["finding_id"]) == [fid] and len(counting(applied)) == len(findings) - 1


def test_a_disposition_whose_finding_is_gone_is_stale(plain):
    fid = plain.for_unit(JULU)["finding_id"].iloc[0]
    review = Review(JULU, {fid: Disposition(fid, CONFIRMED), GONE: Disposition(GONE, EXCLUDED, "旧版文件")})
    assert stale(review, plain.for_unit(JULU)["finding_id"]) == [Disposition(GONE, EXCLUDED, "旧版文件")]


# ---------------------------------------------------------------- perfaudit review

@pytest.fixture()
def out(dataset, tmp_path):
    """An output folder with the examples' bundles, as `perfaudit run` leaves it."""
    write_unit_bundles(dataset, OutputFolder(tmp_path).bundles.root, load_settings())
    return tmp_path


def _review(capsys, *args) -> tuple[int, str, str]:
    code = main(["review", *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_review_command_round_trip(out, capsys, plain):
    errors = _errors(plain, JULU)
    fid = errors["finding_id"].iloc[0]
    code, listed, _ = _review(capsys, out, "--unit", JULU)
    assert code == 0 and fid in listed and f"{len(plain.for_unit(JULU))} open" in listed
    code, _, err = _review(capsys, out, "--unit", JULU, "--finding", fid, "--exclude")
    assert code == 2 and "needs a reason" in err and not OutputFolder(out).review_file(JULU).exists()
    code, _, err = _review(capsys, out, "--unit", JULU, "--finding", GONE, "--confirm")
    assert code == 2 and f"has no finding {GONE}" in err
    assert _review(capsys, out, "--unit", JULU, "--finding", fid, "--exclude", "--reason", "附表已列", "--note", "见附表2")[0] == 0
    assert _review(capsys, out, "--unit", JULU, "--sign-off", "--reviewer", "张三", "--date", "2026-12-01")[0] == 0
    review = read_review(out, JULU)
    assert review.dispositions == {fid: Disposition(fid, EXCLUDED, "附表已列", "见附表2")}
    assert review.signoff == SignOff("张三", datetime.date(2026, 12, 1))
    code, listed, _ = _review(capsys, out, "--unit", JULU)
    assert fid not in listed and "1 set aside" in listed and "signed off by 张三 on 2026-12-01" in listed
    assert fid in _review(capsys, out, "--unit", JULU, "--all")[1]
    # a new status drops the old reason; a note alone keeps the status
    assert _review(capsys, out, "--unit", JULU, "--finding", fid, "--confirm")[0] == 0
    assert read_review(out, JULU).dispositions[fid] == Disposition(fid, CONFIRMED, None, "见附表2")
    assert _review(capsys, out, "--unit", JULU, "--finding", fid, "--note", "复核：属实")[0] == 0
    assert read_review(out, JULU).dispositions[fid] == Disposition(fid, CONFIRMED, None, "复核：属实")
    assert _review(capsys, out, "--unit", JULU, "--finding", fid, "--clear")[0] == 0
    assert read_review(out, JULU).dispositions == {}


def test_review_command_lists_stale_and_refuses_a_malformed_file(out, capsys):
    path = OutputFolder(out).review_file(JULU)
    path.parent.mkdir()
    path.write_text(f'[findings.{GONE}]\nstatus = "排除"\nreason = "旧版文件的问题"\n', encoding="utf-8")
    OutputFolder(out).review_file("c-000000-00000000").write_text(f'[findings.{GONE}]\nnote = "单位已撤销"\n', encoding="utf-8")
    code, listed, _ = _review(capsys, out, "--stale")
    assert code == 0
    assert f"stale  {JULU}  {GONE}  [排除]  理由：旧版文件的问题" in listed
    assert f"stale  c-000000-00000000  {GONE}  [待审核]  备注：单位已撤销  (unit not in this output folder)" in listed
    assert "1 stale" in _review(capsys, out, "--unit", JULU)[1]
    path.write_text('[findings.aaaaaaaaaaaaaaaa\nstatus = "确认"\n', encoding="utf-8")
    before = path.read_bytes()
    code, _, err = _review(capsys, out, "--unit", JULU, "--finding", GONE, "--clear")
    assert code == 2 and f"{path}:1: not valid TOML" in err and path.read_bytes() == before


def test_the_bundle_shows_set_aside_findings_stale_dispositions_and_the_signoff(dataset, plain, tmp_path):
    from perfaudit.report.sections import cover, findings as findings_sections, summary
    from perfaudit.report.markup import render

    fid = _errors(plain, JULU)["finding_id"].iloc[0]
    review = Review(JULU, {fid: Disposition(fid, EXCLUDED, "附表<已列>"), GONE: Disposition(GONE, CONFIRMED, None, "旧")},
                    SignOff("张三", datetime.date(2026, 12, 1)))
    write_unit_bundles(dataset, tmp_path, load_settings(), unit_ids=[JULU], reviews={JULU: review})
    bundle = read_bundle(tmp_path, JULU)
    assert list(bundle.set_aside["finding_id"]) == [fid] and fid not in set(bundle.findings["finding_id"])
    assert bundle.review["stale"] == [{"finding_id": GONE, "status": CONFIRMED, "reason": None, "note": "旧"}]
    html = render(findings_sections.findings_section(bundle))
    assert "已排除和已整改的发现（1 条" in html and "附表&lt;已列&gt;" in html and "失效的审核意见（1 条）" in html
    assert GONE in html and "reviews/c-721001-9b9aa6fb.toml" in html
    assert "张三" in render(cover.cover(bundle)) and "2026-12-01" in render(cover.cover(bundle))
    assert "排除 1 条" in summary.review_state(bundle) and "张三 于 2026-12-01 签署" in summary.review_state(bundle)


# ---------------------------------------------------------------- the batch (slow)

@pytest.mark.slow
def test_dispositions_survive_reruns_and_rebuild_only_their_unit(tmp_path, capsys):
    inputs, out = tmp_path / "inputs", tmp_path / "reports"
    shutil.copytree(EXAMPLES, inputs)
    options = BatchOptions(workers=2, progress=False)

    def run():
        summary = run_batch([inputs], out, options)
        return {u.result.unit_id: u for u in summary.units}, json.loads((out / "manifest.json").read_text(encoding="utf-8"))

    first, manifest = run()
    assert all(u.result.ok for u in first.values())
    before = manifest["units"][JULU]["summary"]
    findings = pd.read_parquet(OutputFolder(out).bundles.unit_file(JULU, "findings.parquet"))
    error_id = findings.loc[findings["severity"] == "error", "finding_id"].iloc[0]
    assert main(["review", str(out), "--unit", JULU, "--finding", error_id, "--exclude", "--reason", "附表已列"]) == 0
    pdf_mtimes = {u: (out / "units" / u / "report.pdf").stat().st_mtime_ns for u in first}

    second, manifest = run()
    assert {u: r.status for u, r in second.items()} == {JULU: "ok", GUANGZHOU: "skipped", TIANJIN: "skipped"}
    assert second[JULU].reason == "review file changed"
    assert (out / "units" / GUANGZHOU / "report.pdf").stat().st_mtime_ns == pdf_mtimes[GUANGZHOU]
    after = manifest["units"][JULU]["summary"]
    assert after["severity"]["error"] == before["severity"]["error"] - 1 and after["score"] > before["score"]
    assert after["review"]["open"] == sum(before["severity"].values()) - 1 and after["review"]["set_aside"] == 1
    html = (out / "units" / JULU / "report.html").read_text(encoding="utf-8")
    assert "已排除和已整改的发现（1 条" in html and "附表已列" in html
    assert "待处理" in (out / "index.html").read_text(encoding="utf-8")

    # a rerun (the document re-read: its text changed elsewhere) keeps the disposition
    source = next(inputs.glob("*julu*"))
    source.write_bytes(source.read_bytes() + "\n".encode())
    third, manifest = run()
    assert third[JULU].status == "ok" and manifest["units"][JULU]["summary"]["review"]["set_aside"] == 1

    # a stale disposition (hand-written) is kept in the file and listed in report and index
    path = OutputFolder(out).review_file(JULU)
    path.write_text(path.read_text(encoding="utf-8") + f'\n[findings.{GONE}]\nstatus = "确认"\n', encoding="utf-8")
    fourth, manifest = run()
    assert fourth[JULU].status == "ok" and manifest["units"][JULU]["summary"]["review"]["stale"] == [GONE]
    assert GONE in (out / "units" / JULU / "report.html").read_text(encoding="utf-8")
    assert GONE in (out / "index.html").read_text(encoding="utf-8") and GONE in path.read_text(encoding="utf-8")

    # a malformed file fails its unit alone, keeps its last reports, is left as it is
    path.write_text(path.read_text(encoding="utf-8") + "status = \n", encoding="utf-8")
    broken = path.read_bytes()
    fifth, manifest = run()
    assert fifth[JULU].status == "failed" and f"{path}:" in fifth[JULU].reason and "not valid TOML" in fifth[JULU].reason
    assert fifth[GUANGZHOU].status == "skipped" and path.read_bytes() == broken
    assert (out / "units" / JULU / "report.pdf").is_file()
    assert run()[0][JULU].status == "failed"  # unchanged: stays failed, not retried
    path.write_bytes(broken.replace(b"status = \n", b""))
    assert run()[0][JULU].status == "ok"
