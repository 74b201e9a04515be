"""One run at a time per output folder.

``OUT/.perfaudit.lock`` is locked with ``flock`` on an open file descriptor: the operating system
releases the lock when the holding process ends in any way (including SIGKILL), so a lock left by
a killed run never blocks the next one. The file's content (pid, host, start time) only serves
the message of a run that finds the folder locked; the file itself is left in place, because
removing it would let two runs lock two different files.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
from datetime import datetime, timezone
from pathlib import Path

from ..errors import RunLockedError
from ..outdir import OutputFolder



def _holder(fd: int) -> str:
    try:
        holder = json.loads(os.pread(fd, 4096, 0).decode("utf-8"))
        return f"pid {holder['pid']} on {holder['host']}, started {holder['started']}"
    except (ValueError, KeyError, TypeError):
        return "a process that has not written its details yet"


class OutputLock:
    """``with OutputLock(out_dir):`` — raises RunLockedError naming the running process."""

    def __init__(self, out_dir: Path):
        self.path = OutputFolder(out_dir).lock
        self._fd: int | None = None

    def __enter__(self) -> "OutputLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            os.close(fd)
            raise RunLockedError(
                f"{self.path.parent}: another perfaudit run is writing to this folder ({holder})"
            ) from None
        details = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(details).encode("utf-8"), 0)
        self._fd = fd
        return self

    def __exit__(self, *exc_info) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            os.close(self._fd)  # closing releases the flock
            self._fd = None
