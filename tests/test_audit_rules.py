"""Every rule of the catalogue on document fragments: fragments that must trigger it, near misses
that must not. Fragments are one project (the clean block ``GOOD`` plus the lines under test)
unless the rule is about the project as a whole."""

from __future__ import annotations

import pandas as pd
import pytest

import audit_fixtures as af
from audit_fixtures import BEN, COST, COSTS, ECO, ENV, GOOD, OUT, QTY, QUA, SAT, SERV, SOC, SUS, TIME, Project
from perfaudit.validate import DECLARED_PARTS_SUM, LEVEL_PAIR, PLAN_MONOTONE, SOURCES_SUM, OffendingRow


def without(level1: str | None = None, *level2: str) -> list:
    """The clean block without the indicators of a level1 or of some level2s."""
    return [i for i in GOOD if i[0] != level1 and i[1] not in level2]


def one(**project) -> af.Dataset:
    return af.dataset(Project(**project))


def ind(*items, layout: str = "B", **project) -> af.Dataset:
    return af.dataset(Project(indicators=[*GOOD, *items], **project), layout=layout)


CASES = [
    # S — structure
    ("S01", one(indicators=without(OUT)), 1),
    ("S01", one(indicators=[*without(OUT), (OUT, QTY, "举办培训班次", "≥3期")]), 0),
    ("S02", one(indicators=without(BEN)), 1),
    ("S02", one(indicators=[*without(BEN), (BEN, SUS, "文艺人才队伍持续发展", "≥50人")]), 0),
    ("S03", one(indicators=without(SAT)), 1),
    ("S03", one(indicators=[*without(SAT), (SAT, SERV, "群众满意率", "≥85%")]), 0),
    ("S04", one(indicators=without(None, COSTS)), 1),
    ("S04", one(indicators=[*without(None, COSTS), (COST, "经济成本指标", "培训成本", "≤10万元")]), 0),
    ("S05", one(indicators=without(None, QUA)), 1),
    ("S05", one(indicators=without(None, QUA, TIME)), 1),  # one finding listing both
    ("S05", one(indicators=without(OUT)), 0),  # no output at all: S01, not S05
    ("S07", one(indicators=GOOD[:2]), 1),
    ("S07", one(indicators=GOOD[:3]), 0),
    ("S08", one(goal=None), 1),
    ("S08", one(goal="1.用于开展活动费用支出，保障机关正常运转。"), 1),
    ("S08", one(goal="保障单位正常运转，完成年度工作任务。"), 1),
    ("S08", one(goal="1.通过开展文化惠民演出、展览活动及全民艺术普及培训，保障场馆正常运转，促进我市文化事业发展。"), 0),
    ("S08", one(goal="举办培训班3期，培训200人。"), 0),
    ("S09", ind((OUT, QTY, "开展活动次数", "")), 1),
    ("S09", ind((OUT, QTY, "开展活动次数", "3次", {"period": ""}), layout="A"), 1),
    ("S09", ind((OUT, QTY, "", "")), 0),
    ("S09", ind((OUT, QTY, "开展活动次数", "0次")), 0),
    ("S10", ind((OUT, QTY, "1.培训次数2.培训人数", "≥3次")), 1),
    ("S10", ind((OUT, QUA, "设备完好率和使用率", "≥95%")), 1),
    ("S10", ind((OUT, TIME, "系统故障响应及时率", "≥95%")), 0),
    ("S10", ind((OUT, QTY, "展出图片、实物和文艺精品的件数", "300件以上")), 0),
    ("S11", ind((BEN, ECO, "带动旅游收入", "≥10万元", {"basis": "调查问卷"})), 1),
    ("S11", ind((OUT, QTY, "开展活动次数", "3次", {"basis": "经验"})), 1),
    ("S11", ind((OUT, QTY, "开展活动次数", "3次", {"basis": None})), 1),
    ("S11", ind((SAT, SERV, "服务对象满意度", "≥90%", {"basis": "调查问卷"})), 0),
    ("S11", ind((OUT, QTY, "开展活动次数", "3次", {"basis": "单位工作安排"})), 0),
    ("S11", ind((OUT, QTY, "开展活动次数", "3次", {"basis": "《文化馆服务规范》"})), 0),
    ("S11", ind((OUT, QTY, "开展活动次数", "3次"), layout="C"), 0),
    # A — arithmetic (A01, A02, A04: see the validation-based tests below)
    ("A03", ind((OUT, COSTS, "场馆运行经费", "≤8万元")), 1),  # 10 + 8 > 10
    ("A03", one(indicators=[*without(None, COSTS), (OUT, COSTS, "培训费", "≤5万元")]), 1),  # 5 < 80% of 10
    ("A03", one(indicators=[*without(None, COSTS), (OUT, COSTS, "场馆运行经费", "≤5.15万元"), (OUT, COSTS, "活动经费", "≤4.85万元")]), 0),
    ("A03", one(indicators=[*without(None, COSTS), (OUT, COSTS, "开展活动总费用", "10 万元"), (OUT, COSTS, "场地费", "6万元"), (OUT, COSTS, "劳务费", "4万元")]), 0),
    ("A03", ind((OUT, COSTS, "人均培训费", "≤500元/人")), 0),
    ("A03", ind((OUT, COSTS, "专家咨询费", "≤20000元")), 1),  # 元 converted: 10 + 2 > 10
    ("A05", one(plan=(30.0, 60.0, 80.0, None)), 1),
    ("A05", one(plan=(25.0, 50.0, 80.0, 90.0)), 1),
    ("A05", one(plan=()), 1),
    ("A05", one(plan=(None, 60.0, None, 100.0)), 0),
    ("A05", af.dataset(Project(), layout="C"), 0),
    ("A06", ind((OUT, TIME, "工作人员资质达标率", "≥100%")), 1),
    ("A06", ind((OUT, COSTS, "出访费用超支率", "≤0%")), 0),  # none at all is a valid target of a negative rate
    ("A06", ind((OUT, QUA, "任务完成率", "120%")), 1),
    ("A06", ind((BEN, SOC, "服务人次增长率", "≥120%")), 0),
    ("A06", ind((OUT, QUA, "系统故障率", "≤5%")), 0),
    ("A06", ind((OUT, QUA, "验收合格率", "100%")), 0),
    ("A07", ind((OUT, QTY, "刊物发行数量", "1000册/期，全年：6000册", {"period": "6000册"}), layout="A"), 1),
    ("A07", ind((OUT, QTY, "活动场次", "≥10场", {"period": "≥95%"}), layout="A"), 1),
    ("A07", ind((OUT, QTY, "活动场次", "≥8场", {"period": "≥5场"}), layout="A"), 1),
    ("A07", ind((OUT, QTY, "培训人次", "≥1000人次", {"period": "≥3000人次"}), layout="A"), 0),
    ("A07", ind((OUT, QUA, "合格率", "≥98%", {"period": "≥95%"}), layout="A"), 0),
    ("A08", one(name="2023年办公设备购置经费"), 1),
    ("A08", ind((OUT, TIME, "完成时间", "2023年12月底前")), 1),
    ("A08", one(goal="2023年，举办业务培训3期，培训基层文艺骨干200人次。"), 1),
    ("A08", one(name="2023-2025年文艺人才培养经费"), 0),
    ("A08", one(goal="举办业务培训3期，较2023年增加1期，兼顾2035年远景目标。"), 0),
    ("A08", ind((OUT, TIME, "完成时间", "2024年12月31日前")), 0),
    ("A08", one(name="2023年度-2024年度物业服务合同经费"), 0),  # a span covering the budget year
    ("A08", one(goal="2023年1月-2024年12月，完成物业服务合同约定的保洁、安保任务，服务面积1.1万平方米。"), 0),
    ("A09", one(goal="举办业务培训3期，较2023年增加1期。"), 1),
    ("A09", one(goal="2023-2025年，每年举办业务培训3期。"), 0),
    ("A09", one(goal="2023年，举办业务培训3期，培训基层文艺骨干200人次。"), 0),  # A08's: one finding
    # Q — quantification
    ("Q01", ind((OUT, COSTS, "差旅费用标准", "执行当年广州市财政局标准")), 0),  # related to Q06: one cause
    ("Q01", ind((OUT, QTY, "差旅标准", "执行当年广州市财政局标准")), 1),
    ("Q01", ind((BEN, SOC, "公共文化服务", "全覆盖")), 1),
    ("Q01", ind((BEN, SOC, "行业影响", "是")), 0),
    ("Q01", ind((BEN, SOC, "促进我市公共服务发展", "有效促进")), 0),
    ("Q01", ind((OUT, TIME, "完成时间", "年底前")), 0),
    ("Q02", ind((BEN, SOC, "行业影响", "是")), 1),
    ("Q02", ind((BEN, SOC, "行业影响", "是/否")), 1),
    ("Q02", ind((BEN, SOC, "行业影响力提升率", "≥5%")), 0),
    ("Q03", ind((BEN, SOC, "促进我市公共服务发展", "有效促进")), 1),
    ("Q03", ind((OUT, TIME, "应急机制健全性", "健全")), 1),
    ("Q03", ind((BEN, SOC, "推进全民艺术普及", "持续推进")), 1),
    ("Q03", ind((BEN, SOC, "丰富群众文化生活", "进一步丰富")), 1),
    ("Q03", ind((OUT, TIME, "工资支付及时性", "按月及时支付")), 0),
    ("Q03", ind((BEN, SOC, "群众文化活动参与人次", "≥10万人次")), 0),
    ("Q04", ind((OUT, QTY, "开展活动次数", "次")), 1),
    ("Q04", ind((OUT, QUA, "合格率", "≥%")), 1),
    ("Q04", ind((OUT, QTY, "开展活动次数", "3 次")), 0),
    ("Q05", ind((OUT, TIME, "开展创先争优及时性", "按照文件及时开展")), 1),
    ("Q05", ind((OUT, TIME, "工资支付及时性", "按月及时支付")), 0),
    ("Q05", ind((OUT, TIME, "活动举办时间", "2025年9月底前")), 0),
    ("Q05", ind((OUT, TIME, "系统故障响应及时率", "≥95%")), 0),
    ("Q05", ind((OUT, TIME, "数据更新", "实时")), 0),
    ("Q06", ind((OUT, COSTS, "采购经费是否按标准进行采购", "是")), 0),  # C10's, Q06 and Q02 related
    ("Q06", ind((OUT, COSTS, "差旅费用标准", "执行当年广州市财政局标准")), 1),
    ("Q06", ind((OUT, COSTS, "出访费用超支率", "≤0%")), 1),
    ("Q06", ind((OUT, COSTS, "人均培训费", "≤500元/人")), 0),
    ("Q07", ind((OUT, QUA, "培训质量", "得5分，满分10分")), 1),
    ("Q07", ind((OUT, QUA, "培训合格率", "培训合格率")), 1),
    ("Q07", ind((OUT, QUA, "资金执行率", "实际支出/预算数×100%")), 1),
    ("Q07", ind((OUT, QUA, "培训合格率", "≥95%")), 0),
    ("Q08", ind((OUT, TIME, "完成时间", "45657")), 1),
    ("Q08", ind((OUT, QTY, "场馆访客人数", "45657")), 0),
    # C — coherence
    ("C01", ind((OUT, QUA, "工作人员到岗率", "100")), 1),
    ("C01", ind((BEN, SOC, "公共文化服务覆盖率", "全覆盖")), 1),
    ("C01", ind((OUT, QTY, "巡检频率", "每月1次")), 0),
    ("C01", ind((OUT, QUA, "施工安全事故率", "0事故")), 0),
    ("C01", ind((OUT, QUA, "投诉率", "0起")), 0),
    ("C01", ind((SAT, SERV, "服务对象满意率", "较高")), 0),  # C04's
    ("C02", ind((OUT, QTY, "开展活动次数", "100%")), 1),
    ("C02", ind((OUT, QTY, "参训人数占比", "≥50%")), 0),
    ("C02", ind((OUT, QUA, "服务质量", "≥95%")), 0),
    ("C03", ind((OUT, QTY, "慰问人数（人）", "25人次")), 1),
    ("C03", ind((OUT, QTY, "文书档案进行数字化处理的数量", "6年")), 1),
    ("C03", ind((OUT, QTY, "参加活动人数（人）", "不少于3000人（次）")), 0),
    ("C03", ind((OUT, TIME, "场馆运行天数", "≥360天")), 0),
    ("C03", ind((OUT, QTY, "物业服务面积（平方米）", "≥1.1万平方米")), 0),
    ("C03", ind((OUT, QTY, "参加活动人次（线上/线下）", "≥2300万人次")), 0),
    ("C04", ind((SAT, SERV, "参与人员满意度", "少于10次")), 1),
    ("C04", ind((SAT, SERV, "群众满意度", "满意")), 1),
    ("C04", ind((OUT, QTY, "满意度调查次数", "≥1次")), 0),
    ("C04", ind((SAT, SERV, "对象满意率", "发行对象满意度>85%")), 0),
    ("C05", ind((SAT, SERV, "服务对象满意度", "100%")), 1),
    ("C05", ind((SAT, SERV, "服务对象满意度", "≥70%")), 1),
    ("C05", ind((OUT, QUA, "场馆正常运行率", "≥60%")), 1),
    ("C05", ind((SAT, SERV, "服务对象满意度", "≥95%")), 0),
    ("C05", ind((SAT, SERV, "服务对象满意度", "≥100%")), 0),  # A06's
    ("C05", ind((BEN, SOC, "公共文化设施覆盖率", "≥30%")), 0),
    ("C06", ind((BEN, SOC, "编外人员的满意度", "≥90%")), 1),
    ("C06", ind((SAT, SERV, "投诉次数", "≤3次")), 1),
    ("C06", ind((SAT, SERV, "服务对象满意度", "≥95%")), 0),
    ("C07", ind((SAT, SERV, "参与人员满意度", "少于10次")), 0),  # related to C04: one cause
    ("C07", ind((SAT, SERV, "参与人员满意度", "≤90%")), 1),
    ("C07", ind((OUT, QUA, "验收合格率", "≤95%")), 1),
    ("C07", ind((OUT, COSTS, "场地费", "≥5万元")), 1),
    ("C07", ind((OUT, TIME, "系统运行维护响应时间", "≥10分钟")), 1),
    ("C07", ind((OUT, QUA, "投诉处理率", "≥95%")), 0),
    ("C07", ind((OUT, QUA, "系统故障率", "≤5%")), 0),
    ("C07", ind((OUT, QTY, "出访人数", "≤2人")), 0),
    ("C08", ind((OUT, QUA, "参加活动人数（人）", "不少于3000人（次）")), 1),
    ("C08", ind((OUT, TIME, "工作人员到岗率", "≥90%")), 1),
    ("C08", ind((OUT, QTY, "成果通过率", "≥95%")), 1),
    ("C08", ind((BEN, ECO, "保障机关正常运转", "100%")), 0),  # related to C09: operations are no benefit
    ("C08", ind((BEN, ECO, "业务保障能力提升情况", "≥90%")), 1),
    ("C08", ind((OUT, TIME, "预定计划完成", "100%", {"description": "按时完成预定计划"})), 0),  # the description names the time
    ("C08", ind((OUT, TIME, "预定计划完成", "100%", {"description": "完成预定计划"})), 1),
    ("C08", ind((BEN, ENV, "群众文化活动参与率", "≥50%")), 1),
    ("C08", ind((OUT, QUA, "资料报送合格率", "≥95%")), 0),
    ("C08", ind((OUT, TIME, "场馆运行天数", "≥360天")), 0),
    ("C08", ind((OUT, QTY, "任务完成率", "100%")), 0),
    ("C08", ind((BEN, ECO, "带动旅游收入", "≥10万元")), 0),
    ("C09", ind((BEN, SOC, "媒体报道次数", "不少于5篇次")), 1),
    ("C09", ind((BEN, SOC, "保障机关单位正常运转", "100%")), 1),
    ("C09", ind((BEN, SOC, "档案整理完好率", "100%")), 1),
    ("C09", ind((BEN, SOC, "受益群众人数", "≥5000人")), 0),
    ("C09", ind((BEN, ENV, "空气质量达标率", "≥90%")), 0),
    ("C09", ind((BEN, SOC, "媒体发稿量", "≥20篇")), 1),
    ("C09", ind((BEN, SOC, "惠民演出场次", "≥10场", {"description": "演出惠及群众人数"})), 0),  # the description counts people reached
    ("C09", ind((BEN, SOC, "场馆设备正常运行率", "98%")), 1),
    # D — duplication (D01, D02: see below)
    ("D03", ind((OUT, QTY, "开展活动次数", "3次", {"description": "开展活动次数"})), 1),
    ("D03", ind((OUT, QTY, "开展活动次数", "3次", {"description": "全年开展文艺活动的次数"})), 0),
    ("D03", af.dataset(Project(), layout="A"), 0),
    # X — special
    ("X02", one(goal="<p>（1）举办业务培训3期，培训基层文艺骨干200人次。</p>"), 1),
    ("X02", one(name="XX单位文艺骨干培训经费"), 1),
    ("X02", ind((OUT, QTY, "开展活动次数", "××次")), 1),
    ("X02", af.dataset(Project(), front_matter="巨鹿县文学艺术界联合会\n2024 年部门预算绩效文本\n单位：万元"), 0),
    ("X02", af.dataset(Project(), front_matter="[bookmark: _Toc_4_4_0000000138]1.群众艺术馆免费开放补助经费绩效目标表"), 0),
    ("X02", one(goal="[bookmark: _Toc_1]举办业务培训3期，培训基层文艺骨干200人次。"), 0),
    # new review points (issue 14)
    ("S12", af.dataset(Project(), front_matter="目 录\n第一部分 部门整体绩效目标·····\n部门整体绩效目标\n总体绩效目标\n开展采风活动。"), 1),
    ("S12", af.dataset(Project(), front_matter="部门整体绩效目标\n一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t采风次数\t≥3次"), 0),
    ("S12", af.dataset(Project(), front_matter="巨鹿县文学艺术界联合会\n2024 年部门预算绩效文本"), 0),
    ("S13", one(goal="通过该项目开展，更好地发挥了市文联作为联系艺术家的桥梁和纽带的职能。"), 1),
    ("S13", one(goal="文联是市委、市政府联系艺术家的桥梁和纽带，负责联系各文艺协会。"), 1),
    ("S13", one(goal="举办培训班3期，培训200人，发挥了骨干作用。"), 0),
    ("S13", one(goal="1.通过开展文化惠民演出、展览活动，促进我市文化事业发展。"), 0),
    ("S13", one(goal="为群众文化活动提供必要的场地保障。"), 0),
    ("Q09", ind((OUT, QTY, "开展活动次数", "3 次"), (OUT, QUA, "活动合格率", "95%")), 1),  # one per project
    ("Q09", ind((OUT, QTY, "开展活动次数", "不少于3次"), (OUT, QUA, "活动合格率", "95%以上")), 0),
    ("Q09", ind((OUT, TIME, "完成时间", "2024年12月底前")), 0),
    ("Q09", ind((OUT, QUA, "活动合格率", "达到95%")), 0),
    ("Q10", ind((BEN, SOC, "业务保障能力提升情况", "100%")), 1),
    ("Q10", ind((BEN, SOC, "提升开展活动的社会影响力", "100%")), 1),
    ("Q10", ind((BEN, SOC, "群众参与率", "≥80%")), 0),
    ("Q10", ind((BEN, SOC, "公共数字文化服务人次增长率", "≥5%")), 0),
    ("C10", ind((OUT, TIME, "资金支付及时率", "≥95%")), 1),
    ("C10", ind((OUT, QUA, "预算执行率", "100%")), 1),
    ("C10", ind((OUT, QUA, "资金使用合规率", "100%")), 1),
    ("C10", ind((OUT, COSTS, "活动经费支出", "≤20万元")), 0),
    ("C10", ind((OUT, TIME, "工资支付及时性", "按月及时支付")), 0),
    ("C10", ind((OUT, QUA, "活动计划执行率", "≥95%")), 0),
    ("C11", ind((OUT, QTY, "纪检监察案件办理数", "≥3件"), name="市文联因公出国（境）经费"), 1),
    ("C11", ind((BEN, ENV, "节约水、电", "≥5%"), name="公务用车车辆保险经费"), 1),
    ("C11", ind((OUT, QTY, "出访人数", "≥2人次"), name="市文联因公出国（境）经费"), 0),
    ("C11", ind((OUT, QTY, "纪检监察案件办理数", "≥3件"), name="专项工作经费"), 0),  # a project of no known kind
    ("C11", ind((OUT, QUA, "场馆消防设备有效率", "≥90%"), name="业务用房物业管理费"), 0),
    ("C12", ind((OUT, QTY, "编外人员到位率", "100%")), 1),
    ("C12", ind((BEN, SOC, "施工安全事故率", "≤1%"), name="麓湖路13号物业修缮项目"), 1),  # in a training project it is C11's
    ("C12", ind((OUT, QUA, "参加培训人员", "≥300人")), 1),
    ("C12", ind((OUT, QTY, "任务完成率", "100%")), 0),
    ("C12", ind((OUT, QTY, "开展活动次数", "100%")), 0),  # C02's: the name is a count
]


