"""The checks of issue 23 (audit/rules/relevance, goals, plausibility, template, official): each fires
on a real sentence (from the reviewed documents of the issue, or the Julu sample edited by one line
as the issue probed it) and stays silent on a near miss; false findings are worse than misses."""

from __future__ import annotations

from pathlib import Path

import pytest

import audit_fixtures as af
from audit_fixtures import BEN, COST, COSTS, ECO, GOOD, OUT, QTY, QUA, SAT, SERV, SOC, TIME, Project
from perfaudit.audit import audit_dataset
from perfaudit.ingest import ingest_paths

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


GOOD_NO_COST = [i for i in GOOD if i[1] != COSTS]


def one(**project) -> af.Dataset:
    return af.dataset(Project(**project))


def ind(*items, **project) -> af.Dataset:
    return af.dataset(Project(indicators=[*GOOD, *items], **project))


# A trip abroad (因公出访) whose indicators are about the trip.
TRIP = [
    (OUT, QTY, "出访团组数", "≤1团次"),
    (OUT, QUA, "出访任务完成率", "≥95%"),
    (OUT, TIME, "出访完成时间", "2024年12月底前"),
    (OUT, COSTS, "出访费用", "≤10万元"),
    (BEN, SOC, "对外交流合作项目数", "≥2个"),
    (SAT, SERV, "交流对象满意度", "≥90%"),
]
TRIP_GOAL = "组织文艺工作者因公出访，开展对外文化交流学习及艺术观摩活动。"
# A periodical (出版刊物), as Guangzhou's 编辑出版《广州文艺家》.
PERIODICAL = [
    (OUT, QTY, "刊物发行数量", "≥6000册"),
    (OUT, QUA, "刊物印刷出版质量达标率", "≥98%"),
    (OUT, TIME, "书本杂志印刷及时率", "≥95%"),
    (OUT, COSTS, "刊物编印费用", "≤20万元"),
    (BEN, SOC, "刊物赠阅覆盖率", "≥90%"),
    (SAT, SERV, "发行对象满意度", "≥90%"),
]
# A cloud platform's upkeep (信息化运维), as Tianjin's 天津市公共文化云运维.
CLOUD = [
    (OUT, QTY, "软件维护数量", "≥1个"),
    (OUT, QUA, "系统验收合格率", "≥95%"),
    (OUT, TIME, "系统运行维护响应时间", "≤10分钟"),
    (OUT, COSTS, "云平台运维费", "≤33.3万元"),
    (SAT, SERV, "服务对象满意度", "≥90%"),
]
PERIODICAL_GOAL = "全年编印6000册《广州文艺家》（每月1期，每期1000册），向本行业、本系统赠阅，推介优秀文艺作品。"


