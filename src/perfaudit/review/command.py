"""``perfaudit review``: list a unit's open findings, record a disposition, sign a unit off, list
stale dispositions. The findings are those of the unit's last bundle (``OUT/bundles/<unit_id>``,
written by ``perfaudit run``), seen through the review file as it is now."""

from __future__ import annotations

import datetime
from dataclasses import replace
from pathlib import Path

import pandas as pd

from ..bundle import bundled_unit_ids, read_findings, read_meta
from ..errors import PerfauditError
from ..outdir import OutputFolder
from ..terms import SEVERITY_ZH
from .apply import apply_reviews, counting, review_counts, set_aside, stale
from .file import read_review, review_lock, write_review
from .model import EXCLUDED, Disposition, Review, SignOff, status_label

UNIT_LEVEL = "单位整体"


class ReviewUsageError(PerfauditError):
    """A ``perfaudit review`` request that cannot be carried out (unknown unit or finding, 排除
    without a reason)."""


def _bundle_root(out_dir: Path) -> Path:
    return OutputFolder(out_dir).bundles.root


def _unit_findings(out_dir: Path, unit_id: str) -> tuple[str, pd.DataFrame]:
    """The unit's name and its findings (all of them) with the review file's dispositions as they are now."""
    root = _bundle_root(out_dir)
    try:
        meta = read_meta(root, unit_id)
    except PerfauditError:
        known = ", ".join(bundled_unit_ids(root)) or "none"
        raise ReviewUsageError(f"{out_dir}: no unit {unit_id!r} (units: {known}; `perfaudit run` builds them)") from None
    findings = read_findings(root, unit_id)
    return meta["unit_name"], apply_reviews(findings, {unit_id: read_review(out_dir, unit_id)})


def _units(out_dir: Path, unit_id: str | None) -> list[str]:
    units = [unit_id] if unit_id else bundled_unit_ids(_bundle_root(out_dir))
    if not units:
        raise ReviewUsageError(f"{out_dir}: no units here (`perfaudit run --out {out_dir}` builds them)")
    return units


def _finding_line(row: dict) -> str:
    project = row["project_name"] if isinstance(row["project_name"], str) else UNIT_LEVEL
    where = row["source_ref"] if isinstance(row["source_ref"], str) else ""
    text = "  ".join(part for part in (
        row["finding_id"], f"[{status_label(row['review_status'] if isinstance(row['review_status'], str) else None)}]",
        SEVERITY_ZH.get(row["severity"], row["severity"]), f"{row['rule_id']} {row['rule_name']}",
        f"{project}：{row['message']}", where) if part)
    extra = [f"{label}：{row[column]}" for column, label in (("review_reason", "理由"), ("review_note", "备注"))
             if isinstance(row[column], str)]
    return text + ("".join(f"\n    {item}" for item in extra))


def list_lines(out_dir: Path, unit_id: str | None = None, *, everything: bool = False) -> list[str]:
    """Per unit: its open findings (undecided or 确认; with ``everything`` also those set aside),
    then a line of counts, stale dispositions and the sign-off."""
    lines = []
    for unit in _units(out_dir, unit_id):
        name, findings = _unit_findings(out_dir, unit)
        review = read_review(out_dir, unit)
        shown = findings if everything else counting(findings)
        counts = review_counts(findings)
        lines.append(f"{unit}  {name}")
        lines += ["  " + _finding_line(row).replace("\n", "\n  ") for row in shown.to_dict("records")]
        signed = f"signed off by {review.signoff.reviewer} on {review.signoff.date}" if review.signoff else "not signed off"
        lines.append(f"  {counts['open']} open ({counts['undecided']} undecided), {len(set_aside(findings))} set aside, "
                     f"{len(stale(review, findings['finding_id']))} stale; {signed}")
    return lines


def stale_lines(out_dir: Path, unit_id: str | None = None) -> list[str]:
    """Every disposition whose finding no longer exists, including those of review files whose
    unit is not in the output folder (any more)."""
    bundled = set(bundled_unit_ids(_bundle_root(out_dir)))
    units = [unit_id] if unit_id else sorted(set(OutputFolder(out_dir).reviewed_unit_ids()) | bundled)
    lines = []
    for unit in units:
        review = read_review(out_dir, unit)
        present = _unit_findings(out_dir, unit)[1]["finding_id"] if unit in bundled else []
        why = "" if unit in bundled else "  (unit not in this output folder)"
        for d in stale(review, present):
            details = "  ".join(f"{label}：{value}" for label, value in (("理由", d.reason), ("备注", d.note)) if value)
            lines.append(f"stale  {unit}  {d.finding_id}  [{status_label(d.status)}]  {details}{why}".rstrip())
    return lines


def record(out_dir: Path, unit_id: str, finding_id: str, *, status: str | None = None, reason: str | None = None,
           note: str | None = None, clear: bool = False) -> str:
    """Set a finding's disposition (``status`` None: keep it; a new status drops the old reason
    unless ``reason`` is given), or ``clear`` it; returns a line saying what was written."""
    _, findings = _unit_findings(out_dir, unit_id)  # the bundle's findings (a review write leaves them)
    with review_lock(out_dir, unit_id):  # read, edit, write: one writer of this unit at a time
        review = read_review(out_dir, unit_id)
        known = finding_id in set(findings["finding_id"])
        if clear:
            if finding_id not in review.dispositions:
                raise ReviewUsageError(f"{OutputFolder(out_dir).review_file(unit_id)}: no disposition for finding {finding_id}")
            path = write_review(out_dir, review.without_disposition(finding_id))
            return f"cleared {unit_id} {finding_id} ({path})"
        if not known:
            raise ReviewUsageError(f"unit {unit_id} has no finding {finding_id} "
                                   f"(`perfaudit review {out_dir} --unit {unit_id} --all` lists them)")
        old = review.dispositions.get(finding_id, Disposition(finding_id))
        new = old if status is None else replace(old, status=status, reason=None)
        new = replace(new, reason=_clean(reason) or new.reason, note=_clean(note) or new.note)
        if new.status == EXCLUDED and not new.reason:
            raise ReviewUsageError(f"排除 (--exclude) needs a reason: --reason TEXT (finding {finding_id})")
        row = findings[findings["finding_id"] == finding_id].iloc[0]
        context = f"{row['rule_id']} {row['rule_name']} · {row['project_name'] if isinstance(row['project_name'], str) else UNIT_LEVEL}"
        path = write_review(out_dir, review.with_disposition(new), {finding_id: context})
        return f"recorded {unit_id} {finding_id} [{status_label(new.status)}] in {path}; the next `perfaudit run` rebuilds this unit"


def sign_off(out_dir: Path, unit_id: str, reviewer: str, date: datetime.date | None = None) -> str:
    name = _clean(reviewer)
    if not name:
        raise ReviewUsageError("--reviewer needs a name")
    _unit_findings(out_dir, unit_id)  # the unit must exist
    with review_lock(out_dir, unit_id):
        review: Review = read_review(out_dir, unit_id)
        signed = SignOff(name, date or datetime.date.today())
        path = write_review(out_dir, replace(review, signoff=signed))
    return f"signed off {unit_id}: {signed.reviewer}, {signed.date} ({path})"


def _clean(text: str | None) -> str | None:
    return text.strip() or None if text is not None else None