@pytest.mark.parametrize(("rule", "data", "expected"), CASES, ids=[f"{r}-{i}" for i, (r, _, _) in enumerate(CASES)])
def test_fragment(rule, data, expected):
    found = af.findings(data, rule)
    assert len(found) == expected, found[["rule_id", "evidence", "message"]].to_string()


def test_clean_fragments_have_no_findings():
    for layout in "ABC":
        assert af.findings(af.dataset(Project(), layout=layout)).empty


# --- what the findings say ----------------------------------------------------------------------
def test_indicator_finding_quotes_name_and_value_at_the_value_line():
    found = af.findings(ind((SAT, SERV, "参与人员满意度", "少于10次")), "C04").iloc[0]
    assert found["evidence"] == "参与人员满意度：少于10次"
    assert found["indicator"] == "参与人员满意度"
    assert found["source_file"] == af.FILE and found["source_line"] == 21  # the 7th indicator line
    assert found["severity"] == "error" and found["criterion"] == "相关性"
    assert "百分比" in found["message"] and found["suggestion"]


def test_severity_varies_within_a_rule():
    empty, generic = af.findings(af.dataset(Project(goal=None), Project(name="老研会书画活动经费", goal="1.用于开展活动费用支出，保障机关正常运转。")), "S08")["severity"]
    assert (empty, generic) == ("error", "warning")
    assert af.findings(ind((BEN, SOC, "行业影响", "是/否")), "Q02")["severity"].tolist() == ["error"]
    assert af.findings(ind((OUT, QTY, "活动内容", "按标准执行")), "Q01")["severity"].tolist() == ["error"]
    assert af.findings(ind((BEN, SOC, "活动内容", "按标准执行")), "Q01")["severity"].tolist() == ["warning"]
    over = af.findings(ind((OUT, COSTS, "场地费", "≤8万元")), "A03")
    under = af.findings(one(indicators=[*without(None, COSTS), (OUT, COSTS, "培训费", "≤5万元")]), "A03")
    assert (over["severity"].tolist(), under["severity"].tolist()) == (["error"], ["info"])