CASES = [
    # C14 — relevance read from the goal and the descriptions
    ("C14", one(name="外事工作经费", goal=TRIP_GOAL, indicators=[*TRIP, (OUT, QTY, "案件办理数", "≥2件", {"description": "纪检监察案件办理数量"})]), 1),
    ("C14", one(name="车辆保险费", goal="为单位公务车辆购买保险。", indicators=[*TRIP[2:4], (BEN, SOC, "社会效益", "≥5%", {"description": "节约水、电，降低运行成本"})]), 1),
    ("C14", one(name="编辑出版《广州文艺家》", goal=PERIODICAL_GOAL, indicators=[*PERIODICAL, (BEN, SOC, "保障活动的正常运行", "100%")]), 1),
    ("C14", one(name="外事工作经费", goal=TRIP_GOAL, indicators=TRIP), 0),
    ("C14", one(name="外事工作经费", goal=TRIP_GOAL + "落实廉政要求。", indicators=[*TRIP, (OUT, QTY, "案件办理数", "≥2件", {"description": "纪检监察案件办理数量"})]), 0),
    ("C14", one(name="机构运行经费", goal=TRIP_GOAL, indicators=[*TRIP, (OUT, QTY, "案件办理数", "≥2件", {"description": "纪检监察案件办理数量"})]), 0),  # general project
    ("C14", one(name="编辑出版《广州文艺家》", goal=PERIODICAL_GOAL + "开展读者交流活动。", indicators=[*PERIODICAL, (OUT, QTY, "读者交流活动场次", "≥2场")]), 0),
    ("C14", one(name="专项工作经费", goal="开展文艺评论、学术交流和因公出访工作，落实纪检监察要求。", indicators=[*GOOD, (OUT, QTY, "案件办理数", "≥2件")]), 0),  # two kinds in the goal
    ("C14", one(name="天津市公共文化云运维", goal="保障公共文化云平台安全可靠运行。", indicators=[*CLOUD, (BEN, SOC, "平台用户人次", "≥10万人次", {"description": "群众访问平台、交流互动的人次"})]), 0),  # 访问, 交流: weak words
    ("C14", one(name="天津市公共文化云运维", goal="保障公共文化云平台安全可靠运行。", indicators=[*CLOUD, (BEN, SOC, "平台用户人次", "≥10万人次", {"description": "落实廉政纪检要求的人次"})]), 1),
    # C15 — inputs posing as effects
    ("C15", ind((BEN, SOC, "投入活动资金总额", "≥6 万元")), 1),
    ("C15", ind((BEN, ECO, "带动社会投资", "≥100万元")), 0),
    ("C15", ind((BEN, ECO, "节约资金", "≥2万元")), 0),
    ("C15", ind((OUT, COSTS, "投入活动资金总额", "≤6 万元")), 0),
    # C16 — a name's own target against its value
    ("C16", ind((OUT, QUA, "刊物印刷出版质量达标率100%", "≥98%")), 1),
    ("C16", ind((OUT, QUA, "刊物印刷出版质量达标率100%", "100%")), 0),
    ("C16", ind((OUT, QUA, "5G网络覆盖率", "≥98%")), 0),
    # C17 — capped activities set as floors
    ("C17", ind((OUT, QTY, "出国考察次数", ">3次"), name="因公出国（境）经费"), 1),
    ("C17", ind((OUT, QTY, "出访人数", "不少于5人次")), 1),
    ("C17", ind((OUT, QTY, "出国考察次数", "≤3次")), 0),
    ("C17", ind((OUT, QUA, "出访任务完成率", "≥95%")), 0),
    ("C17", ind((OUT, QTY, "对外文化交流活动场次", "≥3场")), 0),
    ("C17", ind((OUT, QTY, "出境参展作品数量", "≥20件")), 0),
    # C18 — satisfaction rated by the unit itself
    ("C18", ind((SAT, SERV, "编外人员的满意度", "本单位对聘用的编外人员满意度100%")), 1),
    ("C18", ind((SAT, SERV, "本单位对物业服务满意度", "≥90%")), 1),
    ("C18", ind((SAT, SERV, "服务对象满意度", "≥90%", {"description": "本单位组织问卷调查，统计服务对象的满意度"})), 0),
    ("C18", ind((SAT, SERV, "参训学员对培训的满意度", "≥90%")), 0),
    # S14 — goals with no task, quantity or effect for the year
    ("S14", one(goal="该项目既是保障机关正常运转的需要，也是提升单位服务水平、更好履行职能的需要。"), 1),
    ("S14", one(goal="通过购买车辆保险，较大程度地节省了车辆维修开支，有利于单位各项工作的顺利开展。"), 1),
    ("S14", one(goal="确保机关正常运转，做好后勤服务保障工作。"), 0),  # S08's: one finding (S14 related)
    ("S14", one(goal="确保机关正常运转，全年开展书画活动8次，培训学员200人。", indicators=[*GOOD, (OUT, QTY, "开展活动次数", "≥8次"), (OUT, QTY, "培训学员人数", "≥200人")]), 0),
    ("S14", one(goal="通过开展文化惠民演出、展览活动及全民艺术普及培训，促进我市文化事业发展。"), 0),
    ("S14", one(), 0),
    ("S14", one(goal="保障已建成的10个农家书屋正常开放，有利于丰富群众文化生活。"), 0),
    # S15 — tasks and figures of the goal without an indicator (88号)
    ("S15", one(goal="全年开展书画活动8次，举办培训班2期，培训学员200人。"), 1),
    ("S15", one(goal="全年开展书画活动8次，举办培训班3期。", indicators=[*GOOD, (OUT, QTY, "开展活动次数", "≥8次")]), 0),
    ("S15", one(goal=PERIODICAL_GOAL, indicators=PERIODICAL), 0),  # 每月1期, 每期1000册: per-unit figures
    ("S15", one(goal="文联现有15个文艺家协会，举办业务培训3期。"), 0),  # background
    ("S15", one(goal="举办业务培训3-5期。"), 0),  # a range: its floor is the indicator's
    ("S15", one(goal="开展活动，服务群众10万人次。", indicators=[*GOOD, (BEN, SOC, "服务群众人次", "≥10万人次")]), 0),
    ("S15", one(goal="开展活动，服务群众10万人次。", indicators=[*GOOD, (BEN, SOC, "服务群众人次", "≥100000人次")]), 0),
    # S16 — a negative-impact cost indicator where the work has side effects (101号)
    ("S16", one(name="文化广场改扩建工程", goal="完成文化广场改扩建，新增活动面积2000平方米。"), 1),
    ("S16", one(name="文化广场改扩建工程", indicators=[*GOOD, (COST, "社会成本指标", "施工噪声扰民投诉", "≤2起")]), 0),
    ("S16", one(name="文化广场改扩建工程", indicators=[*GOOD, (OUT, QUA, "施工扬尘控制达标率", "≥95%")]), 0),
    ("S16", one(name="广州市文学艺术创作基地建设"), 0),
    # S17 — purchases without a count of items
    ("S17", one(name="办公设备及公务用车购置", goal="购置办公设备和公务用车，保障工作开展。"), 1),
    ("S17", one(name="2024年办公设备购置经费", indicators=[*GOOD, (OUT, QTY, "空调更新数量", "5台")]), 0),
    ("S17", one(name="政府购买服务经费"), 0),
    ("S17", one(name="车辆保险采购"), 0),
    # A12 — unit cost × quantity against the budget
    ("A12", one(budget=400.0, fiscal=400.0, indicators=[*GOOD_NO_COST, (OUT, COSTS, "亩均建设成本", "≤1600元/亩"), (OUT, QTY, "高标准农田建设面积", "≥500亩")]), 1),
    ("A12", one(budget=80.0, fiscal=80.0, indicators=[*GOOD_NO_COST, (OUT, COSTS, "亩均建设成本", "≤1600元/亩"), (OUT, QTY, "高标准农田建设面积", "≥500亩")]), 0),
    ("A12", one(budget=10.0, fiscal=10.0, indicators=[*GOOD_NO_COST, (OUT, COSTS, "人均补助标准", "≤500元/人"), (OUT, QTY, "补助人数", "≥150人")]), 0),
    ("A12", one(budget=400.0, fiscal=400.0, indicators=[*GOOD_NO_COST, (OUT, COSTS, "亩均建设成本", "≤1600元/亩"), (OUT, COSTS, "设计监理费", "≤300万元"), (OUT, QTY, "高标准农田建设面积", "≥500亩")]), 0),
    ("A12", one(budget=10.0, fiscal=10.0, indicators=[*GOOD_NO_COST, (OUT, COSTS, "每场演出成本", "≤2000元/场"), (OUT, QTY, "演出场次", "≥10场")]), 0),  # per event: the budget pays for more
    # A13 — outputs against inputs
    ("A13", ind((OUT, QTY, "粮食产量", "≥3500公斤"), (OUT, QTY, "种植面积", "≥500亩")), 1),
    ("A13", ind((OUT, QTY, "粮食产量", "≥25万公斤"), (OUT, QTY, "种植面积", "≥500亩")), 0),
    ("A13", ind((BEN, ECO, "粮食增产", "≥3500公斤"), (OUT, QTY, "种植面积", "≥500亩")), 0),
    # A14 — people served against beneficiaries
    ("A14", ind((OUT, QTY, "解决饮水困难人数", "1000人"), (BEN, SOC, "受益人数", "≥500人")), 1),
    ("A14", ind((OUT, QTY, "解决饮水困难人数", "1000人"), (BEN, SOC, "受益人数", "≥1200人")), 0),
    ("A14", ind((OUT, QTY, "培训人次", "≥1000人次"), (BEN, SOC, "受益人数", "≥500人")), 0),  # 人次 are not people
    ("A14", ind((OUT, QTY, "培训人数", "1000人"), (BEN, SOC, "受益贫困人口", "≥500人")), 0),  # a part of those served
    # A15 — growth rates without a base
    ("A15", ind((BEN, SOC, "公共数字文化服务人次增长率", "≥5%")), 1),
    ("A15", ind((BEN, SOC, "公共数字文化服务人次增长率", "≥5%", {"description": "较上年服务人次增长的比例"})), 0),
    ("A15", ind((BEN, SOC, "服务人次增长率", "≥5%", {"basis": "2023年实际服务2.1万人次"})), 0),
    ("A15", ind((BEN, SOC, "业务保障能力提升情况", "100%")), 0),
    # A16 — targets out of proportion to the money
    ("A16", ind((BEN, SOC, "参与活动人数", "≥400000 人"), budget=5.0, fiscal=5.0), 1),
    ("A16", ind((BEN, SOC, "场馆访客人数", "10万人次/年"), budget=700.0, fiscal=700.0), 0),
    ("A16", ind((BEN, SOC, "线上直播观看人次", "≥400000人次"), budget=5.0, fiscal=5.0), 0),
    # Q12 — a value without a unit (101号)
    ("Q12", ind((OUT, QTY, "开展活动次数", "3")), 1),
    ("Q12", ind((OUT, QTY, "开展活动次数", "≥3")), 1),
    ("Q12", ind((OUT, QTY, "开展活动次数", "3 次")), 0),
    ("Q12", ind((OUT, QTY, "开展活动次数（次）", "3")), 0),
    ("Q12", ind((BEN, SOC, "群众文化获得感指数", "≥80")), 0),
    ("Q12", ind((OUT, QUA, "工作人员到岗率", "100")), 0),  # C01's
    # X03 — template residue and instructions
    ("X03", ind((OUT, QTY, "培训班次(≥**个)", "≥3个")), 1),
    ("X03", ind((OUT, QUA, "培训合格率(≥**%)", "≥95%")), 1),
    ("X03", af.dataset(Project(), front_matter="注:各地请根据实际情况对指标进行调整"), 1),
    ("X03", ind((OUT, QTY, "培训班次", "≥3个", {"description": "注：请根据项目实际增减指标"})), 1),
    ("X03", af.dataset(Project(), front_matter="注：本表金额单位为万元"), 0),
    ("X03", af.dataset(Project(), front_matter="注：根据《预算法》规定，本表公开项目支出绩效目标"), 0),
    ("X03", ind((OUT, QTY, "培训班次", "≥3个", {"description": "根据年度培训计划确定"})), 0),
    # D05 — one spending plan copied; a one-off payment spread by quarter
    ("D05", one(name="公务用车保险费", plan=(25.0, 50.0, 75.0, 100.0)), 1),
    ("D05", one(name="公务用车保险费", plan=(100.0, 100.0, 100.0, 100.0)), 0),
    ("D05", one(name="职工社会保险费", plan=(25.0, 50.0, 75.0, 100.0)), 0),  # paid monthly
    ("D05", af.dataset(*(Project(name=f"项目{i}", plan=(25.0, 50.0, 75.0, 100.0)) for i in "甲乙丙丁")), 1),
    ("D05", af.dataset(*(Project(name=f"项目{i}", plan=(25.0, 50.0, 75.0, 100.0)) for i in "甲乙丙")), 0),
]


