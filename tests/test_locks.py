"""The two locks: requirements.lock (development: tests, notebook authoring) and
requirements-runtime.lock (operators), which must be exactly the pins of the first that
perfaudit's own dependencies need."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_runtime_lock_is_the_runtime_closure_of_the_full_lock():
    made = subprocess.run([sys.executable, str(REPO / "deploy" / "runtime_lock.py"), str(REPO / "pyproject.toml"),
                           str(REPO / "requirements.lock")], capture_output=True, text=True, check=True).stdout
    assert made == (REPO / "requirements-runtime.lock").read_text(encoding="utf-8"), \
        "requirements-runtime.lock is out of date: ./dev.sh lock (or deploy/runtime_lock.py) makes it"


def test_runtime_lock_has_no_test_or_authoring_tools():
    names = {line.split("==")[0].lower() for line in (REPO / "requirements-runtime.lock").read_text().splitlines()
             if "==" in line}
    assert not names & {"pytest", "hypothesis", "weasyprint", "jupyterlab", "itables", "import-linter"}
    assert {"pandas", "papermill", "nbconvert", "great-expectations", "typst", "python-docx"} <= {
        n.replace("_", "-") for n in names}
