"""Per-project tables (layouts B and C, and any spec with ``interpreter = "project_tables"``).

Each table opens with a title ``N.<项目名称>绩效目标表``, then a unit line (``721001 …``),
labelled fields (项目编码, 项目名称, 预算数, 财政资金, 其他资金, 资金用途, 资金支出计划, 绩效目标)
and the indicator grid (一级/二级/三级指标, 绩效指标描述, 指标值[, 指标值确定依据]). The labels and
grid columns come from the layout spec; they are matched on squashed NFKC text, so wraps
(``资金支出计 划``) and widths do not matter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...errors import InputError
from ...taxonomy import is_level1, is_level2
from ...text import clean_cell, nfkc
from ..cells import Cell, Ref, Row, SourceDocument
from ..parsed import (
    LEADERS,
    ParsedDocument,
    ParsedIndicator,
    ParsedProject,
    ParsedUnit,
    front_parts,
    parse_amount,
)
from ..sources.text import strip_markers
from ..specs import LayoutSpec, label_key

AMOUNT_FIELDS = ("budget_total", "fiscal_funds", "other_funds")
TEXT_FIELDS = ("code", "name", "goal")
PLAN_MONTHS = {"3": "plan_mar", "6": "plan_jun", "10": "plan_oct", "12": "plan_dec"}

_TITLE = re.compile(r"^\s*(?:(?P<number>\d+)\s*[.．、]\s*)?(?P<name>\S.*?)\s*绩效目标表\s*$")
_UNIT_LINE = re.compile(r"^(?P<code>\d{3,})\s*(?P<name>[^\d\s:：年].*)$")
_PLAN_LABEL = re.compile(r"^(?P<month>\d{1,2})月(?:底|末)?$")
_PERCENT = re.compile(r"^(?P<number>\d+(?:\.\d+)?)%?$")
_NOTE = re.compile(r"^(注|备注|说明)[:：]")


def field_of(cell: Cell, spec: LayoutSpec) -> str | None:
    key = cell.key
    if key in spec.fields:
        return spec.fields[key]
    month = _PLAN_LABEL.match(key)
    if month:
        return f"month:{month.group('month')}"
    return None


def is_grid_header(row: Row, spec: LayoutSpec) -> bool:
    columns = {spec.grid.get(label_key(t)) for t in row.texts}
    return "level3" in columns and ("level1" in columns or "level2" in columns)


def title_name(cell: Cell) -> str | None:
    """The project name of a table title cell, or None (TOC lines with leaders are not titles)."""
    if "绩效目标表" not in cell.text or LEADERS.search(cell.text):  # cheap test first: every cell is asked
        return None
    match = _TITLE.match(cell.text)
    return match.group("name").strip() if match and match.group("name").strip() else None


@dataclass
class _Section:
    title: Cell
    block: int  # the block the title stands in
    rows: list[Row]


def _split_titles(rows: list[tuple[Row, int]]) -> list[tuple[Row | Cell, int]]:
    """Rows with title cells lifted out as separate items (a table may hold its title in a cell)."""
    items: list[tuple[Row | Cell, int]] = []
    for row, block in rows:
        current: list[Cell] = []
        cells = row.cells
        for i, cell in enumerate(cells):
            # (a title followed by a page number is a table-of-contents entry)
            if title_name(cell) and not (i + 1 < len(cells) and cells[i + 1].key.isdigit()):
                if current:
                    items.append((Row(tuple(current)), block))
                    current = []
                items.append((cell, block))
            else:
                current.append(cell)
        if current:
            items.append((Row(tuple(current)), block))
    return items


def _sections(doc: SourceDocument, spec: LayoutSpec) -> list[_Section]:
    sections: list[_Section] = []
    for item, block in _split_titles(doc.rows()):
        if isinstance(item, Cell):
            sections.append(_Section(item, block, []))
        elif sections:
            sections[-1].rows.append(item)

    def is_table(section: _Section) -> bool:
        return any(
            is_grid_header(r, spec) or any(field_of(c, spec) == "name" for c in r.cells) for r in section.rows
        )

    tables = [s for s in sections if is_table(s)]
    last = sections[-1] if sections else None
    if tables and last is not tables[-1] and (not last.rows or _unit_of(last, spec)):
        # A title (and unit line) with nothing after it, at the end: a cut-off table, not front matter.
        raise InputError.at(
            doc.source_file, "the document ends after the title of a project table (truncated?)", last.title.ref
        )
    return tables


def _unit_of(section: _Section, spec: LayoutSpec) -> tuple[str, str, Ref] | None:
    """The unit line (``721001 巨鹿县…``) between the title and the first labelled field."""
    for row in section.rows:
        for cell in row.cells:
            match = _UNIT_LINE.match(cell.text)
            if match and not field_of(cell, spec):
                return match.group("code"), match.group("name").strip(), cell.ref
        if any(field_of(c, spec) not in (None, "money_unit") for c in row.cells):
            break
    return None


def _labelled_fields(rows: list[Row], source_file: str, project: ParsedProject, spec: LayoutSpec) -> None:
    """Fill the project's labelled fields from the rows before the grid."""
    rows = [row.distinct() for row in rows]
    flat: list[tuple[int, int, Cell]] = [(r, c, cell) for r, row in enumerate(rows) for c, cell in enumerate(row.cells)]
    used: set[tuple[int, int]] = set()
    fields = [field_of(cell, spec) for _, _, cell in flat]
    funds_at = next((p for p, f in enumerate(fields) if f == "funds_block"), None)
    boundary_at = next(
        (p for p, f in enumerate(fields) if funds_at is not None and p > funds_at
         and f is not None and (f in ("plan_block", "goal") or f.startswith("month:"))),
        None,
    )
    for (r, c, cell), field in zip(flat, fields):
        if field is None:
            continue
        used.add((r, c))
        following = rows[r].cells[c + 1] if c + 1 < len(rows[r].cells) else None
        if following is not None and field_of(following, spec):
            following = None
        if field in AMOUNT_FIELDS:
            value = parse_amount(following.text, source_file, following.ref, cell.text) if following else None
            setattr(project, field, value)
            if field == "budget_total":
                project.budget_ref = following.ref if following else cell.ref
            if following:
                used.add((r, c + 1))
        elif field in TEXT_FIELDS:
            below = rows[r + 1].cells[0] if r + 1 < len(rows) else None
            if following is None and below is not None and below.text and not field_of(below, spec):
                following, at = below, (r + 1, 0)
            else:
                at = (r, c + 1)
            if following is not None:
                used.add(at)
                text = following.text
                if field == "code":
                    text = re.sub(r"\s+", "", text)
                setattr(project, field, text or None)
                if field == "goal":
                    project.goal_ref = following.ref
    for r, row in enumerate(rows):
        months = [
            (c, PLAN_MONTHS.get(f[6:]))
            for c, f in ((c, field_of(cell, spec) or "") for c, cell in enumerate(row.cells))
            if f.startswith("month:")
        ]
        if months:
            _read_plan(months, rows[r + 1] if r + 1 < len(rows) else None, source_file, project)
    if project.goal_ref is None:
        project.goal_ref = project.ref
    if funds_at is not None:
        window = flat[funds_at + 1: boundary_at]
        use = [cell for r, c, cell in window if (r, c) not in used and cell.text and not _PERCENT.match(cell.key)]
        project.fund_use = use[0].text if use else None