@pytest.mark.parametrize(("rule", "data", "expected"), CASES, ids=[f"{r}-{i}" for i, (r, _, _) in enumerate(CASES)])
def test_fragment(rule, data, expected):
    found = af.findings(data, rule)
    assert len(found) == expected, found[["rule_id", "evidence", "message"]].to_string()


def test_c14_names_where_the_foreign_word_stands():
    found = af.findings(one(name="外事工作经费", goal=TRIP_GOAL, indicators=[*TRIP, (OUT, QTY, "案件办理数", "≥2件", {"description": "纪检监察案件办理数量"})]), "C14")
    assert found.iloc[0]["message"].startswith("指标描述写的是纪检监察事项（“纪检”），本项目是因公出访项目")
    assert found.iloc[0]["evidence"] == "案件办理数：纪检监察案件办理数量"


def test_c11_and_c14_on_one_indicator_are_one_finding():
    found = af.findings(ind((OUT, QTY, "纪检监察案件办理数", "≥3件"), name="市文联因公出国（境）经费"))
    own = found[found["indicator"] == "纪检监察案件办理数"]
    assert own["rule_id"].tolist() == ["C11"] and own["related_rules"].iloc[0] == "C14"


def test_s14_is_weighed_by_the_project_share_of_the_budget():
    empty_goal = "该项目既是保障机关正常运转的需要，也是提升单位服务水平、更好履行职能的需要。"
    big = Project(name="甲", goal=empty_goal, budget=80.0, fiscal=80.0)
    small = Project(name="乙", goal=empty_goal + "有利于工作开展。", budget=5.0, fiscal=5.0)
    filler = Project(name="丙", budget=15.0, fiscal=15.0)
    found = af.findings(af.dataset(big, small, filler), "S14").set_index("project_name")
    assert found.loc["甲", "severity"] == "error" and "占单位预算的 80%" in found.loc["甲", "message"]
    assert found.loc["乙", "severity"] == "warning" and "占单位预算的 5%" in found.loc["乙", "message"]