def test_s05_names_the_missing_dimensions():
    found = af.findings(one(indicators=without(None, QUA, TIME)), "S05")
    assert found["message"].tolist() == ["产出指标缺少质量指标、时效指标。"]


def test_a05_quotes_the_plan_at_the_plan_line():
    found = af.findings(one(plan=(30.0, 60.0, 80.0, None)), "A05").iloc[0]
    assert found["evidence"] == "资金支出计划（%）：3月底 30%，6月底 60%，10月底 80%，12月底 （空）"
    assert found["source_line"] == 12


def test_a07_quotes_both_values():
    data = ind((OUT, QTY, "刊物发行数量", "1000册/期，全年：6000册", {"period": "6000册"}), layout="A")
    assert af.findings(data, "A07")["evidence"].tolist() == ["刊物发行数量：实施周期指标值:6000册；年度指标值:1000册/期，全年：6000册"]


def test_x02_front_matter_residue_is_found_on_its_line():
    front = "\n\n巨鹿县文学艺术界联合会\n2024 年部门预算绩效文本\n(草案)\n\n巨鹿县文学艺术界联合会编制\nXXX 财政（厅/局）审核\n"
    found = af.findings(af.dataset(Project(), front_matter=front), "X02")
    assert list(zip(found["source_line"], found["evidence"], found["severity"])) == [
        (5, "(草案)", "warning"), (8, "XXX 财政（厅/局）审核", "warning"),
    ]
    assert found["project_id"].isna().all() and (found["unit_id"] == af.UNIT).all()


