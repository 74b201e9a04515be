"""The report's charts: matplotlib figures drawn without pyplot, returned as SVG with real text.

Figures are built on ``matplotlib.figure.Figure`` directly, so no backend is selected and no
figure is shown twice in a notebook. SVG keeps labels as text (selectable, searchable, sharp at
any zoom, and about half the cost of encoding a PNG); with a fixed hash salt and no date or
version metadata it is byte-for-byte reproducible. The CJK font is
registered from its file and named explicitly (a font cache built before the font was installed
would otherwise give tofu boxes).
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
import pandas as pd
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..errors import ReportError

WIDTH_IN = 6.6  # the printed page's text width (A4 with 18 mm margins), so charts print at 1:1
# Labels stay <text> in the font named in rcParams; ids are hashed with a fixed salt.
SVG_STYLE = {"svg.fonttype": "none", "svg.hashsalt": "perfaudit"}
# Bar chart geometry in inches: a row per bar, margins for labels, axis title and legend.
ROW_IN, LEFT_IN, RIGHT_IN, TOP_IN, BOTTOM_IN = 0.36, 1.75, 0.25, 0.15, 0.85
# Colour-blind-safe and distinguishable in greyscale print (Okabe–Ito).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999")
SEVERITY_COLOURS = {"error": "#D55E00", "warning": "#E69F00", "info": "#56B4E9"}


def configure_fonts(font_file: str, family: str) -> None:
    """Chart style for this process: the CJK font (a clear error when it is missing), no TeX."""
    if not Path(font_file).is_file():
        raise ReportError(f"{font_file}: CJK font not found (Debian: apt-get install fonts-noto-cjk)")
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


def wrap_label(text: str, width: int = 14, max_lines: int = 2) -> str:
    """A long name cut into lines of ``width`` characters for an axis label (CJK text has no
    spaces to break at); what does not fit in ``max_lines`` ends in an ellipsis."""
    chunks = [text[start:start + width] for start in range(0, len(text), width)] or [" "]
    if len(chunks) > max_lines:
        chunks = chunks[:max_lines]
        chunks[-1] = chunks[-1][:-1] + "…"
    return "\n".join(chunks)


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
    fixed in inches (room for two-line labels of ``wrap_label``), which keeps every chart's
    plot area aligned with the others and costs no layout pass.
    """
    height = ROW_IN * len(labels) + TOP_IN + BOTTOM_IN
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
    axes.set_yticks(positions, [wrap_label(label) for label in labels], fontsize=8)
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


def _colours(keys: list[str]) -> dict[str, str]:
    return {key: PALETTE[index % len(PALETTE)] for index, key in enumerate(keys)}


def budget_by_project(labels: list[str], amounts: pd.DataFrame, sources: dict[str, str]) -> Figure:
    """Each project's budget (万元) stacked by funding source; ``amounts`` has one column per source."""
    colours = _colours(list(sources))
    segments = {name: (list(amounts[column].fillna(0).astype(float)), colours[column]) for column, name in sources.items()}
    return stacked_bars(labels, segments, xlabel="金额（万元）", total_format="{:,.2f}")


def indicator_structure(counts: pd.DataFrame) -> Figure:
    """Indicator counts per (level 1, level 2) pair, coloured by level 1; ``counts`` has columns
    level1, level2, count, in display order."""
    level1 = list(dict.fromkeys(counts["level1"]))
    colours = _colours(level1)
    segments = {name: ([n if l1 == name else 0 for l1, n in zip(counts["level1"], counts["count"])], colours[name])
                for name in level1}
    labels = [f"{l1} / {l2}" for l1, l2 in zip(counts["level1"], counts["level2"])]
    return stacked_bars(labels, segments, xlabel="指标数（个）", total_format="{:.0f}", counts=True)


def quantification_share(shares: pd.DataFrame, categories: dict[str, str]) -> Figure:
    """100 % stacked bars per project: how its indicator values are expressed. ``shares`` is
    indexed by project label with one count column per category key."""
    totals = shares.sum(axis=1).replace(0, 1)
    colours = _colours(list(categories))
    segments = {name: (list(shares[key] / totals * 100), colours[key]) for key, name in categories.items()}
    return stacked_bars(list(shares.index), segments, xlabel="占该项目指标数的比例（%）", xmax=100)


def findings_by_rule(counts: pd.DataFrame, severity_labels: dict[str, str]) -> Figure:
    """Findings per rule stacked by severity; ``counts`` is indexed by rule label with one
    column per severity."""
    segments = {label: (list(counts[severity]), SEVERITY_COLOURS[severity])
                for severity, label in severity_labels.items() if severity in counts}
    return stacked_bars(list(counts.index), segments, xlabel="发现数（条）", total_format="{:.0f}", counts=True)