def test_s14_attached_to_s08_on_a_boilerplate_goal():
    found = af.findings(one(goal="确保机关正常运转，做好后勤服务保障工作。"))
    goal = found[found["rule_id"].isin(["S08", "S13", "S14"])]
    assert goal["rule_id"].tolist() == ["S08"] and "S14" in goal["related_rules"].iloc[0]


def test_s15_lists_every_task_without_an_indicator():
    found = af.findings(one(goal="全年开展书画活动8次，举办培训班2期，培训学员200人。"), "S15").iloc[0]
    assert "“8次”、“2期”、“200人”" in found["message"]


def test_a12_states_the_implied_quantity():
    data = one(budget=400.0, fiscal=400.0, indicators=[*GOOD_NO_COST, (OUT, COSTS, "亩均建设成本", "≤1600元/亩"), (OUT, QTY, "高标准农田建设面积", "≥500亩")])
    assert "折算约 2,500亩" in af.findings(data, "A12").iloc[0]["message"]


def test_q06_leaves_social_cost_alone_and_q01_accepts_defined_grades():
    social = ind((COST, "社会成本指标", "施工噪声扰民投诉次数", "≤1起"))
    assert af.findings(social, "Q06").empty
    assert len(af.findings(ind((COST, "经济成本指标", "差旅费用标准", "执行当年财政局标准")), "Q06")) == 1
    graded = ind((OUT, QUA, "活动组织质量", "好", {"description": "活动组织质量分为好、较好、一般、差四档"}))
    assert af.findings(graded, "Q01").empty
    assert len(af.findings(ind((OUT, QUA, "活动组织质量", "好")), "Q01")) == 1
    assert af.findings(ind((BEN, SOC, "社会效益", "良好", {"description": "按优、良、中、差分级评价"})), "Q03").empty
    assert len(af.findings(ind((OUT, QUA, "活动组织质量", "好", {"description": "做好中心工作，优化服务"})), "Q01")) == 1  # no grades defined