def test_x02_markup_is_info_and_placeholder_wins_in_one_indicator():
    assert af.findings(one(goal="<p>举办业务培训3期，培训基层文艺骨干200人次。</p>"), "X02")["severity"].tolist() == ["info"]
    found = af.findings(ind((OUT, QTY, "XX活动次数<br>", "3次", {"description": "XX活动次数<br>"})), "X02")
    assert found["severity"].tolist() == ["warning"]


# --- duplication ------------------------------------------------------------------------------------
def test_d01_duplicate_goals_reported_for_each_project():
    goal = "1.按照上级文件要求，开展创先争优活动，提升单位工作效能。"
    found = af.findings(af.dataset(Project(name="甲", goal=goal), Project(name="乙", goal=goal.replace("。", "")), Project(name="丙")), "D01")
    assert found["project_name"].tolist() == ["甲", "乙"]
    assert "《乙》" in found["message"][0] and "《甲》" in found["message"][1]


def test_d01_different_goals_are_not_duplicates():
    a = "1.按照上级文件要求，开展创先争优活动，提升单位工作效能。"
    b = "1.按照文件要求，开展老年活动，提升老年人的幸福指数。"
    assert af.findings(af.dataset(Project(name="甲", goal=a), Project(name="乙", goal=b)), "D01").empty


