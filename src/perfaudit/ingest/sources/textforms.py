"""Physical forms of text that web pages and copies give the target forms, beside the tab forms of
``text.py``; the form is told by how the indicator grid's header stands:

- *pipe rows*: one table row a line, cells between ``|`` (a leading and a trailing ``|``, runs of
  empty cells ``| ||||``); a row leaves out the cells a merge covers;
- *pipe cells*: one cell a line ending `` |``, lines of pipes only (``|``, ``|||``) between;
- *line cells*: one cell a line, blank lines between, an empty cell a line of white space;
- *space rows*: one row a line, single spaces between cells;
- an *indented tree*: 单位 → 项目 → 一级 → 二级 → 三级, one more leading space a level.

Only pipe rows and space rows say where a row ends. Everywhere the rows are rebuilt by the
vocabulary (``lexicon``): in the key–value block a label starts a row and takes the cells up to
the next label; in the grid a row is ``[一级] [二级] 三级 指标值 …``, its cells placed in the
header's columns by what they are (a level name in a level column, anything else in the next
column from 三级 on). Labels wrapped over lines (``主管部门`` / ``及编码``, ``项目完成`` / ``指标``)
are joined where the vocabulary knows the whole and not the piece. A space row splits by the
vocabulary and the value grammar; a row it cannot split is refused naming its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ...errors import InputError
from ...taxonomy import LEVEL2_BY_LEVEL1, SATISFACTION
from ...text import clean_cell, nfkc, squash
from ..cells import Cell, Paragraph, Ref, Row, Table, Truncation
from ..lexicon import is_level1, level_name
from ..specs import field_labels, header_field, label_key, layout_specs

PIPE_ROWS, PIPE_CELLS, LINE_CELLS, SPACE_ROWS = "pipe rows", "pipe cells", "line cells", "space rows"
INDENTED = "indented tree"
GRID_COLUMNS = ("level1", "level2", "level3", "value")
_PIPES_ONLY = re.compile(r"^[\s|]*\|[\s|]*$")
# what ends a form's grid: a footer, a note, page chrome after the table
_GRID_END = re.compile(
    r"^(?:附件|附表|填表人|填报人|联系电话|联系人|填报日期|填表日期|审核人|单位负责人|财政部门审核意见|注[:：]|备注|说明[:：]|扫一扫|"
    r".{0,12}(?:盖章|签字|签章))"
)
_UNIT_CAPTION = re.compile(r"^(?:金额)?单位[:：(（]")
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
# the caption line over a grid (绩效项目指标表, 绩效指标): no value of the key–value block above it
_GRID_CAPTION = re.compile(r"^(?:.{0,8}指标表?[:：]?|绩|绩效)$")
# a value in a space row: a number with its unit or operator, a date, a range, a percentage
_VALUE_TOKEN = re.compile(r"^[≥≤><=≧≦]*[-+]?\d[\d.,，%‰:：/\-～~年月日]*[^\s\d]{0,6}$")


def _grid_key(text: str) -> str | None:
    """The grid column a header cell names (``三级指标内容`` -> ``level3``)."""
    return header_field(text) if text else None


def _is_grid_header(texts: list[str]) -> bool:
    """一级/二级, 三级指标 and 指标值; or a tree's one name column (单位/项目/指标名称) and 指标值."""
    fields = {_grid_key(t) for t in texts if t}
    return "value" in fields and ("level3" in fields and ("level1" in fields or "level2" in fields) or "name" in fields)


@dataclass
class _Piece:
    """A cell as a line gives it, and whether a row ends after it (pipe and space rows)."""

    text: str
    ref: Ref
    row_end: bool = False


def _pipe_cells(line: str, decorated: bool = True) -> list[str]:
    """The cells of a pipe line. In a document whose rows open with ``|`` (``| 一级指标 | …``) the
    first pipe is decoration; elsewhere a line opening with ``|`` starts with an empty cell."""
    text = line.strip().rstrip("|")
    return [clean_cell(part) for part in (text.removeprefix("|") if decorated else text).split("|")]


