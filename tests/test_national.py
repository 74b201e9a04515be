"""Layout N1 — the 88号 项目支出绩效目标申报表 (issue 13, family 1): the fixtures of
tests/national_forms.py read exactly in both text forms and as docx/xlsx/html/pdf, the 中期 facts
reach the tables and the audit (A10, D04), and a folder of them goes through ``perfaudit run``."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import audit_fixtures as af
import badinputs
import national_forms as nf
import office_files as of
from perfaudit.errors import InputError
from perfaudit.ingest import read_document
from perfaudit.ingest.sources import read_source


def read(name: str, form: str = "rows", text: str | None = None):
    return read_document((text or nf.text(name, form)).encode("utf-8"), nf.FILE_NAMES[name])


@pytest.fixture(scope="module", params=nf.FORMS)
def form(request) -> str:
    return request.param


def _indicators(dataset) -> list[tuple]:
    columns = ["level1", "level2", "level3", "target_annual", "target_period"]
    return [tuple(None if pd.isna(v) else v for v in row) for row in dataset.indicators[columns].itertuples(index=False)]


def test_wuhan_annual_only_form(form):
    dataset = read("wuhan", form)
    document = dataset.documents.iloc[0]
    assert (document.layout, document.form, document.amount_unit, document.budget_year) == ("N1", form, "万元", 2020)
    assert not document.has_period_values and not document.has_basis
    assert document.amount_labels == "年度资金总额|财政拨款||其他资金"
    unit = dataset.units.iloc[0]
    assert (unit.unit_name, unit.department) == ("武汉市青山区钢都小学", "武汉市青山区教育局") and pd.isna(unit.unit_code)
    project = dataset.projects.iloc[0]
    assert project.project_name == "青山区中小学校园安全保障经费"
    assert (project.department_code, project.project_type, project.start, project.end) == ("015001", "延续", "202001", "202012")
    assert (project.budget_total, project.fiscal_funds, project.other_funds) == (35.5, 30.0, 5.5)
    assert all(pd.isna(project[c]) for c in ("period_budget_total", "period_fiscal_funds", "period_other_funds", "period_goal"))
    assert project.goal == "完成全区校园安保人员配备和监控设备维护，全年校园安全责任事故为零。"
    assert _indicators(dataset) == [
        ("产出指标", "数量指标", "配备校园安保人员", "≥45人", None),  # 项目完成指标: the older name of 产出
        ("产出指标", "质量指标", "监控设备完好率", "≥98%", None),  # 一级 merged: carried down
        ("产出指标", "时效指标", "设备维护完成时间", "2020年12月底前", None),
        ("产出指标", "成本指标", "安保服务费", "≤30万元", None),
        ("效益指标", "社会效益指标", "校园安全责任事故", "0起", None),  # 项目效益指标
        ("满意度指标", "服务对象满意度指标", "师生家长满意度", "≥90%", None),
    ]  # the 填表人/联系电话 footer row is no indicator
    assert dataset.indicators.number.tolist()[:2] == [45.0, 98.0]


def test_side_by_side_form_in_yuan(form):
    dataset = read("side_by_side", form)
    document = dataset.documents.iloc[0]
    assert (document.amount_unit, document.budget_year) == ("元", 2023)
    assert document.has_period_values and document.has_basis
    project = dataset.projects.iloc[0]
    assert (project.department_code, project.project_type, project.start, project.end) == ("208002", "新增", "2023.07", "2024.01")
    # 元 -> 万元; each 其中 line read under the total it stands beside
    assert (project.budget_total, project.fiscal_funds, project.other_funds) == (80.0, 70.0, 10.0)
    assert (project.period_budget_total, project.period_fiscal_funds, project.period_other_funds) == (120.0, 100.0, 20.0)
    assert project.period_goal == "完成全市30个老旧小区二次供水设施改造，保障居民用水安全。"
    assert project.goal == "完成20个老旧小区二次供水设施改造。"
    assert dataset.units.iloc[0].unit_name == "某市城市建设服务中心"
    assert _indicators(dataset) == [
        ("产出指标", "数量指标", "改造小区数量", "20个", "30个"),
        ("产出指标", "质量指标", "改造工程验收合格率", "100%", "100%"),
        ("产出指标", "时效指标", "改造完成时间", "2023年12月底前", "2024年1月底前"),
        ("效益指标", "社会效益指标", "受益居民户数", "≥4000户", "≥6000户"),
        ("满意度指标", "服务对象满意度指标", "居民满意度", "≥90%", "≥90%"),
    ]
    assert dataset.indicators.basis.tolist() == ["计划标准", "行业标准", "计划标准", "计划标准", "历史标准"]
    assert dataset.indicators.period_number.tolist()[:1] == [30.0] and dataset.indicators.number.tolist()[:1] == [20.0]
    # the value cell of the 年度 half is where a finding on the annual value points
    assert dataset.indicators.value_line.notna().all()


def test_repeated_level1_placeholder_row_and_blank_period_half(form):
    dataset = read("repeated", form)
    document = dataset.documents.iloc[0]
    assert not document.has_period_values  # the 中期 half is wholly blank: an annual-only form
    project = dataset.projects.iloc[0]
    assert (project.project_type, project.start, project.end) == ("基础建设、修缮类", "202403", "202410")
    assert (project.budget_total, project.fiscal_funds) == (48.0, 48.0)
    assert pd.isna(project.other_funds) and pd.isna(project.period_budget_total) and pd.isna(project.period_goal)
    assert project.goal.startswith("完成卫生院业务用房屋面防水")
    assert _indicators(dataset) == [
        ("产出指标", "数量指标", "修缮面积", "≥800平方米", None),
        ("产出指标", "质量指标", "工程验收合格率", "100%", None),
        ("产出指标", "时效指标", "工程完工时间", "2024年10月底前", None),
        ("效益指标", "社会效益指标", "就医环境改善", "明显改善", None),
        ("满意度指标", "服务对象满意度指标", "患者满意度", "≥90%", None),  # 生态效益 placeholder left out
    ]


@pytest.mark.parametrize("name", nf.DOCUMENTS)
def test_both_text_forms_read_the_same(name):
    rows, cells = (badinputs.comparable(read(name, form)) for form in nf.FORMS)
    for table in ("documents", "units", "projects", "indicators"):
        pd.testing.assert_frame_equal(rows[table], cells[table], obj=table)


# Spellings of provincial copies: each reads to the same tables as the form it was made from.
SPELLINGS = {
    "年度本级预算金额": [("年度资金总额：", "年度本级预算金额：")],
    "长期目标": [("\t中期目标\t", "\t长期目标\t")],
    "实施期绩效目标/本年度绩效目标": [("\t中期目标\t年度目标", "\t实施期绩效目标\t本年度绩效目标")],
    "项目起止时间": [("\t项目期\t", "\t项目起止时间\t")],
    "指标值及单位": [("\t指标值\t", "\t指标值及单位\t")],
    "主管部门": [("主管部门及代码\t", "主管部门\t")],
    "单位：元 above the table": [("（2023年度）\n", "（2023年度）\n\n单位：元\n"), ("项目资金（元）", "项目资金")],
    "full-width brackets, spaces in the period": [("[208002]", "［208002］"), ("2023.07-2024.01", "2023.07 - 2024.01")],
}


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_spellings_of_provincial_copies(spelling):
    text = nf.text("side_by_side")
    for old, new in SPELLINGS[spelling]:
        assert old in text
        text = text.replace(old, new)
    variant, clean = (badinputs.comparable(d) for d in (read("side_by_side", text=text), read("side_by_side")))
    for table in ("units", "projects", "indicators"):
        pd.testing.assert_frame_equal(variant[table], clean[table], obj=table)
    assert variant["documents"].amount_unit.tolist() == ["元"]


def test_a_goal_under_总体目标_alone_is_the_annual_goal():
    dataset = read("wuhan", text=nf.text("wuhan").replace("总体目标\t年度目标\t", "总体目标\t"))
    clean = read("wuhan")
    assert dataset.projects.goal.tolist() == clean.projects.goal.tolist()
    assert dataset.projects.goal_line.tolist() == clean.projects.goal_line.tolist() == [11]
    assert clean.units.source_line.tolist() == [6]  # the 实施单位 cell


def test_the_suites_know_every_shipped_layout():
    from perfaudit.ingest.specs import layout_specs
    from perfaudit.validate.suites import read_suites

    names = [spec.name for spec in layout_specs()]
    for suite in read_suites():
        for expectation in suite.expectations:
            if expectation["meta"]["id"].endswith(".layout_known"):
                assert expectation["kwargs"]["value_set"] == names, expectation["meta"]["id"]


def test_two_forms_of_one_unit_in_one_document():
    second = nf.render(nf.SIDE_BY_SIDE[2:], "rows").replace("老旧小区二次供水设施改造", "老旧小区雨污分流改造", 1)
    dataset = read("side_by_side", text=nf.text("side_by_side") + "\n" + second)
    assert dataset.projects.project_name.tolist() == ["老旧小区二次供水设施改造", "老旧小区雨污分流改造"]
    assert len(dataset.units) == 1 and dataset.projects.unit_id.nunique() == 1
    assert dataset.indicators.groupby("project_id").size().tolist() == [5, 5]


def test_a_form_without_its_grid_is_refused_naming_n1_as_closest():
    # A (项目名称) and N1 (项目名称, 年度资金总额, 主管部门) both lack two labels: N1 holds more of its own
    text = nf.render(nf.WUHAN[:2] + [nf.WUHAN[2][:7]], "cells")
    with pytest.raises(InputError) as raised:
        read("wuhan", text=text)
    assert "unknown layout (closest: N1, which needs 三级指标, 一级指标/二级指标)" in str(raised.value)


def test_a_grid_without_values_is_refused_naming_the_column():
    text = nf.text("wuhan").replace("\t指标值\n", "\t目标\n")
    with pytest.raises(InputError) as raised:
        read("wuhan", text=text)
    assert str(raised.value) == f"{nf.FILE_NAMES['wuhan']}:12: indicator table lacks column 指标值"


@pytest.mark.parametrize("fmt", of.WRITERS)
@pytest.mark.parametrize("name", nf.DOCUMENTS)
def test_office_versions_read_the_same(name, fmt):
    """Written by the office writers of the source tests (merged 一级 cells, values merged to the
    row's end) and read back by the docx/xlsx/html/pdf sources."""
    dataset = of.assert_office_reads_like_text(nf.text(name), nf.FILE_NAMES[name], fmt, ("units", "projects", "indicators"))
    assert not dataset.indicators.value_ref.str.match("^第\\d+行$").any()


# --- audit: the rules on the 中期 facts ------------------------------------------------------------
def test_a10_a_period_total_below_the_annual_total():
    clean = read("side_by_side")
    assert af.findings(clean, "A10").empty
    short = read("side_by_side", text=nf.text("side_by_side").replace("\t1200000\t", "\t500000\t"))
    found = af.findings(short, "A10")
    assert len(found) == 1
    assert found.iloc[0]["evidence"] == "中期资金总额 50.00；年度资金总额 80.00（万元）"
    assert found.iloc[0]["source_line"] == 8 and found.iloc[0]["severity"] == "error"


def test_d04_an_annual_goal_copied_from_the_period_goal():
    period_goal = "完成全市30个老旧小区二次供水设施改造，保障居民用水安全。"
    copied = nf.text("side_by_side").replace("完成20个老旧小区二次供水设施改造。", period_goal)
    found = af.findings(read("side_by_side", text=copied), "D04")
    assert len(found) == 1 and found.iloc[0]["source_line"] == 12
    assert af.findings(read("side_by_side"), "D04").empty
    # a project period within one year: 中期 is the budget year, one goal for both is no finding
    one_year = copied.replace("2023.07-2024.01", "2023.03-2023.12")
    assert af.findings(read("side_by_side", text=one_year), "D04").empty


def test_fixtures_have_no_period_findings_and_s09_reads_the_documents_period_half():
    for name in nf.DOCUMENTS:
        found = af.findings(read(name))
        assert not found["rule_id"].isin(["A10", "D04"]).any(), name
        assert not found["message"].str.contains("实施周期指标值").any(), name  # no 中期 half, or a full one
    gap = nf.text("side_by_side").replace("\t≥6000户\t", "\t\t")
    found = af.findings(read("side_by_side", text=gap), "S09")
    assert found["message"].tolist() == ["指标未填写实施周期指标值。"]


def _report_of(out, project_name: str) -> str:
    pages = [p.read_text(encoding="utf-8") for p in sorted(out.glob("units/*/report.html"))]
    return next(page for page in pages if project_name in page)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["txt", "xlsx"])