def _read_plan(months: list[tuple[int, str | None]], values: Row | None, source_file: str, project: ParsedProject) -> None:
    """Checkpoint labels (3月底 …) paired with the percentages of the next row."""
    if values is None:
        raise InputError.at(source_file, "资金支出计划 has no row of percentages", project.ref)
    filled = [(c, cell) for c, cell in enumerate(values.cells) if cell.text]
    if len(filled) == len(months):
        pairs = [(field, cell) for (_, field), (_, cell) in zip(months, filled)]
    else:  # pair by column position when some cells are missing
        pairs = [(field, values.cells[c]) for c, field in months if c < len(values.cells)]
    for field, cell in pairs:
        if field is None or not cell.text:
            continue
        match = _PERCENT.match(cell.key)
        if not match:
            raise InputError.at(source_file, f"spending-plan value {cell.text!r} is not a percentage", cell.ref)
        project.plan[field] = float(match.group("number"))
    project.plan_ref = values.ref


def _grid(rows: list[Row], header: Row, source_file: str, spec: LayoutSpec, at_end: bool) -> list[ParsedIndicator]:
    """The indicators of one grid; ``at_end``: the grid ends the document, so its last row may be cut off.

    Rows are as the source gives them: a text source has re-aligned them to the header's width
    (rows can still be short where merged 一级/二级 cells were left out); structured sources give
    the full grid with merged positions empty.
    """
    columns: dict[str, int] = {}
    for i, text in enumerate(header.texts):
        column = spec.grid.get(label_key(text))
        if column and column not in columns:
            columns[column] = i
    missing = [label for column, label in spec.required.items() if column not in columns]
    if missing:
        raise InputError.at(source_file, f"indicator table lacks column {', '.join(missing)}", header.ref)
    width = len(header.trimmed().cells)
    min_cells = width - sum(1 for f in ("level1", "level2") if f in columns)
    # How far the document's last row reaches, counted before its trailing empty cells are trimmed.
    last_row_cells = len(rows[-1].cells) if rows else 0
    indicators = []
    level1 = level2 = None
    for number, row in enumerate(rows, start=1):
        cells = list(row.trimmed().cells)
        if len(cells) < len(row.cells) and len(row.cells) <= width:
            cells = list(row.cells)  # keep a full row's empty trailing cells (an empty 依据)
        if len(cells) == 1 and _NOTE.match(nfkc(cells[0].text)):
            continue
        if not any(c.text for c in cells) and len(row.cells) >= min_cells:
            continue  # a row of empty cells
        if len(cells) > width:
            raise InputError.at(source_file, f"indicator row has {len(cells)} cells, the table has {width} columns", row.ref)
        if len(cells) < min_cells:
            raise InputError.at(source_file, "indicator row is incomplete (table truncated?)", row.ref)
        if at_end and number == len(rows):
            if _offset(cells, columns) + max(len(cells), last_row_cells) <= columns["value"]:
                raise InputError.at(
                    source_file, "the document ends inside an indicator row, before its 指标值 (truncated?)", row.ref
                )
        cells = _align(cells, width, columns)
        get = {field: cells[i] for field, i in columns.items()}
        if get.get("level1") is not None and get["level1"].text:
            if get["level1"].text != level1:
                level2 = None
            level1 = get["level1"].text
        if get.get("level2") is not None and get["level2"].text:
            level2 = get["level2"].text
        name = get["level3"]
        value = get["value"]
        description = get.get("description")
        basis = get.get("basis")
        if not name.text and not value.text:
            continue
        indicators.append(
            ParsedIndicator(
                level1=level1,
                level2=level2,
                level3=name.text,
                description=description.text if description is not None else None,
                target_period=None,
                target_annual=value.text,
                basis=(basis.text or None) if basis is not None else None,
                ref=name.ref,
                value_ref=value.ref,
            )
        )
    return indicators


