"""The indicator grid of a text form rebuilt by the vocabulary (``textforms.py`` finds the forms,
the key–value block and the grid's header): a row is ``[一级] [二级] 三级 指标值 …``, each cell
placed in the header's columns by what it is — a level name in a level column, a 101号 attribute
only where its grammar allows, anything else in the next column from 三级 on — so merged cells
left out, 中期/年度 halves side by side and a 一级 cell standing mid-block land where the form has
them. A space row is split by the vocabulary and the value grammar, or refused at its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ...errors import InputError
from ...taxonomy import LEVEL2_BY_LEVEL1
from ...text import nfkc, squash
from ..cells import Cell, Ref
from ..lexicon import is_level1, level_name
from ..specs import field_labels, header_field, label_key, layout_specs

PIPE_ROWS, PIPE_CELLS, LINE_CELLS, SPACE_ROWS = "pipe rows", "pipe cells", "line cells", "space rows"


INDENTED = "indented tree"


GRID_COLUMNS = ("level1", "level2", "level3", "value")


# what a 101号 attribute column can hold (NFKC text); other columns hold anything
_ANY = re.compile(r"")


_OPERATOR = r"(?:[≥≤><=]|>=|<=|不低于|不高于|不少于|不超过|大于|小于|等于)"


_ATTRIBUTE_GRAMMAR = {
    "nature": re.compile(rf"^(?:{_OPERATOR}|定量|定性|正向|反向)(?:指标)?$"),
    "direction": re.compile(rf"^(?:{_OPERATOR}|正向|反向|中性)(?:指标)?$"),
    "unit": re.compile(r"^[^\d≥≤><=]{1,6}$"),
    "measure_unit": re.compile(r"^[^\d≥≤><=]{1,6}$"),
    "weight": re.compile(r"^\d+(?:\.\d+)?(?:分|%)?$"),
}


# a value in a space row: a number with its unit or operator, a date, a range, a percentage
VALUE_TOKEN = re.compile(r"^[≥≤><=≧≦]*[-+]?\d[\d.,，%‰:：/\-～~年月日]*[^\s\d]{0,6}$")


def grid_key(text: str) -> str | None:
    """The grid column a header cell names (``三级指标内容`` -> ``level3``)."""
    return header_field(text) if text else None


def is_grid_header(texts: list[str]) -> bool:
    """一级/二级, 三级指标 and 指标值; or a tree's one name column (单位/项目/指标名称) and 指标值."""
    fields = {grid_key(t) for t in texts if t}
    return "value" in fields and ("level3" in fields and ("level1" in fields or "level2" in fields) or "name" in fields)


@dataclass
class Piece:
    """A cell as a line gives it, and whether a row ends after it (pipe and space rows)."""

    text: str
    ref: Ref
    row_end: bool = False


AMOUNT_TOKEN = re.compile(r"^[-+]?\d[\d,]*(?:\.\d+)?(?:万元|元)?$")


def is_known_label(text: str) -> bool:
    """Whether the vocabulary knows the text as a label or a level name."""
    key = label_key(text)
    return bool(text) and (key in _all_labels() or squash(text) in field_labels() or level_name(text) is not None)


@cache
def _all_labels() -> frozenset[str]:
    return frozenset(k for spec in layout_specs() for k in (*spec.grid, *spec.columns, *(label_key(f) for f in spec.fields)))


def written_rows(pieces: list[Piece]) -> list[list[Piece]]:
    rows, current = [], []
    for piece in pieces:
        current.append(piece)
        if piece.row_end:
            rows.append(current)
            current = []
    if current:
        rows.append(current)
    return rows


