"""What a rule reads: the tidy tables with derived features, configuration, lexicon, validation.

Features are computed once here (what kind of name, what kind of value), so every rule that
asks "is this a rate?" gets the same answer. Missing cells become ``""`` / ``None`` so rules
work on plain Python values. ``on_indicator`` / ``on_project`` / ``on_document`` build hits that
point at the right file, line and evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any, Mapping

import pandas as pd

from ..ingest.cells import Ref
from ..model import CAPABILITY_COLUMNS, Dataset
from ..taxonomy import BENEFIT, COST, LEVEL2_BY_LEVEL1, OUTPUT, SATISFACTION
from .lexicon import Lexicon, has_digit, norm
from .registry import Hit

if TYPE_CHECKING:  # the validate package may import GX; the audit only reads its plain result
    from ..validation import ValidationResult

COST_LEVEL2 = ("成本指标", *LEVEL2_BY_LEVEL1[COST])
BENEFIT_LEVEL2 = LEVEL2_BY_LEVEL1[BENEFIT]


def text(value: Any) -> str:
    """A cell as display text: '' for missing, outer white space removed."""
    return "" if value is None else str(value).strip()


Row = dict[str, Any]


def rows(frame: pd.DataFrame) -> list[Row]:
    """A table as a list of dicts of plain Python values (None for missing)."""
    columns = list(frame.columns)
    values = [[None if _missing(v) else v for v in frame[column].tolist()] for column in columns]
    return [dict(zip(columns, row)) for row in zip(*values)]


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


_PARSED = ("op", "number", "measure_unit", "value_kind")
# Value kinds that state a figure or a date: a target that can be checked.
MEASURED_KINDS = ("percent", "count", "money", "quantity", "duration", "deadline")


def _scoring_read_as_text(row: Row, lexicon: Lexicon) -> Row:
    """A scoring rule (满分100分, 得5分) is text, whatever number the value parser read in it: its 分
    is a score, never minutes (issue 14: 满分100分 was judged a 100-minute duration by A07)."""
    for prefix, column in (("", "target_annual"), ("period_", "target_period")):
        if lexicon.is_scoring_rule(norm(row[column])):
            row = {**row, **{prefix + key: None for key in _PARSED}, prefix + "value_kind": "text"}
    return row


def indicator_features(indicators: pd.DataFrame, lexicon: Lexicon) -> list[Row]:
    """Indicators with their features; template filler rows (name 无) are left out."""
    features = []
    for row in rows(indicators):
        name_n, value_n = norm(row["level3"]), norm(row["target_annual"])
        if lexicon.is_placeholder(name_n):
            continue
        if lexicon.is_empty_value(value_n):  # a dash is no target (S09), not a value to judge
            value_n = ""
        row = _scoring_read_as_text(row, lexicon)
        level1, level2 = row["level1"] or "", row["level2"] or ""
        features.append(
            {
                **row,
                "name": text(row["level3"]),
                "value": text(row["target_annual"]),
                "period": text(row["target_period"]),
                "name_n": name_n,
                "value_n": value_n,
                "period_n": "" if lexicon.is_empty_value(norm(row["target_period"])) else norm(row["target_period"]),
                "description_n": norm(row["description"]),
                "basis_n": norm(row["basis"]),
                "l1": level1,
                "l2": level2,
                "is_output": level1 == OUTPUT,
                "is_benefit": level1 == BENEFIT or level2 in BENEFIT_LEVEL2,
                "is_satisfaction_level": level1 == SATISFACTION,
                "is_cost": level2 in COST_LEVEL2 or level1 == COST,
                "is_timeliness": level2 == "时效指标",
                "is_quantity": level2 == "数量指标",
                "is_quality": level2 == "质量指标",
                "name_rate": lexicon.is_rate(name_n),
                "name_count": lexicon.is_count(name_n),
                "name_time_count": lexicon.is_time_count(name_n),
                "name_satisfaction": lexicon.is_satisfaction(name_n),
                "name_negative": lexicon.is_negative(name_n),
                "name_positive": lexicon.is_positive(name_n),
                "name_quality_rate": lexicon.is_quality_rate(name_n),
                "name_growth": lexicon.is_growth(name_n),
                "value_percent": row["value_kind"] == "percent" or "%" in value_n,
                "value_digit": has_digit(value_n),
                "value_operator": lexicon.has_operator(value_n),
                "value_zero": lexicon.is_zero_target(value_n, row["number"]),
                "value_measurable": row["value_kind"] in MEASURED_KINDS
                or (has_digit(value_n) and not lexicon.is_scoring_rule(value_n)),
            }
        )
    return features


# What each project's document can hold (its layout's capabilities) and how it names its amounts.
DOCUMENT_FEATURES = (*CAPABILITY_COLUMNS, "amount_labels")


def project_features(
    projects: pd.DataFrame, units: list[Row], indicators: list[Row], documents: list[Row]
) -> list[Row]:
    unit_info = {u["unit_id"]: u for u in units}
    document_info = {d["source_file"]: {k: d.get(k) for k in DOCUMENT_FEATURES} for d in documents}
    counts: dict[str, int] = {}
    for indicator in indicators:
        counts[indicator["project_id"]] = counts.get(indicator["project_id"], 0) + 1
    return [
        {
            **row,
            "name": text(row["project_name"]),
            "goal_text": text(row["goal"]),
            **document_info.get(row["source_file"], dict.fromkeys(DOCUMENT_FEATURES)),
            "budget_year": unit_info.get(row["unit_id"], {}).get("budget_year"),
            "n_indicators": counts.get(row["project_id"], 0),
            "confidential": bool(row["confidential"]),
        }
        for row in rows(projects)
    ]


@dataclass(frozen=True)
class AuditInput:
    """The rows one rule reads (confidential projects removed for the rules exempt for them).

    Every table is a list of dicts of plain values; projects carry ``name``, ``goal_text``,
    their document's capabilities (``has_period_values`` …) and ``amount_labels``, ``budget_year``
    and ``n_indicators``; indicators carry the features above (an indicator of the unit as a whole,
    ``scope`` "unit", has no project_id).
    """

    documents: list[Row]
    units: list[Row]
    projects: list[Row]
    indicators: list[Row]
    declared_totals: list[Row]
    config: Mapping  # the [audit] section
    lexicon: Lexicon
    validation: "ValidationResult | None" = None
    unit_targets: list[Row] = field(default_factory=list)  # 部门整体 goals and tasks (layout N4)

    @property
    def thresholds(self) -> Mapping:
        return self.config["thresholds"]

    @cached_property
    def _by_project(self) -> dict[str, list[Row]]:
        grouped: dict[str, list[Row]] = {p["project_id"]: [] for p in self.projects}
        for row in self.indicators:
            grouped.setdefault(row["project_id"], []).append(row)
        return grouped

    def indicators_of(self, project_id: str) -> list[Row]:
        return self._by_project.get(project_id, [])

    @cached_property
    def _projects_by_id(self) -> dict[str, Row]:
        by_id: dict[str, Row] = {}
        for project in self.projects:
            by_id.setdefault(project["project_id"], project)
        return by_id

    def project(self, project_id: str | None) -> Row | None:
        return self._projects_by_id.get(project_id)

    def budget_year(self, project_id: str | None) -> int | None:
        """The budget year of the document a project was read from."""
        project = self.project(project_id)
        return project["budget_year"] if project else None

    def indicator_at(self, project_id: str | None, seq: int | None) -> Row | None:
        return next((r for r in self.indicators_of(project_id) if r["seq"] == seq), None)

    @cached_property
    def _units_by_file(self) -> dict[str, list[str]]:
        grouped: dict[str, list[str]] = {}
        for unit in self.units:
            grouped.setdefault(unit["source_file"], []).append(unit["unit_id"])
        return grouped

    def units_of_file(self, source_file: str) -> list[str]:
        return list(self._units_by_file.get(source_file, []))

    def failures(self, expectation_id: str) -> tuple:
        """Offending rows of one expectation of the validation result (the engine supplies it)."""
        if self.validation is None:
            raise RuntimeError("rule needs the validation result, which the engine did not supply")
        return self.validation.failures(expectation_id)

    def without(self, project_ids: set[str]) -> "AuditInput":
        return replace(
            self,
            projects=[p for p in self.projects if p["project_id"] not in project_ids],
            indicators=[r for r in self.indicators if r["project_id"] not in project_ids],
        )


def build_input(dataset: Dataset, config: Mapping, validation: "ValidationResult | None") -> AuditInput:
    lexicon = Lexicon(config["lexicon"])
    units = rows(dataset.units)
    documents = rows(dataset.documents)
    indicators = indicator_features(dataset.indicators, lexicon)
    return AuditInput(
        documents=documents,
        units=units,
        projects=project_features(dataset.projects, units, indicators, documents),
        indicators=indicators,
        declared_totals=rows(dataset.declared_totals),
        config=config,
        lexicon=lexicon,
        validation=validation,
        unit_targets=rows(dataset.unit_targets),
    )


# --- hits ---------------------------------------------------------------------------------------
def indicator_evidence(row: Mapping, value: str | None = None) -> str:
    """``名称：值`` as written (the annual value unless another is given); the name alone when empty."""
    value = row["value"] if value is None else value
    return f"{row['name']}：{value}" if value else row["name"]


def on_indicator(
    row: Mapping,
    message: str,
    *,
    evidence: str | None = None,
    line: int | None = None,
    severity: str | None = None,
    about_name: bool = False,
    suggestion: str | None = None,
) -> Hit:
    """A hit on one indicator: at its value's line, or its own line when the problem is its name."""
    where = row["source_line"] if about_name else (row["value_line"] or row["source_line"])
    own = row["source_ref"] if about_name else (row["value_ref"] or row["source_ref"])
    return Hit(
        unit_id=row["unit_id"],
        source_file=row["source_file"],
        source_line=line or where,
        source_ref=ref_at(row, line) if line else own,
        evidence=evidence if evidence is not None else indicator_evidence(row),
        message=message,
        project_id=row["project_id"],
        indicator=row["name"] or None,
        severity=severity,
        suggestion=suggestion,
    )


