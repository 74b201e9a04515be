"""Builders for audit tests: small tidy datasets written as document fragments, and a validation
result with chosen failures, so each rule can be tested without ingest or GX.

A fragment is a project (name, goal, money, plan) with indicators given as
``(level1, level2, name, annual value)`` and optional extras; values are parsed with the ingest
parser, so a fragment reads like the document it stands for.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from perfaudit.audit import audit_dataset
from perfaudit.ingest.specs import spec_named
from perfaudit.ingest.values import parse_value
from perfaudit.model import PLAN_COLUMNS, Dataset, make_table  # noqa: F401  (re-exported for tests)
from perfaudit.settings import Settings, load_settings
from perfaudit.validate import (
    DECLARED_PARTS_SUM,
    LEVEL_PAIR,
    PLAN_MONOTONE,
    PLAN_RANGES,
    SOURCES_SUM,
    ExpectationOutcome,
    OffendingRow,
    TableResult,
    ValidationResult,
)


FILE = "fragment.txt"
UNIT = "u-1"
VALIDATED = {
    SOURCES_SUM: "projects",
    PLAN_MONOTONE: "projects",
    **{expectation: "projects" for expectation in PLAN_RANGES},
    DECLARED_PARTS_SUM: "declared_totals",
    LEVEL_PAIR: "indicators",
}

OUT, BEN, SAT, COST = "产出指标", "效益指标", "满意度指标", "成本指标"
QTY, QUA, TIME, COSTS = "数量指标", "质量指标", "时效指标", "成本指标"
SOC, ECO, ENV, SUS, SERV = "社会效益指标", "经济效益指标", "生态效益指标", "可持续影响指标", "服务对象满意度指标"

# A complete, unremarkable block of indicators: no rule fires on it alone.
GOOD = [
    (OUT, QTY, "举办培训班次", "≥3期"),
    (OUT, QUA, "培训合格率", "≥95%"),
    (OUT, TIME, "培训完成时间", "2024年12月底前"),
    (OUT, COSTS, "培训费", "≤10万元"),
    (BEN, SOC, "受训人员覆盖率", "≥90%"),
    (SAT, SERV, "参训人员满意度", "≥90%"),
]
GOOD_GOAL = "举办业务培训3期，提升基层文艺辅导水平。"  # every task figure has its indicator (S15)


@dataclass
class Project:
    name: str = "文艺骨干培训经费"
    indicators: list = field(default_factory=lambda: list(GOOD))
    goal: str | None = GOOD_GOAL
    budget: float | None = 10.0
    fiscal: float | None = 10.0
    other: float | None = None
    plan: tuple | None = None  # (mar, jun, oct, dec); default: a complete plan in layout B, none otherwise
    confidential: bool = False
    code: str | None = None


def dataset(*projects: Project, layout: str = "B", year: int = 2024, front_matter: str = "") -> Dataset:
    """One document, one unit, the given projects; every line number distinct and increasing."""
    project_rows, indicator_rows = [], []
    line = 10
    for seq, project in enumerate(projects, start=1):
        project_id = f"{UNIT}-p{seq:03d}"
        steps = project.plan if project.plan is not None else ((25.0, 50.0, 80.0, 100.0) if layout == "B" else ())
        plan = dict(zip(PLAN_COLUMNS, steps))
        project_rows.append(
            {
                "project_id": project_id, "unit_id": UNIT, "seq": seq, "project_name": project.name,
                "project_code": project.code, "budget_total": project.budget, "fiscal_funds": project.fiscal,
                "other_funds": project.other, "goal": project.goal, **plan, "confidential": project.confidential,
                "goal_line": line + 3, "budget_line": line + 1, "plan_line": line + 2 if steps else None,
                "source_file": FILE, "source_line": line,
            }
        )
        line += 5
        for position, item in enumerate(project.indicators, start=1):
            level1, level2, name, value, *extra = item
            extras = extra[0] if extra else {}
            annual = parse_value(value)
            period_raw = extras.get("period", value if layout == "A" else None)
            period = parse_value(period_raw)
            indicator_rows.append(
                {
                    "project_id": project_id, "unit_id": UNIT, "seq": position, "level1": level1, "level2": level2,
                    "level3": name, "description": extras.get("description", None if layout == "A" else f"{name}的完成情况"),
                    "target_annual": value, "target_period": period_raw,
                    "basis": extras.get("basis", "计划标准" if layout == "B" else None),
                    "op": annual.op, "number": annual.number, "measure_unit": annual.measure_unit,
                    "value_kind": annual.value_kind, "period_op": period.op, "period_number": period.number,
                    "period_measure_unit": period.measure_unit, "period_value_kind": period.value_kind,
                    "value_line": line, "source_line": line, "source_file": FILE,
                }
            )
            line += 1
        line += 2
    return Dataset(
        documents=make_table("documents", [{"source_file": FILE, "layout": layout, "form": "rows", "budget_year": year,
                                            **spec_named(layout).document_columns(),
                                            "front_matter": front_matter, "source_line": 1}]),
        units=make_table("units", [{"unit_id": UNIT, "unit_name": "测试单位", "budget_year": year, "layout": layout,
                                    "source_file": FILE, "source_line": 5}]),
        projects=make_table("projects", project_rows),
        indicators=make_table("indicators", indicator_rows),
        declared_totals=make_table("declared_totals", []),
    )


def validation(failures: dict[str, list[OffendingRow]] | None = None) -> ValidationResult:
    """A validation result in which the audit's expectations passed, except the given failures."""
    failures = failures or {}
    tables: dict[str, list[ExpectationOutcome]] = {}
    for expectation, table in VALIDATED.items():
        rows = tuple(failures.get(expectation, ()))
        tables.setdefault(table, []).append(
            ExpectationOutcome(
                id=expectation, table=table, type="expect_column_values_to_be_between", columns=(),
                description_zh="", row_level=True, success=not rows, observed=len(rows), offending=rows,
            )
        )
    return ValidationResult(
        tables=tuple(TableResult(table=t, suite_file=f"{t}.json", suite_sha256="0" * 64, outcomes=tuple(o)) for t, o in tables.items()),
        unit_files={UNIT: (FILE,)},
    )


DEFAULTS = load_settings()


def settings(**audit_overrides) -> Settings:
    """Default settings with some ``[audit]`` keys replaced (``thresholds__min_indicators=4``)."""
    data = DEFAULTS.as_dict()
    for dotted, value in audit_overrides.items():
        target = data["audit"]
        *parents, key = dotted.split("__")
        for part in parents:
            target = target[part]
        target[key] = value
    return Settings(data=data, origin="test")


def findings(ds: Dataset, rule: str | None = None, *, checks=None, config: Settings | None = None) -> pd.DataFrame:
    """The audit's findings for a dataset (optionally of one rule), with a stand-in validation result."""
    result = audit_dataset(ds, config or DEFAULTS, validation=checks or validation())
    found = result.findings
    return found[found["rule_id"] == rule].reset_index(drop=True) if rule else found


def with_indicators(*items, **project) -> Dataset:
    """A dataset of one project whose indicators are the good block plus ``items``."""
    return dataset(Project(indicators=[*GOOD, *items], **project))
