"""The portfolio index: every unit of an output folder on one page (``notebooks/portfolio.ipynb``).

Two sides:

- ``unit_figures(bundle)`` runs in the worker that builds a unit's report and condenses the
  unit into the few figures the index shows (grade, budget, counts by severity and by rule, how
  its indicator values are expressed). They travel in the unit's result into ``manifest.json``,
  so the index reads one file, not a thousand bundles.
- The page sections (``open_portfolio``, ``overview``, ``units_table``, ``charts_section``,
  ``problems``, ``finish``) run in the portfolio notebook's kernel and read ``manifest.json``.
  All text goes through ``report.markup`` (the one escaping point); charts are the report's own.

Sorting without scripts: the page's Content-Security-Policy allows no script, so the units
table sorts with CSS only. Hidden radio buttons, one per sort order, are selected by the column
headers' labels; each row carries its rank in every order as a CSS custom property, and the
rule of the selected order lays the table out as a grid whose cells take ``order`` from their
row's rank. The default order (worst first: failed units, then the lowest score) is a plain
table, which is also what the PDF shows.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..bundle import DepartmentBundle, UnitBundle
from ..outdir import OutputFolder
from ..review.apply import review_counts
from ..terms import ACTIONS, SEVERITY_ZH
from . import charts
from .fragment import Fragment
from .markup import Content, HtmlOnly, definition_table, element, table, void
from .sections.format import (
    MISSING, SCREEN_ONLY, VALUE_CATEGORIES, amount, figure, note, quantification_counts, rule_counts, section,
)

PAGE_TITLE = "项目支出绩效目标审核汇总"
GRADE_ORDER = ("优", "良", "中", "差")
NO_GRADE = "未评级"
STATUS_LABELS = {"ok": "已生成", "failed": "失败"}
TOP_RULES = 15
MAX_UNIT_BARS = 40
NO_DEPARTMENT = "（未注明部门）"


# ------------------------------------------------------------------ worker side

def unit_figures(bundle: UnitBundle) -> dict[str, Any]:
    """What the index shows of one unit, as plain JSON-able data."""
    dataset, findings, grade = bundle.dataset, bundle.findings, bundle.grade or {}
    unit = dataset.units.iloc[0]
    severities = findings["severity"].value_counts() if findings is not None else pd.Series(dtype=int)
    rules = rule_counts(findings) if findings is not None and not findings.empty else pd.DataFrame()
    values = quantification_counts(dataset.projects, dataset.indicators).sum()
    return {
        "unit_name": str(unit["unit_name"]),
        "department": None if pd.isna(unit["department"]) else str(unit["department"]),
        "budget_year": None if pd.isna(unit["budget_year"]) else int(unit["budget_year"]),
        "projects": int(len(dataset.projects)),
        "indicators": int(len(dataset.indicators)),
        "budget": _budget(bundle),
        "grade": grade.get("grade"),
        "score": grade.get("score"),
        "conclusion": (grade.get("conclusion") or {}).get("action"),
        "severity": {name: int(severities.get(name, 0)) for name in SEVERITY_ZH},
        "rules": {label: {name: int(row[name]) for name in SEVERITY_ZH} for label, row in rules.iterrows()},
        "values": {name: int(values.get(name, 0)) for name in VALUE_CATEGORIES},
        "review": unit_review_figures(bundle),
        "department_id": str(unit["department_id"]),
    }


def department_figures(department: DepartmentBundle) -> dict[str, Any]:
    """What the index shows of one department."""
    record = department.record
    budgets = [_budget(unit) for unit in department.units]
    return {
        "department_name": department.department_name,
        "units": len(department.units),
        "grade": record["grade"],
        "score": record["score"],
        "conclusion": record["conclusion"]["label"],
        "action": record["conclusion"].get("action"),
        "budget": round(sum(b for b in budgets if b is not None), 2) if any(b is not None for b in budgets) else None,
    }


def _budget(bundle: UnitBundle) -> float | None:
    """The unit's budget as the index shows it: its projects' 总计 (万元), to the cent."""
    budget = bundle.dataset.projects["budget_total"].sum(min_count=1)
    return None if pd.isna(budget) else round(float(budget), 2)


def unit_review_figures(bundle: UnitBundle) -> dict[str, Any]:
    """The review state the index shows: findings still open (undecided or 确认), of which
    undecided, set aside, the stale dispositions and the sign-off."""
    review = bundle.review or {}
    return {**review_counts(bundle.all_findings), "stale": [d["finding_id"] for d in review.get("stale") or []],
            "file": review.get("file"), "signoff": review.get("signoff")}


# ------------------------------------------------------------------ kernel side: data

@dataclass(frozen=True)
class Portfolio:
    units: pd.DataFrame  # one row per unit (see ``_unit_rows``)
    refused: pd.DataFrame  # source_file, reason
    manifest: dict[str, Any]

    @property
    def report_settings(self) -> dict[str, Any]:
        return self.manifest["report_settings"]


def _unit_rows(manifest: dict[str, Any]) -> pd.DataFrame:
    rows = []
    departments = manifest.get("departments", {})
    for unit_id, entry in manifest["units"].items():
        figures = entry.get("summary") or {}
        severity = figures.get("severity") or {}
        department = departments.get(entry.get("department_id") or "", {})
        rows.append({
            "unit_id": unit_id,
            "unit_name": figures.get("unit_name") or entry.get("unit_name") or unit_id,
            "department": figures.get("department") or entry.get("department") or department.get("unit_name") or NO_DEPARTMENT,
            "department_id": entry.get("department_id"),
            "source_file": entry.get("source_file"),
            "status": entry["status"],
            "reason": entry.get("reason"),
            "grade": figures.get("grade") or NO_GRADE,
            "score": figures.get("score"),
            "budget": figures.get("budget"),
            "budget_year": figures.get("budget_year"),
            "conclusion": figures.get("conclusion"),
            "conclusion_rank": ACTIONS[::-1].index(figures["conclusion"]) if figures.get("conclusion") in ACTIONS else None,
            "projects": figures.get("projects"),
            **{name: severity.get(name, 0) for name in SEVERITY_ZH},
            "open": (figures.get("review") or {}).get("open"),
            "review": figures.get("review") or {},
            "html": (entry.get("outputs") or {}).get("html"),
            "pdf": (entry.get("outputs") or {}).get("pdf"),
            "docx": (entry.get("outputs") or {}).get("docx"),
            "department_html": ((department.get("outputs") or {}).get("html")),
        })
    columns = ["unit_id", "unit_name", "department", "department_id", "source_file", "status", "reason", "grade", "score",
               "budget", "budget_year", "conclusion", "conclusion_rank", "projects", *SEVERITY_ZH, "open", "review",
               "html", "pdf", "docx", "department_html"]
    frame = pd.DataFrame(rows, columns=columns)
    _, columns, ascending = SORT_ORDERS[DEFAULT_ORDER]
    return frame.sort_values(columns, ascending=ascending, na_position="last", kind="stable").reset_index(drop=True)


def open_portfolio(out_dir: str) -> Portfolio:
    """The output folder's units and refused inputs, from its manifest; fonts set for the charts."""
    manifest = json.loads(OutputFolder(Path(out_dir)).manifest.read_text(encoding="utf-8"))
    refused = pd.DataFrame(
        [{"source_file": name, "reason": entry.get("reason")} for name, entry in sorted(manifest["files"].items())
         if entry.get("status") == "failed"],
        columns=["source_file", "reason"],
    )
    book = Portfolio(units=_unit_rows(manifest), refused=refused, manifest=manifest)
    settings = book.report_settings
    charts.configure_fonts(settings["cjk_font_file"], settings["cjk_font_family"])
    return book


