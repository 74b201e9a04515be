"""Run one report notebook with papermill, on a kernel from a kernel source (``kernels/``).

The notebook gets ASCII ids and paths only (papermill writes parameters into code). Success is
proven positively: the notebook's last cell writes a marker file, because papermill returns
normally when a cell calls ``sys.exit``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat
import papermill
import psutil
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines
from papermill.exceptions import PapermillExecutionError

from ...errors import ReportError

if TYPE_CHECKING:
    from . import KernelSource

KERNEL_NAME = "python3"
ENGINE_NAME = "perfaudit"
# Fixed for every report kernel so that nothing can depend on the order of a set of strings.
KERNEL_ENV = {"PYTHONHASHSEED": "0"}


class ReportKernelManager(AsyncKernelManager):
    """The kernel manager of report notebooks: adds ``KERNEL_ENV``, and encrypts the kernel's
    local TCP sockets when the kernel supports it (ipykernel warns otherwise). It makes one client
    and keeps it, so that whoever hands the kernel out can stop that client's channels when the
    kernel is given back (papermill does not, for a kernel it did not make)."""

    _report_client = None

    async def start_kernel(self, **kw):
        kw["env"] = {**kw.get("env", os.environ), **KERNEL_ENV}
        kw.setdefault("transport_encryption", "auto")
        return await super().start_kernel(**kw)

    def client(self, **kwargs):
        if self._report_client is None:
            self._report_client = super().client(**kwargs)
        return self._report_client

    def stop(self) -> None:
        """Stop the client's channels and the kernel (a kernel already dead is fine)."""
        if self._report_client is not None:
            self._report_client.stop_channels()
        try:
            run_sync(self.shutdown_kernel)(now=True)
        except Exception:  # already dead: nothing left to stop
            pass


class _SavedWhenDone(NotebookExecutionManager):
    """Papermill's execution record, writing the notebook once, when it ends (``notebook_complete``
    runs however it ends: a cell raised, the kernel died), instead of before and after every cell
    (≈0.1 s of CPU per unit: 27 writes of a notebook holding the report). Papermill writes it
    once more when it returns or raises for a cell's error."""

    def save(self, **kwargs):
        if self.end_time is not None:  # set by notebook_complete
            super().save(**kwargs)


class _Engine(NBClientEngine):
    """Papermill's nbclient engine with ``_SavedWhenDone`` as its execution record."""

    @classmethod
    def execute_notebook(cls, nb, kernel_name, output_path=None, progress_bar=True, log_output=False,
                         autosave_cell_every=30, **kwargs):
        record = _SavedWhenDone(nb, output_path=output_path, progress_bar=progress_bar, log_output=log_output,
                                autosave_cell_every=autosave_cell_every)
        record.notebook_start()
        try:
            cls.execute_managed_notebook(record, kernel_name, log_output=log_output, **kwargs)
        finally:
            record.cleanup_pbar()
            record.notebook_complete()
        return record.nb


papermill_engines.register(ENGINE_NAME, _Engine)


@dataclass(frozen=True)
class Execution:
    notebook: nbformat.NotebookNode | None
    error: ReportError | None
    kernel_cpu: float = 0.0  # CPU seconds the kernel process used while it ran the notebook


def kernel_cpu_seconds(manager: AsyncKernelManager) -> float:
    """CPU seconds (user + system) the manager's kernel process has used so far; 0 when it has
    none or is gone."""
    pid = getattr(getattr(manager, "provisioner", None), "pid", None)
    if not pid:
        return 0.0
    try:
        times = psutil.Process(pid).cpu_times()
    except psutil.Error:
        return 0.0
    return times.user + times.system


def run_notebook(
    notebook: Path,
    output: Path,
    parameters: dict[str, str],
    *,
    done_marker: Path,
    cell_timeout: int,
    kernels: KernelSource,
    log_file: Path | None = None,
) -> Execution:
    """Execute ``notebook`` into ``output`` (written even when it fails). ``parameters`` are ASCII
    ids and paths; ``done_marker`` is the file the notebook's last cell writes. The kernel comes
    from ``kernels`` and goes back to it; its own output (a crash report) goes to ``log_file``."""
    if not notebook.is_file():
        raise ReportError(f"{notebook}: notebook not found")
    manager = kernels.acquire(log_file)
    started = kernel_cpu_seconds(manager)
    execution = _execute(notebook, output, parameters, done_marker, cell_timeout, manager)
    execution = replace(execution, kernel_cpu=max(0.0, kernel_cpu_seconds(manager) - started))
    kernels.release(manager, clean=execution.error is None)
    return execution


def _execute(notebook: Path, output: Path, parameters: dict[str, str], done_marker: Path, cell_timeout: int,
             manager: AsyncKernelManager) -> Execution:
    try:
        executed = papermill.execute_notebook(
            notebook,
            output,
            parameters=parameters,
            kernel_name=KERNEL_NAME,
            engine_name=ENGINE_NAME,
            progress_bar=False,
            execution_timeout=cell_timeout,
            shutdown_kernel="immediate",
            km=manager,
        )
    except PapermillExecutionError as error:
        return Execution(None, ReportError(f"{output}: cell {error.exec_count} raised {error.ename}: {error.evalue}"))
    except Exception as error:  # kernel died, timed out or did not start: papermill leaves the notebook
        return Execution(None, ReportError(f"{output}: notebook did not run: {type(error).__name__}: {error}",
                                           cause=type(error).__name__))
    if not done_marker.is_file():
        return Execution(executed, ReportError(f"{output}: notebook stopped before its last cell"))
    return Execution(executed, None)
