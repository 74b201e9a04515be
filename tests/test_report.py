"""The report stage, end to end: the real notebook executed for each sample unit (and one unit
whose document carries hostile markup), rendered to HTML and PDF, and checked the way a
reviewer would read it (pdftotext, pdffonts, pdfinfo)."""

from __future__ import annotations

import json
import re
from html import escape
import subprocess
import zlib
from pathlib import Path

import nbformat
import pytest

from perfaudit.cli import EXIT_FAILED, EXIT_INPUT, EXIT_OK, main
from perfaudit.outdir import OutputFolder
from perfaudit.report import FAILED
from perfaudit.bundle import bundled_unit_ids, read_bundle
from perfaudit.report.markup import element, lines, table
from perfaudit.report.pdf import render_pdf
from browser import Browser
from ids import julu_copy

# End-to-end runs of the batch and the report stage: the slow part of the suite.
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
NOTEBOOK = REPO / "notebooks" / "unit_audit.ipynb"
SECTIONS = ("一、审核概况", "二、图表分析", "三、审核发现", "技术附注")  # the PDF's bookmarks
APPENDIX = "附录 项目明细"  # in the HTML only, by default
GUANGZHOU = "n-a68528022d76"  # the largest sample: 17 projects, 35 PDF pages when issue 15 was filed

# A copy of the Julu sample whose unit name, project names, goals and an indicator carry HTML
# markup, Typst markup and code (# ] $ \ @ < // #eval, a page setting), and a "$", which
# matplotlib would read as TeX. Its unit id differs from Julu's.
HOSTILE_EDITS = (
    ("721001 巨鹿县文学艺术界联合会本级", "721999 巨鹿县<i>文联</i>&amp;本级", 3),
    ("项目名称\t老年诗词楹联协会经费", "项目名称\t老年诗词<script>alert(1)</script>$经费", 1),
    ("1.按照文件要求，开展老年活动", "1.按照文件要求<img src=x onerror=alert(1)>，开展老年活动", 1),
    ("开展活动覆盖率\t开展活动覆盖率\t95%", "<p>开展活动覆盖率</p>\t开展活动覆盖率\t95%", 1),
    ("项目名称\t老研会书画活动经费", '项目名称\t老研会#eval("1+1")]书画$x$\\@ref<lbl>//活动经费', 1),
    ("1.按照上级文件要求，开展创先争优活动", '1.按照上级文件要求#set page(width: 3cm)]，开展#[创先]争优活动 /* 注', 1),
)
HOSTILE_UNIT = julu_copy("721999", "巨鹿县<i>文联</i>&amp;本级")
HOSTILE_TEXTS = (
    "巨鹿县<i>文联</i>&amp;本级",
    "老年诗词<script>alert(1)</script>$经费",
    "<img src=x onerror=alert(1)>",
    "<p>开展活动覆盖率</p>",
    '老研会#eval("1+1")]书画$x$\\@ref<lbl>//活动经费',
    '1.按照上级文件要求#set page(width: 3cm)]，开展#[创先]争优活动 /* 注',
)


def pdf_text(pdf: Path) -> str:
    """The PDF's text in content order (-raw keeps each table cell's text together)."""
    return subprocess.run(["pdftotext", "-raw", str(pdf), "-"], check=True, capture_output=True, text=True).stdout


def flat(text: str) -> str:
    """Text without white space: a PDF line break can fall anywhere in a sentence."""
    return re.sub(r"\s+", "", text)


def pdf_outline_titles(pdf: Path) -> list[str]:
    """Bookmark titles: written as UTF-16 strings, possibly inside compressed object streams."""
    data = pdf.read_bytes()
    chunks = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            chunks.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    titles = []
    for chunk in chunks:
        for hexstring in re.findall(rb"/Title\s*<([0-9A-Fa-f]+)>", chunk):
            raw = bytes.fromhex(hexstring.decode())
            titles.append(raw[2:].decode("utf-16-be") if raw.startswith(b"\xfe\xff") else raw.decode("latin-1"))
        for literal in re.findall(rb"/Title\s*\((.*?)\)", chunk):
            titles.append(literal.decode("latin-1"))
    return titles


