"""The report's charts: matplotlib figures drawn without pyplot, returned as SVG with real text.

Figures are built on ``matplotlib.figure.Figure`` directly, so no backend is selected and no
figure is shown twice in a notebook. SVG keeps labels as text (selectable, searchable, sharp at
any zoom, and about half the cost of encoding a PNG); with a fixed hash salt and no date or
version metadata it is byte-for-byte reproducible. The CJK font is
registered from its file and named explicitly (a font cache built before the font was installed
would otherwise give tofu boxes).
"""

from __future__ import annotations

import functools
import io
import re
from pathlib import Path

import matplotlib
import pandas as pd
from matplotlib import font_manager
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..errors import ReportError

WIDTH_IN = 6.6  # the printed page's text width (A4 with 18 mm margins), so charts print at 1:1
# Labels stay <text> in the font named in rcParams; ids are hashed with a fixed salt.
SVG_STYLE = {"svg.fonttype": "none", "svg.hashsalt": "perfaudit"}
# Bar chart geometry in inches: a row per bar, margins for labels, axis title and legend.
ROW_IN, LEFT_IN, RIGHT_IN, TOP_IN, BOTTOM_IN = 0.36, 1.75, 0.25, 0.15, 0.85
LINE_IN = 0.14  # one line of an 8 pt label
# Colour-blind-safe and distinguishable in greyscale print (Okabe–Ito).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999")
SEVERITY_COLOURS = {"error": "#D55E00", "warning": "#E69F00", "info": "#56B4E9"}


