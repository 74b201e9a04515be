"""Rebuilds after a decision: the same incremental run as ``perfaudit run``, one at a time, queued.

A decision on a unit asks for its department (``--department``: the department's report, and of
its units those whose fingerprint changed — the unit whose review file changed) and, with any
unit built, the index. Requests that arrive while a run goes on are merged into the next run;
two runs never overlap (and ``run_batch`` holds the output folder's lock: a run started by
someone else, e.g. cron, makes ours wait and try again).

The run is ``perfaudit run`` in a child process: ``run_batch`` installs a SIGTERM handler (main
thread only) and starts worker processes, and a child keeps the server answering meanwhile. It
gets its own session, so Ctrl-C on the server reaches it once, from ``stop``, and it saves its
manifest before it ends.

Each request gets a ticket (a number); ``status()["completed"]`` is the last ticket whose run
has finished, so a page knows when the run that includes its decision is done.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from pathlib import Path

from ..outdir import OutputFolder

EXIT_LOCKED = 3  # cli.EXIT_LOCKED: another run holds the output folder
LOCKED_RETRY_SECONDS = 2.0
STOP_WAIT_SECONDS = 60.0
TAIL_LINES = 20


class Rebuilder:
    """Queue of rebuilds for one output folder; ``inputs`` are the documents of ``perfaudit run``."""

    def __init__(self, out_dir: Path, inputs: list[Path], run_options: list[str] = ()):
        self.out_dir, self.inputs, self.run_options = out_dir, list(inputs), list(run_options)
        self._cond = threading.Condition()
        self._pending: set[tuple[str, str]] = set()  # ("--department", id) or ("--unit", id)
        self._units: set[str] = set()  # the units whose decisions the pending run carries
        self._requested = self._completed = 0
        self._state, self._since, self._last = "idle", None, None
        self._tail: deque[str] = deque(maxlen=TAIL_LINES)
        self._process: subprocess.Popen | None = None
        self._stopping = False
        self._thread = threading.Thread(target=self._loop, name="perfaudit-rebuild", daemon=True)
        self._thread.start()

    def _check_inputs(self) -> str | None:
        """Why the inputs cannot rebuild this folder, or None. A run drops the units whose input
        is missing from the index (their reports move to orphaned/): the inputs must hold every
        file the last run read (``manifest.json`` ``files``)."""
        from ..batch.manifest import Manifest
        from ..ingest import discover

        missing = sorted(set(Manifest.load(self.out_dir).files) - {name for name, _ in discover(self.inputs)})
        if missing:
            return (f"--inputs lack {len(missing)} file(s) the last run of {self.out_dir} read ({', '.join(missing[:5])}"
                    f"{', …' if len(missing) > 5 else ''}): give the same inputs as `perfaudit run`")
        return None

    def command(self, selection: set[tuple[str, str]]) -> list[str]:
        chosen = [word for pair in sorted(selection) for word in pair]
        return [sys.executable, "-m", "perfaudit", "run", *map(str, self.inputs), "--out", str(self.out_dir),
                *chosen, "--workers", "1", "--no-progress", *self.run_options]

    def request(self, unit_id: str, department_id: str | None) -> int | None:
        """Queue the rebuild of a unit (with its department and the index); returns its ticket
        (None when rebuilds are disabled: the inputs do not match the folder)."""
        with self._cond:
            if self._state == "disabled":
                return None
            self._pending.add(("--department", department_id) if department_id else ("--unit", unit_id))
            self._units.add(unit_id)
            self._requested += 1
            if self._state == "idle":
                self._state, self._since = "queued", time.time()
            self._cond.notify()
            return self._requested

    def status(self) -> dict:
        with self._cond:
            return {"state": self._state, "requested": self._requested, "completed": self._completed,
                    "seconds": round(time.time() - self._since, 1) if self._since else None,
                    "last": self._last, "output": list(self._tail)}

    def _loop(self) -> None:
        try:
            refused = self._check_inputs()  # here, not at start-up: reading the inputs imports the ingest stage
        except Exception as error:  # noqa: BLE001 - the thread's boundary: say why, never die silently
            refused = f"the inputs cannot be read: {error}"
        if refused:
            print(f"perfaudit serve: reports will not be rebuilt: {refused}", file=sys.stderr, flush=True)
            with self._cond:
                self._state, self._last = "disabled", {"ok": False, "message": refused}
                self._completed = self._requested = 0
                self._cond.notify_all()
            return
        while True:
            with self._cond:
                while not self._pending and not self._stopping:
                    self._cond.wait()
                if self._stopping:
                    return
                selection, self._pending = self._pending, set()
                units, self._units = self._units, set()
                ticket = self._requested
                self._state, self._since = "running", time.time()
                self._tail.clear()
            code = self._run(selection)
            with self._cond:
                if code == EXIT_LOCKED and not self._stopping:  # someone else's run: ours comes after it
                    self._pending |= selection
                    self._units |= units
                    self._state = "waiting"
                else:
                    self._completed = ticket
                    self._last = {"ticket": ticket, "exit_code": code, **self._outcome(code, units)}
                    self._state = "queued" if self._pending else "idle"
                    self._since = time.time() if self._pending else None
                    self._cond.notify_all()
            if code == EXIT_LOCKED:
                time.sleep(LOCKED_RETRY_SECONDS)

    def _outcome(self, code: int, units: set[str]) -> dict:
        """Whether the run rebuilt the units asked for (``run.json``): exit 1 also means that some
        other unit or input failed, which is no failure of this decision."""
        problems = [line for line in self._tail if line.startswith(("FAILED", "perfaudit:"))]
        if code in (0, 1):
            try:
                statuses = {u["unit_id"]: (u["status"], u.get("reason")) for u in
                            json.loads(OutputFolder(self.out_dir).run_record.read_text(encoding="utf-8"))["units"]}
            except (OSError, ValueError, KeyError, TypeError):
                statuses = {}
            outcomes = {unit: statuses.get(unit, ("failed", "not in run.json")) for unit in sorted(units)}
            failed = [f"{unit}: {reason}" for unit, (status, reason) in outcomes.items() if status == "failed"]
            if not failed:
                return {"ok": True, "message": self._tail[-1] if self._tail else ""}
            problems = failed or problems
        return {"ok": False, "message": "; ".join(problems) or (self._tail[-1] if self._tail else f"exit code {code}")}

    def _run(self, selection: set[tuple[str, str]]) -> int:
        try:
            process = subprocess.Popen(self.command(selection), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, text=True, encoding="utf-8", errors="replace",
                                       start_new_session=True)
        except OSError as error:
            self._tail.append(f"perfaudit run could not start: {error}")
            return 2
        with self._cond:
            self._process = process
            if self._stopping:
                process.send_signal(signal.SIGINT)
        for line in process.stdout:
            line = line.rstrip()
            print(f"[rebuild] {line}", file=sys.stderr, flush=True)
            with self._cond:
                self._tail.append(line)
        code = process.wait()
        with self._cond:
            self._process = None
        return code

    def wait(self, ticket: int, timeout: float) -> bool:
        """Whether the run with ``ticket`` finished within ``timeout`` seconds (for tests and stop)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._completed < ticket:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return True

    def stop(self) -> None:
        """Stop taking requests; a run under way is interrupted (SIGINT: it saves its manifest) and awaited."""
        with self._cond:
            self._stopping = True
            process = self._process
            self._cond.notify_all()
        if process is not None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(STOP_WAIT_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._thread.join(5)
