"""The ordinary Jupyter route: ``papermill`` on a shipped notebook, then ``jupyter nbconvert --to
perfaudit_html`` and ``--to perfaudit_pdf`` (the exporters registered by entry point), gives the
bytes ``perfaudit run`` gives for the unit and for its department; ``--help-notebook`` describes
the typed parameters; a relative ``bundle_dir`` is read from the working folder."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from perfaudit.cli import EXIT_OK, main
from perfaudit.outdir import OutputFolder

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
UNIT = "c-721001-9b9aa6fb"


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, f"{command}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    """A folder holding ``OUT`` of ``perfaudit run`` on the Julu sample (a unit whose department is
    its own: no department report) and a department document of three units (a department report)."""
    from department_fixtures import write_three_unit_document

    folder = tmp_path_factory.mktemp("route")
    inputs = folder / "inputs"
    inputs.mkdir()
    shutil.copy(REPO / "examples" / "julu_wenlian_2024.txt", inputs)
    write_three_unit_document(inputs)
    assert main(["run", str(inputs), "--out", str(folder / "OUT"), "--no-progress"]) == EXIT_OK
    return folder


def _route(work: Path, notebook: str, parameter: str, value: str, stem: str) -> None:
    _run([str(BIN / "papermill"), str(REPO / "notebooks" / notebook), f"{stem}.ipynb", "-p", parameter, value,
          "-p", "bundle_dir", "OUT/bundles", "--no-progress-bar"], work)
    for exporter in ("perfaudit_html", "perfaudit_pdf"):
        _run([str(BIN / "jupyter"), "nbconvert", "--to", exporter, f"{stem}.ipynb"], work)


def test_unit_notebook_route_gives_the_bytes_of_perfaudit_run(work):
    _route(work, "unit_audit.ipynb", "unit_id", UNIT, "unit")
    folder = OutputFolder(work / "OUT").unit_report(UNIT)
    assert (work / "unit.html").read_bytes() == (folder / "report.html").read_bytes()
    assert (work / "unit.pdf").read_bytes() == (folder / "report.pdf").read_bytes()


def test_department_notebook_route_gives_the_bytes_of_perfaudit_run(work):
    department, = OutputFolder(work / "OUT").bundles.department_ids()
    _route(work, "department_audit.ipynb", "department_id", department, "department")
    folder = OutputFolder(work / "OUT").department_report(department)
    assert (work / "department.html").read_bytes() == (folder / "report.html").read_bytes()
    assert (work / "department.pdf").read_bytes() == (folder / "report.pdf").read_bytes()


def test_a_missing_relative_bundle_dir_names_the_folder_it_was_read_from(work):
    done = subprocess.run([str(BIN / "papermill"), str(REPO / "notebooks" / "unit_audit.ipynb"), "bad.ipynb",
                           "-p", "bundle_dir", "reports/bundles", "--no-progress-bar"],
                          cwd=work, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode != 0
    assert f"{work.resolve() / 'reports' / 'bundles'}: bundle folder not found" in done.stderr


@pytest.mark.parametrize("notebook, parameters", [
    ("unit_audit.ipynb", ('unit_id: str (default "")', 'bundle_dir: str (default "")')),
    ("department_audit.ipynb", ('department_id: str (default "")', 'bundle_dir: str (default "")')),
    ("portfolio.ipynb", ('out_dir: str (default "../reports")',)),
])
def test_help_notebook_describes_typed_parameters(notebook, parameters):
    shown = _run([str(BIN / "papermill"), "--help-notebook", str(REPO / "notebooks" / notebook)], REPO).stdout
    assert "Unknown type" not in shown
    for described in (*parameters, 'done_marker: str (default "")'):
        assert described in shown
