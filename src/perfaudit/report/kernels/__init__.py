"""Report kernels: where every report notebook runs, in one place.

- ``execute.py``: ``run_notebook`` (papermill, on a kernel from a source below) and the report
  kernel manager (``KERNEL_ENV``);
- ``fork.py`` and ``zygote.py``: new kernels forked in ~0.05 s from a per-process *zygote* that
  has imported what report kernels import;
- ``pool.py``: one kernel reused from notebook to notebook, ``state.py`` putting it back as it
  was between two.

A *kernel source* hands out a kernel manager for one notebook and takes it back::

    manager = source.acquire(log_file)        # the kernel's own output goes to log_file
    ... papermill runs the notebook on it ...
    source.release(manager, clean=ok)         # clean False: the kernel is not reused

``fresh()`` gives a new kernel per notebook, ``reused()`` this process's pool (a new kernel per
notebook where none was started). A worker process calls ``start_worker()`` once: a zygote and a
pool for its life. Callers (``report_unit``, the batch's tasks) ask for a source; none builds a
kernel. Standard library only at import: ``python -m perfaudit.report.kernels.zygote`` imports
this package before it forks.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .fork import Zygote
    from .pool import KernelPool


class KernelSource(Protocol):
    def acquire(self, log_file: Path | None = None) -> Any: ...

    def release(self, manager: Any, *, clean: bool) -> None: ...


class NewKernels:
    """A new kernel for every notebook, forked from ``zygote`` (None: started the usual way) and
    stopped when the notebook is done."""

    def __init__(self, zygote: "Zygote | None" = None):
        self.zygote = zygote

    def acquire(self, log_file: Path | None = None):
        from .fork import ForkedReportKernelManager

        return ForkedReportKernelManager(kernel_name="python3", zygote=self.zygote,
                                         output_log=str(log_file) if log_file else None)

    def release(self, manager, *, clean: bool) -> None:
        manager.stop()


_zygote: "Zygote | None" = None  # this process's, started by ``start_worker``
_pool: "KernelPool | None" = None


def start_worker() -> None:
    """For a process that runs many notebooks (a batch worker): start its zygote (where the
    platform can watch forked kernels) and its kernel pool with its first kernel, once."""
    global _zygote, _pool
    from .fork import Zygote, can_fork
    from .pool import KernelPool

    if _zygote is None and can_fork():
        _zygote = Zygote()
    _pool = _pool or KernelPool(_zygote)
    _pool.start()


def fresh() -> KernelSource:
    """A new kernel per notebook (forked from this process's zygote, if it has one)."""
    return NewKernels(_zygote)


def reused() -> KernelSource:
    """This process's kernel pool; without ``start_worker``, a new kernel per notebook."""
    return _pool or fresh()
