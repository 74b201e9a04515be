"""C — value/name coherence (相关性; C05 适当性): the value fits the name, the name fits its place."""

from __future__ import annotations

from ...taxonomy import BENEFIT, SATISFACTION
from ..context import AuditInput, on_indicator
from ..lexicon import bracket_unit, norm, unit_alternatives
from ..registry import rule
from ..suggest import budget_cap, lower_is_better, move_to

BASIS_UNITS = "财预〔2021〕101号（指标值的度量单位应与指标相符）"
BASIS_TREE = "财预〔2015〕88号（绩效指标体系：各级指标的含义与分类）"


@rule(
    "C01", name_zh="率类指标值非百分比", name_en="rate without %", severity="warning", criterion="relevance",
    check_zh="指标名称是率（…率、比例、占比），指标值不是百分比（满意度见 C04）；负向比率（事故率、投诉率…）以“0起”“0事故”“零事故”为目标是有效的，不报告",
    basis=BASIS_UNITS,
    suggestion="率类指标的指标值用百分比表示：正向比率如“≥95%”，负向比率如“≤5%”或“=0%”。",
    config=("lexicon.rate_words", "lexicon.rate_exclusions", "lexicon.satisfaction_words", "lexicon.zero_target_words"),
)
def c01(data: AuditInput):
    for row in data.indicators:
        if not (row["name_rate"] and not row["name_satisfaction"] and row["value_n"] and not row["value_percent"]):
            continue
        if row["name_negative"] and row["value_zero"]:
            continue  # 事故率：0事故 — none at all is a valid target of a negative rate
        operator = "≤" if lower_is_better(row) else "≥"
        yield on_indicator(
            row, f"“{row['name']}”是率类指标，指标值“{row['value']}”却不是百分比。",
            suggestion=f"把“{row['value']}”改为百分比，如“{operator}{'5' if operator == '≤' else '95'}%”"
            + ("（或“=0%”）" if operator == "≤" else "") + "。",
        )


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
            yield on_indicator(
                row, f"名称标明单位为“{stated}”，指标值的单位却是“{unit}”。",
                suggestion=f"名称和指标值用同一单位：指标值写作“{row['op'] or ''}{row['number']:g}{stated}”，或把名称中的“（{stated}）”改为“（{unit}）”。",
            )
        elif row["name_count"] and not row["name_time_count"] and row["value_kind"] == "duration" and unit != "分":
            yield on_indicator(
                row, f"“{row['name']}”是数量类指标，指标值却以时间单位“{unit}”计量。",
                suggestion=f"把“{row['value']}”改为所整理或处理对象的数量（如“≥N 卷”“≥N 件”）；要衡量期间的，另设时效指标。",
            )


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
            yield on_indicator(
                row, f"满意度指标的指标值“{row['value']}”不是百分比。",
                suggestion=f"把“{row['value']}”改为满意度百分比，如“≥90%”；投诉次数等另设指标。",
            )


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
                yield on_indicator(
                    row, f"满意度目标设为 {number:g}%，不切实际，也无法体现差异，不符合常规做法。",
                    suggestion=f"把“{row['value']}”改为合理区间内的下限，如“≥90%”。",
                )
            elif number < low:
                yield on_indicator(
                    row, f"满意度目标 {number:g}% 低于常规做法的 {low:g}%。",
                    suggestion=f"把“{row['value']}”提高到常规水平，如“≥{low:g}%”。",
                )
        elif row["name_quality_rate"] and number < floor:
            yield on_indicator(
                row, f"“{row['name']}”目标仅 {number:g}%，低于常规做法的 {floor:g}%。",
                suggestion=f"把“{row['value']}”提高到常规水平，如“≥95%”；确因客观原因偏低的，在依据中说明。",
            )


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
            yield on_indicator(
                row, f"满意度指标设在“{row['l1']}—{row['l2']}”下。", about_name=True,
                suggestion=move_to(row, "服务对象满意度指标"),
            )
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
            yield on_indicator(
                row, f"“{row['name']}”是越高越好的指标，指标值却设为上限“{row['value']}”。",
                suggestion=f"改为下限“≥”，如“≥{row['number']:g}{row['measure_unit'] or ''}”。" if row["number"] is not None and row["value_percent"] else None,
            )
        elif op in ("≥", ">") and (row["name_negative"] or (row["is_cost"] and row["value_kind"] == "money")):
            yield on_indicator(
                row, f"“{row['name']}”是越低越好的指标（或成本），指标值却设为下限“{row['value']}”。",
                suggestion=f"改为上限“≤”，如“≤{row['number']:g}{row['measure_unit'] or ''}”。" if row["number"] is not None else None,
            )


