"""The live progress line on stderr: done / failed / skipped, rate and ETA.

On a terminal the line is redrawn in place (at most a few times a second); otherwise (cron,
systemd, a pipe) a plain line is printed every ``PLAIN_EVERY`` seconds, so logs stay readable.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from .records import UnitResult

REDRAW_EVERY = 0.2
PLAIN_EVERY = 30.0
BAR_WIDTH = 24


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds + 0.5), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"


class Progress:
    def __init__(self, total: int, skipped: int, *, enabled: bool = True, stream: TextIO | None = None):
        self.total, self.skipped = total, skipped
        self.done = self.failed = 0
        self.stream = stream or sys.stderr
        self.enabled = enabled and total > skipped
        self.live = self.enabled and self.stream.isatty()
        self.started = time.monotonic()
        self._shown = 0.0
        self._open = False

    def update(self, result: UnitResult) -> None:
        if result.ok:
            self.done += 1
        else:
            self.failed += 1
        self.tick()

    def line(self) -> str:
        finished = self.done + self.failed + self.skipped
        to_build = self.total - self.skipped
        built = self.done + self.failed
        elapsed = time.monotonic() - self.started
        filled = int(BAR_WIDTH * finished / self.total) if self.total else BAR_WIDTH
        eta = _clock(elapsed / built * (to_build - built)) if built else "--:--"
        rate = f"{elapsed / built:.2f} s/unit" if built else "starting"
        return (
            f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {finished}/{self.total}  "
            f"done {self.done} · failed {self.failed} · skipped {self.skipped}  {rate}  ETA {eta}"
        )

    def tick(self) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if self.live and now - self._shown >= REDRAW_EVERY:
            self.stream.write("\r\033[K" + self.line())
            self.stream.flush()
            self._open = True
            self._shown = now
        elif not self.live and now - self._shown >= PLAIN_EVERY:
            print(self.line(), file=self.stream, flush=True)
            self._shown = now

    def close(self) -> None:
        if not self.enabled:
            return
        if self.live:
            self.stream.write("\r\033[K" + self.line() + "\n")
        else:
            print(self.line(), file=self.stream)
        self.stream.flush()
        self.enabled = False
