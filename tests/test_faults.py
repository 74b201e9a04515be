"""Faults in the batch (issue 7, item 2) and what each report records to be reproduced (item 5).

Every fault ends the same way: the faulty unit failed and is named with its reason (``run.json``,
``manifest.json``, the ``FAILED`` lines of ``perfaudit run``, the index), the other units are
built, no half-written report is in place, and a later run rebuilds only what failed.

One run (``faulty``) holds all the faults at once, because each run pays ~15 s of validation and
audit before its first unit: the three samples plus five copies of Julu's document under other
unit codes, on two workers. Tianjin and Julu must be built while Guangzhou outlives its timeout
and each copy fails in its own way: a cell raises, a cell calls ``sys.exit(0)`` (papermill
returns normally there), the kernel is SIGKILLed, the disk is full when the PDF is written, the
disk is full for every file of the unit. The failed units are then retried with the good
notebook in a run that is SIGKILLed as soon as one unit is in place (``interrupted``), and that
run is simply started again (``resumed``). ``perfaudit run`` runs as a subprocess throughout; the
full disk is simulated in every process of the run (``faults_helpers.full_disk_env``).
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import psutil
import pytest

from faults_helpers import EVERY_FILE, FAULT_CELL_ID, UNIT_NOTEBOOK, clone_document, faulty_notebook, full_disk_env
from perfaudit import __version__
from perfaudit.fingerprint import RECIPE_LABELS, config_fingerprint, dependencies_fingerprint
from perfaudit.batch.lock import OutputLock
from perfaudit.outdir import OutputFolder
from perfaudit.batch.records import FAILED, OK, SKIPPED
from perfaudit.cli import EXIT_FAILED, EXIT_INPUT, EXIT_LOCKED, EXIT_OK, main
from perfaudit.fingerprint import settings_fingerprint, suites_fingerprint
from perfaudit.settings import load_settings
from ids import julu_copy

# End-to-end runs of the batch and the report stage: the slow part of the suite.
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
GUANGZHOU, JULU, TIANJIN = "n-a68528022d76", "c-721001-9b9aa6fb", "c-363207-2da5064f"
SOURCES = {GUANGZHOU: "guangzhou_wenlian_2024.txt", JULU: "julu_wenlian_2024.txt", TIANJIN: "tianjin_qunyiguan_2025.txt"}
HEALTHY = (TIANJIN, JULU)
REPORT_FILES = ("report.ipynb", "report.html", "report.pdf", "opinion.docx")
# Seconds per unit in the faulty run: three times what Tianjin, its slowest healthy unit, takes on
# a busy two-core machine. Guangzhou, the largest unit, is sent first, so its hang overlaps the rest.
TIMEOUT = 30


@dataclass(frozen=True)
class Fault:
    name: str
    unit_id: str
    reason: str  # a regular expression the unit's reason matches
    kept: bool  # its folder stays in place with the executed notebook and provenance (status failed)
    notebook_error: str | None = None  # the error the kept notebook shows in the injected cell


FAULTS = (
    Fault("cell raises", julu_copy("721091"), r"cell \d+ raised RuntimeError: injected fault", True, "RuntimeError"),
    Fault("sys.exit(0) in a cell", julu_copy("721092"), r"notebook stopped before its last cell", True, "SystemExit"),
    Fault("kernel killed", julu_copy("721093"), r"DeadKernelError", True),
    Fault("unit over its timeout", GUANGZHOU, rf"timed out after {TIMEOUT} s", False),
    Fault("disk full writing the PDF", julu_copy("721094"), r"No space left on device: .*report\.pdf", True),
    Fault("disk full for the unit", julu_copy("721095"), r"No space left on device", False),
)
NOTEBOOK_FAULTS = {GUANGZHOU: "hang", julu_copy("721091"): "raise", julu_copy("721092"): "exit", julu_copy("721093"): "kill"}
FULL_DISK = {julu_copy("721094"): ["report.pdf"], julu_copy("721095"): EVERY_FILE}
FAILED_UNITS = {fault.unit_id for fault in FAULTS}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def half_written(out: Path) -> list[str]:
    """What is wrong with the unit folders in place (``units/<id>/``; staging folders start with a
    dot). Each must be a whole report (provenance ok; notebook, HTML and PDF present, each with the
    SHA-256 its provenance records) or a failed unit's record (provenance failed; no HTML or PDF)."""
    problems = []
    for folder in sorted((out / "units").iterdir()):
        if folder.name.startswith("."):
            continue
        names = {path.name for path in folder.iterdir()}
        if "provenance.json" not in names:
            problems.append(f"{folder.name}: no provenance.json, files {sorted(names)}")
            continue
        provenance = _read_json(folder / "provenance.json")
        if provenance["status"] == OK:
            problems += [f"{folder.name}: {name} missing" for name in REPORT_FILES if name not in names]
            problems += [f"{folder.name}: {name} is not the file its provenance records"
                         for name, sha256 in provenance["files"].items() if name in names and _sha256(folder / name) != sha256]
        else:
            problems += [f"{folder.name} failed but holds {name}" for name in ("report.html", "report.pdf", "opinion.docx") if name in names]
    return problems


