"""What a printed page looks like, read from a report PDF with pdfplumber: where its content ends,
whether it ends on a heading, how many rows its last table holds, how the page begins.

Sizes are those of the report's Typst template: h1 16 pt, h2 12 pt, h3 10.5 pt (bold), body
10 pt, tables 9 pt; margins 20 mm at the top (running header above) and 18 mm at the foot
(page number below).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pdfplumber

MM = 72 / 25.4
TOP, BOTTOM = 20 * MM, 18 * MM


@dataclass(frozen=True)
class PageLayout:
    filled: float  # share of the text area above the page's lowest content
    ends_with_heading: bool  # its lowest line is a heading (h2/h3)
    starts_section: bool  # it begins with a section title (h1) or is the cover
    starts_with_table: bool  # its first content is a table (one continued from the page before)
    last_table_rows: int | None  # rows (header included) of its lowest table when nothing follows it


def _is_heading(word: dict) -> bool:
    return "Bold" in word["fontname"] and 10.4 <= word["size"] <= 12.5


def page_layouts(pdf: Path) -> list[PageLayout]:
    layouts = []
    with pdfplumber.open(pdf) as document:
        for number, page in enumerate(document.pages):
            top, bottom = TOP, page.height - BOTTOM
            words = [w for w in page.extract_words(extra_attrs=["size", "fontname"]) if top - 2 <= w["top"] and w["bottom"] <= bottom + 2]
            if not words:
                layouts.append(PageLayout(0.0, False, number == 0, False, None))
                continue
            lowest = max(w["bottom"] for w in words)
            last_line = [w for w in words if w["bottom"] >= lowest - 2]
            first = min(w["top"] for w in words)
            tables = sorted(page.find_tables(), key=lambda t: t.bbox[3])
            last_rows = None
            if tables and tables[-1].bbox[3] >= lowest - 1:
                last_rows = len(tables[-1].rows)
            layouts.append(PageLayout(
                filled=(lowest - top) / (bottom - top),
                ends_with_heading=any(_is_heading(w) for w in last_line) and last_rows is None,
                starts_section=number == 0 or any("Bold" in w["fontname"] and w["size"] >= 15
                                                  for w in words if w["top"] <= first + 4),
                starts_with_table=bool(tables) and min(t.bbox[1] for t in tables) <= first + 1,
                last_table_rows=last_rows,
            ))
    return layouts


# Typography a typesetter checks (issue 24): no line (or table-cell line) starting with closing
# punctuation or ending with an opening one, no two marks of punctuation colliding where document
# text is quoted (``达标率。：95%``, ``评价。。``), numbers with at most two decimals.
CLOSING = "，。、；：！？）》」』”’】%"
OPENING = "（《「『“‘【"
_COLLISION = re.compile(r"[。，；：！？、][。，；：、]")
_LONG_DECIMAL = re.compile(r"(?<![\d.])\d+\.\d{3,}(?![\d.年])")  # not a project label: 1. 2024年…


def _runs(page) -> list[str]:
    """The page's text as runs of adjacent characters: one per line of a paragraph or of a table
    cell (a wider gap than a space separates the cells of one row)."""
    runs = []
    for line in page.extract_text_lines(return_chars=True, x_tolerance=1.5):
        current, last = "", None
        for char in line["chars"]:
            if last is not None and char["x0"] - last["x1"] > max(2.5, last["size"] * 0.6):
                runs.append(current)
                current = ""
            current += char["text"]
            last = char
        runs.append(current)
    return [run.strip() for run in runs if run.strip()]


def typography_faults(pdf: Path, *, until: str = "技术附注") -> list[str]:
    """Each fault as ``page N: the run``; numbers are checked on the pages before ``until`` (the
    technical notes print versions and fingerprints)."""
    faults, numbers = [], True
    with pdfplumber.open(pdf) as document:
        for number, page in enumerate(document.pages, start=1):
            for run in _runs(page):
                if run.startswith(until):
                    numbers = False
                if run[0] in CLOSING or run[-1] in OPENING:
                    faults.append(f"page {number}: line break at punctuation: {run!r}")
                if _COLLISION.search(run):
                    faults.append(f"page {number}: punctuation collision: {run!r}")
                if numbers and _LONG_DECIMAL.search(run):
                    faults.append(f"page {number}: a number with more than two decimals: {run!r}")
    return faults
