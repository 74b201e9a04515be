"""S — structure and completeness (完整性): the indicator tree, the goal, values and their basis."""

from __future__ import annotations

import re

from ...taxonomy import OUTPUT, SATISFACTION
from ...validate import LEVEL_PAIR
from ..context import AuditInput, on_document, on_indicator, on_project, on_target
from ..lexicon import norm
from ..registry import rule
from ..suggest import budget_cap
from .coherence import misfiled_output_home

BASIS_2015 = "财预〔2015〕88号（绩效指标体系：产出、效益、满意度）；中发〔2018〕34号"


def _missing_level(data: AuditInput, has_level, message: str):
    for project in data.projects:
        if not any(has_level(row) for row in data.indicators_of(project["project_id"])):
            yield on_project(project, message)


@rule(
    "S01", name_zh="缺少产出指标", name_en="no output indicator", severity="error", criterion="completeness",
    check_zh="项目没有一级指标为“产出指标”的绩效指标",
    basis=BASIS_2015,
    suggestion="补充产出指标（数量、质量、时效、成本），反映项目直接提供的产品和服务。",
)
def s01(data: AuditInput):
    yield from _missing_level(data, lambda r: r["is_output"], "项目未设置产出指标：一级指标中没有“产出指标”。")


@rule(
    "S02", name_zh="缺少效益指标", name_en="no benefit indicator", severity="error", criterion="completeness",
    check_zh="项目没有一级指标为“效益指标”的绩效指标",
    basis=BASIS_2015,
    suggestion="补充效益指标（经济、社会、生态效益或可持续影响），反映项目实施后产生的效果。",
)
def s02(data: AuditInput):
    yield from _missing_level(data, lambda r: r["is_benefit"], "项目未设置效益指标：一级指标中没有“效益指标”。")


@rule(
    "S03", name_zh="缺少满意度指标", name_en="no satisfaction indicator", severity="warning", criterion="completeness",
    check_zh="项目没有一级指标为“满意度指标”的绩效指标",
    basis=BASIS_2015,
    suggestion="补充服务对象满意度指标，并以百分比设置目标值（如“≥90%”）。",
)
def s03(data: AuditInput):
    yield from _missing_level(
        data, lambda r: r["l1"] == SATISFACTION, "项目未设置满意度指标：一级指标中没有“满意度指标”。"
    )


@rule(
    "S04", name_zh="缺少成本指标", name_en="no cost indicator", severity="warning", criterion="completeness",
    check_zh="项目没有二级指标为“成本指标”（也没有一级指标为“成本指标”）的绩效指标",
    basis="财预〔2015〕88号（产出指标含成本指标）；财预〔2021〕101号（成本指标单列）",
    suggestion="补充成本指标，以金额（元/万元）反映项目的经济成本，并与预算数相衔接。",
)
def s04(data: AuditInput):
    for project in data.projects:
        if not any(row["is_cost"] for row in data.indicators_of(project["project_id"])):
            yield on_project(
                project, "项目未设置成本指标。",
                suggestion=f"在“产出指标—成本指标”下补充以金额表示的成本指标，如“{project['name']}支出{budget_cap(project)}”，"
                "分项列示的各项成本之和与预算数相衔接。",
            )


@rule(
    "S05", name_zh="产出二级指标不全", name_en="output dimension missing", severity="info", criterion="completeness",
    check_zh="已设产出指标，但缺少数量、质量、时效中的某一类二级指标；归错二级的指标（如设在数量指标下的合格率、到位率，见 C08、C12）算在其应属的二级指标下，不重复报告",
    basis="财预〔2015〕88号（产出指标包括数量、质量、时效、成本指标）",
    suggestion="在产出指标下补齐缺少的二级指标，使产出的数量、质量和完成时间都可衡量。",
    config=("lexicon.required_output_dimensions",),
)
def s05(data: AuditInput):
    required = data.lexicon.words("required_output_dimensions")
    for project in data.projects:
        outputs = [r for r in data.indicators_of(project["project_id"]) if r["l1"] == OUTPUT]
        present = {r["l2"] for r in outputs} | {misfiled_output_home(r, data.lexicon) for r in outputs}
        missing = [name for name in required if name not in present]
        if outputs and missing:
            examples = {"数量指标": "完成的数量（如“≥N 场”）", "质量指标": "达标或合格程度（如“验收合格率≥95%”）",
                        "时效指标": f"完成时限（如“{project['budget_year'] or '××'}年12月底前”）"}
            yield on_project(
                project, f"产出指标缺少{'、'.join(missing)}。",
                suggestion="在产出指标下补充" + "；".join(f"{name}：{examples.get(name, '可衡量的目标')}" for name in missing) + "。",
            )