def _fault_cell_errors(notebook: Path) -> list[str]:
    cells = [cell for cell in _read_json(notebook)["cells"] if cell.get("id") == FAULT_CELL_ID]
    return [output["ename"] for cell in cells for output in cell["outputs"] if output["output_type"] == "error"]


@dataclass
class Stage:
    """One run of ``perfaudit run``: exit code and output, and what it left in the output folder
    (taken when it ended: later runs change the folder)."""

    returncode: int
    stdout: str
    stderr: str
    run: dict
    manifest: dict
    files: dict[str, set[str]]  # folder in units/ (staging ones too) -> its file names
    provenance: dict[str, dict]
    fault_cell_errors: dict[str, list[str]]  # unit -> errors its kept notebook shows in the injected cell
    index: str
    half_written: list[str]
    pdf_mtimes: dict[str, float]

    def unit(self, unit_id: str) -> dict:
        return next(unit for unit in self.run["units"] if unit["unit_id"] == unit_id)


class Batch:
    """The inputs, notebook and output folder the runs of this module share."""

    def __init__(self, root: Path):
        self.root, self.inputs, self.out = root, root / "inputs", root / "reports"
        self.inputs.mkdir()
        for name in SOURCES.values():
            (self.inputs / name).write_bytes((EXAMPLES / name).read_bytes())
        julu = (EXAMPLES / SOURCES[JULU]).read_text(encoding="utf-8")
        for unit_id in FAILED_UNITS - {GUANGZHOU}:
            code = unit_id.split("-")[1]
            (self.inputs / f"julu_copy_{code}.txt").write_bytes(clone_document(julu, "721001", code))
        self.faulty_notebook = faulty_notebook(root / "faulty.ipynb", NOTEBOOK_FAULTS)
        self.full_disk_env = full_disk_env(root / "site", FULL_DISK)

    def command(self, *options: str) -> list[str]:
        return [sys.executable, "-m", "perfaudit.cli", "run", str(self.inputs), "--out", str(self.out),
                "--workers", "2", "--no-progress", *options]

    def run(self, *options: str, env: dict[str, str] | None = None) -> Stage:
        done = subprocess.run(self.command(*options), env=env, capture_output=True, text=True, timeout=600)
        units = self.out / "units"
        return Stage(
            returncode=done.returncode, stdout=done.stdout, stderr=done.stderr,
            run=_read_json(self.out / "run.json"), manifest=_read_json(OutputFolder(self.out).manifest),
            files={folder.name: {path.name for path in folder.iterdir()} for folder in units.iterdir()},
            provenance={path.parent.name: _read_json(path) for path in units.glob("*/provenance.json")},
            fault_cell_errors={path.parent.name: _fault_cell_errors(path) for path in units.glob("*/report.ipynb")},
            index=(self.out / "index.html").read_text(encoding="utf-8"),
            half_written=half_written(self.out),
            pdf_mtimes={path.parent.name: path.stat().st_mtime for path in units.glob("*/report.pdf")},
        )


@dataclass
class Interrupted:
    """A run SIGKILLed once a unit of it was in place: what was in place then, who survived it."""

    pid: int
    finished: set[str]  # units it journaled before it died
    lock_holder: dict
    survivors: list[str]
    half_written: list[str]


def _running(process: psutil.Process) -> bool:
    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Batch:
    return Batch(tmp_path_factory.mktemp("faults"))


@pytest.fixture(scope="module")
def faulty(batch) -> Stage:
    return batch.run("--timeout", str(TIMEOUT), "--notebook", str(batch.faulty_notebook), env=batch.full_disk_env)


