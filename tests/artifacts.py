"""Word-export artifacts applied to the samples by script, at seeded random positions.

Each artifact class of ``docs/formats.md`` ("Word-export artifacts") is a function
``(lines, targets, rng) -> lines`` for one physical form; ``targets`` are the indexes of the
lines that hold table cells (grid rows and, for the artifacts safe there, labelled rows). A
variant applies one class or several, a few times each; it must read to the same tables as the
clean sample. ``python tests/artifacts.py OUT_DIR`` writes a set of them for inspection.
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import variants  # noqa: E402

_CJK = re.compile(r"[\u4e00-\u9fff]")
_HEADER = re.compile(r"三级指标|绩效指标")


def forms(sample: str) -> dict[str, str]:
    """The sample's text in both physical forms."""
    text = variants.sample_text(sample)
    if sample == "tianjin":
        return {"cells": text, "rows": variants.cells_to_rows(text).decode("utf-8")}
    return {"rows": text, "cells": variants.rows_to_cells(text).decode("utf-8")}


def cell_lines(lines: list[str], form: str) -> tuple[list[int], list[int]]:
    """(every cell line of the tables, the cell lines of grid rows: after a header, until the next
    paragraph)."""
    every, grid = [], []
    in_grid = False
    first_table = next(i for i, line in enumerate(lines) if "绩效目标表" in line and "·" not in line or "项目名称" in line)
    for i, line in enumerate(lines):
        if i < first_table:  # front matter (its table of contents has tabs too)
            continue
        if "\t" not in line:
            if line.strip():
                in_grid = False
            continue
        every.append(i)
        if _HEADER.search(line) and (form == "cells" or line.count("\t") >= 3):
            in_grid = True
            continue
        if in_grid:
            grid.append(i)
    return every, grid


def _cell_text_lines(lines: list[str], form: str, candidates: list[int]) -> list[int]:
    return [i for i in candidates if lines[i].strip("\t ")]


# --- artifact classes: cells form (one cell per line behind a tab) ------------------------------

def trailing_tab(lines, targets, rng, form):
    i = rng.choice(targets)
    lines[i] = lines[i] + "\t"
    return lines


def leading_tab(lines, targets, rng, form):
    i = rng.choice(targets)
    lines[i] = ("\t" + lines[i]) if form == "cells" else lines[i].replace("\t", "\t ", 1)
    return lines


def ideographic_spaces(lines, targets, rng, form):
    """Trailing ideographic spaces (U+3000) in a cell's text."""
    i = rng.choice(targets)
    cells = lines[i].split("\t")
    filled = [k for k, cell in enumerate(cells) if cell.strip()]
    k = rng.choice(filled)
    cells[k] += "\u3000\u3000"
    lines[i] = "\t".join(cells)
    return lines


def bookmark(lines, targets, rng, form):
    i = rng.choice(targets)
    if rng.random() < 0.5:
        lines.insert(i, "[bookmark: _GoBack]")
    else:
        cells = lines[i].split("\t")
        k = rng.randrange(1, len(cells)) if len(cells) > 1 else 0
        cells[k] = "[bookmark: _GoBack]" + cells[k]
        lines[i] = "\t".join(cells)
    return lines


def page_break(lines, targets, rng, form):
    i = rng.choice(targets)
    lines[i] = "\f" + lines[i]
    return lines


def empty_paragraph(lines, targets, rng, form):
    """A blank line inside a cells-form row (an empty paragraph in a cell, or a stray blank line)."""
    if form != "cells":
        i = rng.choice(targets)
        lines.insert(i + 1, "")  # rows form: a stray blank line between rows
        return lines
    i = rng.choice(targets)
    if i + 1 < len(lines) and lines[i + 1].startswith("\t"):  # not after a row's last cell
        lines.insert(i + 1, "")
    return lines


