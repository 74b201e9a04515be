"""The text source: a decoded text export → paragraphs and tables; the only code that knows
physical forms and Word-export artifacts (the forms of text copied from web pages, without tabs,
are read by ``textforms``).

Two forms reach us (``docs/formats.md``):
- *rows*: one table row per line, cells separated by tabs;
- *cells*: every cell on its own line behind a tab, rows ended by a blank line (what Word-to-text
  conversion writes). A cell's further paragraphs follow on lines without the tab; an empty
  paragraph inside a cell is a blank line too, so a blank line is only a *possible* row end.

Artifacts repaired here, as classes: tabs at either end of a cell's text, empty paragraphs
inside a cell and stray blank lines inside a row (rows re-aligned to their header's width),
a cell's text over several lines (joined; ``经济效益`` / ``指标`` reads ``经济效益指标``), page
breaks, U+2028 and ``[bookmark: …]`` markers anywhere, rows of empty cells.
"""

from __future__ import annotations

import re

from ...taxonomy import canonical_level
from ...errors import InputError
from ...text import clean_cell, join_wrapped
from ..cells import Cell, Paragraph, Ref, Row, SourceDocument, Table
from ..decode import decode_document
from ..lexicon import kind_of
from ..specs import field_labels, header_field, header_labels, label_key
from . import Source, register, textforms

ROWS, CELLS = "rows", "cells"

_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_BLANK_CHARS = " \u3000\u00a0\u2028\u2029\f\v\ufeff\u200b"


def strip_markers(text: str) -> str:
    """Word-export residue that is not content (``[bookmark: _Toc…]``) removed."""
    return _BOOKMARK.sub("", text) if "[" in text else text


def _content(line: str) -> str:
    return clean_cell(strip_markers(line))


def _is_blank(line: str) -> bool:
    return "\t" not in line and not line.strip(_BLANK_CHARS)


def _is_marker_only(line: str) -> bool:
    """A line holding nothing but a bookmark marker: no content, no row end."""
    return "\t" not in line and "[" in line and not _content(line)


def _is_header(texts: list[str]) -> bool:
    """A table header: three or more column labels, and labels are most of its filled cells."""
    labels = header_labels()
    filled = [label_key(t) for t in texts if t.strip()]
    hits = sum(key in labels for key in filled)
    return hits >= 3 and hits * 5 >= len(filled) * 3


def detect_form(lines: list[str]) -> str:
    """``rows`` when a table header stands on one line as tab-separated cells, else ``cells``."""
    return ROWS if any("\t" in line and _is_header(line.split("\t")) for line in lines) else CELLS


def _rows_blocks(lines: list[str]) -> list[Paragraph | list[list[Cell]]]:
    """Paragraphs, and tables as lists of row candidates (one a line). A tab-less line between two
    table lines is a row cut in two by a stray line break, so it stays a candidate of the table."""
    items: list[tuple[int, str]] = [
        (number, line) for number, line in enumerate(lines, start=1) if not (_is_blank(line) or _is_marker_only(line))
    ]
    blocks: list = []
    table: list[list[Cell]] | None = None
    for i, (number, line) in enumerate(items):
        ref = Ref(line=number)
        inside = table is not None and i + 1 < len(items) and "\t" in items[i + 1][1]
        if "\t" in line or inside:
            if table is None:
                table = []
                blocks.append(table)
            table.append([Cell(_content(part), ref) for part in line.split("\t")])
            continue
        table = None
        blocks.append(Paragraph(_content(line), ref))
    return blocks


def _cells_blocks(lines: list[str]) -> list[Paragraph | list[list[Cell]]]:
    """Paragraphs, and tables as lists of row candidates (the cells between two blank lines)."""
    blocks: list = []
    table: list[list[Cell]] | None = None
    candidate: list[Cell] = []
    after_cell = False  # the previous line was a cell's (so a tab-less line continues it)
    for number, line in enumerate(lines, start=1):
        if _is_marker_only(line):
            continue
        if _is_blank(line):
            if candidate:
                table.append(candidate)
                candidate = []
            after_cell = False
            continue
        stripped = line.lstrip(_BLANK_CHARS)  # a page break (\f) or U+2028 before the tab
        if stripped.startswith("\t"):
            if table is None:
                table = []
                blocks.append(table)
            candidate.append(Cell(_content(stripped), Ref(line=number)))
            after_cell = True
        elif after_cell:
            last = candidate[-1]
            candidate[-1] = Cell(join_wrapped(last.text, _content(line)), last.ref)
        else:
            if candidate:
                table.append(candidate)
                candidate = []
            table = None
            blocks.append(Paragraph(_content(line), Ref(line=number)))
    if candidate:
        table.append(candidate)
    return blocks


