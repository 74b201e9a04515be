"""Q — quantification (可行性): a target value must be measurable and gradable.

The rules read the annual target (the only target of layouts B and C). Q01 is the residual
rule: a value without a number that no more specific rule (Q02 yes/no, Q03 vague, Q04 unit only,
Q05 timeliness, Q07 scoring rule) explains, so one unquantified value is reported once.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from ..context import AuditInput, indicator_evidence, on_indicator
from ..lexicon import Lexicon
from ..registry import Hit, rule
from ..suggest import budget_cap, example_value, fitting_value
from .blocks import setting
from .official import defines_grades

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
    check_zh="指标值没有数字也不是时限，且不属于 Q02–Q05、Q07 的情形，描述也没有定义分级分档（二级指标为数量或成本时为错误）",
    basis=BASIS_QUANT,
    suggestion="改为可衡量的目标值：写明指标性质（≥/≤/=）、数值和度量单位，如“≥95%”“不少于 3 场”“≤20 万元”。",
    config=("lexicon.yes_no_values", "lexicon.vague_values", "lexicon.time_value_words", "lexicon.scoring_patterns",
            "official.grade_patterns"),
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
            or defines_grades(data, row["description_n"])  # 定性分级分档 (财预〔2020〕10号)
        )
        if explained:
            continue
        strict = row["is_quantity"] or row["is_cost"]
        yield on_indicator(
            row,
            f"指标值“{row['value']}”没有可衡量的数值" + ("，数量/成本指标必须量化。" if strict else "。"),
            severity="error" if strict else "warning",
            suggestion=f"把“{row['value']}”改为可衡量的目标值，写明指标性质、数值和度量单位，如“{example_value(row, data.budget_year(row['project_id']))}”。",
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
        suggestion = f"把“{row['value']}”改为可分档衡量的目标，如{example_value(row, data.budget_year(row['project_id']))}。"
        if lexicon.is_undecided(row["value_n"]):
            yield on_indicator(
                row, f"指标值“{row['value']}”未确定目标，只是照抄了模板的选项。", severity="error", suggestion=suggestion
            )
        else:
            yield on_indicator(row, f"指标值为“{row['value']}”，只能判断有或无，无法衡量完成程度。", suggestion=suggestion)


@rule(
    "Q03", name_zh="模糊定性表述", name_en="vague value", severity="warning", criterion="feasibility",
    check_zh="指标值是模糊定性表述（有效促进、持续推进、进一步丰富、有效提升、健全、良好…），且描述没有定义分级分档",
    basis=BASIS_QUANT,
    suggestion="改为可衡量的目标值；确需定性的，写明可分档评价的具体标准（如“建立并印发××制度”）。",
    config=("lexicon.vague_values", "lexicon.vague_adverbs", "lexicon.vague_verbs", "official.grade_patterns"),
)
def q03(data: AuditInput):
    for row in data.indicators:
        if data.lexicon.is_vague(row["value_n"]) and not defines_grades(data, row["description_n"]):
            yield on_indicator(
                row, f"指标值“{row['value']}”是模糊定性表述，无法衡量是否完成。",
                suggestion=f"把“{row['value']}”改为可衡量的目标值，如{example_value(row, data.budget_year(row['project_id']))}；"
                "确需定性的，写明可分档评价的具体标准（如“建立并印发××制度”）。",
            )


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
    suggestion="写明完成时限（如“预算年度12月底前”）、时长或及时率（如“≥95%”）。",
    config=("lexicon.time_value_words",),
)
def q05(data: AuditInput):
    for row in data.indicators:
        if is_untimed(row, data.lexicon):
            year = data.budget_year(row["project_id"])
            yield on_indicator(
                row, f"时效指标的指标值“{row['value']}”没有具体时限，无法判断是否按时完成。",
                suggestion=f"写明完成时限（如“{year or '××'}年12月底前”）、时长或及时率（如“≥95%”），代替“{row['value']}”。",
            )


@rule(
    "Q06", name_zh="成本指标非金额", name_en="cost not in money", severity="warning", criterion="feasibility",
    check_zh="二级（或一级）指标为成本指标，指标值的单位不是元/万元（社会成本、生态环境成本指标除外：它们衡量负面影响）",
    basis="财预〔2021〕101号（经济成本指标以金额衡量；社会成本、生态环境成本指标反映项目实施可能造成的负面影响）",
    suggestion="成本指标以金额表示，如“≤20 万元”“≤500 元/人”；费用标准、采购合规等内容可移到质量指标。",
    config=("official.impact_level2",),
)
def q06(data: AuditInput):
    impact_costs = setting(data, "official", "impact_level2")
    for row in data.indicators:
        if not row["is_cost"] or not row["value_n"] or row["l2"] in impact_costs:
            continue  # 社会成本/生态环境成本 measure negative impact, not money (财预〔2021〕101号)
        unit = row["measure_unit"] or ""
        money = row["value_kind"] == "money" or "元" in unit or unit in ("万", "亿")  # 250万 in a 万元 table
        if not money:
            yield on_indicator(
                row, f"成本指标的指标值“{row['value']}”不是金额（元/万元）。",
                suggestion=f"“{row['name']}”的指标值改为金额上限，如“{budget_cap(data.project(row['project_id']))}”；"
                "比率、标准和合规要求不作为成本指标。",
            )


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
_EXCEL_EPOCH = date(1899, 12, 30)  # day 0 of Excel's 1900 date system (its 1900-02-29 included)


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
            day = _EXCEL_EPOCH + timedelta(days=int(float(value)))
            yield on_indicator(
                row, f"指标值“{row['value']}”像是 Excel 日期序列号，不是可读的日期。",
                suggestion=f"把“{row['value']}”改回日期“{day.year}年{day.month}月{day.day}日”（若为截止时间，写作“{day.year}年{day.month}月{day.day}日前”），并核对原表的日期格式。",
            )


_MEASURED = ("percent", "count", "quantity", "money", "duration")


@rule(
    "Q09", name_zh="缺少指标性质", name_en="operator missing", severity="info", criterion="feasibility",
    check_zh="指标值有数值和单位，却没有写指标性质（≥、≤、=，或“不少于”“以上”“以内”等），如只写“95%”“4期”；"
    "方向由指标含义即可看出，是填写规范问题，每个单位至多一条提示，列出这些指标",
    basis="财预〔2021〕101号（每项指标应写明指标性质 ≥/≤/=、指标值和度量单位）",
    suggestion="在数值前写明指标性质：正向指标用“≥”，成本和负向指标用“≤”，确定值用“=”。",
    config=("lexicon.operator_words",),
    examples=("巨鹿 老研会书画活动经费：“开展活动次数：3 次”“开展活动覆盖率：100%”",),
)
def q09(data: AuditInput):
    bare: dict[str, list[dict]] = {}
    for row in data.indicators:
        if row["value_kind"] in _MEASURED and row["number"] is not None and not row["value_operator"]:
            bare.setdefault(row["unit_id"], []).append(row)
    for unit_id, rows in bare.items():
        first = rows[0]
        projects = len({row["project_id"] for row in rows})
        fixes = "；".join(f"{row['name']}：“{row['value']}”→“{fitting_value(row)}”" for row in rows[:3])
        yield Hit(
            unit_id=unit_id, source_file=first["source_file"],
            source_line=first["value_line"] or first["source_line"], source_ref=first["value_ref"] or first["source_ref"],
            evidence=indicator_evidence(first),
            message=f"{projects} 个项目的 {len(rows)} 项指标只写了数值，没有写指标性质（≥、≤、=）；"
            "方向由指标含义可以看出，但财预〔2021〕101号要求写明。",
            suggestion=f"在数值前写明指标性质，如{fixes}" + ("等" if len(rows) > 3 else "") + "。",
        )


@rule(
    "Q10", name_zh="口号式效益指标配百分比", name_en="slogan benefit with a bare percentage", severity="warning",
    criterion="feasibility",
    check_zh="效益指标的名称是口号或笼统的“提升/促进…”“…情况”，指标值只有一个百分比（如“业务保障能力提升情况：100%”），说不清是什么的百分比、如何统计",
    basis=BASIS_QUANT,
    suggestion="把效益指标改为有统计口径的具体指标（如“群众参与率≥80%”“受益人数≥N 人次”），在描述中写明计算方法。",
    config=("lexicon.vague_adverbs", "lexicon.vague_verbs", "lexicon.slogan_endings"),
    examples=("巨鹿 老年诗词楹联协会经费：“提升开展活动的社会影响力：100%”",),
)
def q10(data: AuditInput):
    lexicon = data.lexicon
    for row in data.indicators:
        if not (row["is_benefit"] and row["value_percent"]) or row["name_rate"] or row["name_satisfaction"]:
            continue
        if lexicon.is_slogan(row["name_n"]):
            yield on_indicator(
                row,
                f"效益指标“{row['name']}”是口号式表述，指标值“{row['value']}”说不清是什么的百分比、如何统计。",
                suggestion=f"把“{row['name']}：{row['value']}”改为有统计口径的效果指标，如“服务对象覆盖率≥90%”或“参与群众≥N 人次”，并在描述中写明计算方法。",
            )
