"""Physical forms of text that real published forms come in (issue 22): pipe rows, pipe cells,
line cells, space rows; labels spaced out, wrapped or cut; truncated pages and documents of other
kinds refused naming what they are. The texts are small forms written after the real documents
of tests/data/real (whose own results tests/test_real_documents.py checks)."""

from __future__ import annotations

import pandas as pd
import pytest

from perfaudit.errors import InputError
from perfaudit.ingest import read_document
from perfaudit.ingest.lexicon import canonical, level_name
from perfaudit.ingest.specs import label_key, layout_specs


def read(text: str, name: str = "form.txt"):
    return read_document(text.encode("utf-8"), name)


def refusal(text: str, name: str = "form.txt") -> str:
    with pytest.raises(InputError) as raised:
        read(text, name)
    message = str(raised.value)
    assert "unknown layout" not in message
    return message


def rows(dataset) -> list[tuple]:
    columns = ["level1", "level2", "level3", "target_annual"]
    return [tuple(None if pd.isna(v) else v for v in row) for row in dataset.indicators[columns].itertuples(index=False)]


PIPE_ROWS = """\
抗疫特别国债项目绩效目标表 | ||||
(2020年度) | ||||
项目名称 | 民办园房租补贴 | |||
主管预算部门 | 天津市宁河区教育局 | 项目预算金额(万元) | 193.8 | |
绩 效 目 标 | 1.给予民办园房租补贴。 2.保证补贴资金及时发放。 | |||
绩 效 指 标 | 一级指标 | 二级指标 | 三级指标 | 指标值 |
产出指标 | 数量指标 | 补贴民办幼儿园数量 | 20个 | |
补贴民办园租用面积 | 26970.7平方米 | |||
质量指标 | 补贴发放合规率 | >=95% | ||
效益指标 | 社会效益指标 | 提升扶持力度 | 显著提升 | |
满意度指标 | 服务对象满意度指标 | 受益租户满意度 | ≧95% |
附件:
"""


def test_pipe_rows_with_merged_cells_left_out_and_spaced_labels():
    dataset = read(PIPE_ROWS)
    assert dataset.documents.iloc[0].layout == "N1"
    project = dataset.projects.iloc[0]
    assert (project.project_name, project.budget_total) == ("民办园房租补贴", 193.8)
    assert project.goal.startswith("1.给予民办园房租补贴。")  # 绩 效 目 标 spaced out
    assert dataset.units.iloc[0].unit_name == dataset.units.iloc[0].department == "天津市宁河区教育局"
    assert rows(dataset) == [
        ("产出指标", "数量指标", "补贴民办幼儿园数量", "20个"),
        ("产出指标", "数量指标", "补贴民办园租用面积", "26970.7平方米"),  # starts at 三级: merged cells left out
        ("产出指标", "质量指标", "补贴发放合规率", ">=95%"),  # raw text kept
        ("效益指标", "社会效益指标", "提升扶持力度", "显著提升"),
        ("满意度指标", "服务对象满意度指标", "受益租户满意度", "≧95%"),
    ]
    operators = dataset.indicators.set_index("level3")["op"]
    assert operators["补贴发放合规率"] == operators["受益租户满意度"] == "≥"  # >= and ≧ parse as ≥


PIPE_CELLS = """\
2023年项目支出绩效目标申报表
|
填报单位:(盖章) 单位:万元 |
||||||
|
项目支出名称 |
雾炮车降尘抑尘服务 |
预算部门 |
湘潭市环境卫生管理处 |
|||
|
年度本级 预算金额 |
250 |
该项目支出上级资金 |
0 |
|||
|
本年度绩效目标 |
全市空气质量达到优良 |
|||||
|
本年度 绩效指标 |
一级指标 |
二级指标 |
三级指标 |
指标值及单位 |
绩效标准 |
|
|
产出指标 |
数量指标 |
配备车辆数 |
10辆 |
计划标准 |
||
|
风炮射程 |
≥80M |
计划标准 |
||||
|
效益指标 |
经济效益指标 |
|
|
|
||
|
社会效益指标 |
市民对空气质量改善的满意程度 |
≥85% |
计划标准 |
|||
|
生态效益指标 |
|
|||
|
社会公众或服务对象满意度指标 |
市民满意度 |
≥90% |
计划标准 |
|||
|
财政部门审核意见 |
|||||
填表人: 宋云花
"""


