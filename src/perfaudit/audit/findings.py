"""The findings table: columns and stable ids (the files a reviewer opens: ``export.py``).

``finding_id`` is the first 16 hex digits of SHA-256 over ``rule|unit|project|indicator|evidence``
(project name, indicator and evidence in NFKC without white space, so a re-export of the same
document with other punctuation widths or line wraps keeps its ids), so a reviewer's decision on a
finding (``OUT/reviews/``) stays attached to it across runs. The project enters by its name, not
its ``project_id`` (which is its position): a project added or removed before it leaves its
findings' ids as they were. Two findings with the same key (the same text twice in one project)
are told apart by their order: the second one's key gets ``#2`` appended, and so on.
"""

from __future__ import annotations

import hashlib
from typing import Iterable

import pandas as pd

from ..ingest.cells import Ref
from ..model import INT, STR
from ..text import squash
from .registry import Hit, Rule, rule_order

FINDINGS = {
    "finding_id": STR,
    "rule_id": STR,
    "severity": STR,
    "criterion": STR,
    "unit_id": STR,
    "project_id": STR,
    "project_name": STR,
    "indicator": STR,
    "evidence": STR,
    "source_file": STR,
    "source_line": INT,
    "source_ref": STR,  # the place in any source format: 第12行, Sheet1!C12, 表3 第5行第2列, 第4页 …
    "message": STR,
    "suggestion": STR,
    "related_rules": STR,  # rules that fired on the same place for the same cause (merge.py), comma-separated
}


def empty_findings() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in FINDINGS.items()})


def finding_key(rule_id: str, unit_id: str, project_name: str | None, indicator: str | None, evidence: str) -> str:
    return "|".join((rule_id, unit_id, squash(project_name), squash(indicator), squash(evidence)))


def finding_id(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def build_findings(
    hits: Iterable[tuple[Rule, Hit, tuple[str, ...]]], project_names: dict[str, str], unit_order: list[str]
) -> pd.DataFrame:
    """The findings table for rule hits (each with the ids of the rules merged into it), sorted by
    unit, file, line and rule, with stable ids."""
    rows = [
        {
            "rule_id": rule.id,
            "severity": hit.severity or rule.severity,
            "criterion": rule.criterion_zh,
            "unit_id": hit.unit_id,
            "project_id": hit.project_id,
            "project_name": project_names.get(hit.project_id) if hit.project_id else None,
            "indicator": hit.indicator,
            "evidence": hit.evidence,
            "source_file": hit.source_file,
            "source_line": hit.source_line,
            "source_ref": hit.source_ref or (Ref(line=hit.source_line).label() if hit.source_line else None),
            "message": hit.message,
            "suggestion": hit.suggestion or rule.suggestion,
            "related_rules": ",".join(related) or None,
            "_family": rule_order(rule.id)[0],
            "_key": finding_key(rule.id, hit.unit_id, project_names.get(hit.project_id) if hit.project_id else None,
                                hit.indicator, hit.evidence),
        }
        for rule, hit, related in hits
    ]
    if not rows:
        return empty_findings()
    frame = pd.DataFrame(rows, dtype=object)
    units = {unit_id: position for position, unit_id in enumerate(unit_order)}
    frame["_unit"] = frame["unit_id"].map(units).fillna(len(units))
    frame["_line"] = frame["source_line"].fillna(0)
    frame = frame.sort_values(["_unit", "source_file", "_line", "_family", "rule_id", "evidence"], kind="stable")
    seen: dict[str, int] = {}
    ids = []
    for key in frame["_key"]:
        seen[key] = seen.get(key, 0) + 1
        ids.append(finding_id(key if seen[key] == 1 else f"{key}#{seen[key]}"))
    frame["finding_id"] = ids
    return frame[list(FINDINGS)].reset_index(drop=True).astype(FINDINGS)
