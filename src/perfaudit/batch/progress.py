"""The progress of a run on stderr: done / failed / skipped, rate and ETA.

On a terminal, a rich live progress bar (redrawn a few times a second, fitted to the terminal's
width, ETA from the units built so far). Otherwise (cron, systemd, a pipe), where a redrawn line
would only fill the log with carriage returns, a plain line every ``PLAIN_EVERY`` seconds and a
last one at the end, so logs stay readable.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from .records import UnitResult

PLAIN_EVERY = 30.0


class Progress:
    def __init__(self, total: int, skipped: int, *, enabled: bool = True, stream: TextIO | None = None,
                 live: bool | None = None):
        """``live`` None: a live bar exactly when ``stream`` is a terminal."""
        self.total, self.skipped = total, skipped
        self.done = self.failed = 0
        self.stream = stream or sys.stderr
        self.enabled = enabled and total > skipped
        self.live = self.enabled and (self.stream.isatty() if live is None else live)
        self.started = time.monotonic()
        self._shown = 0.0
        self._bar = self._start_bar() if self.live else None

    def _start_bar(self):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn, TimeRemainingColumn

        bar = Bar(
            BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[counts]}  {task.fields[rate]}  ETA"),
            TimeRemainingColumn(),
            console=Console(file=self.stream, force_terminal=True, highlight=False), refresh_per_second=5,
        )
        self._task = bar.add_task("", total=self.total, completed=self.skipped, **self._fields())
        bar.start()
        return bar

    def _fields(self) -> dict[str, str]:
        built = self.done + self.failed
        elapsed = time.monotonic() - self.started
        return {
            "counts": f"done {self.done} · failed {self.failed} · skipped {self.skipped}",
            "rate": f"{elapsed / built:.2f} s/unit" if built else "starting",
        }

    def update(self, result: UnitResult) -> None:
        if result.ok:
            self.done += 1
        else:
            self.failed += 1
        if self._bar is not None:
            self._bar.update(self._task, advance=1, **self._fields())
        self.tick()

    def line(self) -> str:
        """The plain line: counts, rate and ETA (from the units built so far)."""
        finished = self.done + self.failed + self.skipped
        built = self.done + self.failed
        elapsed = time.monotonic() - self.started
        eta = _clock(elapsed / built * (self.total - self.skipped - built)) if built else "--:--"
        fields = self._fields()
        return f"{finished}/{self.total}  {fields['counts']}  {fields['rate']}  ETA {eta}"

    def tick(self) -> None:
        """Called while the driver waits: keeps the rate current, prints the plain line when due."""
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.update(self._task, **self._fields())
            return
        now = time.monotonic()
        if now - self._shown >= PLAIN_EVERY:
            print(self.line(), file=self.stream, flush=True)
            self._shown = now

    def close(self) -> None:
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.update(self._task, **self._fields())
            self._bar.stop()  # leaves the last state of the bar on the terminal
        else:
            print(self.line(), file=self.stream, flush=True)
        self.enabled = False


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds + 0.5), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"
