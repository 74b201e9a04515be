"""D — duplication and boilerplate (相关性): goals and indicator blocks copied between projects.

D01 and D02 report each project that has a near-copy in its unit, naming the others, so every
project's own text is the evidence. D03 is one note per unit listing the indicators whose
description repeats their name (issue 14: one note per indicator was a quarter of all findings).
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from itertools import combinations

from ..context import AuditInput, indicator_evidence, on_project
from ..lexicon import name_core
from ..registry import Hit, rule
from .structure import goal_core

BASIS_SPECIFIC = "财预〔2015〕88号（绩效目标应指向明确，与项目的具体内容相对应）"


def _by_unit(rows: list[dict]) -> dict[str, list[dict]]:
    units: dict[str, list[dict]] = {}
    for row in rows:
        units.setdefault(row["unit_id"], []).append(row)
    return units


def _titles(projects: list[dict]) -> str:
    return "、".join(f"《{p['name']}》" for p in projects)


@rule(
    "D01", name_zh="绩效目标文本雷同", name_en="duplicate goal", severity="warning", criterion="relevance",
    check_zh="同一单位两个项目的绩效目标（规范化后）相同或相似度 ≥ 0.9",
    basis=BASIS_SPECIFIC,
    suggestion="按各项目自身的内容、产出和效果分别撰写绩效目标。",
    config=("thresholds.goal_similarity",),
)
def d01(data: AuditInput):
    cutoff = data.thresholds["goal_similarity"]
    for projects in _by_unit(data.projects).values():
        cores = {p["project_id"]: goal_core(p["goal_text"]) for p in projects}
        similar: dict[str, list[dict]] = {}
        for a, b in combinations([p for p in projects if cores[p["project_id"]]], 2):
            matcher = SequenceMatcher(None, cores[a["project_id"]], cores[b["project_id"]], autojunk=False)
            if matcher.real_quick_ratio() >= cutoff and matcher.quick_ratio() >= cutoff and matcher.ratio() >= cutoff:
                similar.setdefault(a["project_id"], []).append(b)
                similar.setdefault(b["project_id"], []).append(a)
        for project in projects:
            others = similar.get(project["project_id"])
            if others:
                yield on_project(
                    project, f"绩效目标与{_titles(others)}的绩效目标雷同。",
                    evidence=project["goal_text"], line=project["goal_line"],
                )


_OF = re.compile(r"的")


def _similar(a: str, b: str, cutoff: float) -> bool:
    if a == b:
        return True
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return matcher.real_quick_ratio() >= cutoff and matcher.quick_ratio() >= cutoff and matcher.ratio() >= cutoff


def block_name(row: dict) -> str:
    """An indicator's name for comparing blocks: prefix tag, trailing bracket and 的 removed."""
    return _OF.sub("", name_core(row["name_n"]))


def same_pair(a: dict, b: dict, cutoff: float) -> bool:
    """Same name, and the same value: a parsed value by (operator, number, unit), so 不少于5篇次 equals
    5篇次以上; a text value when at least ``cutoff`` similar (按文件要求及时开展 ≈ 按照文件要求及时开展)."""
    if block_name(a) != block_name(b):
        return False
    if a["number"] is not None or b["number"] is not None:
        return (a["op"], a["number"], a["measure_unit"]) == (b["op"], b["number"], b["measure_unit"])
    return _similar(a["value_n"], b["value_n"], cutoff)


@rule(
    "D02", name_zh="指标组雷同", name_en="boilerplate indicator block", severity="warning", criterion="relevance",
    check_zh="同一单位两个项目共有 ≥ 3 组相同的（指标名称，指标值），或两者指标组的 Jaccard 相似度 ≥ 0.8；名称忽略【…】前缀、括号和“的”，"
    "文字指标值相似度 ≥ 0.9 视为相同；模板规定人人都有的指标（满意度指标、年底完成的时限）不作为雷同的证据",
    basis=BASIS_SPECIFIC,
    suggestion="按各项目的实际产出和效果设置指标，不要整组套用其他项目的指标。",
    config=("thresholds.shared_pairs", "thresholds.block_jaccard", "thresholds.pair_similarity", "lexicon.block_generic_levels", "lexicon.block_generic_kinds"),
)
def d02(data: AuditInput):
    minimum, jaccard = data.thresholds["shared_pairs"], data.thresholds["block_jaccard"]
    cutoff = data.thresholds["pair_similarity"]
    generic_levels, generic_kinds = data.lexicon.words("block_generic_levels"), data.lexicon.words("block_generic_kinds")
    for projects in _by_unit(data.projects).values():
        blocks = {
            p["project_id"]: [
                r for r in data.indicators_of(p["project_id"])
                if r["name_n"] and r["l1"] not in generic_levels and r["value_kind"] not in generic_kinds
            ]
            for p in projects
        }
        partners: dict[str, list[str]] = {}
        repeated: dict[str, dict[int, dict]] = {}
        for a, b in combinations(projects, 2):
            block_a, block_b = blocks[a["project_id"]], blocks[b["project_id"]]
            pairs = [(x, y) for x in block_a for y in block_b if same_pair(x, y, cutoff)]
            common = len({id(x) for x, _ in pairs})
            union = len(block_a) + len(block_b) - common
            if common and (common >= minimum or common / union >= jaccard):
                for project, other, side in ((a, b, 0), (b, a, 1)):
                    partners.setdefault(project["project_id"], []).append(other["project_id"])
                    repeated.setdefault(project["project_id"], {}).update({id(pair[side]): pair[side] for pair in pairs})
        by_id = {p["project_id"]: p for p in projects}
        for project in projects:
            if project["project_id"] not in partners:
                continue
            rows = sorted(repeated[project["project_id"]].values(), key=lambda r: r["seq"])
            yield on_project(
                project,
                f"与{_titles([by_id[p] for p in partners[project['project_id']]])}共用相同的指标组"
                f"（{len(rows)} 项指标的名称和指标值相同），指标未体现本项目的特点。",
                evidence="；".join(indicator_evidence(row) for row in rows),
                line=rows[0]["value_line"] or rows[0]["source_line"],
            )


@rule(
    "D03", name_zh="三级指标与描述相同", name_en="name = description", severity="info", criterion="relevance",
    check_zh="（有绩效指标描述的版式）绩效指标描述与三级指标名称相同；每个单位至多一条提示，列出这些指标",
    basis=BASIS_SPECIFIC,
    suggestion="在绩效指标描述中说明指标的含义、统计口径或计算方法，不要照抄指标名称。",
)
def d03(data: AuditInput):
    described: dict[str, int] = {}
    repeated: dict[str, list[dict]] = {}
    for row in data.indicators:
        if row["description_n"]:
            described[row["unit_id"]] = described.get(row["unit_id"], 0) + 1
            if row["description_n"] == row["name_n"]:
                repeated.setdefault(row["unit_id"], []).append(row)
    for unit_id, rows in repeated.items():
        first = rows[0]
        names = list(dict.fromkeys(row["name"] for row in rows))
        yield Hit(
            unit_id=unit_id,
            source_file=first["source_file"],
            source_line=first["source_line"],
            source_ref=first["source_ref"],
            evidence=f"{first['name']}：{first['description']}",
            message=(
                f"{len(rows)} 项指标（有描述的指标共 {described[unit_id]} 项）的绩效指标描述只是重复三级指标名称，"
                f"没有说明指标的含义或口径：{'、'.join(names)}。"
            ),
        )
