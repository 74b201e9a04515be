"""Word source: real .docx files written by python-docx, read back cell for cell."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest

import office_files as of
from perfaudit.errors import InputError
from perfaudit.ingest.cells import Ref, Span
from perfaudit.ingest.sources import read_source, source_for


@pytest.mark.parametrize("stem", of.SAMPLES)
def test_sample_tables_read_back_with_their_merges(stem):
    document, tables = of.read_back(stem, "docx")
    assert of.paragraphs(document) == of.paragraphs(of.sample(stem))
    for number, plan, table in tables:
        assert [row.texts for row in table.rows] == plan.texts
        assert set(table.spans) == set(plan.spans)
        for r, row in enumerate(table.rows):
            assert [c.ref for c in row.cells] == [Ref(table=number, row=r + 1, col=c + 1) for c in range(len(row.cells))]


def test_vertically_merged_level1_is_one_cell_and_repeated_label_stays_repeated():
    out = docx.Document()
    out.add_paragraph("项目绩效目标表")
    table = out.add_table(rows=4, cols=3)
    for r, (level1, level2) in enumerate([("一级指标", "二级指标"), ("产出指标", "数量指标"), ("", "质量指标"), ("效益指标", "数量指标")]):
        if level1:
            table.cell(r, 0).text = level1
        table.cell(r, 1).text = level2
    table.cell(1, 0).merge(table.cell(2, 0))  # 产出指标 over two rows (vMerge)
    table.cell(0, 1).merge(table.cell(0, 2))  # 二级指标 over two columns (gridSpan)
    table.cell(3, 2).text = "数量指标"  # written twice side by side: a repeated label, not a merge
    buffer = io.BytesIO()
    out.save(buffer)
    document = read_source(buffer.getvalue(), "form.docx")
    paragraph, grid = document.blocks
    assert (paragraph.text, paragraph.ref) == ("项目绩效目标表", Ref(paragraph=1))
    assert set(grid.spans) == {Span(1, 0, 2, 1), Span(0, 1, 1, 2)}
    cells = [[(c.text, c.merged) for c in row.cells] for row in grid.rows]
    assert cells[0] == [("一级指标", ""), ("二级指标", ""), ("", "left")]
    assert cells[2][0] == ("", "above")
    assert cells[3] == [("效益指标", ""), ("数量指标", ""), ("数量指标", "")]
    assert grid.rows[2].cells[0].ref.label() == "表1 第3行第1列"


def test_nested_table_is_its_own_block_after_the_outer_table():
    out = docx.Document()
    outer = out.add_table(rows=1, cols=2)
    outer.cell(0, 0).text = "说明"
    holder = outer.cell(0, 1)
    holder.paragraphs[0].text = "见下表"
    inner = holder.add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "内表"
    inner.cell(0, 1).text = "值\n第二段"
    out.add_paragraph("表后文字")
    buffer = io.BytesIO()
    out.save(buffer)
    first, second, after = read_source(buffer.getvalue(), "nested.docx").blocks
    assert first.rows[0].texts == ["说明", "见下表"]
    assert second.rows[0].texts == ["内表", "值\n第二段"]
    assert second.rows[0].cells[0].ref == Ref(table=2, row=1, col=1)
    assert after.text == "表后文字"


def _docx_with(member: str, payload: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(member, payload)
    return buffer.getvalue()


def test_zip_bomb_is_refused_before_parsing():
    bomb = _docx_with("word/document.xml", b"<w:document>" + b" " * (64 * 2**20) + b"</w:document>")
    assert len(bomb) < 2**20
    with pytest.raises(InputError, match="zip bomb") as caught:
        read_source(bomb, "bomb.docx")
    assert caught.value.source_file == "bomb.docx"


def test_truncated_and_fake_docx_are_refused_with_the_reason():
    data = of.sample_file("julu_wenlian_2024", "docx")
    with pytest.raises(InputError, match="damaged or truncated zip"):
        read_source(data[: len(data) // 2], "cut.docx")
    with pytest.raises(InputError, match="not a readable Word"):
        read_source(_docx_with("word/document.xml", b"<w:document"), "broken.docx")


def test_old_binary_doc_is_refused_with_what_to_do():
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500 + "WordDocument".encode("utf-16-le") + b"\0" * 500
    assert source_for(ole2, "old.bin").name == "doc"
    with pytest.raises(InputError, match=r"save it as \.docx"):
        read_source(ole2, "old.doc")