@rule(
    "S06", name_zh="指标层级不匹配", name_en="level mismatch", severity="error", criterion="completeness",
    check_zh="二级指标不属于其一级指标（A版式：1x 属于 1-，2x 属于 2-，3x 属于 3-），或二级指标与一级指标相同（只有一个二级的一级指标除外：“满意度指标|满意度指标”即服务对象满意度指标）；取自数据校验结果 indicators.level_pair",
    basis="财预〔2015〕88号、财预〔2021〕101号（绩效指标体系的层级）",
    suggestion="把该指标移到正确的一级指标下，或改用该一级指标下的二级指标。",
    uses_validation=True,
)
def s06(data: AuditInput):
    for failure in data.failures(LEVEL_PAIR):
        row = data.indicator_at(failure.project_id, failure.seq)
        if row is None:
            continue
        yield on_indicator(
            row,
            f"二级指标“{row['l2']}”不属于一级指标“{row['l1']}”。",
            evidence=levels_evidence(row),
            about_name=True,
        )


def levels_evidence(row) -> str:
    """The indicator's place in the tree as the document writes it: codes (layout A) and names."""
    level1 = f"{row['level1_code']}-{row['l1']}" if row["level1_code"] else row["l1"]
    level2 = f"{row['level2_code']}-{row['l2']}" if row["level2_code"] else row["l2"]
    return f"{level1}；{level2}；{row['name']}"


@rule(
    "S07", name_zh="指标数量过少", name_en="too few indicators", severity="warning", criterion="completeness",
    check_zh="项目的绩效指标少于 N 项（默认 3 项，常规做法）",
    basis="常规做法/模板要求（绩效指标应能全面反映项目产出和效果）",
    suggestion="补充能反映项目主要产出、效益和满意度的指标。",
    config=("thresholds.min_indicators",),
)
def s07(data: AuditInput):
    minimum = data.thresholds["min_indicators"]
    for project in data.projects:
        if project["n_indicators"] < minimum:
            yield on_project(
                project, f"项目仅设置 {project['n_indicators']} 项绩效指标，少于常规做法的 {minimum} 项，不符合常规做法/模板要求。"
            )


_NUMBERING = re.compile(r"^\(?\d{1,2}[.、)](?!\d)|(?<=[。;；])\(?\d{1,2}[.、)](?!\d)")
_NOT_WORDS = re.compile(r"[\W_]+")
_TAGS = re.compile(r"<[^>]*>")


def goal_core(text: str) -> str:
    """A goal's words and figures: NFKC, no white space, markup, list numbering or punctuation."""
    return _NOT_WORDS.sub("", _NUMBERING.sub("", _TAGS.sub("", norm(text))))


@rule(
    "S08", name_zh="绩效目标缺失或空泛", name_en="goal missing or generic", severity="error", criterion="completeness",
    also=("warning",),
    check_zh="绩效目标为空（错误）；或去掉编号、项目名称和“保障…正常运转”“用于…支出”等套话后所剩无几（警告）",
    basis="财预〔2015〕88号（绩效目标应指向明确、细化量化）",
    suggestion="写明项目在预算年度内要完成的具体任务、达到的产出和效果，避免只写“保障正常运转”“用于…支出”。",
    config=("thresholds.goal_min_chars", "lexicon.goal_boilerplate"),
)
def s08(data: AuditInput):
    minimum = data.thresholds["goal_min_chars"]
    for project in data.projects:
        goal = project["goal_text"]
        if not goal_core(goal):
            yield on_project(project, "项目未填写绩效目标。", severity="error")
            continue
        stripped = data.lexicon.strip_boilerplate(norm(goal)).replace(norm(project["name"]), "")
        remaining = goal_core(stripped)
        if len(remaining) < minimum:
            yield on_project(
                project,
                "绩效目标空泛：只有“保障…正常运转”“用于…支出”之类的套话或寥寥数字，没有说明要完成什么、达到什么效果。",
                evidence=goal,
                line=project["goal_line"],
                severity="warning",
            )


