"""The pipeline: documents -> Dataset -> validation -> audit -> bundles. Its one home.

The CLI (``ingest``, ``validate``, ``audit``, ``report``), the batch (``perfaudit run``) and the
notebook's example preparation all go through these functions, in this order:

- ``read_documents(paths)``: ingest (every format, every layout) -> ``IngestResult``;
- ``audit(dataset, settings)``: validate the whole dataset once (Great Expectations, imported by
  the validate stage here, in the driver, never in a report kernel), then run the rule catalogue
  on the dataset *and that validation result* -> ``Audited`` (validation and audit together);
- ``write_unit_bundles(dataset, root, settings)``: the above, then one bundle per unit
  (``bundle.py``): everything its report shows, the points of each project included, so that
  report/ reads bundles only and never imports audit or validate;
- ``write_department_bundles(units, root, settings)``: the department roll-ups, once their
  units' bundles are written.

``python -m perfaudit.pipeline OUT PATH...`` writes the bundles of every unit and department of
the documents under PATH (default settings); the unit notebook uses it for the bundled examples.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

import pandas as pd

from .bundle import DEPARTMENT_FORMAT, RULE_COLUMNS, read_bundle, unit_budget, write_bundle, write_department
from .fingerprint import settings_fingerprint, suites_fingerprint
from .model import NO_ROWS, Dataset, row_positions, rows_of_each
from .outdir import OutputFolder
from .settings import Settings, load_settings
from .timing import StepClock

if TYPE_CHECKING:
    from .audit import AuditResult
    from .ingest import IngestResult
    from .review.model import Review
    from .validation import ValidationResult


def read_documents(paths: list[Path], *, year: int | None = None, settings: Settings | None = None,
                   processes: int = 1) -> "IngestResult":
    """Every document under ``paths`` (files or folders) -> the Dataset, with one outcome per file;
    ``processes`` > 1: many documents are read in parallel."""
    from .ingest import ingest_paths

    return ingest_paths(paths, year=year, settings=settings, processes=processes)


def validate(dataset: Dataset, *, data_docs_dir: Path | None = None) -> "ValidationResult":
    """The expectation suites on the whole dataset (``validate/``)."""
    from .validate import validate_dataset

    return validate_dataset(dataset, data_docs_dir=data_docs_dir)


@dataclass(frozen=True)
class Audited:
    """A dataset's validation and its audit, which took its findings A01, A02, A04, S06 from it."""

    validation: "ValidationResult"
    audit: "AuditResult"


def audit(dataset: Dataset, settings: Settings, reviews: "Mapping[str, Review] | None" = None,
          clock: StepClock | None = None) -> Audited:
    """Validate, then audit with that validation. ``reviews``: the reviewers' dispositions per unit
    (``review.file``; None: the machine's findings without review columns); ``clock``: gets the
    time of each (steps ``validate``, ``audit``)."""
    from .audit import audit_dataset

    clock = clock or StepClock()
    with clock("validate"):
        validation = validate(dataset)
    with clock("audit"):
        return Audited(validation, audit_dataset(dataset, settings, validation, reviews))


def with_rule_columns(findings: pd.DataFrame) -> pd.DataFrame:
    """The findings with each rule's Chinese name, basis and catalogue position (``RULE_COLUMNS``),
    so the report kernel needs no rule catalogue."""
    from .audit import catalogue

    rules = {rule.id: (rule.name_zh, rule.basis, rank) for rank, rule in enumerate(catalogue())}
    extra = pd.DataFrame([rules[rule_id] for rule_id in findings["rule_id"]], columns=list(RULE_COLUMNS), index=findings.index)
    return pd.concat([findings, extra.astype({"rule_name": "string", "basis": "string", "rule_rank": "Int64"})], axis=1)


def write_unit_bundles(
    dataset: Dataset, root: Path, settings: Settings, *, unit_ids: list[str] | None = None,
    reviews: "Mapping[str, Review] | None" = None, clock: StepClock | None = None,
) -> dict[str, Path]:
    """Validate and audit the whole dataset, then write the bundle of each unit (default: all).
    ``reviews``: the reviewers' dispositions per unit (``review.file``; none: every finding undecided);
    ``clock``: gets the time of each step (``validate``, ``audit``, ``bundles``)."""
    reviews, clock = reviews or {}, clock or StepClock()
    audited = audit(dataset, settings, reviews, clock)
    with clock("bundles"):
        return _write_unit_bundles(dataset, root, settings, audited, unit_ids, reviews)


