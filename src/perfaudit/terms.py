"""The audit's vocabulary, shared by audit, report and review: severities, review criteria and
review results, with their Chinese labels. One place, so that a report, a workbook and the
``perfaudit review`` listing can never name a severity differently."""

from __future__ import annotations

import re
from typing import Any, Mapping

import pandas as pd

SEVERITIES = ("error", "warning", "info")
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}

# Review criteria of 财预〔2015〕88号 (key used in configuration, Chinese label used in findings).
CRITERIA = {
    "completeness": "完整性",
    "relevance": "相关性",
    "appropriateness": "适当性",
    "feasibility": "可行性",
}
CONTEXT = "context"  # X01: reported for context, not scored
CRITERION_ZH = {**CRITERIA, CONTEXT: "背景信息"}

# The review results (审核结果) of 财预〔2015〕88号 第二十五条, best first; their consequences and
# wording are configuration ([audit.conclusion]).
ACTIONS = ("优", "良", "中", "差")

# The findings table's columns as reviewers read them (files for reviewers, the live notebook):
# column id -> (Chinese header, description).
FINDING_COLUMNS = {
    "finding_id": ("编号", "发现的稳定编号（规则、单位、项目、指标与原文的哈希），跨运行不变"),
    "number": ("问题号", "单位内的简短编号（问题12，报告中所用），按项目顺序、规则顺序、原文位置编排；"
                      "源文件与规则不变则不变，其他发现增减可使其后的编号移动，审核意见文件以“编号”为准"),
    "rule_id": ("规则", "规则编号（S01…X02，见 docs/rules.md）"),
    "rule_name": ("规则名称", "规则的中文名称"),
    "severity": ("严重程度", "错误 / 警告 / 提示"),
    "criterion": ("审核要点", "完整性 / 相关性 / 适当性 / 可行性 / 背景信息"),
    "unit_id": ("单位标识", "单位的稳定标识（c-<单位编码>-<哈希>、k-<哈希> 或 n-<哈希>）"),
    "unit_name": ("单位名称", "文件中的单位名称"),
    "project_id": ("项目标识", "<单位标识>-p<序号>"),
    "project_name": ("项目名称", "文件中的项目名称"),
    "indicator": ("指标", "涉及的绩效指标名称（如有）"),
    "evidence": ("原文", "文件中的原文"),
    "source_file": ("文件", "来源文件"),
    "source_line": ("行号", "原文在来源文件中的行号"),
    "source_ref": ("位置", "原文在来源文件中的位置（行号、单元格、表格行列或页码）"),
    "message": ("问题", "发现的问题"),
    "suggestion": ("整改建议", "建议的改正方式"),
    "related_rules": ("同因规则", "同一处、同一原因触发并合并到本条的其他规则（逗号分隔）"),
}


def finding_numbers(findings: pd.DataFrame, rule_rank: pd.Series) -> pd.Series:
    """Each finding's short number within its unit (``问题12``), the handle a reviewer writes on a
    printed report: numbered by project order (findings of the unit as a whole first), then rule
    order (``rule_rank``, aligned with ``findings``), then place in the source and ``finding_id``.
    Only the findings themselves decide it, so identical inputs and rules give identical numbers;
    the stable id (``finding_id``) stays what the review file records."""
    if findings.empty:
        return pd.Series([], index=findings.index, dtype=object)
    # Plain Python: a report kernel numbers every unit's findings, and a DataFrame sort and
    # groupby cost five times more at this size.
    seqs = [float(match.group(1)) if isinstance(project, str) and (match := _PROJECT_SEQ.search(project)) else 0.0
            for project in findings["project_id"].astype("string").tolist()]
    keys = zip(findings["unit_id"].astype(str).tolist(), seqs,
               map(missing_last, rule_rank.astype(float).tolist()),
               map(missing_last, findings["source_line"].astype(float).tolist()),
               findings["finding_id"].astype(str).tolist())
    numbers, counts = [""] * len(findings), {}
    for position, key in sorted(enumerate(keys), key=lambda item: item[1]):
        counts[key[0]] = counts.get(key[0], 0) + 1
        numbers[position] = f"问题{counts[key[0]]}"
    return pd.Series(numbers, index=findings.index, dtype=str)


_PROJECT_SEQ = re.compile(r"-p(\d+)$")


def missing_last(value: Any) -> tuple[bool, Any]:
    """A sort key that puts a missing value (None, NaN, NA) after every other (as pandas'
    ``na_position="last"``)."""
    return (True, 0) if value is None or pd.isna(value) else (False, value)


_SEVERITY_RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}


def worst_first(finding: Mapping[str, Any]) -> tuple:
    """The sort key of a finding (a record): the most severe first, then in the catalogue's order."""
    return _SEVERITY_RANK.get(finding["severity"], len(SEVERITIES)), missing_last(finding["rule_rank"])
