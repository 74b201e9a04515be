"""Plausibility (issue 23, 适当性): figures that cannot all be true together — a unit cost times a
quantity against the budget, outputs against inputs, people served against beneficiaries, targets
out of proportion to the money — and growth rates without the base they grow from."""

from __future__ import annotations

from ..context import AuditInput, amount, indicator_evidence, on_indicator, on_project
from ..lexicon import name_core, unit_alternatives
from ..registry import rule
from .arithmetic import in_wan
from .blocks import first, pattern, setting

BASIS_FIT = "财预〔2015〕88号（合理可行、相应匹配：绩效目标应与预算资金量相匹配，经过测算、切实可行）"

_MAGNITUDE = {"万": 1e4, "千": 1e3, "亿": 1e8}
_WEIGHT_IN_KG = {"公斤": 1.0, "千克": 1.0, "kg": 1.0, "斤": 0.5, "吨": 1000.0, "克": 0.001}


def absolute(number: float, unit: str | None) -> tuple[float, str]:
    """``10, 万人次/年`` -> ``100000, 人次``: the number without its magnitude, the bare unit."""
    unit = (unit or "").split("/", 1)[0]
    if unit[:1] in _MAGNITUDE and len(unit) > 1:
        return number * _MAGNITUDE[unit[0]], unit[1:]
    return number, unit


def _measured(row: dict) -> bool:
    return row["number"] is not None and row["value_kind"] in ("count", "quantity") and row["op"] not in ("≤", "<")


@rule(
    "A12", name_zh="单位成本×数量与预算不符", name_en="unit cost × quantity vs budget", severity="warning",
    criterion="appropriateness",
    check_zh="以“元/亩”“元/人”等表示的单位成本指标（per_units：按实物或人计，不按次、按月），按项目预算折算出的数量（预算 ÷ 单位成本）"
    "与同一计量单位的数量指标相差 cost_quantity_ratio 倍以上；项目另有以金额表示的总成本或分项成本的不查（预算不只用于该单位成本）",
    basis=BASIS_FIT,
    suggestion="核实单位成本、数量和预算的测算：单位成本 × 数量应与预算数大致相符，不一致的，修改指标值或说明其余资金的用途。",
    config=("plausibility.cost_quantity_ratio", "plausibility.per_units"),
    examples=("“亩均成本：1600元/亩”“实施面积：500亩”，项目预算 400 万元（折算约 2,500 亩）",),
)
def a12(data: AuditInput):
    ratio = setting(data, "plausibility", "cost_quantity_ratio")
    per_units = setting(data, "plausibility", "per_units")
    for project in data.projects:
        budget = project["budget_total"]
        rows = data.indicators_of(project["project_id"])
        money = [r for r in rows if r["value_kind"] == "money" and r["number"]]
        if not budget or any("/" not in (r["measure_unit"] or "") for r in money):
            continue  # other money indicators: the budget pays for more than the unit cost
        for cost in money:
            money_unit, per = (cost["measure_unit"] or "").split("/", 1)
            price = in_wan(cost["number"], money_unit)
            if not price or per not in per_units:
                continue
            implied = budget / price
            for row in rows:
                if row is cost or not _measured(row):
                    continue
                quantity, bare = absolute(row["number"], row["measure_unit"])
                if not bare or not unit_alternatives(bare) & unit_alternatives(per) or not quantity:
                    continue
                if implied / quantity > ratio or quantity / implied > ratio:
                    yield on_project(
                        project,
                        f"单位成本 {cost['value']} 按项目预算 {amount(budget)} 万元折算约 {implied:,.0f}{per}，"
                        f"数量指标“{row['name']}”却是 {quantity:,.0f}{bare}，两者相差 {max(implied / quantity, quantity / implied):.1f} 倍。",
                        evidence=f"{indicator_evidence(cost)}；{indicator_evidence(row)}",
                        line=cost["value_line"] or cost["source_line"],
                        suggestion=f"核实测算：{cost['value']} × {quantity:,.0f}{bare} = {quantity * price:,.2f} 万元，与预算 {amount(budget)} 万元不符；"
                        "修改单位成本或数量指标，或在成本指标中列明其余资金的用途。",
                    )
                    break