@pytest.fixture(scope="session")
def hostile_dir(tmp_path_factory) -> Path:
    text = (EXAMPLES / "julu_wenlian_2024.txt").read_text(encoding="utf-8")
    for old, new, count in HOSTILE_EDITS:
        assert text.count(old) == count, f"the Julu sample changed: {old!r}"
        text = text.replace(old, new)
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "hostile_2024.txt").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory, hostile_dir) -> Path:
    """`perfaudit run` over the three samples and the hostile document: four unit reports."""
    out = tmp_path_factory.mktemp("reports")
    assert main(["run", str(EXAMPLES), str(hostile_dir), "--out", str(out)]) == EXIT_OK
    return out


@pytest.fixture(scope="session")
def units(run_dir) -> list[str]:
    ids = bundled_unit_ids(OutputFolder(run_dir).bundles.root)
    assert len(ids) == 4 and HOSTILE_UNIT in ids
    return ids


def report_file(run_dir: Path, unit_id: str, ext: str) -> Path:
    return OutputFolder(run_dir).unit_report(unit_id) / f"report.{ext}"


# ------------------------------------------------------------------ markup (no notebook)

def test_markup_escapes_text_and_attributes():
    html = str(element("td", "<script>x</script>", title='"><img onerror=1>'))
    assert "<script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert 'title="&#34;&gt;&lt;img onerror=1&gt;"' in html
    assert str(lines("a<b>\nc")) == "a&lt;b&gt;<br>c"
    rendered = str(table(["<h>"], [["<v>", None]]))
    assert "&lt;h&gt;" in rendered and "&lt;v&gt;" in rendered and "<thead>" in rendered


# ------------------------------------------------------------------ the executed reports

def test_every_unit_has_notebook_html_pdf_opinion_and_provenance(run_dir, units):
    files = ["opinion.docx", "report.html", "report.ipynb", "report.pdf"]
    for unit_id in units:
        folder = OutputFolder(run_dir).unit_report(unit_id)
        assert sorted(p.name for p in folder.iterdir()) == sorted([*files, "provenance.json"])
        provenance = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))
        assert provenance["status"] == "ok" and provenance["host"] and provenance["started"]
        assert set(provenance["files"]) == set(files)


def test_executed_notebooks_have_no_errors_or_stray_output(run_dir, units):
    """No tracebacks, warnings (e.g. missing glyphs) or printed text: only the report's HTML."""
    for unit_id in units:
        notebook = nbformat.read(report_file(run_dir, unit_id, "ipynb"), as_version=4)
        outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
        assert outputs and all(output.output_type == "execute_result" for output in outputs), unit_id
        assert all("text/html" in output.data for output in outputs)


def test_html_has_no_code_prompts_or_parameter_cells(run_dir, units):
    for unit_id in units:
        html = report_file(run_dir, unit_id, "html").read_text(encoding="utf-8")
        for code in ("unit_id =", "bundle_dir", "done_marker", "open_unit", "report.cover", "import "):
            assert code not in html, (unit_id, code)
        assert "In&nbsp;[" not in html and "In [" not in html and "<pre" not in html
        for title in SECTIONS:
            assert f"<h1>{title}</h1>" in html


def test_html_is_self_contained_and_names_no_local_path(run_dir, units):
    for unit_id in units:
        html = report_file(run_dir, unit_id, "html").read_text(encoding="utf-8")
        assert "<script" not in html and "<link" not in html
        assert "Content-Security-Policy" in html and "default-src 'none'" in html
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//|file:)""", html)
        assert "http://" not in html and "https://" not in html
        for local in (str(run_dir), str(REPO), str(Path.home())):
            assert local not in html, (unit_id, local)
        assert 'src="data:image/svg+xml;base64,' in html


def test_pdf_shows_unit_name_and_every_findings_evidence(run_dir, units):
    for unit_id in units:
        bundle = read_bundle(OutputFolder(run_dir).bundles.root, unit_id)
        text = flat(pdf_text(report_file(run_dir, unit_id, "pdf")))
        assert flat(bundle.unit_name) in text
        assert not bundle.findings.empty
        missing = [evidence for evidence in bundle.findings["evidence"] if flat(evidence) not in text]
        assert missing == [], unit_id


