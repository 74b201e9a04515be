"""The outcome of validating a dataset: plain dataclasses, JSON round-trip, no GX import.

This is what leaves the validate stage: the audit rules read it (``failures``), the unit bundle
stores one unit's slice of it (``for_unit``/``per_unit`` + ``to_json``) and the report kernel reads it back
(``from_json``) without importing great_expectations.

An expectation is either *row-level* (GX checks each row: its failures are rows, each named by
file and line) or *table-level* (row count, column set: one observed value for the whole table).
A unit's slice keeps the row-level failures of that unit's rows and every table-level outcome
as it was for the whole batch.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

from .atomic import write_text
from .errors import SuiteError

RESULT_FILE = "validation.json"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class OffendingRow:
    """One row that failed a row-level expectation.

    ``source_line`` is the row's own line; ``line`` the most specific line of the checked value
    (e.g. the 预算数 line of a layout B project), which is ``source_line`` unless the
    expectation names a line column. ``seq`` is the row's position in its table (project
    position for projects, indicator position within its project for indicators).
    ``observed`` is the checked value of this row (a dict when several columns are checked).
    """

    source_file: str | None
    source_line: int | None
    line: int | None
    unit_id: str | None = None
    project_id: str | None = None
    seq: int | None = None
    observed: Any = None

    def where(self) -> str:
        return f"{self.source_file}:{self.line}"


@dataclass(frozen=True)
class ExpectationOutcome:
    """One expectation of one suite, as run on one table.

    ``observed`` is GX's observed value for table-level expectations (with GX's ``details``,
    such as the missing columns, as ``{"observed_value": …, "details": …}`` when it gives them)
    and the number of offending rows for row-level ones. ``error`` is set when the expectation could not be
    evaluated (e.g. its column is missing): that is not a data failure, and ``success`` is False.
    """

    id: str
    table: str
    type: str
    columns: tuple[str, ...]
    description_zh: str
    row_level: bool
    success: bool
    observed: Any = None
    offending: tuple[OffendingRow, ...] = ()
    error: str | None = None

    @property
    def failed(self) -> bool:
        """Data failed this expectation (an error is not a failure)."""
        return not self.success and self.error is None

    @property
    def sliced(self) -> bool:
        """Whether a unit's slice keeps part of this outcome (its offending rows) rather than all of it."""
        return self.row_level and self.error is None

    def with_rows(self, rows: tuple[OffendingRow, ...]) -> "ExpectationOutcome":
        """The outcome restricted to ``rows``, some of its offending rows (``sliced`` outcomes only)."""
        return replace(self, offending=rows, success=not rows, observed=len(rows))


@dataclass(frozen=True)
class TableResult:
    """One suite (one table). ``error`` is set when the suite as a whole could not run.

    ``suite_file`` is the suite's file name and ``suite_sha256`` its digest: provenance that
    does not depend on where the suites were installed.
    """

    table: str
    suite_file: str
    suite_sha256: str
    outcomes: tuple[ExpectationOutcome, ...] = ()
    error: str | None = None

    @property
    def success(self) -> bool:
        return self.error is None and all(outcome.success for outcome in self.outcomes)

    @property
    def failed(self) -> tuple[ExpectationOutcome, ...]:
        return tuple(outcome for outcome in self.outcomes if outcome.failed)

    @property
    def errored(self) -> tuple[ExpectationOutcome, ...]:
        return tuple(outcome for outcome in self.outcomes if outcome.error is not None)