def test_pipe_cells_with_lone_pipe_lines_and_empty_level_rows():
    dataset = read(PIPE_CELLS)
    project = dataset.projects.iloc[0]
    assert (project.project_name, project.budget_total, project.higher_level_funds) == ("雾炮车降尘抑尘服务", 250.0, 0.0)
    assert project.goal == "全市空气质量达到优良"
    assert rows(dataset) == [  # 经济效益指标 and 生态效益指标 rows hold no indicator
        ("产出指标", "数量指标", "配备车辆数", "10辆"),
        ("产出指标", "数量指标", "风炮射程", "≥80M"),
        ("效益指标", "社会效益指标", "市民对空气质量改善的满意程度", "≥85%"),
        # no 一级 cell: the 二级 names the 满意度 block
        ("满意度指标", "服务对象满意度指标", "市民满意度", "≥90%"),
    ]
    assert dataset.indicators.basis.tolist() == ["计划标准"] * 4


LINE_CELLS = "\n\n".join([
    "项目支出绩效目标表", "2020年度)", " ", "项目名称", "教育系统设备购置", "主管部门", "及编码",
    "[015001]武汉市青山区教育局", "实施单位", "武汉市青山区教育局", "项目资金", "资金总额", "100万元",
    "当年资金总额:", "40万元", "其中:财政拨款", "90万元", "其中:当年财政拨款", "30万元", "其他资金", " ",
    "当年其他资金", " ", " ", "总体目标", "中期目标", "年度目标", "优化教育布局", " ", "完成重点项目", " ",
    "绩效项目指标表", " ",
    "一级指标", "二级指标(长期)", "三级指标(长期)", "指标值(长期)", "二级指标(年度)", "三级指标(年度)", "指标值(年度)",
    "产出指标", "数量指标", " ", " ", "数量指标", "重点建设工程安排数量", "2",
    "效益指标", "社会效益指标", " ", " ", "社会效益指标", "办学条件", "持续改善",
    "满意度指标", "服务对象满意度指标", " ", " ", "服务对象满意度指标", "学生满意度", "≥90%",
    " ", "附件:", "扫一扫在手机打开当前页",
]) + "\n"


def test_line_cells_with_blank_lines_wrapped_label_and_department_code():
    dataset = read(LINE_CELLS)
    assert dataset.documents.iloc[0].layout == "N1"  # [015001]… is no unit line of layout B
    unit = dataset.units.iloc[0]
    assert (unit.unit_name, unit.department) == ("武汉市青山区教育局", "武汉市青山区教育局")
    project = dataset.projects.iloc[0]
    assert project.department_code == "015001"  # 主管部门 / 及编码 joined
    assert (project.period_budget_total, project.budget_total) == (100.0, 40.0)
    assert (project.period_fiscal_funds, project.fiscal_funds) == (90.0, 30.0)
    assert (project.period_goal, project.goal) == ("优化教育布局", "完成重点项目")
    assert rows(dataset) == [
        ("产出指标", "数量指标", "重点建设工程安排数量", "2"),
        ("效益指标", "社会效益指标", "办学条件", "持续改善"),
        ("满意度指标", "服务对象满意度指标", "学生满意度", "≥90%"),
    ]
    assert dataset.indicators.target_period.isna().all()  # the 长期 half is blank


