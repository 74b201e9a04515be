"""Tree tables (layout N3, and any spec with ``interpreter = "tree"``): a 项目绩效目标批复表 or a
township 申报表 holding a whole department in one table::

    单位名称           | 项目名称     | 预算数  | 年度目标 | 一级指标 | 二级指标             | 三级指标 | 指标值
    [301]某县教育局    |              | 3500000 |          |          |                      |          |
    [301001]某县一中   |              | 2000000 |          |          |                      |          |
                       | 校舍维修改造 | 1200000 | 完成…    | 产出指标 | 数量指标(必填硬性指标) | 维修面积 | ≥800平方米
                       |              |         |          |          | 质量指标(必填)        | 合格率   | 100%

Rows are 部门 → 单位 → 项目 → 一级 → 二级 → 三级. The level of a row shows by which column is
filled, or, where one name column holds every level (``单位/项目/指标名称``), by what the row is:
a taxonomy 一级/二级 name, an indicator under them, a row with 预算数 or 年度目标 heading a group
(a project when 一级 rows follow it, else a unit). Sources trim cells, so indentation itself is
never read. The first unit-level row is the 部门 when another unit row follows before any
project; its 预算数 is the document's declared total, a unit row's 预算数 that unit's.
Unit, project and 年度目标 stand on the first row of their group only; a 二级 label's note
(``(必填硬性指标)``, ``（必填）``) is dropped; 一级 groups need not be contiguous. A value
header split into 上年实际值 / 本年预期值 (a second header row) gives ``target_annual`` from
本年预期值 and ``previous_value`` from 上年实际值. A 绩效金额 column is read past (no contract column).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...errors import InputError
from ...taxonomy import is_level1, is_level2
from ..cells import Cell, Row, SourceDocument, Table
from ..parsed import ParsedDocument, ParsedIndicator, ParsedProject, ParsedTotal, ParsedUnit, front_parts, parse_amount
from ..specs import LayoutSpec, label_key
from ..values import compose_value
from .declaration import money_unit, read_weight

_NOTE = re.compile(r"\s*[（(](?:必填|选填)[^（()）]*[)）]\s*")  # 数量指标(必填硬性指标)
_CODED = re.compile(r"^(?:[\[［【]\s*(?P<bracketed>[^\]］】\s]+)\s*[\]］】]|(?P<plain>\d{3,})(?:\s+|\s*[-－]\s*(?=\D)))\s*(?P<name>.+)$")
HEADING_ROLES = ("unit", "project")


def _columns(row: Row, spec: LayoutSpec) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, cell in enumerate(row.cells):
        column = spec.grid.get(label_key(cell.text)) if cell.text else None
        if column and column not in found:
            found[column] = i
    return found


def _is_header(columns: dict[str, int]) -> bool:
    """指标值 and a column naming rows (the name column, 三级指标, 单位 or 项目): what a refusal then
    says is missing is checked against the spec's required columns."""
    return "value" in columns and bool({"name", "level3", "unit", "project"} & set(columns))


@dataclass
class _Grid:
    table: Table
    header: Row
    columns: dict[str, int]
    body: list[Row]


def _grids(doc: SourceDocument, spec: LayoutSpec) -> list[tuple[int, _Grid]]:
    """Each table's header (a second header row of 上年实际值 / 本年预期值 merged into it) and body."""
    grids = []
    for index, block in enumerate(doc.blocks):
        if not isinstance(block, Table):
            continue
        rows = list(block.rows)
        at = next((i for i, row in enumerate(rows) if _is_header(_columns(row, spec))), None)
        if at is None:
            continue
        columns = _columns(rows[at], spec)
        start = at + 1
        if start < len(rows):
            split = _columns(rows[start], spec)
            if split and set(split) <= {"value", "previous_value"}:
                columns.update(split)
                start += 1
        grids.append((index, _Grid(block, rows[at], columns, rows[start:])))
    return grids


def _level_name(text: str) -> str:
    return _NOTE.sub("", text).strip()


def _roles(grid: _Grid) -> list[dict[str, Cell]]:
    """Per body row, its cells by role (unit, project, level1/2/3, budget_total, goal, value, previous_value)."""
    columns = grid.columns
    width = len(grid.header.cells)
    rows = []
    for row in grid.body:
        cells = list(row.cells) + [Cell("", row.cells[-1].ref)] * max(0, width - len(row.cells))
        got = {column: cells[i] for column, i in columns.items() if i < len(cells) and cells[i].text}
        rows.append(got)
    if "name" not in columns:
        for got in rows:
            if "level2" in got:
                got["level2"] = Cell(_level_name(got["level2"].text), got["level2"].ref)
        return rows
    # one name column: what each row is
    kinds: list[str | None] = []
    in_indicators = False
    for got in rows:
        name = got.pop("name", None)
        if name is None:
            kinds.append(None)
            continue
        if is_level1(name.text):
            kind, in_indicators = "level1", True
            got["level1"] = name
        elif is_level2(_level_name(name.text)):
            kind = "level2"
            got["level2"] = Cell(_level_name(name.text), name.ref)
        elif in_indicators and "budget_total" not in got and "goal" not in got:
            kind = "level3"
            got["level3"] = name
        else:
            kind, in_indicators = "heading", False
            got["heading"] = name
        kinds.append(kind)
    for i, got in enumerate(rows):
        if kinds[i] != "heading":
            continue
        following = next((k for k in kinds[i + 1:] if k is not None), None)
        got["project" if following == "level1" else "unit"] = got.pop("heading")
    return rows