BLOCK = [(BEN, SOC, "媒体报道次数", "不少于5篇次"), (BEN, SOC, "行业影响", "是"), (BEN, SUS, "推动广州文艺高质量发展", "是")]


def test_d02_shared_block_of_three_pairs():
    a = Project(name="甲", indicators=[*GOOD[:4], *BLOCK])
    b = Project(name="乙", indicators=[(OUT, QTY, "召开会议", "5场次以上"), *GOOD[2:4], (BEN, SOC, "媒体报道次数", "5篇次以上"), *BLOCK[1:]])
    c = Project(name="丙", indicators=[(OUT, QTY, "展览场次", "≥2场"), (OUT, COSTS, "布展费", "≤10万元"), *BLOCK[:2]])
    found = af.findings(af.dataset(a, b, c), "D02")
    assert found["project_name"].tolist() == ["甲", "乙"]
    # 培训完成时间 (a year-end deadline) is shared too, but every project has one: not evidence of copying
    assert found["evidence"][0] == "培训费：≤10万元；媒体报道次数：不少于5篇次；行业影响：是；推动广州文艺高质量发展：是"


def test_d02_near_identical_text_values_and_names_with_的_match():
    a = Project(name="老年诗词楹联协会经费", indicators=[(OUT, QTY, "开展活动次数", "3 次"), (OUT, TIME, "开展活动时间", "按文件要求 及时开展"), (BEN, ECO, "业务保障能力提升情况", "100%"), (OUT, COSTS, "开展活动的总费用", "4 万元")])
    b = Project(name="老研会书画活动经费", indicators=[(OUT, QTY, "开展活动次数", "3 次"), (OUT, TIME, "开展活动的时间", "按照文件要求及时开展"), (BEN, ECO, "业务保障能力提升情况", "100%"), (OUT, COSTS, "开展活动的总费用", "6 万元")])
    assert len(af.findings(af.dataset(a, b), "D02")) == 2