@pytest.fixture(scope="module")
def interrupted(batch, faulty) -> Interrupted:
    """The retry of the failed units (good notebook, disk no longer full), its process group
    SIGKILLed as soon as one unit of it is in place."""
    journal = OutputFolder(batch.out).journal
    with open(batch.root / "interrupted.log", "w", encoding="utf-8") as log:
        driver = subprocess.Popen(batch.command("--retry-failed"), stdout=log, stderr=subprocess.STDOUT,
                                  start_new_session=True)
        deadline = time.monotonic() + 300
        while not any(journal.glob("*.json")):
            assert driver.poll() is None, "the run ended before it finished a unit"
            assert time.monotonic() < deadline, "no unit finished in 300 s"
            time.sleep(0.05)
        family = psutil.Process(driver.pid).children(recursive=True)  # workers, zygotes, kernels
        os.killpg(driver.pid, signal.SIGKILL)
        driver.wait()
    _, alive = psutil.wait_procs(family, timeout=30)
    return Interrupted(
        pid=driver.pid,
        finished={path.stem for path in journal.glob("*.json")},
        lock_holder=_read_json(OutputFolder(batch.out).lock),
        survivors=[f"{process.pid} {process.name()}" for process in alive if _running(process)],
        half_written=half_written(batch.out),
    )


@pytest.fixture(scope="module")
def resumed(batch, interrupted) -> Stage:
    return batch.run("--retry-failed")


# ------------------------------------------------------------------ the faulty run

def test_faulty_run_exits_1_and_builds_the_healthy_units(faulty):
    assert faulty.returncode == EXIT_FAILED and faulty.run["exit_code"] == EXIT_FAILED
    assert faulty.run["counts"] == {"ok": 2, "failed": len(FAULTS), "skipped": 0, "refused_files": 0, "orphaned": 0}
    for unit_id in HEALTHY:
        assert faulty.unit(unit_id)["status"] == OK
        assert faulty.files[unit_id] == {*REPORT_FILES, "provenance.json"}
    assert f"2 built, {len(FAULTS)} failed" in faulty.stdout


@pytest.mark.parametrize("fault", FAULTS, ids=[fault.name for fault in FAULTS])
def test_fault_fails_its_unit_and_names_it(faulty, fault):
    unit = faulty.unit(fault.unit_id)
    assert unit["status"] == FAILED and re.search(fault.reason, unit["reason"]), unit
    assert faulty.manifest["units"][fault.unit_id]["status"] == FAILED
    printed = [line for line in faulty.stderr.splitlines() if line.startswith(f"FAILED  {fault.unit_id}: ")]
    assert len(printed) == 1 and re.search(fault.reason, printed[0]), faulty.stderr
    assert fault.unit_id in faulty.index
    assert not {"html", "pdf"} & set(unit["outputs"])
    if fault.kept:
        assert faulty.files[fault.unit_id] == {"report.ipynb", "provenance.json"}
        assert faulty.provenance[fault.unit_id]["status"] == FAILED
    else:
        assert fault.unit_id not in faulty.files


@pytest.mark.parametrize("fault", [fault for fault in FAULTS if fault.notebook_error], ids=lambda fault: fault.name)
def test_failed_unit_keeps_its_executed_notebook_with_the_error(faulty, fault):
    assert faulty.unit(fault.unit_id)["outputs"]["ipynb"] == f"units/{fault.unit_id}/report.ipynb"
    assert faulty.fault_cell_errors[fault.unit_id] == [fault.notebook_error]


def test_faulty_run_leaves_no_half_written_report_in_place(faulty):
    assert faulty.half_written == []


# ------------------------------------------------------------------ killed midway, then started again

def test_killed_run_leaves_no_half_written_report_and_no_process(interrupted):
    assert interrupted.finished and interrupted.finished <= FAILED_UNITS
    assert interrupted.half_written == []
    assert interrupted.survivors == []
    assert interrupted.lock_holder["pid"] == interrupted.pid  # the killed run's lock file stays behind


def test_restarted_run_is_not_blocked_and_builds_only_what_was_left(resumed, interrupted, faulty):
    assert resumed.returncode == EXIT_OK and resumed.run["exit_code"] == EXIT_OK
    statuses = {unit["unit_id"]: unit["status"] for unit in resumed.run["units"]}
    assert {unit_id for unit_id, status in statuses.items() if status == OK} == FAILED_UNITS - interrupted.finished
    assert {unit_id for unit_id, status in statuses.items() if status == SKIPPED} == set(HEALTHY) | interrupted.finished
    assert {entry["status"] for entry in resumed.manifest["units"].values()} == {OK}
    assert resumed.half_written == [] and set(resumed.pdf_mtimes) == FAILED_UNITS | set(HEALTHY)
    for unit_id in HEALTHY:  # never rebuilt by the retries
        assert resumed.pdf_mtimes[unit_id] == faulty.pdf_mtimes[unit_id]


