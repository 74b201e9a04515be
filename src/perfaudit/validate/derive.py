"""Derived columns: the computed quantities the suites check with GX's built-in expectations.

GX has no built-in for "a column equals the sum of other columns" or "these columns are
non-decreasing", so we compute the quantity here, in pandas, and the suite checks the derived
column with a plain built-in (``expect_column_values_to_be_between``, ``…_to_be_in_set``).
The tolerance therefore lives in the suite JSON, in one place.

Derived columns, by table:

- units: ``project_count``, ``indicator_count`` (rows of the unit in projects / indicators),
  ``content_count`` (its projects plus its 部门整体 goals and tasks in unit_targets).
- projects: ``sources_diff`` = 总计 − (财政拨款 + 财政专户拨款 + 其他资金), empty = 0;
  ``plan_min_step`` = the smallest rise between consecutive present checkpoints of the
  spending plan (3月底 → 6月底 → 10月底 → 12月底, a missing one skipped), empty with fewer than
  two checkpoints (``sources_diff`` empty where the project's document names no source, as a 批复表
  tree stating 预算数 only, or every source amount is empty: a form with only its total); ``fiscal_parts_diff`` = 财政拨款 − (一般公共预算 + 政府性基金 + 国有资本经营预算),
  empty = 0, itself empty where the project lists none of these parts; ``unit_known`` = the
  unit_id is in units.
- indicators: ``level_pair`` = ``"level1|level2"`` (empty unless both are set);
  ``number_matches_kind`` / ``period_number_matches_kind`` = a parsed number is present exactly
  when the value kind is numeric; ``project_known`` = the project_id is in projects (an indicator of
  scope ``unit`` has no project: known when its project_id is empty).
- declared_totals: ``parts_diff`` = declared 总计 − Σ its parts, empty = 0. A unit row's parts
  are the unit's projects in the same file; a document's 合计 has the unit rows of its file as
  parts, or the file's projects when it states no unit rows.

All functions are pure: they return new frames and never change their input. A derived column
whose inputs are missing is left out, so that the expectation on it is reported as an error
(beside the failed ``<table>.columns`` expectation) instead of the stage crashing.

For plain GX code (an analyst's own checkpoint): ``read_derived(DIR)`` returns the tables that
``perfaudit ingest --out DIR`` wrote, with these columns added; validate each with the suite of
the same name in ``expectations/`` (README, "Analysts").
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..model import AMOUNT_COLUMNS, PLAN_COLUMNS, Dataset

# The parts of 财政拨款 that a 申报表 may list by source (一般公共预算, 政府性基金, 国有资本经营预算).
FISCAL_PARTS = ("general_budget_funds", "government_fund_funds", "state_capital_funds")

# Value kinds whose text carries a number the parser must have read.
NUMBERED_KINDS = ("percent", "count", "money", "quantity", "duration")

# Declared-total scopes: a document's 合计 row and a unit row (layout A).
SCOPE_DOCUMENT = "document"
SCOPE_UNIT = "unit"
SCOPE_TASKS = "tasks"  # the 金额合计 of a 部门整体 task table (layout N4)

LEVEL_PAIR_SEPARATOR = "|"

# Differences of amounts are rounded so that float noise cannot decide a tolerance comparison
# (amounts have at most 4 decimals: 万元 to the 元).
_AMOUNT_DECIMALS = 6


def level_pair(level1: str, level2: str) -> str:
    """The ``level_pair`` value of one (level1, level2) pair, as the indicators suite lists them."""
    return f"{level1}{LEVEL_PAIR_SEPARATOR}{level2}"


def _zero_filled(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame[column].astype("Float64").fillna(0.0)


def _amount(values: pd.Series) -> pd.Series:
    return values.astype("Float64").round(_AMOUNT_DECIMALS)


def _count_by(keys: pd.Series, rows: pd.Series) -> pd.Series:
    counts = rows.value_counts()
    return keys.map(counts).fillna(0).astype("Int64")


def _has(frame: pd.DataFrame, *columns: str) -> bool:
    return all(column in frame.columns for column in columns)


def units_derived(
    units: pd.DataFrame, projects: pd.DataFrame, indicators: pd.DataFrame, targets: pd.DataFrame | None = None
) -> pd.DataFrame:
    derived = {}
    if _has(units, "unit_id") and _has(projects, "unit_id"):
        derived["project_count"] = _count_by(units["unit_id"], projects["unit_id"])
        owned = projects["unit_id"] if targets is None else pd.concat([projects["unit_id"], targets["unit_id"]])
        derived["content_count"] = _count_by(units["unit_id"], owned)
    if _has(units, "unit_id") and _has(indicators, "unit_id"):
        derived["indicator_count"] = _count_by(units["unit_id"], indicators["unit_id"])
    return units.assign(**derived)


def sources_diff(projects: pd.DataFrame, sources: tuple[str, ...] = AMOUNT_COLUMNS[1:]) -> pd.Series:
    stated = sum(_zero_filled(projects, column) for column in sources)
    return _amount(_zero_filled(projects, "budget_total") - stated)


def _names_no_source(projects: pd.DataFrame, documents: pd.DataFrame) -> pd.Series:
    """Whether a project's document names none of the sources (its amount_labels: 总计 only)."""
    if not (_has(documents, "source_file", "amount_labels") and _has(projects, "source_file")):
        return pd.Series(False, index=projects.index)
    labels = documents.drop_duplicates("source_file").set_index("source_file")["amount_labels"].astype("string")
    named = labels.str.split("|").map(lambda parts: isinstance(parts, list) and any(parts[1:]), na_action="ignore")
    return projects["source_file"].map(named).eq(False).fillna(False).astype(bool)


