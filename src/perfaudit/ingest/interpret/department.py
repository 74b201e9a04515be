"""The 部门整体支出绩效目标申报表 (layout N4, and any spec with ``interpreter = "department"``):
targets of a department (or unit) as a whole, not of a project::

    部门（单位）名称 | [301]某县文化和旅游局
    职能概述         | 负责全县文化事业…
    年度主要任务     | 任务名称     | 主要内容   | 预算金额（万元） |          |
                     |              |            | 总额             | 财政拨款 | 其他资金
                     | 公共文化服务 | 送戏下乡…  | 120.00           | 100.00   | 20.00
                     | 金额合计     |            | 200.00           | 180.00   | 20.00
    年度总体目标     | 全年开展送戏下乡120场…
    年度绩效指标     | 一级指标 | 二级指标 | 三级指标 | 指标值

One unit per form; each task row becomes a ``unit_targets`` row of kind ``task``, the
年度总体目标 one of kind ``goal``, the 金额合计 row a declared total (scope ``tasks``), and the
grid (read as the 申报表's, ``declaration``, 101号 attribute columns included) the unit's own
indicators (scope ``unit``).
职能概述 is read past: the contract has no column for it. A form with a goal but no grid is
read (the audit reports the goal without indicators); a form with neither goal nor tasks is refused.
"""

from __future__ import annotations

import re

from ...errors import InputError
from ..cells import Cell, Paragraph, Row, SourceDocument
from ..parsed import ParsedDocument, ParsedTarget, ParsedTotal, ParsedUnit, front_parts, parse_amount
from ..specs import LayoutSpec, label_key
from .declaration import FOOTER, money_unit, read_grid, value_cell, field_of, is_grid_header
from .tree import coded_name

_TASK_MONEY = re.compile(r"^预算金额\((万元|元)\)$")  # squashed NFKC header cell
TASK_AMOUNTS = ("budget_total", "fiscal_funds", "other_funds")
TOTAL_NAMES = ("金额合计", "合计", "总计")
FORM_FIELDS = {"unit", "functions", "goal", "grid_block"}  # the form's labels besides 年度主要任务


def _task_columns(rows: list[Row], spec: LayoutSpec) -> dict[str, int]:
    """Task columns from the header row and, under a 预算金额 spanning three, its 总额/财政拨款/其他资金 row."""
    found: dict[str, int] = {}
    for row in rows:
        for i, cell in enumerate(row.cells):
            column = spec.grid.get(label_key(cell.text)) if cell.text else None
            if column in ("task_name", "task_text", *TASK_AMOUNTS):
                found[column] = i  # the second row's 总额 overrides 预算金额 above it
    return found


def read(doc: SourceDocument, spec: LayoutSpec) -> ParsedDocument:
    source_file = doc.source_file
    all_rows = doc.rows()
    start = next((n for n, (row, _) in enumerate(all_rows) if any(field_of(c, spec) == "unit" for c in row.cells)), None)
    if start is None:
        raise InputError(source_file, "no 部门（单位）名称 row found")
    first_row, first_block = all_rows[start]
    title, front_matter = front_parts(doc.text_before(first_block, first_row.ref))
    fields: list[Row] = []
    task_header: list[Row] = []
    task_rows: list[Row] = []
    grid_header: Row | None = None
    grid_body: list[Row] = []
    state = "fields"
    for row, block in all_rows[start:]:
        if grid_header is not None:
            if isinstance(doc.blocks[block], Paragraph) or FOOTER.match(next((c.key for c in row.cells if c.text), "")):
                break
            grid_body.append(row)
            continue
        if is_grid_header(row, spec):
            grid_header = row
            continue
        labels = {field_of(c, spec) for c in row.cells}
        if any(spec.grid.get(label_key(c.text)) == "task_name" for c in row.cells if c.text):
            state = "tasks"
            task_header.append(row)
            continue
        if "task_block" in labels and not row.filled()[1:]:  # 年度主要任务 on a row of its own
            state = "tasks"
            continue
        if state == "tasks" and labels & FORM_FIELDS:  # the next label of the form ends the task table
            state = "fields"
        if state == "tasks":
            if any(spec.grid.get(label_key(c.text)) in TASK_AMOUNTS for c in row.cells if c.text) and not task_rows:
                task_header.append(row)
            else:
                task_rows.append(row)
        else:
            fields.append(row)
    texts: dict[str, Cell] = {}
    for r, row in enumerate(fields):
        for c, cell in enumerate(row.cells):
            field = field_of(cell, spec)
            value = value_cell(fields, r, c, spec) if field else None
            if field and value is not None and field not in texts:
                texts[field] = value
    if "unit" not in texts:
        raise InputError.at(source_file, "部门整体支出绩效目标申报表 without a 部门（单位）名称", first_row.ref)
    code, name = coded_name(texts["unit"].text)
    unit = ParsedUnit(name=name, ref=texts["unit"].ref, code=code)
    amount_unit = next(
        (m.group(1) for row in task_header for c in row.cells if (m := _TASK_MONEY.match(c.key))), None
    ) or money_unit(doc)
    targets: list[ParsedTarget] = []
    totals: list[ParsedTotal] = []
    columns = _task_columns(task_header, spec)
    if task_rows and not {"task_name", "budget_total"} <= set(columns):
        raise InputError.at(source_file, "年度主要任务 lacks column 任务名称 or 预算金额", task_header[0].ref)
    for row in task_rows:
        cells = {column: row.cells[i] for column, i in columns.items() if i < len(row.cells)}
        if not any(cell.text for cell in cells.values()):
            continue
        amounts = {
            column: parse_amount(cells[column].text, source_file, cells[column].ref, spec.labels.get(column, column))
            if column in cells else None
            for column in TASK_AMOUNTS
        }
        task = cells.get("task_name")
        if task is not None and task.key in TOTAL_NAMES:
            totals.append(ParsedTotal("tasks", 0, amounts, task.ref))
            continue
        text = cells.get("task_text")
        ref = (task if task is not None and task.text else row.filled()[0]).ref
        targets.append(ParsedTarget(0, "task", task.text if task else None, text.text if text else None, ref, **amounts))
    goal = texts.get("goal")
    if goal is not None:
        targets.append(ParsedTarget(0, "goal", None, goal.text, goal.ref))
    if not targets:
        raise InputError.at(source_file, "部门整体支出绩效目标申报表 has neither 年度主要任务 nor 年度总体目标", first_row.ref)
    capabilities = {"period_values": False, "basis": False}
    if grid_header is not None:
        unit.indicators, capabilities["period_values"], capabilities["basis"] = read_grid(grid_header, grid_body, source_file, spec)
    return ParsedDocument(
        title=title, front_matter=front_matter, units=[unit], projects=[], totals=totals, targets=targets,
        amount_unit=amount_unit, capabilities=capabilities,
    )
