"""The report's layout helpers without a kernel: label wrapping, the overview chart's data, the
appendix setting, and the Typst form that keeps a heading with its table. The rendered reports
are checked in test_report.py."""

from __future__ import annotations

import nbformat
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perfaudit.audit.grade import project_points
from perfaudit.cli import APPENDIX_CHOICES, build_parser
from perfaudit.errors import ConfigError
from perfaudit.report.charts import project_overview, wrap_label
from perfaudit.fonts import report_settings
from perfaudit.report.fragment import Fragment
from perfaudit.report.markup import element, table
from perfaudit.report.render import APPENDIX_TAG, render_html
from perfaudit.report.sections.format import category_counts
from perfaudit.report.typeset import code
from perfaudit.settings import load_settings

pytestmark = pytest.mark.usefixtures("chart_fonts")

GRADE = load_settings().section("audit")["grade"]
NAMES = st.text(alphabet="文联经费项目2024年ABC （）、/-", min_size=1, max_size=60)


@settings(max_examples=300, deadline=None)
@given(NAMES, st.integers(6, 22))
def test_a_wrapped_label_keeps_every_character_and_never_leaves_one_alone(name, width):
    wrapped = wrap_label(name, width)
    assert "".join(wrapped.split()) == "".join(name.split())  # nothing cut, only white space moved
    lines = wrapped.split("\n")
    assert len(lines) == 1 or all(len(line) >= 2 for line in lines)


def test_a_label_breaks_between_words_not_inside_a_number_or_before_closing_punctuation():
    assert wrap_label("广州市文联（本级）机构运行辅助经费", 14) == "广州市文联（本级）\n机构运行辅助经费"
    lines = wrap_label("17. 广州市文联2024年信息化运维项目经费", 10).split("\n")
    assert not any(line.startswith(("）", "、", "024", "24")) for line in lines)
    assert any("2024" in line for line in lines)
    assert "…" not in wrap_label("一" * 80, 14)


@pytest.mark.parametrize("width", range(5, 15))
def test_a_label_keeps_quotes_with_their_text_and_short_brackets_whole(width):
    """Issue 24: ``“中华诗词之乡 / ”2022年复查经费`` and ``预算（万 / 元）`` were broken so."""
    for label in ("6. “中华诗词之乡”2022年复查经费", "《文艺报》订阅费用及相关工作经费", "预算（万元）合计金额总数量",
                  "审核单位（盖章）签署栏目内容"):
        lines = wrap_label(label, width).split("\n")
        assert not any(line[0] in "”’》）" or line[-1] in "“‘《（" for line in lines), lines
        for run in ("（万元）", "（盖章）", "《文艺报》"):
            assert run not in label or any(run in line for line in lines), lines


def test_indicator_categories_count_cost_apart_and_show_what_is_missing():
    projects = pd.DataFrame({"project_id": ["p1", "p2"]})
    indicators = pd.DataFrame({
        "project_id": ["p1", "p1", "p1", "p2"],
        "level1": ["产出指标", "产出指标", "效益指标", "成本指标"],
        "level2": ["数量指标", "成本指标", "社会效益指标", "经济成本指标"],
    })
    counts = category_counts(projects, indicators)
    assert counts.to_dict("index") == {"p1": {"产出": 1, "效益": 1, "满意度": 0, "成本": 1},
                                       "p2": {"产出": 0, "效益": 0, "满意度": 0, "成本": 1}}


def test_the_overview_chart_is_the_same_svg_whatever_was_drawn_before_it():
    """The overview's figure is reused from unit to unit (a kernel draws one per unit): a chart
    drawn again after a taller one with more columns and a shorter one is byte for byte the same."""
    def chart(rows: int, criteria: list[str]) -> str:
        labels = [f"{i + 1}. 项目{'甲乙丙丁' * (i + 1)}（第{i + 1}期）" for i in range(rows)]
        categories = pd.DataFrame([[i % 3, 1, 0, i % 2] for i in range(rows)], columns=["产出", "效益", "满意度", "成本"])
        deductions = pd.DataFrame([[(i + j) / 4 for j in range(len(criteria))] for i in range(rows)], columns=criteria)
        return project_overview(labels, categories, deductions)

    first = chart(4, ["完整性", "相关性"])
    others = [chart(12, ["完整性", "相关性", "适当性", "可行性"]), chart(3, ["完整性"])]
    assert chart(4, ["完整性", "相关性"]) == first
    assert first not in others and "可行性" not in first and "4. 项目" in first
    assert first.count(">缺<") == 8  # a category without indicators: 3 + 1 + 2 + 2 of the 4 rows
    assert ">0<" not in first and ">0.25<" in first  # no points lost: a blank cell


