"""Where unit tasks run: local worker processes, or a Dask distributed cluster.

Both executors run the same task (``task.run_unit``) inside a ``WorkerProcess`` guard, so a
hanging or crashing unit fails alone, with the same reasons, on either:

- ``LocalExecutor``: N worker processes on this machine, one driver thread per worker feeding it.
- ``DaskExecutor``: a ``LocalCluster`` (processes, one thread per worker) or the scheduler at
  ``--scheduler ADDRESS``. Each Dask worker keeps one guarded worker process of its own, started
  when the executor starts. Dask workers must run one task at a time (``--nthreads 1``): a
  unit's task waits for its report, and papermill changes the process's working directory. The
  output folder must be on a file system every worker sees at the same absolute path (bundles
  are read from it, reports and logs written to it).

Interface: ``submit(tasks)`` queues tasks (the driver submits each chunk of units as soon as
its bundles are written, so workers start while it prepares the next; ``first=True`` puts them
ahead of those waiting: a department's report takes a few units' time, and a run whose last
task is one has a worker idle while it ends); ``drain(on_result,
on_tick, wait=...)`` hands finished results to ``on_result`` in the calling thread (with
``wait``, until every submitted task is done, calling ``on_tick`` while it waits);
``call(function, *args)`` runs one other job (the portfolio index) on a worker;
``worker_count()`` says how many workers there really are; ``close()`` stops everything.
"""

from __future__ import annotations

import itertools
import os
import queue
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

from ..errors import ConfigError
from ..outdir import OutputFolder
from .records import UnitResult, UnitTask
from .worker import WorkerLost, WorkerProcess, run_unit_guarded

TICK = 0.5  # seconds between progress redraws while waiting


class _Results:
    """Finished results, handed over in the driver's thread."""

    def __init__(self) -> None:
        self.finished: queue.Queue[UnitResult] = queue.Queue()
        self.outstanding = 0

    def drain(self, on_result: Callable[[UnitResult], None], on_tick: Callable[[], None], *, wait: bool) -> None:
        while self.outstanding:
            try:
                result = self.finished.get(timeout=TICK) if wait else self.finished.get_nowait()
            except queue.Empty:
                if not wait:
                    return
                on_tick()
                continue
            self.outstanding -= 1
            on_result(result)


class LocalExecutor(_Results):
    name = "local"

    def __init__(self, workers: int, timeout: float, out_dir: Path):
        super().__init__()
        self.timeout = timeout
        out = OutputFolder(out_dir)
        out.logs.mkdir(parents=True, exist_ok=True)
        self.workers = [WorkerProcess(out.log(f"worker-{slot + 1}")) for slot in range(workers)]
        # (rank, order, task): rank 0 first (a closing feeder's None), then 1 (first=True), then 2
        self._pending: queue.PriorityQueue[tuple[int, int, UnitTask | None]] = queue.PriorityQueue()
        self._order = itertools.count()
        for worker in self.workers:
            worker.start()  # they import the report stack while the driver prepares the bundles
            threading.Thread(target=self._feed, args=(worker,), daemon=True).start()

    def _feed(self, worker: WorkerProcess) -> None:
        while (task := self._pending.get()[2]) is not None:
            self.finished.put(run_unit_guarded(worker, task, self.timeout))

    def submit(self, tasks: list[UnitTask], *, first: bool = False) -> None:
        self.outstanding += len(tasks)
        for task in tasks:
            self._pending.put((1 if first else 2, next(self._order), task))

    def call(self, function: Callable, *args: Any) -> Any:
        return self.workers[0].call(function, args, self.timeout)

    def worker_count(self) -> int:
        return len(self.workers)

    def close(self) -> None:
        for _ in self.workers:
            self._pending.put((0, next(self._order), None))
        for worker in self.workers:
            worker.close()


# ------------------------------------------------------------------ Dask

_GUARD: WorkerProcess | None = None  # in a Dask worker process: its guarded worker


def _dask_guard(out_dir: str) -> WorkerProcess:
    global _GUARD
    if _GUARD is None:
        _GUARD = WorkerProcess(OutputFolder(Path(out_dir)).log(f"dask-worker-{os.getpid()}"))
        _GUARD.start()
    return _GUARD


def start_on_dask_worker(out_dir: str) -> int | None:
    return _dask_guard(out_dir).pid


def run_unit_on_dask_worker(task: UnitTask, timeout: float, out_dir: str) -> UnitResult:
    return run_unit_guarded(_dask_guard(out_dir), task, timeout)


def call_on_dask_worker(function: Callable, args: tuple, timeout: float, out_dir: str) -> Any:
    return _dask_guard(out_dir).call(function, args, timeout)