def test_d02_template_indicators_shared_by_every_project_are_not_a_copied_block():
    common = [(OUT, QUA, "活动举办成功率", "≥90%"), (OUT, TIME, "活动举办时间", "2025年12月底前"), (SAT, SERV, "活动参与者满意度", "≥90%")]
    a = Project(name="艺术节", indicators=[(OUT, QTY, "举办活动项目数", "≥12项"), *common, (OUT, COSTS, "举办活动经费", "≤10万元")])
    b = Project(name="群星奖", indicators=[(OUT, QTY, "举办活动场次", "≥8场"), *common, (OUT, COSTS, "活动经费支出", "≤10万元")])
    assert af.findings(af.dataset(a, b), "D02").empty


def test_d02_two_shared_pairs_in_larger_blocks_are_not_boilerplate():
    a = Project(name="甲", indicators=[*GOOD[:3], *BLOCK[:2], (OUT, COSTS, "场地费", "≤4万元")])
    b = Project(name="乙", indicators=[(OUT, QTY, "召开会议", "5场次"), (OUT, QUA, "会议出席率", "≥90%"), *BLOCK[:2], (OUT, COSTS, "会务费", "≤6万元"), (SAT, SERV, "与会人员满意度", "≥85%")])
    assert af.findings(af.dataset(a, b), "D02").empty


