"""Driver side of the reports: a dataset -> validation and audit -> one bundle per unit.

Runs once per batch in the driver process (Great Expectations is imported here, via the validate
stage, and never in a report kernel). ``python -m perfaudit.report.prepare OUT PATH...`` does the
same for a folder of documents; the notebook uses it to build the bundled examples.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

import pandas as pd

from ..model import Dataset
from ..review.file import REVIEWS_DIR, SUFFIX
from ..settings import Settings, load_settings
from .bundle import RULE_COLUMNS, canonical_json, sha256_text, write_bundle

if TYPE_CHECKING:
    from ..review.model import Review


def suites_fingerprint(suites_dir: Path | None = None) -> str:
    """SHA-256 of the expectation suites' content (file locations left out)."""
    from ..validate import read_suites

    return sha256_text(canonical_json({suite.table: suite.spec for suite in read_suites(suites_dir)}))


def with_rule_columns(findings: pd.DataFrame) -> pd.DataFrame:
    """The findings with each rule's Chinese name, basis and catalogue position (``RULE_COLUMNS``),
    so the report kernel needs no rule catalogue."""
    from ..audit import catalogue

    rules = {rule.id: (rule.name_zh, rule.basis, rank) for rank, rule in enumerate(catalogue())}
    extra = pd.DataFrame([rules[rule_id] for rule_id in findings["rule_id"]], columns=list(RULE_COLUMNS), index=findings.index)
    return pd.concat([findings, extra.astype({"rule_name": "string", "basis": "string", "rule_rank": "Int64"})], axis=1)


def write_unit_bundles(
    dataset: Dataset, root: Path, settings: Settings, *, unit_ids: list[str] | None = None,
    reviews: "Mapping[str, Review] | None" = None,
) -> dict[str, Path]:
    """Validate and audit the whole dataset, then write the bundle of each unit (default: all).
    ``reviews``: the reviewers' dispositions per unit (``review.file``; none: every finding undecided)."""
    from ..audit import audit_dataset
    from ..review.apply import review_summary
    from ..review.model import Review
    from ..validate import validate_dataset

    reviews = reviews or {}
    validation = validate_dataset(dataset)
    audit = audit_dataset(dataset, settings, validation, reviews)
    fingerprints = {"rules": settings.fingerprint(), "suites": suites_fingerprint()}
    from .fonts import report_settings as resolved_report_settings

    report_settings = resolved_report_settings(settings)
    written = {}
    for unit_id in unit_ids if unit_ids is not None else sorted(dataset.units["unit_id"]):
        findings = audit.for_unit(unit_id)
        written[unit_id] = write_bundle(
            root,
            dataset.for_unit(unit_id),
            unit_id=unit_id,
            findings=with_rule_columns(findings),
            grade=audit.grade_record(unit_id),
            validation=validation.for_unit(unit_id).to_dict(),
            fingerprints=fingerprints,
            report_settings=report_settings,
            review=review_summary(reviews.get(unit_id) or Review(unit_id), findings, f"{REVIEWS_DIR}/{unit_id}{SUFFIX}"),
        )
    return written


def write_department_bundles(
    units: pd.DataFrame, root: Path, settings: Settings, *, department_ids: list[str] | None = None
) -> dict[str, Path]:
    """Roll up the unit bundles under ``root`` into one bundle per department of ``units``
    (default: every department); their units' bundles must be written first."""
    from ..audit.department import department_members
    from .department import write_department_bundle

    members = department_members(units)
    return {
        department_id: write_department_bundle(root, department_id, entry["department_name"], entry["unit_ids"], settings)
        for department_id, entry in members.items() if department_ids is None or department_id in department_ids
    }


def main(argv: list[str]) -> int:
    """``OUT PATH...``: bundles of every unit and department in the documents under PATH, with default settings."""
    from ..ingest import ingest_paths

    out, *paths = (Path(arg) for arg in argv)
    settings = load_settings()
    result = ingest_paths(paths, settings=settings)
    for refused in result.refused:
        print(refused.summary_line(), file=sys.stderr)
    write_unit_bundles(result.dataset, out, settings)
    write_department_bundles(result.dataset.units, out, settings)
    return 1 if result.refused else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
