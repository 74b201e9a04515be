"""HTML source: pages written from the samples (rowspan/colspan, UTF-8 and GB18030) and hostile pages."""

from __future__ import annotations

import pytest

import office_files as of
from perfaudit.errors import InputError
from perfaudit.ingest.cells import Ref
from perfaudit.ingest.sources import read_source


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
@pytest.mark.parametrize("stem", of.SAMPLES)
def test_sample_tables_read_back_with_rowspan_and_colspan(stem, encoding):
    document, tables = of.read_back(stem, "html", encoding)
    assert document.encoding == encoding
    # A browser collapses runs of white space: so does the reader.
    assert of.paragraphs(document) == [" ".join(p.split()) for p in of.paragraphs(of.sample(stem))]
    for number, plan, table in tables:
        assert [row.texts for row in table.rows] == [[" ".join(t.split()) for t in row] for row in plan.texts]
        assert set(table.spans) == set(plan.spans)
        assert table.rows[-1].cells[-1].ref == Ref(table=number, row=len(plan.texts), col=len(plan.texts[0]))


def test_scripts_styles_and_markup_never_reach_the_text():
    page = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
    <style>td { color: red }</style><script>document.write("<table><tr><td>伪造</td></tr></table>")</script></head>
    <body><h2>项目支出绩效目标表</h2><p>单位：<b>万元</b><!-- 注释 --></p>
    <table><thead><tr><th colspan="2">一级指标</th></tr></thead>
    <tbody><tr><td>产出<br>指标<script>alert(1)</script></td><td><p>&lt;p&gt;数量&lt;/p&gt;</p></td></tr></tbody></table>
    </body></html>"""
    document = read_source(page.encode("gb18030"), "page.htm")
    assert document.encoding == "gb18030"
    title, unit, table = document.blocks
    assert (title.text, unit.text, unit.ref) == ("项目支出绩效目标表", "单位：万元", Ref(paragraph=2))
    assert [row.texts for row in table.rows] == [["一级指标", ""], ["产出\n指标", "<p>数量</p>"]]
    assert table.rows[0].cells[1].merged == "left"


def test_ten_thousand_nested_tags_are_refused_not_read_in_part():
    page = "<html><body><script>while(1){}</script>" + "<div>" * 10_000 + "正文" + "</div>" * 10_000 + "</body></html>"
    with pytest.raises(InputError, match="cannot be read completely: elements nested too deep") as caught:
        read_source(page.encode(), "deep.html")
    assert caught.value.source_file == "deep.html"


def test_page_that_is_no_valid_text_in_its_declared_encoding_is_refused():
    with pytest.raises(InputError, match="not valid utf-8"):
        read_source(b'<html><head><meta charset="utf-8"></head><body>\xff\xfe</body></html>', "bad.html")
