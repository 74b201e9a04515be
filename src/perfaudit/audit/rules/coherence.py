"""C — value/name coherence (相关性; C05 适当性): the value fits the name, the name fits its place."""

from __future__ import annotations

from ...taxonomy import SATISFACTION
from ..context import AuditInput, on_indicator
from ..lexicon import bracket_unit, unit_alternatives
from ..registry import rule

BASIS_UNITS = "财预〔2021〕101号（指标值的度量单位应与指标相符）"
BASIS_TREE = "财预〔2015〕88号（绩效指标体系：各级指标的含义与分类）"


@rule(
    "C01", name_zh="率类指标值非百分比", name_en="rate without %", severity="warning", criterion="relevance",
    check_zh="指标名称是率（…率、比例、占比），指标值不是百分比（满意度见 C04）",
    basis=BASIS_UNITS,
    suggestion="率类指标的指标值用百分比表示，如“≥95%”。",
    config=("lexicon.rate_words", "lexicon.rate_exclusions", "lexicon.satisfaction_words"),
)
def c01(data: AuditInput):
    for row in data.indicators:
        if row["name_rate"] and not row["name_satisfaction"] and row["value_n"] and not row["value_percent"]:
            yield on_indicator(row, f"“{row['name']}”是率类指标，指标值“{row['value']}”却不是百分比。")


@rule(
    "C02", name_zh="数量类指标值为百分比", name_en="count with %", severity="warning", criterion="relevance",
    check_zh="指标名称是数量（数量、次数、人数、场次、…量），指标值却是百分比",
    basis=BASIS_UNITS,
    suggestion="数量类指标写明具体数量和单位，如“不少于 3 场”；要衡量比例的，改名为“…率”。",
    config=("lexicon.count_endings", "lexicon.count_exclusions"),
)
def c02(data: AuditInput):
    for row in data.indicators:
        if row["name_count"] and row["value_percent"]:
            yield on_indicator(row, f"“{row['name']}”是数量类指标，指标值“{row['value']}”却是百分比。")


@rule(
    "C03", name_zh="计量单位与名称不符", name_en="unit mismatch", severity="warning", criterion="relevance",
    check_zh="名称括号中的单位与指标值的单位不同；或数量类指标以时间单位计量（天数、时长等除外）",
    basis=BASIS_UNITS,
    suggestion="统一名称与指标值的计量单位；数量类指标用个、次、人等计数单位。",
    config=("lexicon.count_endings", "lexicon.time_count_endings"),
)
def c03(data: AuditInput):
    for row in data.indicators:
        unit = row["measure_unit"]
        stated = bracket_unit(row["name_n"])
        if stated and unit and row["number"] is not None and not unit_alternatives(stated) & unit_alternatives(unit):
            yield on_indicator(row, f"名称标明单位为“{stated}”，指标值的单位却是“{unit}”。")
        elif row["name_count"] and not row["name_time_count"] and row["value_kind"] == "duration" and unit != "分":
            yield on_indicator(row, f"“{row['name']}”是数量类指标，指标值却以时间单位“{unit}”计量。")


@rule(
    "C04", name_zh="满意度非百分比", name_en="satisfaction not a %", severity="error", criterion="relevance",
    check_zh="满意度指标的指标值不是百分比",
    basis="财预〔2015〕88号（服务对象满意度指标）；常规做法：满意度以百分比衡量",
    suggestion="满意度指标以百分比设置目标值，如“≥90%”。",
    config=("lexicon.satisfaction_words",),
)
def c04(data: AuditInput):
    for row in data.indicators:
        if row["name_satisfaction"] and row["value_n"] and not row["value_percent"]:
            yield on_indicator(row, f"满意度指标的指标值“{row['value']}”不是百分比。")


@rule(
    "C05", name_zh="目标值设置不当", name_en="target level inappropriate", severity="warning", criterion="appropriateness",
    check_zh="满意度目标为 100% 或低于 80%；正常运行率、合格率等质量类比率低于 80%（可配置）",
    basis="常规做法/模板要求（满意度目标一般在 80%–100% 之间；质量类比率应体现较高标准）",
    suggestion="满意度目标设在合理区间（如“≥90%”），不设 100%；质量类比率目标不低于常规水平（如“≥95%”）。",
    config=("thresholds.satisfaction_band", "thresholds.quality_rate_floor", "lexicon.satisfaction_words", "lexicon.quality_rates"),
)
def c05(data: AuditInput):
    low, high = data.thresholds["satisfaction_band"]
    floor = data.thresholds["quality_rate_floor"]
    for row in data.indicators:
        number, op = row["number"], row["op"]
        if not row["value_percent"] or number is None or op in ("≤", "<"):
            continue
        if row["name_satisfaction"]:
            if op == "=" and number >= high:
                yield on_indicator(row, f"满意度目标设为 {number:g}%，不切实际，也无法体现差异，不符合常规做法。")
            elif number < low:
                yield on_indicator(row, f"满意度目标 {number:g}% 低于常规做法的 {low:g}%。")
        elif row["name_quality_rate"] and number < floor:
            yield on_indicator(row, f"“{row['name']}”目标仅 {number:g}%，低于常规做法的 {floor:g}%。")