# --- validation-based rules: one source of truth ------------------------------------------------------
def offending(project_id: str | None = None, line: int | None = 11, observed=None, seq=None) -> OffendingRow:
    return OffendingRow(source_file=af.FILE, source_line=10, line=line, unit_id=af.UNIT, project_id=project_id, seq=seq, observed=observed)


def test_a01_from_the_validation_result():
    data = one(budget=12.0, fiscal=10.0)
    assert af.findings(data, "A01").empty  # the audit never re-checks the sum itself
    found = af.findings(data, "A01", checks=af.validation({SOURCES_SUM: [offending("u-1-p001", observed=2.0)]}))
    assert found["evidence"].tolist() == ["预算数 12.00；财政资金 10.00；其他资金 （空）"]
    assert found["source_line"].tolist() == [11] and "差额 +2.00" in found["message"][0]


def test_a02_document_total_goes_to_every_unit_of_the_file():
    data = af.dataset(Project(), layout="A")
    declared = af.make_table("declared_totals", [{"scope": "document", "budget_total": 11.0, "fiscal_funds": 11.0, "source_file": af.FILE, "source_line": 8}])
    data = af.Dataset(**{**data.tables(), "declared_totals": declared})
    failure = OffendingRow(source_file=af.FILE, source_line=8, line=8, observed=1.0)
    found = af.findings(data, "A02", checks=af.validation({DECLARED_PARTS_SUM: [failure]}))
    assert found["unit_id"].tolist() == [af.UNIT] and found["source_line"].tolist() == [8]
    assert found["evidence"][0].startswith("合计：总计 11.00")