def test_perfaudit_run_on_a_folder_of_declaration_forms(tmp_path, fmt):
    """Every family-1/2 fixture through ``perfaudit run`` (as text, and as .xlsx): reports built,
    the tables keep the contract, and the reports show 中期 beside 年度, money by source, 指标性质
    and 分值 with their total."""
    from perfaudit.cli import main

    folder = tmp_path / "in"
    if fmt == "txt":
        nf.write_all(folder)
        folder = folder / "rows"
    else:
        folder.mkdir()
        for name, file_name in nf.FILE_NAMES.items():
            data = of.write_xlsx(read_source(nf.text(name).encode("utf-8"), file_name))
            (folder / file_name.replace(".txt", ".xlsx")).write_bytes(data)
    out = tmp_path / "out"
    assert main(["run", str(folder), "--out", str(out), "--no-progress"]) == 0
    reports = sorted(out.glob("units/*/report.pdf"))
    assert len(reports) == len(nf.DOCUMENTS)
    assert all(p.stat().st_size > 10_000 and (p.parent / "report.html").exists() for p in reports)
    for validation in sorted(out.glob("bundles/*/validation.json")):  # the tables keep the contract
        assert json.loads(validation.read_text(encoding="utf-8"))["success"], validation
    sequential = _report_of(out, "县域义务教育薄弱学校改善")
    assert "<h3>中期与年度</h3>" in sequential and "中期（实施期）" in sequential
    assert "<td>资金总额</td><td>300.00</td><td>120.00</td>" in sequential
    assert "到2025年完成全县12所薄弱学校校舍改造" in sequential and "一般公共预算 80.00；政府性基金预算 20.00；事业收入 15.00" in sequential
    assert "<td>12所</td><td>5所</td>" in sequential  # the 长期 value beside the 年度 value
    attributes = _report_of(out, "城乡居民医疗保险政策宣传服务")
    assert "<h3>指标性质与分值</h3>" in attributes and "上级资金 20.00" in attributes
    assert "<td>参保服务便利程度</td><td>定性</td>" in attributes and "<td>分值合计</td>" in attributes
    assert "<td>100</td>" in attributes and "每少1场扣1分" in attributes
    export = _report_of(out, "农村饮水安全工程运行维护")
    assert "<td>维护供水工程数量</td><td>定量</td><td>正向</td><td>处</td><td>40</td>" in export


