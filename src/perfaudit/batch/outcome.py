"""What a run did: ``BatchSummary``, ``OUT/run.json`` and the table printed at the end."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..atomic import write_json
from ..outdir import OutputFolder
from .plan import Plan
from .records import FAILED, OK, SKIPPED, UnitResult

MAX_TABLE_ROWS = 40  # units listed in the printed table; run.json lists them all


@dataclass(frozen=True)
class UnitRun:
    """One unit in this run: ``status`` is ok (built now), failed or skipped, with the reason."""

    status: str
    reason: str | None
    result: UnitResult


@dataclass
class BatchSummary:
    out_dir: Path
    plan: Plan
    executor: str
    workers: int = 0  # started (or found on the Dask cluster); 0 when nothing had to be built
    units: list[UnitRun] = field(default_factory=list)
    departments: list[UnitRun] = field(default_factory=list)  # the department reports, like units
    index: dict[str, str] = field(default_factory=dict)  # kind -> path relative to out_dir
    index_error: str | None = None
    interrupted: bool = False
    stopped_by: int | None = None  # the signal that stopped the run (SIGINT, SIGTERM)
    error: str | None = None  # why the run stopped before its end (it then exits 2)
    seconds: float = 0.0
    # CPU seconds of the run's steps outside the reports: the driver's (read, validate, audit,
    # bundles) and the index's; each report's are in its entry
    cpu: dict[str, float] = field(default_factory=dict)
    run_json: Path | None = None
    finished: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))

    def count(self, status: str, *, departments: bool = False) -> int:
        return sum(1 for run in (self.departments if departments else self.units) if run.status == status)

    @property
    def failed(self) -> bool:
        return bool(self.count(FAILED) or self.count(FAILED, departments=True) or self.plan.refused
                    or self.index_error or self.interrupted)

    @property
    def exit_code(self) -> int:
        """What the process exits with: 128 + the signal that stopped it, 2 a run that could not go
        on, 1 a failure, else 0 (the CLI's codes)."""
        if self.stopped_by is not None:
            return 128 + self.stopped_by
        return 2 if self.error else 1 if self.failed else 0

    def to_dict(self) -> dict[str, Any]:
        members = {department.unit_id: department.members for department in self.plan.departments}
        return {
            "out_dir": str(self.out_dir),
            "finished": self.finished,
            "seconds": round(self.seconds, 3),
            "cpu": {step: round(value, 3) for step, value in self.cpu.items()},
            "executor": self.executor,
            "workers": self.workers,
            "interrupted": self.interrupted,
            "error": self.error,
            "exit_code": self.exit_code,
            "counts": {status: self.count(status) for status in (OK, FAILED, SKIPPED)}
            | {"refused_files": len(self.plan.refused), "orphaned": len(self.plan.orphaned)},
            "units": [
                {**_run_entry(run), "unit_id": run.result.unit_id, "unit_name": run.result.unit_name,
                 "department_id": run.result.department_id}
                for run in sorted(self.units, key=lambda run: run.result.unit_id)
            ],
            "department_counts": {status: self.count(status, departments=True) for status in (OK, FAILED, SKIPPED)},
            "departments": [
                {**_run_entry(run), "department_id": run.result.unit_id, "department_name": run.result.unit_name,
                 "unit_ids": list(members.get(run.result.unit_id, ()))}
                for run in sorted(self.departments, key=lambda run: run.result.unit_id)
            ],
            "refused_files": [{"source_file": name, "status": FAILED, "reason": reason}
                              for name, reason in sorted(self.plan.refused.items())],
            "skipped_files": [{"source_file": name, "reason": why} for name, why in sorted(self.plan.skipped.items())],
            "orphaned": self.plan.orphaned,
            "index": self.index,
            "index_error": self.index_error,
        }


def _run_entry(run: UnitRun) -> dict[str, Any]:
    """What run.json says of one unit's or department's report in this run."""
    return {
        "source_file": run.result.source_file,
        "status": run.status,
        "reason": run.reason,
        "error_class": run.result.error_class if run.status == FAILED else None,
        "error": run.result.error if run.status == FAILED else None,
        "seconds": run.result.seconds if run.status != SKIPPED else {},
        "cpu": run.result.cpu if run.status != SKIPPED else {},
        "outputs": run.result.outputs,
    }


def write_run_json(out_dir: Path, summary: BatchSummary) -> Path:
    return write_json(OutputFolder(out_dir).run_record, summary.to_dict())


# The table's columns: header, at most how many terminal columns (None: as wide as the text),
# right-aligned. Names are cut with an ellipsis at their width; CJK characters take two columns.
_TABLE_COLUMNS = (("unit", 18, False), ("name", 28, False), ("status", None, False), ("grade", None, False),
                  ("seconds", None, True), ("reason", None, False))


def _table_lines(runs: list[UnitRun]) -> list[str]:
    """The units as a plain-text table (rich: CJK widths, ellipsis), one string per line."""
    import io

    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, pad_edge=False, header_style="")
    for header, width, right in _TABLE_COLUMNS:
        table.add_column(header, max_width=width, no_wrap=True, overflow="ellipsis", justify="right" if right else "left")
    for run in runs:
        figures = run.result.summary or {}
        seconds = run.result.seconds.get("total")
        cells = (run.result.unit_id, run.result.unit_name, run.status, str(figures.get("grade") or "-"),
                 "-" if seconds is None else str(seconds), run.reason or "")
        table.add_row(*(Text(cell) for cell in cells))  # Text: document text is never rich markup
    # As wide as the rows need (a log line is not cut at 80 columns); no colours, no highlighting.
    console = Console(file=io.StringIO(), width=100_000, color_system=None, highlight=False, emoji=False)
    console.print(table)
    return [line.rstrip() for line in console.file.getvalue().splitlines()]


