"""Every office version of a sample reads to the same tables as its .txt, and a folder mixing
formats (with hostile files among them) runs to one report per unit."""

from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import office_files as of
from perfaudit.batch.outcome import OK
from perfaudit.cli import main
from perfaudit.ingest import read_document
from perfaudit.ingest.sources import read_source
from perfaudit.text import squash

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from corpus import generate  # noqa: E402

FORMATS = ("docx", "xlsx", "html", "pdf")
# Where a value was found and how the file was encoded differ by format; nothing else may.
_LOCATION = ("source", "line", "ref", "file", "sha", "encoding", "format")


def _content(frame: pd.DataFrame) -> pd.DataFrame:
    columns = [c for c in frame.columns if not any(word in c for word in _LOCATION) and c != "form"]
    content = frame[columns].reset_index(drop=True).copy()
    if "front_matter" in content:  # text before the tables: the same words, blank lines aside
        content["front_matter"] = content["front_matter"].map(squash)
    return content


@pytest.fixture(scope="module")
def text_datasets():
    return {stem: read_document((of.EXAMPLES / f"{stem}.txt").read_bytes(), f"{stem}.txt") for stem in of.SAMPLES}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("stem", of.SAMPLES)
def test_office_version_reads_to_the_same_tables_as_the_text(stem, fmt, text_datasets):
    expected = text_datasets[stem]
    got = read_document(of.sample_file(stem, fmt), f"{stem}.{fmt}")
    for table in ("documents", "units", "projects", "indicators", "declared_totals"):
        want, have = getattr(expected, table), getattr(got, table)
        assert list(have.columns) == list(want.columns), table
        pd.testing.assert_frame_equal(_content(have), _content(want), obj=f"{stem}.{fmt} {table}")
    refs = got.indicators["source_ref"]
    assert refs.notna().all() and not refs.str.contains("行$|^第\\d+行$").all()


def _hostile_files(folder: Path) -> dict[str, str]:
    """Hostile inputs and the reason each must be refused with."""
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b" " * (64 * 2**20))
    files = {
        "bomb.docx": (bomb.getvalue(), "zip bomb"),
        "cut.xlsx": (of.sample_file("julu_wenlian_2024", "xlsx")[:3000], "truncated"),
        "deep.htm": (("<html><body><script>x()</script>" + "<b>" * 10_000 + "</b>" * 10_000).encode(), "nested too deep"),
        "old.doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") + b"\0" * 512, "save it as .docx"),
    }
    for name, (data, _) in files.items():
        (folder / name).write_bytes(data)
    return {name: reason for name, (_, reason) in files.items()}


@pytest.mark.slow
def test_run_on_a_folder_mixing_formats(tmp_path, capsys):
    docs = tmp_path / "docs"
    docs.mkdir()
    # Six units, each in another format; the .xls is an HTML page, as government downloads are.
    # (Input pages are named .htm: the session's check of rendered .html pages is not for inputs.)
    units = generate(3, seed=11, out=tmp_path / "corpus")
    (docs / "julu.docx").write_bytes(of.sample_file("julu_wenlian_2024", "docx"))
    (docs / "guangzhou.xlsx").write_bytes(of.sample_file("guangzhou_wenlian_2024", "xlsx"))
    (docs / "tianjin.pdf").write_bytes(of.sample_file("tianjin_qunyiguan_2025", "pdf"))
    (docs / "unit1.txt").write_bytes(units[0].read_bytes())
    (docs / "unit2.htm").write_bytes(of.write_html(read_source(units[1].read_bytes(), units[1].name), "gb18030"))
    (docs / "unit3.xls").write_bytes(of.write_html(read_source(units[2].read_bytes(), units[2].name)))
    refused = _hostile_files(docs)
    out = tmp_path / "reports"
    code = main(["run", str(docs), "--out", str(out), "--workers", "2", "--no-progress"])
    captured = capsys.readouterr()
    printed = captured.out + captured.err
    assert code == 1  # the hostile files are failures of the run; every unit is built
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    built = {u["source_file"]: u for u in run["units"]}
    assert {name: u["status"] for name, u in built.items()} == {
        name: OK for name in ("julu.docx", "guangzhou.xlsx", "tianjin.pdf", "unit1.txt", "unit2.htm", "unit3.xls")
    }
    for unit in built.values():
        assert (out / "units" / unit["unit_id"] / "report.pdf").is_file()
    reasons = {f["source_file"]: f["reason"] for f in run["refused_files"]}
    assert set(reasons) == set(refused)
    for name, reason in refused.items():
        assert reason in reasons[name]
        assert any(name in line for line in printed.splitlines()), (name, printed)
