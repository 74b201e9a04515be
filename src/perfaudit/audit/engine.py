"""Run the catalogue over a dataset: rule hits -> findings table -> unit grades."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping

import pandas as pd

from ..errors import ConfigError
from ..model import Dataset
from ..review.apply import apply_reviews, counting
from ..settings import Settings, load_settings
from .context import build_input
from .findings import build_findings
from .conclusion import conclude
from .grade import formula_zh, grade_records, grades_table, unmeasurable_benefit_shares
from .merge import check_groups, merge_same_cause
from .registry import SEVERITIES, Rule, catalogue, rule_order

if TYPE_CHECKING:
    from ..review.model import Review
    from ..validation import ValidationResult


@dataclass(frozen=True)
class AuditResult:
    findings: pd.DataFrame  # columns of findings.FINDINGS (+ review.apply.REVIEW_COLUMNS when reviews were given)
    grades: pd.DataFrame  # one row per unit (grade.GRADE_COLUMNS)
    records: Mapping[str, dict]  # per unit: the grade with its breakdown by criterion
    grade_config: Mapping[str, Any]  # the [audit.grade] section the grades were computed with

    def for_unit(self, unit_id: str) -> pd.DataFrame:
        return self.findings[self.findings["unit_id"] == unit_id].reset_index(drop=True)

    def summary_lines(self) -> list[str]:
        """Per unit: grade, counts by severity, then counts by rule."""
        lines = []
        for unit in self.grades.itertuples(index=False):
            own = self.for_unit(unit.unit_id)
            severities = ", ".join(f"{s} {getattr(unit, s)}" for s in SEVERITIES)
            lines.append(
                f"{unit.unit_name} ({unit.unit_id}): {unit.projects} projects, {unit.findings} findings "
                f"({severities}); grade {unit.grade} {unit.score:.2f}"
            )
            by_rule = own["rule_id"].value_counts()
            ordered = sorted(by_rule.index, key=rule_order)
            if ordered:
                lines.append("  " + "  ".join(f"{rule_id} {by_rule[rule_id]}" for rule_id in ordered))
        return lines

    def grade_record(self, unit_id: str) -> dict[str, Any]:
        """One unit's grade as plain data (for the unit bundle's grade.json): score, grade, breakdown, formula."""
        return {**self.records[unit_id], "formula_zh": formula_zh(self.grade_config), "config": self.grade_config}


def enabled_rules(config) -> list[Rule]:
    registered = catalogue()
    known = {r.id for r in registered}
    unknown = sorted(set(config["disabled_rules"]) - known)
    if unknown:
        raise ConfigError(f"[audit] disabled_rules: unknown rule ids {', '.join(unknown)}")
    check_groups(config["same_cause"], known)
    return [r for r in registered if r.id not in config["disabled_rules"]]


def audit_dataset(
    dataset: Dataset, settings: Settings | None, validation: "ValidationResult",
    reviews: "Mapping[str, Review] | None" = None,
) -> AuditResult:
    """Findings and grades for every unit of ``dataset``.

    A01, A02, A04 and S06 take their findings from ``validation``, the validate stage's result for
    this dataset (``pipeline.audit`` runs both). ``settings`` None: the defaults. ``reviews`` (unit
    id -> a reviewer's dispositions): the findings get the review columns, and those set aside
    (排除, 已整改) count in neither the grade nor the conclusion.
    """
    settings = settings or load_settings()
    config = settings.section("audit")
    selected = enabled_rules(config)
    data = build_input(dataset, config, validation)
    confidential = {p["project_id"] for p in data.projects if p["confidential"]}
    disclosed = data.without(confidential)
    hits = [
        (rule, hit)
        for rule in selected
        for hit in rule.check(data if rule.applies_to_confidential else disclosed)
    ]
    names = {p["project_id"]: p["name"] for p in data.projects}
    findings = build_findings(merge_same_cause(hits, config["same_cause"]), names, [u["unit_id"] for u in data.units])
    counted = findings
    if reviews is not None:
        findings = apply_reviews(findings, reviews)
        counted = counting(findings)
    grade_config = settings.as_dict()["audit"]["grade"]
    records = grade_records(
        counted, dataset.units, dataset.projects, grade_config, unmeasurable_benefit_shares(disclosed.indicators)
    )
    conclude(records, counted, dataset.projects, config["conclusion"])
    return AuditResult(findings=findings, grades=grades_table(records), records=records, grade_config=grade_config)
