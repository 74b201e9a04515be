"""What a layout reader returns: the document's content as read, before ids and value parsing.

Readers fill these; ``assemble`` turns them into the contract tables. Keeping the two apart
means every layout gets the same ids, value parsing, confidentiality and year logic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import InputError
from ..text import clean_cell, remove_layout_chars, squash
from .cells import Ref
from .values import is_empty_amount, read_amount


@dataclass
class ParsedIndicator:
    level1: str | None
    level2: str | None
    level3: str
    description: str | None
    target_period: str | None
    target_annual: str | None
    basis: str | None
    ref: Ref
    value_ref: Ref
    # 101号 attributes; measure_unit / period_measure_unit: the 度量单位 cell, over the unit parsed
    # from the value
    nature: str | None = None
    direction: str | None = None
    weight: float | None = None
    scoring_rule: str | None = None
    measure_unit: str | None = None
    period_measure_unit: str | None = None
    previous_value: str | None = None  # 上年实际值 (N3)


@dataclass
class ParsedProject:
    unit_index: int
    name: str
    ref: Ref
    code: str | None = None
    budget_total: float | None = None
    fiscal_funds: float | None = None
    special_funds: float | None = None
    other_funds: float | None = None
    budget_ref: Ref | None = None
    budget_breakdown: str | None = None  # the parts written beside budget_total: 854万(…400万元,…)
    fund_use: str | None = None
    goal: str | None = None
    goal_ref: Ref | None = None
    plan: dict[str, float | None] = field(default_factory=dict)
    plan_ref: Ref | None = None
    period_budget_total: float | None = None
    period_fiscal_funds: float | None = None
    period_other_funds: float | None = None
    period_goal: str | None = None
    project_type: str | None = None
    start: str | None = None
    end: str | None = None
    department_code: str | None = None
    sources: dict[str, float | None] = field(default_factory=dict)  # SOURCE_AMOUNT_COLUMNS -> amount
    indicators: list[ParsedIndicator] = field(default_factory=list)


@dataclass
class ParsedUnit:
    name: str
    ref: Ref
    code: str | None = None
    department: str | None = None
    indicators: list[ParsedIndicator] = field(default_factory=list)  # of the unit as a whole (N4)


@dataclass
class ParsedTarget:
    """A 部门整体 goal (``kind`` "goal", no name) or a task of 年度主要任务 (``kind`` "task")."""

    unit_index: int
    kind: str
    name: str | None
    text: str | None
    ref: Ref
    budget_total: float | None = None
    fiscal_funds: float | None = None
    other_funds: float | None = None


@dataclass
class ParsedTotal:
    scope: str  # "document" or "unit"
    unit_index: int | None
    amounts: dict[str, float | None]
    ref: Ref


@dataclass
class ParsedDocument:
    title: str | None
    front_matter: str
    units: list[ParsedUnit]
    projects: list[ParsedProject]
    totals: list[ParsedTotal] = field(default_factory=list)
    targets: list[ParsedTarget] = field(default_factory=list)
    amount_unit: str | None = None  # as the document states it (单位：元), else the spec's
    # what this document's tables hold where its layout leaves it open (N1: a filled 中期 half,
    # a 绩效标准 column): capability -> bool, over the spec's
    capabilities: dict[str, bool] = field(default_factory=dict)


LEADERS = re.compile(r"[·.…．]{3,}")  # table-of-contents dot leaders
_NOT_TITLE = re.compile(r"^(?:标题|索引号|发布机构|\(\d{1,2}\))")  # squashed NFKC line


def front_parts(front_text: str) -> tuple[str | None, str]:
    """(title, front matter) of the text before the first table.

    The title is the first line that speaks of 绩效 and is neither a table-of-contents entry, nor a
    web page's metadata row (标 题 … 文 号), nor a numbered item of a notice (（7）绩效目标。); the
    front matter keeps every line (so line numbers can be counted in it), layout characters removed.
    """
    title = next(
        (clean_cell(line) for line in front_text.split("\n")
         if "绩效" in line and not LEADERS.search(line) and not _NOT_TITLE.match(squash(line))), None
    )
    return title, remove_layout_chars(front_text).rstrip()


def parse_amount(raw: str, source_file: str, ref: Ref, column: str) -> float | None:
    """An amount as written (``1,500.06``, ``5.00``, ``5 万元``, ``854万(…)``: values.read_amount),
    in the document's unit; empty -> None."""
    if is_empty_amount(raw):
        return None
    amount = read_amount(raw)
    if amount is None:
        raise InputError.at(source_file, f"amount {raw!r} in {column} is not a number", ref)
    return amount.number
