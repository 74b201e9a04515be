"""The Typst PDF route without a kernel: escaping, the exporter, its nbconvert entry point and
byte-identical output. The end-to-end checks of real reports are in test_report.py."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import typst
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from perfaudit.errors import ReportError
from perfaudit import fonts
from perfaudit.report import charts
from perfaudit.report.fragment import TYPST_MIME, Fragment
from perfaudit.report.markup import element, lines, table
from perfaudit.report.pdf import TypstPDFExporter, render_pdf
from perfaudit.report.sections.format import figure
from perfaudit.report.typeset import code, literal
from perfaudit.settings import load_settings

# Typst's markup, code and comment syntax, and what string literals must escape.
HOSTILE = ('#eval("1+1")', "]", "$x^2$", "a\\b", "@ref", "<lbl>", "// rest", "/* open", '"quoted"',
           "#set page(width: 3cm)", "#[content]", "*bold* _em_", "=", "- item", "\\u{41}", "{ } ( )")


def literal_value(text: str) -> str:
    """What Typst reads from ``literal(text)``: the string itself, or the test fails."""
    document = f"#metadata({literal(text)}) <probe>".encode("utf-8")
    return json.loads(typst.query(document, "<probe>", field="value", one=True, format="json", ignore_system_fonts=True))


@settings(max_examples=60, deadline=None)
@given(st.text())
def test_a_string_literal_reads_back_as_the_same_text(text):
    assert literal_value(text) == text


def test_hostile_strings_and_controls_read_back_unchanged():
    for text in (*HOSTILE, "\n\r\t\x00\x1b\x7f\u2028\u2029", "中文 ＃ ］"):
        assert literal_value(text) == text


def _notebook(*fragments: Fragment) -> nbformat.NotebookNode:
    """A notebook whose cells output the fragments, as the report notebook's cells do."""
    notebook = nbformat.v4.new_notebook()
    for index, fragment in enumerate(fragments):
        cell = nbformat.v4.new_code_cell("report.section(unit)")
        cell.outputs = [nbformat.v4.new_output("execute_result", data=fragment._repr_mimebundle_(), execution_count=index)]
        notebook.cells.append(cell)
    return notebook


def _hostile_notebook() -> nbformat.NotebookNode:
    text = " | ".join(HOSTILE)
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="60pt" height="20pt" viewBox="0 0 60 20">'
           '<text x="2" y="14" style="font: 10px \'Noto Sans CJK SC\'">图例 #eval</text></svg>')
    return _notebook(
        Fragment(element("section", element("h1", text, cls="unit-name"), element("p", text, cls=text), cls="cover")),
        Fragment(element("section", element("h1", "一、" + text), element("h2", text),
                         table([text, "b"], [[lines(f"{text}\n第二行"), element("a", text, href=text)]],
                               widths=["30%", "20%"], numeric=(1,)),
                         element("ul", element("li", element("span", text, cls="quote"))),
                         figure(svg, text), cls="report-section")),
    )


def _pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], check=True, capture_output=True, text=True).stdout


def _page_sizes(pdf: bytes, tmp_path) -> set[str]:
    path = tmp_path / "sizes.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "99", str(path)], check=True, capture_output=True, text=True).stdout
    return set(re.findall(r"Page\s+\d+ size:\s+(.*)", info))


def test_document_text_in_every_position_stays_text_in_the_pdf(tmp_path):
    report = load_settings().section("report")
    pdf = render_pdf(_hostile_notebook(), title=" ".join(HOSTILE), cjk_font_file=report["cjk_font_file"],
                     font_family=report["cjk_font_family"], mono_font_family=report["mono_font_family"])
    flat = re.sub(r"\s+", "", _pdf_text(pdf, tmp_path))
    for text in HOSTILE:
        assert re.sub(r"\s+", "", text) in flat, text
    assert "第二行" in flat and "图例#eval" in flat  # the line break and the chart's real text
    assert _page_sizes(pdf, tmp_path) == {"595.276 x 841.89 pts (A4)"}


def test_fragment_carries_the_same_tree_as_html_and_typst():
    tree = element("p", "<b>&", cls="note")
    bundle = Fragment(tree)._repr_mimebundle_()
    assert bundle["text/html"] == '<p class="note">&lt;b&gt;&amp;</p>'
    assert bundle[TYPST_MIME] == 'el("p", "note", "<b>&")'
    assert "0x" not in repr(Fragment(tree))


def test_raw_markup_and_unknown_elements_are_refused():
    with pytest.raises(TypeError):
        element("p", Markup("<b>x</b>"))
    with pytest.raises(ValueError, match="marquee"):
        code(element("marquee", "x"))
    with pytest.raises(ValueError, match="SVG"):
        code(element("img", src="data:image/png;base64,AAAA"))


def test_a_missing_font_file_is_named(tmp_path):
    exporter = TypstPDFExporter(cjk_font_file=str(tmp_path / "NotoSansCJK-Regular.ttc"))
    with pytest.raises(ReportError, match="NotoSansCJK-Regular.ttc"):
        exporter.from_notebook_node(_hostile_notebook())


def test_nbconvert_entry_point_renders_the_same_bytes_in_another_process(tmp_path):
    """`jupyter nbconvert --to perfaudit_pdf`, in a new process, twice: the in-process bytes."""
    source = tmp_path / "report.ipynb"
    nbformat.write(_hostile_notebook(), source)
    expected, _ = TypstPDFExporter().from_notebook_node(nbformat.read(source, as_version=4))
    for name in ("first", "second"):
        subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "perfaudit_pdf", str(source),
                        "--output", name, "--output-dir", str(tmp_path)], check=True, capture_output=True)
        assert (tmp_path / f"{name}.pdf").read_bytes() == expected
    assert b"CreationDate" not in expected and b"ModDate" not in expected


def test_auto_finds_the_installed_noto_cjk_collection_and_a_configured_file_is_kept(monkeypatch, tmp_path):
    found = fonts.find_cjk_font(fonts.AUTO, "Noto Sans CJK SC")
    assert found.endswith("/NotoSansCJK-Regular.ttc") and Path(found).is_file()
    assert fonts.find_cjk_font("/elsewhere/x.ttc", "Noto Sans CJK SC") == "/elsewhere/x.ttc"
    monkeypatch.setattr(fonts, "_fontconfig", lambda family: ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"])
    monkeypatch.setattr(fonts, "_dpkg", lambda: [])
    monkeypatch.setattr(fonts, "DEBIAN_FILE", tmp_path / "NotoSansCJK-Regular.ttc")
    with pytest.raises(ReportError, match="fonts-noto-cjk"):
        fonts.find_cjk_font(fonts.AUTO, "Noto Sans CJK SC")


def test_charts_are_svg_with_real_text_and_the_same_bytes_every_time():
    report = load_settings().section("report")
    charts.configure_fonts(fonts.find_cjk_font(report["cjk_font_file"], report["cjk_font_family"]), report["cjk_font_family"])
    drawn = [charts.svg(charts.stacked_bars(["项目甲 $x$", "项目乙"], {"财政拨款": ([1.5, 2.0], "#0072B2")},
                                             xlabel="金额（万元）", total_format="{:,.2f}")) for _ in range(2)]
    assert drawn[0] == drawn[1]
    assert "金额（万元）" in drawn[0] and "项目甲 $x$" in drawn[0] and "<text" in drawn[0]
    assert "<dc:date>" not in drawn[0] and "Matplotlib v" not in drawn[0]
