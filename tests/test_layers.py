"""The package's architecture holds: the layers contract of pyproject.toml (import-linter) and the
size of its modules."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "src" / "perfaudit"
MAX_MODULE_LINES = 500


def test_the_stages_import_only_the_layers_below_them():
    """``[tool.importlinter]`` in pyproject.toml: cli > batch > report > pipeline > audit > validate
    > ingest > review, bundle > the shared modules; every module of the package placed; and report/
    reaches none of the stages that make bundles."""
    lint_imports = Path(sys.executable).with_name("lint-imports")
    run = subprocess.run([str(lint_imports), "--no-cache", "--config", str(REPO / "pyproject.toml")],
                         cwd=REPO, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 kept, 0 broken" in run.stdout


def test_no_module_is_over_500_lines():
    long = {path.relative_to(PACKAGE).as_posix(): lines for path in PACKAGE.rglob("*.py")
            if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert long == {}
