"""The unit task: one unit's bundle -> its report files, as a plain picklable function of paths.

``run_unit(task) -> UnitResult`` runs in a worker process (local or on a Dask worker). It never
raises: whatever goes wrong becomes the unit's failure with its reason. It writes the unit's log
(``OUT/logs/<unit_id>.log``: steps, timings, the error with its traceback, and the kernel's own
output) and journals its result in the output folder as soon as the report is in place.

Per worker, once (``warm_up``): papermill, nbconvert and Typst are imported, the kernel zygote
is started (``kernel.py``) and the worker's kernel pool made: units run one after another on a
kernel forked from the zygote and reset between units, replaced every ``pool.RECYCLE_AFTER``
units and after a unit that failed (``pool.py``).
"""

from __future__ import annotations

import logging
import os
import socket
import time
import traceback
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from .manifest import journal_result
from .records import DEPARTMENT, OK, UnitResult, UnitTask

if TYPE_CHECKING:
    from .pool import KernelPool

LOGS_DIR = "logs"
_LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def unit_log_path(out_dir: Path, unit_id: str) -> Path:
    return out_dir / LOGS_DIR / f"{unit_id}.log"


_kernel_pool: KernelPool | None = None  # this worker's, made by ``warm_up``


def warm_up() -> None:
    """Import the report stack, start the kernel zygote and make the kernel pool, before the
    first unit arrives. (Without it, as in a process that calls ``run_unit`` directly, every
    unit gets a kernel of its own, started the usual way.)"""
    global _kernel_pool
    from ..report import execute, pdf, render  # noqa: F401  (imports papermill, nbconvert, Typst)
    from .kernel import use_zygote
    from .pool import KernelPool

    use_zygote()
    _kernel_pool = _kernel_pool or KernelPool()


@contextmanager
def _unit_log(path: Path) -> Iterator[logging.Logger]:
    """Everything logged while the unit runs (ours, papermill's, nbclient's) goes to its log."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("", encoding="utf-8")
    # Appending, like the kernel (zygote.py), which writes its own output to the same file.
    handler = logging.FileHandler(path, mode="a", encoding="utf-8")
    handler.setFormatter(logging.Formatter(_LOG_FORMAT))
    root = logging.getLogger()
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield logging.getLogger("perfaudit.batch")
    finally:
        root.removeHandler(handler)
        root.setLevel(previous_level)
        handler.close()


def _relative(path: Path, out_dir: Path) -> str:
    return path.relative_to(out_dir).as_posix()


def run_unit(task: UnitTask) -> UnitResult:
    """Build one unit's (or department's) report (see the module docstring)."""
    from ..report import report_department, report_unit
    from ..report.bundle import read_bundle
    from ..report.department import read_department
    from .kernel import ForkedReportKernelManager, ForkProvisioner
    from .portfolio import department_figures, unit_figures

    started = time.perf_counter()
    out_dir, bundle_root = Path(task.out_dir), Path(task.bundle_root)
    log_path = unit_log_path(out_dir, task.unit_id)
    worker = f"{socket.gethostname()}:{os.getpid()}"
    with _unit_log(log_path) as log:
        log.info("unit %s (%s) from %s, worker %s", task.unit_id, task.unit_name, task.source_file, worker)
        ForkProvisioner.log_file = str(log_path)
        figures = None
        try:
            if task.kind == DEPARTMENT:
                figures = department_figures(read_department(bundle_root, task.unit_id))
                report = report_department(bundle_root, task.unit_id, out_dir, kernel_manager_class=ForkedReportKernelManager,
                                           kernel_pool=_kernel_pool)
            else:
                figures = unit_figures(read_bundle(bundle_root, task.unit_id))
                report = report_unit(
                    bundle_root, task.unit_id, out_dir,
                    notebook=Path(task.notebook) if task.notebook else None,
                    kernel_manager_class=ForkedReportKernelManager,
                    kernel_pool=_kernel_pool,
                )
        except Exception as error:  # a unit that cannot even start its report fails alone
            log.error("failed: %s", traceback.format_exc())
            result = UnitResult.failed(task, f"{type(error).__name__}: {error}", error, summary=figures)
        else:
            folder = Path(report.folder)
            outputs = {Path(name).suffix.lstrip("."): _relative(folder / name, out_dir) for name in report.files}
            result = UnitResult(
                unit_id=task.unit_id,
                status=report.status,
                unit_name=task.unit_name,
                department=task.department,
                source_file=task.source_file,
                fingerprint=task.fingerprint,
                reason=None if report.status == OK else report.error,
                error_class=report.error_class,
                error=report.error,
                seconds=dict(report.seconds),
                outputs=outputs,
                summary=figures,
                kind=task.kind,
                department_id=task.department_id,
            )
            if report.status != OK:
                log.error("report failed: %s: %s", report.error_class, report.error)
        seconds = {**result.seconds, "total": round(time.perf_counter() - started, 3)}
        result = replace(
            result, seconds=seconds, outputs={**result.outputs, "log": _relative(log_path, out_dir)},
            worker=worker, finished=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        )
        log.info("%s in %.2f s %s", result.status, seconds["total"], seconds)
    journal_result(out_dir, result)
    return result