def test_pdf_embeds_a_cjk_font(run_dir, units):
    for unit_id in units:
        listing = subprocess.run(["pdffonts", str(report_file(run_dir, unit_id, "pdf"))],
                                 check=True, capture_output=True, text=True).stdout
        rows = [line.split() for line in listing.splitlines()[2:]]
        cjk = [row for row in rows if "CJK" in row[0]]
        assert cjk and all(row[-5] == "yes" for row in cjk), listing  # the "emb" column
        assert not any("Type 3" in line for line in listing.splitlines())


def test_pdf_is_a4_with_page_numbers_running_header_and_bookmarks(run_dir, units):
    for unit_id in units:
        pdf = report_file(run_dir, unit_id, "pdf")
        info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
        assert "(A4)" in info
        pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
        assert pages >= 5
        second_page = subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(pdf), "-"],
                                     check=True, capture_output=True, text=True).stdout
        assert f"第2页共{pages}页" in flat(second_page)
        assert flat(read_bundle(OutputFolder(run_dir).bundles.root, unit_id).unit_name) in flat(second_page)
        titles = pdf_outline_titles(pdf)
        assert all(title in titles for title in SECTIONS), titles


def test_hostile_text_is_text_in_html_and_pdf(run_dir, units, tmp_path):
    html = report_file(run_dir, HOSTILE_UNIT, "html").read_text(encoding="utf-8")
    for raw in ("<script", "<img src=x", "<i>", "<p>开展"):
        assert raw not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;p&gt;开展活动覆盖率&lt;/p&gt;" in html
    assert "<title>巨鹿县&lt;i&gt;文联&lt;/i&gt;&amp;amp;本级 " in html
    # the goals are in the appendix, which the report's PDF leaves out by default: set it too
    settings = read_bundle(OutputFolder(run_dir).bundles.root, HOSTILE_UNIT).report_settings
    pdf = tmp_path / "with-appendix.pdf"
    pdf.write_bytes(render_pdf(nbformat.read(report_file(run_dir, HOSTILE_UNIT, "ipynb"), as_version=4), title="t",
                               cjk_font_file=settings["cjk_font_file"], font_family=settings["cjk_font_family"],
                               mono_font_family=settings["mono_font_family"], appendix=True))
    text = flat(pdf_text(pdf))
    assert APPENDIX in pdf_text(pdf)
    for hostile in HOSTILE_TEXTS:
        assert flat(hostile) in text, hostile
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert set(re.findall(r"Page\s+\d+ size:\s+(.*)", info)) == {"595.276 x 841.89 pts (A4)"}  # no page(width: 3cm)


def test_report_command_renders_a_unit_again_byte_identical(run_dir, units, hostile_dir):
    """`perfaudit report` for one unit, same inputs, same folder: the same HTML and PDF bytes."""
    unit_id = "c-721001-9b9aa6fb"
    before = {ext: report_file(run_dir, unit_id, ext).read_bytes() for ext in ("html", "pdf")}
    code = main(["report", str(EXAMPLES), str(hostile_dir), "--unit", unit_id, "--out", str(run_dir)])
    assert code == EXIT_OK
    for ext, content in before.items():
        assert report_file(run_dir, unit_id, ext).read_bytes() == content, ext


def test_report_command_refuses_an_unknown_unit(tmp_path, capsys):
    code = main(["report", str(EXAMPLES / "julu_wenlian_2024.txt"), "--unit", "c-000000", "--out", str(tmp_path)])
    assert code == EXIT_INPUT
    error = capsys.readouterr().err
    assert "c-000000" in error and "c-721001-9b9aa6fb" in error and "Traceback" not in error


