"""Bundles: one folder per unit (and one file per department) holding everything its report
shows, and nothing else. The pipeline writes them (``pipeline.py``); a report kernel reads only
these. Layout of a unit's folder (the paths: ``outdir.BundleFolder``)::

    bundle.json          unit id and name, sources with SHA-256, fingerprints, report settings
    tables/*.parquet     the unit's slice of the Dataset
    findings.parquet     the unit's audit findings, with each rule's name, basis and catalogue rank,
                         and the reviewer's disposition of each (``review.apply.REVIEW_COLUMNS``)
    points.parquet       the points each project's findings cost per review criterion (``audit.grade.project_points``)
    grade.json           the unit's grade and its breakdown (from the findings that still count)
    validation.json      the unit's slice of the data-quality result (``ValidationResult.to_dict``)
    review.json          the review file's sign-off and stale dispositions (``review.apply.review_summary``)

A bundle is written to a staging folder and renamed into place, so a reader never sees half of
one. Its ``bundle`` fingerprint covers everything the report shows: the same fingerprint means
the same report. ``points.parquet`` is left out of the hash because it is a function of two files
that are in it (the findings and the grade configuration in grade.json).

A department's bundle is ``departments/<department_id>/department.json`` below the same root
(id, name, unit ids in document order, the roll-up record of ``audit.department``, the amount
tolerance, fingerprints, report settings): the department notebook reads it and its units' own
bundles, nothing else, so a department report shows exactly what its unit reports show, added up.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from . import __version__
from .atomic import json_text, replace_dir, write_json
from .errors import ReportError
from .fingerprint import canonical_json, sha256_text, sources_fingerprint
from .model import Dataset, read_parquet, write_parquet
from .outdir import BundleFolder, staging_dir

BUNDLE_FORMAT = 1
DEPARTMENT_FORMAT = 1
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
    points: pd.DataFrame | None = None  # per project id (index), points lost per criterion label (columns)

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


def unit_sources(dataset: Dataset) -> list[dict[str, str]]:
    """The unit's source documents (file name and SHA-256), in a stable order."""
    documents = dataset.documents.sort_values("source_file")
    return [{"file": str(row.source_file), "sha256": str(row.source_sha256)} for row in documents.itertuples(index=False)]


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows as plain dicts, None for a missing value (column by column: a frame-wide
    astype(object) costs milliseconds per bundle)."""
    columns = {name: [None if pd.isna(value) else value for value in frame[name].tolist()] for name in frame.columns}
    return [dict(zip(columns, row)) for row in zip(*columns.values())]


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
    points: pd.DataFrame,
) -> Path:
    """Write one unit's bundle under ``root/unit_id`` (replacing an older one); returns its folder.

    ``dataset`` is the unit's slice; ``findings`` its findings with ``RULE_COLUMNS``; ``points``
    the points its projects' findings cost per criterion (``audit.grade.project_points``);
    ``fingerprints`` name the configuration (``rules``) and the expectation suites (``suites``)
    the findings and validation came from; the ``input`` and ``bundle`` fingerprints are added here.
    """
    if list(dataset.units["unit_id"]) != [unit_id]:
        raise ReportError(f"bundle for {unit_id}: the dataset slice holds units {list(dataset.units['unit_id'])}")
    missing = [column for column in RULE_COLUMNS if column not in findings.columns]
    if missing:
        raise ReportError(f"bundle for {unit_id}: findings lack the columns {missing}")
    sources = unit_sources(dataset)
    grade_text, validation_text, review_text = json_text(grade), json_text(validation), json_text(review)
    findings_text = canonical_json(_records(findings))
    meta = {
        "format": BUNDLE_FORMAT,
        "unit_id": unit_id,
        "unit_name": str(dataset.units["unit_name"].iloc[0]),
        "perfaudit_version": __version__,
        "sources": sources,
        "fingerprints": {"input": sources_fingerprint(sources), **fingerprints},
        "report_settings": report_settings,
    }
    content = [canonical_json(meta), findings_text, grade_text, validation_text, review_text]
    meta["fingerprints"]["bundle"] = sha256_text("\0".join(content))

    final = BundleFolder(root).unit(unit_id)
    staging = staging_dir(final)
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    dataset.write(staging / BundleFolder.TABLES)
    write_parquet(findings, staging / BundleFolder.FINDINGS)
    write_parquet(points, staging / BundleFolder.POINTS, index=True)
    for name, text in ((BundleFolder.GRADE, grade_text), (BundleFolder.VALIDATION, validation_text),
                       (BundleFolder.REVIEW, review_text), (BundleFolder.META, json_text(meta))):
        (staging / name).write_text(text, encoding="utf-8")
    replace_dir(staging, final)
    return final


def bundled_unit_ids(root: Path) -> list[str]:
    """The units that have a complete bundle under ``root``, sorted."""
    return BundleFolder(root).unit_ids()


def read_meta(root: Path, unit_id: str) -> dict[str, Any]:
    """A bundle's ``bundle.json``; ReportError naming the folder's units when there is none."""
    path = BundleFolder(root).unit_file(unit_id, BundleFolder.META)
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
    from .review.apply import counting, set_aside

    meta = read_meta(root, unit_id)
    folder = BundleFolder(root).unit(unit_id)
    if not (folder / BundleFolder.POINTS).is_file():  # written before bundles carried the points
        raise ReportError(f"{folder}: bundle without {BundleFolder.POINTS} (an older perfaudit wrote it); rebuild it "
                          "(perfaudit run --force)")
    findings = read_findings(root, unit_id)
    review = folder / BundleFolder.REVIEW
    return UnitBundle(
        unit_id=unit_id,
        meta=meta,
        dataset=Dataset.read(folder / BundleFolder.TABLES),
        findings=counting(findings),
        grade=json.loads((folder / BundleFolder.GRADE).read_text(encoding="utf-8")),
        validation=json.loads((folder / BundleFolder.VALIDATION).read_text(encoding="utf-8")),
        set_aside=set_aside(findings),
        review=json.loads(review.read_text(encoding="utf-8")) if review.is_file() else None,
        points=read_parquet(folder / BundleFolder.POINTS),
    )


def read_findings(root: Path, unit_id: str) -> pd.DataFrame:
    """Every finding of a unit's bundle (set aside or not), as written."""
    return read_parquet(BundleFolder(root).unit_file(unit_id, BundleFolder.FINDINGS))


