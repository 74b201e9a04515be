"""The package installs from a wheel and runs outside the checkout.

The wheel is built the way a user builds it (pip, build isolation: the build requirements of
pyproject.toml are what is installed for the build), then installed into a fresh venv in a
temporary folder. The dependencies are not installed again: a ``.pth`` file in the fresh venv
adds this venv's site-packages (a folder added by a ``.pth`` line is not itself scanned for
``.pth`` files, so the editable install of the checkout stays invisible), and ``JUPYTER_PATH``
their data files. Everything perfaudit
reads — notebooks, suites, examples, templates — must then come from the installed wheel.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLE_UNITS = {"n-a68528022d76", "c-721001-9b9aa6fb", "c-363207-2da5064f"}


def _run(command: list[str], cwd: Path, env: dict[str, str], timeout: int) -> subprocess.CompletedProcess:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, f"{command}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path, dict[str, str]]:
    """(venv, an empty work folder outside the checkout, the environment to run in)."""
    root = tmp_path_factory.mktemp("install")
    env = {name: value for name, value in os.environ.items() if name not in ("PYTHONPATH", "VIRTUAL_ENV")}
    started = time.perf_counter()
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(root / "dist"), str(REPO)],
         root, env, 300)
    built = time.perf_counter()
    wheel, = (root / "dist").glob("perfaudit-*.whl")
    venv = root / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], root, env, 120)
    _run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--quiet",
          "--no-deps", "--no-index", str(wheel)], root, env, 300)
    site = Path(_run([str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                     root, env, 60).stdout.strip())
    (site / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    print(f"wheel built in {built - started:.1f} s, installed in {time.perf_counter() - built:.1f} s")
    work = root / "work"
    work.mkdir()
    # The dependencies' data files (nbconvert's base templates, the kernel spec) are this venv's too.
    jupyter_data = Path(sys.prefix) / "share" / "jupyter"
    return venv, work, {**env, "PATH": f"{venv / 'bin'}{os.pathsep}{env['PATH']}", "JUPYTER_PATH": str(jupyter_data)}


@pytest.mark.slow
def test_installed_package_reads_its_data_from_the_wheel(installed):
    venv, work, env = installed
    probe = (
        "import json, perfaudit, perfaudit.resources as r, perfaudit.validate.suites as s;"
        "print(json.dumps([perfaudit.__file__, str(r.data_dir(r.EXAMPLES)), str(r.notebook(r.UNIT_NOTEBOOK)),"
        " str(s.suites_dir()), str(r.templates_dir())]))"
    )
    paths = json.loads(_run([str(venv / "bin" / "python"), "-c", probe], work, env, 60).stdout)
    for path in paths:
        assert Path(path).resolve().is_relative_to(venv.resolve()), path
    version = _run([str(venv / "bin" / "python"), "-m", "perfaudit", "--version"], work, env, 60)
    assert version.stdout.startswith("perfaudit ")


@pytest.mark.slow
def test_installed_perfaudit_run_reports_on_the_bundled_examples(installed):
    venv, work, env = installed
    started = time.perf_counter()
    run = _run([str(venv / "bin" / "perfaudit"), "run", "--out", "reports", "--no-progress"], work, env, 900)
    print(f"perfaudit run (installed wheel, 3 units): {time.perf_counter() - started:.1f} s")
    record = json.loads((work / "reports" / "run.json").read_text(encoding="utf-8"))
    assert {unit["unit_id"] for unit in record["units"] if unit["status"] == "ok"} == EXAMPLE_UNITS, run.stdout
    for unit_id in EXAMPLE_UNITS:
        folder = work / "reports" / "units" / unit_id
        assert all((folder / f"report.{kind}").stat().st_size > 0 for kind in ("html", "pdf", "ipynb"))
    assert (work / "reports" / "index.html").is_file()
