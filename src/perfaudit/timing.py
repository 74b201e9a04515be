"""``StepClock``: wall-clock and CPU seconds per named step, for run.json and the benchmark's
CPU budget (issue: a content change shows what it costs)."""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Iterator


class StepClock:
    """Seconds per step, summed when a step runs again. CPU is this process's (user + system,
    all its threads); work done in other processes (a notebook's kernel) is added by the caller
    with ``add_cpu``."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    @contextmanager
    def __call__(self, step: str) -> Iterator[None]:
        wall, own = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.seconds[step] = round(self.seconds.get(step, 0.0) + time.perf_counter() - wall, 3)
            self.add_cpu(step, time.process_time() - own)

    def add_cpu(self, step: str, seconds: float) -> None:
        self.cpu[step] = round(self.cpu.get(step, 0.0) + seconds, 3)