def coded_name(text: str) -> tuple[str | None, str]:
    """``[301001]某县第一中学`` or ``604001 某镇人民政府本级`` -> (code, name); (None, text) without a code."""
    match = _CODED.match(text)
    if not match:
        return None, text
    return match.group("bracketed") or match.group("plain"), match.group("name").strip()


def read(doc: SourceDocument, spec: LayoutSpec) -> ParsedDocument:
    source_file = doc.source_file
    grids = _grids(doc, spec)
    if not grids:
        raise InputError(source_file, "no 批复表 tree (a table with 指标值 and a 单位, 项目 or name column) found")
    first_index, first = grids[0]
    title, front_matter = front_parts(doc.text_before(first_index, first.header.ref))
    units: list[ParsedUnit] = []
    projects: list[ParsedProject] = []
    totals: list[ParsedTotal] = []
    department: tuple[str | None, str] | None = None

    def amount(cell: Cell | None) -> float | None:
        return parse_amount(cell.text, source_file, cell.ref, "预算数") if cell is not None else None

    for _, grid in grids:
        missing = [label for column, label in spec.required.items()
                   if column not in grid.columns and not (column == "level3" and "name" in grid.columns)]
        if missing:
            raise InputError.at(source_file, f"tree table lacks column {', '.join(missing)}", grid.header.ref)
        rows = _roles(grid)
        project: ParsedProject | None = None
        levels: dict[str, str | None] = {"level1": None, "level2": None}
        for i, got in enumerate(rows):
            unit = got.get("unit")
            if unit is not None:
                following = next((r for r in rows[i + 1:] if any(k in r for k in HEADING_ROLES)), {})
                code, name = coded_name(unit.text)
                if not units and department is None and "project" not in got and "unit" in following:
                    department = (code, name)
                    totals.append(ParsedTotal("document", None, {"budget_total": amount(got.get("budget_total"))}, unit.ref))
                    continue
                units.append(ParsedUnit(name=name, ref=unit.ref, code=code, department=department[1] if department else None))
                project = None
                if "project" not in got and "budget_total" in got:
                    totals.append(ParsedTotal("unit", len(units) - 1, {"budget_total": amount(got["budget_total"])}, unit.ref))
            if "project" in got:
                if not units:
                    raise InputError.at(source_file, "project row before any 单位 row", got["project"].ref)
                cell = got["project"]
                code, name = coded_name(cell.text)
                goal = got.get("goal")
                budget = got.get("budget_total")
                project = ParsedProject(
                    unit_index=len(units) - 1, name=name, ref=cell.ref, code=code,
                    budget_total=amount(budget), budget_ref=budget.ref if budget else cell.ref,
                    goal=goal.text if goal else None, goal_ref=goal.ref if goal else cell.ref,
                    department_code=department[0] if department else None,
                )
                projects.append(project)
                levels = {"level1": None, "level2": None}
            elif project is not None and project.goal is None and "goal" in got:
                project.goal, project.goal_ref = got["goal"].text, got["goal"].ref  # goal below its project's row
            if "level1" in got:
                if got["level1"].text != levels["level1"]:
                    levels["level2"] = None
                levels["level1"] = got["level1"].text
            if "level2" in got:
                levels["level2"] = got["level2"].text
            name, value = got.get("level3"), got.get("value")
            if name is None and value is None:
                continue
            if project is None:
                raise InputError.at(source_file, "indicator row before any 项目 row", (name or value).ref)
            previous = got.get("previous_value")
            attribute = {key: got[key].text if key in got else None for key in ("nature", "direction", "measure_unit")}
            project.indicators.append(
                ParsedIndicator(
                    level1=levels["level1"], level2=levels["level2"], level3=name.text if name else "",
                    description=None, target_period=None,
                    target_annual=compose_value((attribute["nature"], attribute["direction"]), value.text, attribute["measure_unit"]) if value else None,
                    basis=None, ref=(name or value).ref, value_ref=(value or name).ref,
                    previous_value=previous.text if previous else None,
                    nature=attribute["nature"], direction=attribute["direction"], measure_unit=attribute["measure_unit"],
                    weight=read_weight(got.get("weight"), source_file),
                )
            )
    if not projects:
        raise InputError.at(source_file, "tree table has no 项目 rows", first.header.ref)
    return ParsedDocument(
        title=title, front_matter=front_matter, units=units, projects=projects, totals=totals,
        amount_unit=money_unit(doc),
    )
