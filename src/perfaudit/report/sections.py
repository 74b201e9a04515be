"""The report's content, in Chinese: one function per section, each turning a bundle into markup.

Every piece of text goes through ``markup`` (the one escaping point); nothing here writes a tag
by string concatenation. Sections appear in the order a reviewer reads them: cover, summary with
the 审核结论, charts (units of more than two projects), findings (共性问题 once, then what is
specific to each project), the appendix of parsed projects (in the formats ``[report] appendix``
names) and last the 技术附注 (fingerprints, data quality). Everything shown is sorted explicitly, so the same bundle always gives the same
bytes.
"""

from __future__ import annotations

import base64

import pandas as pd

from ..audit.conclusion import ACTIONS
from ..audit.grade import largest_deductions, project_points
from ..audit.registry import CONTEXT, CRITERION_ZH
from ..review.model import STATUS_LABELS, status_label
from ..taxonomy import BENEFIT, COST, OUTPUT, SATISFACTION
from ..validate.result import ExpectationOutcome, ValidationResult
from . import charts
from .bundle import UnitBundle
from .markup import Content, Element, definition_table, element, group, lines, table, void

REPORT_TITLE = "项目支出绩效目标审核报告"
MISSING = "—"
FUNDING_SOURCES = {"fiscal_funds": "财政拨款", "special_funds": "财政专户拨款", "other_funds": "其他资金"}
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
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
# A unit report is OUT/units/<unit_id>/report.html, the index that `perfaudit run` writes OUT/index.html.
INDEX_LINK = "../../index.html"
# Marks what exists only on screen (table of contents, back link): the PDF and print CSS leave it out.
SCREEN_ONLY = "screen-only"


# ---------------------------------------------------------------- formatting helpers

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


def section(title: str, *body: Content, anchor: str) -> Element:
    """A top-level report section: its h1 is a PDF bookmark and starts a new printed page."""
    return element("section", element("h1", title), *body, cls="report-section", id=anchor)


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
    return element("span", SEVERITY_LABELS.get(severity, severity), cls=f"sev sev-{severity}")


def project_label(seq: object, name: object) -> str:
    return f"{int(seq)}. {name}"


def _projects(bundle: UnitBundle) -> pd.DataFrame:
    return bundle.dataset.projects.sort_values("seq").reset_index(drop=True)


def _indicators(bundle: UnitBundle) -> pd.DataFrame:
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


# ---------------------------------------------------------------- cover

# How a budget year that the document does not state was found (documents.budget_year_source).
_INFERRED_YEAR = {"file_name": "推断：取自文件名", "text": "推断：文中出现最多的年份"}


def budget_year_text(year: object, documents: pd.DataFrame) -> str:
    """``2024年``, marked as inferred where the document does not state it."""
    if pd.isna(year):
        return MISSING
    how = [_INFERRED_YEAR[s] for s in documents["budget_year_source"].dropna() if s in _INFERRED_YEAR]
    return f"{int(year)}年" + (f"（{how[0]}）" if how else "")


def _known(value: object, *unlike: str) -> str | None:
    """A cover fact worth showing: stated, and not a repetition of the unit's name."""
    if pd.isna(value) or not str(value).strip():
        return None
    text = str(value).strip()
    bare = {name.removesuffix("（本级）").removesuffix("(本级)").removesuffix("本级") for name in unlike}
    return None if text in unlike or text in bare else text


def table_of_contents(bundle: UnitBundle) -> Element:
    """Links to the sections and to each project's findings (on screen only)."""
    projects = _records(_projects(bundle))
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
                      signed=(bundle.review or {}).get("signoff"), settings=settings, contents=table_of_contents(bundle))


def cover_page(kicker: str, name: str, facts: list[tuple[str, Content]], remark: str, *, signed: dict | None,
               settings: dict, contents: Element | None = None) -> Element:
    """A report's first page: the link back to the index (on screen), its kind, the unit's (or
    department's) name, the facts, the sign-off block and, on screen, a table of contents."""
    return element(
        "section",
        element("p", element("a", "← 返回单位汇总", href=INDEX_LINK), cls=f"back-link {SCREEN_ONLY}"),
        element("p", kicker, cls="cover-kicker"),
        element("h1", name, cls="unit-name"),
        definition_table(facts, cls="facts cover-facts"),
        *signoff(signed, settings),
        note(remark),
        contents,
        cls="cover",
        id="cover",
    )


# ---------------------------------------------------------------- summary

