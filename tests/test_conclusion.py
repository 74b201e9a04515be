"""The suggested conclusion (审核结论) and the common problems: thresholds as configured."""

from __future__ import annotations

import pandas as pd

from perfaudit.audit.conclusion import PASS, RETURN, REVISE, common_problems, project_conclusion, unit_conclusion
from perfaudit.settings import load_settings

CONFIG = load_settings().section("audit")["conclusion"]


def findings(*rows: tuple[str, str, str | None]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"rule_id": r, "severity": s, "project_id": p, "finding_id": f"f{i}"} for i, (r, s, p) in enumerate(rows)],
        columns=["rule_id", "severity", "project_id", "finding_id"],
    )


def test_unit_conclusion_follows_grade_and_errors():
    assert unit_conclusion({"grade": "良"}, findings(("Q03", "warning", "p1")), 4, CONFIG).action == PASS
    assert unit_conclusion({"grade": "优"}, findings(("A05", "error", "p1")), 4, CONFIG).action == REVISE
    assert unit_conclusion({"grade": "中"}, findings(), 4, CONFIG).action == REVISE
    assert unit_conclusion({"grade": "差"}, findings(), 4, CONFIG).action == RETURN
    three_of_four = findings(*[("S02", "error", f"p{i}") for i in range(3)])
    returned = unit_conclusion({"grade": "中"}, three_of_four, 4, CONFIG)
    assert returned.action == RETURN and "4 个项目中有 3 个存在错误" in returned.reason
    assert returned.label == CONFIG["wording"]["return"] == "退回重报"


def test_project_conclusion():
    assert project_conclusion(findings(("Q03", "info", "p1")), CONFIG).action == PASS
    assert project_conclusion(findings(("Q03", "warning", "p1")), CONFIG).action == REVISE
    assert project_conclusion(findings(("S01", "error", "p1")), CONFIG).action == RETURN


def test_common_problems_hit_most_projects_and_at_least_two():
    rows = findings(("S04", "warning", "p1"), ("S04", "warning", "p2"), ("S04", "warning", "p3"), ("Q03", "warning", "p1"),
                    ("X02", "warning", None))
    [problem] = common_problems(rows, ["p1", "p2", "p3", "p4"], CONFIG)
    assert problem.rule_id == "S04" and problem.members == ("p1", "p2", "p3")
    assert common_problems(findings(("S04", "warning", "p1")), ["p1"], CONFIG) == []
