"""The cell model: what every source produces and every interpreter reads.

A *source* (``ingest/sources/``, one module per file format) turns a file into a
``SourceDocument``: paragraphs and tables in document order, every piece of text tied to its
place in the file (``Ref``). Interpreters see only this model — never lines, physical forms or
file formats.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from ..text import squash


@dataclass(frozen=True)
class Ref:
    """A place in a source file; ``label()`` says it the way a reviewer looks it up.

    Text files give ``line``; spreadsheets ``sheet`` + ``cell`` (``C12``); Word/HTML/PDF tables
    ``table`` + ``row`` + ``col`` (1-based), paragraphs ``paragraph``; PDF adds ``page``.
    """

    line: int | None = None
    sheet: str | None = None
    cell: str | None = None
    table: int | None = None
    row: int | None = None
    col: int | None = None
    paragraph: int | None = None
    page: int | None = None

    def label(self) -> str:
        if self.sheet is not None:
            return f"{self.sheet}!{self.cell}"
        parts = []
        if self.page is not None:
            parts.append(f"第{self.page}页")
        if self.table is not None:
            parts.append(f"表{self.table} 第{self.row}行第{self.col}列")
        elif self.paragraph is not None:
            parts.append(f"第{self.paragraph}段")
        if self.line is not None:
            parts.append(f"第{self.line}行")
        return " ".join(parts)


@dataclass(frozen=True)
class Cell:
    """One cell's text (layout characters removed, trimmed) and where it stands.

    ``merged``: this grid position lies under a merged cell whose text stands at the merge's first
    position — ``"above"`` (the merge starts in an earlier row of this column) or ``"left"`` (it
    starts further left). Such a cell has empty text: a vertical merge reads like a blank 一级
    cell of a text export (carried down), a horizontal one is left out by ``Row.distinct``.
    """

    text: str
    ref: Ref
    merged: str = ""

    @property
    def line(self) -> int | None:
        return self.ref.line

    @cached_property
    def key(self) -> str:
        """Squashed NFKC text: what labels are matched on."""
        return squash(self.text)


@dataclass(frozen=True)
class Span:
    """A merged range of a table: first position (0-based) and its extent."""

    row: int
    col: int
    rows: int = 1
    cols: int = 1


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]

    @property
    def ref(self) -> Ref:
        return self.cells[0].ref

    @property
    def line(self) -> int | None:
        return self.cells[0].line

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.cells]

    def filled(self) -> list[Cell]:
        return [c for c in self.cells if c.text]

    def distinct(self) -> "Row":
        """Without the positions a horizontal merge covers: each merged cell once."""
        return Row(tuple(c for c in self.cells if c.merged != "left"))

    def trimmed(self) -> "Row":
        """Without trailing empty cells."""
        cells = list(self.cells)
        while len(cells) > 1 and not cells[-1].text:
            cells.pop()
        return Row(tuple(cells))


@dataclass(frozen=True)
class Table:
    """Rows of cells in source order. Text sources give ragged rows (the row's cells as written);
    structured sources give the full grid, merged positions marked (``Cell.merged``) and the
    merges listed in ``spans``."""

    rows: tuple[Row, ...]
    spans: tuple[Span, ...] = ()

    @property
    def ref(self) -> Ref:
        return self.rows[0].ref


@dataclass(frozen=True)
class Paragraph:
    """Text outside tables (a title, a heading, front matter)."""

    text: str
    ref: Ref

    @cached_property
    def key(self) -> str:
        return squash(self.text)

    def as_cell(self) -> Cell:
        return Cell(self.text, self.ref)


Block = Paragraph | Table


@dataclass(frozen=True)
class Truncation:
    """Where a text that stops inside a form (a page saved in part) stops: what it was in, and
    its last complete row."""

    reason: str
    ref: Ref
    last_row: str


@dataclass(frozen=True)
class SourceDocument:
    """One file as its source read it.

    ``format``: the source that read it (``text``, ``docx``, ``xlsx``, ``pdf``, ``html``);
    ``encoding``: the text encoding where one applies; ``form``: how the source found its tables
    laid out (text: ``rows`` or ``cells``), information only.
    ``lines``: a text source's decoded lines (``\\n`` ends), so front matter keeps its structure.
    """

    source_file: str
    blocks: tuple[Block, ...]
    format: str
    encoding: str | None = None
    form: str | None = None
    lines: tuple[str, ...] | None = field(default=None, repr=False)
    # detection refuses a document that stops inside a form as truncated, naming the form
    truncation: Truncation | None = None

    @cached_property
    def text(self) -> str:
        """All the document's text, for searches that do not care about structure (the year)."""
        if self.lines is not None:
            return "\n".join(self.lines)
        return "\n".join(block_text(b) for b in self.blocks)

    def rows(self) -> list[tuple[Row, int]]:
        """Every row of the document with the index of its block; a paragraph is a one-cell row."""
        return [
            (row, index)
            for index, block in enumerate(self.blocks)
            for row in ((Row((block.as_cell(),)),) if isinstance(block, Paragraph) else block.rows)
        ]

    def text_before(self, index: int, ref: Ref) -> str:
        """The text before ``ref``, which stands in block ``index``: a text source's lines (blank
        ones kept), else the text of the blocks before that block."""
        if self.lines is not None and ref.line is not None:
            return "\n".join(self.lines[: ref.line - 1])
        return "\n".join(block_text(b) for b in self.blocks[:index])


def block_text(block: Block) -> str:
    if isinstance(block, Paragraph):
        return block.text
    return "\n".join("\t".join(row.distinct().texts) for row in block.rows)
