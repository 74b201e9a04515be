"""Dispositions applied to the findings table: pure functions, no I/O.

- ``apply_reviews`` adds ``review_status``, ``review_reason`` and ``review_note`` to every finding
  (matched by unit and ``finding_id``); the audit does this before grading.
- ``counting`` keeps the findings that still count in the grade and the conclusion: undecided and
  确认 ones. 排除 (a false alarm) and 已整改 (corrected by the unit) are set aside: they cost no
  points and no longer weigh in the suggested conclusion, and reports list them apart with their
  reason and note.
- ``stale`` lists the dispositions whose finding no longer exists (the document or the rules
  changed): they stay in the file and are shown, never dropped.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Iterable, Mapping

import pandas as pd

from ..model import STR
from .model import SET_ASIDE, Disposition, Review

REVIEW_COLUMNS = {"review_status": STR, "review_reason": STR, "review_note": STR}


def apply_reviews(findings: pd.DataFrame, reviews: Mapping[str, Review]) -> pd.DataFrame:
    """The findings with ``REVIEW_COLUMNS`` (replacing any) from their units' reviews."""
    frame = findings.drop(columns=[column for column in REVIEW_COLUMNS if column in findings.columns])
    dispositions = {(unit_id, finding_id): disposition for unit_id, review in reviews.items()
                    for finding_id, disposition in review.dispositions.items()}
    found = [dispositions.get(key) for key in zip(frame["unit_id"], frame["finding_id"])]
    for column, attribute in zip(REVIEW_COLUMNS, ("status", "reason", "note")):
        frame[column] = pd.Series([getattr(d, attribute) if d else None for d in found], index=frame.index, dtype=object)
    return frame.astype(REVIEW_COLUMNS)


def _set_aside_mask(findings: pd.DataFrame) -> pd.Series:
    if "review_status" not in findings.columns:
        return pd.Series(False, index=findings.index)
    return findings["review_status"].isin(SET_ASIDE).fillna(False).astype(bool)


def counting(findings: pd.DataFrame) -> pd.DataFrame:
    """The findings that count in the grade and the conclusion (undecided or 确认)."""
    return findings[~_set_aside_mask(findings)].reset_index(drop=True)


def set_aside(findings: pd.DataFrame) -> pd.DataFrame:
    """The findings a reviewer set aside (排除 or 已整改)."""
    return findings[_set_aside_mask(findings)].reset_index(drop=True)


def stale(review: Review, finding_ids: Iterable[str]) -> list[Disposition]:
    """The review's dispositions whose finding is not among ``finding_ids``, in file order."""
    present = set(finding_ids)
    return [d for finding_id, d in review.dispositions.items() if finding_id not in present]


def review_counts(findings: pd.DataFrame) -> dict[str, int]:
    """A unit's findings by review state: ``open`` (still count: undecided or 确认), of which
    ``undecided``, and ``set_aside`` (排除 or 已整改)."""
    aside = _set_aside_mask(findings)
    status = findings["review_status"] if "review_status" in findings.columns else pd.Series(None, index=findings.index)
    return {
        "open": int((~aside).sum()),
        "undecided": int((~aside & status.isna()).sum()),
        "set_aside": int(aside.sum()),
    }


def review_summary(review: Review, findings: pd.DataFrame, file: str) -> dict[str, Any]:
    """What a unit's report shows of its review besides the per-finding columns: the file it came
    from (relative to the output folder), the sign-off and the stale dispositions (plain data)."""
    signoff = review.signoff
    return {
        "file": file,
        "signoff": {"reviewer": signoff.reviewer, "date": signoff.date.isoformat()} if signoff else None,
        "stale": [asdict(d) for d in stale(review, findings["finding_id"])],
    }