def plain_lines(lines: list[str], form: str) -> list[str]:
    """The lines as a reader sees them, for the front matter and the title: the cells of a pipe
    line between single spaces, its pipes dropped."""
    if form not in (PIPE_ROWS, PIPE_CELLS):
        return lines
    return [" ".join(c for c in _pipe_cells(line) if c) if "|" in line else line for line in lines]


def find_form(lines: list[str]) -> str | None:
    """Which of the four forms the grid header shows; else an indented tree, or a text cut in a
    form's key–value block; None for the tab forms (a tab-separated header, or cells behind tabs)
    and for a text without any of these."""
    if sum(line.lstrip(" \f\u2028").startswith("\t") for line in lines) >= 3 or any(
        "\t" in line and _is_grid_header(line.split("\t")) for line in lines
    ):
        return None
    for i, line in enumerate(lines):
        text = line.strip()
        if not text:
            continue
        if "|" in text:
            filled = [c for c in _pipe_cells(text) if c]
            if len(filled) >= 3 and _is_grid_header(filled):
                return PIPE_ROWS
        elif len(text.split()) >= 3 and _is_grid_header(text.split()):
            return SPACE_ROWS
        if len(_single(text)) and _grid_key(_single(text)) in ("level1", "level2", "level3"):
            following = [_single(x.strip()) for x in lines[i + 1:i + 12] if x.strip() and not _PIPES_ONLY.match(x)]
            if _is_grid_header([_single(text), *following[:6]]):
                return PIPE_CELLS if text.endswith("|") or any(_PIPES_ONLY.match(x) for x in lines[i + 1:i + 4]) else LINE_CELLS
    return _indented(lines) or _cut_before_grid(lines)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \u3000"))


def _indented(lines: list[str]) -> str | None:
    """A tree whose levels are told by indentation (单位 → 项目 → 一级 → 二级 → 三级, one more
    leading space a level): lines holding a 一级 name alone, each followed by deeper lines."""
    tops = [i for i, line in enumerate(lines) if line.strip() and is_level1(squash(line))]
    deeper = [i for i in tops if i + 1 < len(lines) and _indent(lines[i + 1]) > _indent(lines[i]) > 0]
    return INDENTED if len(deeper) >= 2 else None


# the header the tree interpreter reads an indented tree with (its one name column)
_TREE_HEADER = ("单位/项目/指标名称", "预算数", "年度目标", "指标值")
_AMOUNT_TOKEN = re.compile(r"^[-+]?\d[\d,]*(?:\.\d+)?(?:万元|元)?$")


def _tree_blocks(lines: list[str], source_file: str) -> list[Paragraph | Table]:
    """An indented tree as one table under a name column: a heading line (单位, 项目) is its name,
    its amount and the goal after it; a level line its name; a line deeper than the 二级 lines is
    an indicator, its name and its value split as space rows are."""
    first = next(i for i, line in enumerate(lines) if line.strip() and _indent(line) > 0)
    blocks: list[Paragraph | Table] = [Paragraph(clean_cell(line), Ref(line=i + 1)) for i, line in enumerate(lines[:first])
                                       if line.strip()]
    header_ref = Ref(line=first + 1)
    rows = [Row(tuple(Cell(label, header_ref) for label in _TREE_HEADER))]
    level2_depth = min((_indent(x) for x in lines if x.strip() and level_name(squash(x)) and not is_level1(squash(x))), default=None)
    for number, line in enumerate(lines[first:], start=first + 1):
        if not line.strip():
            continue
        ref = Ref(line=number)
        words = [_Piece(w, ref) for w in line.split()]
        cells = [Cell("", ref)] * 4
        if level_name(squash(line)):
            cells[0] = Cell(clean_cell(line), ref)
        elif level2_depth is not None and _indent(line) > level2_depth:
            name, value = _name_and_value(words, source_file)
            cells[0], cells[3] = Cell(name, ref), Cell(value, ref)
        else:
            at = next((k for k, w in enumerate(words) if k and _AMOUNT_TOKEN.match(w.text)), len(words))
            cells[0] = Cell(" ".join(w.text for w in words[:at]), ref)
            if at < len(words):
                cells[1] = Cell(words[at].text, ref)
                cells[2] = Cell(" ".join(w.text for w in words[at + 1:]), ref)
        rows.append(Row(tuple(cells)))
    return blocks + [Table(tuple(rows))]