def _time_in(row: dict, lexicon) -> str | None:
    """Where a timeliness indicator states its time: name, description or value (None: nowhere)."""
    if lexicon.names_time(row["name_n"]):
        return "name"
    if lexicon.names_time(row["description_n"]):
        return "description"
    if row["value_kind"] in ("deadline", "duration") or lexicon.names_a_time(row["value_n"]):
        return "value"
    return None


def count_under_quality(row: dict) -> bool:
    """C08: a count (by its name) under 质量指标."""
    return row["is_quality"] and row["name_count"] and not row["name_time_count"]


def quality_rate_under_quantity(row: dict, lexicon) -> str | None:
    """C08: the quality or timeliness rate word (合格率, 及时率) of a name under 数量指标."""
    return lexicon.first_word(row["name_n"], "quality_not_quantity") if row["is_quantity"] else None


def percent_under_quantity(row: dict, lexicon) -> bool:
    """C12: a percentage under 数量指标 that is no share of a planned quantity (完成率, 出版率 are)."""
    return (row["is_quantity"] and row["value_percent"] and not row["name_count"]
            and not lexicon.has(row["name_n"], "quantity_rates"))


def count_value_under_quality(row: dict) -> bool:
    """C12: a count (by its value) under 质量指标."""
    return row["is_quality"] and row["value_kind"] == "count" and not row["name_rate"]


def misfiled_output_home(row: dict, lexicon) -> str | None:
    """The 产出 二级 (数量/质量/时效) an indicator filed under 数量 or 质量 belongs to by its content,
    when C08 or C12 moves it there (S05 counts it where it belongs: one cause, one finding)."""
    if row["name_n"] and (count_under_quality(row) or count_value_under_quality(row)):
        return "数量指标"
    word = quality_rate_under_quantity(row, lexicon) if row["name_n"] else None
    if word:
        return "时效指标" if "及时" in word else "质量指标"
    if row["name_n"] and percent_under_quantity(row, lexicon):
        return "质量指标"
    return None


def _not_time_home(row: dict) -> str:
    """Where an indicator under 时效 that is not about time belongs, by its name or value: a count or
    quantity (修缮面积) is never moved to 质量指标."""
    return "数量指标" if row["name_count"] or row["value_kind"] in ("count", "quantity") else "质量指标"


@rule(
    "C08", name_zh="二级指标归类错误", name_en="wrong sub-category", severity="warning", criterion="relevance",
    check_zh="数量类指标设在质量指标下；合格率等质量类比率设在数量指标下；时效指标的名称、描述和指标值都与时间无关（到岗率、机制健全性）；经济效益指标的名称和描述与经济无关；生态效益与环境无关；社会效益指标只反映经济收益",
    basis=BASIS_TREE,
    suggestion="把指标移到与其内容相符的二级指标下（数量、质量、时效、成本；经济、社会、生态效益、可持续影响）。",
    config=(
        "lexicon.count_endings", "lexicon.quality_not_quantity", "lexicon.timeliness_name_pattern", "lexicon.time_value_words",
        "lexicon.economic_words", "lexicon.economic_only_words", "lexicon.ecological_words",
    ),
)
def c08(data: AuditInput):
    lexicon = data.lexicon
    for row in data.indicators:
        name, level2 = row["name_n"], row["l2"]
        words = name + row["description_n"] + row["value_n"]  # 无丢失、被盗 says what the name means
        if not name:
            continue
        if count_under_quality(row):
            problem, home = "是数量类指标（名称以计数结尾），却设在质量指标下", "数量指标"
        elif quality_rate_under_quantity(row, lexicon):
            word = quality_rate_under_quantity(row, lexicon)
            home = "时效指标" if "及时" in word else "质量指标"
            problem = f"是{home[:2]}类比率（“{word}”），却设在数量指标下"
        elif row["is_timeliness"] and _time_in(row, lexicon) is None:
            problem = "的名称、描述和指标值都没有时间要求（时限、进度、及时、周期），却设在时效指标下"
            home = _not_time_home(row)
        elif level2 == "经济效益指标" and not lexicon.has(words, "economic_words"):
            problem, home = "的名称和描述都与经济效益（收入、成本节约、产业带动）无关，却设在经济效益指标下", "社会效益指标"
        elif level2 == "社会效益指标" and lexicon.has(name, "economic_only_words"):
            word = lexicon.first_word(name, "economic_only_words")
            problem, home = f"反映的是经济效益（“{word}”），却设在社会效益指标下", "经济效益指标"
        elif level2 == "生态效益指标" and name != "无" and not lexicon.has(words, "ecological_words"):
            problem, home = "的名称和描述都与生态环境无关，却设在生态效益指标下", "社会效益指标"
        else:
            continue
        yield on_indicator(row, f"“{row['name']}”{problem}。", about_name=True, suggestion=move_to(row, home))