def summary_lines(summary: BatchSummary) -> list[str]:
    """What a run prints at its end: the units built or failed now (a table), one ``FAILED`` line
    per failed unit and one ``REFUSED`` line per refused input (for stderr), then the counts."""
    shown = [run for run in sorted(summary.units, key=lambda r: (r.status != FAILED, r.result.unit_id))
             if run.status != SKIPPED]
    lines = []
    if shown:  # rich is imported only here: a no-change run prints no table
        lines += _table_lines(shown[:MAX_TABLE_ROWS])
        if len(shown) > MAX_TABLE_ROWS:
            lines.append(f"… {len(shown) - MAX_TABLE_ROWS} more in {summary.run_json or OutputFolder(summary.out_dir).run_record}")
    for run in shown + [run for run in summary.departments if run.status == FAILED]:
        if run.status == FAILED:
            log = run.result.outputs.get("log")
            lines.append(f"FAILED  {run.result.unit_id}: {run.reason}" + (f" (log: {summary.out_dir / log})" if log else ""))
    for name, reason in sorted(summary.plan.refused.items()):
        lines.append(f"REFUSED {reason}" if reason.startswith(name) else f"REFUSED {name}: {reason}")
    if summary.plan.skipped:
        lines.append(f"skipped {len(summary.plan.skipped)} file(s) that are not documents: "
                     + ", ".join(sorted(summary.plan.skipped)))
    if summary.index_error:
        lines.append(f"FAILED  portfolio index: {summary.index_error}")
    lines.append(
        f"{len(summary.units)} units: {summary.count(OK)} built, {summary.count(FAILED)} failed, "
        f"{summary.count(SKIPPED)} skipped; {len(summary.plan.refused)} input(s) refused, "
        f"{len(summary.plan.orphaned)} orphaned; {len(summary.departments)} departments: "
        f"{summary.count(OK, departments=True)} built, {summary.count(FAILED, departments=True)} failed, "
        f"{summary.count(SKIPPED, departments=True)} skipped; {summary.seconds:.1f} s "
        f"({summary.executor}, "
        + (f"{summary.workers} worker{'s' if summary.workers != 1 else ''})" if summary.workers else "no worker needed)")
    )
    if summary.index:
        lines.append(f"index: {summary.out_dir / summary.index['html']}; record of this run: {summary.run_json}")
    return lines