# --- grids one after the other, funding by source, 101号 attributes (layout N2) -------------------
def _attributes(dataset) -> list[tuple]:
    columns = ["level3", "nature", "direction", "target_annual", "op", "number", "measure_unit", "weight"]
    return [tuple(None if pd.isna(v) else v for v in row) for row in dataset.indicators[columns].itertuples(index=False)]


def test_sequential_grids_and_funding_by_source(form):
    dataset = read("sequential", form)
    document = dataset.documents.iloc[0]
    assert (document.layout, document.amount_unit, document.has_period_values, document.has_basis) == ("N1", "万元", True, False)
    project = dataset.projects.iloc[0]
    assert (project.start, project.end, project.project_type) == ("2023", "2025", "延续")
    # 中期资金总额 above 年度资金总额 in one column: the 其中 lines are the annual total's
    assert (project.period_budget_total, project.budget_total, project.fiscal_funds, project.other_funds) == (300.0, 120.0, 100.0, 20.0)
    assert pd.isna(project.period_fiscal_funds) and pd.isna(project.period_other_funds)
    sources = ["general_budget_funds", "government_fund_funds", "state_capital_funds", "institution_income", "higher_level_funds"]
    assert [None if pd.isna(project[c]) else project[c] for c in sources] == [80.0, 20.0, None, 15.0, None]
    assert project.period_goal.startswith("到2025年完成全县12所") and project.goal == "完成5所薄弱学校校舍改造。"
    assert _indicators(dataset) == [  # the 年度 grid's rows, with the 长期 values of the same names
        ("产出指标", "数量指标", "改造学校数量", "5所", "12所"),
        ("产出指标", "质量指标", "工程验收合格率", "100%", "100%"),
        ("产出指标", "时效指标", "改造完成时间", "2024年12月底前", "2025年12月底前"),
        ("效益指标", "社会效益指标", "受益学生人数", "≥3000人", "≥8000人"),
        ("满意度指标", "服务对象满意度指标", "师生满意度", "≥90%", "≥90%"),
    ]
    annual_caption = next(n for n, line in enumerate(nf.text("sequential", form).split("\n"), 1) if "年度绩效指标" in line)
    assert (dataset.indicators.value_line > annual_caption).all()  # findings point at the 年度 grid's cells


