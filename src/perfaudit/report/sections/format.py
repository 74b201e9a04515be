"""What every report's sections share: labels, number and text formats, the section frame, where a
row came from, and the tables counted from a bundle. Every piece of text goes through ``markup``
(the one escaping point); nothing here writes a tag by string concatenation."""

from __future__ import annotations

import base64
from collections import Counter

import pandas as pd

from ...bundle import UnitBundle
from ...taxonomy import BENEFIT, COST, OUTPUT, SATISFACTION
from ...terms import SEVERITY_ZH, finding_numbers, missing_last
from ..markup import Content, Element, element, void

REPORT_TITLE = "项目支出绩效目标审核报告"
MISSING = "—"
FUNDING_SOURCES = {"fiscal_funds": "财政拨款", "special_funds": "财政专户拨款", "other_funds": "其他资金"}
TABLE_LABELS = {"documents": "文档", "units": "单位", "projects": "项目", "indicators": "绩效指标", "declared_totals": "申报合计",
                "unit_targets": "部门整体目标"}
# How an indicator value is expressed (model.VALUE_KINDS grouped for the quantification chart).
VALUE_CATEGORIES = {"quantified": "数值量化", "deadline": "时限", "boolean": "是/否", "text": "定性表述", "empty": "空值"}
_CATEGORY_OF_KIND = {
    "percent": "quantified", "count": "quantified", "money": "quantified", "quantity": "quantified",
    "duration": "quantified", "deadline": "deadline", "boolean": "boolean", "text": "text", "empty": "empty",
}
PLAN_LABELS = {"plan_mar": "3月底", "plan_jun": "6月底", "plan_oct": "10月底", "plan_dec": "12月底"}
UNIT_LEVEL = "单位整体（不属于具体项目）"
# The sections with a number, in order (charts only for units of more than MIN_CHART_PROJECTS).
NUMBERED_SECTIONS = {"summary": "审核概况", "charts": "图表分析", "findings": "审核发现"}
NUMERALS = "一二三四五六七八九"
MIN_CHART_PROJECTS = 3
TECHNICAL_NOTES = "技术附注"
APPENDIX = "附录 项目明细"
# Marks what exists only on screen (table of contents, back link): the PDF and print CSS leave it out.
SCREEN_ONLY = "screen-only"


# The grade's deductions shown with it (the bundle's grade record lists them largest first).
TOP_DEDUCTIONS = 3


def amount(value: object) -> str:
    """万元 with thousands separators and two decimals; missing -> —."""
    return MISSING if pd.isna(value) else f"{float(value):,.2f}"


def percent(value: object) -> str:
    return MISSING if pd.isna(value) else f"{float(value):g}%"


def text_or_missing(value: object) -> Content:
    return MISSING if pd.isna(value) or str(value).strip() == "" else str(value)


def observed_text(value: object) -> str:
    """A checked value as a reviewer reads it (numbers without float noise, pairs as k=v)."""
    if isinstance(value, dict):
        return "；".join(f"{key}={observed_text(item)}" for key, item in sorted(value.items()))
    if isinstance(value, (list, tuple)):
        return "、".join(observed_text(item) for item in value)
    if isinstance(value, float):
        return f"{value:.6g}"
    return MISSING if value is None else str(value)


def section(title: str, *body: Content, anchor: str, flows: bool = False) -> Element:
    """A top-level report section: its h1 is a PDF bookmark and starts a new printed page, unless
    it ``flows`` on from what precedes it (no page left under half full)."""
    return element("section", element("h1", title), *body, cls="report-section" + (" flows" if flows else ""), id=anchor)


def shows_charts(bundle: UnitBundle) -> bool:
    return len(bundle.dataset.projects) >= MIN_CHART_PROJECTS


def section_title(bundle: UnitBundle, key: str) -> str:
    """A numbered section's title (``三、审核发现``): the numbers count the sections shown."""
    shown = [name for name in NUMBERED_SECTIONS if name != "charts" or shows_charts(bundle)]
    return f"{NUMERALS[shown.index(key)]}、{NUMBERED_SECTIONS[key]}"


def figure(svg: str, caption: str) -> Element:
    source = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return element("figure", void("img", src=source, alt=caption), element("figcaption", caption))


def note(*content: Content) -> Element:
    return element("p", *content, cls="note")


def severity_badge(severity: str) -> Element:
    return element("span", SEVERITY_ZH.get(severity, severity), cls=f"sev sev-{severity}")


def project_label(seq: object, name: object) -> str:
    return f"{int(seq)}. {name}"


def projects_in_order(bundle: UnitBundle) -> pd.DataFrame:
    return bundle.dataset.projects.sort_values("seq").reset_index(drop=True)


def indicators_in_order(bundle: UnitBundle) -> pd.DataFrame:
    return bundle.dataset.indicators.sort_values(["project_id", "seq"]).reset_index(drop=True)


