"""Q — quantification (可行性): a target value must be measurable and gradable.

The rules read the annual target (the only target of layouts B and C). Q01 is the residual
rule: a value without a number that no more specific rule (Q02 yes/no, Q03 vague, Q04 unit only,
Q05 timeliness, Q07 scoring rule) explains, so one unquantified value is reported once.
"""

from __future__ import annotations

import re

from ..context import AuditInput, on_indicator
from ..lexicon import Lexicon
from ..registry import rule

BASIS_QUANT = "财预〔2015〕88号（细化量化）；财预〔2020〕10号（定性指标应能分档评价）；财预〔2021〕101号（指标性质、指标值、度量单位）"


def is_yes_no(row: dict, lexicon: Lexicon) -> bool:
    value = row["value_n"]
    return row["value_kind"] == "boolean" or lexicon.is_yes_no(value) or lexicon.is_undecided(value)


def is_untimed(row: dict, lexicon: Lexicon) -> bool:
    """A timeliness target without a date, deadline, duration or percentage."""
    return (
        row["is_timeliness"]
        and bool(row["value_n"])
        and not row["value_digit"]
        and row["value_kind"] != "deadline"
        and not lexicon.names_a_time(row["value_n"])
    )


def is_scoring_rule(row: dict, lexicon: Lexicon) -> bool:
    return bool(row["value_n"]) and (lexicon.is_scoring_rule(row["value_n"]) or row["value_n"] == row["name_n"])


@rule(
    "Q01", name_zh="指标值未量化", name_en="not quantified", severity="warning", criterion="feasibility",
    also=("error",),
    check_zh="指标值没有数字也不是时限，且不属于 Q02–Q05、Q07 的情形（二级指标为数量或成本时为错误）",
    basis=BASIS_QUANT,
    suggestion="改为可衡量的目标值：写明指标性质（≥/≤/=）、数值和度量单位，如“≥95%”“不少于 3 场”“≤20 万元”。",
    config=("lexicon.yes_no_values", "lexicon.vague_values", "lexicon.time_value_words", "lexicon.scoring_patterns"),
)
def q01(data: AuditInput):
    lexicon = data.lexicon
    for row in data.indicators:
        value = row["value_n"]
        if not value or row["value_digit"] or row["value_kind"] == "deadline":
            continue
        explained = (
            is_yes_no(row, lexicon) or lexicon.is_vague(value) or lexicon.is_unit_only(value)
            or is_untimed(row, lexicon) or is_scoring_rule(row, lexicon)
        )
        if explained:
            continue
        strict = row["is_quantity"] or row["is_cost"]
        yield on_indicator(
            row,
            f"指标值“{row['value']}”没有可衡量的数值" + ("，数量/成本指标必须量化。" if strict else "。"),
            severity="error" if strict else "warning",
        )


@rule(
    "Q02", name_zh="是/否型指标值", name_en="yes/no value", severity="warning", criterion="feasibility",
    also=("error",),
    check_zh="指标值为“是”或“否”（未定的“是/否”为错误）",
    basis=BASIS_QUANT,
    suggestion="把是/否改为可分档衡量的目标，如完成率、达标率或具体的完成标准。",
    config=("lexicon.yes_no_values", "lexicon.undecided_values"),
)
def q02(data: AuditInput):
    lexicon = data.lexicon
    for row in data.indicators:
        if not is_yes_no(row, lexicon):
            continue
        if lexicon.is_undecided(row["value_n"]):
            yield on_indicator(row, f"指标值“{row['value']}”未确定目标，只是照抄了模板的选项。", severity="error")
        else:
            yield on_indicator(row, f"指标值为“{row['value']}”，只能判断有或无，无法衡量完成程度。")


@rule(
    "Q03", name_zh="模糊定性表述", name_en="vague value", severity="warning", criterion="feasibility",
    check_zh="指标值是模糊定性表述（有效促进、持续推进、进一步丰富、有效提升、健全、良好…）",
    basis=BASIS_QUANT,
    suggestion="改为可衡量的目标值；确需定性的，写明可分档评价的具体标准（如“建立并印发××制度”）。",
    config=("lexicon.vague_values", "lexicon.vague_adverbs", "lexicon.vague_verbs"),
)
def q03(data: AuditInput):
    for row in data.indicators:
        if data.lexicon.is_vague(row["value_n"]):
            yield on_indicator(row, f"指标值“{row['value']}”是模糊定性表述，无法衡量是否完成。")


