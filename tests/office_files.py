"""Real office files written from the bundled samples with the real writers (test helper).

A sample's tables come from the text source (``read_source`` on the ``.txt``); each is written
the way a form would hold it: a 一级/二级 label that the text export leaves blank on the rows
below is one *vertically merged* cell, a row holding a single text after its label (绩效目标,
资金用途) is one cell merged to the end of the row. ``merge_plan`` says which; the writers
(python-docx, openpyxl, HTML by hand, PDF by WeasyPrint from that HTML) all follow it, so every
format holds the same tables as the text.
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from perfaudit.ingest.cells import Paragraph, SourceDocument, Span, Table
from perfaudit.ingest.sources import read_source

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SAMPLES = sorted(p.stem for p in EXAMPLES.glob("*.txt"))
_AMOUNT = re.compile(r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")


def sample(stem: str) -> SourceDocument:
    path = EXAMPLES / f"{stem}.txt"
    return read_source(path.read_bytes(), path.name)


@dataclass(frozen=True)
class Plan:
    """A table as a form holds it: the grid's texts and its merged ranges."""

    texts: list[list[str]]
    spans: list[Span]

    @property
    def covered(self) -> set[tuple[int, int]]:
        """Grid positions under a merge other than its first."""
        return {
            (r, c)
            for s in self.spans
            for r in range(s.row, s.row + s.rows)
            for c in range(s.col, s.col + s.cols)
            if (r, c) != (s.row, s.col)
        }

    def span_at(self, r: int, c: int) -> Span | None:
        return next((s for s in self.spans if (s.row, s.col) == (r, c)), None)


def merge_plan(table: Table) -> Plan:
    width = max(len(row.cells) for row in table.rows)
    texts = [row.texts + [""] * (width - len(row.cells)) for row in table.rows]
    spans: list[Span] = []
    below: set[tuple[int, int]] = set()
    for c in (0, 1):  # 一级 / 二级 (and the 资金用途, 资金支出计划 labels): carried down = merged
        for r, row in enumerate(texts):
            if not row[c] or (r, c) in below:
                continue
            end = r
            while (
                end + 1 < len(texts)
                and not texts[end + 1][c]
                and any(texts[end + 1])
                and (c == 0 or (end + 1, 0) in below)
            ):
                end += 1
            if end > r:
                spans.append(Span(r, c, end - r + 1, 1))
                below |= {(rr, c) for rr in range(r + 1, end + 1)}
    starts = {(s.row, s.col) for s in spans}
    for r, row in enumerate(texts):
        filled = [c for c, text in enumerate(row) if text]
        if len(filled) == 2 and filled[0] == 0 and filled[1] == 1 or filled == [1] and (r, 0) in below:
            if (r, 1) not in starts and width > 2:
                spans.append(Span(r, 1, 1, width - 1))
    return Plan(texts, spans)


def amount(text: str) -> float | None:
    """The number an export would store for an amount cell (``1,500.06``); None for other text."""
    if _AMOUNT.fullmatch(text) and not (text.startswith("0") and text[1:2].isdigit()):
        return float(text.replace(",", ""))
    return None