@dataclass(frozen=True)
class ValidationResult:
    """Every suite's outcome for one batch of documents, or one unit's slice of it.

    ``unit_files`` maps each unit to the files it was read from: rows without a unit (documents,
    a document's 合计) belong to every unit of their file, as in ``Dataset.per_unit``.
    """

    tables: tuple[TableResult, ...]
    unit_files: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    unit_id: str | None = None  # set on a unit's slice

    # --- status -------------------------------------------------------------------------
    @property
    def success(self) -> bool:
        return all(table.success for table in self.tables)

    @property
    def has_errors(self) -> bool:
        return any(table.error is not None or table.errored for table in self.tables)

    @property
    def status(self) -> str:
        """``"error"`` (a suite or expectation could not run), ``"failed"`` or ``"passed"``."""
        if self.has_errors:
            return "error"
        return "passed" if self.success else "failed"

    def outcomes(self) -> Iterator[ExpectationOutcome]:
        for table in self.tables:
            yield from table.outcomes

    # --- access for the audit rules -------------------------------------------------------
    def outcome(self, expectation_id: str) -> ExpectationOutcome:
        """The outcome of one expectation; SuiteError when no suite holds that id."""
        for outcome in self.outcomes():
            if outcome.id == expectation_id:
                return outcome
        tables = {table.table: table for table in self.tables}
        table = tables.get(expectation_id.split(".", 1)[0])
        if table is not None and table.error is not None:
            raise SuiteError(f"suite {table.suite_file} could not run, so '{expectation_id}' has no result: {table.error}")
        raise SuiteError(f"no expectation '{expectation_id}' in the validation result")

    def failures(self, expectation_id: str) -> tuple[OffendingRow, ...]:
        """The rows that failed one row-level expectation (empty when it passed).

        Raises SuiteError when the expectation could not be evaluated: a rule that takes its
        findings from here must not report "no finding" for a check that never ran.
        """
        outcome = self.outcome(expectation_id)
        if outcome.error is not None:
            raise SuiteError(f"expectation '{expectation_id}' could not be evaluated: {outcome.error}")
        return outcome.offending

    # --- per unit ---------------------------------------------------------------------------
    def for_unit(self, unit_id: str) -> "ValidationResult":
        """The slice a unit's report shows: its own offending rows, the batch's table-level outcomes."""
        return self.per_unit([unit_id])[unit_id]

    def per_unit(self, unit_ids: Iterable[str]) -> dict[str, "ValidationResult"]:
        """``for_unit`` of each unit, each offending row sorted to its units once (a pass over every
        row per unit would cost units x rows). KeyError for a unit the result does not know."""
        unit_ids = list(unit_ids)
        units_of_file: dict[str, list[str]] = {}
        for unit_id in unit_ids:
            for source_file in self.unit_files[unit_id]:
                units_of_file.setdefault(source_file, []).append(unit_id)

        def owners(row: OffendingRow) -> Iterable[str]:
            if row.unit_id is not None:
                return (row.unit_id,)
            return units_of_file.get(row.source_file, ())

        tables: dict[str, list[TableResult]] = {unit_id: [] for unit_id in unit_ids}
        for table in self.tables:
            outcomes: dict[str, list[ExpectationOutcome]] = {unit_id: [] for unit_id in unit_ids}
            for outcome in table.outcomes:
                if not outcome.sliced:
                    for unit_id in unit_ids:
                        outcomes[unit_id].append(outcome)
                    continue
                rows: dict[str, list[OffendingRow]] = {unit_id: [] for unit_id in unit_ids}
                for row in outcome.offending:
                    for unit_id in owners(row):
                        if unit_id in rows:
                            rows[unit_id].append(row)
                clean = outcome.with_rows(())
                for unit_id in unit_ids:
                    outcomes[unit_id].append(outcome.with_rows(tuple(rows[unit_id])) if rows[unit_id] else clean)
            for unit_id in unit_ids:
                tables[unit_id].append(replace(table, outcomes=tuple(outcomes[unit_id])))
        return {
            unit_id: ValidationResult(tables=tuple(tables[unit_id]), unit_files={unit_id: self.unit_files[unit_id]},
                                      unit_id=unit_id)
            for unit_id in unit_ids
        }

    # --- text -------------------------------------------------------------------------------
    def summary_lines(self, max_rows: int = 3) -> list[str]:
        """One line per table, then one indented line per failed or errored expectation."""
        lines = []
        for table in self.tables:
            if table.error is not None:
                lines.append(f"{table.table}: ERROR {table.error}")
                continue
            failed, errored = table.failed, table.errored
            passed = len(table.outcomes) - len(failed) - len(errored)
            state = "ok" if table.success else "FAILED" if not errored else "ERROR"
            lines.append(
                f"{table.table}: {state} ({passed} of {len(table.outcomes)} expectations passed"
                + (f", {len(failed)} failed" if failed else "")
                + (f", {len(errored)} error{'s' if len(errored) != 1 else ''}" if errored else "")
                + ")"
            )
            for outcome in errored:
                lines.append(f"  {outcome.id}: error: {outcome.error}")
            for outcome in failed:
                if outcome.row_level:
                    where = ", ".join(
                        f"{row.where()} ({json.dumps(row.observed, ensure_ascii=False)})"
                        for row in outcome.offending[:max_rows]
                    )
                    more = len(outcome.offending) - max_rows
                    count = len(outcome.offending)
                    detail = f"{count} row{'s' if count != 1 else ''}: {where}" + (f", … {more} more" if more > 0 else "")
                else:
                    detail = f"observed {json.dumps(outcome.observed, ensure_ascii=False)}"
                lines.append(f"  {outcome.id}: {outcome.description_zh} — {detail}")
        return lines

    # --- JSON -------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        units = {}
        slices = {self.unit_id: self} if self.unit_id is not None else self.per_unit(self.unit_files)
        for unit_id in sorted(self.unit_files):
            unit = slices[unit_id]
            units[unit_id] = {
                "source_files": list(self.unit_files[unit_id]),
                "status": unit.status,
                "failed": [outcome.id for outcome in unit.outcomes() if outcome.failed],
                "errors": [outcome.id for outcome in unit.outcomes() if outcome.error is not None],
            }
        return {
            "format_version": FORMAT_VERSION,
            "status": self.status,
            "success": self.success,
            "unit_id": self.unit_id,
            "units": units,
            "tables": [asdict(table) for table in self.tables],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2, sort_keys=True)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "ValidationResult":
        if data.get("format_version") != FORMAT_VERSION:
            raise SuiteError(f"validation result format {data.get('format_version')!r} is not {FORMAT_VERSION}")
        return cls(
            tables=tuple(
                TableResult(
                    table=table["table"],
                    suite_file=table["suite_file"],
                    suite_sha256=table["suite_sha256"],
                    error=table["error"],
                    outcomes=tuple(
                        ExpectationOutcome(
                            **{
                                **outcome,
                                "columns": tuple(outcome["columns"]),
                                "offending": tuple(OffendingRow(**row) for row in outcome["offending"]),
                            }
                        )
                        for outcome in table["outcomes"]
                    ),
                )
                for table in data["tables"]
            ),
            unit_files={unit_id: tuple(unit["source_files"]) for unit_id, unit in data["units"].items()},
            unit_id=data.get("unit_id"),
        )

    @classmethod
    def from_json(cls, text: str) -> "ValidationResult":
        return cls.from_dict(json.loads(text))

    def write(self, directory: Path) -> Path:
        """Write ``directory/validation.json``; returns its path."""
        return write_text(directory / RESULT_FILE, self.to_json() + "\n")

    @classmethod
    def read(cls, path: Path) -> "ValidationResult":
        """Read a result written by ``write`` (a folder or the file itself)."""
        path = path / RESULT_FILE if path.is_dir() else path
        return cls.from_json(path.read_text(encoding="utf-8"))