# ------------------------------------------------------------------ kernel side: sections

def overview(book: Portfolio) -> Fragment:
    units = book.units
    failed = int((units["status"] == "failed").sum())
    grades = units["grade"].value_counts()
    facts: list[tuple[str, Content]] = [
        ("单位数", f"{len(units)} 个（{units['department'].nunique()} 个部门）"),
        ("报告", f"已生成 {len(units) - failed} 个，失败 {failed} 个"),
        ("被拒绝的输入文件", f"{len(book.refused)} 个"),
        ("预算合计", budget_by_year(units)),
        ("审核结论分布", "，".join(f"{a} {n} 个" for a in ACTIONS if (n := int((units["conclusion"] == a).sum()))) or MISSING),
        ("建议等级分布", "，".join(f"{g} {int(grades.get(g, 0))} 个" for g in (*GRADE_ORDER, NO_GRADE) if grades.get(g, 0))
         or MISSING),
        ("审核发现", "，".join(f"{label} {int(units[name].sum())} 条" for name, label in SEVERITY_ZH.items())),
    ]
    reports = book.manifest.get("departments", {})
    department_rows = []
    for (department, department_id), members in units.fillna({"department_id": ""}).groupby(
            ["department", "department_id"], sort=True):
        members = members.reset_index(drop=True)
        # a department of one unit has no report of its own: its row links the unit's
        alone = department_id not in reports and len(members) == 1
        report = ([_or_missing(members.at[0, "conclusion"]), ["单位报告：", _links(members.iloc[0])]] if alone else
                  _department_report(reports.get(department_id)))
        department_rows.append([
            [department, element("div", members.at[0, "unit_name"], cls="note") if alone and department == NO_DEPARTMENT else None],
            str(len(members)), budget_by_year(members, unit=""),
            str(int((members["status"] == "failed").sum())),
            " / ".join(str(int(members[name].sum())) for name in SEVERITY_ZH), *report])
    return Fragment(element(
        "section",
        element("p", PAGE_TITLE, cls="cover-kicker"),
        element("h1", f"共 {len(units)} 个单位"),
        definition_table(facts),
        element("h2", "按部门汇总"),
        table(["部门", "单位数", "预算（万元）", "失败", "错误 / 警告 / 提示", "审核结论", "报告"], department_rows,
              widths=["26%", "8%", "18%", "7%", "15%", "10%", "16%"], numeric=(1, 2, 3)),
        note("审核结论与等级须经审核人核实。预算按预算年度分别合计，不跨年度相加。只有一个单位的部门不另出部门报告，"
             "其行链接该单位的报告。单位表按问题多少排列（失败的单位、得分最低的在前）。"),
        element("p", "点击单位表的列名可改变排序。", cls=f"note {SCREEN_ONLY}"),
        cls="cover",
    ))