def test_sequential_grids_in_either_order_and_an_indicator_of_one_grid_only():
    text = nf.text("sequential")
    long_grid = text[text.index("长期绩效指标"):text.index("年度绩效指标")]
    annual_grid = text[text.index("年度绩效指标"):text.index("填表人")]
    swapped = read("sequential", text=text.replace(long_grid + annual_grid, annual_grid + long_grid))
    pd.testing.assert_frame_equal(swapped.indicators[["level3", "target_annual", "target_period"]],
                                  read("sequential").indicators[["level3", "target_annual", "target_period"]])
    row = "\t效益指标\t社会效益指标\t受益学生人数\t≥8000人\n"
    assert row in text
    extra = read("sequential", text=text.replace(row, row + "\t\t可持续影响指标\t校舍使用年限\t≥30年\n"))
    assert _indicators(extra)[-1] == ("效益指标", "可持续影响指标", "校舍使用年限", None, "≥30年")  # kept, after the 年度 rows


def test_101_attributes_in_cells_of_their_own(form):
    dataset = read("attributes", form)
    document = dataset.documents.iloc[0]
    assert (document.layout, document.amount_unit, document.has_period_values, document.has_basis) == ("N2", "元", False, True)
    project = dataset.projects.iloc[0]
    # 年度本级预算金额 is the annual total; 上级资金 beside it; 元 -> 万元
    assert (project.budget_total, project.fiscal_funds, project.higher_level_funds) == (50.0, 50.0, 20.0)
    assert (project.department_code, project.start, project.end) == ("402003", "2025.01", "2025.12")
    assert _attributes(dataset) == [  # the operator cell before the value, the unit cell after it
        ("宣传活动场次", "≥", None, "≥24场", "≥", 24.0, "场", 20.0),
        ("政策咨询服务天数", "=", None, "=300天", "=", 300.0, "天", 10.0),  # the operator written into the value
        ("宣传资料发放覆盖率", "≥", None, "≥95%", "≥", 95.0, "%", 15.0),
        ("宣传任务完成时间", "≤", None, "2025-11-30", None, None, "日期", 10.0),  # a date: no number, its unit cell kept
        ("宣传资料印制费", "≤", None, "≤15万元", "≤", 15.0, "万元", 10.0),
        ("政策知晓率", "≥", None, "≥85%", "≥", 85.0, "%", 15.0),
        ("参保服务便利程度", "定性", None, "明显提升", None, None, None, 10.0),
        ("参保群众满意度", "≥", None, "≥90%", "≥", 90.0, "%", 10.0),
    ]
    indicators = dataset.indicators
    assert indicators.weight.sum() == 100
    assert indicators.scoring_rule.tolist()[:2] == ["每少1场扣1分", "每少10天扣1分"]
    assert indicators.basis.tolist()[:3] == ["计划标准", "计划标准", "行业标准"]  # 指标值设定依据
    assert indicators.description.tolist()[0] == "全年开展的政策宣传活动场次"  # 指标解释
    assert indicators.value_kind.tolist()[3] == "deadline"