def _align(filled: list[int], full: list[int], width: int, shortest: int, wrap: bool) -> list[tuple[int, int, bool]] | None:
    """Group row candidates into rows of ``shortest`` to ``width`` cells, joining as few as
    possible and preferring full rows: (start, end, wrapped) per row, or None when no grouping
    makes every row fit. ``filled``: each candidate's cells up to its last non-empty one;
    ``full``: with its trailing empty cells (which a rows-form line may or may not have).

    A candidate ends at a blank line (cells form), which is a row end, an empty paragraph inside a
    cell or a stray blank line inside a row; or at a line end (rows form), where ``wrap`` also
    lets a cell continue on the next line (two candidates one cell too wide together).
    """
    n = len(filled)
    best: list[tuple[float, int, bool] | None] = [None] * (n + 1)  # (cost, start of last row, wrapped)
    best[0] = (0.0, -1, False)
    for end in range(1, n + 1):
        for start in range(end - 1, max(-1, end - 4), -1):  # a row split more than thrice is not repaired
            most = sum(filled[start:end])
            least = most - filled[end - 1] + full[end - 1]
            for wrapped in (False, True) if wrap and end - start == 2 else (False,):
                high, low = most - wrapped, max(most, least) - wrapped
                if best[start] is None or high > width or low < shortest:
                    continue
                cost = best[start][0] + (end - start - 1) + (0 if low >= width else 0.5)
                if best[end] is None or cost < best[end][0]:
                    best[end] = (cost, start, wrapped)
    if best[n] is None:
        return None
    groups, end = [], n
    while end > 0:
        _, start, wrapped = best[end]
        groups.append((start, end, wrapped))
        end = start
    return groups[::-1]


def _merge_wrapped_labels(cells: list[Cell], width: int) -> list[Cell]:
    """A row too wide because a taxonomy label was wrapped onto a cell line of its own
    (``经济效益`` / ``指标``): join the pieces the indicator vocabulary recognises."""
    cells = list(cells)
    i = 0
    while len(cells) > width and i + 1 < len(cells):
        first, second = cells[i], cells[i + 1]
        joined = first.text + second.text
        if first.text and second.text and not canonical_level(first.text) and canonical_level(joined):
            cells[i : i + 2] = [Cell(joined, first.ref)]
        else:
            i += 1
    return cells


def _trimmed(cells: list[Cell]) -> list[Cell]:
    end = len(cells)
    while end > 1 and not cells[end - 1].text:
        end -= 1
    return cells[:end]


def _joined(candidates: list[list[Cell]], wrapped: bool, form: str) -> list[Cell]:
    """One row of several candidates (a rows-form line keeps its trailing empty cells only at the end)."""
    if len(candidates) == 1:
        return candidates[0]
    parts = [_trimmed(c) if form == ROWS else c for c in candidates[:-1]] + [candidates[-1]]
    if wrapped:
        first, second = parts
        return [*first[:-1], Cell(join_wrapped(first[-1].text, second[0].text), first[-1].ref), *second[1:]]
    return [cell for part in parts for cell in part]


def _realign(body: list[list[Cell]], header: list[Cell], form: str) -> list[list[Cell]]:
    """The rows under a header, aligned to its width where that is possible. Rows may be short by
    the merged 一级/二级 cells a text export leaves out (rows form: also by trailing empty cells).
    The last candidate may be a cut-off row (a truncated file), which the interpreter then
    refuses at its line."""
    width = len(_trimmed(header)) if form == ROWS else len(header)
    shortest = max(1, width - sum(header_field(c.text) in ("level1", "level2") for c in header))
    body = [_merge_wrapped_labels(c, width) if len(_trimmed(c)) > width else c for c in body]
    if form == ROWS:  # a line's trailing empty cells are no content, but may fill its row
        filled, full = [len(_trimmed(c)) for c in body], [min(len(c), width) for c in body]
        shortest = max(1, shortest - 1)
    else:
        filled = full = [len(c) for c in body]
    groups = _align(filled, full, width, shortest, wrap=form == ROWS)
    if groups is None and body:
        groups = _align(filled[:-1], full[:-1], width, shortest, wrap=form == ROWS)
        groups = groups + [(len(body) - 1, len(body), False)] if groups is not None else None
    if groups is None:
        return body
    return [_joined(body[start:end], wrapped, form) for start, end, wrapped in groups]