class Locator:
    """Where a row came from, as the report names it: ``第N行``, with the source file (as ingest
    names it: never a folder of this machine) only when the unit has several."""

    def __init__(self, bundle: UnitBundle):
        self.several_files = len(bundle.meta["sources"]) > 1

    def __call__(self, source_file: object, place: object) -> str:
        """``place``: a source ref (``第12行``, ``Sheet1!C12`` …) or a line number."""
        if pd.isna(place):
            where = ""
        else:
            where = place if isinstance(place, str) else f"第{int(place)}行"
        if self.several_files and not pd.isna(source_file):
            return f"{source_file} {where}".strip()
        return where




def deduction_name(deduction: dict) -> str:
    """A deduction as the printed report names it: the rule's name, its code left to the notes."""
    return deduction["label"].removeprefix(deduction["rule_id"]).strip()


def largest_deductions(grade: dict) -> list[dict]:
    """The rules that cost the unit most points, largest first: rule id, Chinese label, number of
    findings and points deducted (``audit.grade`` computed and sorted them)."""
    return list(grade["deductions"][:TOP_DEDUCTIONS])


# How a budget year that the document does not state was found (documents.budget_year_source).
_INFERRED_YEAR = {"file_name": "推断：取自文件名", "text": "推断：文中出现最多的年份"}


def budget_year_text(year: object, documents: pd.DataFrame) -> str:
    """``2024年``, marked as inferred where the document does not state it."""
    if pd.isna(year):
        return MISSING
    how = [_INFERRED_YEAR[s] for s in documents["budget_year_source"].dropna() if s in _INFERRED_YEAR]
    return f"{int(year)}年" + (f"（{how[0]}）" if how else "")


# Indicator categories of the overview chart: level 1, with 成本 counted apart (a level-2 成本指标
# under 产出 in the 2015 scheme, level 1 in the 2021 scheme).
INDICATOR_CATEGORIES = {"产出": OUTPUT, "效益": BENEFIT, "满意度": SATISFACTION, "成本": COST}


def category_counts(projects: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Indicators per project (rows, in ``projects`` order) and category (columns, ``INDICATOR_CATEGORIES``)."""
    cost = (indicators["level1"] == COST) | (indicators["level2"] == "成本指标")
    category = indicators["level1"].where(~cost, COST).map({v: k for k, v in INDICATOR_CATEGORIES.items()})
    counts = Counter(zip(indicators["project_id"].tolist(), category.tolist()))  # a crosstab costs 4× more
    project_ids = projects["project_id"].tolist()
    return pd.DataFrame([[counts[(project_id, name)] for name in INDICATOR_CATEGORIES] for project_id in project_ids],
                        index=pd.Index(project_ids, name="project_id"), columns=list(INDICATOR_CATEGORIES))


def quantification_counts(projects: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    category = indicators["value_kind"].map(_CATEGORY_OF_KIND).fillna("empty")
    counts = pd.crosstab(indicators["project_id"], category).reindex(columns=list(VALUE_CATEGORIES), fill_value=0)
    counts = counts.reindex(projects["project_id"], fill_value=0)
    counts.index = [project_label(s, n) for s, n in zip(projects["seq"], projects["project_name"])]
    return counts


def rule_counts(findings: pd.DataFrame) -> pd.DataFrame:
    """Findings per rule (rows in catalogue order, labelled 'id name') and severity (columns)."""
    ordered = findings.sort_values(["rule_rank", "rule_id"])
    labels = ordered["rule_id"] + " " + ordered["rule_name"]
    counts = pd.crosstab(labels, ordered["severity"]).reindex(columns=list(SEVERITY_ZH), fill_value=0)
    return counts.reindex(list(dict.fromkeys(labels)))


def numbered_records(bundle: UnitBundle, frame: pd.DataFrame) -> list[dict]:
    """``frame`` (findings of ``bundle``) as records in catalogue order (rule rank, then rule id;
    the audit's order within a rule), each with its short number (``问题12``) as ``number``,
    counted over all the unit's findings (those set aside too, so that setting one aside moves no number)."""
    every = bundle.all_findings
    numbers = dict(zip(every["finding_id"].tolist(), finding_numbers(every, every["rule_rank"]).tolist()))
    ordered = sorted(records(frame), key=lambda f: (missing_last(f["rule_rank"]), missing_last(f["rule_id"])))
    return [{**finding, "number": numbers.get(finding["finding_id"])} for finding in ordered]


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts with None for missing values (plain Python is faster than pandas at this size;
    one conversion of the whole frame, as ``to_dict("records")`` boxes nullable values one by one)."""
    names = list(frame.columns)
    return [dict(zip(names, row)) for row in frame.to_numpy(dtype=object, na_value=None).tolist()]


def grouped(rows: list[dict], key: str) -> dict[object, list[dict]]:
    """Rows grouped by ``key``, groups and their members in the order given."""
    groups: dict[object, list[dict]] = {}
    for record in rows:
        groups.setdefault(record[key], []).append(record)
    return groups