def test_a04_and_s06_from_the_validation_result():
    data = one(plan=(50.0, 40.0, 80.0, 100.0))
    checks = af.validation({PLAN_MONOTONE: [offending("u-1-p001", line=12, observed=-10.0)], LEVEL_PAIR: [offending("u-1-p001", seq=2, observed="产出指标|社会效益指标")]})
    a04 = af.findings(data, "A04", checks=checks)
    assert a04["evidence"].tolist() == ["资金支出计划（%）：3月底 50%，6月底 40%，10月底 80%，12月底 100%"]
    s06 = af.findings(data, "S06", checks=checks)
    assert s06["indicator"].tolist() == ["培训合格率"]


def test_the_pipeline_validates_once_and_audits_with_that_validation(monkeypatch):
    import perfaudit.pipeline as pipeline

    calls, checked = [], af.validation()
    monkeypatch.setattr(pipeline, "validate", lambda dataset: calls.append(dataset) or checked)
    audited = pipeline.audit(one(), af.DEFAULTS)
    assert len(calls) == 1 and audited.validation is checked


def test_s11_a_blank_basis_column_is_one_finding_naming_its_indicators():
    """A 批复表 whose 指标标准或依据 column is left blank (a real one: 黄石党校, 13 rows) states one
    cause: one finding for the project, not one per row; one blank cell among filled ones stays its own."""
    blank = [(*i[:4], {**(i[4] if len(i) > 4 else {}), "basis": None}) for i in GOOD]
    found = af.findings(af.dataset(Project(indicators=blank), layout="B"), "S11")
    assert len(found) == 1, found[["indicator", "message"]].to_string()
    finding = found.iloc[0]
    assert pd.isna(finding["indicator"]) and "全部为空" in finding["message"]
    assert all(i[2] in finding["evidence"] for i in GOOD)