def test_a_failing_unit_is_listed_and_keeps_its_executed_notebook_with_the_error(tmp_path, capsys):
    """A CJK font that is not installed, met in the kernel: the unit fails and keeps its executed
    notebook. (``perfaudit run`` checks the font before any work: tests/test_cli_conventions.py.)"""
    config = tmp_path / "config.toml"
    config.write_text('[report]\ncjk_font_file = "/nonexistent/NotoSansCJK.ttc"\n', encoding="utf-8")
    out = tmp_path / "out"
    code = main(["report", str(EXAMPLES / "julu_wenlian_2024.txt"), "--unit", "c-721001-9b9aa6fb",
                 "--config", str(config), "--out", str(out)])
    assert code == EXIT_FAILED
    error = capsys.readouterr().err
    assert "FAILED  c-721001-9b9aa6fb" in error and "/nonexistent/NotoSansCJK.ttc" in error and "Traceback" not in error
    folder = OutputFolder(out).unit_report("c-721001-9b9aa6fb")
    assert sorted(p.name for p in folder.iterdir()) == ["provenance.json", "report.ipynb"]
    notebook = nbformat.read(folder / "report.ipynb", as_version=4)
    errors = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs if o.output_type == "error"]
    assert len(errors) == 1 and "NotoSansCJK.ttc" in errors[0].evalue
    provenance = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))
    assert provenance["status"] == FAILED and "NotoSansCJK.ttc" in provenance["error"]


def test_notebook_runs_with_default_parameters_on_a_fresh_checkout(tmp_path, monkeypatch):
    """What an auditor gets from JupyterLab → Run All with nothing set up: the first example unit."""
    import papermill

    monkeypatch.setenv("PERFAUDIT_CACHE_DIR", str(tmp_path / "cache"))
    notebook = papermill.execute_notebook(NOTEBOOK, tmp_path / "out.ipynb", kernel_name="python3", progress_bar=False)
    html = "".join(
        output.data["text/html"]
        for cell in notebook.cells if cell.cell_type == "code"
        for output in cell.outputs if output.output_type == "execute_result"
    )
    first = read_bundle(next((tmp_path / "cache").iterdir()))
    assert first.unit_name in html
    for title in (*SECTIONS, APPENDIX):
        assert title in html


def test_conclusion_grade_and_every_error_are_on_pages_one_and_two(run_dir, units):
    """The reviewer's verdict first: the suggested conclusion, the grade and every error by name
    are in the first two pages of every unit's PDF."""
    for unit_id in units:
        bundle = read_bundle(OutputFolder(run_dir).bundles.root, unit_id)
        pdf = report_file(run_dir, unit_id, "pdf")
        first_pages = flat(subprocess.run(["pdftotext", "-raw", "-f", "1", "-l", "2", str(pdf), "-"],
                                          check=True, capture_output=True, text=True).stdout)
        conclusion = bundle.grade["conclusion"]
        assert flat(f"审核结果为“{conclusion['action']}”：{conclusion['consequence']}") in first_pages
        whole = flat(pdf_text(pdf))
        for result in bundle.grade["project_conclusions"].values():  # each project's 88号 result
            assert flat(result["label"]) in whole
        assert flat(f"建议等级{bundle.grade['grade']}") in first_pages
        for error in bundle.findings[bundle.findings["severity"] == "error"].to_dict("records"):
            assert flat(error["rule_name"]) in first_pages and flat(error["message"])[:20] in first_pages, error["message"]


# ------------------------------------------------------------------ layout, read from the PDF

def test_appendix_is_in_the_html_not_the_pdf_and_the_html_has_contents_and_a_way_back(run_dir, units):
    for unit_id in units:
        html = report_file(run_dir, unit_id, "html").read_text(encoding="utf-8")
        assert APPENDIX in html and 'href="#appendix"' in html and 'id="appendix"' in html
        assert APPENDIX not in pdf_text(report_file(run_dir, unit_id, "pdf"))
        anchors = set(re.findall(r' id="([^"]+)"', html))
        links = set(re.findall(r'href="#([^"]+)"', html))
        assert {"summary", "findings", "technical-notes", "project-1"} <= links <= anchors
        index = report_file(run_dir, unit_id, "html").parent / re.search(r'href="([^"#]+)"', html).group(1)
        assert index.resolve() == (run_dir / "index.html").resolve() and index.is_file()


def test_a_20_project_unit_prints_in_at_most_half_its_former_pages(run_dir):
    info = subprocess.run(["pdfinfo", str(report_file(run_dir, GUANGZHOU, "pdf"))], check=True, capture_output=True,
                          text=True).stdout
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) <= 35 // 2