def _name_and_value(words: list[_Piece], source_file: str) -> tuple[str, str]:
    """An indicator line's name and value: two words, or one value-shaped word at the end."""
    if len(words) == 2:
        return words[0].text, words[1].text
    values = [k for k, w in enumerate(words) if _VALUE_TOKEN.match(nfkc(w.text))]
    if len(words) > 2 and values == [len(words) - 1]:
        return " ".join(w.text for w in words[:-1]), words[-1].text
    raise InputError.at(source_file, "cannot tell an indicator's name from its value (single spaces between cells: "
                        f"{' '.join(w.text for w in words)[:60]})", words[0].ref)


def _cut_before_grid(lines: list[str]) -> str | None:
    """The form of a text that stops in a form's key–value block (a 项目名称 label, and a field
    label among its last lines), before any grid header: so that it is refused as truncated."""
    filled = [line.strip() for line in lines if line.strip() and not _PIPES_ONLY.match(line)]
    cells = [c for line in filled for c in (_pipe_cells(line) if "|" in line else [line]) if c]
    named = any(_names_project(c) for c in cells)
    if not named or not any(_is_field_label(c) for c in cells[-4:]):
        return None
    if sum("|" in line for line in filled) * 2 < len(filled):
        return None  # one cell a line without pipes is also how prose looks: not read as a form
    return PIPE_ROWS if sum(len([c for c in _pipe_cells(x) if c]) > 1 for x in filled) * 2 > len(filled) else PIPE_CELLS


_TRAILING_PIPES = re.compile(r"[\s|]+$")


def _single(text: str) -> str:
    """The one cell a line holds in the cell forms (its trailing `` | ||`` dropped), else ''."""
    cell = _TRAILING_PIPES.sub("", text)
    return clean_cell(cell) if "|" not in cell else ""


def _pieces(lines: list[str], form: str) -> list[_Piece]:
    """Every cell in reading order; empty cells kept where the form writes them (a white-space
    line in line cells, an inner empty cell of a pipe row)."""
    pieces: list[_Piece] = []
    rows = [line.strip() for line in lines if "|" in line and not _PIPES_ONLY.match(line)]
    decorated = all(line.startswith("|") for line in rows)  # every row opens with a pipe
    for number, line in enumerate(lines, start=1):
        ref = Ref(line=number)
        if form == PIPE_ROWS:
            cells = _pipe_cells(line, decorated) if line.strip() else []
            while cells and not cells[-1]:
                cells.pop()
            pieces += [_Piece(c, ref) for c in cells]
        elif form == SPACE_ROWS:
            pieces += [_Piece(t, ref) for t in line.split()]
        elif form == PIPE_CELLS:
            if line.strip() and not _PIPES_ONLY.match(line):
                pieces.append(_Piece(clean_cell(_TRAILING_PIPES.sub("", line)), ref))
        elif line:  # line cells: a line of white space is an empty cell, an empty line none
            pieces.append(_Piece(clean_cell(line), ref))
        if form in (PIPE_ROWS, SPACE_ROWS) and pieces and line.strip():
            pieces[-1].row_end = True
    return pieces


