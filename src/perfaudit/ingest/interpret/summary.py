"""Summary tables (layout A, and any spec with ``interpreter = "summary"``): one table
(项目支出绩效目标表), indicators packed in one cell per project.

``1、1-产出指标；11-数量指标；<名称>；实施周期指标值:<值>；年度指标值:<值>。2、…``
Items are found by their running number followed by a level1 field, never by splitting on
``。`` (values contain it) — so ``…:1002、1-产出指标`` still reads as value ``100`` then item 2.
"""

from __future__ import annotations

import re

from ...errors import InputError
from ...taxonomy import is_level2, split_code
from ...text import clean_cell, squash
from ..cells import Cell, Row, SourceDocument
from ..parsed import (
    ParsedDocument,
    ParsedIndicator,
    ParsedProject,
    ParsedTotal,
    ParsedUnit,
    front_parts,
    parse_amount,
)
from ..specs import LayoutSpec, label_key

AMOUNT_FIELDS = ("budget_total", "fiscal_funds", "special_funds", "other_funds")
_TOTAL_NAMES = {"合计", "总计"}

_SEP = "[;；]"
_LEVEL1 = r"(?:\d\s*[-－—–]\s*)?(?:产出|效益|满意度|成本)指标"
_LEVEL1_FIELD = re.compile(rf"\s*(?P<level1>{_LEVEL1})\s*{_SEP}\s*")
_PERIOD_LABEL = re.compile(r"实施周期指标值\s*[:：]\s*")
_ANNUAL_LABEL = re.compile(r"(?<!周期)(?:年度指标值|指标值)\s*[:：]\s*")


def is_header(row: Row, spec: LayoutSpec) -> bool:
    fields = {spec.columns.get(label_key(t)) for t in row.texts}
    return {"name", "goal", "indicators"} <= fields


def _item_starts(text: str) -> list[tuple[int, int]]:
    """(start, content start) of each numbered item ``N、<level1>；``, N = 1, 2, 3 … in order."""
    starts = []
    position = 0
    number = 1
    while True:
        match = re.compile(rf"{number}\s*[、，,．.]\s*(?={_LEVEL1}\s*{_SEP})").search(text, position)
        if not match:
            break
        starts.append((match.start(), match.end()))
        position = match.end()
        number += 1
    return starts


def _strip_end(value: str) -> str:
    value = value.strip()
    value = re.sub(rf"{_SEP}+$", "", value).strip()
    return value


def parse_indicator_cell(cell: Cell, source_file: str) -> list[ParsedIndicator]:
    text, ref = cell.text, cell.ref
    if not text.strip():
        return []
    starts = _item_starts(text)
    if not starts:
        raise InputError.at(source_file, "indicator cell is not in the form '1、1-产出指标；11-数量指标；名称；…'", ref)
    indicators = []
    bounds = starts[1:] + [(len(text), len(text))]
    for (start, content), (end, _) in zip(starts, bounds):
        item = text[content:end]
        number = len(indicators) + 1
        level1 = _LEVEL1_FIELD.match(item)
        annual = None
        for annual in _ANNUAL_LABEL.finditer(item):
            pass  # the last match: 年度指标值 follows 实施周期指标值
        if level1 is None or annual is None:
            raise InputError.at(source_file, f"indicator item {number} is incomplete (no 年度指标值)", ref)
        period = _PERIOD_LABEL.search(item, level1.end(), annual.start())
        head = item[level1.end(): period.start() if period else annual.start()]
        head = _strip_end(head)
        level2, name = (re.split(_SEP, head, maxsplit=1) + [""])[:2]
        code, level2_name = split_code(level2)
        if not name or not (code or is_level2(level2_name)):
            # no level2 field: the whole head is the indicator name
            level2, name = None, head
        annual_value = _strip_end(item[annual.end():])
        annual_value = re.sub(r"[。.]$", "", annual_value).strip()
        period_value = _strip_end(item[period.end(): annual.start()]) if period else None
        indicators.append(
            ParsedIndicator(
                level1=level1.group("level1"),
                level2=level2.strip() if level2 else None,
                level3=_strip_end(name),
                description=None,
                target_period=period_value,
                target_annual=annual_value,
                basis=None,
                ref=ref,
                value_ref=ref,
            )
        )
    return indicators