def split_cell(lines, targets, rng, form):
    """A cell's text over two lines, cut between Chinese characters (a paragraph break in a cell);
    rows form: the row continues on the next line."""
    i = rng.choice(targets)
    line = lines[i]
    cuts = [k for k in range(1, len(line)) if not (line[k - 1].isspace() or line[k].isspace())
            and (_CJK.match(line[k - 1]) or _CJK.match(line[k]))]
    if not cuts:
        return lines
    k = rng.choice(cuts)
    lines[i:i + 1] = [line[:k], line[k:]]
    return lines


def wrapped_label(lines, targets, rng, form):
    """``经济效益指标`` as ``经济效益`` / ``指标`` (a wrap in the label cell)."""
    hits = [i for i in targets if re.search(r"(效益|满意度|数量|质量|时效|成本)指标", lines[i])]
    if not hits:
        return lines
    i = rng.choice(hits)
    lines[i:i + 1] = re.sub(r"(效益|满意度|数量|质量|时效|成本)指标", r"\1\n指标", lines[i], count=1).split("\n")
    return lines


def empty_row(lines, targets, rng, form):
    """A full row of empty cells between two grid rows."""
    i = rng.choice(targets)
    if form == "rows":
        if i + 1 < len(lines) and "\t" in lines[i + 1]:  # between two whole rows
            lines.insert(i + 1, "\t" * lines[i].count("\t"))
        return lines
    start = i
    while start > 0 and lines[start - 1] != "":
        start -= 1
    end = i
    while end + 1 < len(lines) and lines[end + 1] != "":
        end += 1
    width = sum(line.lstrip("\f").startswith("\t") for line in lines[start:end + 1])  # cell lines of the row
    if width == _header_width(lines, start):  # after a whole row
        lines[end + 1:end + 1] = ["", *["\t"] * width]
    return lines


def _header_width(lines: list[str], before: int) -> int:
    """The cell lines of the cells-form header block nearest above line ``before``."""
    at = next((i for i in range(before, -1, -1) if _HEADER.search(lines[i])), None)
    if at is None:  # the header's own text was cut by an earlier artifact
        return -1
    start, end = at, at
    while start > 0 and lines[start - 1] != "":
        start -= 1
    while end + 1 < len(lines) and lines[end + 1] != "":
        end += 1
    return sum(line.lstrip("\f").startswith("\t") for line in lines[start:end + 1])


# Where each class may go: anywhere in a table, or only in grid rows (where rows are re-aligned).
ANYWHERE = (trailing_tab, leading_tab, ideographic_spaces, bookmark, page_break, split_cell)
GRID_ONLY = (empty_paragraph, wrapped_label, empty_row)
ARTIFACTS = {f.__name__: f for f in (*ANYWHERE, *GRID_ONLY)}
# A cell over several lines and a wrapped label are what a cell-per-line (Word) export writes; in
# rows form a line break inside a cell is ambiguous (a cut row or a cut cell), so it is not claimed.
FORM_ARTIFACTS = {
    "cells": tuple(ARTIFACTS),
    "rows": tuple(name for name in ARTIFACTS if name not in ("split_cell", "wrapped_label")),
}


def apply(sample: str, form: str, names: list[str], seed: int, times: int = 2) -> str:
    rng = random.Random(seed)
    lines = forms(sample)[form].split("\n")
    for name in names:
        for _ in range(times):
            every, grid = cell_lines(lines, form)
            targets = grid if ARTIFACTS[name] in GRID_ONLY else every
            targets = _cell_text_lines(lines, form, targets) or targets
            if form == "rows" and ARTIFACTS[name] in (empty_paragraph, empty_row):
                targets = [i for i in grid if lines[i].strip("\t ")]  # rows form re-aligns grid rows only
            if targets:
                lines = ARTIFACTS[name](lines, targets, rng, form)
    return "\n".join(lines)


def main(out_dir: str) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for sample in variants.SAMPLES:
        for form in ("rows", "cells"):
            for name in FORM_ARTIFACTS[form]:
                (out / f"{sample}__{form}__{name}.txt").write_text(apply(sample, form, [name], seed=1), encoding="utf-8")
            all_names = list(FORM_ARTIFACTS[form])
            (out / f"{sample}__{form}__all.txt").write_text(apply(sample, form, all_names, seed=1), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "artifacts")
