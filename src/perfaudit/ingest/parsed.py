"""What a layout reader returns: the document's content as read, before ids and value parsing.

Readers fill these; ``assemble`` turns them into the contract tables. Keeping the two apart
means every layout gets the same ids, value parsing, confidentiality and year logic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import InputError
from ..text import clean_cell, remove_layout_chars, squash


@dataclass
class ParsedIndicator:
    level1: str | None
    level2: str | None
    level3: str
    description: str | None
    target_period: str | None
    target_annual: str | None
    basis: str | None
    line: int
    value_line: int


@dataclass
class ParsedProject:
    unit_index: int
    name: str
    line: int
    code: str | None = None
    budget_total: float | None = None
    fiscal_funds: float | None = None
    special_funds: float | None = None
    other_funds: float | None = None
    budget_line: int | None = None
    fund_use: str | None = None
    goal: str | None = None
    goal_line: int | None = None
    plan: dict[str, float | None] = field(default_factory=dict)
    plan_line: int | None = None
    indicators: list[ParsedIndicator] = field(default_factory=list)


@dataclass
class ParsedUnit:
    name: str
    line: int
    code: str | None = None
    department: str | None = None


@dataclass
class ParsedTotal:
    scope: str  # "document" or "unit"
    unit_index: int | None
    amounts: dict[str, float | None]
    line: int


@dataclass
class ParsedDocument:
    layout: str
    form: str
    title: str | None
    front_matter: str
    units: list[ParsedUnit]
    projects: list[ParsedProject]
    totals: list[ParsedTotal] = field(default_factory=list)


LEADERS = re.compile(r"[·.…．]{3,}")  # table-of-contents dot leaders


def front_parts(front_lines: list[str]) -> tuple[str | None, str]:
    """(title, front matter) of the text before the first table.

    The title is the first line that speaks of 绩效 and is not a table-of-contents entry; the
    front matter keeps every line (so line numbers can be counted in it), layout characters removed.
    """
    title = next(
        (clean_cell(line) for line in front_lines if "绩效" in line and not LEADERS.search(line)), None
    )
    return title, remove_layout_chars("\n".join(front_lines)).rstrip()


_AMOUNT = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_EMPTY_AMOUNTS = {"", "-", "—", "－", "/", "——", "无"}


def parse_amount(raw: str, source_file: str, line: int, column: str) -> float | None:
    """An amount in 万元 as written (``1,500.06``, ``5.00``, ``5 万元``); empty -> None."""
    text = squash(raw).replace(",", "").removesuffix("万元")
    if text in _EMPTY_AMOUNTS:
        return None
    if not _AMOUNT.match(text):
        raise InputError(source_file, f"amount {raw!r} in {column} is not a number", line)
    return float(text)


def label_index(keys: list[str], labels: dict[str, str]) -> dict[int, str]:
    """Positions of cells whose squashed text is one of ``labels`` -> the field they name."""
    return {i: labels[k] for i, k in enumerate(keys) if k in labels}