def _after_label(text: str) -> str:
    """``单位名称：X`` -> ``X``: split at the label's colon, whichever width (X may hold colons too)."""
    return re.split("[:：]", text, maxsplit=1)[1].strip()


def read(doc: SourceDocument, spec: LayoutSpec) -> ParsedDocument:
    source_file = doc.source_file
    rows = doc.rows()
    header_at = next((i for i, (row, _) in enumerate(rows) if is_header(row, spec)), None)
    if header_at is None:  # detection guarantees a header; keep the reader honest anyway
        raise InputError(source_file, "summary table header not found")
    header, header_block = rows[header_at]
    columns = {
        spec.columns[label_key(t)]: i for i, t in reversed(list(enumerate(header.texts))) if label_key(t) in spec.columns
    }
    missing = [label for f, label in spec.required.items() if f not in columns]
    if missing:
        raise InputError.at(source_file, f"table header lacks column {', '.join(missing)}", header.ref)
    width = len(header.trimmed().cells)

    title, front_matter = front_parts(doc.text_before(header_block, header.ref))
    header_unit = department = None
    header_unit_ref = header.ref
    for row, _ in rows[:header_at]:
        for c in row.cells:
            key = c.key
            if key.startswith("单位名称:"):
                header_unit, header_unit_ref = _after_label(clean_cell(c.text)), c.ref
            elif key.startswith("部门名称:"):
                department = _after_label(clean_cell(c.text))

    body = [row for row, _ in rows[header_at + 1:]]
    units: list[ParsedUnit] = []
    projects: list[ParsedProject] = []
    totals: list[ParsedTotal] = []
    last_kind = None
    for number, row in enumerate(body, start=1):
        cells = list(row.distinct().cells)
        if number == len(body) and len(cells) <= columns["indicators"] and len(row.filled()) > 1:
            raise InputError.at(source_file, "last table row ends before its 绩效指标 cell (truncated?)", row.ref)
        if len(cells) > width:  # a stray tab inside the last cell: keep its text as written
            extra = "\t".join(c.text for c in cells[width - 1:]).strip("\t")
            cells = cells[: width - 1] + [Cell(extra, cells[width - 1].ref)]

        def cell(field: str) -> Cell | None:
            index = columns.get(field)
            return cells[index] if index is not None and index < len(cells) else None

        name_cell = cell("name")
        if not any(c.text for c in cells):
            continue
        if name_cell is None or not name_cell.text:
            raise InputError.at(source_file, "table row without a project name", row.ref)
        amounts = {}
        for f in AMOUNT_FIELDS:
            c = cell(f)
            amounts[f] = parse_amount(c.text, source_file, c.ref, header.texts[columns[f]]) if c else None
        goal, indicators = cell("goal"), cell("indicators")
        if squash(name_cell.text) in _TOTAL_NAMES:
            totals.append(ParsedTotal("document", None, amounts, row.ref))
            last_kind = "total"
            continue
        if not (goal and goal.text) and not (indicators and indicators.text):
            twin = next((u for u in units if squash(u.name) == name_cell.key), None)
            if twin is not None:  # it would get the same unit id: an ambiguous block, not a new unit
                reason = f"unit {name_cell.text!r} appears twice in the table (first at {twin.ref.label()})"
                raise InputError.at(source_file, reason, row.ref)
            units.append(ParsedUnit(name=name_cell.text, ref=row.ref, department=department))
            totals.append(ParsedTotal("unit", len(units) - 1, amounts, row.ref))
            last_kind = "unit"
            continue
        if not units:
            if header_unit is None:
                raise InputError.at(source_file, "no unit row and no 单位名称 before the first project", row.ref)
            units.append(ParsedUnit(name=header_unit, ref=header_unit_ref, department=department))
        projects.append(
            ParsedProject(
                unit_index=len(units) - 1,
                name=name_cell.text,
                ref=row.ref,
                budget_ref=cell("budget_total").ref,
                goal=goal.text if goal else None,
                goal_ref=goal.ref if goal else row.ref,
                indicators=parse_indicator_cell(indicators, source_file) if indicators else [],
                **amounts,
            )
        )
        last_kind = "project"
    if last_kind == "unit":
        raise InputError.at(source_file, "table ends with a unit row and no projects (truncated?)", body[-1].ref)
    if not projects:
        raise InputError.at(source_file, "summary table has no project rows", header.ref)
    return ParsedDocument(title=title, front_matter=front_matter, units=units, projects=projects, totals=totals)
