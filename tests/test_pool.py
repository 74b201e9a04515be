"""The worker's reused report kernel (``report/kernels/pool.py``) keeps units apart.

A unit that changes the kernel — globals, ``rcParams``, the package (a module function and a
class method), working directory, environment, ``sys.path``, warning filters, logging, pandas
options, the inline backend, a pyplot figure left open — runs first on the pool's kernel; the
next unit on the same kernel must give the HTML a fresh kernel gives, byte for byte. A *probe*
cell added to the next unit's notebook prints each of these pieces of state, so the comparison
covers them even where the report itself would not show the difference; the hostile notebook
ends with the same probe, which proves that each change is there to be seen.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from jupyter_core.utils import run_sync

from perfaudit.outdir import OutputFolder
from perfaudit.pipeline import main as prepare_bundles
from perfaudit.report import report_unit
from perfaudit.report.kernels import NewKernels
from perfaudit.report.kernels.execute import run_notebook
from perfaudit.report.kernels.fork import Zygote
from perfaudit.report.kernels.pool import KernelPool

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
UNIT_NOTEBOOK = REPO / "notebooks" / "unit_audit.ipynb"
TIANJIN, JULU = "c-363207-2da5064f", "c-721001-9b9aa6fb"

PROBE = """\
import logging, os, sys, warnings
import matplotlib, pandas
from matplotlib._pylab_helpers import Gcf
from matplotlib_inline.config import InlineBackend
import perfaudit.report.sections.cover, perfaudit.report.markup
print("globals", sorted(name for name in globals() if not name.startswith("_")))
print("execution count", get_ipython().execution_count)
print("rcParams", matplotlib.rcParams["font.size"], matplotlib.rcParams["axes.facecolor"])
print("open figures", len(Gcf.get_all_fig_managers()))
print("inline backend closes figures", InlineBackend.instance().close_figures)
print("cwd", os.getcwd())
print("environment", os.environ.get("PERFAUDIT_LEAK"))
print("sys.path", sys.path[-1])
print("warning filters", len(warnings.filters))
print("log handlers", len(logging.root.handlers))
print("pandas max_rows", pandas.get_option("display.max_rows"))
print("sections.cover", perfaudit.report.sections.cover.cover.__name__)
print("Element.__html__", perfaudit.report.markup.Element.__html__.__name__)
print("new module", "perfaudit.leaked" in sys.modules)
"""
HOSTILE = """\
import logging, os, sys, types, warnings
import matplotlib, pandas
import matplotlib.pyplot as plt
import perfaudit.report.sections.cover, perfaudit.report.markup
leaked_global = 1
matplotlib.rcParams["font.size"] = 30
matplotlib.rcParams["axes.facecolor"] = "#ff0000"
from matplotlib_inline.config import InlineBackend
InlineBackend.instance().close_figures = False
plt.figure(); plt.plot([1, 2])
os.chdir({elsewhere!r})
os.environ["PERFAUDIT_LEAK"] = "1"
sys.path.append("/leaked/path")
warnings.simplefilter("ignore")
logging.root.addHandler(logging.NullHandler())
pandas.set_option("display.max_rows", 3)
def patched_cover(bundle): return perfaudit.report.markup.element("p", "patched")
perfaudit.report.sections.cover.cover = patched_cover
def patched_html(self): return "<p>patched</p>"
perfaudit.report.markup.Element.__html__ = patched_html
sys.modules["perfaudit.leaked"] = types.ModuleType("perfaudit.leaked")
"""


def notebook_with(path: Path, *cells: str) -> Path:
    """The unit notebook with ``cells`` added before its last (finishing) cell."""
    notebook = nbformat.read(UNIT_NOTEBOOK, as_version=4)
    for number, source in enumerate(cells):
        notebook.cells.insert(len(notebook.cells) - 1, nbformat.v4.new_code_cell(source, id=f"added-{number}"))
    nbformat.write(notebook, path)
    return path


@pytest.fixture(scope="module")
def bundles(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("bundles")
    assert prepare_bundles([str(root), str(EXAMPLES / "tianjin_qunyiguan_2025.txt"),
                            str(EXAMPLES / "julu_wenlian_2024.txt")]) == 0
    return root


@pytest.fixture(scope="module")
def zygote():
    """Kernels forked from a zygote of this process, as in a worker (stopped afterwards)."""
    zygote = Zygote()
    yield zygote
    zygote.stop()


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("notebooks")
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    return {
        "probe": notebook_with(folder / "probe.ipynb", PROBE),
        "hostile": notebook_with(folder / "hostile.ipynb", HOSTILE.format(elsewhere=str(elsewhere)), PROBE),
        "killer": notebook_with(folder / "killer.ipynb", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"),
    }


def render(bundles: Path, unit_id: str, out: Path, notebook: Path, kernels) -> tuple[str, str]:
    """(status, HTML) of one unit, on the kernels of ``kernels`` (a pool, or a new forked kernel each)."""
    record = report_unit(bundles, unit_id, out, notebook=notebook, kernels=kernels)
    html = OutputFolder(out).unit_report(unit_id) / "report.html"
    return record.status, html.read_text(encoding="utf-8") if html.is_file() else ""


@pytest.fixture(scope="module")
def fresh(bundles, zygote, notebooks, tmp_path_factory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("fresh")
    status, html = render(bundles, TIANJIN, out, notebooks["probe"], NewKernels(zygote))
    assert status == "ok"
    return {"probe": html}


def probe_lines(html: str) -> list[str]:
    start = html.index("globals [")
    return html[start:html.index("new module", start)].splitlines()


def test_a_unit_after_a_hostile_one_on_the_same_kernel_renders_as_on_a_fresh_kernel(bundles, zygote, notebooks,
                                                                                     fresh, tmp_path):
    pool = KernelPool(zygote)
    try:
        for round_ in range(2):
            status, hostile_html = render(bundles, JULU, tmp_path / f"hostile-{round_}", notebooks["hostile"], pool)
            assert status == "ok"
            assert "patched" in hostile_html  # its own changes took effect in its own report
            status, html = render(bundles, TIANJIN, tmp_path / f"after-{round_}", notebooks["probe"], pool)
            assert status == "ok"
            assert html == fresh["probe"]
        assert pool.started == 1  # all four units ran on one kernel
    finally:
        pool.close()
    # The probe sees every change the hostile unit made: each of its lines differs from a fresh kernel's
    # (the execution count too, as the hostile notebook has one cell more).
    hostile_lines, fresh_lines = probe_lines(hostile_html), probe_lines(fresh["probe"])
    assert len(hostile_lines) == len(fresh_lines) == PROBE.count("print(") - 1
    same = [line for line, other in zip(hostile_lines, fresh_lines) if line == other]
    assert same == [], same


def test_a_unit_after_a_crash_or_a_timeout_gets_a_new_kernel(bundles, zygote, notebooks, fresh, tmp_path):
    pool = KernelPool(zygote)
    try:
        assert render(bundles, JULU, tmp_path / "killed", notebooks["killer"], pool)[0] == "failed"
        assert render(bundles, TIANJIN, tmp_path / "after-kill", notebooks["probe"], pool) == ("ok", fresh["probe"])
        assert pool.started == 2
        hang = notebook_with(tmp_path / "hang.ipynb", "import time\ntime.sleep(60)")
        marker = tmp_path / "done"
        execution = run_notebook(hang, tmp_path / "hang-out.ipynb", {"unit_id": JULU, "bundle_dir": str(bundles),
                                 "done_marker": str(marker)}, done_marker=marker, cell_timeout=2, kernels=pool)
        assert execution.error is not None and "Timeout" in str(execution.error)
        assert render(bundles, TIANJIN, tmp_path / "after-timeout", notebooks["probe"], pool) == ("ok", fresh["probe"])
        assert pool.started == 3
    finally:
        pool.close()


def test_a_kernel_started_ahead_serves_units_as_a_fresh_one(bundles, zygote, notebooks, fresh, tmp_path):
    pool = KernelPool(zygote)
    try:
        pool.start()
        manager = pool.acquire()
        client = manager.client()
        handshakes = []
        client.kernel_info = lambda *args, **kwargs: handshakes.append(1)
        # nbclient waits for every notebook's kernel to be ready: the pool's answered when it started
        run_sync(client.wait_for_ready)(timeout=5)
        assert handshakes == []
        del client.kernel_info
        pool.release(manager, clean=True)
        for number in range(2):
            assert render(bundles, TIANJIN, tmp_path / str(number), notebooks["probe"], pool) == ("ok", fresh["probe"])
        assert pool.started == 1
    finally:
        pool.close()


def test_kernels_are_replaced_after_recycle_after_units(bundles, zygote, notebooks, fresh, tmp_path):
    pool = KernelPool(zygote, recycle_after=2)
    try:
        for number in range(3):
            assert render(bundles, TIANJIN, tmp_path / str(number), notebooks["probe"], pool) == ("ok", fresh["probe"])
        assert pool.started == 2
    finally:
        pool.close()

