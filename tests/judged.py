"""The reviewer-judged regression set (data/judged_findings.csv): every finding the audit reports on
a judged document was read against the source and marked true, false or noise. The guards fail when
a finding judged false or noise comes back, when one judged true is lost, and when a finding has
not been judged. Rows are matched by rule, unit name, project order, indicator and evidence (NFKC,
no white space), not by unit ids, finding ids or line numbers, which readers may change."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from perfaudit.text import squash

JUDGED = Path(__file__).resolve().parent / "data" / "judged_findings.csv"
KEY = ["rule_id", "unit", "project_seq", "indicator", "evidence"]


def judged_key(rule_id, unit, project_id, indicator, evidence) -> tuple[str, ...]:
    match = re.search(r"-p(\d+)$", project_id) if isinstance(project_id, str) else None
    return (rule_id, unit, str(int(match.group(1))) if match else "", "" if pd.isna(indicator) else indicator, squash(evidence))


def judged_verdicts(units: set[str]) -> dict[tuple[str, ...], str]:
    """The verdicts on the findings of these units (the set holds other documents' units too)."""
    table = pd.read_csv(JUDGED, dtype=str, keep_default_na=False)
    assert set(table["verdict"]) <= {"true", "false", "noise"}
    keys = [tuple(row) for row in table[KEY].itertuples(index=False)]
    assert len(set(keys)) == len(keys), "a finding is judged twice"
    return {key: verdict for key, verdict in zip(keys, table["verdict"]) if key[1] in units}


def reported_keys(findings: pd.DataFrame, grades_csv: Path) -> set[tuple[str, ...]]:
    """The keys of one `perfaudit audit` run's findings (unit names from its grades.csv)."""
    grades = pd.read_csv(grades_csv, dtype=str)
    names = dict(zip(grades["unit_id"], grades["unit_name"]))
    rows = findings[["rule_id", "unit_id", "project_id", "indicator", "evidence"]].itertuples(index=False)
    return {judged_key(rule_id, names[unit_id], *rest) for rule_id, unit_id, *rest in rows}


def false_or_noise_back(judged: dict, current: set) -> list:
    return sorted(key for key, verdict in judged.items() if verdict != "true" and key in current)


def true_lost(judged: dict, current: set) -> list:
    return sorted(key for key, verdict in judged.items() if verdict == "true" and key not in current)


def unjudged(judged: dict, current: set) -> list:
    return sorted(current - set(judged))