def test_project_points_follow_the_grade_formula_per_project():
    findings = pd.DataFrame({
        "project_id": ["p1", "p1", "p1", "p2", None, "p2"],
        "criterion": ["完整性", "完整性", "相关性", "完整性", "完整性", "背景信息"],
        "severity": ["error", "info", "warning", "info", "error", "info"],
        "rule_id": ["S02", "Q05", "C01", "Q05", "S10", "X01"],
    })
    points = project_points(findings, GRADE)
    assert list(points.columns) == ["完整性", "相关性", "适当性", "可行性"]
    assert points.loc["p1", "完整性"] == GRADE["rule_points"]["S02"] + min(GRADE["points"]["info"], GRADE["info_cap"])
    assert points.loc["p1", "相关性"] == GRADE["points"]["warning"]
    assert points.loc["p2"].sum() == GRADE["points"]["info"]  # X01 costs nothing; the unit-level S10 is no project's


def test_the_appendix_setting_is_checked_and_the_cli_overrides_it():
    assert report_settings(load_settings())["appendix"] == ["html"]
    wrong = load_settings().overridden({"report": {"appendix": ["docx"]}}, "--appendix")
    with pytest.raises(ConfigError, match="docx"):
        report_settings(wrong)
    with pytest.raises(ConfigError, match="unknown setting 'report.appendx'"):
        load_settings().overridden({"report": {"appendx": []}}, "--appendix")
    args = build_parser().parse_args(["run", "--appendix", "both"])
    assert APPENDIX_CHOICES[args.appendix] == ("html", "pdf")
    assert build_parser().parse_args(["run"]).appendix is None


def _notebook(*cells: tuple[str, list[str]]) -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    for text, tags in cells:
        cell = nbformat.v4.new_code_cell("", metadata={"tags": tags})
        bundle = Fragment(element("p", text))._repr_mimebundle_()
        cell.outputs = [nbformat.v4.new_output("display_data", data=bundle)]
        notebook.cells.append(cell)
    return notebook


def test_the_appendix_cell_is_left_out_where_its_format_is_not_named():
    notebook = _notebook(("正文", []), ("附录内容", [APPENDIX_TAG]))
    fonts = {"font_family": "Noto Sans CJK SC", "mono_font_family": "Noto Sans Mono CJK SC"}
    assert "附录内容" in render_html(notebook, title="t", **fonts)
    without = render_html(notebook, title="t", appendix=False, **fonts)
    assert "正文" in without and "附录内容" not in without


def test_a_heading_followed_by_a_table_is_one_typst_call_that_keeps_them_together():
    typst = code(element("div", element("h2", "标题"), table(["a"], [["1"], ["2"]]), element("p", "后文")))
    assert typst.count("pa-table(") == 1 and ', heading: el("h2", "", "标题"))' in typst
    alone = code(element("div", element("h2", "标题"), element("p", "说明"), table(["a"], [["1"]])))
    assert "heading:" not in alone


def test_the_criterion_table_adds_up_with_context_findings_listed_apart():
    from perfaudit.audit.grade import grade_unit
    from perfaudit.report.sections.summary import grade_block

    items = [("完整性", "warning", "S03"), ("相关性", "error", "C01")]
    record = {**grade_unit(items, 2, GRADE), "findings": 3}  # and one X01, not scored
    html = str(grade_block(record))
    assert '<td>背景信息（不计分）</td><td class="num">—</td><td class="num">1</td>' in html
    assert "<td>合计</td><td class=\"num\">100</td><td class=\"num\">3</td>" in html


def test_a_unit_of_two_projects_has_no_charts_and_its_sections_are_numbered_without_them():
    from dataclasses import replace

    from perfaudit.bundle import read_bundle
    from perfaudit.report.examples import example_bundle_root
    from perfaudit.report.sections.format import section_title
    from perfaudit.report.sections.summary import chart_section

    bundle = read_bundle(example_bundle_root(), "c-721001-9b9aa6fb")  # Julu: three projects
    assert chart_section(bundle) is not None and section_title(bundle, "findings") == "三、审核发现"
    kept = bundle.dataset.projects.sort_values("seq").head(2)
    two = replace(bundle, dataset=replace(bundle.dataset, projects=kept))
    assert chart_section(two) is None
    assert section_title(two, "summary") == "一、审核概况" and section_title(two, "findings") == "二、审核发现"


def test_the_bundle_carries_each_projects_points_and_an_older_bundle_without_them_is_refused(tmp_path):
    import shutil

    from perfaudit.bundle import read_bundle
    from perfaudit.errors import ReportError
    from perfaudit.report.examples import example_bundle_root

    bundle = read_bundle(example_bundle_root(), "c-721001-9b9aa6fb")
    expected = project_points(bundle.findings, bundle.grade["config"])  # what the pipeline wrote, from the findings
    pd.testing.assert_frame_equal(bundle.points, expected, check_names=False, check_index_type=False)
    shutil.copytree(example_bundle_root() / bundle.unit_id, tmp_path / bundle.unit_id)
    (tmp_path / bundle.unit_id / "points.parquet").unlink()
    with pytest.raises(ReportError, match="points.parquet .*rebuild it"):
        read_bundle(tmp_path, bundle.unit_id)