def test_101_export_with_direction_and_both_values(form):
    dataset = read("export", form)
    assert dataset.documents.layout.tolist() == ["N2"] and dataset.documents.has_period_values.tolist() == [True]
    assert _attributes(dataset) == [  # 定量 names no operator: 指标方向 正向 is a lower bound, 反向 an upper one
        ("维护供水工程数量", "定量", "正向", "≥48处", "≥", 48.0, "处", 40.0),
        ("水质检测合格率", "定量", "正向", "≥95%", "≥", 95.0, "%", 20.0),
        ("单处工程维护成本", "定量", "反向", "≤2.5万元", "≤", 2.5, "万元", 10.0),
        ("农村自来水普及率", "定量", "正向", "≥93%", "≥", 93.0, "%", 20.0),
        ("用水群众满意度", "定量", "正向", "≥90%", "≥", 90.0, "%", 10.0),
    ]
    # one 指标性质/计量单位 column serves both halves
    assert dataset.indicators.target_period.tolist() == ["≥48处", "≥95%", "≤2.5万元", "≥95%", "≥90%"]
    assert dataset.indicators.period_measure_unit.tolist()[0] == "处"


def test_a_weight_that_is_no_number_is_refused_at_its_cell():
    with pytest.raises(InputError) as raised:
        read("attributes", text=nf.text("attributes").replace("\t场\t20\t", "\t场\t二十\t"))
    assert str(raised.value).startswith(f"{nf.FILE_NAMES['attributes']}:") and "分值/权重 '二十' is not a number" in str(raised.value)