def _write_unit_bundles(dataset: Dataset, root: Path, settings: Settings, audited: Audited, unit_ids: list[str] | None,
                        reviews: "Mapping[str, Review]") -> dict[str, Path]:
    from .audit.grade import project_points
    from .fonts import report_settings as resolved_report_settings
    from .review.apply import counting, review_summary
    from .review.model import Review

    fingerprints = {"rules": settings_fingerprint(settings), "suites": suites_fingerprint()}
    report_settings = resolved_report_settings(settings)
    grade_config = audited.audit.grade_config
    review_file = OutputFolder(Path()).review_file  # as the report names it: relative to the output folder
    unit_ids = unit_ids if unit_ids is not None else sorted(dataset.units["unit_id"])
    slices = dataset.per_unit(unit_ids)
    validations = audited.validation.per_unit(unit_ids)
    findings = with_rule_columns(audited.audit.findings)
    counted = counting(findings)
    points = project_points(counted, grade_config)  # per project: each unit's rows are its projects'
    points_rows = row_positions(pd.Series(points.index.map(dict(zip(counted["project_id"], counted["unit_id"])))))
    written = {}
    for unit_id, own in zip(unit_ids, rows_of_each(findings, "unit_id", unit_ids)):
        review = reviews.get(unit_id) or Review(unit_id)
        written[unit_id] = write_bundle(
            root,
            slices[unit_id],
            unit_id=unit_id,
            findings=own,
            grade=audited.audit.grade_record(unit_id),
            validation=validations[unit_id].to_dict(),
            fingerprints=fingerprints,
            report_settings=report_settings,
            review=review_summary(review, own, review_file(unit_id).as_posix()),
            points=points.iloc[points_rows.get(unit_id, NO_ROWS)],
        )
    return written


def write_department_bundle(root: Path, department_id: str, department_name: str, unit_ids: list[str],
                            settings: Settings) -> Path:
    """Roll up the unit bundles of ``unit_ids`` (under ``root``) into the department's bundle;
    its units in document order."""
    from .audit.department import formula_zh, roll_up

    units = sorted((read_bundle(root, unit_id) for unit_id in unit_ids), key=_document_order)
    findings = pd.concat([unit.findings for unit in units], ignore_index=True)
    audit_config = settings.section("audit")
    record = roll_up({u.unit_id: u.grade for u in units}, {u.unit_id: unit_budget(u) for u in units}, findings,
                     sum(len(u.dataset.projects) for u in units), audit_config)
    record["formula_zh"] = formula_zh(units[0].grade["formula_zh"])
    return write_department(root, {
        "format": DEPARTMENT_FORMAT,
        "department_id": department_id,
        "department_name": department_name,
        "unit_ids": [unit.unit_id for unit in units],
        "record": record,
        "report_settings": units[0].report_settings,
        "tolerance": audit_config["tolerance"],
        "fingerprints": {"units": {u.unit_id: u.meta["fingerprints"]["bundle"] for u in units}},
    })


def _document_order(unit) -> tuple:
    """Units as their documents list them (a 本级 row first), documents by name."""
    row = unit.dataset.units.iloc[0]
    return (str(row["source_file"]), -1 if pd.isna(row["source_line"]) else int(row["source_line"]), unit.unit_id)


def write_department_bundles(
    units: pd.DataFrame, root: Path, settings: Settings, *, department_ids: list[str] | None = None
) -> dict[str, Path]:
    """Roll up the unit bundles under ``root`` into one bundle per department of ``units``
    (default: every department); their units' bundles must be written first."""
    from .audit.department import department_members

    members = department_members(units)
    return {
        department_id: write_department_bundle(root, department_id, entry["department_name"], entry["unit_ids"], settings)
        for department_id, entry in members.items() if department_ids is None or department_id in department_ids
    }


def main(argv: list[str]) -> int:
    """``OUT PATH...``: bundles of every unit and department in the documents under PATH, with default settings."""
    out, *paths = (Path(arg) for arg in argv)
    settings = load_settings()
    result = read_documents(paths, settings=settings)
    for refused in result.refused:
        print(refused.summary_line(), file=sys.stderr)
    write_unit_bundles(result.dataset, out, settings)
    write_department_bundles(result.dataset.units, out, settings)
    return 1 if result.refused else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
