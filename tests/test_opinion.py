"""The 审核意见书 (.docx) as the bureau's letter: A4 with page numbers and East Asian fonts, the
same conclusion, problems and suggestions as the bundle the PDF is made from, named by project and
indicator (never by rule code, id or source line), one 修改意见 per indicator, same bytes every
time; and, printed through LibreOffice, A4 pages with no line starting with closing punctuation."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from lxml import etree

import variants
from perfaudit.bundle import read_bundle, read_department
from perfaudit.ingest import ingest_paths, read_document
from perfaudit.model import Dataset
from perfaudit.pipeline import write_department_bundles, write_unit_bundles
from perfaudit.report.letter import _set_text, clause
from perfaudit.report.opinion import DEPARTMENT_TITLE, LONGEST_PROBLEM, REGULATIONS, TITLE, department_opinion_docx, opinion_docx
from perfaudit.errors import ConfigError
from perfaudit.fonts import report_settings
from perfaudit.settings import load_settings

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
HOSTILE = "老年诗词<script>alert(1)</script>$经费"
SAMPLES = ["n-a68528022d76", "c-721001-9b9aa6fb", "c-363207-2da5064f"]
# What the letter never says: rule codes, finding ids (16 hex), unit ids, source lines, machine wording.
FORBIDDEN = re.compile(r"(?<![A-Za-z0-9])[SAQCDX]\d{2}(?![0-9])|[0-9a-f]{16}|\b[nc]-[0-9a-f]{6,}|第\s*\d+\s*行|机器|推断|建议等级|perfaudit")
COLLISION = re.compile(r"[。，；：、][。，；：、]")
CLOSING, OPENING = "）》」』”’，。、；：！？〕", "（《「『“‘〔"


@pytest.fixture(scope="module")
def bundles(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("bundles")
    hostile = variants.sample_text("julu").replace("老年诗词楹联协会经费", HOSTILE).replace("721001", "721998")
    dataset = Dataset.concat([ingest_paths([EXAMPLES]).dataset, read_document(hostile.encode(), "hostile.txt")])
    settings = load_settings()
    write_unit_bundles(dataset, root, settings)
    write_department_bundles(dataset.units, root, settings)
    return root


def _open(data: bytes, tmp_path: Path, name: str = "opinion.docx") -> docx.document.Document:
    path = tmp_path / name
    path.write_bytes(data)
    return docx.Document(str(path))


def _text(document) -> str:
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _squash(text: str) -> str:
    """Text without spaces: the letter's prose writes `3个`, the bundle's `3 个`."""
    return re.sub(r"\s+", "", text)


def _department_ids(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "departments").iterdir() if p.is_dir())


@pytest.mark.parametrize("unit_id", SAMPLES)
def test_opinion_is_the_bureaus_letter(bundles, unit_id, tmp_path):
    bundle = read_bundle(bundles, unit_id)
    document = _open(opinion_docx(bundle), tmp_path)
    text = _text(document)
    assert TITLE in text and f"{bundle.unit_name}：" in text  # 主送 the unit
    assert not FORBIDDEN.findall(text), FORBIDDEN.findall(text)
    assert not COLLISION.findall(text), COLLISION.findall(text)
    conclusion = bundle.grade["conclusion"]
    assert f"审核结果为“{conclusion['action']}”，{conclusion['consequence']}。" in text
    assert f"综合得分{bundle.grade['score']:.2f}分" in text

    # the conclusion table: every project in the document's order, with its 88号 result
    projects = bundle.dataset.projects.sort_values("seq")
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["序号", "项目名称", "预算（万元）", "审核结果", "主要问题"]
    assert [row.cells[1].text for row in table.rows[1:]] == list(projects["project_name"])
    results = bundle.grade["project_conclusions"]
    assert [row.cells[3].text for row in table.rows[1:]] == [results[p]["action"] for p in projects["project_id"]]
    assert all(re.fullmatch(r"[\d,]+\.\d\d|—", row.cells[2].text) for row in table.rows[1:])

    # common problems once; every other finding's problem in a row, one suggestion per indicator
    common = {f for problem in bundle.grade["common_problems"] for f in problem["finding_ids"]}
    for problem in bundle.grade["common_problems"]:
        assert _squash(clause(problem["suggestion"])) in _squash(text)
    for finding in bundle.findings.to_dict("records"):
        if finding["finding_id"] not in common:
            stated = _squash(clause(finding["message"]))[:LONGEST_PROBLEM - 20]  # a long list is cut with 等
            assert stated in _squash(text), finding["message"]
    for problems in document.tables[1:]:
        labels = [row.cells[0].text for row in problems.rows[1:]]
        assert len(labels) == len(set(labels)), labels
        for row in problems.rows[1:]:
            suggestions = [f for f in bundle.findings.to_dict("records") if f["indicator"] == row.cells[0].text
                           and f["finding_id"] not in common and clause(f["message"]) in row.cells[1].text]
            if suggestions:  # an indicator's row: exactly one of its findings' suggestions
                assert sum(clause(f["suggestion"]) in row.cells[2].text for f in suggestions) >= 1
                assert row.cells[2].text.count("。") == 1, row.cells[2].text
    assert "审核单位（盖章）" in text and "年　　月　　日" in text


@pytest.mark.parametrize("unit_id", SAMPLES[:1])
def test_opinion_layout_is_a4_with_page_numbers_and_east_asian_fonts(bundles, unit_id, tmp_path):
    document = _open(opinion_docx(read_bundle(bundles, unit_id)), tmp_path)
    section = document.sections[0]
    assert abs(section.page_width - Cm(21.0)) < Cm(0.05) and abs(section.page_height - Cm(29.7)) < Cm(0.05)
    footer = section.footer._element.xml
    assert "<w:fldChar" in footer and " PAGE " in footer
    normal = document.styles["Normal"].element
    assert normal.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert normal.pPr.find(qn("w:kinsoku")) is not None
    assert document.styles.element.find(f".//{qn('w:rPrDefault')}//{qn('w:lang')}").get(qn("w:eastAsia")) == "zh-CN"
    font_table = next(p for p in document.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml").blob.decode()
    assert 'w:name="仿宋_GB2312"' in font_table and 'w:altName w:val="仿宋"' in font_table
    headings = [p for p in document.paragraphs if re.match(r"[一二三四五六七八九十]、", p.text)]
    assert headings and all(p.paragraph_format.keep_with_next for p in headings)
    for table in document.tables:
        assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)


def test_department_letter_has_its_budget_year_and_units(bundles, tmp_path):
    for department_id in _department_ids(bundles):
        department = read_department(bundles, department_id)
        document = _open(department_opinion_docx(department), tmp_path)
        text = _text(document)
        years = {int(y) for unit in department.units for y in unit.dataset.units["budget_year"].dropna()}
        assert all(f"{y}年度{DEPARTMENT_TITLE}" in text for y in years) and years
        assert f"{department.department_name}：" in text
        assert not FORBIDDEN.findall(text), FORBIDDEN.findall(text)
        rows = document.tables[0].rows[1:]
        assert [r.cells[1].text for r in rows] == [u.unit_name for u in department.units]
        assert [r.cells[3].text for r in rows] == [u.grade["conclusion"]["action"] for u in department.units]


def test_letterhead_is_configured(bundles, tmp_path):
    bundle = read_bundle(bundles, "c-721001-9b9aa6fb")
    settings = dict(bundle.report_settings, reviewing_unit="巨鹿县财政局", review_date="2024年3月1日",
                    opinion={**bundle.report_settings["opinion"], "reviewing_unit_short": "巨财", "contact": "张三",
                             "phone": "0319-1234567", "resubmit_by": "2024年3月15日", "local_bases": ["《巨鹿县项目支出绩效目标管理办法》"]})
    bundle.meta["report_settings"] = settings
    text = _text(_open(opinion_docx(bundle), tmp_path))
    assert "巨财绩审〔2024〕" in text and "巨鹿县财政局" in text and "2024年3月1日" in text
    assert "（联系人：张三，联系电话：0319-1234567）" in text and "于2024年3月15日前重新报送审核" in text
    assert "《巨鹿县项目支出绩效目标管理办法》等规定" in text


def test_every_regulation_the_catalogue_cites_has_its_title():
    from perfaudit.audit.registry import catalogue

    cited = {m for rule in catalogue() for m in re.findall(r"[^（）《》\s；、]*〔\d{4}〕\d+号", rule.basis)}
    assert cited and cited <= set(REGULATIONS), cited - set(REGULATIONS)


@pytest.mark.parametrize("pattern", ["{单位}绩审〔{年}〕{序号}号", "绩审〔{年}〕{序号号"])
def test_a_number_pattern_the_letter_cannot_fill_is_refused(pattern):
    settings = load_settings().overridden({"opinion": {"number_pattern": pattern}}, "test")
    with pytest.raises(ConfigError, match=r"\[opinion\] number_pattern"):
        report_settings(settings)


def test_opinion_bytes_are_deterministic(bundles):
    bundle = read_bundle(bundles, "c-721001-9b9aa6fb")
    first = opinion_docx(bundle)
    for unit_id in SAMPLES:  # letters copy shared formatted elements: writing one changes none of them
        opinion_docx(read_bundle(bundles, unit_id))
    department_opinion_docx(read_department(bundles, _department_ids(bundles)[0]))
    assert first == opinion_docx(read_bundle(bundles, "c-721001-9b9aa6fb"))


@pytest.mark.parametrize("text", ["", "指标", " 前后有空格 ", "　全角空格　", "甲\t乙", "一\n二\n\n三", "回车\r换行", "\t", "<&>"])
def test_run_text_is_set_as_python_docx_sets_it(text):
    expected, written = OxmlElement("w:r"), OxmlElement("w:r")
    expected.text = text  # python-docx: tabs and breaks as elements, xml:space where spaces must stay
    _set_text(written, text)
    assert etree.tostring(written) == etree.tostring(expected)


def test_document_text_stays_text(bundles, tmp_path):
    hostile = next(p.name for p in bundles.iterdir() if p.name.startswith("c-721998-"))
    assert HOSTILE in _text(_open(opinion_docx(read_bundle(bundles, hostile)), tmp_path))


def _soffice() -> str:
    """LibreOffice; ``./dev.sh test`` installs it (a failure in CI, a skip elsewhere without it)."""
    found = shutil.which("soffice")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is not installed (./dev.sh test installs libreoffice-writer-nogui)")
        pytest.skip("LibreOffice is not installed (Debian: apt-get install libreoffice-writer-nogui)")
    return found


def test_letters_print_on_a4_through_libreoffice(bundles, tmp_path):
    """Each sample's letter and one department's, as LibreOffice prints them: A4 pages numbered
    from 1, no line of text starting with closing punctuation or ending with opening punctuation
    (East Asian line breaking)."""
    letters = {unit_id: opinion_docx(read_bundle(bundles, unit_id)) for unit_id in SAMPLES}
    letters["department"] = department_opinion_docx(read_department(bundles, _department_ids(bundles)[0]))
    for name, data in letters.items():
        (tmp_path / f"{name}.docx").write_bytes(data)
    done = subprocess.run([_soffice(), "--headless", f"-env:UserInstallation=file://{tmp_path / 'profile'}",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), *(str(tmp_path / f"{n}.docx") for n in letters)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    for name in letters:
        pdf = tmp_path / f"{name}.pdf"
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert "(A4)" in info, info
        pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        for page, content in enumerate(text.split("\f")[:pages], start=1):
            assert re.search(rf"—\s*{page}\s*—", content), (name, page)
            lines = [line.strip() for line in content.splitlines() if line.strip()]
            if page == 1:  # the 文号's blanks (〔　　〕　号) are filled in by hand: pdftotext splits there
                lines = lines[next(i for i, line in enumerate(lines) if TITLE in line):]
            assert not [line for line in lines if line[0] in CLOSING], (name, page)
            assert not [line for line in lines if line[-1] in OPENING], (name, page)