def _known(text: str) -> bool:
    """Whether the vocabulary knows the text as a label or a level name."""
    key = label_key(text)
    return bool(text) and (key in _all_labels() or squash(text) in field_labels() or level_name(text) is not None)


@cache
def _all_labels() -> frozenset[str]:
    return frozenset(k for spec in layout_specs() for k in (*spec.grid, *spec.columns, *(label_key(f) for f in spec.fields)))


def _join_cut_labels(pieces: list[_Piece]) -> list[_Piece]:
    """A label wrapped over two cells (``主管部门`` / ``及编码``, ``总体`` / ``目标``) joined where
    the whole is a label and the second piece is none."""
    joined: list[_Piece] = []
    for piece in pieces:
        last = next((p for p in reversed(joined) if p.text), None)
        if (
            last is not None and piece.text and len(piece.text) <= 4 and not _known(piece.text)
            and _known(last.text + piece.text) and (last is joined[-1] or not joined[-1].text)
        ):
            last.text, last.row_end = last.text + piece.text, piece.row_end
            continue
        joined.append(piece)
    return joined


def _is_field_label(text: str) -> bool:
    return bool(text) and (squash(text).rstrip(":") in field_labels() or label_key(text) in field_labels()
                           or label_key(text).rstrip(":") in field_labels())


def _label_rows(pieces: list[_Piece]) -> list[Row]:
    """Key–value rows of a form that does not say where rows end: each label takes the cells up
    to the next label; a run of labels over a run of fewer values (``总体目标 中期目标 年度目标``
    over the two goals) becomes a row of labels over a row of values under its last labels."""
    rows: list[Row] = []
    filled = [p for p in pieces if p.text and not _GRID_CAPTION.match(squash(p.text))]
    i = 0
    while i < len(filled):
        if _UNIT_CAPTION.match(squash(filled[i].text)):  # 单位：元 stands alone, over the whole form
            rows.append(Row((Cell(filled[i].text, filled[i].ref),)))
            i += 1
            continue
        labels = []
        while i < len(filled) and _is_field_label(filled[i].text):
            labels.append(filled[i])
            i += 1
        values = []
        while i < len(filled) and not _is_field_label(filled[i].text):
            values.append(filled[i])
            i += 1
        if len(labels) <= 1:
            rows.append(Row(tuple(Cell(p.text, p.ref) for p in labels + values)))
        else:
            rows.append(Row(tuple(Cell(p.text, p.ref) for p in labels)))
            if values:
                pad = max(0, len(labels) - len(values))
                rows.append(Row(tuple([Cell("", values[0].ref)] * pad + [Cell(p.text, p.ref) for p in values])))
    return [r for r in rows if r.cells]


def _written_rows(pieces: list[_Piece]) -> list[list[_Piece]]:
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
class _Header:
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


def _place(row: list[_Piece], header: _Header, carried: str | None) -> list[Cell] | None:
    """A grid row's cells in the header's columns by what they are (a level name in the next
    column of its level, anything else in the next column from 三级 on that can hold it: a 101号
    attribute column holds only its own grammar, so a row whose empty 度量单位 collapsed puts its
    分值 under 分值); None when they do not fit. Header labels repeated in a row (a 绩效指标 caption
    cell, the header's own caption 年度绩效指标) are no content."""
    captions = {squash(c.text) for c, f in zip(header.cells[:header.first], header.fields) if f is None}
    cells = [p for p in row if p.text and not _grid_key(p.text) and squash(p.text) not in captions]
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


def _stream_rows(pieces: list[_Piece], header: _Header) -> list[list[_Piece]]:
    """Grid rows of a form that does not say where rows end: ``[一级] [二级]`` then as many cells
    as the header has from 三级 on; a level name after a complete row starts the next, except
    the 二级 of a row's second half (中期 and 年度 side by side), which repeats its first half's."""
    rows: list[list[_Piece]] = []
    current: list[_Piece] = []
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


