"""PDF source (text-based PDFs: department budget books), read with pdfplumber.

Tables are found from their ruling lines. A cell's box says its span: the table's rows are the
distinct tops of its cell boxes, its columns the distinct left edges, and a box reaching over
several of them is one merged cell (pdfplumber gives ``None`` at the positions it covers).
Text is placed by character: a cell holds the characters whose centre lies in its box, the text
outside every table becomes paragraphs. Lines that layout wrapped are joined (no separator where
Chinese text meets): a line ends a paragraph only where the next line's first word would have
fitted after it. Lines that are only a page number are page furniture and left out.

A table whose first part opens a page right after a table with the same columns on the page
before is one table continuing: the parts are joined, a repeated header row dropped.

A PDF without any text (a scan) is refused: "扫描件/no text layer: OCR is not supported".

Places: ``Ref(page=P, table=N, row=R, col=C)`` (R counted on page P, where that part of the table
stands), paragraphs ``Ref(page=P, paragraph=K)`` (K counted through the document).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from ...errors import InputError
from ...text import clean_cell, join_wrapped
from ..cells import Block, Paragraph, Ref, SourceDocument
from . import Source, register
from .grid import table_from_grid
from .guard import parser_errors

KIND = "PDF"
SCANNED = "扫描件/no text layer: OCR is not supported"
_PAGE_NUMBER = re.compile(r"[-—–\s]*(?:第\s*)?\d+(?:\s*页)?(?:\s*[/／共]\s*\d+\s*页?)?[-—–\s]*")
_EDGE = 1.5  # points: box edges closer than this are the same grid line


def sniff(data: bytes) -> bool:
    return data[:1024].lstrip().startswith(b"%PDF-")


_OPENING = set("（(《〈「『【〔“‘[")
_CLOSING = set("，,。.、；;：:？?！!）)》〉」』】〕”’]%％·…—")
_QUOTES = set("“”‘’\"'")  # line breaking keeps a quote with the characters on both sides


@dataclass
class _Line:
    chars: list[dict]
    spaced: bool = True  # the producer writes spaces as characters (else gaps stand for them)

    @property
    def x0(self) -> float:
        return self.chars[0]["x0"]

    @property
    def x1(self) -> float:
        return self.chars[-1]["x1"]

    @property
    def top(self) -> float:
        return min(c["top"] for c in self.chars)

    @property
    def bottom(self) -> float:
        return max(c["bottom"] for c in self.chars)

    @property
    def size(self) -> float:
        return max(c["size"] for c in self.chars)

    @property
    def text(self) -> str:
        out, previous = [], None
        for char in self.chars:
            gap = char["x0"] - previous["x1"] if previous else 0
            if not self.spaced and previous and gap > 0.25 * char["size"]:
                out.append(" ")  # a producer that positions words instead of writing spaces
            out.append(char["text"])
            previous = char
        return "".join(out)

    def first_word_width(self) -> float:
        """Width of what would have had to fit on the line before for this line not to start
        here: the characters line breaking keeps together — a Latin word or number; a Chinese
        character with an opening bracket before it, closing punctuation or quotes after it,
        and a number or word glued to that punctuation (``值:≥85%``)."""
        chars, i = self.chars, 0
        if chars[0]["text"] in _OPENING and len(chars) > 1:
            i = 1
        if _ideograph(chars[i]):
            while i + 1 < len(chars) and (chars[i + 1]["text"] in _CLOSING | _QUOTES or chars[i]["text"] in _QUOTES):
                i += 1
            if i == 0 or chars[i]["text"] in _QUOTES:
                return chars[i]["x1"] - chars[0]["x0"]
        while i + 1 < len(chars) and chars[i + 1]["text"] != " " and not _ideograph(chars[i + 1]):
            i += 1
        return chars[i]["x1"] - chars[0]["x0"]


def _ideograph(char: dict) -> bool:
    code = ord(char["text"][:1] or " ")
    return 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF


def _lines(chars: list[dict], spaced: bool) -> list[_Line]:
    """Characters grouped into lines (top to bottom), each line left to right."""
    lines: list[_Line] = []
    for char in sorted(chars, key=lambda c: (round(c["top"]), c["x0"])):
        if lines and abs(char["top"] - lines[-1].chars[-1]["top"]) <= 0.3 * char["size"]:
            lines[-1].chars.append(char)
        else:
            lines.append(_Line([char], spaced))
    for line in lines:
        line.chars.sort(key=lambda c: c["x0"])
        while line.chars and not line.chars[-1]["text"].strip():
            line.chars.pop()
        while line.chars and not line.chars[0]["text"].strip():
            line.chars.pop(0)
    return [line for line in lines if line.chars]


def _paragraphs(lines: list[_Line], right: float) -> list[tuple[str, float]]:
    """(text, top) of each paragraph: a line continues into the next where the next line's first
    word would not have fitted before ``right`` and the next line follows closely."""
    out: list[tuple[str, float]] = []
    previous: _Line | None = None
    for line in lines:
        text = clean_cell(line.text)
        if not text:
            continue
        wrapped = (
            previous is not None
            and line.top - previous.bottom < 0.8 * line.size
            and previous.x1 + line.first_word_width() > right
        )
        if wrapped:
            out[-1] = (join_wrapped(out[-1][0], text), out[-1][1])
        else:
            out.append((text, line.top))
        previous = line
    return out


@dataclass
class _Part:
    """One page's part of a table: its grid of cell boxes and their texts."""

    page: int
    bbox: tuple[float, float, float, float]
    grid: list[list]
    texts: dict = field(default_factory=dict)
    split_top: bool = False  # its first row is the rest of a row the page before began

    @property
    def width(self) -> int:
        return len(self.grid[0]) if self.grid else 0

    def row_texts(self, r: int) -> list[str]:
        return [self.texts.get(owner, "") if owner else "" for owner in self.grid[r]]