# Sort orders of the units table: id -> (header label, columns, ascending per column).
SORT_ORDERS = {
    # worst first: failed units, then the lowest score, then the most errors and warnings
    "worst": ("问题多者在前", ["status", "score", "error", "warning", "unit_name"], [True, True, False, False, True]),
    "department": ("部门", ["department", "unit_name", "unit_id"], [True, True, True]),
    # 差 first: the units a reviewer sends back
    "conclusion": ("审核结论", ["conclusion_rank", "score", "unit_name"], [True, True, True]),
    "name": ("单位", ["unit_name", "unit_id"], [True, True]),
    "score-desc": ("得分 ↓", ["score", "unit_name"], [False, True]),
    "score-asc": ("得分 ↑", ["score", "unit_name"], [True, True]),
    "budget-desc": ("预算 ↓", ["budget", "unit_name"], [False, True]),
    "budget-asc": ("预算 ↑", ["budget", "unit_name"], [True, True]),
    "findings-desc": ("发现 ↓", ["error", "warning", "info", "unit_name"], [False, False, False, True]),
    "findings-asc": ("发现 ↑", ["error", "warning", "info", "unit_name"], [True, True, True, True]),
    "status": ("状态", ["status", "unit_name"], [True, True]),  # "failed" sorts before "ok"
    "open-desc": ("待处理 ↓", ["open", "unit_name"], [False, True]),
}
DEFAULT_ORDER = "worst"
# The units table's columns: header, width, and the sort orders its header offers.
COLUMNS = (
    ("部门", "12%", ("department",)),
    ("单位", "15%", ("name",)),
    ("审核结论", "9%", ("conclusion",)),
    ("得分", "7%", ("score-desc", "score-asc")),
    ("年度", "6%", ()),
    ("预算（万元）", "10%", ("budget-desc", "budget-asc")),
    ("项目", "6%", ()),
    ("错误 / 警告 / 提示", "10%", ("findings-desc", "findings-asc")),
    ("状态", "7%", ("status",)),
    ("待处理", "7%", ("open-desc",)),
    ("报告", "11%", ()),
)


