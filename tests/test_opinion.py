"""The 审核意见书 (.docx): opens in python-docx (and LibreOffice where installed), holds the same
conclusion, problems and suggestions as the bundle the PDF is made from, same bytes every time."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import docx
import pytest

import variants
from perfaudit.ingest import ingest_paths, read_document
from perfaudit.model import Dataset
from perfaudit.bundle import read_bundle
from perfaudit.report.opinion import TITLE, opinion_docx
from perfaudit.pipeline import write_unit_bundles
from perfaudit.settings import load_settings

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
HOSTILE = "老年诗词<script>alert(1)</script>$经费"


@pytest.fixture(scope="module")
def bundles(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("bundles")
    hostile = variants.sample_text("julu").replace("老年诗词楹联协会经费", HOSTILE).replace("721001", "721998")
    dataset = Dataset.concat([ingest_paths([EXAMPLES]).dataset, read_document(hostile.encode(), "hostile.txt")])
    write_unit_bundles(dataset, root, load_settings())
    return root


def _text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "opinion.docx"
    path.write_bytes(data)
    document = docx.Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.mark.parametrize("unit_id", ["n-a68528022d76", "c-721001-9b9aa6fb", "c-363207-2da5064f"])
def test_opinion_holds_the_conclusion_problems_and_suggestions(bundles, unit_id, tmp_path):
    bundle = read_bundle(bundles, unit_id)
    text = _text(opinion_docx(bundle), tmp_path)
    assert TITLE in text and bundle.unit_name in text
    conclusion = bundle.grade["conclusion"]
    assert f"审核结论（建议）：审核结果为“{conclusion['action']}”，{conclusion['consequence']}。{conclusion['reason']}" in text
    for project_id, result in bundle.grade["project_conclusions"].items():  # every project has its 88号 result
        assert result["action"] in ("优", "良", "中", "差") and f"——审核结果：{result['label']}" in text
    common = {f for problem in bundle.grade["common_problems"] for f in problem["finding_ids"]}
    for problem in bundle.grade["common_problems"]:
        assert problem["suggestion"] in text
    for finding in bundle.findings.to_dict("records"):
        if finding["finding_id"] not in common:  # a common problem is stated once, for its projects
            assert finding["message"] in text and finding["suggestion"] in text, finding["message"]
    for project in bundle.dataset.projects["project_name"]:
        assert project in text
    assert "审核单位（盖章）" in text and "年　　月　　日" in text


def test_opinion_bytes_are_deterministic(bundles):
    bundle = read_bundle(bundles, "c-721001-9b9aa6fb")
    assert opinion_docx(bundle) == opinion_docx(read_bundle(bundles, "c-721001-9b9aa6fb"))


def test_document_text_stays_text(bundles, tmp_path):
    hostile = next(u for u in ingest_ids(bundles) if u.startswith("c-721998-"))
    assert HOSTILE in _text(opinion_docx(read_bundle(bundles, hostile)), tmp_path)


def ingest_ids(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.is_dir())


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed (optional)")
def test_libreoffice_opens_the_opinion(bundles, tmp_path):
    source = tmp_path / "opinion.docx"
    source.write_bytes(opinion_docx(read_bundle(bundles, "c-721001-9b9aa6fb")))
    done = subprocess.run(["soffice", "--headless", "--convert-to", "txt:Text", "--outdir", str(tmp_path), str(source)],
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert TITLE in (tmp_path / "opinion.txt").read_text(encoding="utf-8", errors="replace")