def _edges(values: list[float]) -> list[float]:
    out: list[float] = []
    for value in sorted(values):
        if not out or value - out[-1] > _EDGE:
            out.append(value)
    return out


def _count(edges: list[float], start: float, end: float) -> tuple[int, int]:
    """(index of the first edge at ``start``, how many edges lie in [start, end))."""
    first = next(i for i, e in enumerate(edges) if e > start - _EDGE)
    n = sum(1 for e in edges[first:] if e < end - _EDGE)
    return first, max(n, 1)


def _part(table, chars: list[dict], page_number: int, spaced: bool) -> _Part:
    boxes = [tuple(cell) for cell in table.cells]
    tops, lefts = _edges([b[1] for b in boxes]), _edges([b[0] for b in boxes])
    grid: list[list] = [[None] * len(lefts) for _ in tops]
    part = _Part(page_number, table.bbox, grid)
    owned: dict[tuple, list[dict]] = {box: [] for box in boxes}
    for char in chars:
        cx, cy = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
        for box in boxes:
            if box[0] <= cx <= box[2] and box[1] <= cy <= box[3]:
                owned[box].append(char)
                break
    for box in boxes:
        r, rows = _count(tops, box[1], box[3])
        c, cols = _count(lefts, box[0], box[2])
        owner = (page_number, box)  # cells of two pages can have the same box
        for rr in range(r, min(r + rows, len(tops))):
            for cc in range(c, min(c + cols, len(lefts))):
                if grid[rr][cc] is None:
                    grid[rr][cc] = owner
        lines = _lines(owned[box], spaced)
        right = box[2] - (lines[0].x0 - box[0] if lines else 0)  # the cell's padding, both sides alike
        part.texts[owner] = "\n".join(text for text, _ in _paragraphs(lines, right))
    return part


def _continues(previous: _Part | None, part: _Part) -> bool:
    return (
        previous is not None
        and previous.page == part.page - 1
        and previous.width == part.width
        and abs(previous.bbox[0] - part.bbox[0]) < 2 * _EDGE
        and abs(previous.bbox[2] - part.bbox[2]) < 2 * _EDGE
    )


def _join_split_row(before: _Part, part: _Part) -> None:
    """A row broken over two pages is one row: the new page's part of each cell joins the cell
    it continues (which then reaches down where the new part's cell did)."""
    same: dict = {}
    for old, new in zip(before.grid[-1], part.grid[0]):
        if old is None or new is None or new in same:
            continue
        same[new] = old
        before.texts[old] = join_wrapped(before.texts.get(old, ""), part.texts.pop(new, ""))
    part.grid = [[same.get(owner, owner) for owner in row] for row in part.grid[1:]]