@rule(
    "Q04", name_zh="有单位无数值", name_en="unit without number", severity="error", criterion="feasibility",
    check_zh="指标值只有度量单位（如“次”“%”），没有数值",
    basis=BASIS_QUANT,
    suggestion="补上数值和指标性质，如“≥3 次”。",
)
def q04(data: AuditInput):
    for row in data.indicators:
        if row["value_n"] and data.lexicon.is_unit_only(row["value_n"]):
            yield on_indicator(row, f"指标值“{row['value']}”只有度量单位，没有数值。")


@rule(
    "Q05", name_zh="时效指标无时限", name_en="timeliness without a time", severity="warning", criterion="feasibility",
    check_zh="二级指标为时效指标，指标值中没有日期、时限、时长或百分比",
    basis=BASIS_QUANT,
    suggestion="写明完成时限（如“2025年12月底前”）、时长或及时率（如“≥95%”）。",
    config=("lexicon.time_value_words",),
)
def q05(data: AuditInput):
    for row in data.indicators:
        if is_untimed(row, data.lexicon):
            yield on_indicator(row, f"时效指标的指标值“{row['value']}”没有具体时限，无法判断是否按时完成。")


@rule(
    "Q06", name_zh="成本指标非金额", name_en="cost not in money", severity="warning", criterion="feasibility",
    check_zh="二级（或一级）指标为成本指标，指标值的单位不是元/万元",
    basis="财预〔2021〕101号（成本指标以金额衡量）",
    suggestion="成本指标以金额表示，如“≤20 万元”“≤500 元/人”；费用标准、采购合规等内容可移到质量指标。",
)
def q06(data: AuditInput):
    for row in data.indicators:
        if not row["is_cost"] or not row["value_n"]:
            continue
        money = row["value_kind"] == "money" or "元" in (row["measure_unit"] or "")
        if not money:
            yield on_indicator(row, f"成本指标的指标值“{row['value']}”不是金额（元/万元）。")


@rule(
    "Q07", name_zh="指标值含评分规则", name_en="value is a scoring rule or definition", severity="error", criterion="feasibility",
    check_zh="指标值含评分规则（得N分、满分、扣分）或计算公式/定义，或只是重复指标名称",
    basis="财预〔2021〕101号（指标值是目标值，评分规则属于评价环节）",
    suggestion="指标值只写目标值（如“≥95%”）；评分规则和计算方法放在指标解释或评价方案中。",
    config=("lexicon.scoring_patterns",),
)
def q07(data: AuditInput):
    for row in data.indicators:
        if not is_scoring_rule(row, data.lexicon):
            continue
        if row["value_n"] == row["name_n"]:
            yield on_indicator(row, "指标值只是重复指标名称，没有目标值。")
        else:
            yield on_indicator(row, f"指标值“{row['value']}”是评分规则或计算方法，不是目标值。")


_FIVE_DIGITS = re.compile(r"^\d{5}(?:\.0+)?$")


@rule(
    "Q08", name_zh="Excel日期序列号", name_en="Excel serial date", severity="error", criterion="feasibility",
    check_zh="时间类指标值是 36526–54787 之间的 5 位数字（Excel 日期被导出成了序列号）",
    basis="数据转换错误：日期单元格以序列号导出",
    suggestion="把序列号改回日期（如 45657 → 2024年12月31日），并核对原表的日期格式。",
    config=("thresholds.excel_serial_dates", "lexicon.timeliness_name_pattern"),
)
def q08(data: AuditInput):
    low, high = data.thresholds["excel_serial_dates"]
    for row in data.indicators:
        value = row["value_n"]
        about_time = row["is_timeliness"] or data.lexicon.names_time(row["name_n"])
        if about_time and _FIVE_DIGITS.match(value) and low <= float(value) <= high:
            yield on_indicator(row, f"指标值“{row['value']}”像是 Excel 日期序列号，不是可读的日期。")
