"""The 88号 review results of an audit: every project has one (优/良/中/差 with its consequence) and
every unit's result agrees with its projects'."""

from __future__ import annotations

LETTERS = "优良中差"


def assert_results_follow_88号(dataset, result) -> None:
    for unit_id, record in result.records.items():
        projects = set(dataset.projects.loc[dataset.projects["unit_id"] == unit_id, "project_id"])
        results = record["project_conclusions"]
        assert set(results) == projects and all(r["action"] in LETTERS and r["consequence"] for r in results.values())
        grades = [results[p]["action"] for p in projects]
        best, worst = min(grades, key=LETTERS.index), max(grades, key=LETTERS.index)
        unit = record["conclusion"]["action"]
        assert LETTERS.index(best) <= LETTERS.index(unit), unit_id  # never better than its best project
        # never worse than its worst project, unless a unit-level finding lowers it, and then it is named
        assert LETTERS.index(unit) <= LETTERS.index(worst) or record["lowered_by"], unit_id
        if record["lowered_by"]:
            assert all(label in record["conclusion"]["reason"] for label in record["lowered_by"])
