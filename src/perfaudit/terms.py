"""The audit's vocabulary, shared by audit, report and review: severities, review criteria and
suggested actions, with their Chinese labels. One place, so that a report, a workbook and the
``perfaudit review`` listing can never name a severity differently."""

from __future__ import annotations

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

# The suggested conclusion (审核结论), from the best to the worst; the wording is configuration.
PASS, REVISE, RETURN = "pass", "revise", "return"
ACTIONS = (PASS, REVISE, RETURN)