def unit_budget(bundle: UnitBundle) -> float | None:
    """The unit's budget: the sum of its projects' 总计 (万元), None when none states one."""
    total = bundle.dataset.projects["budget_total"].sum(min_count=1)
    return None if pd.isna(total) else round(float(total), 6)


# ---------------------------------------------------------------- departments

@dataclass(frozen=True)
class DepartmentBundle:
    department_id: str
    meta: dict[str, Any]
    units: list[UnitBundle]  # in the department's order

    @property
    def department_name(self) -> str:
        return self.meta["department_name"]

    @property
    def record(self) -> dict[str, Any]:
        return self.meta["record"]

    @property
    def report_settings(self) -> dict[str, Any]:
        return self.meta["report_settings"]

    @property
    def tolerance(self) -> float:
        """万元: differences of amounts up to this are no difference (``[audit] tolerance``)."""
        return self.meta["tolerance"]


def write_department(root: Path, meta: dict[str, Any]) -> Path:
    """Write a department's bundle (``meta``: see the module docstring; ``fingerprints.department``
    is added here, over everything but the tolerance, which the units' ``rules`` fingerprints
    already cover); returns its folder."""
    hashed = {key: value for key, value in meta.items() if key != "tolerance"}
    meta = {**meta, "fingerprints": {**meta["fingerprints"], "department": sha256_text(canonical_json(hashed))}}
    path = write_json(BundleFolder(root).department_file(meta["department_id"]), meta)
    return path.parent


def read_department(root: Path, department_id: str) -> DepartmentBundle:
    """The department's bundle and its units' bundles; ReportError naming the folder when absent."""
    folder = BundleFolder(root)
    path = folder.department_file(department_id)
    if not path.is_file():
        known = folder.department_ids()
        raise ReportError(f"{path}: no bundle for department '{department_id}' (departments: {', '.join(known) or 'none'})")
    meta = json.loads(path.read_text(encoding="utf-8"))
    if meta.get("format") != DEPARTMENT_FORMAT:
        raise ReportError(f"{path}: department bundle format {meta.get('format')} is not {DEPARTMENT_FORMAT}; rebuild it")
    department = DepartmentBundle(department_id, meta, [read_bundle(root, unit_id) for unit_id in meta["unit_ids"]])
    for unit in department.units:  # a unit bundle of another department than the one listing it: stale
        stated = unit.dataset.units["department_id"].iloc[0]
        if stated != department.department_id:
            raise ReportError(f"department {department.department_id}: unit {unit.unit_id} belongs to {stated}")
    return department