@dataclass
class GridHeader:
    cells: list[Cell]
    fields: list[str | None]

    @property
    def width(self) -> int:
        return len(self.cells)

    @property
    def tree(self) -> bool:
        """A grid that holds units and projects too (批复表 tree): its rows are kept as written."""
        return any(f in ("project", "name") for f in self.fields)  # ("unit" is also 度量单位)

    @property
    def first(self) -> int:
        """The grid's first own column (before it: caption columns such as 绩效指标)."""
        return next(i for i, f in enumerate(self.fields) if f in GRID_COLUMNS)

    @property
    def tail(self) -> int:
        """The cells of a row from 三级 on in the first column group (三级, 指标值, 绩效标准 …)."""
        start = self.fields.index("level3") if "level3" in self.fields else self.first
        end = next((i for i in range(start + 1, self.width) if self.fields[i] in ("level1", "level2", "level3")), self.width)
        return end - start


def _level_cells(texts: list[str], carried: str | None) -> list[str | None]:
    """Per cell: ``level1``, ``level2`` or None (no level name). A 一级 name before any other
    level name of its row is a level1, unless it is a 二级 of the 一级 carried down (成本指标 under
    产出指标) and no 二级 follows it."""
    kinds: list[str | None] = []
    for i, text in enumerate(texts):
        name = level_name(text)
        if name is None:
            kinds.append(None)
            continue
        next_is_level = i + 1 < len(texts) and level_name(texts[i + 1]) is not None
        if next_is_level and not any(k in ("level1", "level2") for k in kinds) and is_level1(texts[i + 1]) and level_name(texts[i + 1]) not in (name, *LEVEL2_BY_LEVEL1.get(name, ())):
            kinds.append("caption")  # 实施效果指标 over 产出指标 / 效益指标: the 一级 is the second
            continue
        as_level2 = name in LEVEL2_BY_LEVEL1.get(carried or "", ())
        first = not any(k in ("level1", "level2") for k in kinds)
        kinds.append("level1" if is_level1(text) and first and (next_is_level or not as_level2) else "level2")
    return kinds


def _place(row: list[Piece], header: GridHeader, carried: str | None) -> list[Cell] | None:
    """A grid row's cells in the header's columns by what they are (a level name in the next
    column of its level, anything else in the next column from 三级 on that can hold it: a 101号
    attribute column holds only its own grammar, so a row whose empty 度量单位 collapsed puts its
    分值 under 分值); None when they do not fit. Header labels repeated in a row (a 绩效指标 caption
    cell, the header's own caption 年度绩效指标) are no content."""
    captions = {squash(c.text) for c, f in zip(header.cells[:header.first], header.fields) if f is None}
    cells = [p for p in row if p.text and not grid_key(p.text) and squash(p.text) not in captions]
    kinds = _level_cells([p.text for p in cells], carried)
    placed = [Cell("", row[0].ref) for _ in range(header.width)]
    cursor = header.first
    # a row with one half's cells under a header with 中期 and 年度 halves is the 年度 half's (the
    # half every form fills; the 中期 one is often left blank)
    names = sum(kind is None for kind in kinds)
    halves = [i for i, f in enumerate(header.fields) if f == "level3"]
    annual_half = halves[-1] if len(halves) > 1 and names <= header.tail else None
    for piece, kind in zip(cells, kinds):
        if kind == "caption":
            continue
        if annual_half is not None and kind != "level1":
            before = [i for i in range(annual_half) if header.fields[i] == "level2"]
            cursor = max(cursor, before[-1] if kind == "level2" and before and before[-1] > halves[0] else annual_half)
        def fits(field: str | None, text: str = piece.text) -> bool:
            if kind:
                return field == kind
            return field not in ("level1", "level2", None) and _ATTRIBUTE_GRAMMAR.get(field, _ANY).match(nfkc(text)) is not None

        column = next((i for i in range(cursor, header.width) if fits(header.fields[i])), None)
        if column is None and kind == "level1":
            column = next((i for i in range(cursor, header.width) if header.fields[i] == "level2"), None)
        if column is None:
            return None
        placed[column] = Cell(piece.text, piece.ref)
        cursor = column + 1
    return placed


