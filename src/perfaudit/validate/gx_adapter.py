"""The only module that talks to great_expectations (GX Core 1.x).

GX's API changed a lot between versions, so every GX call lives here and what leaves this
module is plain data (``result.TableResult``). GX is imported lazily, inside ``run_suites``:
importing it costs seconds and ~200 MB, and ``import perfaudit.validate`` must stay cheap.

Quiet by construction: analytics off (``GX_ANALYTICS_ENABLED=false`` before the import; 1.24.1
ships no analytics client, the setting guards against one returning), progress bars off in the
context (``TQDM_DISABLE`` does not reach them), GX loggers at ERROR. One fresh
ephemeral context per call (≈ 0.01 s); GX is not safe to run concurrently in one process.
"""

from __future__ import annotations

import copy
import html
import logging
import math
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..errors import SuiteError
from ..validation import ExpectationOutcome, OffendingRow, TableResult
from .suites import SuiteFile

# Columns that tie an offending row to its file, line, unit, project and position.
INDEX_COLUMNS = ("source_file", "source_line", "unit_id", "project_id", "seq")
DATA_DOCS_SITE = "perfaudit"
DATASOURCE = "perfaudit"
_GX_LOGGER = "great_expectations"


def _import_gx():
    os.environ["GX_ANALYTICS_ENABLED"] = "false"
    import great_expectations as gx

    logging.getLogger(_GX_LOGGER).setLevel(logging.ERROR)
    return gx


@contextmanager
def _gx_logging(level: int):
    logger = logging.getLogger(_GX_LOGGER)
    before = logger.level
    logger.setLevel(level)
    try:
        yield
    finally:
        logger.setLevel(before)


def _context(gx):
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return context


def _load_suite(suite_file: SuiteFile):
    """GX's suite object for one file; SuiteError when GX dropped any expectation.

    GX logs an expectation it cannot build (unknown type, bad kwargs) and leaves it out of the
    suite, so we compare what was loaded with what the file holds.
    """
    from great_expectations.core import ExpectationSuite

    with _gx_logging(logging.CRITICAL):  # the drop is reported below, once, with the file name
        suite = ExpectationSuite(**copy.deepcopy(suite_file.spec))
    loaded = {expectation.meta.get("id") for expectation in suite.expectations}
    dropped = [
        f"{expectation['meta']['id']} ({expectation.get('type')})"
        for expectation in suite_file.expectations
        if expectation["meta"]["id"] not in loaded
    ]
    if dropped:
        raise SuiteError(f"{suite_file.path}: GX could not load {', '.join(dropped)}")
    return suite


def _is_row_level(expectation) -> bool:
    from great_expectations.expectations.expectation import (
        ColumnMapExpectation,
        ColumnPairMapExpectation,
        MulticolumnMapExpectation,
    )

    return isinstance(expectation, (ColumnMapExpectation, ColumnPairMapExpectation, MulticolumnMapExpectation))


def _plain(value: Any) -> Any:
    """A JSON-safe copy of a value GX returned (numpy scalars, NA, NaN)."""
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if value is None or value is pd.NA:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _columns(kwargs: Mapping[str, Any]) -> tuple[str, ...]:
    named = [kwargs[key] for key in ("column", "column_A", "column_B") if key in kwargs]
    return tuple(named) + tuple(kwargs.get("column_list", ()))


def _error_message(exception_info: Mapping[str, Any] | None) -> str | None:
    """GX reports a raised exception either flat or keyed by the metric that raised it."""
    if not exception_info:
        return None
    if "raised_exception" in exception_info:
        if not exception_info["raised_exception"]:
            return None
        return str(exception_info.get("exception_message") or "expectation raised an exception")
    messages = sorted(
        {str(info.get("exception_message")) for info in exception_info.values() if isinstance(info, Mapping)}
    )
    return "; ".join(messages) or "expectation raised an exception"


def _offending_row(entry: Mapping[str, Any], columns: tuple[str, ...], line_column: str | None) -> OffendingRow:
    entry = _plain(entry)
    observed = entry.get(columns[0]) if len(columns) == 1 else {column: entry.get(column) for column in columns}
    line = entry.get(line_column) if line_column else None
    return OffendingRow(
        source_file=entry.get("source_file"),
        source_line=entry.get("source_line"),
        line=line if line is not None else entry.get("source_line"),
        unit_id=entry.get("unit_id"),
        project_id=entry.get("project_id"),
        seq=entry.get("seq"),
        observed=observed,
    )


def _sort_key(row: OffendingRow):
    return (row.source_file or "", row.source_line or 0, row.seq or 0)


