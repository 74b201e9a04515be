"""The unit task: one unit's bundle -> its report files, as a plain picklable function of paths.

``run_unit(task) -> UnitResult`` runs in a worker process (local or on a Dask worker). It never
raises: whatever goes wrong becomes the unit's failure with its reason. It writes the unit's log
(``OUT/logs/<unit_id>.log``: steps, timings, the error with its traceback, and the kernel's own
output) and journals its result in the output folder as soon as the report is in place.

Per worker, once (``warm_up``): papermill, nbconvert and Typst are imported and the report
stage starts the worker's kernels (``report.kernels.start_worker``: a zygote and a kernel pool):
units run one after another on a kernel forked from the zygote and reset between units,
replaced every ``pool.RECYCLE_AFTER`` units and after a unit that failed. The portfolio index
(``build_index``) runs on the same kernel, after the units.
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
from typing import TYPE_CHECKING, Any, Iterator

from ..outdir import OutputFolder
from .manifest import journal_result
from .records import DEPARTMENT, OK, UnitResult, UnitTask

if TYPE_CHECKING:
    from ..report import IndexReport

_LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def warm_up() -> None:
    """Import the report stack and start this worker's report kernels, before the first unit
    arrives. (Without it, as in a process that calls ``run_unit`` directly, every unit gets a
    kernel of its own, started the usual way.)"""
    from ..report import kernels, pdf, render  # noqa: F401  (imports papermill, nbconvert, Typst)
    from ..report.kernels import execute  # noqa: F401

    kernels.start_worker()


def build_index(out_dir: str, report_settings: dict[str, Any]) -> "IndexReport":
    """The portfolio index of ``out_dir`` (a job for a worker, where the report stack is loaded)."""
    from ..report import kernels, report_portfolio

    return report_portfolio(Path(out_dir), report_settings, kernels=kernels.reused())


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


def run_unit(task: UnitTask) -> UnitResult:
    """Build one unit's (or department's) report (see the module docstring)."""
    from ..bundle import read_bundle, read_department
    from ..report import kernels, report_department, report_unit
    from ..report.portfolio import department_figures, unit_figures

    started = time.perf_counter()
    out_dir, bundle_root = Path(task.out_dir), Path(task.bundle_root)
    out = OutputFolder(out_dir)
    log_path = out.log(task.unit_id)
    worker = f"{socket.gethostname()}:{os.getpid()}"
    with _unit_log(log_path) as log:
        log.info("unit %s (%s) from %s, worker %s", task.unit_id, task.unit_name, task.source_file, worker)
        figures = None
        figures_cpu = time.process_time()
        try:
            # read once here, for the index's figures and the Word opinion (the kernel reads its own)
            if task.kind == DEPARTMENT:
                department = read_department(bundle_root, task.unit_id)
                figures = department_figures(department)
                figures_cpu = time.process_time() - figures_cpu
                report = report_department(bundle_root, task.unit_id, out_dir, kernels=kernels.reused(), log_file=log_path,
                                           department=department)
            else:
                bundle = read_bundle(bundle_root, task.unit_id)
                figures = unit_figures(bundle)
                figures_cpu = time.process_time() - figures_cpu
                report = report_unit(
                    bundle_root, task.unit_id, out_dir,
                    notebook=Path(task.notebook) if task.notebook else None,
                    kernels=kernels.reused(), log_file=log_path, bundle=bundle,
                )
        except Exception as error:  # a unit that cannot even start its report fails alone
            log.error("failed: %s", traceback.format_exc())
            result = UnitResult.failed(task, f"{type(error).__name__}: {error}", error, summary=figures)
        else:
            folder = Path(report.folder)
            outputs = {Path(name).suffix.lstrip("."): out.relative(folder / name) for name in report.files}
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
                cpu={"figures": round(figures_cpu, 3), **report.cpu},
                outputs=outputs,
                summary=figures,
                kind=task.kind,
                department_id=task.department_id,
            )
            if report.status != OK:
                log.error("report failed: %s: %s", report.error_class, report.error)
        seconds = {**result.seconds, "total": round(time.perf_counter() - started, 3)}
        result = replace(
            result, seconds=seconds, outputs={**result.outputs, "log": out.relative(log_path)},
            worker=worker, finished=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        )
        log.info("%s in %.2f s %s", result.status, seconds["total"], seconds)
    journal_result(out_dir, result)
    return result