# --- the Julu sample edited by one line, as issue 23 probed it ---------------------------------------
JULU = (EXAMPLES / "julu_wenlian_2024.txt").read_text(encoding="utf-8")

# rule -> (line as written, the edited line, indicator or project the finding is on)
PROBES = {
    "S15": ("1.按照文件要求，开展老年活动，提升老年人的幸福指数。", "1.全年开展书画活动8次，举办培训班2期，培训学员200人。", "老年诗词楹联协会经费"),
    "A16": ("开展创先争优的次数\t开展创先争优的次数\t3 次", "参与活动人数\t参与活动人数\t≥400000 人", "参与活动人数"),
    "C15": ("保障机关单位正常运转\t保障机关单位正常运转\t100%", "投入活动资金总额\t投入活动资金总额\t≥6 万元", "投入活动资金总额"),
    "Q12": ("开展活动次数\t开展活动次数\t3 次", "开展活动次数\t开展活动次数\t3", "开展活动次数"),
    "S14": ("1.按照文件要求，开展老年活动，提升老年人的幸福指数。", "1.该项目既是开展老年活动的需要，也是提升老年人幸福指数的需要。", "老年诗词楹联协会经费"),
    "X03": ("开展活动次数\t开展活动次数\t3 次", "开展活动次数(≥**个)\t开展活动次数(≥**个)\t3 次", "开展活动次数(≥**个)"),
    "C16": ("开展活动覆盖率\t开展活动覆盖率\t95%", "开展活动覆盖率100%\t开展活动覆盖率100%\t95%", "开展活动覆盖率100%"),
}