def _or_missing(value: object) -> str:
    return MISSING if value is None or pd.isna(value) else str(value)


def budget_by_year(units: pd.DataFrame, unit: str = " 万元", separator: str = "；") -> str:
    """The budgets of ``units`` summed per budget year, never across years (``2024年 1,234.00 万元``);
    a single year without its label where ``unit`` is empty (a table column says it)."""
    years = units.assign(year=units["budget_year"].map(lambda y: MISSING if pd.isna(y) else f"{int(y)}年"))
    sums = years.groupby("year", sort=True)["budget"].sum(min_count=1)
    if len(sums) <= 1 and not unit:
        return amount(sums.iloc[0]) if len(sums) else MISSING
    return separator.join(f"{year} {amount(total)}{unit}" for year, total in sums.items()) or MISSING


def sort_ranks(units: pd.DataFrame) -> pd.DataFrame:
    """Each unit's position (0-based) in every sort order; missing values last."""
    ranks = pd.DataFrame(index=units.index)
    for order, (_, columns, ascending) in SORT_ORDERS.items():
        ordered = units.sort_values(columns, ascending=ascending, na_position="last", kind="stable")
        ranks[order] = pd.Series(range(len(ordered)), index=ordered.index)
    return ranks


def _sort_css() -> HtmlOnly:
    template = "table.units-table {{ grid-template-columns: {widths}; }}"
    widths = " ".join(width for _, width, _ in COLUMNS)
    rules = [
        ".sort-key { display: none; }",
        ".sort-bar label, table.units-table th label { cursor: pointer; color: #0b2e59; text-decoration: underline dotted; }",
        "@media print { .sort-bar, table.units-table th label.sort-direction { display: none; }"
        " table.units-table th label { color: inherit; text-decoration: none; } }",
        ".status-failed { color: #8a2c00; font-weight: bold; }",
        ".report-link { white-space: nowrap; }",
    ]
    for order in SORT_ORDERS:
        if order == DEFAULT_ORDER:
            continue
        on = f"#sort-{order}:checked ~ table.units-table"
        rules += [
            f"{on} {{ display: grid; }}",
            f"{on} :is(thead, tbody, tr) {{ display: contents; }}",
            f"{on} colgroup {{ display: none; }}",
            f"{on} td {{ order: var(--rank-{order}); }}",
            f"{on} th {{ order: -1; }}",
            f"#sort-{order}:checked ~ .sort-bar label[for=sort-{order}] {{ font-weight: bold; text-decoration: none; }}",
        ]
    rules.append(template.format(widths=widths))
    return HtmlOnly("<style>\n" + "\n".join(rules) + "\n</style>")  # constant CSS: no data in it


def _review_cell(open_findings: object, review: dict) -> Content:
    """Findings still open, with how many nobody has looked at, stale dispositions and the sign-off."""
    if pd.isna(open_findings):
        return MISSING
    undecided, stale, signed = review.get("undecided", 0), len(review.get("stale") or []), review.get("signoff")
    return [str(int(open_findings)),
            element("div", f"未审 {undecided}", cls="note") if undecided and undecided != open_findings else None,
            element("div", f"失效意见 {stale}", cls="note") if stale else None,
            element("div", "已签署", cls="note") if signed else None]


def _links(row) -> Content:
    """Links to a report's HTML and PDF and its Word 审核意见书 (``row``: a unit row, or a
    result's ``outputs``)."""
    links = [element("a", label, href=row[kind], cls="report-link") for kind, label in (("html", "HTML"), ("pdf", "PDF"), ("docx", "意见书"))
             if kind in row and isinstance(row[kind], str)]
    return [[" · " if index else None, link] for index, link in enumerate(links)] or MISSING