def _stream_rows(pieces: list[Piece], header: GridHeader) -> list[list[Piece]]:
    """Grid rows of a form that does not say where rows end: ``[一级] [二级]`` then as many cells
    as the header has from 三级 on; a level name after a complete row starts the next, except
    the 二级 of a row's second half (中期 and 年度 side by side), which repeats its first half's."""
    rows: list[list[Piece]] = []
    current: list[Piece] = []
    names = 0  # the row's cells that are not level names
    whole = sum(f not in ("level1", "level2", None) for f in header.fields)  # both halves
    for piece in (p for p in pieces if p.text):
        is_level = level_name(piece.text) is not None
        levels = [p for p in current if level_name(p.text) is not None]
        # the second half of a row repeats its first half's 一级/二级 (中期 and 年度 side by side)
        kind = "level1" if levels and is_level1(piece.text) and level_name(piece.text) == level_name(levels[0].text) else "level2"
        second_half = (whole > header.tail and names == header.tail and header.fields.count(kind) > 1
                       and level_name(piece.text) in {level_name(p.text) for p in levels})
        if is_level and not second_half and (names or len(levels) >= 2 or any(not is_level1(p.text) for p in levels) or (
            current and is_level1(piece.text) and not is_level1(current[-1].text)
        )):
            rows.append(current)
            current, names = [], 0
        current.append(piece)
        if not is_level:
            names += 1
            if names == whole:
                rows.append(current)
                current, names = [], 0
    if current:
        rows.append(current)
    return rows


def _chunked(pieces: list[Piece], header: GridHeader) -> list[list[Piece]] | None:
    """Line cells whose rows are all written out in full (empty cells as white-space lines), each
    starting at a 一级 name: rows of the header's width; else None."""
    while pieces and not pieces[-1].text:
        pieces = pieces[:-1]
    if not pieces or len(pieces) % header.width:
        return None
    rows = [pieces[i:i + header.width] for i in range(0, len(pieces), header.width)]
    return rows if all(is_level1(r[0].text) for r in rows) else None


def grid_rows(pieces: list[Piece], header: GridHeader, form: str, source_file: str) -> tuple[list[list[Cell]], InputError | None]:
    """The grid's rows in the header's columns, and the first row that could not be read (left
    out: a refusal, unless the text turns out truncated, which is the refusal then)."""
    problem = None
    if form in (PIPE_ROWS, SPACE_ROWS):
        candidates = []
        for written in written_rows(pieces):
            try:
                candidates.append(_split_space_row(written, header, source_file) if form == SPACE_ROWS else written)
            except InputError as error:
                problem = problem or error
    else:
        candidates = _chunked(pieces, header) or _stream_rows(pieces, header)
    rows: list[list[Cell]] = []
    carried = None
    for candidate in candidates:
        if not any(p.text for p in candidate):
            continue
        if not rows and all(grid_key(p.text) for p in candidate if p.text):
            if header.tree:  # the tree interpreter reads 上年实际值 / 本年预期值 under 指标值 by position
                rows.append([Cell(p.text, p.ref) for p in candidate])
            continue  # a second header row (指标值 over 2021年实际实现值 / 预期2022年实现值): one value a row
        if len(candidate) == header.width and "caption" not in _level_cells([p.text for p in candidate], carried):
            placed = [Cell(p.text, p.ref) for p in candidate]
        elif header.tree and "level1" in header.fields and "budget_total" in header.fields and not any(level_name(p.text) for p in candidate):
            # a heading row (部门 820-马踏镇部门 | 8,827,620.53): its name in the first column, its
            # amount under 预算数, the rest after it
            placed = [Cell("", candidate[0].ref) for _ in range(header.width)]
            amount = header.fields.index("budget_total")
            texts = [p for p in candidate if p.text and not AMOUNT_TOKEN.match(squash(p.text))]
            numbers = [p for p in candidate if p.text and AMOUNT_TOKEN.match(squash(p.text))]
            free = [i for i in range(header.width) if i != amount]
            for i, piece in zip(free, texts):
                placed[i] = Cell(piece.text, piece.ref)
            if numbers:
                placed[amount] = Cell(numbers[0].text, numbers[0].ref)
        elif header.tree:
            # a row under its group's first row leaves the merged unit/project cells out: its
            # first level name stands in the 一级 column
            first = next((k for k, p in enumerate(candidate) if level_name(p.text)), None)
            column = "level1" if first is not None and is_level1(candidate[first].text) else "level2"
            pad = header.fields.index(column) - first if first is not None and column in header.fields else 0
            placed = [Cell("", candidate[0].ref)] * max(pad, 0) + [Cell(p.text, p.ref) for p in candidate]
            placed += [Cell("", candidate[-1].ref)] * (header.width - len(placed))  # trailing empty cells
        else:
            placed = _place(candidate, header, carried)
            if placed is None and candidate is not candidates[-1]:  # the last may be cut off: truncation says so
                problem = problem or InputError.at(source_file, "grid row whose cells do not fit the header's columns "
                                                   f"({' '.join(p.text for p in candidate if p.text)[:50]})", candidate[0].ref)
                continue
            placed = placed or [Cell(p.text, p.ref) for p in candidate]
            _level1_of_level2(placed, header, carried)
        at = header.fields.index("level1") if "level1" in header.fields else len(placed)
        if at < len(placed) and placed[at].text:
            carried = level_name(placed[at].text)
        rows.append(placed)
    _first_level1_up(rows, header)
    return rows, problem


