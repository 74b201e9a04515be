"""The cover of a report: its kind, the unit's (or department's) name and facts, the sign-off
block and, on screen, the link back to the index and a table of contents."""

from __future__ import annotations

import pandas as pd

from ...bundle import UnitBundle
from ...outdir import index_link_from_report
from ..markup import Content, Element, definition_table, element
from .summary import conclusion_block
from .format import (
    APPENDIX, REPORT_TITLE, SCREEN_ONLY, TECHNICAL_NOTES, projects_in_order, records, budget_year_text, note, project_label,
    section_title, shows_charts,
)


def _known(value: object, *unlike: str) -> str | None:
    """A cover fact worth showing: stated, and not a repetition of the unit's name."""
    if pd.isna(value) or not str(value).strip():
        return None
    text = str(value).strip()
    bare = {name.removesuffix("（本级）").removesuffix("(本级)").removesuffix("本级") for name in unlike}
    return None if text in unlike or text in bare else text


def table_of_contents(bundle: UnitBundle) -> Element:
    """Links to the sections and to each project's findings (on screen only)."""
    projects = records(projects_in_order(bundle))
    entries = [("summary", section_title(bundle, "summary"))]
    if shows_charts(bundle):
        entries.append(("charts", section_title(bundle, "charts")))
    entries.append(("findings", section_title(bundle, "findings")))
    items = [element("li", element("a", title, href=f"#{anchor}")) for anchor, title in entries]
    findings_items = [element("li", element("a", "共性问题", href="#common-problems"))] if bundle.grade.get("common_problems") else []
    findings_items += [element("li", element("a", project_label(p["seq"], p["project_name"]), href=f"#project-{int(p['seq'])}"))
                       for p in projects]
    items[-1] = element("li", element("a", entries[-1][1], href="#findings"), element("ul", findings_items))
    if "html" in bundle.report_settings["appendix"]:
        items.append(element("li", element("a", APPENDIX, href="#appendix")))
    items.append(element("li", element("a", TECHNICAL_NOTES, href="#technical-notes")))
    return element("div", element("h2", "目录"), element("ul", items), cls=f"toc {SCREEN_ONLY}")


def signoff(signed: dict | None, settings: dict) -> list[Element]:
    """The sign-off block of a cover: 审核单位, 审核人, 复核人, 审核日期 — as configured, or as a
    review file signed (``signed``: its ``signoff`` table)."""
    signed = signed or {}
    values = (("审核单位（盖章）", settings["reviewing_unit"]), ("审核人", signed.get("reviewer", "")), ("复核人", ""),
              ("审核日期", signed.get("date", "") or settings["review_date"]))
    rows = [element("tr", element("th", role), element("td", value, cls="sign")) for role, value in values]
    return [element("h2", "审核签署", cls="signoff-title"), element("table", element("tbody", rows), cls="signoff")]


def cover(bundle: UnitBundle) -> Element:
    unit = bundle.dataset.units.iloc[0]
    settings = bundle.report_settings
    name = str(unit["unit_name"])
    facts: list[tuple[str, Content]] = [("被审核单位", name)]
    for label, column in (("单位编码", "unit_code"), ("主管部门", "department")):
        known = _known(unit[column], name)
        if known:
            facts.append((label, known))
    facts += [
        ("预算年度", budget_year_text(unit["budget_year"], bundle.dataset.documents)),
        ("项目数", f"{len(bundle.dataset.projects)} 个"),
        ("源文件", [element("div", source["file"], cls="file") for source in bundle.meta["sources"]]),
    ]
    return cover_page(REPORT_TITLE, name, facts,
                      "本报告由 perfaudit 依据上列源文件自动生成，相同的源文件与配置生成相同的报告（源文件的 SHA-256 "
                      "及各项指纹见技术附注）。报告中的审核结论与等级为机器建议，须经审核人、复核人核实后签署。",
                      signed=(bundle.review or {}).get("signoff"), settings=settings, contents=table_of_contents(bundle),
                      conclusion=conclusion_block(bundle))


def cover_page(kicker: str, name: str, facts: list[tuple[str, Content]], remark: str, *, signed: dict | None,
               settings: dict, contents: Element | None = None, conclusion: Element | None = None) -> Element:
    """A report's first page: the link back to the index (on screen), its kind, the unit's (or
    department's) name, the facts, the conclusion (what a reviewer acts on: page 1 is never a bare
    cover), the sign-off block and, on screen, a table of contents."""
    return element(
        "section",
        element("p", element("a", "← 返回单位汇总", href=index_link_from_report()), cls=f"back-link {SCREEN_ONLY}"),
        element("p", kicker, cls="cover-kicker"),
        element("h1", name, cls="unit-name"),
        definition_table(facts, cls="facts cover-facts"),
        conclusion,
        *signoff(signed, settings),
        note(remark),
        contents,
        cls="cover",
        id="cover",
    )
