"""Layouts N3 (批复表 trees) and N4 (部门整体支出绩效目标申报表), issue 13 families 3 and 4: the
fixtures of tests/department_forms.py read exactly in both text forms and as docx/xlsx/html/pdf,
audited (A02 on the task table, S12 on a goal without indicators) and rendered by ``perfaudit run``."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import audit_fixtures as af
import badinputs
import department_forms as dforms
import office_files as of
from national_forms import FORMS
from perfaudit.pipeline import audit
from perfaudit.errors import InputError
from perfaudit.ingest import read_document


def read(name: str, form: str = "rows", text: str | None = None):
    return read_document((text or dforms.text(name, form)).encode("utf-8"), dforms.FILE_NAMES[name])


@pytest.fixture(scope="module", params=FORMS)
def form(request) -> str:
    return request.param


def _values(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    return [tuple(None if pd.isna(v) else v for v in row) for row in frame[columns].itertuples(index=False)]


def test_pifu_tree_one_column_per_level(form):
    dataset = read("pifu", form)
    document = dataset.documents.iloc[0]
    assert (document.layout, document.amount_unit, document.budget_year) == ("N3", "元", 2024)
    assert document.has_declared_totals and document.amount_labels == "预算数|||"
    assert _values(dataset.units, ["unit_name", "unit_code", "department"]) == [
        ("某县第一中学", "301001", "某县教育局"), ("某县实验小学", "301002", "某县教育局"),
    ]
    first, second = dataset.units.unit_id
    assert _values(dataset.projects, ["unit_id", "project_name", "budget_total", "goal", "department_code"]) == [
        (first, "校舍维修改造", 120.0, "完成教学楼屋面防水和外墙修缮800平方米。", "301"),  # 元 -> 万元
        (first, "学生资助", 80.0, "资助家庭经济困难学生400人次。", "301"),
        (second, "课后服务", 150.0, "为全校1200名学生提供课后延时服务。", "301"),  # unit and project on one row
    ]
    assert _values(dataset.indicators[dataset.indicators.project_id == f"{first}-p001"],
                   ["scope", "seq", "level1", "level2", "level3", "target_annual"]) == [
        ("project", 1, "产出指标", "数量指标", "维修面积", "≥800平方米"),  # (必填硬性指标) dropped
        ("project", 2, "产出指标", "质量指标", "工程验收合格率", "100%"),  # 一级 carried down
        ("project", 3, "效益指标", "社会效益指标", "教学环境改善", "明显改善"),
        ("project", 4, "产出指标", "时效指标", "完工时间", "2024年8月底前"),  # 产出 again, not contiguous
        ("project", 5, "满意度指标", "服务对象满意度指标", "师生满意度", "≥90%"),
    ]
    assert dataset.indicators.groupby("project_id").size().tolist() == [5, 4, 4]
    # the 部门 row is the document's total, a unit row its unit's; no unit_targets in a tree
    assert _values(dataset.declared_totals, ["scope", "unit_id", "budget_total"]) == [
        ("document", None, 350.0), ("unit", first, 200.0),
    ]
    assert dataset.unit_targets.empty and dataset.indicators.previous_value.isna().all()


def test_township_tree_one_name_column_and_split_value_header(form):
    dataset = read("township", form)
    document = dataset.documents.iloc[0]
    assert (document.layout, document.amount_unit, document.budget_year) == ("N3", "万元", 2025)
    assert _values(dataset.units, ["unit_name", "unit_code", "department"]) == [
        ("某镇人民政府本级", "604001", "某镇人民政府"), ("某镇农业综合服务中心", "604002", "某镇人民政府"),
    ]
    assert dataset.projects.project_name.tolist() == ["农村人居环境整治", "道路养护", "农技推广服务"]
    assert dataset.projects.budget_total.tolist() == [120.0, 80.0, 120.0]
    assert _values(dataset.indicators.head(4), ["level1", "level2", "level3", "target_annual", "previous_value"]) == [
        ("产出指标", "数量指标", "整治村庄数量", "12个", "10个"),  # 本年预期值, 上年实际值
        ("产出指标", "质量指标", "村庄保洁覆盖率", "100%", "95%"),
        ("效益指标", "生态效益指标", "村庄环境改善", "明显改善", "有所改善"),
        ("满意度指标", "服务对象满意度指标", "村民满意度", "≥90%", "88%"),
    ]
    assert len(dataset.indicators) == 10 and dataset.indicators.basis.isna().all()
    assert _values(dataset.declared_totals, ["scope", "budget_total"]) == [("document", 320.0), ("unit", 200.0), ("unit", 120.0)]


def test_department_form_goal_tasks_and_unit_indicators(form):
    dataset = read("department", form)
    document = dataset.documents.iloc[0]
    assert (document.layout, document.amount_unit, document.budget_year) == ("N4", "万元", 2025)
    unit = dataset.units.iloc[0]
    assert (unit.unit_name, unit.unit_code) == ("某县文化和旅游局", "318") and dataset.projects.empty
    uid = unit.unit_id
    targets = dataset.unit_targets
    assert _values(targets, ["target_id", "kind", "name", "text", "budget_total", "fiscal_funds", "other_funds"]) == [
        (f"{uid}-t001", "task", "公共文化服务", "开展送戏下乡120场，免费开放图书馆、文化馆。", 120.0, 100.0, 20.0),
        (f"{uid}-t002", "task", "文物保护", "完成3处县级文物保护单位修缮。", 80.0, 80.0, None),
        (f"{uid}-t003", "task", "旅游市场监管", "开展旅游市场执法检查24次。", 30.0, 30.0, None),
        (f"{uid}-t004", "goal", None,
         "全年送戏下乡120场，修缮文物保护单位3处，旅游投诉办结率100%，群众文化满意度不低于90%。", None, None, None),
    ]
    assert targets.source_ref.notna().all()
    indicators = dataset.indicators
    assert indicators.project_id.isna().all() and set(indicators.scope) == {"unit"} and set(indicators.unit_id) == {uid}
    assert _values(indicators, ["seq", "level1", "level2", "level3", "target_annual"]) == [
        (1, "产出指标", "数量指标", "送戏下乡场次", "≥120场"),
        (2, "产出指标", "数量指标", "文物保护单位修缮数量", "3处"),
        (3, "产出指标", "质量指标", "旅游投诉办结率", "100%"),
        (4, "产出指标", "时效指标", "修缮工程完成时间", "2025年11月底前"),
        (5, "效益指标", "社会效益指标", "公共文化服务覆盖率", "≥95%"),
        (6, "满意度指标", "服务对象满意度指标", "群众文化满意度", "≥90%"),
    ]  # the 填表人 footer is no indicator
    assert _values(dataset.declared_totals, ["scope", "unit_id", "budget_total", "fiscal_funds", "other_funds"]) == [
        ("tasks", uid, 230.0, 210.0, 20.0),
    ]


def test_department_form_with_101_attributes_in_its_grid(form):
    dataset = read("department", text=dforms.render(dforms.DEPARTMENT_101, form))
    assert dataset.documents.layout.tolist() == ["N4"] and len(dataset.unit_targets) == 4
    assert _values(dataset.indicators, ["scope", "level3", "target_annual", "nature", "measure_unit", "weight"]) == [
        ("unit", "送戏下乡场次", "≥120场", "≥", "场", 40.0),  # operator and unit from their own cells
        ("unit", "公共文化服务覆盖率", "≥95%", "≥", "%", 30.0),
        ("unit", "群众文化满意度", "≥90%", "≥", "%", 30.0),
    ]


@pytest.mark.parametrize("name", dforms.DOCUMENTS)
def test_both_text_forms_read_the_same(name):
    rows, cells = (badinputs.comparable(read(name, form)) for form in FORMS)
    for table in ("documents", "units", "projects", "indicators", "declared_totals", "unit_targets"):
        pd.testing.assert_frame_equal(rows[table], cells[table], obj=table)


@pytest.mark.parametrize("fmt", of.WRITERS)
@pytest.mark.parametrize("name", dforms.DOCUMENTS)
def test_office_versions_read_the_same(name, fmt):
    """Written as .docx/.xlsx/.html/.pdf by the office writers (merged unit, 一级 and label cells)
    and read back: the same tables as the text, unit targets and declared totals included."""
    of.assert_office_reads_like_text(
        dforms.text(name), dforms.FILE_NAMES[name], fmt, ("units", "projects", "indicators", "declared_totals", "unit_targets")
    )


# Spellings of other copies: each reads to the same tables as the form it was made from.
SPELLINGS = {
    "pifu: 年度绩效目标, full-width brackets and notes": ("pifu", [
        ("\t年度目标\t", "\t年度绩效目标\t"), ("[301001]", "［301001］"), ("(必填硬性指标)", "（必填硬性指标）"),
    ]),
    "pifu: 部门/单位名称, the 部门 code without brackets": ("pifu", [("单位名称\t", "部门/单位名称\t"), ("[301]", "301 ")]),
    "township: 项目/指标名称": ("township", [("单位/项目/指标名称", "项目/指标名称")]),
    "department: 部门名称, 年度总体绩效目标, 合计": ("department", [
        ("部门（单位）名称", "部门名称"), ("年度总体目标\t", "年度总体绩效目标\t"), ("\t金额合计\t", "\t合计\t"),
    ]),
    "department: one task header row": ("department", [
        ("\t预算金额（万元）\t\t\n\t\t\t总额\t财政拨款\t其他资金\n", "\t总额\t财政拨款\t其他资金\n"),
    ]),
}


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_spellings_of_other_copies(spelling):
    name, replacements = SPELLINGS[spelling]
    text = dforms.text(name)
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    variant, clean = (badinputs.comparable(d) for d in (read(name, text=text), read(name)))
    for table in ("units", "projects", "indicators", "declared_totals", "unit_targets"):
        pd.testing.assert_frame_equal(variant[table], clean[table], obj=table)


# a document changed so -> what the refusal says (the closest family and what it lacked)
REFUSALS = {
    # (目标值, 指标名称 are lexicon wordings of 指标值, 三级指标: words no form uses stand in for them)
    "tree without 指标值": ("pifu", "\t指标值\t", "\t考核值\t", "(closest: N3, which needs 指标值)"),
    "tree without 年度目标": ("township", "\t年度目标\t", "\t年度说明\t", "closest: N3, which needs 年度目标/年度绩效目标"),
    "tree without 三级指标": ("pifu", "\t三级指标\t", "\t指标项\t",
                          f"{dforms.FILE_NAMES['pifu']}:5: tree table lacks column 三级指标"),
    "task amount not a number": ("department", "\t80.00\t80.00\t", "\t八十万\t80.00\t",
                                 f"{dforms.FILE_NAMES['department']}:8: amount '八十万' in 总额 is not a number"),
    "department form without 年度总体目标": ("department", "年度总体目标\t", "总体目标\t",
                                       "(closest: N4, which needs 年度总体目标/年度总体绩效目标)"),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_refusals_name_the_closest_family_and_what_was_missing(case):
    name, old, new, message = REFUSALS[case]
    text = dforms.text(name)
    assert old in text
    with pytest.raises(InputError) as raised:
        read(name, text=text.replace(old, new))
    assert message in str(raised.value)


# --- audit -----------------------------------------------------------------------------------------
def test_fixtures_have_no_sum_or_goal_findings():
    for name in dforms.DOCUMENTS:
        result = audit(read(name), None).audit
        assert not result.findings["rule_id"].isin(["A01", "A02", "S12"]).any(), name


def test_a02_a_task_total_that_is_not_the_sum_of_the_tasks():
    text = dforms.text("department").replace("\t230.00\t210.00\t20.00", "\t260.00\t210.00\t20.00")
    found = audit(read("department", text=text), None).audit.findings
    found = found[found.rule_id == "A02"]
    assert len(found) == 1
    assert found.iloc[0]["message"] == "年度主要任务金额合计 260.00 万元与明细之和 230.00 万元不一致（差额 +30.00 万元）。"
    assert found.iloc[0]["source_line"] == 10


def test_s12_a_department_goal_without_indicators():
    blocks = [dforms.DEPARTMENT[0], dforms.DEPARTMENT[1][:9]]  # the form up to its 年度总体目标, no grid
    dataset = read("department", text=dforms.render(blocks, "rows"))
    assert dataset.indicators.empty and dataset.unit_targets.kind.tolist() == ["task"] * 3 + ["goal"]
    found = af.findings(dataset, "S12")
    assert found["message"].tolist() == ["部门整体支出绩效目标申报表有年度总体目标，但没有设置部门整体绩效指标，总体目标无法衡量。"]
    assert found.iloc[0]["source_line"] == 11 and found.iloc[0]["evidence"].startswith("全年送戏下乡120场")
    assert af.findings(read("department"), "S12").empty


def test_indicator_rules_apply_to_the_units_own_indicators():
    text = dforms.text("department").replace("≥90%", "较高").replace("\t3处\t", "\t\t")
    found = af.findings(read("department", text=text))
    assert _values(found, ["rule_id", "project_id", "indicator", "source_line"]) == [
        ("S09", None, "文物保护单位修缮数量", 14), ("Q09", None, None, 15),  # 旅游投诉办结率 100%: the unit's one Q09 note
        ("Q03", None, "群众文化满意度", 18), ("C04", None, "群众文化满意度", 18),
    ]


@pytest.mark.slow
def test_perfaudit_run_shows_department_goals_and_tree_units(tmp_path):
    from perfaudit.cli import main

    dforms.write_all(tmp_path / "in")
    out = tmp_path / "out"
    assert main(["run", str(tmp_path / "in" / "rows"), "--out", str(out), "--no-progress"]) == 0
    reports = sorted(out.glob("units/*/report.html"))
    assert len(reports) == 5  # two tree documents of two units each, one department form
    for validation in sorted(out.glob("bundles/*/validation.json")):
        assert json.loads(validation.read_text(encoding="utf-8"))["success"], validation
    pages = {p.parent.name: p.read_text(encoding="utf-8") for p in reports}
    department = next(page for page in pages.values() if "某县文化和旅游局" in page)
    for text in ("部门整体绩效目标", "公共文化服务", "年度主要任务", "送戏下乡场次", "≥120场", "230.00"):
        assert text in department, text
    school = next(page for page in pages.values() if "某县第一中学" in page)
    assert "校舍维修改造" in school and "学生资助" in school and "课后服务" not in school
    township = next(page for page in pages.values() if "某镇人民政府本级" in page)
    assert "上年实际值" in township and "农村人居环境整治" in township
    assert all((out / "units" / uid / "report.pdf").stat().st_size > 10_000 for uid in pages)
