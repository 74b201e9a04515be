"""Declaration forms (layout N1, and any spec with ``interpreter = "declaration"``): the
项目支出绩效目标申报表 of 财预〔2015〕88号 and its provincial copies, one table per project.

A key–value block, every label followed by its value to the right, or below it where the row
holds more labels (``总体目标 | 中期目标 | 年度目标`` over a row of the two goals)::

    项目名称        | 城区道路维修
    主管部门及代码  | [015001]武汉市青山区教育局 | 实施单位 | 青山区实验小学
    项目属性        | 延续                       | 项目期   | 202001-202012
    项目资金（万元）| 中期资金总额：| 100 | 年度资金总额：| 50
                    | 其中：财政拨款| 80  | 其中：财政拨款| 40
                    | 其他资金      | 20  | 其他资金      | 10

then the grid 一级/二级/三级指标/指标值, once (annual only) or twice on one row: the 中期 columns,
then the 年度 columns. The row is the indicator: its names come from the 年度 half (the 中期
half where the 年度 half has none), its 中期 value is ``target_period``. A 中期 half left wholly
blank is read as an annual-only form. The two grids can also stand one after the other (a
长期/中期 grid, then the 年度 grid, each under its caption): the 中期 values join the 年度
indicator of the same names. A 填表人/联系电话 footer, a note or the text after the table ends the
grid.

101号-style grids (layout N2) add attribute columns: 指标性质, 指标方向, 度量单位, 分值/权重,
评(扣)分标准, 指标解释 (the description) and 指标值设定依据 (the basis). Where 指标性质 and
度量单位 stand in cells of their own, the target is read as the form reads it: ``≥`` ``90`` ``%``
is ``≥90%`` (``values.compose_value``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...errors import InputError
from ...text import nfkc, squash
from ..cells import Cell, Paragraph, Row, SourceDocument
from ..parsed import ParsedDocument, ParsedIndicator, ParsedProject, ParsedUnit, front_parts, parse_amount
from ..specs import LayoutSpec, label_key
from ..values import amount_breakdown, compose_value

# 中期 and 年度 amounts; a 其中 line belongs to the total whose column it stands nearest to.
PERIOD_AMOUNTS = {"fiscal_funds": "period_fiscal_funds", "other_funds": "period_other_funds"}
AMOUNT_FIELDS = ("budget_total", "period_budget_total", "fiscal_funds", "other_funds")
SOURCE_FIELDS = ("general_budget_funds", "government_fund_funds", "state_capital_funds", "institution_income", "higher_level_funds")
TEXT_FIELDS = ("name", "department", "unit", "project_type", "period", "goal", "period_goal", "goal_block")

_MONEY_UNIT = re.compile(r"^(?:项目资金|(?:金额)?单位)[(:]?(万元|元)\)?:?$")  # squashed NFKC text
_DEPARTMENT = re.compile(r"^[\[［【]\s*(?P<code>[^\]］】\s]+)\s*[\]］】]\s*(?P<name>.+)$")  # [015001]武汉市…
_PERIOD = re.compile(r"^(?P<start>\d{4}(?:[.\-/年]?\d{1,2}月?)?)\s*(?:-|—|－|~|～|至|到)+\s*(?P<end>\d{4}(?:[.\-/年]?\d{1,2}月?)?)$")
_WEIGHT = re.compile(r"^(?P<number>\d+(?:\.\d+)?)(?:分|%)?$")  # 分值/权重: 10, 10分, 10%
# the caption of a grid that holds the 中期 targets (a label column or a caption row before it)
_PERIOD_CAPTION = re.compile(r"中期|长期|实施期")
_CAPTION = re.compile(r"^.{0,10}指标(?:表)?[:]?$")
FOOTER = re.compile(r"^(?:填表人|填报人|联系电话|联系人|填报日期|填表日期|审核人|单位负责人|注|备注|说明)[:：]?")


def field_of(cell: Cell, spec: LayoutSpec) -> str | None:
    """The field a label cell names (``中期资金总额：`` and ``项目资金（元）`` included)."""
    if not cell.text:
        return None
    for key in (cell.key, label_key(cell.text)):
        field = spec.fields.get(key.rstrip(":"))
        if field:
            return field
    return None


def is_grid_header(row: Row, spec: LayoutSpec) -> bool:
    columns = {spec.grid.get(label_key(t)) for t in row.texts}
    return "level3" in columns and ("level1" in columns or "level2" in columns)


@dataclass
class _Section:
    """One form: the rows of its key–value block (from its 项目名称 row, which stands in block
    ``block``), its grid header and the grid rows."""

    block: int
    fields: list[Row]
    header: Row | None = None
    body: list[Row] | None = None
    ended: bool = False
    # grids one after the other (长期, then 年度): (caption, header, body) each, the first included
    grids: list[tuple[str, Row, list[Row]]] | None = None


def _sections(doc: SourceDocument, spec: LayoutSpec) -> list[_Section]:
    """Forms in document order: each starts at a row labelled 项目名称; its grid ends at a
    footer (填表人 …), a note, a paragraph after the table or the next form."""
    sections: list[_Section] = []
    for row, block in doc.rows():
        current = sections[-1] if sections else None
        if any(field_of(c, spec) == "name" for c in row.cells):
            sections.append(_Section(block, [row]))
        elif current is None or current.ended:
            continue  # title and front matter; text after a form
        elif current.header is None:
            if is_grid_header(row, spec):
                current.header, current.body = row, []
                current.grids = [(_caption(row, current.fields[-1], spec), row, current.body)]
            else:
                current.fields.append(row)
        elif isinstance(doc.blocks[block], Paragraph) or FOOTER.match(nfkc(next((t for t in row.texts if t), ""))):
            current.ended = True
        elif is_grid_header(row, spec):  # the next grid of the same form
            caption = _caption(row, current.body[-1] if current.body else None, spec)
            if current.body and _caption_row(current.body[-1]):
                current.body.pop()
            current.grids.append((caption, row, []))
            current.body = current.grids[-1][2]
        else:
            current.body.append(row)
    for section in sections:
        if section.header is None:
            raise InputError.at(
                doc.source_file, "申报表 has no indicator grid (一级/二级/三级指标, 指标值)", section.fields[0].ref
            )
    return sections


def _caption_row(row: Row) -> str | None:
    """The text of a row that only captions the grid below it (``长期绩效指标``), else None."""
    texts = [t for t in row.texts if t]
    return texts[0] if len(texts) == 1 and _CAPTION.search(squash(texts[0])) else None


def _caption(header: Row, before: Row | None, spec: LayoutSpec) -> str:
    """A grid's caption: its header's cells that are no grid label (a 长期绩效指标 label column),
    or the caption row before it."""
    own = [t for t in header.texts if t and label_key(t) not in spec.grid]
    return " ".join(own) or (before is not None and _caption_row(before)) or ""


def value_cell(rows: list[Row], r: int, c: int, spec: LayoutSpec) -> Cell | None:
    """The value of the label at ``rows[r].cells[c]``: the next cell to its right (a horizontal
    merge's covered positions skipped); in a row of labels only, the cell below."""
    cells = rows[r].cells
    right = next((cell for cell in cells[c + 1:] if cell.merged != "left"), None)
    if right is not None and right.text and not field_of(right, spec):
        return right
    # a row of labels over a row of their values; a row below that has labels of its own holds
    # their values (金额（万元） captions the amounts of the 财政拨款小计 … rows below it)
    if (all(field_of(cell, spec) for cell in cells if cell.text) and r + 1 < len(rows) and c < len(rows[r + 1].cells)
            and not any(field_of(cell, spec) for cell in rows[r + 1].cells if cell.text)):
        below = rows[r + 1].cells[c]
        if below.text and not field_of(below, spec):
            return below
    labels = [cell for cell in cells if cell.text]
    if len(labels) > 1 and all(field_of(cell, spec) for cell in labels) and cells[c] in labels:
        # a copy that put each value of a labels row on a line of its own (中期目标 | 年度目标, then
        # one goal a line): the i-th label takes the i-th of the one-cell rows below
        below = [row.filled() for row in rows[r + 1:r + 1 + len(labels)]]
        if len(below) == len(labels) and all(len(b) == 1 and not field_of(b[0], spec) for b in below):
            return below[labels.index(cells[c])][0]
    return None


def _under_period_total(at: tuple[int, int], totals: dict[str, tuple[int, int]], earlier: int, of_kind: int) -> bool:
    """Whether a 其中 line at ``at`` (row, column) belongs to 中期资金总额: with the two totals on
    one row, the one whose column is nearest; with them one above the other, the annual one, unless
    each total has its own line of the kind (``of_kind`` 2: a form read cell by cell, 资金总额 /
    当年资金总额 then 其中：财政拨款 / 其中：当年财政拨款), where the ``earlier``-th line belongs to the
    ``earlier``-th total; with one total only, that one."""
    if "period_budget_total" not in totals:
        return False
    if "budget_total" not in totals:
        return True
    (period_row, period_column), (row, column) = totals["period_budget_total"], totals["budget_total"]
    if period_row != row:
        order = sorted(totals, key=totals.get)
        return of_kind == len(order) and order[earlier] == "period_budget_total"
    return abs(period_column - at[1]) < abs(column - at[1])


_NUMBER = re.compile(r"^[-+]?\d[\d,]*(?:\.\d+)?$")


def _money_grid(rows: list[Row], project: ParsedProject, source_file: str, spec: LayoutSpec) -> set[int]:
    """A money grid (Hunan 专项申报表): a row ``本年度预计投入 | 财政资金 | 其他`` over a row naming the
    财政资金's sources (``中央 | 省级 | 市级 | 本级``) over a row of numbers, one a column and one a
    source. Fills the amounts (财政资金 the sum of its sources) and returns the rows it read."""
    for r in range(len(rows) - 2):
        cells = [cell for cell in rows[r].cells if cell.text]
        fields = [field_of(cell, spec) for cell in cells]
        if "budget_total" not in fields or "fiscal_funds" not in fields:
            continue
        columns = list(zip(cells, fields))[fields.index("budget_total"):]
        sources, numbers = rows[r + 1].filled(), rows[r + 2].filled()
        if (any(field_of(cell, spec) for cell in sources) or len(numbers) != len(columns) - 1 + len(sources)
                or not all(_NUMBER.match(squash(cell.text)) for cell in numbers)):
            continue
        at = 0
        for cell, field in columns:
            taken = numbers[at:at + (len(sources) if field == "fiscal_funds" else 1)]
            at += len(taken)
            amount = sum(parse_amount(n.text, source_file, n.ref, cell.text) or 0.0 for n in taken)
            field = field or ("other_funds" if cell.key.startswith("其他") else None)
            if field in ("budget_total", "fiscal_funds", "other_funds"):
                setattr(project, field, amount)
        project.budget_ref = numbers[0].ref
        return {r, r + 1, r + 2}
    return set()


def _key_values(rows: list[Row], project: ParsedProject, source_file: str, spec: LayoutSpec) -> dict[str, Cell]:
    """Fill the project's amounts from the key–value block; returns the value cells of its text fields."""
    grid = _money_grid(rows, project, source_file, spec)
    labelled = [(r, c, cell, field_of(cell, spec)) for r, row in enumerate(rows) if r not in grid for c, cell in enumerate(row.cells)]
    labelled = [(r, c, cell, field) for r, c, cell, field in labelled if field]
    totals = {field: (r, c) for r, c, _, field in labelled if field in ("budget_total", "period_budget_total")}
    texts: dict[str, Cell] = {}
    earlier: dict[str, int] = {}
    of_kind = {kind: sum(field == kind for *_, field in labelled) for kind in ("fiscal_funds", "other_funds")}
    read_by: dict[str, str] = {}  # amount field -> the label it was read from
    for r, c, cell, field in labelled:
        value = value_cell(rows, r, c, spec)
        if field in AMOUNT_FIELDS:
            if field in ("fiscal_funds", "other_funds"):
                earlier[field] = earlier.get(field, -1) + 1
                if _under_period_total((r, c), totals, earlier[field], of_kind[field]):
                    field = PERIOD_AMOUNTS[field]
            if getattr(project, field) is not None:
                if field == "other_funds" and "period_budget_total" not in totals and read_by[field] != cell.key:
                    # non-fiscal money written by source (自有资金小计, 其他收入): its parts add up
                    more = parse_amount(value.text, source_file, value.ref, cell.text) if value else None
                    project.other_funds += more or 0.0
                continue  # one value per field: the first label read
            read_by[field] = cell.key
            setattr(project, field, parse_amount(value.text, source_file, value.ref, cell.text) if value else None)
            if field == "budget_total":
                project.budget_ref = value.ref if value else cell.ref
                project.budget_breakdown = amount_breakdown(value.text) if value else None
        elif field in SOURCE_FIELDS:
            # the breakdown by source is read for the annual total; beside a 中期 total it is left out
            if not _under_period_total((r, c), totals, 0, 1) and field not in project.sources:
                project.sources[field] = parse_amount(value.text, source_file, value.ref, cell.text) if value else None
        elif field in TEXT_FIELDS and value is not None and field not in texts:
            texts[field] = value
    return texts


def money_unit(doc: SourceDocument) -> str | None:
    """The unit the document states for its amounts (a ``项目资金（元）`` label, a ``单位：万元``
    cell or line), if it states one."""
    for row, _ in doc.rows():
        for cell in row.cells:
            match = _MONEY_UNIT.match(cell.key)
            if match:
                return match.group(1)
    return None


def _grid_columns(header: Row, spec: LayoutSpec) -> tuple[dict[str, int], dict[str, int] | None]:
    """(年度 columns, 中期 columns or None): a grid with two 指标值 columns has its 中期 half first;
    a column the 中期 half does not repeat (one 一级指标 for both) serves both halves."""
    found: dict[str, list[int]] = {}
    for i, cell in enumerate(header.cells):
        column = spec.grid.get(label_key(cell.text))
        if column:
            found.setdefault(column, []).append(i)
    values = found.get("value", [])
    if len(values) < 2:
        return {column: at[0] for column, at in found.items()}, None
    split = values[0]
    period = {column: next((i for i in at if i <= split), at[0]) for column, at in found.items()}
    annual = {column: next((i for i in at if i > split), at[-1]) for column, at in found.items()}
    return annual, period


def read_weight(cell: Cell | None, source_file: str) -> float | None:
    """分值/权重 as a number (``10``, ``10分``, ``10%``); empty -> None."""
    if cell is None or not cell.text:
        return None
    match = _WEIGHT.match(squash(cell.text))
    if not match:
        raise InputError.at(source_file, f"分值/权重 {cell.text!r} is not a number", cell.ref)
    return float(match.group("number"))


def _text(get: dict[str, Cell], column: str) -> str | None:
    cell = get.get(column)
    return (cell.text or None) if cell is not None else None


def _target(get: dict[str, Cell]) -> str | None:
    """The target as the form reads it: the 指标值 cell with the operator of 指标性质/指标方向 and
    the 度量单位 cell where they stand apart (``≥`` ``90`` ``%`` -> ``≥90%``)."""
    return compose_value((_text(get, "nature"), _text(get, "direction")), get["value"].text, _text(get, "unit"))


def read_grid(header: Row, body: list[Row], source_file: str, spec: LayoutSpec) -> tuple[list[ParsedIndicator], bool, bool]:
    """The indicators of one grid, whether its 中期 half holds anything and whether it has a
    绩效标准 / 设定依据 column."""
    annual, period = _grid_columns(header, spec)
    missing = [label for column, label in spec.required.items() if column not in annual]
    if missing:
        raise InputError.at(source_file, f"indicator table lacks column {', '.join(missing)}", header.ref)
    width = len(header.cells)
    halves = [annual] + ([period] if period else [])
    carried = [{"level1": None, "level2": None} for _ in halves]
    # per row, per half (年度 first): (一级/二级 carried down to it, its cells by column)
    rows: list[list[tuple[dict[str, str | None], dict[str, Cell]]]] = []
    for row in body:
        cells = list(row.cells)
        if len(row.trimmed().cells) > width:
            raise InputError.at(source_file, f"indicator row has {len(row.trimmed().cells)} cells, the table has {width} columns", row.ref)
        cells += [Cell("", cells[-1].ref)] * (width - len(cells))
        got = []
        for columns, levels in zip(halves, carried):
            get = {column: cells[i] for column, i in columns.items()}
            level1 = get.get("level1")
            if level1 is not None and level1.text:
                if level1.text != levels["level1"]:
                    levels["level2"] = None
                levels["level1"] = level1.text
            level2 = get.get("level2")
            if level2 is not None and level2.text:
                levels["level2"] = level2.text
            got.append((dict(levels), get))
        rows.append(got)
    period_filled = any(
        half[1]["level3"].text or half[1]["value"].text for got in rows for half in got[1:]
    )
    indicators = []
    for got in rows:
        (levels, get), *rest = got
        other = rest[0] if rest and period_filled else None
        if not get["level3"].text and other is not None and other[1]["level3"].text:
            levels, name = other[0], other[1]["level3"]
        else:
            name = get["level3"]
        if not name.text and not get["value"].text and not (other and other[1]["value"].text):
            continue  # a placeholder row (一级/二级 without an indicator) or an empty row
        indicators.append(
            ParsedIndicator(
                level1=levels["level1"],
                level2=levels["level2"],
                level3=name.text,
                description=_text(get, "description"),
                target_period=_target(other[1]) if other else None,
                target_annual=_target(get),
                basis=_text(get, "basis"),
                ref=name.ref,
                value_ref=get["value"].ref,
                nature=_text(get, "nature"),
                direction=_text(get, "direction"),
                weight=read_weight(get.get("weight"), source_file),
                scoring_rule=_text(get, "scoring_rule"),
                measure_unit=_text(get, "unit"),
                period_measure_unit=_text(other[1], "unit") if other else None,
            )
        )
    return indicators, period_filled, "basis" in annual


def _joined_grids(section: _Section, source_file: str, spec: LayoutSpec) -> tuple[list[ParsedIndicator], bool, bool]:
    """The indicators of a form: of its one grid, or of its 年度 grid with the 中期 values of the
    grid captioned 中期/长期/实施期 (the first of two where neither caption says) joined by the
    indicator's names; a 中期 indicator the 年度 grid lacks follows them, without an annual value."""
    read = [(caption, *read_grid(header, body, source_file, spec)) for caption, header, body in section.grids]
    if len(read) == 1:
        return read[0][1:]
    if len(read) > 2:
        raise InputError.at(source_file, f"申报表 has {len(read)} indicator grids (at most 中期 and 年度)", section.grids[2][1].ref)
    first = 0 if _PERIOD_CAPTION.search(read[0][0]) or not _PERIOD_CAPTION.search(read[1][0]) else 1
    (_, period, _, period_basis), (_, annual, _, annual_basis) = read[first], read[1 - first]
    def key(indicator: ParsedIndicator) -> tuple:
        return indicator.level1, indicator.level2, squash(indicator.level3)

    by_name = {key(i): i for i in period}
    for indicator in annual:
        match = by_name.pop(key(indicator), None)
        if match is not None:
            indicator.target_period, indicator.period_measure_unit = match.target_annual, match.measure_unit
    for rest in by_name.values():
        rest.target_period, rest.period_measure_unit = rest.target_annual, rest.measure_unit
        rest.target_annual, rest.measure_unit = None, None
    return annual + list(by_name.values()), bool(period), annual_basis or period_basis


def _complete_totals(project: ParsedProject, rows: list[Row], spec: LayoutSpec) -> None:
    """Totals a form states only in part: a plain 资金总额 without an annual total beside it is the
    annual total (its 其中 lines with it); a total written as a column caption over its parts
    (财政拨款小计, 自有资金小计 …) is their sum."""
    labels = [cell for row in rows for cell in row.cells if field_of(cell, spec) in ("budget_total", "period_budget_total")]
    if [label_key(cell.text).rstrip(":") for cell in labels] == ["资金总额"]:
        project.budget_total, project.period_budget_total = project.period_budget_total, None
        project.fiscal_funds, project.period_fiscal_funds = project.period_fiscal_funds, None
        project.other_funds, project.period_other_funds = project.period_other_funds, None
    if project.budget_total is None and (project.fiscal_funds is not None or project.other_funds is not None):
        project.budget_total = (project.fiscal_funds or 0.0) + (project.other_funds or 0.0)


def _split_period(text: str | None) -> tuple[str | None, str | None]:
    """``202001-202012`` -> (``202001``, ``202012``); text that is no range -> (text, None)."""
    if not text:
        return None, None
    match = _PERIOD.match(text.strip())
    return (match.group("start"), match.group("end")) if match else (text, None)


def read(doc: SourceDocument, spec: LayoutSpec) -> ParsedDocument:
    source_file = doc.source_file
    sections = _sections(doc, spec)
    if not sections:
        raise InputError(source_file, "no 申报表 (a table with 项目名称 and an indicator grid) found")
    title, front_matter = front_parts(doc.text_before(sections[0].block, sections[0].fields[0].ref))
    units: list[ParsedUnit] = []
    unit_index: dict[str, int] = {}
    projects: list[ParsedProject] = []
    amount_unit = money_unit(doc)
    capabilities = {"period_values": False, "basis": False}
    for section in sections:
        project = ParsedProject(unit_index=0, name="", ref=section.fields[0].ref)
        cells = _key_values(section.fields, project, source_file, spec)
        _complete_totals(project, section.fields, spec)
        texts = {field: cell.text for field, cell in cells.items()}
        if not texts.get("name"):
            raise InputError.at(source_file, "申报表 without a 项目名称", section.fields[0].ref)
        project.name = texts["name"]
        department = _DEPARTMENT.match(texts.get("department", ""))
        project.department_code = department.group("code") if department else None
        department_name = department.group("name") if department else texts.get("department")
        unit_cell = cells.get("unit") or cells.get("department")
        unit_name = texts.get("unit") or department_name
        if not unit_name:
            raise InputError.at(source_file, "申报表 names neither 实施单位 nor 主管部门", section.fields[0].ref)
        key = squash(unit_name)
        if key not in unit_index:
            unit_index[key] = len(units)
            units.append(ParsedUnit(name=unit_name, ref=unit_cell.ref, department=department_name))
        project.unit_index = unit_index[key]
        project.project_type = texts.get("project_type")
        project.start, project.end = _split_period(texts.get("period"))
        goal = cells.get("goal") or cells.get("goal_block")  # 总体目标 alone: one goal, the annual one
        project.goal = goal.text if goal else None
        project.goal_ref = goal.ref if goal else project.ref
        project.period_goal = texts.get("period_goal")
        project.budget_ref = project.budget_ref or project.ref
        project.indicators, period_filled, has_basis = _joined_grids(section, source_file, spec)
        if not project.indicators:
            raise InputError.at(source_file, "indicator grid has no rows (truncated?)", section.header.ref)
        capabilities["period_values"] |= period_filled
        capabilities["basis"] |= has_basis
        projects.append(project)
    return ParsedDocument(
        title=title, front_matter=front_matter, units=units, projects=projects, amount_unit=amount_unit,
        capabilities=capabilities,
    )
