"""Worker processes: long-lived, one job at a time, killed and replaced when a job hangs or dies.

A ``WorkerProcess`` is the driver's handle on one worker (``python -m perfaudit.batch.worker``,
in its own session so that Ctrl-C in a terminal reaches only the driver). The worker imports the
report stack and starts its kernel zygote once (``task.warm_up``), says it is ready, then runs
the jobs it receives — a picklable function and its arguments — and sends back their results.

The handle enforces the per-job wall-clock timeout: a job that has not answered in time has its
worker killed with everything below it (zygote, kernel), and the next job gets a new worker. A
worker that dies (a crash in a native library, the OOM killer) is noticed the same way. The
worker ends itself when the process that started it is gone, so a killed run leaves no worker
writing into the output folder behind it.

The local executor runs one handle per worker slot; a Dask worker runs one handle of its own,
which is how the same guarantees hold on a cluster (``executors.py``).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Callable

from .records import UnitResult, UnitTask

READY = "ready"
# How long a new worker may take to import the report stack and start its zygote.
START_TIMEOUT = 300.0
# Workers (and the zygotes and kernels below them) run at a lower priority than the driver: the
# driver's serial work (reading documents, validation and audit of the next bundles, collecting
# results) is what the workers wait for, so it must not queue behind them for a CPU. Measured on
# 2 cores, 20 units: 71-75 s at equal priority, 63-64 s with this (benchmarks/README.md).
WORKER_NICENESS = 5


def without_rfc3987_syntax() -> None:
    """Import jsonschema (papermill, nbformat, Great Expectations use it) without rfc3987-syntax.

    The `jupyter` metapackage installs rfc3987-syntax, and jsonschema then compiles its grammar
    on import: ~2 s more for every process importing papermill or Great Expectations (measured:
    papermill + nbconvert + WeasyPrint 3.5 s -> 1.5 s). It serves only jsonschema's ``iri`` and
    ``iri-reference`` format checks, which no schema validated here uses. Must run before
    jsonschema is imported; it changes nothing in a process that already imported it.
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # None: "import rfc3987_syntax" raises ImportError


class WorkerLost(Exception):
    """The worker did not return a result: it timed out or died (``reason`` says which)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class JobError(Exception):
    """The job raised in the worker; the message carries the worker's traceback."""


def _exit_description(returncode: int | None) -> str:
    if returncode is not None and returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exited with status {returncode}"


def kill_tree(pid: int) -> None:
    """SIGKILL a process and all its descendants (kernels live in sessions of their own)."""
    import psutil

    try:
        root = psutil.Process(pid)
        family = root.children(recursive=True) + [root]
    except psutil.NoSuchProcess:
        return
    for process in family:
        try:
            process.kill()
        except psutil.NoSuchProcess:
            pass
    # Dead once a zombie: the worker's descendants are reaped by whoever adopts them (here a
    # container's PID 1 took ~2 s), and waiting for that cost every run's end seconds.
    deadline = time.monotonic() + 5
    while any(not _dead(process) for process in family) and time.monotonic() < deadline:
        time.sleep(0.01)


def _dead(process) -> bool:
    import psutil

    try:
        return process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


class WorkerProcess:
    """A handle on one worker process; started on first use, restarted after a loss."""

    def __init__(self, log_file: Path | None = None, *, warm: bool = True):
        self.log_file = log_file
        self.warm = warm  # False: skip the report stack's warm-up (tests of the guard itself)
        self._process: subprocess.Popen | None = None
        self._conn: Connection | None = None
        self._ready = False
        self._lifecycle = threading.Lock()  # the driver's close() may stop a worker its feeder is using
        self._closed = False

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self) -> None:
        """Start the worker without waiting for it (it warms up while the driver works)."""
        with self._lifecycle:
            if self._closed:
                raise WorkerLost("the run is stopping")
            if self._process is None:
                self._spawn()

    def _spawn(self) -> None:
        ours, theirs = socket.socketpair()
        log = open(self.log_file, "ab") if self.log_file else None
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "perfaudit.batch.worker", str(theirs.fileno()), "warm" if self.warm else "cold"],
                pass_fds=(theirs.fileno(),), start_new_session=True,
                stdin=subprocess.DEVNULL, stdout=log, stderr=log,
            )
        finally:
            theirs.close()
            if log:
                log.close()
        self._conn = Connection(ours.detach())
        self._ready = False

    def _receive(self, timeout: float, what: str) -> Any:
        process, conn = self._process, self._conn
        if process is None or conn is None:
            raise WorkerLost(f"worker process stopped before {what}")
        try:
            if not conn.poll(timeout):
                self.stop()
                raise WorkerLost(f"{what} timed out after {timeout:g} s")
            return conn.recv()
        except (EOFError, OSError):
            returncode = process.wait()
            self.stop()
            raise WorkerLost(f"worker process {_exit_description(returncode)} during {what}") from None

    def call(self, function: Callable, args: tuple, timeout: float, what: str = "the job") -> Any:
        """``function(*args)`` in the worker; raises WorkerLost (timeout, death) or JobError."""
        self.start()
        if not self._ready:
            self._receive(START_TIMEOUT, "worker start")
            self._ready = True
        conn = self._conn
        try:
            if conn is None:
                raise OSError("stopped")
            conn.send((function, args))
        except OSError:  # stopped meanwhile, or died while idle
            self.stop()
            raise WorkerLost(f"worker process gone before {what}") from None
        outcome, value = self._receive(timeout, what)
        if outcome == "error":
            raise JobError(value)
        return value

    def close(self) -> None:
        """Stop the worker for good: a later call raises WorkerLost instead of starting another."""
        self._closed = True
        self.stop()

    def stop(self) -> None:
        """Kill the worker and everything below it; the next call starts a new one."""
        with self._lifecycle:
            if self._process is not None:
                kill_tree(self._process.pid)
                self._process.wait()
            if self._conn is not None:
                self._conn.close()
            self._process = self._conn = None


def run_unit_guarded(worker: WorkerProcess, task: UnitTask, timeout: float) -> UnitResult:
    """One unit on ``worker``; a timeout or a dead worker becomes the unit's failure."""
    from .task import run_unit

    started = time.perf_counter()
    try:
        return worker.call(run_unit, (task,), timeout, what="the unit")
    except (WorkerLost, JobError) as lost:
        reason = lost.reason if isinstance(lost, WorkerLost) else str(lost).strip().splitlines()[-1]
        return UnitResult.failed(
            task, reason, lost, seconds={"total": round(time.perf_counter() - started, 3)},
            worker=f"{socket.gethostname()}:{worker.pid}",
        )


# ------------------------------------------------------------------ inside the worker process

def _exit_with_parent() -> None:
    """End this worker (and so its zygote and kernels) as soon as its parent is gone."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def serve(fd: int, warm: bool) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.nice(WORKER_NICENESS)
    without_rfc3987_syntax()
    _exit_with_parent()
    conn = Connection(fd)
    if warm:
        from .task import warm_up

        warm_up()
    conn.send(READY)
    while True:
        try:
            function, args = conn.recv()
        except EOFError:
            return
        try:
            reply = ("ok", function(*args))
        except BaseException:  # the job's own failure, reported to the driver
            reply = ("error", traceback.format_exc())
        conn.send(reply)


if __name__ == "__main__":
    serve(int(sys.argv[1]), sys.argv[2] == "warm")
