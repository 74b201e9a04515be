"""A worker's report kernel, reused across units with a reset in between.

A kernel forked from the zygote (``fork.py``) still costs every unit a kernel start: the
IPython shell, ZeroMQ sockets, the client's channels and handshake (≈0.3–0.5 s of wall clock
per unit on 2 cores, measured in benchmarks/README.md). The pool keeps one kernel per worker
and its client, connected, and runs unit after unit on it; before every unit but the first the
kernel is put back as it was when it started (``state.restore``: user namespace and
execution count, working directory, environment, the package's modules, matplotlib and pandas
settings, open figures; the list and what it leaves out are in ``state.py``). The tests of
``tests/test_pool.py`` render a unit after units that change each of these and compare its HTML
with a fresh kernel's, byte for byte.

A kernel is replaced (a new one forked from the zygote):

- after ``RECYCLE_AFTER`` units, so that what a reset does not cover cannot pile up;
- after a unit that did not end well (a cell raised, the notebook stopped early, a cell timed
  out, the kernel died): its state is unknown, and a timed-out kernel may still be busy;
- when the reset itself fails or the kernel is no longer alive.

A hung unit still fails alone: the worker's own timeout kills the worker with its zygote and
kernel (``batch/worker.py``), and the next unit gets a new worker and so a new pool.
"""

from __future__ import annotations

from pathlib import Path

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_core.utils import run_sync
from traitlets import Type

from ...errors import ReportError
from .fork import ForkedReportKernelManager, Zygote

# Units per kernel before it is replaced: chosen, not tuned — one start per 50 units is 2 % of
# the starts of a kernel per unit, and a bound on whatever a reset does not cover. A kernel's
# memory was measured steady across units (≈183 MB RSS over 24 units, benchmarks/README.md).
RECYCLE_AFTER = 50
# Seconds the reset (or the snapshot after start) may take before the kernel is given up.
RESET_TIMEOUT = 60.0

SNAPSHOT_CODE = "import perfaudit.report.kernels.state as _perfaudit_state\n_perfaudit_state.snapshot()\ndel _perfaudit_state"
RESTORE_CODE = "import perfaudit.report.kernels.state as _perfaudit_state\n_perfaudit_state.restore({log!r})\n"


class PooledKernelClient(AsyncKernelClient):
    """The pool kernel's one client: nbclient asks for a client, starts its channels and waits
    for the kernel to be ready for every notebook; the channels (and the heartbeat thread) are
    started once and kept, and the kernel is waited for once, when it starts."""

    _ready = False

    def start_channels(self, *args, **kwargs) -> None:
        if not self.channels_running:
            super().start_channels(*args, **kwargs)

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        # jupyter_client ends every wait by listening for 0.2 s of IOPub silence: 0.2 s of idle
        # wall clock per unit, on a kernel that has just answered the pool's reset.
        if not self._ready:
            await super().wait_for_ready(timeout)
            self._ready = True


class PooledKernelManager(ForkedReportKernelManager):
    """A forked report kernel whose client is made once and handed to each notebook run."""

    client_factory = Type(PooledKernelClient, klass=AsyncKernelClient)


class KernelPool:
    """One worker's reused kernel (see the module docstring), forked from ``zygote`` (None: started
    the usual way). A kernel source (``kernels.KernelSource``)."""

    def __init__(self, zygote: Zygote | None, recycle_after: int = RECYCLE_AFTER):
        self.zygote = zygote
        self.recycle_after = recycle_after
        self._manager: PooledKernelManager | None = None
        self._units = 0  # units run on the current kernel
        self.started = 0  # kernels started so far (the tests read it)

    def start(self) -> None:
        """Start the kernel now, before the first unit asks for it (its output: the zygote's until
        a unit's ``acquire`` points it at that unit's log). A kernel that cannot start is not an
        error here: the first unit's ``acquire`` tries again and that unit fails with the reason."""
        if self._manager is None:
            try:
                self._start(None)
            except Exception:  # noqa: BLE001 (reported by the first unit, see above)
                self.discard()

    def acquire(self, log_file: Path | None = None) -> PooledKernelManager:
        """A started kernel in the state its first unit found, for the next unit; its own output
        goes to ``log_file`` (the unit's log)."""
        log = str(log_file) if log_file else None
        manager = self._manager
        if manager is not None and (self._units >= self.recycle_after or not run_sync(manager.is_alive)()):
            self.discard()
        elif manager is not None:
            try:
                self._run_silently(RESTORE_CODE.format(log=log))
            except ReportError:
                self.discard()
        if self._manager is None:
            self._start(log)
        self._units += 1
        return self._manager

    def release(self, manager: PooledKernelManager, *, clean: bool) -> None:
        """After a unit: ``clean`` False (it failed, stopped or timed out) replaces the kernel."""
        if not clean:
            self.discard()

    def discard(self) -> None:
        manager, self._manager, self._units = self._manager, None, 0
        if manager is not None:
            manager.stop()

    def close(self) -> None:
        self.discard()

    def _start(self, log: str | None) -> None:
        manager = PooledKernelManager(kernel_name="python3", zygote=self.zygote, output_log=log)
        run_sync(manager.start_kernel)()
        self._manager, self._units = manager, 0
        self.started += 1
        client = manager.client()
        client.start_channels()
        run_sync(client.wait_for_ready)(timeout=RESET_TIMEOUT)
        try:
            self._run_silently(SNAPSHOT_CODE)
        except ReportError:
            self.discard()
            raise

    def _run_silently(self, code: str) -> None:
        """Run our own code in the kernel, without output or history; ReportError if it fails."""
        client = self._manager.client()
        try:
            reply = run_sync(client.execute_interactive)(
                code, silent=True, store_history=False, timeout=RESET_TIMEOUT, output_hook=_ignore)
        except (TimeoutError, RuntimeError) as error:
            raise ReportError(f"report kernel did not answer its reset: {error}") from None
        if reply["content"]["status"] != "ok":
            content = reply["content"]
            raise ReportError(f"report kernel reset failed: {content.get('ename')}: {content.get('evalue')}")


def _ignore(message: dict) -> None:
    """Output of the reset code (none is expected: silent, and nothing printed)."""
