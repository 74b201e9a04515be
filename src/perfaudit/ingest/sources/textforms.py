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
from ...errors import InputError
from ...taxonomy import SATISFACTION
from ...text import clean_cell, nfkc, squash
from ..cells import Cell, Paragraph, Ref, Row, Table, Truncation
from ..lexicon import is_level1, level_name
from .textgrid import (
    AMOUNT_TOKEN, GRID_COLUMNS, INDENTED, LINE_CELLS, PIPE_CELLS, PIPE_ROWS, SPACE_ROWS, VALUE_TOKEN, GridHeader, Piece,
    grid_key, grid_rows, is_grid_header, is_known_label, written_rows,
)
from ..specs import field_labels, label_key
_PIPES_ONLY = re.compile(r"^[\s|]*\|[\s|]*$")
# what ends a form's grid: a footer, a note, page chrome after the table
_GRID_END = re.compile(
    r"^(?:附件|附表|填表人|填报人|联系电话|联系人|填报日期|填表日期|审核人|单位负责人|财政部门审核意见|注[:：]|备注|说明[:：]|扫一扫|"
    r".{0,12}(?:盖章|签字|签章))"
)
_UNIT_CAPTION = re.compile(r"^(?:金额)?单位[:：(（]")
# the caption line over a grid (绩效项目指标表, 绩效指标): no value of the key–value block above it
_GRID_CAPTION = re.compile(r"^(?:.{0,8}指标表?[:：]?|绩|绩效)$")


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
        "\t" in line and is_grid_header(line.split("\t")) for line in lines
    ):
        return None
    for i, line in enumerate(lines):
        text = line.strip()
        if not text:
            continue
        if "|" in text:
            filled = [c for c in _pipe_cells(text) if c]
            if len(filled) >= 3 and is_grid_header(filled):
                return PIPE_ROWS
        elif len(text.split()) >= 3 and is_grid_header(text.split()):
            return SPACE_ROWS
        if len(_single(text)) and grid_key(_single(text)) in ("level1", "level2", "level3"):
            following = [_single(x.strip()) for x in lines[i + 1:i + 12] if x.strip() and not _PIPES_ONLY.match(x)]
            if is_grid_header([_single(text), *following[:6]]):
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
        words = [Piece(w, ref) for w in line.split()]
        cells = [Cell("", ref)] * 4
        if level_name(squash(line)):
            cells[0] = Cell(clean_cell(line), ref)
        elif level2_depth is not None and _indent(line) > level2_depth:
            name, value = _name_and_value(words, source_file)
            cells[0], cells[3] = Cell(name, ref), Cell(value, ref)
        else:
            at = next((k for k, w in enumerate(words) if k and AMOUNT_TOKEN.match(w.text)), len(words))
            cells[0] = Cell(" ".join(w.text for w in words[:at]), ref)
            if at < len(words):
                cells[1] = Cell(words[at].text, ref)
                cells[2] = Cell(" ".join(w.text for w in words[at + 1:]), ref)
        rows.append(Row(tuple(cells)))
    return blocks + [Table(tuple(rows))]


def _name_and_value(words: list[Piece], source_file: str) -> tuple[str, str]:
    """An indicator line's name and value: two words, or one value-shaped word at the end."""
    if len(words) == 2:
        return words[0].text, words[1].text
    values = [k for k, w in enumerate(words) if VALUE_TOKEN.match(nfkc(w.text))]
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


def _pieces(lines: list[str], form: str) -> list[Piece]:
    """Every cell in reading order; empty cells kept where the form writes them (a white-space
    line in line cells, an inner empty cell of a pipe row)."""
    pieces: list[Piece] = []
    rows = [line.strip() for line in lines if "|" in line and not _PIPES_ONLY.match(line)]
    decorated = all(line.startswith("|") for line in rows)  # every row opens with a pipe
    for number, line in enumerate(lines, start=1):
        ref = Ref(line=number)
        if form == PIPE_ROWS:
            cells = _pipe_cells(line, decorated) if line.strip() else []
            while cells and not cells[-1]:
                cells.pop()
            pieces += [Piece(c, ref) for c in cells]
        elif form == SPACE_ROWS:
            pieces += [Piece(t, ref) for t in line.split()]
        elif form == PIPE_CELLS:
            if line.strip() and not _PIPES_ONLY.match(line):
                pieces.append(Piece(clean_cell(_TRAILING_PIPES.sub("", line)), ref))
        elif line:  # line cells: a line of white space is an empty cell, an empty line none
            pieces.append(Piece(clean_cell(line), ref))
        if form in (PIPE_ROWS, SPACE_ROWS) and pieces and line.strip():
            pieces[-1].row_end = True
    return pieces