def _outcome(table: str, spec: Mapping[str, Any], expectation, gx_result) -> ExpectationOutcome:
    meta = spec["meta"]
    columns = _columns(spec["kwargs"])
    row_level = _is_row_level(expectation)
    common = dict(
        id=meta["id"], table=table, type=spec["type"], columns=columns,
        description_zh=spec["description"], row_level=row_level,
    )
    if gx_result is None:
        return ExpectationOutcome(**common, success=False, error="GX returned no result for this expectation")
    error = _error_message(gx_result.exception_info)
    if error is not None:
        return ExpectationOutcome(**common, success=False, error=error)
    details = gx_result.result or {}
    if not row_level:
        observed = details.get("observed_value")
        if "details" in details:  # e.g. the missing and unexpected columns of a column-set check
            observed = {"observed_value": observed, "details": details["details"]}
        return ExpectationOutcome(**common, success=bool(gx_result.success), observed=_plain(observed))
    rows = tuple(
        sorted(
            (_offending_row(entry, columns, meta.get("line_column")) for entry in details.get("unexpected_index_list", ())),
            key=_sort_key,
        )
    )
    return ExpectationOutcome(
        **common, success=bool(gx_result.success), observed=len(rows), offending=rows,
    )


def _index_columns(suite_file: SuiteFile, frame: pd.DataFrame) -> list[str]:
    line_columns = [e["meta"]["line_column"] for e in suite_file.expectations if "line_column" in e["meta"]]
    wanted = dict.fromkeys([*INDEX_COLUMNS, *line_columns])
    return [column for column in wanted if column in frame.columns]


def _suite_fields(suite_file: SuiteFile) -> dict[str, str]:
    return {"table": suite_file.table, "suite_file": suite_file.path.name, "suite_sha256": suite_file.sha256}


def _validate_table(gx, context, datasource, suite_file: SuiteFile, suite, frame: pd.DataFrame) -> TableResult:
    suite = context.suites.add(suite)
    batch_definition = datasource.add_dataframe_asset(suite_file.table).add_batch_definition_whole_dataframe(
        suite_file.table
    )
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=suite_file.table, data=batch_definition, suite=suite)
    )
    result_format = {
        "result_format": "COMPLETE",
        "unexpected_index_column_names": _index_columns(suite_file, frame),
    }
    try:
        run = definition.run(batch_parameters={"dataframe": frame}, result_format=result_format)
    except Exception as exc:  # noqa: BLE001 - any GX failure of the whole suite is reported, not raised
        return TableResult(**_suite_fields(suite_file), error=f"{type(exc).__name__}: {exc}")
    by_id = {gx_result.expectation_config.meta.get("id"): gx_result for gx_result in run.results}
    expectations = {expectation.meta["id"]: expectation for expectation in suite.expectations}
    outcomes = tuple(
        _outcome(suite_file.table, spec, expectations[spec["meta"]["id"]], by_id.get(spec["meta"]["id"]))
        for spec in suite_file.expectations
    )
    return TableResult(**_suite_fields(suite_file), outcomes=outcomes)


def _escaped(value: Any) -> Any:
    if isinstance(value, str):
        return html.escape(value)
    if isinstance(value, Mapping):
        return {key: _escaped(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_escaped(item) for item in value]
    return value


def _escape_stored_results(context) -> None:
    """HTML-escape the checked values in every stored result.

    Data Docs put unexpected values (document text, file names) into the page unescaped; the
    house rule is that document text never becomes markup.
    """
    store = context.validation_results_store
    for key in store.list_keys():
        suite_result = store.get(key)
        for expectation_result in suite_result.results:
            expectation_result.result = _escaped(expectation_result.result)
        store.set(key, suite_result)


def _build_data_docs(context, directory: Path) -> None:
    _escape_stored_results(context)
    context.add_data_docs_site(
        site_name=DATA_DOCS_SITE,
        site_config={
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(directory)},
        },
    )
    context.build_data_docs(site_names=[DATA_DOCS_SITE])


def run_suites(
    suites: list[SuiteFile], frames: Mapping[str, pd.DataFrame], *, data_docs_dir: Path | None = None
) -> tuple[TableResult, ...]:
    """Validate each table's frame with its suite; optionally build GX Data Docs (offline)."""
    gx = _import_gx()
    context = _context(gx)
    loaded = [_load_suite(suite_file) for suite_file in suites]  # every file checked before any run
    datasource = context.data_sources.add_pandas(DATASOURCE)
    results = tuple(
        _validate_table(gx, context, datasource, suite_file, suite, frames[suite_file.table])
        for suite_file, suite in zip(suites, loaded)
    )
    if data_docs_dir is not None:
        _build_data_docs(context, Path(data_docs_dir))
    return results