def _body_end(candidates: list[list[Cell]], start: int, width: int) -> int:
    """Where the rows under a header end: at the next header, at a row too wide for it, or at a
    labelled field (项目名称, 单位：万元 …) of the next table."""
    labels = field_labels()
    for i in range(start, len(candidates)):
        texts = [c.text for c in candidates[i]]
        if _is_header(texts) or len(_merge_wrapped_labels(_trimmed(candidates[i]), width)) > width:
            return i
        if any(c.key in labels for c in candidates[i]):
            return i
    return len(candidates)


def _continues_header(header: list[Cell], candidate: list[Cell], following: list[Cell]) -> bool:
    """An empty paragraph inside the header row cut it: the rest holds only labels of columns the
    header lacks, or only empty cells that the rows below need."""
    if any(c.text for c in candidate):
        present = {header_field(c.text) for c in header}
        fields = [header_field(c.text) for c in candidate if c.text]
        return all(field is not None and field not in present for field in fields)
    return len(following) > len(header)


def _table(candidates: list[list[Cell]], form: str) -> Table:
    """Row candidates → rows; the candidates under a header row are re-aligned to its width."""
    rows: list[list[Cell]] = []
    i = 0
    while i < len(candidates):
        header = candidates[i]
        rows.append(header)
        i += 1
        if _is_header([c.text for c in header]):
            while i + 1 < len(candidates) and _continues_header(header, candidates[i], candidates[i + 1]):
                header = header + candidates[i]
                rows[-1] = header
                i += 1
            width = len(_trimmed(header)) if form == ROWS else len(header)
            end = _body_end(candidates, i, width)
            rows.extend(_realign(candidates[i:end], header, form))
            i = end
    return Table(tuple(Row(tuple(cells)) for cells in rows))


# grid header labels run together: a copy that lost its cell separators
_GLUED = re.compile(r"一级指标二级指标|二级指标三级指标|三级指标指标值|二级指标指标内容|二级指标绩效标准")


def _refuse_other_kind(text: str, source_file: str) -> None:
    """A document of another kind (a 绩效目标自评表), told by its labels before its cells are read."""
    kind = kind_of(text)
    if kind:
        raise InputError(source_file, f"a {kind}, not a target form")


def _refuse_glued(text: str, lines: list[str], source_file: str) -> None:
    """A text whose table cells are glued together with no separator cannot be split faithfully."""
    if not _GLUED.search(text) or "\t" in text:
        return
    for number, line in enumerate(lines, start=1):
        match = _GLUED.search(line)
        if match:
            raise InputError(source_file, f"table cells glued together with no separator ({match.group()}…): "
                             "the cells cannot be told apart", number)


def read(data: bytes, source_file: str) -> SourceDocument:
    decoded = decode_document(data, source_file)
    lines = decoded.text.split("\n")
    # raw text: labels run together are what these two look for (detection checks the kind again
    # on every cell's label)
    _refuse_other_kind(decoded.text, source_file)
    written = textforms.find_form(lines)
    if written:
        blocks, truncation = textforms.read_blocks(lines, written, source_file)
        return SourceDocument(source_file, tuple(blocks), "text", decoded.encoding, written,
                              tuple(textforms.plain_lines(lines, written)), truncation)
    _refuse_glued(decoded.text, lines, source_file)
    form = detect_form(lines)
    found = _rows_blocks(lines) if form == ROWS else _cells_blocks(lines)
    blocks = tuple(b if isinstance(b, Paragraph) else _table(b, form) for b in found)
    # the lines kept for front matter, without the markers that are no content
    return SourceDocument(source_file, blocks, "text", decoded.encoding, form, tuple(map(strip_markers, lines)))


register(Source("text", (".txt",), sniff=lambda data: True, read=read))