def test_restarted_run_clears_what_the_killed_run_left_half_done(resumed, batch):
    assert not [name for name in resumed.files if name.startswith(".")]
    assert not list((batch.out / "bundles").glob(".*"))
    assert not list(OutputFolder(batch.out).journal.glob("*"))


# ------------------------------------------------------------------ one run at a time (CLI)

def test_second_run_exits_3_naming_the_first(tmp_path, capsys):
    with OutputLock(tmp_path):
        assert main(["run", str(EXAMPLES), "--out", str(tmp_path), "--no-progress"]) == EXIT_LOCKED
    error = capsys.readouterr().err
    assert error.startswith("perfaudit: ") and f"pid {os.getpid()}" in error and error.count("\n") == 1


def test_run_without_a_readable_document_exits_2(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("这不是绩效目标表。\n", encoding="utf-8")
    assert main(["run", str(tmp_path), "--out", str(tmp_path / "out"), "--dry-run"]) == EXIT_INPUT
    assert "refused notes.txt: " in capsys.readouterr().out


# ------------------------------------------------------------------ no document text in notebook code

def test_report_kernels_receive_ids_and_paths_only(resumed, batch):
    """Every executed notebook holds the report notebook's own code, plus papermill's parameter
    cell assigning the unit id and two paths: no text of a document ever becomes code."""
    def code_cells(notebook: Path) -> list[tuple[list[str], str]]:
        return [(cell["metadata"].get("tags", []), "".join(cell["source"]))
                for cell in _read_json(notebook)["cells"] if cell["cell_type"] == "code"]

    for unit_id in FAILED_UNITS | set(HEALTHY):
        built_with = batch.faulty_notebook if unit_id in HEALTHY else UNIT_NOTEBOOK  # healthy: never rebuilt
        cells = code_cells(batch.out / "units" / unit_id / "report.ipynb")
        injected = [source for tags, source in cells if "injected-parameters" in tags]
        assert [cell for cell in cells if "injected-parameters" not in cell[0]] == code_cells(built_with)
        assert len(injected) == 1 and injected[0].isascii()
        assigned = {node.targets[0].id: node.value.value for node in ast.parse(injected[0]).body}
        assert assigned == {"unit_id": unit_id, "bundle_dir": str(batch.out / "bundles"),
                            "done_marker": str(batch.out / "units" / f".{unit_id}.staging" / ".complete")}


# ------------------------------------------------------------------ reproducibility

def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _locked() -> dict[str, str]:
    """requirements.lock as {normalised name: version}; every requirement in it must pin with ==."""
    locked = {}
    for line in (REPO / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;]+)", line.strip())
            assert match, f"requirements.lock: not pinned with ==: {line!r}"
            locked[_normal(match.group(1))] = match.group(3)
    return locked


@pytest.mark.parametrize("unit_id", HEALTHY)
def test_report_records_input_hashes_versions_and_configuration(faulty, batch, unit_id):
    provenance = faulty.provenance[unit_id]
    assert provenance["sources"] == [{"file": SOURCES[unit_id], "sha256": _sha256(EXAMPLES / SOURCES[unit_id])}]
    assert provenance["perfaudit_version"] == __version__
    assert provenance["fingerprints"]["rules"] == settings_fingerprint(load_settings())
    assert provenance["fingerprints"]["suites"] == suites_fingerprint()
    locked = _locked()
    assert provenance["packages"] and {name: locked[_normal(name)] for name in provenance["packages"]} == provenance["packages"]
    folder = batch.out / "units" / unit_id  # never rebuilt after the faulty run
    assert provenance["files"] == {name: _sha256(folder / name) for name in REPORT_FILES}


def test_manifest_records_the_recipe_of_the_reports(faulty, batch):
    recipe = faulty.manifest["recipe"]
    assert set(recipe) == set(RECIPE_LABELS)
    assert recipe["config"] == config_fingerprint(load_settings())
    assert recipe["dependencies"] == dependencies_fingerprint()
    assert recipe["notebook"] == _sha256(batch.faulty_notebook)


def test_installs_come_from_pinned_versions():
    locked = _locked()
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = project["dependencies"] + [req for extra in project["optional-dependencies"].values() for req in extra]
    assert {_normal(re.match(r"[A-Za-z0-9._-]+", req).group(0)) for req in wanted} - set(locked) == set()
    assert {name: pinned for name, pinned in locked.items() if version(name) != pinned} == {}
    assert "-m pip install -qq -r requirements.lock" in (REPO / "dev.sh").read_text(encoding="utf-8")