def _funding_table(bundle: UnitBundle) -> Element:
    projects = bundle.dataset.projects
    declared = bundle.dataset.declared_totals
    declared_unit = declared[declared["scope"] == "unit"]
    header = ["资金", "各项目合计"] + (["文件所列合计"] if not declared_unit.empty else [])
    rows = []
    for column, label in {"budget_total": "预算总额", **FUNDING_SOURCES}.items():
        row = [label, amount(projects[column].sum(min_count=1))]
        if not declared_unit.empty:
            row.append(amount(declared_unit[column].iloc[0]))
        rows.append(row)
    return table(header, rows, widths=["40%", "30%", "30%"][: len(header)], numeric=(1, 2))


def _severity_counts(findings: pd.DataFrame) -> dict[str, int]:
    counts = findings["severity"].value_counts()
    return {severity: int(counts.get(severity, 0)) for severity in SEVERITY_LABELS}


def projects_worst_first(bundle: UnitBundle) -> list[dict]:
    """Projects worst first: by review result (差, 中, 良, 优), then errors, warnings,
    then their order; each with its ``conclusion`` and its ``findings``."""
    conclusions = bundle.grade.get("project_conclusions", {})
    findings = bundle.findings
    projects = []
    for project in bundle.dataset.projects.sort_values("seq").to_dict("records"):
        own = findings[findings["project_id"] == project["project_id"]]
        conclusion = conclusions.get(project["project_id"])
        rank = ACTIONS[::-1].index(conclusion["action"]) if conclusion else len(ACTIONS)
        counts = [int((own["severity"] == s).sum()) for s in ("error", "warning")]
        projects.append({**project, "conclusion": conclusion, "findings": own, "_key": (rank, -counts[0], -counts[1], project["seq"])})
    return sorted(projects, key=lambda p: p["_key"])


def _main_problem(findings: pd.DataFrame) -> str:
    """A project's main problem in one line: its most severe finding's rule (and how many more)."""
    if findings.empty:
        return "未发现问题"
    ordered = findings.assign(_order=findings["severity"].map({"error": 0, "warning": 1, "info": 2}))
    first = ordered.sort_values(["_order", "rule_rank"], kind="stable").iloc[0]
    more = len(findings) - 1
    return f"{first['rule_name']}" + (f"等 {len(findings)} 项" if more else "")


def conclusion_block(bundle: UnitBundle) -> Element:
    """审核结论: the suggested action and why, the grade's largest deductions, every error by
    name, and the projects worst first — what a reviewer acts on, before the details."""
    grade, findings = bundle.grade, bundle.findings
    conclusion = grade["conclusion"]
    errors = findings[findings["severity"] == "error"].sort_values("rule_rank", kind="stable")
    projects = projects_worst_first(bundle)
    rows = [
        [p["project_name"], amount(p["budget_total"]),
         " / ".join(str(int((p["findings"]["severity"] == s).sum())) for s in SEVERITY_LABELS),
         p["conclusion"]["label"] if p["conclusion"] else MISSING, _main_problem(p["findings"])]
        for p in projects
    ]
    error_items = [
        element("li", element("strong", row["rule_name"]), "（", text_or_missing(row["project_name"]) if not pd.isna(row["project_name"]) else "单位整体", "）：", row["message"])
        for row in errors.to_dict("records")
    ]
    return element(
        "div",
        element("h2", "审核结论（机器建议）"),
        element("p", element("span", conclusion["action"], cls="grade-letter"),
                f"审核结果为“{conclusion['action']}”：{conclusion['consequence']}（财预〔2015〕88号第二十五条）。", conclusion["reason"]),
        element("p", f"建议等级 {grade['grade']}（{grade['score']:.2f} 分）；扣分最多的三项：", "；".join(
            f"{d['label']}（扣 {d['points']:.2f} 分）" for d in largest_deductions(grade)) or "无"),
        element("h3", f"错误（{len(errors)} 项）"),
        element("ul", error_items) if error_items else element("p", "无错误。"),
        element("h3", "各项目（问题多者在前）"),
        table(["项目", "预算（万元）", "错误 / 警告 / 提示", "审核结果", "主要问题"], rows,
              widths=["30%", "11%", "13%", "18%", "28%"], numeric=(1,)),
        cls="conclusion",
    )


