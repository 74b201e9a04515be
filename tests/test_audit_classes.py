"""Issue 23: the noisy and false classes of findings, fixed as classes, each on the sentence a
reviewer judged (the documents' wording, one project per fragment)."""

from __future__ import annotations

from pathlib import Path

import audit_fixtures as af
from audit_fixtures import BEN, ECO, GOOD, OUT, QTY, QUA, SOC, TIME, Project
from perfaudit.ingest import read_document

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def ind(*items, layout: str = "B", **project) -> af.Dataset:
    return af.dataset(Project(indicators=[*GOOD, *items], **project), layout=layout)


def rules_on(data: af.Dataset, indicator: str) -> dict[str, str]:
    """Rule id -> related rules of the findings on one indicator."""
    found = af.findings(data)
    own = found[found["indicator"] == indicator]
    return dict(zip(own["rule_id"], own["related_rules"].fillna("")))


# --- false classes -------------------------------------------------------------------------------
def test_loss_or_theft_of_fixed_assets_is_an_economic_effect():
    # C08 said 与经济效益无关 of 固定资产丢失、被盗 under 经济效益: asset loss is money lost
    assert "C08" not in rules_on(ind((BEN, ECO, "固定资产丢失、被盗情况", "无丢失、被盗")), "固定资产丢失、被盗情况")
    assert "C08" not in rules_on(ind((BEN, ECO, "减少单位财产损失", "≥95%")), "减少单位财产损失")
    # the value says what a bare name means
    assert "C08" not in rules_on(ind((BEN, ECO, "物业安保成效", "全年无固定资产丢失、被盗")), "物业安保成效")
    assert "C08" in rules_on(ind((BEN, ECO, "群众文化活动参与率", "≥50%")), "群众文化活动参与率")  # still no economy


def test_履职_in_a_slogan_with_a_bare_percentage_is_a_slogan_not_operations():
    for name in ("提升依法履职能力", "保障单位高效履职"):
        found = rules_on(ind((BEN, SOC, name, "100%")), name)
        assert "C09" not in found and "Q10" in found, (name, found)
    # operations proper stay C09's
    assert "C09" in rules_on(ind((BEN, SOC, "保障机关正常运转", "100%")), "保障机关正常运转")


def test_timely_payment_is_the_output_of_a_project_that_pays_wages():
    wages = dict(name="编外人员工资经费", goal="按月足额支付12名编外人员工资及社会保险，保障各项工作正常开展。")
    assert "C10" not in rules_on(ind((OUT, TIME, "资金支付及时率", "100%"), **wages), "资金支付及时率")
    # in a project of other content it is still a finance-management item, and so is 预算执行率 in a wage project
    assert "C10" in rules_on(ind((OUT, TIME, "资金支付及时率", "100%"), name="文艺志愿服务惠民活动经费"), "资金支付及时率")
    assert "C10" in rules_on(ind((OUT, QUA, "预算执行率", "100%"), **wages), "预算执行率")


# --- noise ---------------------------------------------------------------------------------------
def test_bare_values_are_one_note_per_unit():
    data = af.dataset(
        Project(indicators=[*GOOD, (OUT, QTY, "杂志期刊发行期数（期）", "4期"), (OUT, QUA, "刊物印刷出版质量达标率", "95%")]),
        Project(name="编外人员经费", indicators=[*GOOD, (OUT, QTY, "招聘编外人员", "1人")]),
    )
    found = af.findings(data, "Q09")
    assert len(found) == 1 and found["project_id"].isna().all() and found["severity"].tolist() == ["info"]
    assert found["message"].iloc[0].startswith("2 个项目的 3 项指标")
    assert "“4期”→“≥4期”" in found["suggestion"].iloc[0]


def test_a_quality_rate_filed_under_quantity_is_one_cause_not_a_missing_quality_dimension():
    misfiled = [i for i in GOOD if i[1] != QUA] + [(OUT, QTY, "编外人员到位率", "100%")]
    found = af.findings(af.dataset(Project(indicators=misfiled)))
    assert "S05" not in set(found["rule_id"]) and "C12" in set(found["rule_id"])
    rate = [i for i in GOOD if i[1] != QUA] + [(OUT, QTY, "资料报送合格率", "≥95%")]
    assert "S05" not in set(af.findings(af.dataset(Project(indicators=rate)))["rule_id"])
    # a count does not stand in for a missing 质量指标
    count = [i for i in GOOD if i[1] != QUA] + [(OUT, QTY, "参加培训人员", "≥300人")]
    assert "S05" in set(af.findings(af.dataset(Project(indicators=count)))["rule_id"])


