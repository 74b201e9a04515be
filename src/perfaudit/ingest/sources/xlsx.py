"""Excel source (.xlsx and old binary .xls), read with python-calamine.

Every sheet in workbook order is one ``Table`` (blank trailing rows and columns trimmed, rows
that are entirely empty and lie under no merge left out; places stay the sheet's own,
``Ref(sheet=name, cell="C12")``), after the sheet's title rows: the rows above the grid that
hold one text only (perhaps merged across the width) are ``Paragraph`` blocks, as in a
document. Merged ranges become spans (calamine reports 1×1 "merges" in .xls files: ignored).

Values: text as written; numbers the way a person reads them (``120.0`` → ``120``, ``51.5``,
``1500.06``; an integral number of any length in plain digits, never ``1.3030322e+19``); dates
as ``YYYY-MM-DD``. Formulas are never evaluated: calamine gives the value Excel cached. A
formula cell without a cached value is kept as its formula text (plain text, so a check of the
column then names the cell) — it is never run nor passed to anything that could run it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from decimal import Decimal

import python_calamine as calamine
from lxml import etree

from ..cells import Block, Paragraph, Ref, SourceDocument
from ...text import clean_cell
from . import Source, register
from .grid import column_name, table_from_grid
from .guard import OLE2_MAGIC, ZIP_MAGIC, checked_zip, parser_errors

KIND = "Excel"
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def sniff(data: bytes) -> bool:
    if data.startswith(ZIP_MAGIC):
        return b"xl/workbook.xml" in data
    # A Compound File whose directory names a "Workbook" (or Excel 5 "Book") stream.
    return data.startswith(OLE2_MAGIC) and ("Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data)


def display(value) -> str:
    """A cell value as the text a person reads in Excel."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        text = repr(value)  # the shortest text that reads back as this float: no float noise
        return format(Decimal(text), "f") if "e" in text else text
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return clean_cell(str(value))


def read(data: bytes, source_file: str) -> SourceDocument:
    formulas: dict[str, dict[tuple[int, int], str]] = {}
    with parser_errors(source_file, KIND, (calamine.CalamineError, ValueError, etree.XMLSyntaxError, KeyError)):
        if data.startswith(ZIP_MAGIC):
            formulas = _uncached_formulas(checked_zip(data, source_file, "Excel (.xlsx)", "xl/workbook.xml"))
        workbook = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        blocks = []
        for name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(name)
            values = sheet.to_python(skip_empty_area=False)
            blocks.extend(_sheet_blocks(name, values, sheet.merged_cell_ranges or [], formulas.get(name, {})))
    return SourceDocument(source_file, tuple(blocks), "xlsx")


def _sheet_blocks(name: str, values: list[list], merges, formulas: dict[tuple[int, int], str]) -> list[Block]:
    texts = [[display(v) for v in row] for row in values]
    for (r, c), formula in formulas.items():
        while len(texts) <= r:
            texts.append([])
        row = texts[r]
        row.extend([""] * (c + 1 - len(row)))
        if not row[c]:
            row[c] = formula
    ranges = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in merges if (r0, c0) != (r1, c1)]
    height = max([r + 1 for r, row in enumerate(texts) if any(row)] + [r1 + 1 for _, _, r1, _ in ranges], default=0)
    width = max([c + 1 for row in texts for c, t in enumerate(row) if t] + [c1 + 1 for _, _, _, c1 in ranges],
                default=0)
    if not height:
        return []
    grid: list[list] = [[None] * width for _ in range(height)]
    for r in range(height):
        row = texts[r] if r < len(texts) else []
        for c in range(width):
            if c < len(row) and row[c]:
                grid[r][c] = (r, c)
    merged_rows = set()
    for r0, c0, r1, c1 in ranges:
        for r in range(r0, r1 + 1):
            merged_rows.add(r)
            for c in range(c0, c1 + 1):
                grid[r][c] = ("merge", r0, c0)

    def text(owner) -> str:
        r, c = owner[-2:]
        return texts[r][c] if r < len(texts) and c < len(texts[r]) else ""

    def ref(r: int, c: int) -> Ref:
        return Ref(sheet=name, cell=f"{column_name(c)}{r + 1}")

    kept = [r for r in range(height) if r in merged_rows or any(grid[r])]
    # Title rows above the grid (one text, perhaps merged across the width) are paragraphs.
    titles: list[Block] = []
    while kept and len({owner for owner in grid[kept[0]] if owner}) == 1:
        r = kept.pop(0)
        owner = next(owner for owner in grid[r] if owner)
        if owner[-2] == r:  # not the lower rows of a merged title
            titles.append(Paragraph(text(owner), ref(owner[-2], owner[-1])))
    return titles + ([table_from_grid(grid, text, ref, kept)] if kept else [])


def _uncached_formulas(archive: zipfile.ZipFile) -> dict[str, dict[tuple[int, int], str]]:
    """Per sheet name, the cells holding a formula but no cached value: (row, col) → ``=formula``."""
    names = set(archive.namelist())
    if "xl/_rels/workbook.xml.rels" not in names:
        return {}
    rels = _xml(archive, "xl/_rels/workbook.xml.rels")
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter("{*}Relationship")}
    found: dict[str, dict[tuple[int, int], str]] = {}
    for sheet in _xml(archive, "xl/workbook.xml").iter("{*}sheet"):
        target = targets.get(sheet.get(_REL_ID), "").lstrip("/")
        member = target if target.startswith("xl/") else f"xl/{target}"
        if member not in names:
            continue
        xml = archive.read(member)
        if not _FORMULA_TAG.search(xml):  # most sheets: no formula at all, no parse needed
            continue
        cells = {}
        for element in etree.fromstring(xml, _PARSER).iter("{*}c"):
            formula, value = element.find("{*}f"), element.find("{*}v")
            match = _CELL_REF.fullmatch(element.get("r", ""))
            if match and formula is not None and formula.text and (value is None or not value.text):
                col = sum((ord(ch) - 64) * 26**i for i, ch in enumerate(reversed(match[1]))) - 1
                cells[(int(match[2]) - 1, col)] = "=" + formula.text
        if cells:
            found[sheet.get("name", "")] = cells
    return found


def _xml(archive: zipfile.ZipFile, member: str):
    return etree.fromstring(archive.read(member), _PARSER)


register(Source("xlsx", (".xlsx", ".xls"), sniff, read))