def review_state(bundle: UnitBundle) -> str:
    """How far the reviewer got: findings by review state, stale dispositions, sign-off."""
    review, every = bundle.review or {}, bundle.all_findings
    status = every["review_status"] if "review_status" in every else pd.Series(None, index=every.index, dtype=object)
    counts = [(status_label(None), int(status.isna().sum()))]
    counts += [(label, int((status == key).sum())) for key, label in STATUS_LABELS.items()]
    text = "，".join(f"{label} {n} 条" for label, n in counts)
    if review.get("stale"):
        text += f"；失效意见 {len(review['stale'])} 条"
    signed = review.get("signoff")
    return text + (f"；{signed['reviewer']} 于 {signed['date']} 签署" if signed else "；未签署")


def summary(bundle: UnitBundle) -> Element:
    projects, indicators, findings = bundle.dataset.projects, bundle.dataset.indicators, bundle.findings
    counts = _severity_counts(findings)
    overview = [
        ("项目数", f"{len(projects)} 个"),
        ("绩效指标数", f"{len(indicators)} 个（平均每个项目 {len(indicators) / max(len(projects), 1):.1f} 个）"),
        ("涉密项目", f"{int(projects['confidential'].fillna(False).sum())} 个"),
        ("审核发现", f"共 {len(findings)} 条：" + "，".join(f"{SEVERITY_LABELS[s]} {n} 条" for s, n in counts.items())),
        ("数据质量校验", _validation_status(ValidationResult.from_dict(bundle.validation))),
        ("审核意见", review_state(bundle)),
    ]
    return section(
        section_title(bundle, "summary"),
        conclusion_block(bundle),
        element("h2", "基本情况"),
        definition_table(overview),
        element("h2", "预算总额与资金来源（万元）"),
        _funding_table(bundle),
        grade_block(bundle.grade),
        anchor="summary",
    )


def grade_block(grade: dict) -> Element:
    """The machine-suggested grade, its score and the breakdown by review criterion."""
    rows = [
        [item["label"], f"{item['weight']:g}", str(item["findings"]),
         " / ".join(str(item[s]) for s in SEVERITY_LABELS), f"{item['penalty']:g}", f"{item['score']:.2f}"]
        for item in grade["breakdown"]
    ]
    scored = sum(item["findings"] for item in grade["breakdown"])
    if grade["findings"] > scored:  # context (X01) is reported but not scored: listed, so the total adds up
        rows.append([CRITERION_ZH[CONTEXT] + "（不计分）", MISSING, str(grade["findings"] - scored), "", "", MISSING])
    rows.append(["合计", f"{sum(item['weight'] for item in grade['breakdown']):g}",
                 str(grade["findings"]), "", "", f"{grade['score']:.2f}"])
    return element(
        "div",
        element("h2", "建议等级（机器建议）"),
        element("p", element("span", grade["grade"], cls="grade-letter"), f"综合得分 {grade['score']:.2f} 分（满分 100，计分方法见技术附注）"),
        element("p", "扣分最多的三项：", "；".join(
            f"{d['label']}（{d['findings']} 条，扣 {d['points']:.2f} 分）" for d in largest_deductions(grade)
        ) or "无"),
        element("p", grade["cap"]["reason_zh"]) if grade.get("cap") else None,
        table(["审核要点", "权重", "发现数", "错误 / 警告 / 提示", "平均扣分", "得分"], rows,
              widths=["18%", "12%", "14%", "20%", "16%", "20%"], numeric=(1, 2, 4, 5)),
        cls="grade",
    )


# ---------------------------------------------------------------- charts

# Indicator categories of the overview chart: level 1, with 成本 counted apart (a level-2 成本指标
# under 产出 in the 2015 scheme, level 1 in the 2021 scheme).
INDICATOR_CATEGORIES = {"产出": OUTPUT, "效益": BENEFIT, "满意度": SATISFACTION, "成本": COST}


