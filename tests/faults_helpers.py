"""Fault injection for the batch tests (``test_faults.py``), made by script.

- ``clone_document``: a real sample under another unit code, so that one run can hold several
  faulty units besides the three healthy samples;
- ``faulty_notebook``: ``notebooks/unit_audit.ipynb`` with one code cell that misbehaves for
  chosen units only (raise, ``sys.exit(0)``, kill its own kernel, hang);
- ``full_disk_env``: the environment of a run in which writing chosen files of chosen units
  fails with ``ENOSPC``, in every process of the run (driver, workers, kernels): a
  ``sitecustomize`` on ``PYTHONPATH`` calls ``fail_writes_from_env`` at interpreter start.
  Standard library only, no thread: the kernel zygote imports it before it forks.
"""

from __future__ import annotations

import builtins
import errno
import io
import json
import os
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
UNIT_NOTEBOOK = REPO / "notebooks" / "unit_audit.ipynb"
FAULT_CELL_ID = "injected-fault"
FULL_DISK_ENV = "PERFAUDIT_TEST_FULL_DISK"
EVERY_FILE = "*"

# What the injected cell does for each fault; the cell runs right after the unit is opened.
FAULT_CODE = {
    "raise": 'raise RuntimeError("injected fault")',
    "exit": "sys.exit(0)",
    "kill": "os.kill(os.getpid(), signal.SIGKILL)",
    "hang": "time.sleep(600)",
}


def clone_document(text: str, code: str, new_code: str) -> bytes:
    """The document with its unit code replaced: the same content read as another unit."""
    assert code in text
    return text.replace(code, new_code).encode("utf-8")


def faulty_notebook(path: Path, faults: dict[str, str]) -> Path:
    """Write the unit notebook with a cell doing ``FAULT_CODE[faults[unit_id]]`` for those units."""
    branches = "".join(f"if unit_id == {unit_id!r}:\n    {FAULT_CODE[fault]}\n" for unit_id, fault in faults.items())
    notebook = json.loads(UNIT_NOTEBOOK.read_text(encoding="utf-8"))
    at = [cell.get("id") for cell in notebook["cells"]].index("open-unit") + 1
    notebook["cells"].insert(at, {
        "cell_type": "code", "execution_count": None, "id": FAULT_CELL_ID, "metadata": {}, "outputs": [],
        "source": "import os, signal, sys, time\n" + branches,
    })
    path.write_text(json.dumps(notebook, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def full_disk_env(site_dir: Path, full: dict[str, list[str] | str]) -> dict[str, str]:
    """The environment for a run in which ``full[unit_id]`` (file names, or ``EVERY_FILE``) cannot
    be written in that unit's report folder (staging or final)."""
    site_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(__file__, site_dir / "faults_helpers.py")  # this module alone, not all of tests/
    (site_dir / "sitecustomize.py").write_text("import faults_helpers\nfaults_helpers.fail_writes_from_env()\n",
                                               encoding="utf-8")
    path = os.pathsep.join([str(site_dir), os.environ.get("PYTHONPATH", "")])
    return {**os.environ, "PYTHONPATH": path.rstrip(os.pathsep), FULL_DISK_ENV: json.dumps(full)}


def _is_full(file, full: dict) -> bool:
    if not isinstance(file, (str, bytes, os.PathLike)):
        return False  # a file descriptor
    path = Path(os.fsdecode(file))
    names = full.get(path.parent.name.removeprefix(".").removesuffix(".staging"))  # final or staging folder
    return names is not None and path.parent.parent.name == "units" and (names == EVERY_FILE or path.name in names)


def fail_writes_from_env() -> None:
    """Make ``open`` for writing raise ENOSPC for the files ``FULL_DISK_ENV`` names (see ``full_disk_env``)."""
    spec = os.environ.get(FULL_DISK_ENV)
    if not spec:
        return
    full, real_open = json.loads(spec), io.open

    def open_(file, mode="r", *args, **kwargs):
        if any(flag in mode for flag in "wax+") and _is_full(file, full):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), os.fsdecode(file))
        return real_open(file, mode, *args, **kwargs)

    builtins.open = io.open = open_