def configure_fonts(font_file: str, family: str) -> None:
    """Chart style for this process: the CJK font (a clear error when it is missing), no TeX."""
    if not Path(font_file).is_file():
        raise ReportError(f"{font_file}: CJK font not found (Debian: apt-get install fonts-noto-cjk)")
    # Once per process: every call would add the file's faces again and empty the font lookup's cache.
    if not any(entry.fname == str(font_file) for entry in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(font_file)
    matplotlib.rcParams.update(
        {
            "font.family": "sans-serif",
            "font.sans-serif": [family, "DejaVu Sans"],
            "axes.unicode_minus": False,
            "text.parse_math": False,  # a "$" in a project name is text, not TeX
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )


def svg(figure: Figure) -> str:
    """The figure as SVG text, without date or (version-dependent) creator metadata."""
    buffer = io.StringIO()
    with matplotlib.rc_context(SVG_STYLE):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


# Punctuation that may not begin a line (it stays with what precedes it) or end one.
_NO_LINE_START = set("）)]】」』》〉”’，。、；：！？%·…/")
_NO_LINE_END = set("（(【「『《〈“‘")
# A bracketed run this short (（万元）, （盖章）) is never broken inside.
_SHORT_BRACKETS = re.compile(r"[（(【《][^（）()【】《》]{1,6}[）)】》]")
# What a line may not break inside: a run of Latin letters and digits (a word, a number, 2024年's 2024).
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.%\-_]*|\s+|.", re.S)


def _tokens(text: str) -> list[str]:
    tokens: list[str] = []
    pieces, start = [], 0
    for short in _SHORT_BRACKETS.finditer(text):
        pieces += _TOKEN.findall(text[start:short.start()]) + [short.group()]
        start = short.end()
    for piece in pieces + _TOKEN.findall(text[start:]):
        if tokens and (piece[0] in _NO_LINE_START or tokens[-1][-1] in _NO_LINE_END):
            tokens[-1] += piece
        else:
            tokens.append(piece)
    if len(tokens) > 1 and tokens[0][0] in _NO_LINE_START:  # nothing before it to hold on to
        tokens[:2] = [tokens[0] + tokens[1]]
    return tokens


def _fill(tokens: list[str], target: int) -> list[str]:
    """Tokens into lines of about ``target`` characters; a line ends where the next token would pass it."""
    lines, current = [], ""
    for token in tokens:
        if current.strip() and len(current.rstrip()) + len(token.rstrip()) > target:
            lines.append(current.rstrip())
            current = token.lstrip()
        else:
            current += token
    return lines + [current.rstrip()]


def wrap_label(text: str, width: int = 14) -> str:
    """An axis label in lines of at most about ``width`` characters, never cut: breaks fall between
    CJK characters or at spaces, never inside a Latin word or number, never before closing or after
    opening punctuation; the lines are balanced, so no line holds one character alone."""
    text = " ".join(text.split())
    tokens = _tokens(text)
    count = len(_fill(tokens, width))  # the fewest lines of about ``width``
    # then the narrowest lines that still need no more: balanced, so no line is left nearly empty
    lines = next(lines for target in range(min(-(-len(text) // count), width), width + 1)
                 if len(lines := _fill(tokens, target)) <= count) if count > 1 else [text]
    for index in [i for i, line in enumerate(lines) if len(line) == 1][::-1]:  # one character: onto a neighbour
        if len(lines) > 1:
            neighbour = index - 1 if index else 1
            lines[min(index, neighbour)] = "".join(lines[min(index, neighbour):max(index, neighbour) + 1])
            del lines[max(index, neighbour)]
    return "\n".join(lines)


def label_lines(labels: list[str], width: int = 14) -> tuple[list[str], int]:
    """The wrapped labels and the most lines any of them takes."""
    wrapped = [wrap_label(label, width) for label in labels]
    return wrapped, max((label.count("\n") + 1 for label in wrapped), default=1)


def stacked_bars(
    labels: list[str],
    segments: dict[str, tuple[list[float], str]],
    *,
    xlabel: str,
    total_format: str | None = None,
    xmax: float | None = None,
    counts: bool = False,
) -> Figure:
    """Horizontal stacked bars, first label at the top, legend below.

    ``segments`` maps a legend label to (one value per bar, colour); a segment that is zero on
    every bar is left out. ``total_format`` writes each bar's total at its end; ``counts`` puts
    ticks on whole numbers only. Margins are
    fixed in inches (rows grow with the lines of ``wrap_label``), which keeps every chart's
    plot area aligned with the others and costs no layout pass.
    """
    wrapped, most_lines = label_lines(labels)
    height = max(ROW_IN, LINE_IN * most_lines + 0.08) * len(labels) + TOP_IN + BOTTOM_IN
    figure = Figure(figsize=(WIDTH_IN, height))
    axes = figure.add_axes((LEFT_IN / WIDTH_IN, BOTTOM_IN / height,
                            1 - (LEFT_IN + RIGHT_IN) / WIDTH_IN, 1 - (TOP_IN + BOTTOM_IN) / height))
    positions = list(range(len(labels)))[::-1]
    totals = [0.0] * len(labels)
    for name, (values, colour) in segments.items():
        if any(values):
            axes.barh(positions, values, left=totals, height=0.62, color=colour, label=name)
            totals = [total + value for total, value in zip(totals, values)]
    if total_format:
        for position, total in zip(positions, totals):
            axes.annotate(total_format.format(total), (total, position), xytext=(3, 0),
                          textcoords="offset points", va="center", fontsize=7.5)
    axes.set_yticks(positions, wrapped, fontsize=8)
    axes.set_ylim(-0.6, len(labels) - 0.4)
    axes.set_xlim(0, xmax if xmax is not None else max(max(totals, default=0), 1) * 1.18)
    axes.set_xlabel(xlabel, fontsize=9)
    axes.tick_params(axis="x", labelsize=8)
    if counts:
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    handles, names = axes.get_legend_handles_labels()
    figure.legend(handles, names, loc="lower center", bbox_to_anchor=(0.5, 0.0), ncol=max(len(names), 1),
                  fontsize=8, frameon=False)
    return figure


def findings_by_rule(counts: pd.DataFrame, severity_labels: dict[str, str]) -> Figure:
    """Findings per rule stacked by severity; ``counts`` is indexed by rule label with one
    column per severity."""
    segments = {label: (list(counts[severity]), SEVERITY_COLOURS[severity])
                for severity, label in severity_labels.items() if severity in counts}
    return stacked_bars(list(counts.index), segments, xlabel="发现数（条）", total_format="{:.0f}", counts=True)


# The project overview: a row per project, two panels of cells.
OVERVIEW_LEFT_IN, PANEL_IN, GAP_IN, OVERVIEW_TOP_IN = 2.1, 2.0, 0.35, 0.62
PRESENT_COLOUR, MISSING_COLOUR = "#d3ebe0", "#f5c4a9"  # Okabe–Ito green / vermillion, light
DEDUCTION_COLOUR = (0xD5, 0x5E, 0x00)


def _shade(share: float) -> str:
    """White to vermillion by ``share`` (0–1)."""
    return "#" + "".join(f"{round(255 - (255 - c) * share * 0.85):02x}" for c in DEDUCTION_COLOUR)


def _fill_panel(axes, values: pd.DataFrame, colour, text) -> None:
    """A panel's cells: ``values`` coloured by ``colour`` and labelled by ``text``, as one collection
    of squares (hundreds of patch artists cost more to make and draw than the drawing itself) and
    a label where there is one to show; the columns named above."""
    rows, columns = values.shape
    grid = values.to_numpy()
    squares = [((j, i), (j + 1, i), (j + 1, i + 1), (j, i + 1)) for i in range(rows) for j in range(columns)]
    axes.add_collection(PolyCollection(squares, facecolors=[colour(value) for value in grid.flat], edgecolors="white",
                                       linewidths=1.5, joinstyle="miter"), autolim=False)
    for i in range(rows):
        for j in range(columns):
            if label := text(grid[i, j]):
                axes.text(j + 0.5, i + 0.5, label, ha="center", va="center", fontsize=7.5)
    axes.set_xlim(0, columns)
    axes.set_ylim(rows, 0)
    axes.set_xticks([j + 0.5 for j in range(columns)], list(values.columns), fontsize=8)


def _panel(figure: Figure, title: str):
    """An empty panel: column labels on top, no tick marks or frame."""
    axes = figure.add_axes((0, 0, 1, 1))
    axes.xaxis.tick_top()
    axes.tick_params(length=0)
    # Placed, not measured: pad 16 clears the one-line column labels, and the panels have no axis
    # labels, so matplotlib's search for overlapping tick labels would move nothing.
    axes.set_title(title, fontsize=8.5, pad=16, y=1.0)
    axes.xaxis.set_label_coords(0, 0)
    axes.yaxis.set_label_coords(0, 0)
    for spine in axes.spines.values():
        spine.set_visible(False)
    return axes


class _ProjectOverview:
    """The overview's figure and its two panels, made once per process and refilled for each chart:
    a report kernel draws one per unit, and making a figure's panels (axes, ticks, titles) costs a
    third of the chart. Refilled, it writes the same SVG as a new figure would."""

    def __init__(self):
        self.figure = Figure(figsize=(WIDTH_IN, 1))
        self.left = _panel(self.figure, "指标类别（指标个数）")
        self.right = _panel(self.figure, "审核要点扣分（分）")
        self.right.set_yticks([])

    def svg(self, labels: list[str], categories: pd.DataFrame, deductions: pd.DataFrame) -> str:
        for axes in (self.left, self.right):
            for artist in [*axes.collections, *axes.texts]:
                artist.remove()
        wrapped, most_lines = label_lines(labels, 19)  # 19 characters of 7.5 pt fill the left margin
        row = max(0.28, LINE_IN * most_lines + 0.06)
        height = row * len(labels) + OVERVIEW_TOP_IN + 0.1
        self.figure.set_size_inches(WIDTH_IN, height)
        bottom, panel_height = 0.1 / height, row * len(labels) / height
        self.left.set_position((OVERVIEW_LEFT_IN / WIDTH_IN, bottom, PANEL_IN / WIDTH_IN, panel_height))
        self.right.set_position(((OVERVIEW_LEFT_IN + PANEL_IN + GAP_IN) / WIDTH_IN, bottom, PANEL_IN / WIDTH_IN,
                                 panel_height))
        _fill_panel(self.left, categories, lambda n: PRESENT_COLOUR if n else MISSING_COLOUR,
                    lambda n: str(int(n)) if n else "缺")
        most = max(float(deductions.to_numpy().max(initial=0)), 1.0)
        _fill_panel(self.right, deductions, lambda v: _shade(v / most), lambda v: f"{v:g}" if v else "")
        self.left.set_yticks([i + 0.5 for i in range(len(labels))], wrapped, fontsize=7.5)
        return svg(self.figure)


@functools.cache
def _overview() -> _ProjectOverview:
    return _ProjectOverview()


def project_overview(labels: list[str], categories: pd.DataFrame, deductions: pd.DataFrame) -> str:
    """Per project (a row each, in ``labels`` order): left, how many indicators it has of each
    category (``categories``: counts, 0 shown as 缺); right, the points its findings cost under each
    review criterion (``deductions``), shaded by size. As SVG text (``svg``): the figure is reused."""
    return _overview().svg(labels, categories, deductions)