def _chunked(pieces: list[_Piece], header: _Header) -> list[list[_Piece]] | None:
    """Line cells whose rows are all written out in full (empty cells as white-space lines), each
    starting at a 一级 name: rows of the header's width; else None."""
    while pieces and not pieces[-1].text:
        pieces = pieces[:-1]
    if not pieces or len(pieces) % header.width:
        return None
    rows = [pieces[i:i + header.width] for i in range(0, len(pieces), header.width)]
    return rows if all(is_level1(r[0].text) for r in rows) else None


def _grid_rows(pieces: list[_Piece], header: _Header, form: str, source_file: str) -> tuple[list[list[Cell]], InputError | None]:
    """The grid's rows in the header's columns, and the first row that could not be read (left
    out: a refusal, unless the text turns out truncated, which is the refusal then)."""
    problem = None
    if form in (PIPE_ROWS, SPACE_ROWS):
        candidates = []
        for written in _written_rows(pieces):
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
        if not rows and all(_grid_key(p.text) for p in candidate if p.text):
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
            texts = [p for p in candidate if p.text and not _AMOUNT_TOKEN.match(squash(p.text))]
            numbers = [p for p in candidate if p.text and _AMOUNT_TOKEN.match(squash(p.text))]
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


def _level1_of_level2(placed: list[Cell], header: _Header, carried: str | None) -> None:
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


def _first_level1_up(rows: list[list[Cell]], header: _Header) -> None:
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


def _split_space_row(row: list[_Piece], header: _Header, source_file: str) -> list[_Piece]:
    """A space row's tokens as cells: level names and labels are cells of their own; the rest is
    三级 and 指标值 (and what follows), split where exactly one split fits the value grammar."""
    lead = []
    rest = list(row)
    while rest and (level_name(rest[0].text) is not None or _grid_key(rest[0].text) or _known(rest[0].text)):
        lead.append(rest.pop(0))
    need = header.tail
    if len(rest) <= need:
        return lead + rest
    values = [i for i, p in enumerate(rest) if _VALUE_TOKEN.match(nfkc(p.text))]
    if need == 2 and values == [len(rest) - 1]:
        name = " ".join(p.text for p in rest[:-1])
        return lead + [_Piece(name, rest[0].ref), rest[-1]]
    raise InputError.at(
        source_file,
        f"cannot tell the cells of this row apart (single spaces between cells, {len(rest)} words for "
        f"{need} cells: {' '.join(p.text for p in rest)[:60]})",
        rest[0].ref,
    )


def read_blocks(lines: list[str], form: str, source_file: str) -> tuple[list[Paragraph | Table], Truncation | None]:
    """Paragraphs and tables of a document in one of the four forms (a table from each form's
    first labelled field up to its grid's end; the rest paragraphs), and where the text ends
    inside a form, if it does."""
    if form == INDENTED:
        return _tree_blocks(lines, source_file), None
    pieces = _join_cut_labels(_pieces(lines, form))
    blocks: list[Paragraph | Table] = []
    truncation = None
    # lines that end with | (pipe forms), and the last one that does not: a page cut inside a cell
    filled = [line.rstrip() for line in lines if line.strip() and not _PIPES_ONLY.match(line)]
    closed = sum(line.endswith("|") for line in filled)
    cut = bool(filled) and closed * 5 >= len(filled) * 4 and not filled[-1].endswith("|")
    i = 0
    while i < len(pieces):
        # a form starts at its first labelled field, or at its grid where it has none (a tree)
        header = _header_start(pieces, i, form)
        start = next((j for j in range(i, len(pieces) if header is None else header) if _is_field_label(pieces[j].text)),
                     len(pieces) if header is None else header)
        # a written row that starts before the field label (| 专项基本情况 | 专项名称 | …) starts there
        while form in (PIPE_ROWS, SPACE_ROWS) and start > i and not pieces[start - 1].row_end:
            start -= 1
        blocks += _paragraphs(pieces[i:start], form)
        if start >= len(pieces):
            break
        table, i, ended = _table(pieces, start, form, source_file, cut)
        truncation = truncation or ended
        blocks.append(table)
    return blocks, truncation