@rule(
    "A13", name_zh="产出与投入不相称", name_en="output implausible for its input", severity="warning",
    criterion="appropriateness",
    check_zh="产出数量与投入数量之比超出可能的范围（plausibility.yields，如粮食亩产 100–1500 公斤）；名称含增产、新增等增量词的不查",
    basis=BASIS_FIT,
    suggestion="核实产出与投入的测算（如亩产 × 面积 = 总产量），使两项指标相互衔接。",
    config=("plausibility.yields", "plausibility.increase_words"),
    examples=("“粮食产量：3500公斤”“种植面积：500亩”（每亩 7 公斤）",),
)
def a13(data: AuditInput):
    increase = setting(data, "plausibility", "increase_words")
    for project in data.projects:
        rows = [r for r in data.indicators_of(project["project_id"]) if _measured(r)]
        for spec in setting(data, "plausibility", "yields"):
            for output in rows:
                if not first(output["name_n"], spec["words"]) or first(output["name_n"], increase):
                    continue
                amount_out, unit_out = absolute(output["number"], output["measure_unit"])
                if unit_out not in _WEIGHT_IN_KG:
                    continue
                kilograms = amount_out * _WEIGHT_IN_KG[unit_out] / _WEIGHT_IN_KG.get(spec["output_unit"], 1.0)
                for source in rows:
                    inputs, unit_in = absolute(source["number"], source["measure_unit"])
                    if source is output or unit_in != spec["input_unit"] or not inputs:
                        continue
                    per = kilograms / inputs
                    if spec["low"] <= per <= spec["high"]:
                        continue
                    yield on_project(
                        project,
                        f"{spec['output']}“{output['name']}”{output['value']}与“{source['name']}”{source['value']}之比为每{spec['input_unit']} {per:,.1f}"
                        f"{spec['output_unit']}，不在 {spec['low']:g}–{spec['high']:g} {spec['output_unit']}/{spec['input_unit']} 的可能范围内。",
                        evidence=f"{indicator_evidence(output)}；{indicator_evidence(source)}",
                        line=output["value_line"] or output["source_line"],
                        suggestion=f"核实测算：按每{spec['input_unit']} {spec['low']:g}–{spec['high']:g} {spec['output_unit']}，{inputs:,.0f}{unit_in}应产出约 "
                        f"{inputs * spec['low']:,.0f}–{inputs * spec['high']:,.0f} {spec['output_unit']}；修改产量或面积指标，增量指标写明“增产”。",
                    )
                    break


@rule(
    "A14", name_zh="受益人数与服务人数矛盾", name_en="beneficiaries fewer than people served", severity="warning",
    criterion="appropriateness",
    check_zh="同一项目中，以人计的服务、提供类数量（解决饮水、培训、救助…人数）大于以人计的受益人数（名称只是“受益人数”“受益群众”等总数，不是“受益贫困人口”等其中一部分）",
    basis=BASIS_FIT,
    suggestion="受益人数应包括直接服务的人数：核实两项指标，使受益人数不少于服务人数。",
    config=("plausibility.beneficiary_words", "plausibility.beneficiary_fillers", "plausibility.served_words"),
    examples=("“解决饮水困难人数：1000人”“受益人数：500人”",),
)
def a14(data: AuditInput):
    beneficiary_words = setting(data, "plausibility", "beneficiary_words")
    fillers = setting(data, "plausibility", "beneficiary_fillers")
    served_words = setting(data, "plausibility", "served_words")

    def all_beneficiaries(name: str) -> bool:
        """A name for the beneficiaries as a whole: a beneficiary word and fillers only."""
        core = name_core(name)
        for word in (*beneficiary_words, *sorted(fillers, key=len, reverse=True)):
            core = core.replace(word, "")
        return bool(first(name, beneficiary_words)) and not core

    for project in data.projects:
        people = []
        for row in data.indicators_of(project["project_id"]):
            if row["number"] is None or row["value_kind"] not in ("count", "quantity"):
                continue
            number, unit = absolute(row["number"], row["measure_unit"])
            if unit in ("人", "名"):
                people.append((row, number))
        for beneficiary, served_cap in people:
            if not all_beneficiaries(beneficiary["name_n"]):
                continue
            for row, number in people:
                if row is beneficiary or first(row["name_n"], beneficiary_words) or not first(row["name_n"], served_words):
                    continue
                if number > served_cap:
                    yield on_indicator(
                        beneficiary,
                        f"受益人数目标 {beneficiary['value']} 少于“{row['name']}”的 {row['value']}：直接服务的人也是受益人，两项指标相互矛盾。",
                        evidence=f"{indicator_evidence(beneficiary)}；{indicator_evidence(row)}",
                        suggestion=f"核实后统一：受益人数不少于{row['name']}（如“≥{number:,.0f}人”），或修改{row['name']}。",
                    )
                    break