@rule(
    "S09", name_zh="指标值为空", name_en="empty value", severity="error", criterion="completeness",
    check_zh="指标有名称但没有指标值（有实施周期指标值一栏的版式：年度指标值或实施周期指标值为空）",
    basis="财预〔2021〕101号（每项指标应有指标值）",
    suggestion="填写可衡量的指标值（指标性质、数值和度量单位），或删除该指标。",
)
def s09(data: AuditInput):
    with_period = {p["project_id"] for p in data.projects if p["has_period_values"]}
    for row in data.indicators:
        if not row["name_n"]:
            continue
        if not row["value_n"]:
            yield on_indicator(row, "指标未填写年度指标值。", about_name=True)
        elif row["project_id"] in with_period and not row["period_n"]:
            yield on_indicator(row, "指标未填写实施周期指标值。", about_name=True)


_ENUMERATION = re.compile(
    r"(?:^|[^\d.])1[.、)](?!\d).*(?:^|[^\d.])2[.、)](?!\d)|\(1\).*\(2\)|①.*②|(?:^|[^\w])一、.*二、"
)
_CLAUSE_SEPARATORS = re.compile(r"以及|[、,，;；/]|和(?!谐)|及(?!时)|与|并且?")


@rule(
    "S10", name_zh="一条指标含多项", name_en="several indicators in one", severity="warning", criterion="completeness",
    check_zh="指标名称含编号列举（1.…2.…）或两个以上率/满意度分句",
    basis="财预〔2015〕88号（指标应细化量化，一项指标衡量一项内容）",
    suggestion="把该指标拆分为若干条，每条只衡量一项内容并各自设置指标值。",
    config=("lexicon.rate_words", "lexicon.satisfaction_words"),
)
def s10(data: AuditInput):
    lexicon = data.lexicon
    for row in data.indicators:
        name = row["name_n"]
        clauses = [c for c in _CLAUSE_SEPARATORS.split(name) if c]
        measures = [c for c in clauses if lexicon.is_rate(c) or lexicon.is_satisfaction(c)]
        if _ENUMERATION.search(name):
            yield on_indicator(row, "指标名称以编号列举了多项内容，一条指标包含多项指标。", about_name=True)
        elif len(measures) >= 2:
            yield on_indicator(
                row, f"指标名称包含{len(measures)}个率/满意度（{'、'.join(measures)}），一条指标包含多项指标。", about_name=True
            )


@rule(
    "S11", name_zh="指标值确定依据不规范", name_en="non-standard basis", severity="info", criterion="completeness",
    check_zh="（有指标值确定依据一栏的版式）指标值确定依据为空，或不是计划标准、行业标准、历史标准、其他标准或具名文件；非满意度指标以“调查问卷”为依据",
    basis="财预〔2015〕88号（绩效标准：计划标准、行业标准、历史标准、其他标准）",
    suggestion="依据应写明所采用的标准：计划标准（工作计划、预算、方案）、行业标准、历史标准或具名文件；调查问卷只适用于满意度指标。",
    config=("lexicon.standard_basis_words", "lexicon.survey_basis_words"),
)
def s11(data: AuditInput):
    lexicon = data.lexicon
    for project in data.projects:
        if not project["has_basis"]:
            continue
        named = [row for row in data.indicators_of(project["project_id"]) if row["name_n"]]
        empty = [row for row in named if not row["basis_n"]]
        if len(named) > 1 and len(empty) == len(named):  # the column left blank: one cause, said once
            yield on_project(
                project, f"指标值确定依据一栏全部为空（{len(empty)} 个指标都没有写明依据）。",
                evidence="、".join(row["name"] for row in empty), line=empty[0]["source_line"],
            )
            continue
        for row in empty:
            yield on_indicator(row, "指标值确定依据为空。", about_name=True)
    for row in data.indicators:
        basis = row["basis_n"]
        if not basis:
            continue
        evidence = f"{row['name']}：{row['basis']}"
        satisfaction = row["name_satisfaction"] or row["is_satisfaction_level"]
        if lexicon.has(basis, "survey_basis_words") and not satisfaction:
            yield on_indicator(
                row, f"非满意度指标以“{row['basis']}”作为指标值确定依据，调查问卷只适用于满意度指标。",
                evidence=evidence, about_name=True,
            )
        elif not lexicon.has(basis, "standard_basis_words") and not lexicon.has(basis, "survey_basis_words"):
            yield on_indicator(
                row, f"指标值确定依据“{row['basis']}”不是计划标准、行业标准、历史标准或具名文件。",
                evidence=evidence, about_name=True,
            )


