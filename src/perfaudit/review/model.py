"""A reviewer's decisions on one unit: a disposition per finding and the unit's sign-off.

Plain records, no I/O (``file.py`` reads and writes them). A disposition is keyed by the stable
``finding_id`` (``audit/findings.py``), so it holds across reruns as long as the finding does.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace

CONFIRMED, EXCLUDED, RESOLVED = "confirmed", "excluded", "resolved"
# How a status is written in the review file and shown in reports (the file also accepts the English key).
STATUS_LABELS = {CONFIRMED: "确认", EXCLUDED: "排除", RESOLVED: "已整改"}
UNDECIDED_LABEL = "待审核"
# Statuses after which a finding no longer counts in the grade and the conclusion: excluded (not a
# problem: a false alarm, with its reason) and resolved (it was one, and the unit has corrected it).
SET_ASIDE = (EXCLUDED, RESOLVED)


@dataclass(frozen=True)
class Disposition:
    finding_id: str
    status: str | None = None  # None: a note only, the finding stays undecided
    reason: str | None = None  # required for EXCLUDED
    note: str | None = None


@dataclass(frozen=True)
class SignOff:
    reviewer: str
    date: datetime.date


@dataclass(frozen=True)
class Review:
    unit_id: str
    dispositions: dict[str, Disposition] = field(default_factory=dict)
    signoff: SignOff | None = None

    def with_disposition(self, disposition: Disposition) -> "Review":
        return replace(self, dispositions={**self.dispositions, disposition.finding_id: disposition})

    def without_disposition(self, finding_id: str) -> "Review":
        return replace(self, dispositions={k: v for k, v in self.dispositions.items() if k != finding_id})


def status_label(status: str | None) -> str:
    return STATUS_LABELS[status] if status else UNDECIDED_LABEL