def audit_text(tmp_path, text: str, *, indicators: bool = False):
    """The findings on the text as a document (and its indicators table when asked)."""
    (tmp_path / "julu_wenlian_2024.txt").write_text(text, encoding="utf-8")
    dataset = ingest_paths([tmp_path]).dataset
    findings = audit_dataset(dataset, af.DEFAULTS, validation=af.validation()).findings
    return (findings, dataset.indicators) if indicators else findings


@pytest.fixture(scope="module")
def julu_findings(tmp_path_factory):
    return audit_text(tmp_path_factory.mktemp("julu"), JULU)


@pytest.mark.parametrize("rule", sorted(PROBES))
def test_a_one_line_edit_of_julu_draws_the_finding(tmp_path, julu_findings, rule):
    line, edited, where = PROBES[rule]
    assert JULU.count(line) >= 1
    found = audit_text(tmp_path, JULU.replace(line, edited, 1))
    own = found[(found["rule_id"] == rule) & ((found["indicator"] == where) | (found["project_name"] == where))]
    assert len(own) == 1, found[["rule_id", "indicator", "message"]].to_string()
    assert julu_findings[julu_findings["rule_id"] == rule].empty  # the unedited sample does not get it


def test_julu_social_cost_and_graded_target_probes(tmp_path):
    social = "成本指标\t社会成本指标\t施工噪声扰民投诉次数\t施工噪声扰民投诉次数\t≤1起\t环境保护要求\n效益指标\t经济效益指标\t保障机关正常运转"
    graded = "活动组织质量\t活动组织质量分为好、较好、一般、差四档\t好"
    text = JULU.replace("效益指标\t经济效益指标\t保障机关正常运转", social, 1).replace("开展活动覆盖率\t开展活动覆盖率\t95%", graded, 1)
    found, indicators = audit_text(tmp_path, text, indicators=True)
    read = indicators.set_index("level3")
    assert read.loc["施工噪声扰民投诉次数", "level2"] == "社会成本指标" and read.loc["活动组织质量", "target_annual"] == "好"
    assert found[found["indicator"].isin(["施工噪声扰民投诉次数", "活动组织质量"]) & found["rule_id"].isin(["Q06", "Q01", "Q03"])].empty


def test_c14_weak_words_are_no_evidence():
    data = one(name="天津市公共文化云运维", goal="保障公共文化云平台安全可靠运行。",
               indicators=[*CLOUD, (BEN, SOC, "平台用户人次", "≥10万人次", {"description": "群众访问平台、交流互动的人次"})])
    assert af.findings(data, "C14").empty
    assert len(af.findings(data, "C14", config=af.settings(relevance__weak_words=[]))) == 1  # 访问 read as 因公出访


def test_a_rate_target_above_100_stays_a06s():
    # 完成及时率 ≥100% (issue 23's plausibility list) is a degenerate rate: A06, not a new rule
    assert len(af.findings(ind((OUT, TIME, "完成及时率", "≥100%")), "A06")) == 1
    assert len(af.findings(ind((OUT, TIME, "完成及时率", "105%")), "A06")) == 1
    assert af.findings(ind((OUT, TIME, "完成及时率", "=100%")), "A06").empty
