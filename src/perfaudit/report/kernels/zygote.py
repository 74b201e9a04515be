"""The zygote of report kernels (see ``fork.py``): ``python -m perfaudit.report.kernels.zygote R W``.

Imports only the standard library until it preloads the modules report kernels import; it must
never start a thread, an event loop or a ZeroMQ context, because it forks.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import signal
import sys
import traceback

# What report kernels import (the unit and the portfolio notebooks): loaded once per zygote.
PRELOAD = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "pandas",
    "pyarrow.parquet",
    "matplotlib.figure",
    "matplotlib.backends.backend_agg",
    "matplotlib_inline.backend_inline",
    "perfaudit.report.display",
    "perfaudit.report.portfolio",
    "perfaudit.report.kernels.state",
)
# ipykernel sets this in every kernel; matplotlib reads it when imported, i.e. in the zygote.
INLINE_BACKEND = {"MPLBACKEND": "module://matplotlib_inline.backend_inline"}


def _launch_kernel(request: dict) -> None:
    """In the forked child: become a kernel as ``python -m ipykernel_launcher ARGS`` would."""
    os.setsid()
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if request.get("log"):
        log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(log)
    os.environ.clear()
    os.environ.update(request["env"])
    os.chdir(request["cwd"])
    sys.argv = ["ipykernel_launcher", *request["args"]]
    from ipykernel.kernelapp import IPKernelApp

    IPKernelApp.launch_instance()


def serve(requests_fd: int, replies_fd: int) -> None:
    """The zygote: preload, then fork one kernel per request line until the worker goes away."""
    os.environ["JPY_PARENT_PID"] = str(os.getpid())  # read by ipykernel at import: we are the parent
    for name, value in INLINE_BACKEND.items():
        os.environ.setdefault(name, value)
    for module in PRELOAD:
        try:
            importlib.import_module(module)
        except Exception as error:  # the kernel will meet (and report) the same error itself
            print(f"perfaudit zygote: preloading {module} failed: {error}", file=sys.stderr)
    # What was preloaded lives as long as the kernels: out of the collector's sight, a full
    # collection in a kernel (IPython's reset runs one) costs a few ms instead of ~0.1 s, and the
    # forked kernels keep sharing these pages with the zygote instead of writing to them.
    gc.freeze()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # kernels are reaped automatically
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the driver stops workers; Ctrl-C must not
    with os.fdopen(requests_fd, "r") as requests, os.fdopen(replies_fd, "w") as replies:
        replies.write(json.dumps({"ready": os.getpid()}) + "\n")
        replies.flush()
        for line in requests:  # ends when the worker closes the pipe (or dies)
            pid = os.fork()
            if pid == 0:
                status = 0
                try:
                    requests.close()
                    replies.close()
                    _launch_kernel(json.loads(line))
                except SystemExit as end:
                    status = end.code if isinstance(end.code, int) else 0
                except BaseException:
                    traceback.print_exc()  # into the unit's log; the kernel manager sees a dead kernel
                    status = 1
                finally:
                    os._exit(status)
            replies.write(json.dumps({"pid": pid}) + "\n")
            replies.flush()


if __name__ == "__main__":
    serve(int(sys.argv[1]), int(sys.argv[2]))