def test_common_problems_are_stated_once(run_dir):
    bundle = read_bundle(OutputFolder(run_dir).bundles.root, GUANGZHOU)
    common = bundle.grade["common_problems"]
    assert common
    text = flat(pdf_text(report_file(run_dir, GUANGZHOU, "pdf")))
    for problem in common:
        suggestion = flat(problem["suggestion"])
        assert text.count(suggestion) == 1, problem["rule_id"]
        assert text.count(flat(f"{problem['rule_name']}（{len(problem['project_ids'])}个项目）")) == 1


def test_pages_keep_headings_with_their_tables_no_orphan_rows_no_half_empty_pages(run_dir, units):
    """Read from the PDF's layout (pdfplumber): a heading is never the last thing on a page; a
    table that runs on to the next page leaves at least two rows under its header; a page that
    is not the last of its section is at least half full."""
    from pdf_layout import page_layouts

    for unit_id in units:
        pages = page_layouts(report_file(run_dir, unit_id, "pdf"))
        for number, (page, following) in enumerate(zip(pages, pages[1:]), start=1):
            where = f"{unit_id} page {number}"
            assert not page.ends_with_heading, where
            if page.last_table_rows is not None and following.starts_with_table:
                assert page.last_table_rows >= 3, where  # its header and two rows at least
            if not following.starts_section:
                assert page.filled >= 0.5, f"{where}: {page.filled:.0%} full"


def _pdfs(run_dir: Path) -> list[Path]:
    return sorted(run_dir.glob("units/*/report.pdf")) + sorted(run_dir.glob("departments/*/report.pdf")) + [run_dir / "index.pdf"]


def test_every_pdf_page_is_set_as_a_typesetter_would(run_dir, units):
    """pdfplumber's text of every page of every PDF: no line (or table-cell line) starts with
    closing punctuation or ends with opening punctuation, no punctuation collides, no number has
    more than two decimals (before the 技术附注)."""
    from pdf_layout import typography_faults

    pdfs = _pdfs(run_dir)
    assert len(pdfs) >= len(units) + 1
    faults = [f"{pdf.relative_to(run_dir)} {fault}" for pdf in pdfs for fault in typography_faults(pdf)]
    assert faults == []


def test_the_pdf_opens_on_the_conclusion_and_names_findings_by_number_not_by_id_or_line(run_dir, units):
    """Page 1: title, unit, year and the conclusion; the grade's largest deductions once; the
    findings by project, indicator and short number (问题12), their ids and source lines only in
    the HTML, where each number sits by its finding_id."""
    from perfaudit.terms import finding_numbers

    for unit_id in units:
        bundle = read_bundle(OutputFolder(run_dir).bundles.root, unit_id)
        pdf = report_file(run_dir, unit_id, "pdf")
        first = flat(subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], check=True, capture_output=True,
                                    text=True).stdout)
        conclusion = bundle.grade["conclusion"]
        assert flat(bundle.unit_name) in first and "预算年度" in first
        assert flat(f"审核结果为“{conclusion['action']}”") in first, unit_id
        whole = flat(pdf_text(pdf))
        assert whole.count("扣分最多的三项") == 1, unit_id
        body = whole[:whole.rfind("技术附注")]  # everything before the notes, the last section
        every = bundle.all_findings
        numbers = dict(zip(every["finding_id"], finding_numbers(every, every["rule_rank"])))
        assert sorted(numbers.values(), key=lambda n: int(n[2:])) == [f"问题{i}" for i in range(1, len(every) + 1)]
        for finding_id in bundle.findings["finding_id"]:
            assert finding_id not in body
            assert re.search(flat(numbers[finding_id]) + r"(?!\d)", body), (unit_id, numbers[finding_id])
        assert not re.search(r"第\d+行", body) and "同因" not in body, unit_id
        html = report_file(run_dir, unit_id, "html").read_text(encoding="utf-8")
        for finding_id, number in numbers.items():
            if finding_id in set(bundle.findings["finding_id"]):
                assert (f'<strong class="finding-number">{number}</strong>'
                        f'<code class="finding-id screen-only">{finding_id}</code>') in html