SPACE_ROWS = """\
项目支出绩效目标申报表
(2021年度)
项目名称 麻风病防治
预算单位 区疾控中心
项目资金(万元) 年度资金总额 金额(万元)
   (一)财政拨款小计 4.00
       1、一般公共预算 4.00
   (二)自有资金小计 0.50
   (三)其他收入 0.25
总体
目标
年度目标
开展宣传活动,实现慰问全覆盖。
绩效指标 一级指标 二级指标 三级指标 指标值(包含数字及文字描述)
绩效指标 项目完成
指标
数量指标 慰问现症病人 32人
宣传教育 覆盖全区所有人员
成本指标 严控成本,不扩大,不增债 严格按照指标任务落实工作
项目效益
指标
社会效益指标 群众防治意识 明显增强
满意度指标 满意度指标 群众幸福感 明显提升
"""


def test_space_rows_split_by_the_vocabulary():
    dataset = read(SPACE_ROWS)
    project = dataset.projects.iloc[0]
    # the total is the caption of the amounts column: the sum of its parts
    assert (project.budget_total, project.fiscal_funds, project.other_funds, project.general_budget_funds) == (4.75, 4.0, 0.75, 4.0)
    assert project.goal == "开展宣传活动,实现慰问全覆盖。"  # 总体 / 目标 wrapped
    assert dataset.units.iloc[0].unit_name == "区疾控中心" and pd.isna(dataset.units.iloc[0].department)
    assert rows(dataset) == [  # 项目完成 / 指标 and 项目效益 / 指标 wrapped over two lines
        ("产出指标", "数量指标", "慰问现症病人", "32人"),
        ("产出指标", "数量指标", "宣传教育", "覆盖全区所有人员"),
        ("产出指标", "成本指标", "严控成本,不扩大,不增债", "严格按照指标任务落实工作"),
        ("效益指标", "社会效益指标", "群众防治意识", "明显增强"),
        ("满意度指标", "满意度指标", "群众幸福感", "明显提升"),
    ]


def test_a_space_row_that_splits_more_than_one_way_is_refused_naming_its_line():
    text = SPACE_ROWS.replace("宣传教育 覆盖全区所有人员", "宣传 教育 覆盖 全区")
    message = refusal(text)
    assert message.startswith("form.txt:18: cannot tell the cells of this row apart")


def test_a_value_grammar_split_of_a_spaced_name():
    text = SPACE_ROWS.replace("数量指标 慰问现症病人 32人", "数量指标 慰问 现症病人 32人")
    assert rows(read(text))[0] == ("产出指标", "数量指标", "慰问 现症病人", "32人")


def test_truncated_pipe_rows_name_the_form_and_the_last_complete_row():
    cut = PIPE_ROWS[: PIPE_ROWS.index("效益指标 |") + len("效益指标 | 社会效")]
    message = refusal(cut)
    assert message.startswith("form.txt:9: truncated 抗疫特别国债项目绩效目标表 (N1): the text ends inside the indicator grid")
    assert "补贴发放合规率" in message


def test_truncated_pipe_cells_and_a_form_cut_before_its_grid():
    cut = PIPE_CELLS[: PIPE_CELLS.index("社会效益指标 |")] + "社会效益指标 |\n市民对空气"
    assert "truncated 2023年项目支出绩效目标申报表 (N1)" in refusal(cut) and "风炮射程" in refusal(cut)
    before_grid = PIPE_CELLS[: PIPE_CELLS.index("本年度绩效目标 |")]
    assert "before the indicator grid" in refusal(before_grid)


def test_a_grid_that_stops_before_its_satisfaction_block_is_truncated():
    cut = SPACE_ROWS[: SPACE_ROWS.index("项目效益")]
    # the last row of a cut text may stop inside a cell: the last complete row is the one before
    assert "truncated" in refusal(cut) and "宣传教育" in refusal(cut)


def test_documents_of_other_kinds_are_refused_naming_what_they_are():
    selfeval = "绩效目标自评表 | |||\n项目名称 | 特色种养 | |\n全年预算数(A) | 全年执行数(B) | 分值 | 执行率(B/A) | 得分 |\n"
    assert "绩效目标自评表, not a target form" in refusal(selfeval)
    prose = "部门预算公开绩效目标情况说明\n一、部门整体绩效目标1、总体绩效目标2020年,全县教育工作的总体要求是\n"
    assert "prose" in refusal(prose)
    glued = "项目绩效目标表(2021年度)项目名称镇域内基础设施建设\n年度绩效指标一级指标二级指标指标内容指标值备注产出指标数量指标88100\n"
    assert refusal(glued).startswith("form.txt:2: table cells glued together with no separator")