def category_counts(projects: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Indicators per project (rows, in ``projects`` order) and category (columns, ``INDICATOR_CATEGORIES``)."""
    cost = (indicators["level1"] == COST) | (indicators["level2"] == "成本指标")
    category = indicators["level1"].where(~cost, COST).map({v: k for k, v in INDICATOR_CATEGORIES.items()})
    counts = pd.crosstab(indicators["project_id"], category)
    return counts.reindex(index=projects["project_id"], columns=list(INDICATOR_CATEGORIES), fill_value=0)


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
    counts = pd.crosstab(labels, ordered["severity"]).reindex(columns=list(SEVERITY_LABELS), fill_value=0)
    return counts.reindex(list(dict.fromkeys(labels)))


def chart_section(bundle: UnitBundle) -> Element | None:
    """One chart that answers where each project falls short: its indicator categories and the
    points it loses per review criterion. None for a unit of one or two projects (a table says it)."""
    if not shows_charts(bundle):
        return None
    projects = _projects(bundle)
    labels = [project_label(s, n) for s, n in zip(projects["seq"], projects["project_name"])]
    points = project_points(bundle.findings, bundle.grade["config"]).reindex(projects["project_id"], fill_value=0.0)
    chart = charts.project_overview(labels, category_counts(projects, bundle.dataset.indicators), points.round(2))
    return section(
        section_title(bundle, "charts"),
        figure(charts.svg(chart), "图1 各项目的指标类别（左：指标个数，“缺”为未设置）与各审核要点扣分（右：该项目的发现所扣分数，未按项目数平均）"),
        anchor="charts",
    )


# ---------------------------------------------------------------- findings

def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts with None for missing values (plain Python is faster than pandas at this size)."""
    return [{key: None if pd.isna(value) else value for key, value in row.items()} for row in frame.to_dict("records")]


def _grouped(records: list[dict], key: str) -> dict[object, list[dict]]:
    """Records grouped by ``key``, groups and their members in the order given."""
    groups: dict[object, list[dict]] = {}
    for record in records:
        groups.setdefault(record[key], []).append(record)
    return groups


def _finding_entry(group: list[dict], locate: Locator) -> list[Content]:
    """One table row for a rule's findings in one project: the same rule repeating collapses into
    one entry that lists its indicators and every piece of evidence with its line."""
    first = group[0]
    messages = list(dict.fromkeys(finding["message"] for finding in group))
    items = {(f["evidence"], f["source_file"], f["source_ref"], f["message"]): f for f in group}
    evidence = element("ul", [
        element("li", element("span", quote, cls="quote"), " ", element("span", locate(file, line), cls="where"),
                element("div", message, cls="item-message") if len(messages) > 1 else None, review_line(finding))
        for (quote, file, line, message), finding in items.items()
    ], cls="evidence")
    indicators = list(dict.fromkeys(finding["indicator"] for finding in group if finding["indicator"]))
    problem: list[Content] = [element("p", messages[0]) if len(messages) == 1 else None]
    if len(indicators) > 1:
        problem.append(element("p", f"涉及指标（{len(indicators)} 个）：", "、".join(indicators), cls="indicator-list"))
    problem.append(evidence)
    severities = [s for s in SEVERITY_LABELS if any(finding["severity"] == s for finding in group)]
    related = list(dict.fromkeys(r for f in group if f.get("related_rules") for r in f["related_rules"].split(",")))
    return [
        [element("strong", first["rule_id"]), element("div", first["rule_name"]), element("div", first["criterion"], cls="criterion"),
         element("div", "同因：", "、".join(related), cls="criterion") if related else None],
        [severity_badge(s) for s in severities],
        problem,
        [*(element("p", suggestion) for suggestion in dict.fromkeys(f["suggestion"] for f in group)),
         element("p", "依据：", first["basis"], cls="basis") if first["basis"] else None],
    ]


def review_line(finding: dict) -> Element:
    """A finding's id (what the review file and ``perfaudit review`` name it by) and, when a
    reviewer gave them, its status, reason and note."""
    status = finding.get("review_status")
    told = [("审核意见", status_label(status) if status else None), ("理由", finding.get("review_reason")),
            ("备注", finding.get("review_note"))]
    return element("div", element("code", finding["finding_id"], cls="finding-id"),
                   [[" · ", f"{label}：", element("strong", text) if label == "审核意见" else text] for label, text in told if text],
                   cls="review")


def review_block(bundle: UnitBundle) -> list[Content]:
    """The findings a reviewer set aside (排除, 已整改: they count in neither grade nor conclusion)
    and the stale dispositions (their finding is gone), each with its reason and note."""
    review, aside, locate = bundle.review or {}, bundle.set_aside, Locator(bundle)
    parts: list[Content] = []
    if aside is not None and not aside.empty:
        rows = [
            [[element("strong", f["rule_id"]), element("div", f["rule_name"])],
             f["project_name"] or UNIT_LEVEL,
             [element("span", f["evidence"], cls="quote"), " ",
              element("span", locate(f["source_file"], f["source_ref"]), cls="where"), element("div", f["message"])],
             review_line(f)]
            for f in _records(aside.sort_values(["rule_rank", "rule_id"], kind="stable"))
        ]
        parts += [element("h2", f"已排除和已整改的发现（{len(rows)} 条，不计入评级和审核结论）"),
                  table(["规则", "项目", "问题及原文证据", "审核意见"], rows, widths=["15%", "20%", "40%", "25%"], cls="findings")]
    stale = review.get("stale") or []
    if stale:
        rows = [[element("code", d["finding_id"]), status_label(d["status"]) if d["status"] else MISSING,
                 text_or_missing(d["reason"]), text_or_missing(d["note"])] for d in stale]
        parts += [element("h2", f"失效的审核意见（{len(rows)} 条）"),
                  note(f"审核意见文件 {review['file']} 中以下意见对应的发现在本次审核中已不存在（源文件或审核规则已变化）；"
                       "意见保留在文件中，请核对后修改或删除。"),
                  table(["发现编号", "审核意见", "理由", "备注"], rows, widths=["20%", "14%", "33%", "33%"])]
    return parts


def _findings_table(findings: list[dict], locate: Locator) -> Element:
    rows = [_finding_entry(group, locate) for group in _grouped(findings, "rule_id").values()]
    return table(["规则", "级别", "问题及原文证据", "整改建议"], rows, widths=["15%", "8%", "49%", "28%"], cls="findings")


def _common_problem(problem: dict, findings: list[dict], labels: dict, total: int, locate: Locator) -> Element:
    """A problem shared by most projects, stated once: the projects it hits, each with its place,
    and its evidence and message where they say more than the project's name."""
    messages = set(f["message"] for f in findings)
    items, short = [], True  # short items (a project and its line) are set in two columns
    for project_id in problem["project_ids"]:
        own = [f for f in findings if f["project_id"] == project_id]
        details = []
        for f in own:
            quote = f["evidence"] if f["evidence"] not in (f["project_name"], None) else None
            details.append([
                "：" if quote or len(messages) > 1 else None,
                element("span", quote, cls="quote") if quote else None,
                "——" if quote and len(messages) > 1 else None,
                f["message"] if len(messages) > 1 else None,
                element("span", f"（{locate(f['source_file'], f['source_ref'])}）", cls="where"),
                element("span", " ", review_line(f).children, cls="review"),  # inline: the lists stay short
            ])
            short = short and not quote and len(messages) == 1
        items.append(element("li", labels[project_id], details))
    severities = [s for s in SEVERITY_LABELS if any(f["severity"] == s for f in findings)]
    count = len(problem["project_ids"])
    return element(
        "article",
        element("h3", f"{problem['rule_id']} {problem['rule_name']}（{count} 个项目）"),
        element("p", [severity_badge(s) for s in severities], " ",
                f"{total} 个项目中有 {count} 个：" if count < total else f"全部 {count} 个项目：",
                next(iter(messages)) if len(messages) == 1 else "各项目的情况如下。"),
        element("ul", items, cls="evidence common-projects" + (" two-columns" if short else "")),
        element("p", "整改建议：", problem["suggestion"]),
        element("p", "依据：", findings[0]["basis"], cls="basis") if findings[0]["basis"] else None,
        cls="common",
    )


def findings_section(bundle: UnitBundle) -> Element:
    findings, locate = bundle.findings, Locator(bundle)
    title = section_title(bundle, "findings")
    if findings.empty:
        return section(title, note("未发现问题。"), *review_block(bundle), anchor="findings")
    projects = _records(_projects(bundle))
    labels = {p["project_id"]: project_label(p["seq"], p["project_name"]) for p in projects}
    common = bundle.grade.get("common_problems", [])
    in_common = {finding_id for problem in common for finding_id in problem["finding_ids"]}
    # Catalogue order within a project; the audit's order (by line) within a rule.
    ordered = _records(findings.sort_values(["rule_rank", "rule_id"], kind="stable"))
    parts: list[Content] = [note(
        f"共 {len(findings)} 条发现。出现在半数以上项目中的问题作为共性问题集中说明一次；各项目只列其特有的问题，"
        "同一规则的多条发现合并为一项，列出涉及的指标及每条原文证据。原文证据照录源文件文字，行号指源文件中的行。"
        "每条证据后为发现编号（审核意见文件按此编号记录）及审核意见；未注明审核意见的为待审核。")]
    if common:
        by_finding = {f["finding_id"]: f for f in ordered}
        parts.append(element(
            "div", element("h2", f"共性问题（{len(common)} 项）"),
            [_common_problem(problem, [by_finding[i] for i in problem["finding_ids"]], labels, len(projects), locate)
             for problem in common],
            cls="common-problems", id="common-problems"))
    by_project = _grouped([f for f in ordered if f["finding_id"] not in in_common], "project_id")
    if None in by_project:
        parts.append(element("article", element("h2", UNIT_LEVEL), _findings_table(by_project[None], locate), cls="project"))
    for project in projects:
        own = by_project.get(project["project_id"])
        shared = [p["rule_id"] for p in common if project["project_id"] in p["project_ids"]]
        parts.append(element(
            "article",
            element("h2", labels[project["project_id"]]),
            _findings_table(own, locate) if own else
            note(f"除共性问题（{'、'.join(shared)}）外未发现问题。" if shared else "未发现问题。"),
            cls="project",
            id=f"project-{int(project['seq'])}",
        ))
    return section(title, *parts, *review_block(bundle), anchor="findings")


# ---------------------------------------------------------------- technical notes

def _validation_status(result: ValidationResult) -> str:
    return {"passed": "全部通过", "failed": "有未通过的检查", "error": "部分检查无法执行"}[result.status]


def _offending_table(outcome: ExpectationOutcome, bundle: UnitBundle, locate: Locator, limit: int) -> Element:
    projects = bundle.dataset.projects.set_index("project_id")
    rows = []
    for row in outcome.offending[:limit]:
        project = projects.loc[row.project_id] if row.project_id in projects.index else None
        rows.append([
            locate(row.source_file, row.line),
            project_label(project["seq"], project["project_name"]) if project is not None else MISSING,
            MISSING if row.seq is None or project is None or outcome.table != "indicators" else f"第{row.seq}个指标",
            observed_text(row.observed),
        ])
    more = len(outcome.offending) - limit
    return element("div",
                   table(["出处", "项目", "位置", "检查值"], rows, widths=["16%", "40%", "14%", "30%"]),
                   note(f"另有 {more} 行未列出（完整结果见数据包 validation.json）。") if more > 0 else None)


def _provenance_facts(bundle: UnitBundle) -> list[tuple[str, Content]]:
    meta = bundle.meta
    fingerprints = meta["fingerprints"]
    return [
        ("源文件及 SHA-256", [element("div", element("span", source["file"], cls="file"), element("code", source["sha256"]))
                           for source in meta["sources"]]),
        ("软件版本", f"perfaudit {meta['perfaudit_version']}"),
        ("输入指纹", element("code", fingerprints["input"])),
        ("审核配置指纹", element("code", fingerprints["rules"])),
        ("数据校验规则集指纹", element("code", fingerprints["suites"])),
        ("报告数据指纹", element("code", fingerprints["bundle"])),
    ]


def technical_notes(bundle: UnitBundle) -> Element:
    """What a technician checks, out of the reviewer's way: what the report was made from, how the
    grade is computed, and the data-quality checks (Great Expectations) of the parsed tables."""
    result = ValidationResult.from_dict(bundle.validation)
    locate, limit = Locator(bundle), bundle.report_settings["max_offending_rows"]
    overview_rows = []
    for suite in result.tables:
        failed, errored = len(suite.failed), len(suite.errored)
        overview_rows.append([
            TABLE_LABELS.get(suite.table, suite.table), str(len(suite.outcomes)),
            str(len(suite.outcomes) - failed - errored), str(failed), str(errored) if suite.error is None else "整套",
        ])
    parts: list[Content] = [
        element("h2", "报告来源"),
        definition_table(_provenance_facts(bundle), cls="facts cover-facts"),
        element("h2", "计分方法"),
        element("p", bundle.grade["formula_zh"], cls="machine-mark"),
        element("h2", "数据质量校验"),
        element("p", "校验结论：", element("strong", _validation_status(result)),
                "。解析所得的数据表按规则集逐项检查完整性与一致性；逐行检查只列本单位的行，表级检查（列、行数）针对同批处理的全部文件；"
                "完整结果见数据包 validation.json。", cls="note"),
        table(["数据表", "检查项", "通过", "未通过", "无法执行"], overview_rows,
              widths=["28%", "18%", "18%", "18%", "18%"], numeric=(1, 2, 3, 4)),
    ]
    problems: list[Content] = [
        element("article", element("h3", TABLE_LABELS.get(suite.table, suite.table), "：整套规则无法执行"),
                element("p", suite.error), cls="check")
        for suite in result.tables if suite.error is not None
    ]
    for outcome in result.outcomes():
        if outcome.success:
            continue
        if outcome.error is not None:
            detail = element("p", "无法执行：", outcome.error)
        elif outcome.row_level:
            detail = _offending_table(outcome, bundle, locate, limit)
        else:
            detail = element("p", "检查值：", observed_text(outcome.observed))
        problems.append(element("article", element("h3", outcome.description_zh,
                                                   element("span", f"（{outcome.id}）", cls="check-id")), detail, cls="check"))
    if problems:
        parts += [element("h3", "未通过的检查"), *problems]
    return section(TECHNICAL_NOTES, *parts, anchor="technical-notes")


# ---------------------------------------------------------------- appendix

def _indicator_table(indicators: list[dict], locate: Locator) -> Element:
    """A project's indicators as parsed; columns that none of them fills are left out."""
    two_values = any(row["target_period"] is not None for row in indicators)
    columns = {
        "level1": ("一级指标", 11), "level2": ("二级指标", 13), "level3": ("三级指标", 19),
        "description": ("指标描述", 19), "previous_value": ("上年实际值", 12), "target_period": ("实施周期指标值", 15),
        "target_annual": ("年度指标值" if two_values else "指标值", 15),
        "basis": ("指标值确定依据", 11), "value_ref": ("出处", 10),
    }
    shown = [column for column in columns if any(row[column] is not None for row in indicators)]
    total = sum(columns[column][1] for column in shown)
    rows = [[locate(row["source_file"], row["value_ref"]) if column == "value_ref" else text_or_missing(row[column])
             for column in shown] for row in indicators]
    return table([columns[c][0] for c in shown], rows,
                 widths=[f"{columns[c][1] * 100 / total:.1f}%" for c in shown], cls="indicators")


def _project_facts(project: dict, locate: Locator) -> list[tuple[str, Content]]:
    money = "；".join(f"{label} {amount(project[column])}" for column, label in FUNDING_SOURCES.items()
                     if project[column] is not None)
    facts: list[tuple[str, Content]] = []
    if project["project_code"] is not None:
        facts.append(("项目编码", project["project_code"]))
    facts.append(("预算数（万元）", amount(project["budget_total"]) + (f"（{money}）" if money else "")))
    if project["fund_use"] is not None:
        facts.append(("资金用途", project["fund_use"]))
    if any(project[column] is not None for column in PLAN_LABELS):
        facts.append(("资金支出计划（累计）", "；".join(f"{label} {percent(project[c])}" for c, label in PLAN_LABELS.items())))
    facts.append(("绩效目标", lines(text_or_missing(project["goal"]))))
    if project["confidential"]:
        facts.append(("涉密情况", "涉密项目（内容不予公开）"))
    facts.append(("出处", locate(project["source_file"], project["source_ref"])))
    return facts


# the 申报表's own facts (88号 中期 beside 年度; funding by source; 101号 attributes)
_DECLARATION_MONEY = {"资金总额": ("period_budget_total", "budget_total"), "其中：财政拨款": ("period_fiscal_funds", "fiscal_funds"),
                      "其他资金": ("period_other_funds", "other_funds")}
_SOURCE_LABELS = {"general_budget_funds": "一般公共预算", "government_fund_funds": "政府性基金预算",
                  "state_capital_funds": "国有资本经营预算", "institution_income": "事业收入", "higher_level_funds": "上级资金"}
_ATTRIBUTE_COLUMNS = {"level3": "三级指标", "nature": "指标性质", "direction": "指标方向", "measure_unit": "度量单位",
                      "weight": "分值/权重", "target_annual": "指标值", "scoring_rule": "评（扣）分标准"}


def declaration_block(project: dict, indicators: list[dict]) -> Element | None:
    """What a 申报表 states beyond the common facts: its 中期 money and goal beside the annual
    ones, 项目属性 and 项目期, the money by source, and the indicators' 101号 attributes with their
    分值 total; None when the project's layout has none of them."""
    parts: list[Content] = []
    if project["period_budget_total"] is not None or project["period_goal"] is not None:
        rows = [[label, amount(project[period]), amount(project[annual])] for label, (period, annual) in _DECLARATION_MONEY.items()
                if project[period] is not None or project[annual] is not None]
        rows.append(["绩效目标", lines(text_or_missing(project["period_goal"])), lines(text_or_missing(project["goal"]))])
        parts += [element("h3", "中期与年度"),
                  table(["", "中期（实施期）", "年度"], rows, widths=["16%", "42%", "42%"], cls="declaration")]
    span = "—".join(str(project[c]) for c in ("start", "end") if project[c] is not None)
    sources = "；".join(f"{label} {amount(project[c])}" for c, label in _SOURCE_LABELS.items() if project[c] is not None)
    facts = [(label, value) for label, value in (("项目属性", project["project_type"]), ("项目期", span or None),
                                                 ("资金来源（万元）", sources or None)) if value]
    if facts:
        parts.append(definition_table(facts))
    attributed = [row for row in indicators if any(row[c] is not None for c in ("nature", "direction", "weight", "scoring_rule"))]
    if attributed:
        shown = [c for c in _ATTRIBUTE_COLUMNS if any(row[c] is not None for row in attributed)]
        rows = [[f"{row[c]:g}" if c == "weight" and row[c] is not None else text_or_missing(row[c]) for c in shown]
                for row in attributed]
        weights = [row["weight"] for row in attributed if row["weight"] is not None]
        if weights:
            rows.append(["分值合计" if c == "level3" else f"{sum(weights):g}" if c == "weight" else "" for c in shown])
        parts += [element("h3", "指标性质与分值"), table([_ATTRIBUTE_COLUMNS[c] for c in shown], rows, cls="indicators")]
    return group(parts) if parts else None


def appendix(bundle: UnitBundle) -> Element:
    by_project, locate = _grouped(_records(_indicators(bundle)), "project_id"), Locator(bundle)
    parts: list[Content] = [note("以下为从源文件解析得到的全部项目及其绩效指标，按源文件顺序排列，文字照录源文件。")]
    for project in _records(_projects(bundle)):
        own = by_project.get(project["project_id"])
        parts.append(element(
            "article",
            element("h2", project_label(project["seq"], project["project_name"])),
            definition_table(_project_facts(project, locate)),
            declaration_block(project, own or []),
            _indicator_table(own, locate) if own else note("该项目未列出绩效指标。"),
            cls="project",
        ))
    return section(APPENDIX, *parts, anchor="appendix")


# ---------------------------------------------------------------- 部门整体 (layout N4)

def department_targets(bundle: UnitBundle) -> Element | None:
    """The unit's 部门整体 goals, tasks (with the document's 金额合计) and own indicators, as
    parsed; None for a unit without any (every layout but N4)."""
    parts = department_target_parts(bundle)
    return section("部门整体绩效目标", *parts, anchor="department") if parts is not None else None


def department_target_parts(bundle: UnitBundle) -> list[Content] | None:
    """What ``department_targets`` shows (the department report shows it per unit); None without any."""
    targets = _records(bundle.dataset.unit_targets.sort_values("target_id"))
    indicators = bundle.dataset.indicators
    own = _records(indicators[indicators["scope"].eq("unit").fillna(False).astype(bool)].sort_values("seq"))
    if not targets and not own:
        return None
    locate = Locator(bundle)
    parts: list[Content] = [note("以下为部门整体支出绩效目标申报表中的年度总体目标、年度主要任务及部门整体绩效指标，文字照录源文件。")]
    goals = [row for row in targets if row["kind"] == "goal"]
    if goals:
        parts.append(element("h2", "年度总体目标"))
        parts += [definition_table([("总体目标", lines(text_or_missing(row["text"]))),
                                    ("出处", locate(row["source_file"], row["source_ref"]))]) for row in goals]
    tasks = [row for row in targets if row["kind"] == "task"]
    if tasks:
        money = ("budget_total", "fiscal_funds", "other_funds")
        rows = [[text_or_missing(row["name"]), text_or_missing(row["text"]), *(amount(row[c]) for c in money),
                 locate(row["source_file"], row["source_ref"])] for row in tasks]
        declared = bundle.dataset.declared_totals
        for total in _records(declared[declared["scope"].eq("tasks").fillna(False).astype(bool)]):
            rows.append(["金额合计", "", *(amount(total[c]) for c in money), locate(total["source_file"], total["source_ref"])])
        parts += [element("h2", "年度主要任务"),
                  table(["任务名称", "主要内容", "总额（万元）", "财政拨款", "其他资金", "出处"], rows,
                        widths=["16%", "38%", "11%", "11%", "11%", "13%"], cls="tasks", numeric=(2, 3, 4))]
    parts += [element("h2", "部门整体绩效指标"),
              _indicator_table(own, locate) if own else note("申报表未列出部门整体绩效指标。")]
    return parts
