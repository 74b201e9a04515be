"""The validate stage: data-quality suites (Great Expectations) over the tidy tables.

Entry point: ``validate_dataset(dataset, suites_dir=None, data_docs_dir=None) -> ValidationResult``.

- ``expectations/<table>.json``: one GX suite per table, GX's own JSON, built-in expectation
  types only (``suites.py`` finds and reads them).
- ``derive.py``: pure pandas; adds the derived columns the suites check (sums, plan steps,
  level pairs, …) so that only built-in expectation types are needed.
- ``gx_adapter.py``: the only module importing great_expectations, lazily.
- ``perfaudit/validation.py`` (outside this package: audit and report read it too): the plain result (no GX): per table, per expectation, offending rows by file
  and line; ``for_unit`` slices it for one unit's report; JSON round-trip.

Importing this package does not import GX (GX costs seconds and ~200 MB per process): validate
once per batch, then hand each unit ``result.for_unit(unit_id)``.

Expectation ids are ``<table>.<check>`` (``meta.id`` in the JSON; the files list them all).
The audit rules that check the same facts take their findings from these, so there is one
implementation and one tolerance:

- ``projects.sources_sum`` (A01): 总计 = 财政拨款 + 财政专户拨款 + 其他资金 within 0.005 万元;
  offending rows are projects, ``observed`` = 总计 − Σ sources, ``line`` = the budget line.
- ``declared_totals.parts_sum`` (A02): a declared 合计 / unit row = Σ its parts within 0.005;
  ``observed`` = declared − Σ parts, ``unit_id`` empty for a document's 合计.
- ``projects.plan_monotone`` (A04): the spending plan never falls between checkpoints;
  ``observed`` = the largest fall (negative), ``line`` = the plan line. The [0, 100] range of
  each checkpoint is ``projects.plan_mar_range`` … ``projects.plan_dec_range``.
- ``indicators.level_pair`` (S06): (level1, level2) is a valid pair of the 2015 or 2021
  scheme; ``observed`` = ``"level1|level2"``, ``seq`` = the indicator's position.
"""

from __future__ import annotations

from pathlib import Path

from ..model import PLAN_COLUMNS, Dataset
from .derive import derived_tables
from ..validation import ExpectationOutcome, OffendingRow, TableResult, ValidationResult
from .suites import read_suites, suites_dir

SOURCES_SUM = "projects.sources_sum"
DECLARED_PARTS_SUM = "declared_totals.parts_sum"
PLAN_MONOTONE = "projects.plan_monotone"
PLAN_RANGES = tuple(f"projects.{column}_range" for column in PLAN_COLUMNS)
LEVEL_PAIR = "indicators.level_pair"

__all__ = [
    "DECLARED_PARTS_SUM", "LEVEL_PAIR", "PLAN_MONOTONE", "PLAN_RANGES", "SOURCES_SUM",
    "ExpectationOutcome", "OffendingRow", "TableResult", "ValidationResult",
    "read_suites", "suites_dir", "validate_dataset",
]


def _unit_files(dataset: Dataset) -> dict[str, tuple[str, ...]]:
    """Each unit's source files (a unit can appear in several documents)."""
    if not {"unit_id", "source_file"} <= set(dataset.units.columns):
        return {}  # the units suite reports the missing column
    units = dataset.units.dropna(subset=["unit_id"])
    return {
        str(unit_id): tuple(sorted(set(group["source_file"].dropna())))
        for unit_id, group in units.groupby("unit_id", sort=True)
    }


def validate_dataset(
    dataset: Dataset, suites_dir: Path | None = None, *, data_docs_dir: Path | None = None
) -> ValidationResult:
    """Run every suite on the dataset's tables (derived columns added first).

    Raises SuiteError when a suite file is missing, malformed, or not loaded completely by GX.
    A suite or expectation that cannot run on the data is reported in the result, not raised.
    ``data_docs_dir`` also builds GX Data Docs there (offline; the pages load CDN assets).
    """
    from . import gx_adapter

    suites = read_suites(suites_dir)
    tables = gx_adapter.run_suites(suites, derived_tables(dataset), data_docs_dir=data_docs_dir)
    return ValidationResult(tables=tables, unit_files=_unit_files(dataset))