class DaskExecutor(_Results):
    name = "dask"

    def __init__(self, workers: int, timeout: float, out_dir: Path, scheduler: str | None = None,
                 connect_timeout: float = 10.0):
        import logging

        from distributed import Client, LocalCluster

        super().__init__()
        # distributed logs a lost scheduler as it retries; the run says it once, per unit
        self._quiet = _quiet_distributed()
        self._quiet.__enter__()
        self.timeout = timeout
        self.out_dir = str(out_dir)  # the Dask workers' logs go to its logs/
        OutputFolder(out_dir).logs.mkdir(parents=True, exist_ok=True)
        self.cluster = None
        if scheduler:
            try:
                self.client = _connect(Client, scheduler, connect_timeout)
            except ConfigError:
                self._quiet.__exit__(None, None, None)
                raise
        else:
            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                        dashboard_address=":0", silence_logs=logging.ERROR)
            self.client = Client(self.cluster)
        try:
            self.client.wait_for_workers(1, timeout=connect_timeout if scheduler else None)
        except TimeoutError:
            self.close()
            raise ConfigError(f"--scheduler {scheduler}: no Dask worker joined within {connect_timeout:g} s "
                              "([batch] scheduler_timeout)") from None
        threads = {address: info["nthreads"] for address, info in self.client.scheduler_info()["workers"].items()}
        crowded = sorted(address for address, nthreads in threads.items() if nthreads != 1)
        if crowded:
            self.close()
            raise ConfigError(
                f"Dask workers {', '.join(crowded)} run several threads; perfaudit needs one task at a time "
                "per worker process (start them with 'dask worker ADDRESS --nthreads 1')"
            )
        self.client.run(start_on_dask_worker, self.out_dir)

    def submit(self, tasks: list[UnitTask], *, first: bool = False) -> None:
        self.outstanding += len(tasks)
        for task in tasks:
            try:
                future = self.client.submit(run_unit_on_dask_worker, task, self.timeout, self.out_dir,
                                            key=f"perfaudit-{task.unit_id}-{task.fingerprint[:12]}", pure=False,
                                            priority=1 if first else 0)
            except Exception as error:  # the client has lost its scheduler: the unit fails, the run goes on
                lost = WorkerLost(f"Dask cluster lost: {_one_line(error)}")
                self.finished.put(UnitResult.failed(task, lost.reason, lost))
                continue
            future.add_done_callback(lambda done, task=task: self.finished.put(self._result(done, task)))

    @staticmethod
    def _result(future, task: UnitTask) -> UnitResult:
        try:
            return future.result()
        except Exception as error:  # the Dask worker itself was lost, or the task cancelled
            return UnitResult.failed(task, f"Dask task failed: {_one_line(error)}", error)

    def call(self, function: Callable, *args: Any) -> Any:
        from .worker import JobError

        try:
            future = self.client.submit(call_on_dask_worker, function, args, self.timeout, self.out_dir, pure=False)
            return future.result()
        except JobError:
            raise
        except Exception as error:  # the scheduler or the worker is gone: say so in one line
            raise WorkerLost(f"Dask cluster lost: {_one_line(error)}") from None

    def worker_count(self) -> int:
        return len(self.client.scheduler_info()["workers"])

    def close(self) -> None:
        # A lost scheduler makes closing log and raise: the run is over either way.
        with _quiet_distributed():
            try:
                self.client.close(timeout=5)
            except Exception:  # noqa: BLE001 (nothing left to close on a lost cluster)
                pass
            if self.cluster is not None:
                self.cluster.close()
        self._quiet.__exit__(None, None, None)


def _one_line(error: BaseException) -> str:
    """``FutureCancelledError: … cancelled for reason: scheduler-connection-lost.``: the first line."""
    first = (str(error).strip().splitlines() or [""])[0]
    return f"{type(error).__name__}: {first}" if first else type(error).__name__


@contextmanager
def _quiet_distributed() -> Iterator[None]:
    """distributed's client logs every failed attempt to reach a scheduler: the run says it once."""
    import logging

    quiet = [logging.getLogger(name) for name in ("distributed.client", "distributed.comm", "distributed.core")]
    levels = [logger.level for logger in quiet]
    for logger in quiet:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(quiet, levels):
            logger.setLevel(level)


def _connect(client_class, address: str, timeout: float):
    """A client of the scheduler at ``address``, or one ConfigError line when none answers in time
    (distributed raises after its own 30 s default otherwise)."""
    with _quiet_distributed():
        try:
            return client_class(address, timeout=timeout)
        except (OSError, ValueError) as error:  # nothing answered in time, or an address it cannot use
            reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
            raise ConfigError(f"--scheduler {address}: {reason} ([batch] scheduler_timeout = {timeout:g} s)") from None


def make_executor(kind: str, workers: int, timeout: float, out_dir: Path, scheduler: str | None = None,
                  connect_timeout: float = 10.0):
    if kind == DaskExecutor.name:
        return DaskExecutor(workers, timeout, out_dir, scheduler, connect_timeout)
    if scheduler:
        raise ConfigError("--scheduler needs --executor dask")
    return LocalExecutor(workers, timeout, out_dir)
