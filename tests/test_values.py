"""Values as people write them: every indicator value of the three samples and of the real forms
(tests/data/real), the spec's examples, edge cases; amounts (854万(…), 3,309,840.00), Excel serial
dates, scores in level labels and (必填) notes in names."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import national_forms as nf
from perfaudit.ingest import read_document
from perfaudit.ingest.values import (
    VALUE_KINDS,
    Amount,
    ParsedValue,
    amount_breakdown,
    compose_value,
    drop_form_notes,
    excel_serial_date,
    is_date_column,
    is_empty_amount,
    nature_operator,
    parse_value,
    read_amount,
    split_score,
)

EMPTY = (None, None, None, "empty")
BOOLEAN = (None, None, None, "boolean")
DEADLINE = (None, None, None, "deadline")
TEXT = (None, None, None, "text")

# (raw value, (op, number, measure_unit, value_kind))
SAMPLE_GUANGZHOU = [
    ("100%", ("=", 100.0, "%", "percent")),
    ("100%。", ("=", 100.0, "%", "percent")),
    ("98%", ("=", 98.0, "%", "percent")),
    ("95%。", ("=", 95.0, "%", "percent")),
    ("≥90%", ("≥", 90.0, "%", "percent")),
    ("≥95%", ("≥", 95.0, "%", "percent")),
    ("≥85%。", ("≥", 85.0, "%", "percent")),
    ("≥60%", ("≥", 60.0, "%", "percent")),
    ("≥100%", ("≥", 100.0, "%", "percent")),
    ("≤0%", ("≤", 0.0, "%", "percent")),
    ("85%以上", ("≥", 85.0, "%", "percent")),
    ("地方志资料报送通过率不低于95%", ("≥", 95.0, "%", "percent")),
    ("本单位对聘用的编外人员满意度100%。", ("=", 100.0, "%", "percent")),
    ("发行对象满意度>85%", (">", 85.0, "%", "percent")),
    ("是", BOOLEAN),
    ("是。", BOOLEAN),
    ("健全", TEXT),
    ("健全。", TEXT),
    ("执行当年广州市财政局标准", TEXT),
    ("每周不少于45小时，不少于26周。", TEXT),
    ("1000册/期，全年：6000册", TEXT),
    ("按月及时支付", DEADLINE),
    ("2024年12月31日前", DEADLINE),
    ("少于10次", ("<", 10.0, "次", "count")),
    ("少于10次。", ("<", 10.0, "次", "count")),
    ("不少于5篇次", ("≥", 5.0, "篇次", "count")),
    ("5篇次以上", ("≥", 5.0, "篇次", "count")),
    ("全年不少于4篇次", ("≥", 4.0, "篇次", "count")),
    ("全年不少于3篇次", ("≥", 3.0, "篇次", "count")),
    ("5场次以上", ("≥", 5.0, "场次", "count")),
    ("不少于5场次", ("≥", 5.0, "场次", "count")),
    ("不少于4场（次）", ("≥", 4.0, "场(次)", "count")),
    ("不少于3场（次）。", ("≥", 3.0, "场(次)", "count")),
    ("不少于3000人（次）", ("≥", 3000.0, "人(次)", "count")),
    ("不少于1000人（次）", ("≥", 1000.0, "人(次)", "count")),
    ("不少于5个", ("≥", 5.0, "个", "count")),
    ("不少于2类", ("≥", 2.0, "类", "count")),
    ("不少于1个品牌", ("≥", 1.0, "个品牌", "count")),
    ("不少于10班次", ("≥", 10.0, "班次", "count")),
    ("7个以上", ("≥", 7.0, "个", "count")),
    ("5个以上", ("≥", 5.0, "个", "count")),
    ("3场及以上", ("≥", 3.0, "场", "count")),
    ("300件以上", ("≥", 300.0, "件", "count")),
    ("2个及以上", ("≥", 2.0, "个", "count")),
    ("1场以上", ("≥", 1.0, "场", "count")),
    ("5个", ("=", 5.0, "个", "count")),
    ("2个", ("=", 2.0, "个", "count")),
    ("1个", ("=", 1.0, "个", "count")),
    ("6期", ("=", 6.0, "期", "count")),
    ("6个版", ("=", 6.0, "个版", "count")),
    ("6000册", ("=", 6000.0, "册", "count")),
    ("5台", ("=", 5.0, "台", "count")),
    ("400条", ("=", 400.0, "条", "count")),
    ("10条", ("=", 10.0, "条", "count")),
    ("2人次", ("=", 2.0, "人次", "count")),
    ("25人次", ("=", 25.0, "人次", "count")),
    ("2人", ("=", 2.0, "人", "count")),
    ("1次", ("=", 1.0, "次", "count")),
    ("1场", ("=", 1.0, "场", "count")),
    ("1团次", ("=", 1.0, "团次", "count")),
    ("10万人次/年", ("=", 10.0, "万人次/年", "count")),
    ("500平方米", ("=", 500.0, "平方米", "quantity")),
    ("12个月", ("=", 12.0, "个月", "duration")),
    ("6年", ("=", 6.0, "年", "duration")),
]

SAMPLE_JULU = [
    ("3 次", ("=", 3.0, "次", "count")),
    ("95%", ("=", 95.0, "%", "percent")),
    ("100%", ("=", 100.0, "%", "percent")),
    ("4 万元", ("=", 4.0, "万元", "money")),
    ("5 万元", ("=", 5.0, "万元", "money")),
    ("6 万元", ("=", 6.0, "万元", "money")),
    ("按照文件及时开展", TEXT),
    ("按照文件要求及时开展", TEXT),
    ("按文件要求 及时开展", TEXT),
]

SAMPLE_TIANJIN = [
    ("≥90%", ("≥", 90.0, "%", "percent")),
    ("≥95%", ("≥", 95.0, "%", "percent")),
    ("≥99%", ("≥", 99.0, "%", "percent")),
    ("≥5%", ("≥", 5.0, "%", "percent")),
    ("≤5%", ("≤", 5.0, "%", "percent")),
    ("≥1个", ("≥", 1.0, "个", "count")),
    ("≥2场", ("≥", 2.0, "场", "count")),
    ("≥3场", ("≥", 3.0, "场", "count")),
    ("≥6场", ("≥", 6.0, "场", "count")),
    ("≥8场", ("≥", 8.0, "场", "count")),
    ("≥10场", ("≥", 10.0, "场", "count")),
    ("≥12场", ("≥", 12.0, "场", "count")),
    ("≥15场", ("≥", 15.0, "场", "count")),
    ("≥28场次", ("≥", 28.0, "场次", "count")),
    ("≥50篇", ("≥", 50.0, "篇", "count")),
    ("≥12项", ("≥", 12.0, "项", "count")),
    ("≥584条", ("≥", 584.0, "条", "count")),
    ("≥2300万人次", ("≥", 2300.0, "万人次", "count")),
    ("≥1.1万平方米", ("≥", 1.1, "万平方米", "quantity")),
    ("≤10分钟", ("≤", 10.0, "分钟", "duration")),
    ("≥30小时", ("≥", 30.0, "小时", "duration")),
    ("≥360天", ("≥", 360.0, "天", "duration")),
    ("1年", ("=", 1.0, "年", "duration")),
    ("≤1万元", ("≤", 1.0, "万元", "money")),
    ("≤2.3万元", ("≤", 2.3, "万元", "money")),
    ("≤7万元", ("≤", 7.0, "万元", "money")),
    ("≤8.3万元", ("≤", 8.3, "万元", "money")),
    ("≤13万元", ("≤", 13.0, "万元", "money")),
    ("≤20万元", ("≤", 20.0, "万元", "money")),
    ("≤25万元", ("≤", 25.0, "万元", "money")),
    ("≤45万元", ("≤", 45.0, "万元", "money")),
    ("≤50万元", ("≤", 50.0, "万元", "money")),
    ("≤51.5万元", ("≤", 51.5, "万元", "money")),
    ("≤68.5万元", ("≤", 68.5, "万元", "money")),
    ("≤83.9万元", ("≤", 83.9, "万元", "money")),
    ("≤200万元", ("≤", 200.0, "万元", "money")),
    ("≤226万元", ("≤", 226.0, "万元", "money")),
    ("≤372万元", ("≤", 372.0, "万元", "money")),
    ("2025年12月底前", DEADLINE),
    ("2025年9月底前", DEADLINE),
    ("有效促进", TEXT),
    ("有效提升", TEXT),
    ("持续推动", TEXT),
    ("持续推进", TEXT),
    ("进一步丰富", TEXT),
    ("促进我市现代化公共文化服务体系高质量发展", TEXT),
]

# The spec's own examples and the variants real documents show beyond the samples.
SPEC_AND_VARIANTS = [
    # operators as symbols, ASCII pairs, full width and words; the longest word wins
    (">=95%", ("≥", 95.0, "%", "percent")),
    ("≧95%", ("≥", 95.0, "%", "percent")),
    ("＞85％", (">", 85.0, "%", "percent")),
    ("<=5%", ("≤", 5.0, "%", "percent")),
    ("≦5%", ("≤", 5.0, "%", "percent")),
    ("＜3次", ("<", 3.0, "次", "count")),
    ("=100%", ("=", 100.0, "%", "percent")),
    ("至少3场", ("≥", 3.0, "场", "count")),
    ("大于80%", (">", 80.0, "%", "percent")),
    ("高于80%", (">", 80.0, "%", "percent")),
    ("超过1000人次", (">", 1000.0, "人次", "count")),
    ("不超过5万元", ("≤", 5.0, "万元", "money")),
    ("不高于3%", ("≤", 3.0, "%", "percent")),
    ("小于2次", ("<", 2.0, "次", "count")),
    ("低于5%", ("<", 5.0, "%", "percent")),
    ("不低于5%", ("≥", 5.0, "%", "percent")),
    ("5%以下", ("≤", 5.0, "%", "percent")),
    ("10分钟以内", ("≤", 10.0, "分钟", "duration")),
    ("控制在50万元内", ("≤", 50.0, "万元", "money")),
    ("控制在50万元以内。", ("≤", 50.0, "万元", "money")),
    ("≥-5%", ("≥", -5.0, "%", "percent")),
    # units and kinds
    ("5‰", ("=", 5.0, "‰", "percent")),
    ("提高2个百分点", ("=", 2.0, "个百分点", "percent")),
    ("≤300元/人", ("≤", 300.0, "元/人", "money")),
    ("≤5千元", ("≤", 5.0, "千元", "money")),
    ("1.2亿元", ("=", 1.2, "亿元", "money")),
    ("≥3公里", ("≥", 3.0, "公里", "quantity")),
    ("20吨", ("=", 20.0, "吨", "quantity")),
    ("500GB", ("=", 500.0, "GB", "quantity")),
    ("≤60分贝", ("≤", 60.0, "分贝", "quantity")),
    ("≥500㎡", ("≥", 500.0, "m2", "quantity")),
    ("≤5个工作日", ("≤", 5.0, "个工作日", "duration")),
    ("≤30秒", ("≤", 30.0, "秒", "duration")),
    ("2周", ("=", 2.0, "周", "duration")),
    ("3月内", ("≤", 3.0, "月", "duration")),
    ("1年内", ("≤", 1.0, "年", "duration")),
    ("不少于4部", ("≥", 4.0, "部", "count")),
    ("3场（次）以上", ("≥", 3.0, "场(次)", "count")),
    ("全年开展3次，覆盖全市", ("=", 3.0, "次", "count")),
    # numbers: separators, wraps, bare numbers
    ("1,000人次", ("=", 1000.0, "人次", "count")),
    ("1,500.06万元", ("=", 1500.06, "万元", "money")),
    ("1 000册", ("=", 1000.0, "册", "count")),
    ("≥9 5%", ("≥", 95.0, "%", "percent")),
    ("85", ("=", 85.0, None, "quantity")),
    ("85以上", ("≥", 85.0, None, "quantity")),
    ("45657", ("=", 45657.0, None, "quantity")),
    # several numbers are text
    ("80%-90%", TEXT),
    ("1-2场", TEXT),
    ("3,1000人", TEXT),
    ("1/2", TEXT),
    # deadlines and schedules
    ("12月底前", DEADLINE),
    ("年底前", DEADLINE),
    ("6月30日前", DEADLINE),
    ("2025年内", DEADLINE),
    ("2025年12月31日", DEADLINE),
    ("2025-12-31前", DEADLINE),
    ("2025年底前完成", DEADLINE),
    ("按季度", DEADLINE),
    ("每月", DEADLINE),
    ("按时", TEXT),
    ("及时", TEXT),
    # a date does not count as a second number
    ("2025年12月底前完成率≥95%", ("≥", 95.0, "%", "percent")),
    ("每月1次", ("=", 1.0, "次", "count")),
    # yes / no
    ("否", BOOLEAN),
    ("是/否", BOOLEAN),
    ("是／否", BOOLEAN),
    ("是否按时完成", TEXT),
    # empty
    ("", EMPTY),
    ("   \t", EMPTY),
    ("\u3000", EMPTY),
    ("。", EMPTY),
    (None, EMPTY),
    # a unit without a number keeps the unit so that a rule can flag it
    ("次", (None, None, "次", "text")),
    ("万元", (None, None, "万元", "text")),
    ("万", TEXT),
]

# Values of the real published forms of tests/data/real/ (issue 22), as their cells write them.
REAL_FORMS = [
    ("2", ("=", 2.0, None, "quantity")),  # Wuhan
    ("参照政府采购成本控制", TEXT),
    ("巩固提高", TEXT),
    ("10辆", ("=", 10.0, "辆", "count")),  # Xiangtan
    ("≥80M", ("≥", 80.0, "M", "quantity")),
    ("优良", TEXT),
    ("2023.07-2024.01", DEADLINE),  # a period of year.month ends, not the number 24.01
    ("250万", ("=", 250.0, "万", "quantity")),
    ("≥90.91%", ("≥", 90.91, "%", "percent")),  # Tianjin
    ("26970.7平方米", ("=", 26970.7, "平方米", "quantity")),
    ("2020.1.1-2020.12.31", DEADLINE),
    ("71.86元/平方米", ("=", 71.86, "元/平方米", "money")),
    ("显著提升了疫情期间对民办幼儿园的扶持力度,大力支持了民办幼儿园的发展。", TEXT),
    ("≥70村", ("≥", 70.0, "村", "quantity")),  # Huaibei
    ("2025年12月", DEADLINE),
    ("5万元", ("=", 5.0, "万元", "money")),
    ("长期", TEXT),
    ("280人次", ("=", 280.0, "人次", "count")),  # Huangshi
    ("220", ("=", 220.0, None, "quantity")),
    ("32人", ("=", 32.0, "人", "count")),  # Sichuan
    ("2021年1月-12月", DEADLINE),  # a month range, not 12 months
    ("12月底前100%到位", ("=", 100.0, "%", "percent")),
    ("明显增加", TEXT),
    # the operators of the truncated forms: ≧ (Mengcheng), >= (Nanyue), ≤ with a duration (Lu'an)
    ("≧85%", ("≥", 85.0, "%", "percent")),
    ("≧", TEXT),  # cut off after the operator
    (">=101人/次", ("≥", 101.0, "人/次", "count")),
    (">=100%", ("≥", 100.0, "%", "percent")),
    ("≤7工作日", ("≤", 7.0, "工作日", "duration")),
    ("≦3个工作日", ("≤", 3.0, "个工作日", "duration")),
    ("<=120万元", ("≤", 120.0, "万元", "money")),
    ("44,561", ("=", 44561.0, None, "quantity")),  # outside a date column a serial is a number
    ("(≥**个)", TEXT),  # an unfilled template hint
]

CASES = SAMPLE_GUANGZHOU + SAMPLE_JULU + SAMPLE_TIANJIN + SPEC_AND_VARIANTS + REAL_FORMS


@pytest.mark.parametrize(("raw", "expected"), CASES, ids=[repr(raw) for raw, _ in CASES])
def test_parse_value(raw, expected):
    assert parse_value(raw) == ParsedValue(*expected)


FULL_WIDTH = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)} | {" ": "\u3000"}
# Pieces real values are made of, so that generated text often looks like a value.
PIECES = st.sampled_from(
    ["≥", "≤", ">", "<", "=", ">=", "不少于", "少于", "不低于", "以上", "及以上", "以内", "控制在", "内",
     "1", "0", "95", "3.5", "1,000", "-", "%", "‰", "次", "场(次)", "人次", "万元", "元/人", "万平方米",
     "个月", "年", "2025年", "12月", "31日", "底前", "按月", "每周", "是", "否", "/", ",", "，", ":",
     "。", ".", ";", " ", "\t", "有效促进", "m2", "A"]
)
VALUE_LIKE = st.lists(PIECES, max_size=8).map("".join)
ANY_TEXT = st.one_of(st.text(), VALUE_LIKE)

NUMERIC_KINDS = {"percent", "count", "money", "quantity", "duration"}


@given(ANY_TEXT)
def test_parse_value_never_raises_and_is_consistent(raw):
    parsed = parse_value(raw)
    assert parsed.value_kind in VALUE_KINDS
    if parsed.value_kind in NUMERIC_KINDS:
        assert parsed.op in {"≥", ">", "≤", "<", "="}
        assert parsed.number is not None
    else:
        assert parsed.op is None and parsed.number is None


@given(ANY_TEXT)
def test_parse_value_ignores_character_width(raw):
    widened = "".join(FULL_WIDTH.get(char, char) for char in raw)
    assert parse_value(widened) == parse_value(raw)


# 101号 grids: 指标性质 / 指标方向 / 指标值 / 度量单位 in cells of their own, read as the form reads them.
@pytest.mark.parametrize(
    "nature, direction, value, unit, expected",
    [
        ("≥", None, "90", "%", "≥90%"),
        ("＞＝", None, "3", "次", "≥3次"),  # full width, NFKC
        ("=", None, "=300天", "天", "=300天"),  # operator and unit already in the value
        ("≥", None, "不少于3", "次", "不少于3次"),
        ("≥", None, "85%以上", "%", "85%以上"),
        ("定量", "正向", "95", "%", "≥95%"),  # 定量 names no operator: the direction does
        ("定量", "反向", "2.5", "万元", "≤2.5万元"),
        ("定性", None, "明显提升", None, "明显提升"),
        ("定性", None, "95", "%", "95%"),
        ("≤", None, "2025-11-30", "日期", "2025-11-30"),
        ("≤", None, "45991", "日期", "45991"),  # a serial in a date column stays for Q08
        ("≥", None, "", "%", ""),
    ],
)
def test_compose_value(nature, direction, value, unit, expected):
    assert compose_value((nature, direction), value, unit) == expected


def test_nature_operator():
    assert [nature_operator(x) for x in ("≥", "≤", "=", "不低于", "正向", "反向", "定性", "定量", "", None)] == [
        "≥", "≤", "=", "≥", "≥", "≤", None, None, None, None]


# --- amounts as people write them (issue 22) -------------------------------------------------------

@pytest.mark.parametrize(
    "raw, expected",
    [
        ("854万(高标准农田建设400万元,示范建设295万元,畅通工程159万元)",
         Amount(854.0, "万元", "高标准农田建设400万元,示范建设295万元,畅通工程159万元")),
        ("854万（高标准农田建设400万元，示范建设295万元，畅通工程159万元）",
         Amount(854.0, "万元", "高标准农田建设400万元，示范建设295万元，畅通工程159万元")),  # kept as written
        ("10000万元", Amount(10000.0, "万元")),  # Wuhan
        ("250万", Amount(250.0, "万元")),  # Xiangtan: 万 alone is 万元
        ("2279.048 万元", Amount(2279.048, "万元")),  # Mengcheng
        ("164万元", Amount(164.0, "万元")),  # Huangshi
        ("164(万元)", Amount(164.0, "万元")),  # a bracket holding the unit is no breakdown
        ("3,309,840.00", Amount(3309840.0, None)),  # Jingyan, in the document's 元
        ("8,827,620.53", Amount(8827620.53, None)),
        ("4.00", Amount(4.0, None)),  # Sichuan
        ("193.8", Amount(193.8, None)),  # Tianjin
        ("0", Amount(0.0, None)),
        ("１，５００.０６", Amount(1500.06, None)),  # full width
        ("5 元", Amount(5.0, "元")),
    ],
)
def test_read_amount(raw, expected):
    assert read_amount(raw) == expected


@pytest.mark.parametrize("raw", ["", "  ", "-", "—", "/", "无", None])
def test_empty_amount(raw):
    assert is_empty_amount(raw) and read_amount(raw) is None


# A label is no amount: an interpreter that finds the next row's label where the amount should be
# (an empty 其他资金 cell dropped by a one-cell-per-line export) can tell it is not the value.
@pytest.mark.parametrize("raw", ["总", "其他资金", "年度目标", "总 体 目 标", "854万元左右", "约5万元", "5万元/年"])
def test_not_an_amount(raw):
    assert read_amount(raw) is None and not is_empty_amount(raw)


def test_amount_breakdown():
    assert amount_breakdown("854万(高标准农田建设400万元,示范建设295万元,畅通工程159万元)") == (
        "高标准农田建设400万元,示范建设295万元,畅通工程159万元")
    assert amount_breakdown("10000万元") is None and amount_breakdown("") is None and amount_breakdown("总") is None


def _n1(replacements: list[tuple[str, str]], name: str = "wuhan") -> str:
    text = nf.text(name, "rows")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return text


def test_amount_with_breakdown_reaches_the_projects_table():
    """The Hunan 申报表 whose 年度资金总额 reads 854万(…): 854 万元, the breakdown in its column."""
    text = _n1([("年度资金总额：\t35.50", "年度资金总额：\t854万(高标准农田建设400万元,示范建设295万元,畅通工程159万元)"),
                ("其中：财政拨款\t30.00", "其中：财政拨款\t854万元"), ("其他资金\t5.50", "其他资金\t")])
    project = read_document(text.encode("utf-8"), "hunan_854.txt").projects.iloc[0]
    assert (project.budget_total, project.fiscal_funds) == (854.0, 854.0) and pd.isna(project.other_funds)
    assert project.budget_breakdown == "高标准农田建设400万元,示范建设295万元,畅通工程159万元"
    plain = read_document(nf.text("wuhan", "rows").encode("utf-8"), nf.FILE_NAMES["wuhan"]).projects.iloc[0]
    assert pd.isna(plain.budget_breakdown)


def test_amounts_with_thousands_separators_in_yuan():
    """Amounts in 元 written 1,200,000.00 (as the Jingyan tree writes 3,309,840.00) read in 万元."""
    text = _n1([("1200000", "1,200,000.00"), ("800000", "800,000.00"), ("\t700000", "\t700,000.00")], "side_by_side")
    project = read_document(text.encode("utf-8"), "yuan.txt").projects.iloc[0]
    assert (project.period_budget_total, project.budget_total, project.fiscal_funds) == (120.0, 80.0, 70.0)


# --- Excel serial dates -------------------------------------------------------------------------

def test_excel_serial_date():
    assert excel_serial_date("44,561") == excel_serial_date("44561") == date(2021, 12, 31)  # Wuhai
    assert excel_serial_date("45657") == date(2024, 12, 31)
    assert excel_serial_date("44561.0") == date(2021, 12, 31)
    # no serial: a small count, a number out of the 2000–2049 range, text, several numbers
    assert [excel_serial_date(x) for x in ("8", "230", "99999", "12345", "2021-12-31", "4,4561", "")] == [None] * 7


@pytest.mark.parametrize(
    "unit, level2, level3, dated",
    [
        ("44,561", "时效指标", "项目财政资金到位时间", True),  # Wuhai: the unit cell holds the serial too
        (None, "时效指标", "工作计划按时完成时间", True),
        ("日期", "时效指标", "宣传任务完成时间", True),
        ("日期", None, "完成", True),
        (None, "时效指标", "财政资金到位及时支付率", False),  # a rate, not a date
        (None, "数量指标", "出差人数", False),
        ("万元", "成本指标", "年度预算总成本", False),
        ("人", "数量指标", "受益人数", False),
    ],
)
def test_is_date_column(unit, level2, level3, dated):
    assert is_date_column(unit, level2, level3) is dated


def test_serial_in_a_date_column_is_a_deadline():
    assert parse_value("44,561", date_column=True) == ParsedValue(*DEADLINE)
    assert parse_value("45991", date_column=True) == ParsedValue(*DEADLINE)
    assert parse_value("44561", date_column=False) == ParsedValue("=", 44561.0, None, "quantity")
    assert parse_value("8", date_column=True) == ParsedValue("=", 8.0, None, "quantity")  # no serial
    # a date-formatted unit cell holding a serial is no unit to append (Wuhai's 44,561 | 44,561)
    assert compose_value(("正向", "="), "44,561", "44,561") == "44,561"


def test_serial_dates_through_ingest():
    """An N2 grid whose 时效 value is an Excel serial: kept as written (Q08 reports it), parsed as a
    deadline; a count column with the same digits stays a number."""
    text = _n1([("2025-11-30\t日期", "45991\t日期"), ("宣传活动场次\t≥\t24\t场", "宣传活动场次\t≥\t44561\t场")], "attributes")
    indicators = read_document(text.encode("utf-8"), "serial.txt").indicators.set_index("level3")
    dated = indicators.loc["宣传任务完成时间"]
    assert (dated.target_annual, dated.value_kind) == ("45991", "deadline") and pd.isna(dated.number)
    count = indicators.loc["宣传活动场次"]
    assert (count.target_annual, count.number, count.value_kind) == ("≥44561场", 44561.0, "count")


# --- names as people write them -----------------------------------------------------------------

@pytest.mark.parametrize(
    "label, expected",
    [
        ("成本指标(0-20)分", ("成本指标", "0-20分")),
        ("成本指标（0-20）分", ("成本指标", "0-20分")),
        ("产 出 指 标 (50分)", ("产 出 指 标", "50分")),  # the Xiaoxian 自评表's 一级 cell
        ("效 益 指 标 (30分)", ("效 益 指 标", "30分")),
        ("满意度指标（10分）", ("满意度指标", "10分")),
        ("产出指标", ("产出指标", None)),
        ("(50分)", ("(50分)", None)),  # a score without a name stays as it is
        ("开展培训次数(≥**个)", ("开展培训次数(≥**个)", None)),
        (None, (None, None)),
    ],
)
def test_split_score(label, expected):
    assert split_score(label) == expected


@pytest.mark.parametrize(
    "name, expected",
    [
        ("满意度指标(必填)", "满意度指标"),
        ("服务对象满意度（必填硬性指标）", "服务对象满意度"),
        ("社会效益指标(选填)", "社会效益指标"),
        ("项目名称 (必填)", "项目名称"),
        ("开展培训次数(≥**个)", "开展培训次数(≥**个)"),  # a template hint stays: evidence for the audit
        ("群众满意度(抽样调查)", "群众满意度(抽样调查)"),
        (None, None),
    ],
)
def test_drop_form_notes(name, expected):
    assert drop_form_notes(name) == expected


def test_level_scores_and_form_notes_through_ingest():
    text = _n1([("项目完成指标", "项目完成指标(0-50)分"), ("项目效益指标", "项目效益指标（30分）"),
                ("监控设备完好率", "监控设备完好率(必填硬性指标)"), ("安保服务费", "安保服务费(≥**万元)")])
    indicators = read_document(text.encode("utf-8"), "scores.txt").indicators
    assert indicators.level1.tolist() == ["产出指标"] * 4 + ["效益指标", "满意度指标"]
    assert indicators.level1_score.tolist()[:5] == ["0-50分"] * 4 + ["30分"] and pd.isna(indicators.level1_score.iloc[5])
    assert indicators.level2_score.isna().all()
    assert indicators.level3.tolist()[1:4] == ["监控设备完好率", "设备维护完成时间", "安保服务费(≥**万元)"]