def _names_project(text: str) -> bool:
    """Whether a label names the project (项目名称 and its wordings): a new form starts there."""
    return label_key(text) == "项目名称"


def _paragraphs(pieces: list[_Piece], form: str) -> list[Paragraph]:
    if form in (PIPE_ROWS, SPACE_ROWS):
        return [Paragraph(" ".join(p.text for p in row if p.text), row[0].ref) for row in _written_rows(pieces)
                if any(p.text for p in row)]
    return [Paragraph(p.text, p.ref) for p in pieces if p.text]


def _table(pieces: list[_Piece], start: int, form: str, source_file: str, cut: bool) -> tuple[Table, int, Truncation | None]:
    """The form from ``start``: its key–value rows, the grid header and the grid rows; and where
    the text after it starts."""
    header_at = _header_start(pieces, start, form)
    if header_at is None:
        rows = _kv_rows(pieces[start:], form)
        # a form begun (项目名称) whose grid never comes is cut off; labels in page chrome are not
        begun = any(_names_project(p.text) for p in pieces[start:])
        ended = Truncation("the text ends in the key–value block, before the indicator grid", rows[-1].ref,
                           " ".join(rows[-1].texts)[:40]) if begun else None
        return Table(tuple(rows)), len(pieces), ended
    header, header_end = _grid_header(pieces, header_at, form)
    end = next((j for j in range(header_end, len(pieces)) if _GRID_END.match(nfkc(pieces[j].text))
                or (j > header_end and _names_project(pieces[j].text))), len(pieces))
    while form in (PIPE_ROWS, SPACE_ROWS) and end < len(pieces) and end > header_end and not pieces[end - 1].row_end:
        end -= 1  # the grid ends with the last written row before the end mark
    rows = _kv_rows(pieces[start:header_at], form)
    while True:  # grids one after the other (长期, then 年度): a written row form keeps them as rows
        following = _header_start(pieces, header_end, form) if form in (PIPE_CELLS, LINE_CELLS) else None
        stop = following if following is not None and following < end else end
        body = pieces[header_end:stop]
        last = next((k for k in range(len(body) - 1, -1, -1) if body[k].text), None)
        caption = None
        if stop < end and last is not None and _GRID_CAPTION.match(squash(body[last].text)):
            caption, body = body[last], body[:last]  # the next grid's caption (年度绩效指标)
        grid, problem = _grid_rows(body, header, form, source_file)
        truncation = _truncated(grid, header, cut) if stop == len(pieces) else None
        if problem is not None and truncation is None:
            raise problem
        rows += [Row(tuple(header.cells))] + [Row(tuple(r)) for r in grid]
        if caption is not None:
            rows.append(Row((Cell(caption.text, caption.ref),)))
        if stop == end:
            return Table(tuple(rows)), end, truncation
        header, header_end = _grid_header(pieces, stop, form)


def _grid_header(pieces: list[_Piece], header_at: int, form: str) -> tuple[_Header, int]:
    """The grid header starting at ``header_at``, and where its body starts."""
    header_end = header_at
    if form in (PIPE_ROWS, SPACE_ROWS):
        while not pieces[header_end].row_end:
            header_end += 1
        header_end += 1
    else:
        while header_end < len(pieces) and (not pieces[header_end].text or _grid_key(pieces[header_end].text)
                                             or header_end == header_at):
            header_end += 1
    header_pieces = [p for p in pieces[header_at:header_end] if p.text]
    fields = [_grid_key(p.text) for p in header_pieces]
    own = next((i for i, f in enumerate(fields) if f in ("level1", "level2", "name")), fields.index("level3") if "level3" in fields else 0)
    # 绩效指标 (a 三级 wording of layout C) before 一级指标 captions the grid
    fields = [None if i < own and f in GRID_COLUMNS else f for i, f in enumerate(fields)]
    return _Header([Cell(p.text, p.ref) for p in header_pieces], fields), header_end


