"""Word (.docx) source, read with python-docx.

Body paragraphs and tables in document order (content controls ``<w:sdt>`` are looked into).
A table is laid out on its full grid: python-docx's ``row.cells`` gives one cell per grid column,
repeating a horizontally (``gridSpan``) or vertically (``vMerge``) merged cell — as the *same*
``<w:tc>`` element, which is how a merge is told from a label that is really written twice.
A table nested in a cell becomes its own ``Table`` block right after the table that holds it
(tables numbered in that order); its text is not part of the outer cell.

Places: ``Ref(table=N, row=R, col=C)`` (1-based grid positions), paragraphs ``Ref(paragraph=K)``,
K counting the non-empty body paragraphs.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from lxml.etree import XMLSyntaxError

from ...errors import InputError
from ...text import clean_cell
from ..cells import Block, Paragraph, Ref, SourceDocument, Table
from . import Source, register
from .grid import padded, table_from_grid
from .guard import ZIP_MAGIC, checked_zip, parser_errors

KIND = "Word (.docx)"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _TBL, _SDT, _SDT_CONTENT = _W + "p", _W + "tbl", _W + "sdt", _W + "sdtContent"
MAX_COLUMNS = 1000  # a Word table has at most 63 columns; more is a damaged or hostile file


def sniff(data: bytes) -> bool:
    return data.startswith(ZIP_MAGIC) and b"word/document.xml" in data


def read(data: bytes, source_file: str) -> SourceDocument:
    # python-docx is imported when a Word file is read (0.2 s): not by every process that ingests.
    import docx as python_docx  # the python-docx package (absolute import)
    from docx.opc.exceptions import OpcError

    checked_zip(data, source_file, KIND, "word/document.xml")
    # python-docx opening a malformed package fails in many ways (AttributeError on a content-types
    # part without its namespace, ...): any failure to open is this file's fault, not ours.
    with parser_errors(source_file, KIND, (Exception,)):
        document = python_docx.Document(io.BytesIO(data))
    with parser_errors(source_file, KIND, (OpcError, KeyError, ValueError, XMLSyntaxError)):
        blocks = tuple(_blocks(document, source_file))
    return SourceDocument(source_file, blocks, "docx")


def _items(element) -> Iterator:
    """The ``<w:p>`` and ``<w:tbl>`` children of a body or cell, content controls opened."""
    for child in element.iterchildren():
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _items(content)


def _paragraph_text(p, document) -> str:
    from docx.text.paragraph import Paragraph as DocxParagraph

    return clean_cell(DocxParagraph(p, document).text)


def _blocks(document, source_file: str) -> Iterator[Block]:
    paragraphs = tables = 0
    for element in _items(document.element.body):
        if element.tag == _P:
            text = _paragraph_text(element, document)
            if text:
                paragraphs += 1
                yield Paragraph(text, Ref(paragraph=paragraphs))
            continue
        queue = [element]
        while queue:  # the table, then the tables nested in its cells (depth first)
            tables += 1
            table, nested = _table(queue.pop(0), document, tables, source_file)
            if table.rows:
                yield table
            queue[0:0] = nested


def _table(tbl, document, number: int, source_file: str) -> tuple[Table, list]:
    from docx.table import Table as DocxTable

    grid = []
    for r, row in enumerate(DocxTable(tbl, document).rows):
        owners = [None] * row.grid_cols_before + [cell._tc for cell in row.cells] + [None] * row.grid_cols_after
        if len(owners) > MAX_COLUMNS:
            raise InputError(
                source_file, f"table row with {len(owners)} columns (damaged file?)", where=f"表{number} 第{r + 1}行"
            )
        grid.append(owners)
    texts: dict = {}
    nested: list = []
    for owners in grid:
        for tc in owners:
            if tc is not None and tc not in texts:
                parts = []
                for item in _items(tc):
                    if item.tag == _TBL:
                        nested.append(item)
                    elif text := _paragraph_text(item, document):
                        parts.append(text)
                texts[tc] = "\n".join(parts)
    table = table_from_grid(padded(grid), texts.__getitem__, lambda r, c: Ref(table=number, row=r + 1, col=c + 1))
    return table, nested


register(Source("docx", (".docx",), sniff, read))