@rule(
    "A15", name_zh="增长率无基数", name_en="growth rate without a base", severity="warning", criterion="appropriateness",
    check_zh="增长、提高类百分比指标，名称、描述、依据和绩效目标都没有写明比较的基数或基期（上年、基数、20××年实际值、同比），表中也没有上年实际值",
    basis="财预〔2015〕88号（绩效标准：历史标准；指标值应可衡量、可考核）",
    suggestion="写明增长的基数和基期（如“较 2023 年实际值 1.2 万人次增长 ≥5%”），或直接写目标数量（“≥1.26 万人次”）。",
    config=("plausibility.growth_rate_words", "plausibility.baseline_patterns"),
    examples=("“服务人次增长率：≥10%”，描述和依据没有基数",),
)
def a15(data: AuditInput):
    baseline = pattern(data, "plausibility", "baseline_patterns")
    words = setting(data, "plausibility", "growth_rate_words")
    for project in data.projects:
        goal = project["goal_text"]
        for row in data.indicators_of(project["project_id"]):
            if not row["value_percent"] or row["number"] is None or row["name_satisfaction"] or row["name_negative"]:
                continue
            word = first(row["name_n"], words)
            if not word:
                continue
            if row.get("previous_value") or any(baseline.search(text) for text in (row["name_n"], row["description_n"], row["basis_n"], goal)):
                continue  # a previous year's actual value (批复表) is the base
            yield on_indicator(
                row,
                f"“{row['name']}”以“{word}”的百分比为目标，名称、描述、依据和绩效目标都没有写明比较的基数或基期，无法衡量。",
                suggestion=f"写明基数和基期（如“较上年实际值 N 增长 {row['value']}”），或把“{row['value']}”改为目标数量。",
            )


@rule(
    "A16", name_zh="目标与资金规模不相称", name_en="target out of proportion to the money", severity="warning",
    criterion="appropriateness",
    check_zh="以人或人次计的数量或受益目标，按项目预算折算每人不到 min_yuan_per_person 元（点击、浏览、线上传播等不查）",
    basis=BASIS_FIT,
    suggestion="按预算资金测算可以达到的人数（人次），修改目标值；包括间接受益或线上传播的，在名称和描述中写明口径。",
    config=("plausibility.min_yuan_per_person", "plausibility.reach_words", "plausibility.person_units"),
    examples=("巨鹿 改写探针：预算 5 万元，“参与活动人数：≥400000 人”",),
)
def a16(data: AuditInput):
    floor = setting(data, "plausibility", "min_yuan_per_person")
    reach = setting(data, "plausibility", "reach_words")
    units = setting(data, "plausibility", "person_units")
    for project in data.projects:
        budget = project["budget_total"]
        if not budget:
            continue
        for row in data.indicators_of(project["project_id"]):
            if not _measured(row) or first(row["name_n"] + row["description_n"], reach):
                continue
            people, unit = absolute(row["number"], row["measure_unit"])
            if unit not in units or not people:
                continue
            per_person = budget * 10000 / people
            if per_person < floor:
                yield on_indicator(
                    row,
                    f"“{row['name']}”目标 {people:,.0f}{unit}，按项目预算 {amount(budget)} 万元折算每{unit}仅 {per_person:.2f} 元，目标与资金规模不相称。",
                    suggestion=f"按 {amount(budget)} 万元测算可以达到的{unit}数，修改“{row['value']}”；包括间接受益的，在名称和描述中写明口径。",
                )
