"""A refactoring changes no output: the bundled examples built by another commit and by this
checkout give the same files (``outputs_compare.py`` says what is compared and what is not).

The other commit is ``$PERFAUDIT_COMPARE_BASE`` (default ``main``), taken from this repository
with ``git archive`` and run with this environment's Python. Where it is this very commit, the
test still proves that two runs write the same bytes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from outputs_compare import compare

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
BASE = os.environ.get("PERFAUDIT_COMPARE_BASE", "main")


def _run(out: Path, source: Path | None) -> None:
    """``perfaudit run examples/ --out OUT`` with this checkout's package, or ``source``'s."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    if source is not None:
        env["PYTHONPATH"] = str(source / "src")
    run = subprocess.run([sys.executable, "-m", "perfaudit", "run", str(REPO / "examples"), "--out", str(out),
                          "--no-progress"], env=env, cwd=out.parent, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr


def _export(ref: str, folder: Path) -> Path:
    archive = folder / "base.tar"
    # what the package reads (src/perfaudit/data links to the top-level folders), not the test data:
    # the session's HTML safety check would scan the input documents of tests/data as pages
    exported = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", "-o", str(archive), ref,
                               "src", "notebooks", "expectations", "examples"],
                              capture_output=True, text=True, check=False)
    assert exported.returncode == 0, f"git archive {ref}: {exported.stderr.strip()} (set PERFAUDIT_COMPARE_BASE)"
    with tarfile.open(archive) as tar:
        tar.extractall(folder / "base", filter="tar")
    return folder / "base"


def test_the_examples_give_the_same_outputs_as_the_base_commit(tmp_path):
    base = _export(BASE, tmp_path)
    _run(tmp_path / "before", base)
    _run(tmp_path / "after", None)
    comparison = compare(tmp_path / "before", tmp_path / "after")
    print("\n".join(comparison.lines()))
    assert comparison.ok, "\n".join(comparison.lines())
    reports = [path for path in comparison.same if path.startswith(("units/", "departments/", "index."))]
    assert len(reports) == 3 * 5 + 2  # the five files of each of 3 units (each its own one-unit department: no department report), and the index
