"""Fresh report kernels in a fraction of a second: forked from a per-worker *zygote*.

Starting a kernel the usual way (a new interpreter, ipykernel, then pandas, matplotlib, pyarrow
and the report module in the notebook's first cell) costs about 1.1 s of CPU per unit, as much
as everything else in a report together. A zygote is a clean Python process that a worker
starts once, with the report kernels' environment: it imports those modules and nothing else
(no thread, no event loop, no ZeroMQ context, no unit data) and waits. For each unit, the
worker's kernel manager asks it to fork; the child starts a new session, takes the environment,
working directory and arguments the kernel manager chose, and runs ipykernel exactly as
``python -m ipykernel_launcher`` would. Every unit still gets a new kernel process of its own,
which has never run code of another unit: a fork copies the zygote, never an earlier kernel.

The kernel manager's provisioner talks to the zygote instead of ``Popen``; kernels are not the
worker's children, so they are watched through a pidfd. When the kernel command is not the
plain ipykernel launcher of this interpreter, or the platform has no pidfd, the kernel is
started the usual way. The zygote itself is ``zygote.py``. The zygote and the file the kernel's
own output goes to are given to each kernel manager (``ForkedReportKernelManager``), never set
for the process.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
from pathlib import Path

from jupyter_client.provisioning import LocalProvisioner

from .execute import KERNEL_ENV, ReportKernelManager
from .zygote import INLINE_BACKEND

LAUNCHER = ("-m", "ipykernel_launcher")


# ------------------------------------------------------------------ the worker side

class Zygote:
    """A running zygote, started with the report kernels' environment."""

    def __init__(self) -> None:
        self._start()

    def _start(self) -> None:
        requests_read, requests_write = os.pipe()
        replies_read, replies_write = os.pipe()
        env = {**os.environ, **KERNEL_ENV, **INLINE_BACKEND}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "perfaudit.report.kernels.zygote", str(requests_read), str(replies_write)],
            pass_fds=(requests_read, replies_write), env=env, stdin=subprocess.DEVNULL,
        )
        os.close(requests_read)
        os.close(replies_write)
        self._requests = os.fdopen(requests_write, "w")
        self._replies = os.fdopen(replies_read, "r")
        self.hash_seed = env.get("PYTHONHASHSEED")
        self._ready = False

    def fork(self, args: list[str], env: dict[str, str], cwd: str, log: str | None) -> int:
        """Pid of a new kernel process run with ``args`` (the launcher's arguments). A zygote that
        died (OOM killer, crash) is replaced by a new one, for this and later kernels."""
        try:
            return self._fork(args, env, cwd, log)
        except OSError:
            self.stop()
            self._start()
            return self._fork(args, env, cwd, log)

    def _fork(self, args: list[str], env: dict[str, str], cwd: str, log: str | None) -> int:
        """Raises OSError when the zygote is gone."""
        try:
            if not self._ready:  # the first request waits for the preloading to finish
                json.loads(self._replies.readline())["ready"]
                self._ready = True
            request = {"args": args, "env": {**env, "JPY_PARENT_PID": str(self.process.pid)}, "cwd": cwd, "log": log}
            self._requests.write(json.dumps(request) + "\n")
            self._requests.flush()
            return json.loads(self._replies.readline())["pid"]
        except (ValueError, KeyError) as error:  # an empty or garbled reply: it died
            raise OSError(f"kernel zygote {self.process.pid} is gone ({error})") from None

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()
        for stream in (self._requests, self._replies):
            try:
                stream.close()
            except OSError:
                pass


class ForkedKernelProcess:
    """The ``Popen`` interface the provisioner uses, for a kernel that is not our child."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None
        self._pidfd = os.pidfd_open(pid)

    def poll(self) -> int | None:
        if self.returncode is None and select.select([self._pidfd], [], [], 0)[0]:
            self.returncode = 0  # the exit status belongs to the zygote, which reaped it
            os.close(self._pidfd)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int | None:
        if self.returncode is None:
            select.select([self._pidfd], [], [], timeout)
        return self.poll()

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class ForkProvisioner(LocalProvisioner):
    """Launches the kernel through its manager's zygote (see the module docstring)."""

    async def launch_kernel(self, cmd: list[str], **kwargs):
        zygote, log_file = self.parent.zygote, self.parent.output_log
        env = dict(kwargs.get("env") or os.environ)
        forkable = (
            zygote is not None
            and cmd[:1] == [sys.executable]
            and tuple(cmd[1:3]) == LAUNCHER
            and env.get("PYTHONHASHSEED") == zygote.hash_seed
        )
        if not forkable:
            return await super().launch_kernel(cmd, **kwargs)
        cwd = str(kwargs.get("cwd") or Path.cwd())
        pid = zygote.fork(cmd[3:], env, cwd, log_file)
        self.process = ForkedKernelProcess(pid)
        self.pid = self.pgid = pid  # the child called setsid(): its own process group
        self.cwd = cwd
        return self.connection_info


class ForkedReportKernelManager(ReportKernelManager):
    """The report stage's kernel manager, with its kernel forked from ``zygote`` (None: started
    the usual way); the kernel's own stdout/stderr go to ``output_log`` (None: the zygote's)."""

    def __init__(self, *, zygote: Zygote | None, output_log: str | None, **kwargs):
        super().__init__(**kwargs)
        self.zygote, self.output_log = zygote, output_log

    async def _async_pre_start_kernel(self, **kw):
        if self.provisioner is None:
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", None) or os.urandom(16).hex()
            self.provisioner = ForkProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
        return await super()._async_pre_start_kernel(**kw)


def can_fork() -> bool:
    """Whether this platform can watch forked kernels (a pidfd)."""
    return hasattr(os, "pidfd_open")


