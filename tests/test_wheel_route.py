"""What an operator does with a wheel: a fresh venv, ``pip install -r requirements-runtime.lock``
and the wheel (a real install of the runtime lock, from pip's cache), then, in an empty folder
outside the checkout, the README's lines as written: the "Using the notebooks directly" block
(``perfaudit init``, ``perfaudit run``, papermill, ``jupyter nbconvert --to perfaudit_html`` and
``--to perfaudit_pdf``) and the analysts' GX snippet. The notebook route must give the bytes of
``perfaudit run``."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def _run(command: list[str], cwd: Path, env: dict[str, str], timeout: int) -> subprocess.CompletedProcess:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, f"{command}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


def readme_block(after: str, language: str) -> str:
    """The first ``language`` code block of the README after the text ``after``."""
    start = README.index(after)
    return re.search(rf"```{language}\n(.*?)```", README[start:], re.S).group(1)


@pytest.fixture(scope="module")
def operator(tmp_path_factory):
    """(an empty folder outside the checkout, the environment of the fresh venv). The venv is
    removed afterwards: its packages' own HTML files are not pages we rendered (conftest scans those)."""
    root = tmp_path_factory.mktemp("operator")
    # Nothing of the development venv or of a user's Jupyter set-up: its own kernel spec, PATH first.
    env = {name: value for name, value in os.environ.items()
           if name not in ("PYTHONPATH", "VIRTUAL_ENV", "JUPYTER_PATH", "JUPYTER_CONFIG_DIR")}
    started = time.perf_counter()
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(root / "dist"), str(REPO)],
         root, env, 300)
    wheel, = (root / "dist").glob("perfaudit-*.whl")
    venv = root / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], root, env, 120)
    _run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--quiet",
          "-r", str(REPO / "requirements-runtime.lock"), str(wheel)], root, env, 900)
    print(f"wheel built and installed with the runtime lock in {time.perf_counter() - started:.1f} s")
    work = root / "work"
    work.mkdir()
    env = {**env, "PATH": f"{venv / 'bin'}{os.pathsep}{env['PATH']}", "JUPYTER_DATA_DIR": str(root / "jupyter-data"),
           "PERFAUDIT_CACHE_DIR": str(root / "cache")}
    yield work, env
    shutil.rmtree(venv)


def test_readme_notebook_route_runs_in_a_venv_from_the_runtime_lock(operator):
    work, env = operator
    block = readme_block("## Using the notebooks directly", "bash")
    started = time.perf_counter()
    _run(["bash", "-euo", "pipefail", "-c", block], work, env, 1200)
    print(f"README block (init, run of 3 units, papermill + nbconvert): {time.perf_counter() - started:.1f} s")
    audit = work / "audit"
    assert {p.name for p in audit.iterdir()} >= {"notebooks", "expectations", "examples", "config.toml"}
    # each exported file is the one of perfaudit run, as the block's comments say
    said = re.findall(r"# (\S+) += (\S+)", block)
    assert len(said) == 2
    for exported, made_by_run in said:
        assert (audit / exported).read_bytes() == (audit / made_by_run).read_bytes(), exported


def test_readme_gx_snippet_runs_in_the_working_folder(operator):
    work, env = operator
    audit = work / "gx"
    _run(["perfaudit", "init", str(audit), "-q"], work, env, 120)
    _run(["perfaudit", "ingest", "examples/", "--out", "tables", "-q"], audit, env, 300)
    snippet = readme_block("**Analysts: the suites with plain GX.**", "python")
    done = _run(["python", "-c", snippet + "\nprint('success', run.success)"], audit, env, 600)
    assert re.search(r"^success (True|False)$", done.stdout, re.M), done.stdout
