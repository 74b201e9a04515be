"""PDF source: the samples rendered by WeasyPrint (ruled tables, Noto Sans CJK), read with pdfplumber."""

from __future__ import annotations

import base64
import io

import pytest
import weasyprint
from PIL import Image

import office_files as of
from perfaudit.errors import InputError
from perfaudit.ingest.sources import read_source
from perfaudit.ingest.sources.pdf import SCANNED
from perfaudit.text import squash


@pytest.mark.parametrize("stem", of.SAMPLES)
def test_sample_tables_read_back_from_ruling_lines(stem):
    document, tables = of.read_back(stem, "pdf")
    for _, plan, table in tables:
        # White space is what a PDF does not keep exactly (a space where a line wrapped is gone).
        assert [[squash(t) for t in row.texts] for row in table.rows] == [[squash(t) for t in row] for row in plan.texts]
        assert set(table.spans) == set(plan.spans)
    assert [squash(p) for p in of.paragraphs(document)] == [squash(p) for p in of.paragraphs(of.sample(stem))]


def test_table_over_several_pages_is_one_table_with_page_refs():
    (table,) = of.tables(read_source(of.sample_file("guangzhou_wenlian_2024", "pdf"), "gz.pdf"))
    pages = sorted({row.ref.page for row in table.rows})
    assert len(pages) > 2
    assert table.rows[0].cells[0].ref.label() == "第1页 表1 第1行第1列"
    continued = next(row for row in table.rows if row.ref.page == pages[1])
    assert continued.ref.label().startswith(f"第{pages[1]}页 表1 第1行")
    assert {p.ref.page for p in read_source(of.sample_file("julu_wenlian_2024", "pdf"), "j.pdf").blocks} == {1, 2, 3, 4}


def test_scanned_pdf_is_refused_never_read_as_empty():
    scan = io.BytesIO()
    Image.new("RGB", (200, 100), "white").save(scan, "PNG")
    uri = "data:image/png;base64," + base64.b64encode(scan.getvalue()).decode()
    data = weasyprint.HTML(string=f'<html><body><img src="{uri}"></body></html>').write_pdf()
    with pytest.raises(InputError) as caught:
        read_source(data, "scan.pdf")
    assert str(caught.value) == f"scan.pdf: {SCANNED}"


def test_damaged_pdf_is_refused():
    data = of.sample_file("julu_wenlian_2024", "pdf")
    with pytest.raises(InputError, match="not a readable PDF"):
        read_source(data[:2000], "cut.pdf")