def test_the_findings_csv_gives_each_finding_the_number_its_report_shows(run_dir, units, tmp_path):
    import pandas as pd

    assert main(["audit", str(EXAMPLES), "--out", str(tmp_path)]) == EXIT_OK
    numbers = pd.read_csv(tmp_path / "findings.csv", skiprows=[1], dtype=str).set_index("finding_id")["number"]
    shown = {}
    for unit_id in units:
        html = report_file(run_dir, unit_id, "html").read_text(encoding="utf-8")
        shown.update((finding_id, number) for number, finding_id in re.findall(
            r'<strong class="finding-number">(问题\d+)</strong><code class="finding-id screen-only">(\w+)</code>', html))
    common = [finding_id for finding_id in shown if finding_id in numbers.index]  # the samples (not the hostile copy)
    assert len(common) > 100 and all(numbers[f] == shown[f] for f in common)


def test_the_index_shows_each_units_conclusion_name_and_links_and_sums_budgets_per_year(run_dir, units):
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    html = (run_dir / "index.html").read_text(encoding="utf-8")
    table = html.split("单位一览")[1]
    assert "审核结论" in table
    years: dict[int, float] = {}
    for unit_id, entry in manifest["units"].items():
        summary = entry["summary"]
        assert summary["conclusion"] in ("优", "良", "中", "差")
        assert f"<div>{escape(summary['unit_name'], quote=False)}</div>" in table and f"<code>{unit_id}</code>" not in table
        for kind in ("html", "pdf", "docx"):
            assert f'href="{entry["outputs"][kind]}"' in table
        years[summary["budget_year"]] = years.get(summary["budget_year"], 0.0) + summary["budget"]
    assert len(years) >= 2  # the samples are of 2024 and 2025
    totals = "；".join(f"{year}年 {total:,.2f} 万元" for year, total in sorted(years.items()))
    assert f"<td>{totals}</td>" in html  # 预算合计: per year, never across years
    assert f"{sum(years.values()):,.2f}" not in html.split("单位一览")[0]


# ------------------------------------------------------------------ the index in a real browser

_SHOWN_UNITS = """Array.from(document.querySelectorAll('table.units-table tbody tr')).map(row => {
  const name = row.querySelector('td:nth-child(2) div'); return [name.textContent, name.getBoundingClientRect().top]; })"""
_LABEL_CENTRE = """(() => { const label = document.querySelector('label[for="%s"]'); label.scrollIntoView({block: 'center'});
  const box = label.getBoundingClientRect(); return [box.left + box.width / 2, box.top + box.height / 2]; })()"""


def _shown_order(browser: Browser) -> list[str]:
    return [unit for unit, _ in sorted(browser.evaluate(_SHOWN_UNITS), key=lambda row: row[1])]


def test_index_sorts_worst_first_and_by_a_clicked_header_in_a_real_browser(run_dir, units, tmp_path):
    summaries = {unit: entry["summary"] for unit, entry in
                 json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))["units"].items()}
    worst_first = sorted(summaries, key=lambda u: (summaries[u]["score"], -summaries[u]["severity"]["error"],
                                                   -summaries[u]["severity"]["warning"], summaries[u]["unit_name"]))
    names = {unit: summary["unit_name"] for unit, summary in summaries.items()}  # the table shows names, not ids
    conclusion_rank = {"差": 0, "中": 1, "良": 2, "优": 3}
    browser = Browser((run_dir / "index.html").as_uri(), str(tmp_path / "profile"))
    try:
        assert _shown_order(browser) == [names[u] for u in worst_first]
        for order, key in (("sort-score-desc", lambda u: (-summaries[u]["score"], summaries[u]["unit_name"])),
                           ("sort-budget-asc", lambda u: (summaries[u]["budget"], summaries[u]["unit_name"])),
                           ("sort-conclusion", lambda u: (conclusion_rank[summaries[u]["conclusion"]], summaries[u]["score"],
                                                          summaries[u]["unit_name"]))):
            browser.click(*browser.evaluate(_LABEL_CENTRE % order))
            assert browser.evaluate(f"document.getElementById('{order}').checked") is True
            assert _shown_order(browser) == [names[u] for u in sorted(summaries, key=key)], order
    finally:
        browser.close()