@rule(
    "S12", name_zh="部门整体目标无指标", name_en="department goal without indicators", severity="warning",
    criterion="completeness",
    check_zh="文本前部有部门整体绩效目标（“部门整体绩效目标”等标题），但没有与之对应的绩效指标表（一级指标、三级指标、指标值）；"
    "或部门整体支出绩效目标申报表有年度总体目标，但没有部门整体的绩效指标",
    basis="财预〔2015〕88号（部门整体支出绩效目标应有相应的绩效指标）",
    suggestion="为部门整体绩效目标设置绩效指标（产出、效益、满意度），并写明可衡量的指标值。",
    config=("lexicon.department_goal_headings", "lexicon.department_indicator_words"),
    examples=("巨鹿 2024：“部门整体绩效目标 / 总体绩效目标 / 分项绩效目标 / 工作保障措施”，无指标表",
              "部门整体支出绩效目标申报表：年度总体目标“全年送戏下乡120场…”，年度绩效指标表为空"),
)
def s12(data: AuditInput):
    measured = {row["unit_id"] for row in data.indicators if row.get("scope") == "unit"}
    for target in data.unit_targets:
        if target["kind"] == "goal" and target["unit_id"] not in measured:
            yield on_target(target, "部门整体支出绩效目标申报表有年度总体目标，但没有设置部门整体绩效指标，总体目标无法衡量。")
    lexicon = data.lexicon
    for document in data.documents:
        lines = (document["front_matter"] or "").split("\n")
        headings = [offset for offset, line in enumerate(lines) if norm(line) in lexicon.words("department_goal_headings")]
        if not headings:
            continue
        body = "\n".join(lines[headings[-1]:])  # the last heading is the section itself, earlier ones the contents
        if lexicon.has(norm(body), "department_indicator_words"):
            continue
        yield from on_document(
            data, document["source_file"], (document["source_line"] or 1) + headings[-1], lines[headings[-1]].strip(),
            "文本有部门整体绩效目标，但没有设置部门整体绩效指标，部门整体目标无法衡量。",
        )


_YEARS = re.compile(r"(?:19|20)\d{2}\s*年")


@rule(
    "S13", name_zh="绩效目标无可衡量的目标", name_en="goal without a measurable target", severity="warning",
    criterion="completeness",
    check_zh="绩效目标写的是必要性、背景或往年成绩（“发挥了…”“是…的桥梁和纽带”“已完成…”），且（去掉年份和编号后）没有任何数字",
    basis="财预〔2015〕88号（绩效目标应指向明确、细化量化，说明预算年度内预期达到的产出和效果）",
    suggestion="写明预算年度内要完成的任务及其数量、质量、时限和预期效果（如“举办培训 3 期、培训 200 人次”），必要性和往年成绩放在项目说明中。",
    config=("lexicon.goal_not_target_patterns",),
    examples=("广州 专项工作经费：“通过该项目开展，更好地发挥了市文联作为党和政府联系艺术家的桥梁和纽带的部门职能…”",),
)
def s13(data: AuditInput):
    for project in data.projects:
        goal = norm(project["goal_text"])
        phrase = data.lexicon.not_target_phrase(goal)
        if not phrase or re.search(r"\d", _YEARS.sub("", goal_core(goal))):
            continue
        year = project["budget_year"]
        yield on_project(
            project,
            f"绩效目标写的是必要性、背景或已取得的成绩（“{phrase}”），没有预算年度要达到的、可衡量的目标。",
            evidence=project["goal_text"], line=project["goal_line"],
            suggestion=(
                f"改写为{year or '预算'}年度要完成的任务和预期效果，写明数量、质量或时限"
                f"（如“{year or '本'}年举办××活动不少于 N 场、服务群众不少于 N 人次”），去掉“{phrase}”这类已取得成绩或必要性的表述。"
            ),
        )
