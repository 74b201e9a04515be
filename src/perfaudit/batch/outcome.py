"""What a run did: ``BatchSummary``, ``OUT/run.json`` and the table printed at the end."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .manifest import write_json_atomic
from .plan import Plan
from .records import FAILED, OK, SKIPPED, UnitResult

RUN_FILE = "run.json"
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
    index: dict[str, str] = field(default_factory=dict)  # kind -> path relative to out_dir
    index_error: str | None = None
    interrupted: bool = False
    error: str | None = None  # why the run stopped before its end (it then exits 2)
    seconds: float = 0.0
    run_json: Path | None = None
    finished: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))

    def count(self, status: str) -> int:
        return sum(1 for unit in self.units if unit.status == status)

    @property
    def failed(self) -> bool:
        return bool(self.count(FAILED) or self.plan.refused or self.index_error or self.interrupted)

    @property
    def exit_code(self) -> int:
        return 2 if self.error else 1 if self.failed else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "out_dir": str(self.out_dir),
            "finished": self.finished,
            "seconds": round(self.seconds, 3),
            "executor": self.executor,
            "workers": self.workers,
            "interrupted": self.interrupted,
            "error": self.error,
            "exit_code": self.exit_code,
            "counts": {status: self.count(status) for status in (OK, FAILED, SKIPPED)}
            | {"refused_files": len(self.plan.refused), "orphaned": len(self.plan.orphaned)},
            "units": [
                {
                    "unit_id": run.result.unit_id,
                    "unit_name": run.result.unit_name,
                    "source_file": run.result.source_file,
                    "status": run.status,
                    "reason": run.reason,
                    "error_class": run.result.error_class if run.status == FAILED else None,
                    "error": run.result.error if run.status == FAILED else None,
                    "seconds": run.result.seconds if run.status != SKIPPED else {},
                    "outputs": run.result.outputs,
                }
                for run in sorted(self.units, key=lambda run: run.result.unit_id)
            ],
            "refused_files": [{"source_file": name, "status": FAILED, "reason": reason}
                              for name, reason in sorted(self.plan.refused.items())],
            "orphaned": self.plan.orphaned,
            "index": self.index,
            "index_error": self.index_error,
        }


def write_run_json(out_dir: Path, summary: BatchSummary) -> Path:
    path = out_dir / RUN_FILE
    write_json_atomic(path, summary.to_dict())
    return path


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(text: str, width: int) -> str:
    """``text`` cut and padded to ``width`` terminal columns (CJK characters take two)."""
    out, used = "", 0
    for ch in text:
        w = _width(ch)
        if used + w > width - (1 if _width(text) > width else 0):
            out += "…"
            used += 1
            break
        out, used = out + ch, used + w
    return out + " " * (width - used)


def summary_lines(summary: BatchSummary) -> list[str]:
    """What a run prints at its end: the units built or failed now (a table), one ``FAILED`` line
    per failed unit and one ``REFUSED`` line per refused input (for stderr), then the counts."""
    shown = [run for run in sorted(summary.units, key=lambda r: (r.status != FAILED, r.result.unit_id))
             if run.status != SKIPPED]
    lines = []
    if shown:
        lines.append(f"{_cell('unit', 18)} {_cell('name', 28)} {_cell('status', 7)} {_cell('grade', 5)} {'seconds':>8}  reason")
        for run in shown[:MAX_TABLE_ROWS]:
            figures = run.result.summary or {}
            seconds = run.result.seconds.get("total")
            lines.append(
                f"{_cell(run.result.unit_id, 18)} {_cell(run.result.unit_name, 28)} {_cell(run.status, 7)} "
                f"{_cell(str(figures.get('grade') or '-'), 5)} {seconds if seconds is not None else '-':>8}  "
                f"{run.reason or ''}"
            )
        if len(shown) > MAX_TABLE_ROWS:
            lines.append(f"… {len(shown) - MAX_TABLE_ROWS} more in {summary.run_json or RUN_FILE}")
    for run in shown:
        if run.status == FAILED:
            log = run.result.outputs.get("log")
            lines.append(f"FAILED  {run.result.unit_id}: {run.reason}" + (f" (log: {summary.out_dir / log})" if log else ""))
    for name, reason in sorted(summary.plan.refused.items()):
        lines.append(f"REFUSED {reason}" if reason.startswith(name) else f"REFUSED {name}: {reason}")
    if summary.index_error:
        lines.append(f"FAILED  portfolio index: {summary.index_error}")
    lines.append(
        f"{len(summary.units)} units: {summary.count(OK)} built, {summary.count(FAILED)} failed, "
        f"{summary.count(SKIPPED)} skipped; {len(summary.plan.refused)} input(s) refused, "
        f"{len(summary.plan.orphaned)} orphaned; {summary.seconds:.1f} s "
        f"({summary.executor}, "
        + (f"{summary.workers} worker{'s' if summary.workers != 1 else ''})" if summary.workers else "no worker needed)")
    )
    if summary.index:
        lines.append(f"index: {summary.out_dir / summary.index['html']}; record of this run: {summary.run_json}")
    return lines