def test_a_percent_sign_written_once_is_no_difference_in_kind():
    assert "A07" not in rules_on(ind((OUT, QUA, "验收合格率", "100%", {"period": "100"}), layout="A"), "验收合格率")
    assert "A07" in rules_on(ind((OUT, QUA, "验收合格率", "100%", {"period": "6期"}), layout="A"), "验收合格率")


def test_rates_of_the_same_kind_are_handled_the_same():
    for name in ("期刊按期出版率", "任务完成率"):
        assert "C12" not in rules_on(ind((OUT, QTY, name, "100%")), name), name
        assert "C05" in rules_on(ind((OUT, QUA, name, "≥60%")), name), name


def test_one_cause_is_one_finding():
    # C10 with C08: a finance item under 时效 is deleted, not moved
    assert rules_on(ind((OUT, TIME, "预算执行率", "≥95%")), "预算执行率") == {"C10": "C08"}
    # Q05 with Q02: 是 under 时效 has no time
    assert rules_on(ind((OUT, TIME, "活动按时开展", "是")), "活动按时开展") == {"Q05": "Q02"}
    # C02 with A07: a count given as a percentage differs from its period value for that reason
    assert rules_on(ind((OUT, QTY, "开展活动次数", "100%", {"period": "6次"}), layout="A"), "开展活动次数") == {"C02": "A07"}
    # Q07 with Q10: a formula as the value of a slogan
    assert rules_on(ind((BEN, SOC, "提升社会影响力", "受益人数/计划人数×100%")), "提升社会影响力") == {"Q07": "Q10"}


# --- one suggestion per indicator --------------------------------------------------------------
def test_a_quantity_is_never_moved_to_quality():
    for level2, value in ((QTY, "100%"), (TIME, "500平方米"), (QUA, "500平方米")):
        found = af.findings(ind((OUT, level2, "修缮面积", value)))
        own = found[found["indicator"] == "修缮面积"]
        assert not own.empty and not own["suggestion"].str.contains("质量指标").any(), (level2, own[["rule_id", "suggestion"]])


# --- the same sentences in the samples' own context (one-line edits of the documents) ------------
def _sample(name: str, old: str, new: str) -> af.Dataset:
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    return read_document(text.replace(old, new).encode("utf-8"), name)


def _on(data: af.Dataset, project: str, indicator: str) -> dict[str, str]:
    found = af.findings(data)
    own = found[(found["project_name"] == project) & (found["indicator"] == indicator)]
    return dict(zip(own["rule_id"], own["related_rules"].fillna("")))


def test_sample_sentences_of_the_three_false_classes():
    # Guangzhou (layout A): the property-management project states that no fixed asset is lost or stolen
    end = "服务对象满意度（%）；实施周期指标值:≥90%；年度指标值:≥90%。"
    assets = _sample("guangzhou_wenlian_2024.txt", "长效运行机制健全性；实施周期指标值:健全；年度指标值:健全。12、3-满意度指标；31-服务对象满意度；" + end,
                     "长效运行机制健全性；实施周期指标值:健全；年度指标值:健全。12、3-满意度指标；31-服务对象满意度；" + end
                     + "13、2-效益指标；21-经济效益；固定资产丢失、被盗情况；实施周期指标值:无丢失、被盗；年度指标值:无丢失、被盗。")
    assert "C08" not in _on(assets, "业务用房物业管理费", "固定资产丢失、被盗情况")
    # Guangzhou: 机构运行辅助经费 hires temporary staff and pays them: paying on time is its output
    staff = "年度指标值:本单位对聘用的编外人员满意度100%。"
    wages = _sample("guangzhou_wenlian_2024.txt", staff, staff + "5、1-产出指标；13-时效指标；资金支付及时率；实施周期指标值:100%；年度指标值:100%。")
    assert "C10" not in _on(wages, "机构运行辅助经费", "资金支付及时率")
    # Julu (layout B): a 履职 slogan with a bare percentage is Q10's, not operations (C09)
    slogan = _sample("julu_wenlian_2024.txt", "\t社会效益指标\t提升开展活动的社会影响力\t提升开展活动的社会影响力\t100%",
                     "\t社会效益指标\t提升依法履职能力\t提升依法履职能力\t100%")
    found = _on(slogan, "老年诗词楹联协会经费", "提升依法履职能力")
    assert "C09" not in found and "Q10" in found