def test_the_lexicon_reads_a_wording_as_its_label():
    assert label_key("项目支出名称") == label_key("专项名称") == "项目名称"
    assert label_key("主管部门及编码") == "主管部门"
    assert label_key("项目预算金额(万元)") == label_key("下达中央预算内投资(万元)") == "年度资金总额"
    assert label_key("预期2022年实现值") == label_key("指标值及单位") == "指标值"  # {year}
    assert canonical("其中:当年财政拨款") == "财政拨款" and canonical("1、一般公共预算") == "一般公共预算"
    assert level_name("实施效果指标") == "效益指标" and level_name("社会公众或服务对象满意度指标") == "服务对象满意度指标"
    assert label_key("考核内容") == "考核内容"  # a wording the lexicon does not know stays as written


def test_a_spec_label_that_the_lexicon_reads_otherwise_is_an_error(monkeypatch):
    from perfaudit.ingest import specs

    assert layout_specs()  # the shipped specs agree with the lexicon (loading checks it)
    with pytest.raises(ValueError, match="the lexicon reads it as"):
        specs._frozen({"指标值": "value", "目标值": "weight"})


INDENTED = """\
项目支出绩效目标批复表
(2022年度)
单位:元
 黄石市某某中心 1,200,000.00
  主体班培训 1,200,000.00 完成主体班培训280人次
   产出指标
    数量指标
     培训人次 280人次
     授课 人次 25人次
    质量指标
     培训完成率 100%
   效益指标
    社会效益指标
     干部能力提升 明显提升
   满意度指标
    服务对象满意度指标
     学员满意度 ≥95%
"""


def test_a_tree_whose_levels_are_told_by_indentation():
    dataset = read(INDENTED)
    assert tuple(dataset.documents.iloc[0][["layout", "form", "amount_unit"]]) == ("N3", "indented tree", "元")
    project = dataset.projects.iloc[0]
    assert (project.project_name, project.budget_total, project.goal) == ("主体班培训", 120.0, "完成主体班培训280人次")
    assert dataset.units.iloc[0].unit_name == "黄石市某某中心"
    assert rows(dataset) == [
        ("产出指标", "数量指标", "培训人次", "280人次"),
        ("产出指标", "数量指标", "授课 人次", "25人次"),  # one value-shaped word: the name is the rest
        ("产出指标", "质量指标", "培训完成率", "100%"),
        ("效益指标", "社会效益指标", "干部能力提升", "明显提升"),
        ("满意度指标", "服务对象满意度指标", "学员满意度", "≥95%"),
    ]
    assert dataset.indicators.source_line.tolist() == [8, 9, 11, 14, 17]
    ambiguous = INDENTED.replace("干部能力提升 明显提升", "干部 能力 明显 提升")
    assert refusal(ambiguous).startswith("form.txt:14: cannot tell an indicator's name from its value")


SIDE_BY_SIDE = """\
项目支出绩效目标申报表 | |||||||||
项目名称 | 农产品质检体系建设 | ||||||||
主管部门及代码 | [066]六安市农业农村局 | 实施单位 | 六安市农业农村局 | ||||||
项目资金 (万元) |
中期资金总额: | 68.50 | 年度资金总额: | 51.35 | |||||
其中:财政拨款 | 68.50 | 其中:财政拨款 | 51.35 | ||||||
总 体 目 标 |
中期目标(2024年—2026年) | 年度目标 | |||||||
三年内提升农产品质量安全 |
年内完成监测任务 |
绩 效 指 标 | 一级指标 | 二级指标 | 三级指标 | 指标值 | 二级指标 | 三级指标 | 指标值 | ||
产出指标 | 数量指标 | 监督抽检批次 | ≥300组 | 数量指标 | 监督抽检批次 | ≥100组 | ||||||
质量指标 | 监测合格率 | ≥98% | 质量指标 | 监测合格率 | ≥98% | ||||
仪器维修维护 | ≥12次 | 仪器维修维护 | ≥4次 | ||||||
满意度指标 | 服务对象满意度指标 | 农户满意度 | ≥90% | 服务对象满意度指标 | 农户满意度 | ≥90% | ||||
填表人: 张三 | ||||
"""