def _join_cut_labels(pieces: list[Piece]) -> list[Piece]:
    """A label wrapped over two cells (``主管部门`` / ``及编码``, ``总体`` / ``目标``) joined where
    the whole is a label and the second piece is none."""
    joined: list[Piece] = []
    for piece in pieces:
        last = next((p for p in reversed(joined) if p.text), None)
        if (
            last is not None and piece.text and len(piece.text) <= 4 and not is_known_label(piece.text)
            and is_known_label(last.text + piece.text) and (last is joined[-1] or not joined[-1].text)
        ):
            last.text, last.row_end = last.text + piece.text, piece.row_end
            continue
        joined.append(piece)
    return joined


def _is_field_label(text: str) -> bool:
    return bool(text) and (squash(text).rstrip(":") in field_labels() or label_key(text) in field_labels()
                           or label_key(text).rstrip(":") in field_labels())


def _label_rows(pieces: list[Piece]) -> list[Row]:
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


def _paragraphs(pieces: list[Piece], form: str) -> list[Paragraph]:
    if form in (PIPE_ROWS, SPACE_ROWS):
        return [Paragraph(" ".join(p.text for p in row if p.text), row[0].ref) for row in written_rows(pieces)
                if any(p.text for p in row)]
    return [Paragraph(p.text, p.ref) for p in pieces if p.text]


def _table(pieces: list[Piece], start: int, form: str, source_file: str, cut: bool) -> tuple[Table, int, Truncation | None]:
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
        grid, problem = grid_rows(body, header, form, source_file)
        truncation = _truncated(grid, header, cut) if stop == len(pieces) else None
        if problem is not None and truncation is None:
            raise problem
        rows += [Row(tuple(header.cells))] + [Row(tuple(r)) for r in grid]
        if caption is not None:
            rows.append(Row((Cell(caption.text, caption.ref),)))
        if stop == end:
            return Table(tuple(rows)), end, truncation
        header, header_end = _grid_header(pieces, stop, form)


def _grid_header(pieces: list[Piece], header_at: int, form: str) -> tuple[GridHeader, int]:
    """The grid header starting at ``header_at``, and where its body starts."""
    header_end = header_at
    if form in (PIPE_ROWS, SPACE_ROWS):
        while not pieces[header_end].row_end:
            header_end += 1
        header_end += 1
    else:
        while header_end < len(pieces) and (not pieces[header_end].text or grid_key(pieces[header_end].text)
                                             or header_end == header_at):
            header_end += 1
    header_pieces = [p for p in pieces[header_at:header_end] if p.text]
    fields = [grid_key(p.text) for p in header_pieces]
    own = next((i for i, f in enumerate(fields) if f in ("level1", "level2", "name")), fields.index("level3") if "level3" in fields else 0)
    # 绩效指标 (a 三级 wording of layout C) before 一级指标 captions the grid
    fields = [None if i < own and f in GRID_COLUMNS else f for i, f in enumerate(fields)]
    return GridHeader([Cell(p.text, p.ref) for p in header_pieces], fields), header_end


def _truncated(grid: list[list[Cell]], header: GridHeader, cut: bool) -> Truncation | None:
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


def _header_start(pieces: list[Piece], start: int, form: str) -> int | None:
    """Where the grid header starts: its first cell (in the row forms, its row's first cell)."""
    for j in range(start, len(pieces)):
        if grid_key(pieces[j].text) not in ("level1", "level2", "level3", "name"):
            continue
        window = [p.text for p in pieces[j:j + 8] if p.text]
        if form in (PIPE_ROWS, SPACE_ROWS):
            row_start = j
            while row_start > start and not pieces[row_start - 1].row_end:
                row_start -= 1
            row_end = j
            while row_end < len(pieces) - 1 and not pieces[row_end].row_end:
                row_end += 1
            if is_grid_header([p.text for p in pieces[row_start:row_end + 1]]):
                return row_start
        elif is_grid_header(window):
            return j
    return None


def _kv_rows(pieces: list[Piece], form: str) -> list[Row]:
    if form in (PIPE_ROWS, SPACE_ROWS):
        rows = []
        for row in written_rows(pieces):
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
