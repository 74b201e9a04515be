"""Excel source: real .xlsx files written by openpyxl, read back with python-calamine."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import openpyxl
import pytest

import office_files as of
from perfaudit.errors import InputError
from perfaudit.ingest.cells import Paragraph, Ref, Span
from perfaudit.ingest.sources import read_source
from perfaudit.ingest.sources.xlsx import display


def _shown(text: str) -> str:
    """An amount as Excel shows a number stored for it (``5.00`` → ``5``, ``1,500.06`` → ``1500.06``)."""
    number = of.amount(text)
    return text if number is None else display(number)


@pytest.mark.parametrize("stem", of.SAMPLES)
def test_each_sheet_is_a_table_with_merges_numbers_and_cell_refs(stem):
    document, tables = of.read_back(stem, "xlsx")
    # The paragraphs before each table stand in its sheet's first rows: they read as paragraphs.
    assert of.paragraphs(document) == of.paragraphs(of.sample(stem))
    for number, plan, sheet in tables:
        name = f"表{number}"
        titles = [b for b in document.blocks if isinstance(b, Paragraph) and b.ref.sheet == name]
        assert [b.ref.cell for b in titles] == [f"A{r}" for r in range(1, len(titles) + 1)]
        assert [row.texts for row in sheet.rows] == [[_shown(t) for t in row] for row in plan.texts]
        assert set(sheet.spans) == set(plan.spans)
        top = len(titles) + 1
        assert sheet.rows[0].cells[0].ref == Ref(sheet=name, cell=f"A{top}")
        assert sheet.rows[1].cells[1].ref.label() == f"{name}!B{top + 1}"


def test_values_read_as_a_person_reads_them():
    assert [display(v) for v in (120.0, 51.5, 1500.06, 0.05, 1e-7, 13030322000000000000.0, 3)] == [
        "120", "51.5", "1500.06", "0.05", "0.0000001", "13030322000000000000", "3",
    ]
    assert display(dt.date(2024, 3, 31)) == "2024-03-31"
    assert display(dt.datetime(2024, 3, 31)) == "2024-03-31"
    assert display(True) == "TRUE"


def _workbook(fill) -> bytes:
    book = openpyxl.Workbook()
    fill(book.active)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_codes_stay_text_dates_convert_blank_rows_skipped_refs_kept():
    def fill(sheet):
        sheet.title = "项目"
        sheet["A1"] = "项目支出绩效目标表"
        sheet.merge_cells("A1:C1")
        sheet["A2"], sheet["B2"] = "项目编码", "012001"
        sheet["A3"], sheet["B3"] = "编码(数字)", 13030322000000000000
        sheet["A5"], sheet["B5"] = "日期", dt.date(2024, 12, 31)
        sheet["A6"], sheet["B6"] = "金额", 120.0
        sheet.merge_cells("C2:C3")
        sheet["C2"] = "合并"

    title, table = read_source(_workbook(fill), "codes.xlsx").blocks
    assert (title.text, title.ref.label()) == ("项目支出绩效目标表", "项目!A1")
    assert [row.texts for row in table.rows] == [
        ["项目编码", "012001", "合并"], ["编码(数字)", "13030322000000000000", ""], ["日期", "2024-12-31", ""],
        ["金额", "120", ""],
    ]
    assert table.rows[1].cells[2].merged == "above"
    assert table.spans == (Span(0, 2, 2, 1),)
    assert [row.cells[0].ref.label() for row in table.rows] == ["项目!A2", "项目!A3", "项目!A5", "项目!A6"]


def _with_cached_value(data: bytes, cell: str, value: str) -> bytes:
    """The workbook with ``value`` cached for the formula in ``cell`` (as Excel saves it)."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                member = re.sub(
                    rf'<c r="{cell}"([^>]*)><f>(.*?)</f><v\s*/>|<c r="{cell}"([^>]*)><f>(.*?)</f>(<v></v>)?',
                    lambda m: f'<c r="{cell}" t="str"><f>{m[2] or m[4]}</f><v>{value}</v>',
                    member.decode(),
                ).encode()
            target.writestr(info, member)
    return out.getvalue()


def test_formulas_are_never_evaluated():
    def fill(sheet):
        sheet["A1"], sheet["B1"] = "危险", "=CMD|' /C calc'!A0"  # DDE: runs a program when evaluated
        sheet["A2"], sheet["B2"] = "合计", "=SUM(1,2)"

    data = _with_cached_value(_workbook(fill), "B2", "3")
    (table,) = read_source(data, "formulas.xlsx").blocks
    # No cached value: the formula text as plain text; a cached one: that value, as Excel showed it.
    assert [row.texts for row in table.rows] == [["危险", "=CMD|' /C calc'!A0"], ["合计", "3"]]


def test_zip_bomb_and_truncated_workbook_are_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<c>" * (20 * 2**20))
    with pytest.raises(InputError, match="zip bomb"):
        read_source(buffer.getvalue(), "bomb.xlsx")
    data = of.sample_file("julu_wenlian_2024", "xlsx")
    with pytest.raises(InputError, match="truncated"):
        read_source(data[:-100], "cut.xlsx")


def test_xls_download_that_is_really_html_reads_as_html():
    page = '<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head><meta charset="gbk"></head><body>'
    page += "<table><tr><td rowspan=2>产出指标</td><td>数量指标</td></tr><tr><td>质量指标</td></tr></table></body></html>"
    document = read_source(page.encode("gbk"), "download.xls")
    assert (document.format, document.encoding) == ("html", "gb18030")
    (table,) = document.blocks
    assert [row.texts for row in table.rows] == [["产出指标", "数量指标"], ["", "质量指标"]]