def test_side_by_side_halves_in_pipe_rows_and_goals_one_a_line():
    dataset = read(SIDE_BY_SIDE)
    project = dataset.projects.iloc[0]
    assert (project.period_budget_total, project.budget_total, project.period_fiscal_funds, project.fiscal_funds) == (68.5, 51.35, 68.5, 51.35)
    assert (project.period_goal, project.goal) == ("三年内提升农产品质量安全", "年内完成监测任务")
    columns = ["level1", "level2", "level3", "target_annual", "target_period"]
    assert [tuple(r) for r in dataset.indicators[columns].itertuples(index=False)] == [
        ("产出指标", "数量指标", "监督抽检批次", "≥100组", "≥300组"),
        ("产出指标", "质量指标", "监测合格率", "≥98%", "≥98%"),
        ("产出指标", "质量指标", "仪器维修维护", "≥4次", "≥12次"),  # continuation row: both halves start at 三级
        ("满意度指标", "服务对象满意度指标", "农户满意度", "≥90%", "≥90%"),
    ]


CAPTION_LEVEL = """\
中央预算内投资计划绩效目标表
专项名称 |
畜禽粪污资源化利用整县推进项目 | ||||
下达地方或单位 |
宝坻区人民政府 | ||||
下达中央预算内投资(万元) |
2350 | ||||
总 |
提高畜禽粪污综合利用率。 | ||||
绩 |
一级指标 |
二级指标 |
三级指标 |
指标值 | |
实施效果指标 |
产出指标 |
建设项目个数 |
1 | ||
竣工验收合格率 |
100% | ||||
效益指标 |
畜禽粪污综合利用率 |
≥90% | |||
满意度指标 |
服务对象满意度 |
群众满意度 |
≥90% | ||||
"""


def test_a_caption_first_level_over_level_names_and_labels_cut_to_one_character():
    dataset = read(CAPTION_LEVEL)
    project = dataset.projects.iloc[0]
    assert (project.project_name, project.budget_total, project.goal) == ("畜禽粪污资源化利用整县推进项目", 2350.0, "提高畜禽粪污综合利用率。")
    assert dataset.units.iloc[0].unit_name == "宝坻区人民政府"
    assert rows(dataset) == [  # 实施效果指标 captions the 产出/效益 names that stand in its 二级 column
        ("产出指标", None, "建设项目个数", "1"),
        ("产出指标", None, "竣工验收合格率", "100%"),
        ("效益指标", None, "畜禽粪污综合利用率", "≥90%"),
        ("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%"),
    ]


ATTRIBUTE_SPACE_ROWS = """\
再生资源回收市场管理经费项目绩效目标表
(2021年)
项目名称 再生资源回收市场管理经费
主管部门 (433)乌海市供销合作社联合社(部门)
实施单位 (433001)乌海市供销合作社联合社
资金总额 3
其中: 财政拨款数 3
其他资金 0
年度目标 合理布局,规范建设。
绩效指标(权重分值90分) 一级指标 二级指标 三级指标 指标性质 指标方向 目标值 计量单位 分值 备注
产出指标 数量指标 出差人数 正向 = 8 4
产出指标 数量指标 出差人次 正向 = 24 人/次 4
效益指标 社会效益指标 促进资源循环利用 正向 = 95 % 20
满意度指标 服务对象满意度指标 群众满意度 正向 ≥ 90 % 10
"""