class _Book:
    """The document's blocks, tables kept as lists of parts until the end (they may continue)."""

    def __init__(self):
        self.items: list[Paragraph | list[_Part]] = []
        self.paragraphs = 0

    def paragraph(self, text: str, page: int) -> None:
        self.paragraphs += 1
        self.items.append(Paragraph(text, Ref(page=page, paragraph=self.paragraphs)))

    def table(self, part: _Part, first_on_page: bool) -> None:
        last = self.items[-1] if self.items else None
        if first_on_page and isinstance(last, list) and _continues(last[-1], part):
            if part.split_top:
                _join_split_row(last[-1], part)
            elif part.grid and part.row_texts(0) == last[0].row_texts(0):
                part.grid = part.grid[1:]  # the header repeated on the new page
            if part.grid:
                last.append(part)
            return
        self.items.append([part])

    def blocks(self) -> list[Block]:
        out: list[Block] = []
        number = 0
        for item in self.items:
            if isinstance(item, Paragraph):
                out.append(item)
                continue
            number += 1
            grid = [row for part in item for row in part.grid]
            places = [(part.page, r + 1) for part in item for r in range(len(part.grid))]
            texts = {owner: text for part in item for owner, text in part.texts.items()}

            def ref(r: int, c: int, number=number, places=places) -> Ref:
                return Ref(page=places[r][0], table=number, row=places[r][1], col=c + 1)

            out.append(table_from_grid(grid, texts.__getitem__, ref))
        return out


def read(data: bytes, source_file: str) -> SourceDocument:
    import pdfplumber  # imported when a PDF is read (0.1 s with pdfminer): not by every ingest

    book = _Book()
    # pdfminer parses pages lazily and fails on a damaged file with whatever the damage causes
    # (its PSException family, KeyError, TypeError, AssertionError deep inside).
    with parser_errors(source_file, KIND, (Exception,)):
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            any_text = False
            for page in pdf.pages:
                any_text |= _read_page(page, book)
    if not any_text:
        raise InputError(source_file, SCANNED)
    return SourceDocument(source_file, tuple(book.blocks()), "pdf")


def _closing_lines(page) -> list[float]:
    """Where a table row broken over two pages lost its ruling: the ends of vertical rules
    that reach past every horizontal rule of the page (the cut row's open top or bottom)."""
    vertical = [e for e in page.edges if e["orientation"] == "v"]
    horizontal = [e for e in page.edges if e["orientation"] == "h"]
    if not vertical or not horizontal:
        return []
    top, bottom = min(e["top"] for e in vertical), max(e["bottom"] for e in vertical)
    lines = []
    if top < min(e["top"] for e in horizontal) - _EDGE:
        lines.append(top)
    if bottom > max(e["bottom"] for e in horizontal) + _EDGE:
        lines.append(bottom)
    return lines


def _read_page(page, book: _Book) -> bool:
    """Add the page's paragraphs and tables to ``book``; whether the page has any text."""
    chars = page.chars
    if not any(c["text"].strip() for c in chars):
        return False
    spaced = any(c["text"] == " " for c in chars)
    closing = _closing_lines(page)
    tables = [t for t in page.find_tables({"explicit_horizontal_lines": closing} if closing else None) if t.cells]
    inside: list[list[dict]] = [[] for _ in tables]
    outside: list[dict] = []
    for char in chars:
        cx, cy = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
        for i, table in enumerate(tables):
            x0, top, x1, bottom = table.bbox
            if x0 <= cx <= x1 and top <= cy <= bottom:
                inside[i].append(char)
                break
        else:
            outside.append(char)
    lines = _lines(outside, spaced)
    right = max((line.x1 for line in lines), default=0)
    items: list[tuple[float, object]] = [
        (top, text) for text, top in _paragraphs(lines, right) if not _PAGE_NUMBER.fullmatch(text)
    ]
    parts = [_part(table, inside[i], page.page_number, spaced) for i, table in enumerate(tables)]
    if parts and closing and abs(parts[0].bbox[1] - min(closing)) < _EDGE:
        parts[0].split_top = True
    items += [(part.bbox[1], part) for part in parts]
    items.sort(key=lambda item: item[0])
    for position, (_, item) in enumerate(items):
        if isinstance(item, str):
            book.paragraph(item, page.page_number)
        else:
            book.table(item, first_on_page=position == 0)
    return True


register(Source("pdf", (".pdf",), sniff, read))