def on_project(
    row: Mapping,
    message: str,
    *,
    evidence: str | None = None,
    line: int | None = None,
    severity: str | None = None,
    suggestion: str | None = None,
) -> Hit:
    """A hit on one project: its name (or the given text) at its first line unless told."""
    return Hit(
        unit_id=row["unit_id"],
        source_file=row["source_file"],
        source_line=line or row["source_line"],
        source_ref=ref_at(row, line) if line else row["source_ref"],
        evidence=evidence if evidence is not None else row["name"],
        message=message,
        project_id=row["project_id"],
        severity=severity,
        suggestion=suggestion,
    )


_PLACES = ("value", "goal", "budget", "plan", "source")  # the *_line columns that have a *_ref twin


def ref_at(row: Mapping, line: int) -> str:
    """The place of ``line`` in a row's source: the ref of the row's cell on that line."""
    for place in _PLACES:
        if row.get(f"{place}_line") == line and row.get(f"{place}_ref"):
            return row[f"{place}_ref"]
    return Ref(line=line).label()


def on_target(row: Mapping, message: str, *, severity: str | None = None) -> Hit:
    """A hit on a 部门整体 goal or task (unit_targets): its text at its line."""
    return Hit(
        unit_id=row["unit_id"], source_file=row["source_file"], source_line=row["source_line"],
        source_ref=row["source_ref"], evidence=text(row["name"] or row["text"]), message=message, severity=severity,
    )


def on_document(
    data: AuditInput, source_file: str, line: int | None, evidence: str, message: str, severity: str | None = None,
    suggestion: str | None = None,
) -> list[Hit]:
    """A hit on a document as a whole: one per unit read from that file (each unit's report shows it)."""
    return [
        Hit(unit_id=unit_id, source_file=source_file, source_line=line, evidence=evidence, message=message,
            severity=severity, suggestion=suggestion, source_ref=Ref(line=line).label() if line else None)
        for unit_id in data.units_of_file(source_file)
    ]


def percent(number: float | None) -> str:
    """30.0 -> '30%', 62.5 -> '62.5%'."""
    return "（空）" if number is None else f"{number:g}%"


def amount(number: float | None) -> str:
    """1500.06 -> '1,500.06' (万元, as the documents write it)."""
    return "（空）" if number is None else f"{number:,.2f}"
