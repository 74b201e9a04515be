"""The 技术附注 of a unit report: what it was made from (sources, fingerprints), how the grade is
computed, and the data-quality checks of the parsed tables."""

from __future__ import annotations

from ...bundle import UnitBundle
from ...validation import ExpectationOutcome, ValidationResult
from ..markup import Content, Element, definition_table, element, table
from .format import MISSING, TABLE_LABELS, TECHNICAL_NOTES, Locator, note, observed_text, project_label, section


def validation_status(result: ValidationResult) -> str:
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
        element("p", "校验结论：", element("strong", validation_status(result)),
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