@rule(
    "C09", name_zh="效益指标实为产出或投入", name_en="benefit is an output or input", severity="warning", criterion="relevance",
    check_zh="效益指标统计的是活动或发稿次数（媒体报道次数、发稿量；描述说明统计受益人的除外），或名称/描述写的是运转保障或资金投入（保障…正常运转、资金支出情况），或是产出的质量/时效比率（完好率、及时率、正常运行率）；报告所依据的原文词语",
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
        words = name + row["description_n"]
        operation = lexicon.operation_phrase(name) or lexicon.operation_phrase(row["description_n"])
        output_rate = lexicon.first_word(name, "output_rates_in_benefit")
        activity = lexicon.first_word(name, "activity_words")
        if operation and row["name_rate"] and not lexicon.has(words, "beneficiary_words"):
            problem = f"以“{operation}”的比率衡量设施或机构的运转，是产出的质量，不是项目产生的效果"
            home, target = "质量指标", "产出指标—质量指标"
        elif operation:
            problem = f"写的是“{operation}”，是运转保障或资金投入，不是项目产生的效果"
            home, target = None, None
        elif row["name_count"] and activity and not lexicon.has(words, "beneficiary_words"):
            problem = f"统计的是活动或发稿的次数（“{activity}”），属于产出数量，不是效果"
            home, target = "数量指标", "产出指标—数量指标"
        elif output_rate:
            problem = f"是产出的质量或时效比率（“{output_rate}”），不是效果"
            home = "时效指标" if "及时" in output_rate else "质量指标"
            target = f"产出指标—{home}"
        else:
            continue
        if home:
            suggestion = move_to(row, home) + "效益指标另设反映项目效果的指标（如受益人数、群众参与率、社会影响）。"
        else:
            suggestion = (
                f"删除“{row['name']}”或改写为项目产生的效果（如服务对象覆盖率、受益人数），运转保障不作为效益指标。"
            )
        yield on_indicator(row, f"效益指标“{row['name']}”{problem}。", about_name=True, suggestion=suggestion)


@rule(
    "C10", name_zh="财务管理要求作为绩效指标", name_en="finance-management item as indicator", severity="warning",
    criterion="relevance",
    check_zh="指标是财务管理要求而非项目绩效：资金支付及时率、支出进度、预算执行率、资金使用合规率、是否按标准采购等",
    basis="财预〔2015〕88号（绩效指标反映项目的产出和效果）；资金支付、预算执行和合规属于预算与财务管理的要求，在执行监控和评价中另行考核",
    suggestion="删除该指标，改设反映项目产出或效果的指标；成本指标写金额上限。",
    config=("lexicon.finance_management_patterns", "lexicon.payment_project_words", "lexicon.payment_timeliness_pattern"),
    examples=("广州 2024年办公设备购置经费：“14-成本指标；采购经费是否按标准进行采购：是”", "“资金支付及时率：100%”“预算执行率：100%”"),
)
def c10(data: AuditInput):
    lexicon = data.lexicon
    for row in data.indicators:
        phrase = lexicon.finance_phrase(row["name_n"])
        if not phrase:
            continue
        if lexicon.pays_on_time(row["name_n"]) and is_payment_project(data.project(row["project_id"]), lexicon):
            continue  # a project that pays wages or allowances: paying them on time is its output
        if row["is_cost"]:
            project = data.project(row["project_id"])
            suggestion = f"删除“{row['name']}”；成本指标改写项目的经济成本金额，如“{project['name'] if project else '项目'}支出{budget_cap(project)}”。"
        else:
            suggestion = f"删除“{row['name']}”，改设反映项目产出（数量、质量、时效）或效果的指标。"
        yield on_indicator(
            row, f"“{row['name']}”（“{phrase}”）是资金管理和财务合规的要求，不是项目的绩效。",
            about_name=True, suggestion=suggestion,
        )


def is_payment_project(project: dict | None, lexicon) -> bool:
    """A project whose content is paying people (wages, allowances, subsidies to persons): its name,
    资金用途 or goal names it (lexicon payment_project_words)."""
    if project is None:
        return False
    return lexicon.has(norm(project["name"]) + norm(project.get("fund_use")) + norm(project["goal_text"]), "payment_project_words")


def project_kinds(project: dict, kinds) -> list:
    """The kinds (lexicon project_kinds) a project's name or 资金用途 names."""
    text = norm(project["name"]) + norm(project.get("fund_use"))
    return [kind for kind in kinds if any(word in text for word in kind["project"])]


@rule(
    "C11", name_zh="指标与项目无关", name_en="indicator unrelated to the project", severity="warning", criterion="relevance",
    check_zh="按项目名称（或资金用途）识别项目类别（因公出访、公务用车、信息化运维…，见 project_kinds），指标名称只含其他类别的词、不含本类别的词，且项目名称、绩效目标和资金用途既没有提到该词，也没有提到那一类别",
    basis="财预〔2015〕88号（相关性：绩效指标应与项目的内容和绩效目标密切相关）",
    suggestion="删除与项目无关的指标，改设反映本项目产出和效果的指标。",
    config=("lexicon.project_kinds",),
    examples=("因公出访项目中的“纪检监察案件办理数”；车辆保险项目中的“节约水、电”",),
)
def c11(data: AuditInput):
    kinds = data.lexicon.words("project_kinds")
    for project in data.projects:
        own = project_kinds(project, kinds)
        if not own:
            continue
        context = norm(project["name"]) + norm(project["goal_text"]) + norm(project.get("fund_use"))
        own_words = [word for kind in own for word in kind["indicators"]]
        for row in data.indicators_of(project["project_id"]):
            name = row["name_n"]
            if not name or any(word in name for word in own_words):
                continue
            foreign = next(
                (
                    (kind, word) for kind in kinds if kind not in own and not any(w in context for w in kind["project"])
                    for word in kind["indicators"] if word in name and word not in context
                ),
                None,
            )
            if foreign is None:
                continue
            kind, word = foreign
            own_names = "、".join(k["kind"] for k in own)
            yield on_indicator(
                row, f"“{row['name']}”（“{word}”）属于{kind['kind']}事项，本项目是{own_names}项目，指标与项目内容无关。",
                about_name=True,
                suggestion=f"删除“{row['name']}”，改设反映本项目（{own_names}）产出或效果的指标，如与“{'”“'.join(own[0]['indicators'][:3])}”有关的数量、质量或时效指标。",
            )


@rule(
    "C12", name_zh="二级指标与指标含义不符", name_en="sub-category by meaning", severity="warning", criterion="relevance",
    check_zh="按指标的含义而非名称结尾判断：数量指标以百分比衡量（完成率、覆盖率除外）；质量指标是计数；安全事故类比率设在效益指标下",
    basis=BASIS_TREE,
    suggestion="把指标移到与其含义相符的二级指标下：比率和达标情况属质量指标，计数属数量指标，施工和运行安全属产出质量。",
    config=("lexicon.quantity_rates", "lexicon.safety_in_benefit_words"),
    examples=("广州 机构运行辅助经费：“11-数量指标；编外人员到位率：100%”", "“22-社会效益；施工安全事故率：≤1%”"),
)
def c12(data: AuditInput):
    lexicon = data.lexicon
    for row in data.indicators:
        name = row["name_n"]
        if not name:
            continue
        if percent_under_quantity(row, lexicon):
            problem, home = f"设在数量指标下，指标值“{row['value']}”却是百分比：衡量的是比例或质量，不是数量", "质量指标"
        elif count_value_under_quality(row):
            problem, home = f"设在质量指标下，指标值“{row['value']}”却是计数", "数量指标"
        elif row["l1"] == BENEFIT and row["name_rate"] and lexicon.has(name, "safety_in_benefit_words"):
            word = lexicon.first_word(name, "safety_in_benefit_words")
            problem, home = f"是安全管理的比率（“{word}”），属于产出质量，却设在效益指标下", "质量指标"
        else:
            continue
        yield on_indicator(row, f"“{row['name']}”{problem}。", about_name=True, suggestion=move_to(row, home))