@rule(
    "C06", name_zh="满意度指标错位", name_en="satisfaction misplaced", severity="warning", criterion="relevance",
    check_zh="满意度指标设在满意度指标以外的一级指标下，或满意度指标下设了非满意度指标",
    basis=BASIS_TREE,
    suggestion="把满意度指标移到“满意度指标—服务对象满意度指标”下；其他指标移到相应的产出或效益指标下。",
    config=("lexicon.satisfaction_words",),
)
def c06(data: AuditInput):
    for row in data.indicators:
        if row["name_satisfaction"] and row["l1"] and row["l1"] != SATISFACTION:
            yield on_indicator(row, f"满意度指标设在“{row['l1']}—{row['l2']}”下。", about_name=True)
        elif row["l1"] == SATISFACTION and row["name_n"] and not row["name_satisfaction"]:
            yield on_indicator(row, f"满意度指标下的“{row['name']}”不是满意度指标。", about_name=True)


@rule(
    "C07", name_zh="指标方向错误", name_en="wrong direction", severity="error", criterion="relevance",
    check_zh="正向指标（满意度、合格率等）用 ≤/<，或负向指标（故障率、超支率、响应时间、成本…）用 ≥/>",
    basis="财预〔2021〕101号（指标性质 ≥/≤ 应与指标方向一致）",
    suggestion="正向指标用“≥”（不低于），负向指标和成本用“≤”（不高于）。",
    config=("lexicon.negative_metrics", "lexicon.negative_reversals", "lexicon.quality_rates", "lexicon.satisfaction_words"),
)
def c07(data: AuditInput):
    for row in data.indicators:
        op = row["op"]
        if op in ("≤", "<") and row["name_positive"]:
            yield on_indicator(row, f"“{row['name']}”是越高越好的指标，指标值却设为上限“{row['value']}”。")
        elif op in ("≥", ">") and (row["name_negative"] or (row["is_cost"] and row["value_kind"] == "money")):
            yield on_indicator(row, f"“{row['name']}”是越低越好的指标（或成本），指标值却设为下限“{row['value']}”。")


@rule(
    "C08", name_zh="二级指标归类错误", name_en="wrong sub-category", severity="warning", criterion="relevance",
    check_zh="数量类指标设在质量指标下；合格率等质量类比率设在数量指标下；时效指标名称与时间无关（到岗率、机制健全性）；经济效益指标与经济无关（正常运转）；生态效益与环境无关",
    basis=BASIS_TREE,
    suggestion="把指标移到与其内容相符的二级指标下（数量、质量、时效、成本；经济、社会、生态效益、可持续影响）。",
    config=(
        "lexicon.count_endings", "lexicon.quality_not_quantity", "lexicon.timeliness_name_pattern", "lexicon.economic_words",
        "lexicon.economic_only_words", "lexicon.ecological_words",
    ),
)
def c08(data: AuditInput):
    lexicon = data.lexicon
    for row in data.indicators:
        name, level2 = row["name_n"], row["l2"]
        if not name:
            continue
        if row["is_quality"] and row["name_count"] and not row["name_time_count"]:
            problem = "是数量类指标，却设在质量指标下"
        elif row["is_quantity"] and lexicon.has(name, "quality_not_quantity"):
            problem = "是质量或时效类指标，却设在数量指标下"
        elif row["is_timeliness"] and not lexicon.names_time(name):
            problem = "与时间要求无关，却设在时效指标下"
        elif level2 == "经济效益指标" and not lexicon.has(name, "economic_words"):
            problem = "与经济效益无关，却设在经济效益指标下"
        elif level2 == "社会效益指标" and lexicon.has(name, "economic_only_words"):
            problem = "反映的是经济效益，却设在社会效益指标下"
        elif level2 == "生态效益指标" and name != "无" and not lexicon.has(name, "ecological_words"):
            problem = "与生态环境无关，却设在生态效益指标下"
        else:
            continue
        yield on_indicator(row, f"“{row['name']}”{problem}。", about_name=True)


@rule(
    "C09", name_zh="效益指标实为产出或投入", name_en="benefit is an output or input", severity="warning", criterion="relevance",
    check_zh="效益指标统计的是活动次数（媒体报道次数），或描述运转和投入（保障…正常运转、资金支出情况），或是产出的质量/时效比率（完好率、及时率）",
    basis="财预〔2015〕88号（效益指标反映产出带来的经济、社会、生态效益和可持续影响）",
    suggestion="效益指标写项目产生的效果（如受益人数、群众参与率、社会影响），活动次数和运转保障移到产出指标。",
    config=("lexicon.operation_patterns", "lexicon.activity_words", "lexicon.beneficiary_words", "lexicon.output_rates_in_benefit"),
)
def c09(data: AuditInput):
    lexicon = data.lexicon
    for row in data.indicators:
        name = row["name_n"]
        if not row["is_benefit"] or not name or row["name_satisfaction"]:
            continue
        if lexicon.is_operation(name):
            problem = "描述的是运转保障或资金投入，不是效益"
        elif row["name_count"] and lexicon.has(name, "activity_words") and not lexicon.has(name, "beneficiary_words"):
            problem = "统计的是活动次数，属于产出，不是效益"
        elif lexicon.has(name, "output_rates_in_benefit"):
            problem = "是产出的质量或时效比率，不是效益"
        else:
            continue
        yield on_indicator(row, f"效益指标“{row['name']}”{problem}。", about_name=True)
