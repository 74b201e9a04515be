"""Run the report notebook for one unit with papermill.

The notebook gets ASCII ids and paths only (papermill writes parameters into code). Success is
proven positively: the notebook's last cell writes a marker file, because papermill returns
normally when a cell calls ``sys.exit``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat
import papermill
from jupyter_client.manager import AsyncKernelManager
from papermill.exceptions import PapermillExecutionError

from ..errors import ReportError

if TYPE_CHECKING:
    from ..batch.pool import KernelPool

KERNEL_NAME = "python3"
# Fixed for every report kernel so that nothing can depend on the order of a set of strings.
KERNEL_ENV = {"PYTHONHASHSEED": "0"}


class ReportKernelManager(AsyncKernelManager):
    """The kernel manager papermill uses for report notebooks: adds ``KERNEL_ENV``, and encrypts
    the kernel's local TCP sockets when the kernel supports it (ipykernel warns otherwise)."""

    async def start_kernel(self, **kw):
        kw["env"] = {**kw.get("env", os.environ), **KERNEL_ENV}
        kw.setdefault("transport_encryption", "auto")
        return await super().start_kernel(**kw)


@dataclass(frozen=True)
class Execution:
    notebook: nbformat.NotebookNode | None
    error: ReportError | None


def run_notebook(
    notebook: Path,
    output: Path,
    parameters: dict[str, str],
    *,
    done_marker: Path,
    cell_timeout: int,
    kernel_manager_class: type[AsyncKernelManager] = ReportKernelManager,
    kernel_pool: KernelPool | None = None,
) -> Execution:
    """Execute ``notebook`` into ``output`` (written even when it fails). ``parameters`` are ASCII
    ids and paths; ``done_marker`` is the file the notebook's last cell writes. With
    ``kernel_pool``, on the pool's reused kernel (``batch/pool.py``), else on a new kernel of
    ``kernel_manager_class``."""
    if not notebook.is_file():
        raise ReportError(f"{notebook}: notebook not found")
    kernel = {"km": kernel_pool.acquire()} if kernel_pool else {"kernel_manager_class": kernel_manager_class}
    execution = _execute(notebook, output, parameters, done_marker, cell_timeout, kernel)
    if kernel_pool:
        kernel_pool.release(clean=execution.error is None)
    return execution


def _execute(notebook: Path, output: Path, parameters: dict[str, str], done_marker: Path, cell_timeout: int,
             kernel: dict) -> Execution:
    try:
        executed = papermill.execute_notebook(
            notebook,
            output,
            parameters=parameters,
            kernel_name=KERNEL_NAME,
            progress_bar=False,
            execution_timeout=cell_timeout,
            shutdown_kernel="immediate",
            **kernel,
        )
    except PapermillExecutionError as error:
        return Execution(None, ReportError(f"{output}: cell {error.exec_count} raised {error.ename}: {error.evalue}"))
    except Exception as error:  # kernel died, timed out or did not start: papermill leaves the notebook
        return Execution(None, ReportError(f"{output}: notebook did not run: {type(error).__name__}: {error}"))
    if not done_marker.is_file():
        return Execution(executed, ReportError(f"{output}: notebook stopped before its last cell"))
    return Execution(executed, None)