def test_101_attribute_space_rows_whose_empty_unit_collapsed():
    dataset = read(ATTRIBUTE_SPACE_ROWS)
    assert dataset.documents.iloc[0].layout == "N2"
    project = dataset.projects.iloc[0]
    # a plain 资金总额 with no annual total beside it is the annual total, its 其中 lines with it
    assert (project.budget_total, project.fiscal_funds, project.other_funds) == (3.0, 3.0, 0.0)
    assert pd.isna(project.period_budget_total)
    columns = ["level3", "target_annual", "measure_unit", "weight"]
    assert [tuple(None if pd.isna(v) else v for v in r) for r in dataset.indicators[columns].itertuples(index=False)] == [
        ("出差人数", "≥8", None, 4.0),  # 4 cannot be a 计量单位: it is the 分值
        ("出差人次", "≥24人/次", "人/次", 4.0),
        ("促进资源循环利用", "≥95%", "%", 20.0),
        ("群众满意度", "≥90%", "%", 10.0),
    ]


def _as_pipe_rows(text: str, decorated: bool) -> str:
    """A tab-separated text as a web page copies it: ``a | b | c`` (``| a | b | c |`` decorated)."""
    def row(line: str) -> str:
        cells = " | ".join(line.split("\t"))
        return f"| {cells} |" if decorated else cells

    return "\n".join(row(line) if "\t" in line else line for line in text.split("\n"))


def _tables(dataset) -> dict[str, list[tuple]]:
    columns = {
        "projects": ["project_name", "budget_total", "fiscal_funds", "other_funds", "period_budget_total", "goal", "period_goal"],
        "indicators": ["level1", "level2", "level3", "target_annual", "target_period", "nature", "weight", "previous_value"],
        "units": ["unit_name", "unit_code", "department"],
    }
    return {table: [tuple(None if pd.isna(v) else v for v in row) for row in getattr(dataset, table)[names].astype(object).itertuples(index=False)]
            for table, names in columns.items()}


@pytest.mark.parametrize("decorated", [False, True], ids=["pipes", "decorated pipes"])
def test_every_national_and_department_fixture_reads_the_same_as_pipe_rows(decorated):
    import department_forms as dforms
    import national_forms as nf

    texts = [(nf.text(name, "rows"), nf.FILE_NAMES[name]) for name in nf.FILE_NAMES]
    texts += [(dforms.text(name), dforms.FILE_NAMES[name]) for name in dforms.FILE_NAMES]
    for text, name in texts:
        piped = read_document(_as_pipe_rows(text, decorated).encode("utf-8"), name)
        assert piped.documents.iloc[0].form == "pipe rows", name
        assert _tables(piped) == _tables(read_document(text.encode("utf-8"), name)), name


def test_line_cells_without_their_empty_cells_fill_the_annual_half():
    # the same form copied without the lines that held the blank 长期 cells: a row with one half's
    # cells is the 年度 half's
    dataset = read("\n\n".join(cell for cell in LINE_CELLS.split("\n\n") if cell.strip()) + "\n")
    assert rows(dataset) == rows(read(LINE_CELLS))
    assert dataset.indicators.target_period.isna().all()


def test_a_value_whose_next_paragraph_stands_on_a_pipe_row_of_its_own():
    split = PIPE_ROWS.replace(" 2.保证补贴资金及时发放。 | |||", " | |||\n2.保证补贴资金及时发放。 | |||")
    assert split != PIPE_ROWS
    assert read(split).projects.iloc[0].goal == read(PIPE_ROWS).projects.iloc[0].goal


