"""The unit bundle: one folder per unit holding everything its report shows, and nothing else.

A report kernel reads only this folder. Layout of ``<root>/<unit_id>/``::

    bundle.json          unit id and name, sources with SHA-256, fingerprints, report settings
    tables/*.parquet     the unit's slice of the Dataset
    findings.parquet     the unit's audit findings, with each rule's name, basis and catalogue rank,
                         and the reviewer's disposition of each (``review.apply.REVIEW_COLUMNS``)
    grade.json           the unit's grade and its breakdown (from the findings that still count)
    validation.json      the unit's slice of the data-quality result (``ValidationResult.to_dict``)
    review.json          the review file's sign-off and stale dispositions (``review.apply.review_summary``)

A bundle is written to a staging folder and renamed into place, so a reader never sees half of
one. Its ``bundle`` fingerprint covers everything the report shows: the same fingerprint means
the same report.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .. import __version__
from ..errors import ReportError
from ..model import Dataset

BUNDLE_FORMAT = 1
META_FILE = "bundle.json"
TABLES_DIR = "tables"
FINDINGS_FILE = "findings.parquet"
GRADE_FILE = "grade.json"
VALIDATION_FILE = "validation.json"
REVIEW_FILE = "review.json"
# Columns the bundle adds to the audit's findings table, from the rule catalogue.
RULE_COLUMNS = ("rule_name", "basis", "rule_rank")


@dataclass(frozen=True)
class UnitBundle:
    """One unit's bundle as read back: the data a report shows. ``findings`` are those that count
    (undecided or 确认), ``set_aside`` those a reviewer marked 排除 or 已整改."""

    unit_id: str
    meta: dict[str, Any]
    dataset: Dataset
    findings: pd.DataFrame
    grade: dict[str, Any]
    validation: dict[str, Any]
    set_aside: pd.DataFrame | None = None
    review: dict[str, Any] | None = None  # review.apply.review_summary

    @property
    def all_findings(self) -> pd.DataFrame:
        """Every finding, those set aside included."""
        return self.findings if self.set_aside is None else pd.concat([self.findings, self.set_aside], ignore_index=True)

    @property
    def unit_name(self) -> str:
        return self.meta["unit_name"]

    @property
    def report_settings(self) -> dict[str, Any]:
        return self.meta["report_settings"]


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no insignificant white space: stable input for fingerprints."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _json_text(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, indent=1) + "\n"


def unit_sources(dataset: Dataset) -> list[dict[str, str]]:
    """The unit's source documents (file name and SHA-256), in a stable order."""
    documents = dataset.documents.sort_values("source_file")
    return [{"file": str(row.source_file), "sha256": str(row.source_sha256)} for row in documents.itertuples(index=False)]


def write_bundle(
    root: Path,
    dataset: Dataset,
    *,
    unit_id: str,
    findings: pd.DataFrame,
    grade: dict[str, Any],
    validation: dict[str, Any],
    fingerprints: dict[str, str],
    report_settings: dict[str, Any],
    review: dict[str, Any] | None = None,
) -> Path:
    """Write one unit's bundle under ``root/unit_id`` (replacing an older one); returns its folder.

    ``dataset`` is the unit's slice; ``findings`` its findings with ``RULE_COLUMNS``;
    ``fingerprints`` name the configuration (``rules``) and the expectation suites (``suites``)
    the findings and validation came from; the ``input`` and ``bundle`` fingerprints are added here.
    """
    if list(dataset.units["unit_id"]) != [unit_id]:
        raise ReportError(f"bundle for {unit_id}: the dataset slice holds units {list(dataset.units['unit_id'])}")
    missing = [column for column in RULE_COLUMNS if column not in findings.columns]
    if missing:
        raise ReportError(f"bundle for {unit_id}: findings lack the columns {missing}")
    sources = unit_sources(dataset)
    grade_text, validation_text, review_text = _json_text(grade), _json_text(validation), _json_text(review)
    findings_text = canonical_json(findings.astype(object).where(findings.notna(), None).to_dict("records"))
    meta = {
        "format": BUNDLE_FORMAT,
        "unit_id": unit_id,
        "unit_name": str(dataset.units["unit_name"].iloc[0]),
        "perfaudit_version": __version__,
        "sources": sources,
        "fingerprints": {"input": sha256_text(canonical_json(sources)), **fingerprints},
        "report_settings": report_settings,
    }
    content = [canonical_json(meta), findings_text, grade_text, validation_text, review_text]
    meta["fingerprints"]["bundle"] = sha256_text("\0".join(content))

    final = root / unit_id
    staging = root / f".{unit_id}.staging"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    dataset.write(staging / TABLES_DIR)
    findings.to_parquet(staging / FINDINGS_FILE, index=False)
    (staging / GRADE_FILE).write_text(grade_text, encoding="utf-8")
    (staging / VALIDATION_FILE).write_text(validation_text, encoding="utf-8")
    (staging / REVIEW_FILE).write_text(review_text, encoding="utf-8")
    (staging / META_FILE).write_text(_json_text(meta), encoding="utf-8")
    shutil.rmtree(final, ignore_errors=True)
    staging.rename(final)
    return final


def bundled_unit_ids(root: Path) -> list[str]:
    """The units that have a complete bundle under ``root``, sorted."""
    return sorted(path.parent.name for path in root.glob(f"*/{META_FILE}") if not path.parent.name.startswith("."))


def read_meta(root: Path, unit_id: str) -> dict[str, Any]:
    """A bundle's ``bundle.json``; ReportError naming the folder's units when there is none."""
    path = root / unit_id / META_FILE
    if not path.is_file():
        known = ", ".join(bundled_unit_ids(root)) or "none"
        raise ReportError(f"{path}: no bundle for unit '{unit_id}' (units in {root}: {known})")
    meta = json.loads(path.read_text(encoding="utf-8"))
    if meta.get("format") != BUNDLE_FORMAT:
        raise ReportError(f"{path}: bundle format {meta.get('format')} is not {BUNDLE_FORMAT}; rebuild the bundle")
    return meta


def read_bundle(root: Path, unit_id: str | None = None) -> UnitBundle:
    """Read the bundle of ``unit_id`` (default: the first unit under ``root``)."""
    if unit_id is None:
        units = bundled_unit_ids(root)
        if not units:
            raise ReportError(f"{root}: no unit bundles in this folder")
        unit_id = units[0]
    from ..review.apply import counting, set_aside

    meta = read_meta(root, unit_id)
    folder = root / unit_id
    findings = pd.read_parquet(folder / FINDINGS_FILE)
    review = folder / REVIEW_FILE
    return UnitBundle(
        unit_id=unit_id,
        meta=meta,
        dataset=Dataset.read(folder / TABLES_DIR),
        findings=counting(findings),
        grade=json.loads((folder / GRADE_FILE).read_text(encoding="utf-8")),
        validation=json.loads((folder / VALIDATION_FILE).read_text(encoding="utf-8")),
        set_aside=set_aside(findings),
        review=json.loads(review.read_text(encoding="utf-8")) if review.is_file() else None,
    )