def _department_report(entry: dict[str, Any] | None) -> list[Content]:
    """The department's grade (score) and the links to its report, from its manifest entry."""
    if not entry:
        return [MISSING, MISSING]
    figures = entry.get("summary") or {}
    grade = figures.get("action") or figures.get("conclusion") or MISSING
    status = STATUS_LABELS["failed"] if entry["status"] == "failed" else None
    return [grade, element("span", status, cls="status-failed") if status else _links(entry.get("outputs") or {})]


def _header_labels(name: str, orders: tuple[str, ...]) -> Content:
    """A column header: its name selects its (first) sort order; ↓ ↑ choose the direction."""
    if len(orders) == 1:
        return element("label", name, for_=f"sort-{orders[0]}")
    if not orders:
        return name
    return [name, " ", [element("label", SORT_ORDERS[order][0][-1], for_=f"sort-{order}", cls="sort-direction")
                        for order in orders]]


def units_table(book: Portfolio) -> Fragment:
    units = book.units
    ranks = sort_ranks(units)
    same_name = Counter(units["unit_name"])
    header = [element("th", _header_labels(name, orders)) for name, _, orders in COLUMNS]
    rows = []
    for index, row in units.iterrows():
        style = "; ".join(f"--rank-{order}: {int(ranks.at[index, order])}" for order in SORT_ORDERS)
        status = STATUS_LABELS.get(row["status"], row["status"])
        cells = [
            element("a", row["department"], href=row["department_html"]) if isinstance(row["department_html"], str)
            else row["department"],
            # the id only where two units share a name
            [element("div", row["unit_name"]), element("code", row["unit_id"]) if same_name[row["unit_name"]] > 1 else None],
            _or_missing(row["conclusion"]),
            MISSING if pd.isna(row["score"]) else f"{row['score']:.2f}",
            MISSING if pd.isna(row["budget_year"]) else f"{int(row['budget_year'])}",
            amount(row["budget"]),
            MISSING if pd.isna(row["projects"]) else str(int(row["projects"])),
            " / ".join(str(int(row[name])) for name in SEVERITY_ZH),
            element("span", status, cls=f"status-{row['status']}"),
            _review_cell(row["open"], row["review"]),
            _links(row),
        ]
        numeric = {3, 5, 6}
        rows.append(element("tr", [element("td", cell, cls="num" if i in numeric else None) for i, cell in enumerate(cells)],
                            style=style))
    radios = [HtmlOnly(f'<input type="radio" name="sort" id="sort-{order}" class="sort-key"'
                     f'{" checked" if order == DEFAULT_ORDER else ""}>') for order in SORT_ORDERS]
    bar = element("p", "排序：", [[element("label", label, for_=f"sort-{order}"), " "]
                                  for order, (label, _, _) in SORT_ORDERS.items()], cls="sort-bar")
    colgroup = element("colgroup", [void("col", style=f"width:{width}") for _, width, _ in COLUMNS])
    body = element("table", colgroup, element("thead", element("tr", header)), element("tbody", rows),
                   cls="units-table")
    return Fragment(section("单位一览", _sort_css(), element("div", radios, bar, body, cls="units-sortable"), anchor="units",
                             flows=True))


def _grade_chart(units: pd.DataFrame):
    counts = units["grade"].value_counts()
    labels = [g for g in (*GRADE_ORDER, NO_GRADE) if counts.get(g, 0) or g in GRADE_ORDER]
    values = [int(counts.get(g, 0)) for g in labels]
    return charts.stacked_bars(labels, {"单位数": (values, charts.PALETTE[0])}, xlabel="单位数（个）", total_format="{:.0f}",
                               counts=True)


def _rule_totals(book: Portfolio) -> pd.DataFrame:
    counts: dict[str, dict[str, int]] = {}
    for entry in book.manifest["units"].values():
        for label, by_severity in ((entry.get("summary") or {}).get("rules") or {}).items():
            total = counts.setdefault(label, dict.fromkeys(SEVERITY_ZH, 0))
            for name, count in by_severity.items():
                total[name] += count
    frame = pd.DataFrame.from_dict(counts, orient="index", columns=list(SEVERITY_ZH))
    frame["total"] = frame.sum(axis=1)
    return frame.sort_values(["total"], ascending=False, kind="stable").head(TOP_RULES).drop(columns="total")