def _truncated(grid: list[list[Cell]], header: _Header, cut: bool) -> Truncation | None:
    """A grid that runs to the end of the text without a footer is cut off when the text stops
    inside a cell (``cut``: its last line lacks the ``|`` every other line ends with), when its
    last row is incomplete, or when it stops before the 满意度 block every form of the family
    ends with. The last row of a cut grid stops inside a cell, so the last complete row is the
    one before it."""
    values = [i for i, field in enumerate(header.fields) if field == "value"]

    def complete(row: list[Cell]) -> bool:
        return len(row) >= header.width and any(row[i].text for i in values)

    levels = {level_name(c.text) for r in grid for c in r if c.text}
    if not cut and grid and complete(grid[-1]) and SATISFACTION in levels:
        return None
    done = [r for r in grid[:-1] if complete(r)]
    if not done:
        return Truncation("the text ends inside the indicator grid, before its first complete row", header.cells[0].ref, "")
    value = next(i for i in reversed(values) if done[-1][i].text)
    named = " ".join(c.text for c in done[-1] if c.text)
    return Truncation("the text ends inside the indicator grid", done[-1][value].ref, named[:60])


def _header_start(pieces: list[_Piece], start: int, form: str) -> int | None:
    """Where the grid header starts: its first cell (in the row forms, its row's first cell)."""
    for j in range(start, len(pieces)):
        if _grid_key(pieces[j].text) not in ("level1", "level2", "level3", "name"):
            continue
        window = [p.text for p in pieces[j:j + 8] if p.text]
        if form in (PIPE_ROWS, SPACE_ROWS):
            row_start = j
            while row_start > start and not pieces[row_start - 1].row_end:
                row_start -= 1
            row_end = j
            while row_end < len(pieces) - 1 and not pieces[row_end].row_end:
                row_end += 1
            if _is_grid_header([p.text for p in pieces[row_start:row_end + 1]]):
                return row_start
        elif _is_grid_header(window):
            return j
    return None


def _kv_rows(pieces: list[_Piece], form: str) -> list[Row]:
    if form in (PIPE_ROWS, SPACE_ROWS):
        rows = []
        for row in _written_rows(pieces):
            # leading empty cells keep a values row under its labels (总体目标 | 中期目标 | 年度目标
            # over | 到2025年… | 完成5所…); others are dropped: merged cells written out empty
            lead = next((k for k, p in enumerate(row) if p.text), len(row))
            cells = [Cell("", p.ref) for p in row[:lead]] + [Cell(p.text, p.ref) for p in row if p.text]
            if not cells:
                continue
            previous = rows[-1].cells if rows else ()
            if (form == PIPE_ROWS and len(cells) == 1 and not _is_field_label(cells[0].text) and len(previous) == 2
                    and _is_field_label(previous[0].text) and not _is_field_label(previous[1].text)):
                # a value's next paragraph on a line of its own (本年度绩效目标 | 1.… then | 2.… |)
                value = previous[1]
                rows[-1] = Row((previous[0], Cell(f"{value.text} {cells[0].text}", value.ref)))
                continue
            rows.append(Row(tuple(_joined_values(cells) if form == SPACE_ROWS else cells)))
        return rows
    return _label_rows(pieces)


def _joined_values(cells: list[Cell]) -> list[Cell]:
    """A space row of the key–value block: the words between two labels are one value."""
    out: list[Cell] = []
    for cell in cells:
        if out and not _is_field_label(cell.text) and not _is_field_label(out[-1].text) and len(out) > 0:
            out[-1] = Cell(out[-1].text + " " + cell.text, out[-1].ref)
        else:
            out.append(cell)
    return out
