"""Building a ``Table`` from a grid of cell owners: the one place merges become spans.

Every structured source (Word, Excel, HTML, PDF) first lays its table out on the full grid: at each
position the object that owns it (a Word ``<w:tc>``, an HTML ``<td>``, an Excel merge range, a PDF
cell box) or ``None`` where nothing stands. ``table_from_grid`` turns that into the cell model:
the owner's text at its first (top-left) position, the other positions of a merge empty and marked
``merged="above"``/``"left"``, the merge listed in ``Table.spans``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

from ..cells import Cell, Ref, Row, Span, Table

Owner = Hashable


def table_from_grid(
    grid: Sequence[Sequence[Owner | None]],
    text: Callable[[Owner], str],
    ref: Callable[[int, int], Ref],
    rows: Sequence[int] | None = None,
) -> Table:
    """``grid[r][c]``: the owner of position (r, c), every row as wide as the widest one.

    ``text(owner)`` is the owner's cell text (already cleaned); ``ref(r, c)`` the place of grid
    position (r, c), 0-based. ``rows``: the grid rows to keep (a spreadsheet leaves out its empty
    rows); spans are counted in kept rows.
    """
    keep = list(range(len(grid))) if rows is None else list(rows)
    first: dict[Owner, tuple[int, int]] = {}
    last: dict[Owner, tuple[int, int]] = {}
    out_rows = []
    for r, grid_row in enumerate(keep):
        cells = []
        for c, owner in enumerate(grid[grid_row]):
            if owner is None:
                cells.append(Cell("", ref(grid_row, c)))
                continue
            start = first.setdefault(owner, (r, c))
            last[owner] = (max(last.get(owner, start)[0], r), max(last.get(owner, start)[1], c))
            if start == (r, c):
                cells.append(Cell(text(owner), ref(grid_row, c)))
            else:
                cells.append(Cell("", ref(grid_row, c), merged="above" if start[0] < r else "left"))
        out_rows.append(Row(tuple(cells)))
    spans = tuple(
        Span(r0, c0, last[owner][0] - r0 + 1, last[owner][1] - c0 + 1)
        for owner, (r0, c0) in first.items()
        if last[owner] != (r0, c0)
    )
    return Table(tuple(out_rows), spans)


def padded(grid: list[list[Owner | None]]) -> list[list[Owner | None]]:
    """Every row as wide as the widest one (rows a source left short end in empty positions)."""
    width = max((len(row) for row in grid), default=0)
    return [row + [None] * (width - len(row)) for row in grid]


def column_name(col: int) -> str:
    """0-based column index → spreadsheet letters (0 → A, 26 → AA)."""
    name = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        name = chr(ord("A") + rest) + name
    return name