def _xlsx_with_date(serial: bool) -> bytes:
    """The 101号 form as .xlsx whose deadline cell holds an Excel date (formatted as a date, or left
    as its bare serial number, as some exports do)."""
    import datetime as dt
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(of.write_xlsx(read_source(nf.text("attributes").encode("utf-8"), "a.txt"))))
    cell = next(c for row in book.active.iter_rows() for c in row if c.value == "2025-11-30")
    cell.value = 45991 if serial else dt.datetime(2025, 11, 30)
    cell.number_format = "General" if serial else "yyyy-mm-dd"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_101_xlsx_deadline_as_an_excel_date_and_as_a_serial():
    dated = read_document(_xlsx_with_date(serial=False), "yibao_xuanchuan_2025.xlsx")
    pd.testing.assert_frame_equal(badinputs.comparable(dated)["indicators"].drop(columns="source_file"),
                                  badinputs.comparable(read("attributes"))["indicators"].drop(columns="source_file"))
    serial = read_document(_xlsx_with_date(serial=True), "yibao_xuanchuan_2025.xlsx")
    assert serial.indicators.target_annual.tolist()[3] == "45991"
    found = af.findings(serial, "Q08")  # the serial is the document's error, reported with the date it stands for
    assert len(found) == 1 and "2025年11月30日" in found.iloc[0]["suggestion"]