MONEY_GRID = """\
| 雨露计划绩效目标申报表 | |||||||||
| (2023年度) | |||||||||
| 专项基本情况 | 专项名称 | 2023年雨露计划就学补助项目 | |||||||
| 主管部门 | 南岳区乡村振兴局 | 专项起止时间 | 2023年1月至12月 | ||||||
| 专项资金情况 | 本年度预计投入(万元) | 财政资金(万元) | 其他 | ||||||
| 中央 | 省级 | 市级资金 | 本级 | ||||||
| 9 | 2 | 5 | 1 | 0 | 1 | ||||
| 中长期绩效 目标 | 1.已注册学籍的脱贫家庭子女可享受助学补助。 | ||||||||
| 本年度绩效 目标 | 1.对提供就读学籍证明的学生发放就学补助; | ||||||||
| 2.补助标准为:每生 1500 元/学期。 | |||||||||
| 专项年度绩效指标 | 一级指标 | 二级指标 | 三级指标内容 | 指标值及单位 | |||||
| 产出 指标 | 数量指标 | 年度申请就学补助户数 | >=101人/次 | ||||||
| 满意度指标 | 服务对象满意度指标 | 学生满意度 | >=95% | ||||||
| 填报人: 张三 | |||||||||
"""


def test_a_money_grid_over_the_sources_of_its_fiscal_funds():
    project = read(MONEY_GRID).projects.iloc[0]
    # 本年度预计投入 9 = 财政资金 (中央 2 + 省级 5 + 市级 1 + 本级 0) + 其他 1
    assert (project.project_name, project.budget_total, project.fiscal_funds, project.other_funds) == (
        "2023年雨露计划就学补助项目", 9.0, 8.0, 1.0)
    assert project.period_goal == "1.已注册学籍的脱贫家庭子女可享受助学补助。"
    assert project.goal == "1.对提供就读学籍证明的学生发放就学补助; 2.补助标准为:每生 1500 元/学期。"


TREE_PIPE_ROWS = """\
| 部门预算项目绩效目标申报表(2023年度) | ||||||||||||
| 金额单位:元 | ||||||||||||
| 单位名称 | 项目名称 | 预算数 | 年度目标 | 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 | 权重 | 指标方向性 | |
| 820-马踏镇部门 | 3,969,840.00 | |||||||||||
| 820001-井研县马踏镇人民政府 | 村组干部报酬 | 3,309,840.00 | 按时发放村组干部报酬 | 效益指标 | 社会效益指标 | 维护社会稳定 | ≥ | 95 | % | 10 | 正向指标 | |
| 产出指标 | 时效指标 | 维持时效 | ≥ | 1 | 年 | 20 | 正向指标 | |||||
| 满意度指标 | 服务对象满意度指标 | 人民群众满意度 | ≥ | 95 | % | 10 | 正向指标 | |||||
| 基层组织活动经费 | 660,000.00 | 包括村社区办公经费 | 满意度指标 | 服务对象满意度指标 | 辖区内群众满意度 | ≥ | 95 | % | 10 | 正向指标 | ||
| 产出指标 | 数量指标 | 行政村数量 | = | 11 | 个 | 10 | 正向指标 | |||||
"""


def test_a_tree_in_pipe_rows_with_101_attributes_and_merged_cells_left_out():
    dataset = read(TREE_PIPE_ROWS)
    assert tuple(dataset.documents.iloc[0][["layout", "amount_unit"]]) == ("N3", "元")
    unit = dataset.units.iloc[0]
    assert (unit.unit_name, unit.unit_code, unit.department) == ("井研县马踏镇人民政府", "820001", "马踏镇部门")
    projects = dataset.projects
    assert projects.project_name.tolist() == ["村组干部报酬", "基层组织活动经费"]
    assert projects.budget_total.tolist() == [330.984, 66.0]  # 元 -> 万元
    assert rows(dataset) == [  # 指标性质 ≥, 指标值 95 and 度量单位 % read as the form does
        ("效益指标", "社会效益指标", "维护社会稳定", "≥95%"),
        ("产出指标", "时效指标", "维持时效", "≥1年"),
        ("满意度指标", "服务对象满意度指标", "人民群众满意度", "≥95%"),
        ("满意度指标", "服务对象满意度指标", "辖区内群众满意度", "≥95%"),
        ("产出指标", "数量指标", "行政村数量", "=11个"),
    ]
    assert dataset.indicators.weight.tolist() == [10.0, 20.0, 10.0, 10.0, 10.0]
    assert dataset.declared_totals.budget_total.tolist() == [396.984]
