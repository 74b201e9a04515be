"""The two physical forms of a table, reduced to one model: rows of cells with line numbers.

- *rows* form: one table row per line, cells separated by tabs;
- *cells* form: one cell per line (usually behind a tab), rows separated by blank lines.

Readers work on ``Row`` objects and never care which form they came from, except where a
cells-form row was split by a stray blank line (``merge_split_rows``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from ..text import clean_cell, nfkc, squash

ROWS, CELLS = "rows", "cells"

_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_BLANK_CHARS = " \u3000\u00a0\u2028\u2029\f\v\ufeff"


@dataclass(frozen=True)
class Cell:
    text: str
    line: int

    @cached_property
    def key(self) -> str:
        """Squashed NFKC text: what labels are matched on (cached: readers ask for it often)."""
        return squash(self.text)


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]

    @property
    def line(self) -> int:
        return self.cells[0].line

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.cells]

    def filled(self) -> list[Cell]:
        return [c for c in self.cells if c.text]

    def trimmed(self) -> "Row":
        """Without trailing empty cells (rows form ends lines with stray tabs)."""
        cells = list(self.cells)
        while len(cells) > 1 and not cells[-1].text:
            cells.pop()
        return Row(tuple(cells))


def strip_markers(text: str) -> str:
    """Remove Word-export residue that is not content (``[bookmark: _Toc…]``)."""
    return _BOOKMARK.sub("", text) if "[" in text else text


def line_keys(line: str) -> list[str]:
    """``squash`` of each tab-separated part of a line, normalising the line once.

    NFKC never creates, removes or composes across a tab, so this equals squashing each part.
    """
    return ["".join(part.split()) for part in nfkc(line).split("\t")]


def is_blank(line: str) -> bool:
    return "\t" not in line and not line.strip(_BLANK_CHARS)


def _cells(text: str, number: int) -> tuple[Cell, ...]:
    return tuple(Cell(clean_cell(strip_markers(part)), number) for part in text.split("\t"))


def rows_form(lines: list[str], first_line: int = 1) -> list[Row]:
    """One row per non-blank line."""
    return [
        Row(_cells(line, number))
        for number, line in enumerate(lines, start=first_line)
        if not is_blank(line)
    ]


def cells_form(lines: list[str], first_line: int = 1) -> list[Row]:
    """One row per block of consecutive non-blank lines; each line is a cell (one leading tab dropped)."""
    rows: list[Row] = []
    block: list[Cell] = []
    for number, line in enumerate(lines, start=first_line):
        if is_blank(line):
            if block:
                rows.append(Row(tuple(block)))
                block = []
            continue
        line = line.lstrip(_BLANK_CHARS)  # a page break (\f) or U+2028 before the leading tab
        block.extend(_cells(line[1:] if line.startswith("\t") else line, number))
    if block:
        rows.append(Row(tuple(block)))
    return rows


def header_on_one_line(keys_per_line: list[list[str]], required: tuple[str, ...]) -> bool:
    """True when a single line holds all the required header labels as tab-separated cells.

    ``keys_per_line``: ``line_keys`` of every line (computed once by the caller).
    """
    return any(
        len(keys) > 1 and all(any(k.startswith(label) for k in keys) for label in required)
        for keys in keys_per_line
    )


def merge_split_rows(rows: list[Row], width: int, min_cells: int) -> list[Row]:
    """Re-join cells-form rows that a stray blank line split in two.

    A block with fewer than ``min_cells`` cells cannot be a row on its own: it joins the previous
    row when the two fit in ``width``, else the next one.
    """
    merged: list[Row] = []
    pending: tuple[Cell, ...] = ()
    for row in rows:
        cells = pending + row.cells
        pending = ()
        if len(cells) < min_cells:
            if merged and len(merged[-1].cells) + len(cells) <= width:
                merged[-1] = Row(merged[-1].cells + cells)
            else:
                pending = cells
            continue
        merged.append(Row(cells))
    if pending:
        merged.append(Row(pending))
    return merged