# --- audit: the rules on the 101号 attributes -------------------------------------------------------
def test_fixtures_of_both_families_have_no_attribute_findings():
    for name in nf.DOCUMENTS:
        assert not af.findings(read(name))["rule_id"].isin(["A11", "C13", "Q11"]).any(), name


def test_a11_weights_that_do_not_add_up_to_100():
    found = af.findings(read("attributes", text=nf.text("attributes").replace("\t场\t20\t", "\t场\t10\t")), "A11")
    assert found["message"].tolist() == ["各指标分值（权重）合计 90，不等于 100。"]
    assert found.iloc[0]["evidence"].startswith("宣传活动场次 10；政策咨询服务天数 10；") and found.iloc[0]["evidence"].endswith("（合计 90）")
    one_missing = af.findings(read("export", text=nf.text("export").replace("\t%\t10\n", "\t%\t\n")), "A11")
    assert one_missing["message"].tolist() == ["各指标分值（权重）合计 90，不等于 100，另有 1 项指标未填分值。"]
    assert af.findings(read("sequential"), "A11").empty  # no weights given: nothing to add up


def test_c13_a_nature_that_contradicts_the_value_or_the_metric():
    upper_satisfaction = nf.text("attributes").replace("参保群众满意度\t≥\t90", "参保群众满意度\t≤\t90")
    found = af.findings(read("attributes", text=upper_satisfaction), "C13")
    assert found["indicator"].tolist() == ["参保群众满意度"]
    assert found.iloc[0]["message"] == "“参保群众满意度”是越高越好的指标，指标性质“≤”却是上限。"
    assert found.iloc[0]["evidence"] == "参保群众满意度：≤90%（指标性质“≤”）"
    assert "C07" in found.iloc[0]["related_rules"]  # the value ≤90% points the wrong way too: one finding
    own_operator = nf.text("attributes").replace("宣传活动场次\t≥\t24", "宣传活动场次\t≥\t≤24")
    assert af.findings(read("attributes", text=own_operator), "C13")["message"].tolist() == ["指标性质“≥”与指标值“≤24场”自带的方向相反。"]
    reversed_rate = nf.text("export").replace("水质检测合格率\t定量\t正向", "水质检测合格率\t定量\t反向")
    assert af.findings(read("export", text=reversed_rate), "C13")["indicator"].tolist() == ["水质检测合格率"]


def test_q11_a_qualitative_indicator_with_a_number():
    text = nf.text("attributes").replace("参保服务便利程度\t定性\t明显提升\t", "参保服务便利程度\t定性\t95\t%")
    found = af.findings(read("attributes", text=text), "Q11")
    assert found["message"].tolist() == ["指标性质为定性，指标值“95%”却是数值。"]


def test_a_101_form_that_lacks_a_label_is_refused_naming_n2_and_what_is_missing():
    no_names = nf.text("attributes").replace("\t三级指标\t", "\t指标项\t")  # 指标名称 is a lexicon wording of 三级指标
    with pytest.raises(InputError) as raised:
        read("attributes", text=no_names)
    assert "(closest: N2, which needs 三级指标)" in str(raised.value)
    no_money = nf.text("attributes").replace("年度本级预算金额：", "预算金额：")
    with pytest.raises(InputError) as raised:
        read("attributes", text=no_money)
    assert "(closest: N2, which needs 年度资金总额/年度资金总额:/年度本级预算金额/年度本级预算金额:/资金总额)" in str(raised.value)


def test_the_money_by_source_is_checked_against_财政拨款():
    from perfaudit.validate import validate_dataset

    assert validate_dataset(read("sequential")).outcome("projects.fiscal_parts_sum").success
    short = read("sequential", text=nf.text("sequential").replace("一般公共预算\t80.00", "一般公共预算\t70.00"))
    outcome = validate_dataset(short).outcome("projects.fiscal_parts_sum")
    assert not outcome.success
    assert [(row.source_file, row.source_line) for row in outcome.offending] == [(nf.FILE_NAMES["sequential"], 5)]  # the project