def _level1_of_level2(placed: list[Cell], header: GridHeader, carried: str | None) -> None:
    """A row without a 一级 cell whose 二级 belongs under another 一级 than the one carried down
    (社会公众或服务对象满意度指标 after the 效益 rows, the form's 满意度 一级 cell left out): its 一级
    is the taxonomy's, tied to the 二级 cell that says so."""
    if "level1" not in header.fields or "level2" not in header.fields:
        return
    at1, at2 = header.fields.index("level1"), header.fields.index("level2")
    if placed[at1].text or not placed[at2].text or carried is None:
        return
    level2 = level_name(placed[at2].text)
    parents = [l1 for l1, names in LEVEL2_BY_LEVEL1.items() if level2 in names]
    if level2 not in LEVEL2_BY_LEVEL1.get(carried, ()) and len(parents) == 1:
        placed[at1] = Cell(parents[0], placed[at2].ref)


def _first_level1_up(rows: list[list[Cell]], header: GridHeader) -> None:
    """A 一级 cell merged down a block stands in its middle row: where the rows before the first
    一级 of the grid belong to it (their 二级 is one of its 二级), it is moved to the first row."""
    if "level1" not in header.fields or "level2" not in header.fields or not rows or header.tree:
        return
    rows = [r for r in rows if len(r) == header.width]
    at = header.fields.index("level1")
    first = next((i for i, r in enumerate(rows) if r[at].text), None)
    if not first:
        return
    name = level_name(rows[first][at].text)
    level2 = [level_name(r[header.fields.index("level2")].text) for r in rows[:first] if r[header.fields.index("level2")].text]
    if level2 and all(l2 in LEVEL2_BY_LEVEL1.get(name, ()) for l2 in level2):
        rows[0][at], rows[first][at] = rows[first][at], Cell("", rows[first][at].ref)


def _split_space_row(row: list[Piece], header: GridHeader, source_file: str) -> list[Piece]:
    """A space row's tokens as cells: level names and labels are cells of their own; the rest is
    三级 and 指标值 (and what follows), split where exactly one split fits the value grammar."""
    lead = []
    rest = list(row)
    while rest and (level_name(rest[0].text) is not None or grid_key(rest[0].text) or is_known_label(rest[0].text)):
        lead.append(rest.pop(0))
    need = header.tail
    if len(rest) <= need:
        return lead + rest
    values = [i for i, p in enumerate(rest) if VALUE_TOKEN.match(nfkc(p.text))]
    if need == 2 and values == [len(rest) - 1]:
        name = " ".join(p.text for p in rest[:-1])
        return lead + [Piece(name, rest[0].ref), rest[-1]]
    raise InputError.at(
        source_file,
        f"cannot tell the cells of this row apart (single spaces between cells, {len(rest)} words for "
        f"{need} cells: {' '.join(p.text for p in rest)[:60]})",
        rest[0].ref,
    )
