"""The small records a batch passes around: a unit task (driver -> worker) and its result
(worker -> driver, manifest, run.json, index). Plain, picklable, JSON round-trip."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

OK, FAILED, SKIPPED = "ok", "failed", "skipped"
UNIT, DEPARTMENT = "unit", "department"  # what a task builds: a unit's report or a department's


@dataclass(frozen=True)
class UnitTask:
    """Everything a worker needs to build one unit's report: ids and absolute paths only. A
    department's task (``kind`` DEPARTMENT) carries the department's id and name as ``unit_id``
    and ``unit_name``."""

    unit_id: str
    unit_name: str
    department: str | None
    source_file: str
    fingerprint: str
    bundle_root: str
    out_dir: str
    notebook: str | None = None  # None: the report stage's notebook
    kind: str = UNIT
    department_id: str | None = None  # a unit's department


# Failures of the machine, not of the document: a lost worker, scheduler or kernel, a timeout, a
# cancelled Dask task. A unit that failed for one of these is rebuilt by the next plain run; a
# unit whose own document made its report fail stays failed until the document changes.
INFRASTRUCTURE_ERRORS = frozenset({
    "WorkerLost", "DeadKernelError", "CellTimeoutError", "TimeoutError", "CancelledError",
    "FutureCancelledError", "KilledWorker", "CommClosedError", "StreamClosedError", "MemoryError",
    "ConnectionError", "ConnectionResetError", "BrokenPipeError", "OSError",
})


@dataclass(frozen=True)
class UnitResult:
    """What became of one unit. ``reason`` is one short sentence for people; ``error_class`` and
    ``error`` are the exception when there was one. ``outputs`` are paths relative to the output
    folder. ``summary`` holds the figures the portfolio index shows (grade, budget, counts)."""

    unit_id: str
    status: str
    unit_name: str = ""
    department: str | None = None
    source_file: str = ""
    fingerprint: str = ""
    reason: str | None = None
    error_class: str | None = None
    error: str | None = None
    seconds: dict[str, float] = field(default_factory=dict)  # wall clock per step
    cpu: dict[str, float] = field(default_factory=dict)  # CPU per step (the kernel's included)
    outputs: dict[str, str] = field(default_factory=dict)
    worker: str | None = None
    finished: str | None = None
    summary: dict[str, Any] | None = None
    kind: str = UNIT  # DEPARTMENT: a department's report (``unit_id`` its id, ``unit_name`` its name)
    department_id: str | None = None  # a unit's department

    @property
    def ok(self) -> bool:
        return self.status == OK

    @property
    def failed_by_infrastructure(self) -> bool:
        return self.status == FAILED and self.error_class in INFRASTRUCTURE_ERRORS

    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict for JSON, sharing their (plain) values: ``asdict``'s deep copy
        was a third of a no-change run's time (600 records for 200 units)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "UnitResult":
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})

    @classmethod
    def failed(cls, task: UnitTask, reason: str, error: BaseException | None = None, **extra: Any) -> "UnitResult":
        return cls(
            unit_id=task.unit_id,
            status=FAILED,
            unit_name=task.unit_name,
            department=task.department,
            source_file=task.source_file,
            fingerprint=task.fingerprint,
            kind=task.kind,
            department_id=task.department_id,
            reason=reason,
            error_class=type(error).__name__ if error else None,
            error=str(error) if error else None,
            **extra,
        )