def write_docx(document: SourceDocument) -> bytes:
    import docx

    out = docx.Document()
    for block in document.blocks:
        if isinstance(block, Paragraph):
            out.add_paragraph(block.text)
            continue
        plan = merge_plan(block)
        table = out.add_table(rows=len(plan.texts), cols=len(plan.texts[0]))
        table.style = "Table Grid"
        covered = plan.covered
        for r, row in enumerate(plan.texts):
            for c, text in enumerate(row):
                if text and (r, c) not in covered:
                    table.cell(r, c).text = text
        for s in plan.spans:
            table.cell(s.row, s.col).merge(table.cell(s.row + s.rows - 1, s.col + s.cols - 1))
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def write_xlsx(document: SourceDocument) -> bytes:
    """One sheet per table (``表N``): the paragraphs before it in column A, then the grid (the
    paragraphs after the last table below it); amounts as numbers shown with two decimals,
    everything else as text."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    sheet = None
    pending: list[str] = []
    for block in document.blocks:
        if isinstance(block, Paragraph):
            pending.append(block.text)
            continue
        sheet = book.create_sheet(f"表{len(book.worksheets) + 1}")
        for text in pending:
            sheet.append([text])
        pending = []
        top = len(sheet["A"]) + 1 if sheet["A1"].value else 1
        plan = merge_plan(block)
        covered = plan.covered
        for r, row in enumerate(plan.texts):
            for c, text in enumerate(row):
                if text and (r, c) not in covered:
                    cell = sheet.cell(top + r, c + 1)
                    number = amount(text)
                    if number is None:
                        cell.value = text
                        cell.data_type = "s"  # text such as "=100%" stays text
                    else:
                        cell.value = number
                        cell.number_format = "#,##0.00"
        for s in plan.spans:
            sheet.merge_cells(
                start_row=top + s.row, start_column=s.col + 1,
                end_row=top + s.row + s.rows - 1, end_column=s.col + s.cols,
            )
    sheet = sheet or book.create_sheet("表1")
    for text in pending:
        sheet.append([text])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


_CSS = """
@page { size: A4; margin: 15mm; }
body { font-family: "Noto Sans CJK SC"; font-size: 10pt; }
table { border-collapse: collapse; width: 100%; margin: 6pt 0; }
/* WeasyPrint drops the text of a rowspan cell that breaks over pages: keep such tables whole */
table.merged { break-inside: avoid; }
td { border: 0.8pt solid #000; padding: 2pt 3pt; vertical-align: top; }
"""


def write_html(document: SourceDocument, encoding: str = "utf-8", repeat: int = 1) -> bytes:
    """The document as an HTML page in ``encoding`` (declared in ``<meta charset>``);
    ``repeat`` writes its blocks that many times (a long book for benchmarks)."""
    parts = [
        f'<!DOCTYPE html>\n<html lang="zh"><head><meta charset="{encoding}">'
        f"<title>{html.escape(document.source_file)}</title><style>{_CSS}</style></head><body>\n"
    ]
    for _ in range(repeat):
        for block in document.blocks:
            if isinstance(block, Paragraph):
                parts.append(f"<p>{html.escape(block.text)}</p>\n")
                continue
            plan = merge_plan(block)
            covered = plan.covered
            vertical = any(s.rows > 1 for s in plan.spans)
            parts.append('<table class="merged">\n' if vertical else "<table>\n")
            for r, row in enumerate(plan.texts):
                parts.append("<tr>")
                for c, text in enumerate(row):
                    if (r, c) in covered:
                        continue
                    span = plan.span_at(r, c)
                    attrs = ""
                    if span and span.rows > 1:
                        attrs += f' rowspan="{span.rows}"'
                    if span and span.cols > 1:
                        attrs += f' colspan="{span.cols}"'
                    parts.append(f"<td{attrs}>{'<br>'.join(html.escape(t) for t in text.split(chr(10)))}</td>")
                parts.append("</tr>\n")
            parts.append("</table>\n")
    parts.append("</body></html>\n")
    return "".join(parts).encode(encoding)


def write_pdf(document: SourceDocument, repeat: int = 1) -> bytes:
    """The HTML version rendered by WeasyPrint: A4, ruled tables, Noto Sans CJK."""
    import logging

    import weasyprint

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    page = write_html(document, repeat=repeat).decode("utf-8")
    return weasyprint.HTML(string=page).write_pdf()


WRITERS = {"docx": write_docx, "xlsx": write_xlsx, "html": write_html, "pdf": write_pdf}


@cache
def sample_file(stem: str, fmt: str, encoding: str = "utf-8") -> bytes:
    """A sample written as ``fmt`` (cached: PDF rendering takes a second)."""
    if fmt == "html":
        return write_html(sample(stem), encoding)
    return WRITERS[fmt](sample(stem))


def tables(document: SourceDocument) -> list[Table]:
    return [b for b in document.blocks if isinstance(b, Table)]


def paragraphs(document: SourceDocument) -> list[str]:
    return [b.text for b in document.blocks if isinstance(b, Paragraph) and b.text]


def read_back(stem: str, fmt: str, encoding: str = "utf-8") -> tuple[SourceDocument, list[tuple[int, Plan, Table]]]:
    """The sample written as ``fmt`` and read back: the document and, per table, (its number,
    the plan it was written from, the table read) — once format and table count are checked."""
    document = read_source(sample_file(stem, fmt, encoding), f"{stem}.{fmt}")
    assert document.format == fmt
    plans = [merge_plan(t) for t in tables(sample(stem))]
    got = tables(document)
    assert len(got) == len(plans)
    return document, [(number, plan, table) for number, (plan, table) in enumerate(zip(plans, got), start=1)]


def assert_office_reads_like_text(text: str, file_name: str, fmt: str, tables: tuple[str, ...]):
    """A text fixture written as ``fmt`` (merged 一级 cells, single texts merged to the row's end)
    and read back by the ``fmt`` source holds the same ``tables`` as the text; returns what it read."""
    import pandas as pd

    import badinputs
    from perfaudit.ingest import read_document

    dataset = read_document(WRITERS[fmt](read_source(text.encode("utf-8"), file_name)), file_name.replace(".txt", f".{fmt}"))
    office, plain = badinputs.comparable(dataset), badinputs.comparable(read_document(text.encode("utf-8"), file_name))
    for table in tables:
        pd.testing.assert_frame_equal(office[table].drop(columns="source_file"), plain[table].drop(columns="source_file"), obj=table)
    assert dataset.documents.format.tolist() == [fmt]
    return dataset