def fiscal_parts_diff(projects: pd.DataFrame) -> pd.Series:
    listed = projects[list(FISCAL_PARTS)].notna().any(axis=1).to_numpy(bool)
    parts = sum(_zero_filled(projects, column) for column in FISCAL_PARTS)
    return _amount(_zero_filled(projects, "fiscal_funds") - parts).where(listed, pd.NA)


def plan_min_step(projects: pd.DataFrame) -> pd.Series:
    plans = projects[list(PLAN_COLUMNS)].astype("float64")  # NA -> NaN for row-wise arithmetic
    # Each checkpoint minus the last present one before it; a missing checkpoint is skipped.
    previous = plans.ffill(axis=1).shift(1, axis=1)
    steps = plans - previous
    return steps.min(axis=1, skipna=True).astype("Float64")


def projects_derived(projects: pd.DataFrame, units: pd.DataFrame, documents: pd.DataFrame | None = None) -> pd.DataFrame:
    derived = {}
    if _has(projects, *AMOUNT_COLUMNS):
        # no source amount at all (a form with only a total, or 本级预算金额): nothing to sum
        unstated = projects[list(AMOUNT_COLUMNS[1:])].isna().all(axis=1)
        derived["sources_diff"] = sources_diff(projects).mask(unstated)
        if documents is not None:
            derived["sources_diff"] = derived["sources_diff"].mask(_names_no_source(projects, documents))
    if _has(projects, "fiscal_funds", *FISCAL_PARTS):
        derived["fiscal_parts_diff"] = fiscal_parts_diff(projects)
    if _has(projects, *PLAN_COLUMNS):
        derived["plan_min_step"] = plan_min_step(projects)
    if _has(projects, "unit_id") and _has(units, "unit_id"):
        derived["unit_known"] = projects["unit_id"].isin(units["unit_id"].dropna()).astype("boolean")
    return projects.assign(**derived)


def _number_matches_kind(numbers: pd.Series, kinds: pd.Series) -> pd.Series:
    numbered = kinds.isin(NUMBERED_KINDS).fillna(False).astype(bool)
    return pd.Series(numbers.notna().to_numpy() == numbered.to_numpy(), index=numbers.index, dtype="boolean")


def indicators_derived(indicators: pd.DataFrame, projects: pd.DataFrame) -> pd.DataFrame:
    derived = {}
    if _has(indicators, "level1", "level2"):
        derived["level_pair"] = indicators["level1"] + LEVEL_PAIR_SEPARATOR + indicators["level2"]
    for prefix in ("", "period_"):
        if _has(indicators, f"{prefix}number", f"{prefix}value_kind"):
            derived[f"{prefix}number_matches_kind"] = _number_matches_kind(
                indicators[f"{prefix}number"], indicators[f"{prefix}value_kind"]
            )
    if _has(indicators, "project_id") and _has(projects, "project_id"):
        known = indicators["project_id"].isin(projects["project_id"].dropna())
        if _has(indicators, "scope"):
            of_unit = indicators["scope"].eq("unit").fillna(False).astype(bool)
            known = known.where(~of_unit, indicators["project_id"].isna())
        derived["project_known"] = known.astype("boolean")
    return indicators.assign(**derived)