def _quantification_chart(book: Portfolio):
    """Share of each unit's indicator values by how they are expressed; with many units, the
    ones with the lowest quantified share (where a reviewer looks first)."""
    shares, names = {}, {}
    for unit_id, entry in book.manifest["units"].items():
        figures = entry.get("summary") or {}
        total = sum((figures.get("values") or {}).values())
        if total:
            shares[unit_id] = {key: figures["values"].get(key, 0) / total * 100 for key in VALUE_CATEGORIES}
            names[unit_id] = figures["unit_name"]
    frame = pd.DataFrame.from_dict(shares, orient="index", columns=list(VALUE_CATEGORIES))
    count = Counter(names.values())
    frame.index = [names[u] if count[names[u]] == 1 else f"{names[u]} {u}" for u in frame.index]
    frame = frame.sort_values(["quantified"], kind="stable").head(MAX_UNIT_BARS)
    colours = dict(zip(VALUE_CATEGORIES, charts.PALETTE))
    segments = {label: (list(frame[key]), colours[key]) for key, label in VALUE_CATEGORIES.items()}
    return charts.stacked_bars(list(frame.index), segments, xlabel="占该单位指标数的比例（%）", xmax=100), len(shares)


def charts_section(book: Portfolio) -> Fragment:
    figures = []
    if not book.units.empty:
        figures.append(figure(charts.svg(_grade_chart(book.units)), "图1 建议等级分布（单位数）"))
    rules = _rule_totals(book)
    if not rules.empty:
        figures.append(figure(charts.svg(charts.findings_by_rule(rules, SEVERITY_ZH)),
                              f"图2 出现最多的审核规则（前 {min(TOP_RULES, len(rules))} 条，按发现数）"))
    chart, units = _quantification_chart(book) if not book.units.empty else (None, 0)
    if chart is not None and units:
        caption = "图3 各单位指标值的表述方式" + (f"（数值量化比例最低的 {MAX_UNIT_BARS} 个单位）" if units > MAX_UNIT_BARS else "")
        figures.append(figure(charts.svg(chart), caption))
    return Fragment(section("图表", *(figures or [note("没有可比较的单位。")]), anchor="charts", flows=True))


def problems(book: Portfolio) -> Fragment:
    failed = book.units[book.units["status"] == "failed"]
    body: list[Content] = []
    if failed.empty and book.refused.empty and not any(r.get("stale") for r in book.units["review"]):
        body.append(note("所有单位的报告均已生成，没有被拒绝的输入文件。"))
    if not failed.empty:
        body += [element("h2", "报告生成失败的单位"),
                 table(["单位", "文件", "原因"],
                       [[[element("div", r.unit_name), element("code", r.unit_id)], r.source_file, r.reason or MISSING]
                        for r in failed.itertuples(index=False)],
                       widths=["28%", "22%", "50%"])]
    stale = [(row, row.review["stale"]) for row in book.units.itertuples(index=False) if row.review.get("stale")]
    if stale:
        body += [element("h2", "失效的审核意见（对应的发现已不存在）"),
                 table(["单位", "审核意见文件", "发现编号"],
                       [[[element("div", r.unit_name), element("code", r.unit_id)], r.review.get("file") or MISSING,
                         "、".join(ids)] for r, ids in stale],
                       widths=["28%", "30%", "42%"])]
    if not book.refused.empty:
        body += [element("h2", "被拒绝的输入文件"),
                 table(["文件", "原因"], [[r.source_file, r.reason or MISSING] for r in book.refused.itertuples(index=False)],
                       widths=["30%", "70%"])]
    return Fragment(section("失败与被拒绝的输入", *body, anchor="problems", flows=True))


def finish(book: Portfolio, done_marker: str | None = None) -> None:
    """Last cell: prove the notebook ran to its end."""
    if done_marker:
        Path(done_marker).write_text(json.dumps({"units": len(book.units)}) + "\n", encoding="utf-8")
