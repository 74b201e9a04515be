"""Checks taken from the official texts (issue 23): 负作用成本指标 where the work has side effects
(财预〔2021〕101号), values without a 度量单位 (101号), and what a qualitative target needs to be
gradable (财预〔2020〕10号: 定性指标分级分档), which Q01 and Q03 ask here."""

from __future__ import annotations

import re

from ..context import AuditInput, on_indicator, on_project
from ..lexicon import bracket_unit, norm
from ..registry import rule
from .blocks import first, pattern, setting


def defines_grades(data: AuditInput, description: str) -> bool:
    """The description defines the grades of a qualitative target (好/较好/一般/差, 分为四档): the
    target is gradable as it stands (财预〔2020〕10号)."""
    return bool(pattern(data, "official", "grade_patterns").search(description))


@rule(
    "S16", name_zh="缺少负作用成本指标", name_en="no negative-impact cost indicator", severity="info", criterion="completeness",
    check_zh="项目内容有施工、拆除、征地等可能带来负面影响的工作（名称、资金用途或绩效目标），却没有社会成本或生态环境成本指标，也没有名称写明噪声、扬尘、拆迁安置等影响的指标",
    basis="财预〔2021〕101号（成本指标包括经济成本、社会成本和生态环境成本指标；社会成本、生态环境成本指标反映项目实施可能对社会和生态环境造成的负面影响）",
    suggestion="在“成本指标—社会成本指标/生态环境成本指标”下设置反映负面影响的指标（如“施工扬尘、噪声投诉 ≤N 起”“拆迁安置 =N 户”），以负面影响的程度衡量，不以金额衡量。",
    config=("official.side_effect_words", "official.impact_words", "official.impact_level2"),
    examples=("道路改扩建工程项目只有经济成本指标，没有施工扬尘、噪声或交通影响的指标",),
)
def s16(data: AuditInput):
    levels = setting(data, "official", "impact_level2")
    impacts = setting(data, "official", "impact_words")
    for project in data.projects:
        text = norm(project["name"]) + norm(project.get("fund_use")) + norm(project["goal_text"])
        word = first(text, setting(data, "official", "side_effect_words"))
        if not word:
            continue
        rows = data.indicators_of(project["project_id"])
        if any(row["l2"] in levels or first(row["name_n"], impacts) for row in rows):
            continue
        yield on_project(
            project,
            f"项目有可能带来负面影响的工作（“{word}”），却没有社会成本或生态环境成本指标。",
            suggestion="在成本指标下补充社会成本或生态环境成本指标，写明施工期扬尘、噪声、交通或拆迁安置等负面影响的控制目标（如“施工噪声投诉 ≤N 起”）。",
        )


@rule(
    "Q12", name_zh="指标值无计量单位", name_en="value without a unit", severity="warning", criterion="feasibility",
    check_zh="指标值是一个没有度量单位的数（如“3”），名称括号中也没有单位（指数、系数、得分等无量纲指标除外；率、满意度和时效指标另有规则）",
    basis="财预〔2021〕101号（每项指标应写明指标性质、指标值和度量单位）",
    suggestion="在数值后写明度量单位，如“≥3 次”“≥200 人次”“=100%”。",
    config=("official.dimensionless_endings",),
    examples=("巨鹿 改写探针：“开展活动次数：3”",),
)
def q12(data: AuditInput):
    dimensionless = tuple(setting(data, "official", "dimensionless_endings"))
    for row in data.indicators:
        if row["number"] is None or row["measure_unit"] or row["value_kind"] not in ("quantity", "count"):
            continue
        if row["name_rate"] or row["name_satisfaction"] or row["is_timeliness"]:
            continue  # a rate or satisfaction without % is C01's or C04's; a bare time is Q05's or Q08's
        if not re.fullmatch(r"[^\d]{0,6}\d+(?:\.\d+)?", row["value_n"]) or "%" in row["value_n"]:
            continue  # a bare figure, perhaps after an operator (≥3, 不少于3)
        if bracket_unit(row["name_n"]) or row["name_n"].endswith(dimensionless):
            continue
        yield on_indicator(
            row, f"指标值“{row['value']}”只有数字，没有度量单位。",
            suggestion=f"在“{row['value']}”后写明度量单位（如“{row['value']}次”“{row['value']}人次”“{row['value']}个”），使目标可衡量。",
        )