def declared_parts(declared: pd.DataFrame, projects: pd.DataFrame, targets: pd.DataFrame | None = None) -> pd.Series:
    """Σ 总计 of each declared row's parts (see the module docstring), empty counted as 0."""
    project_totals = projects.assign(budget_total=_zero_filled(projects, "budget_total"))
    by_unit = project_totals.groupby(["source_file", "unit_id"])["budget_total"].sum()
    by_file = project_totals.groupby("source_file")["budget_total"].sum()
    is_unit = declared["scope"].eq(SCOPE_UNIT).fillna(False).to_numpy(bool)
    is_document = declared["scope"].eq(SCOPE_DOCUMENT).fillna(False).to_numpy(bool)
    unit_rows = declared[is_unit]
    unit_rows_by_file = unit_rows.assign(budget_total=_zero_filled(unit_rows, "budget_total")).groupby(
        "source_file"
    )["budget_total"].sum()

    unit_keys = pd.MultiIndex.from_arrays([declared["source_file"], declared["unit_id"]])
    unit_parts = pd.Series(by_unit.reindex(unit_keys).to_numpy(), index=declared.index)
    # a unit stated on the row of its first project (a 批复表 tree) has no unit row: its projects count
    stated = pd.MultiIndex.from_arrays([unit_rows["source_file"], unit_rows["unit_id"]])
    unstated = by_unit[~by_unit.index.isin(stated)].groupby(level="source_file").sum()
    document_parts = declared["source_file"].map(unit_rows_by_file.add(unstated, fill_value=0.0)).fillna(
        declared["source_file"].map(by_file)
    )
    is_tasks = declared["scope"].eq(SCOPE_TASKS).fillna(False).to_numpy(bool)
    task_parts = pd.Series(0.0, index=declared.index)
    if targets is not None and _has(targets, "kind", "unit_id", "budget_total", "source_file"):
        tasks = targets[targets["kind"].eq("task").fillna(False).astype(bool)]
        by_task_unit = tasks.assign(budget_total=_zero_filled(tasks, "budget_total")).groupby(
            ["source_file", "unit_id"])["budget_total"].sum()
        task_parts = pd.Series(by_task_unit.reindex(unit_keys).to_numpy(), index=declared.index)
    parts = np.select(
        [is_unit, is_document, is_tasks],
        [unit_parts.fillna(0.0), document_parts.fillna(0.0), task_parts.fillna(0.0)],
        default=np.nan,
    )
    return pd.Series(parts, index=declared.index, dtype="Float64")


def declared_totals_derived(
    declared: pd.DataFrame, projects: pd.DataFrame, targets: pd.DataFrame | None = None
) -> pd.DataFrame:
    keys = ("unit_id", "budget_total", "source_file")
    if not (_has(declared, "scope", *keys) and _has(projects, *keys)):
        return declared
    return declared.assign(
        parts_diff=_amount(_zero_filled(declared, "budget_total") - declared_parts(declared, projects, targets))
    )


def unit_targets_derived(targets: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    derived = {}
    if _has(targets, "budget_total", "fiscal_funds", "other_funds"):
        no_source = targets["fiscal_funds"].isna() & targets["other_funds"].isna()
        derived["sources_diff"] = sources_diff(targets, ("fiscal_funds", "other_funds")).mask(no_source)
    if _has(targets, "unit_id") and _has(units, "unit_id"):
        derived["unit_known"] = targets["unit_id"].isin(units["unit_id"].dropna()).astype("boolean")
    return targets.assign(**derived)


def derived_tables(dataset: Dataset) -> dict[str, pd.DataFrame]:
    """Every table of the dataset with its derived columns added (documents unchanged)."""
    return {
        "documents": dataset.documents,
        "units": units_derived(dataset.units, dataset.projects, dataset.indicators, dataset.unit_targets),
        "projects": projects_derived(dataset.projects, dataset.units, dataset.documents),
        "indicators": indicators_derived(dataset.indicators, dataset.projects),
        "declared_totals": declared_totals_derived(dataset.declared_totals, dataset.projects, dataset.unit_targets),
        "unit_targets": unit_targets_derived(dataset.unit_targets, dataset.units),
    }


def read_derived(directory: Path) -> dict[str, pd.DataFrame]:
    """The Parquet tables of ``perfaudit ingest --out DIRECTORY``, derived columns added."""
    return derived_tables(Dataset.read(Path(directory)))