def _align(cells: list[Cell], width: int, columns: dict[str, int]) -> list[Cell]:
    """Place a short row's cells: merged 一级/二级 cells may be missing at the front."""
    if len(cells) == width:
        return cells
    ref = cells[-1].ref
    placed = [Cell("", ref)] * _offset(cells, columns) + cells
    return (placed + [Cell("", ref)] * width)[:width]


def _offset(cells: list[Cell], columns: dict[str, int]) -> int:
    """The column of a short row's first cell."""
    first = cells[0].text
    if not first or is_level1(first):
        return 0  # left-aligned; trailing cells empty
    if is_level2(first) and "level2" in columns:
        return columns["level2"]
    return columns["level3"]


def read(doc: SourceDocument, spec: LayoutSpec) -> ParsedDocument:
    source_file = doc.source_file
    sections = _sections(doc, spec)
    if not sections:
        raise InputError(source_file, "no project table (title '…绩效目标表' followed by 项目名称) found")
    first = sections[0]
    title, front_matter = front_parts(doc.text_before(first.block, first.title.ref))
    department = _department(front_matter)

    units: list[ParsedUnit] = []
    unit_index: dict[str | None, int] = {}
    projects: list[ParsedProject] = []
    amount_unit = None
    for section in sections:
        found = _unit_of(section, spec)
        if found is None:
            if not units:
                raise InputError.at(source_file, "project table without a unit line (e.g. '721001 单位名称')", section.title.ref)
            index = len(units) - 1
        else:
            code, name, ref = found
            key = nfkc(code)  # ７２１００１ and 721001 are one unit
            if key not in unit_index:
                unit_index[key] = len(units)
                units.append(ParsedUnit(name=name, ref=ref, code=code, department=department))
            index = unit_index[key]
        amount_unit = amount_unit or _money_unit(section, spec)
        header_at = next((i for i, r in enumerate(section.rows) if is_grid_header(r, spec)), None)
        if header_at is None:
            raise InputError.at(source_file, "project table has no indicator grid (truncated?)", section.title.ref)
        project = ParsedProject(unit_index=index, name=title_name(section.title) or "", ref=section.title.ref)
        _labelled_fields(section.rows[:header_at], source_file, project, spec)
        project.indicators = _grid(
            section.rows[header_at + 1:], section.rows[header_at], source_file, spec, at_end=section is sections[-1]
        )
        if not project.indicators:
            raise InputError.at(source_file, "indicator grid has no rows (truncated?)", section.rows[header_at].ref)
        if project.budget_ref is None:
            project.budget_ref = project.ref
        projects.append(project)
    return ParsedDocument(
        title=title, front_matter=front_matter, units=units, projects=projects, amount_unit=amount_unit
    )


def _money_unit(section: _Section, spec: LayoutSpec) -> str | None:
    """The unit a table states for its amounts (``单位：元``), if it states one."""
    for row in section.rows:
        for cell in row.cells:
            if field_of(cell, spec) == "money_unit":
                return cell.key.split(":", 1)[1]
    return None


def _department(front_matter: str) -> str | None:
    """B's cover names the department on the line before '<year>年部门预算绩效文本'."""
    previous = None
    for line in front_matter.split("\n"):
        text = clean_cell(strip_markers(line))  # kept like every other cell: no U+2028, \f, bookmarks
        if not text:
            continue
        if "部门预算" in text and previous and not re.search(r"\d", previous):
            return previous
        previous = text
    return None
