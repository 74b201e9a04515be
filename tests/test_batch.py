"""The batch stage on the real samples: a sequence of runs on one output folder (first build with
injected failures and a refused input, no-change re-run, --retry-failed, one input changed and
one removed), the plan's decisions, the lock, the worker guard, and a run killed midway."""

from __future__ import annotations

import re

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from perfaudit.batch import BatchOptions, run_batch
from perfaudit.batch.lock import OutputLock
from perfaudit.outdir import OutputFolder
from perfaudit.batch.plan import BUILD, KEEP_FAILED, SKIP, Selection, decide
from perfaudit.batch.records import FAILED, OK, SKIPPED, UnitResult
from perfaudit.batch.worker import WORKER_NICENESS, WorkerLost, WorkerProcess
from perfaudit.errors import RunLockedError

# End-to-end runs of the batch and the report stage: the slow part of the suite.
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
UNIT_NOTEBOOK = REPO / "notebooks" / "unit_audit.ipynb"
GUANGZHOU, JULU, TIANJIN = "n-a68528022d76", "c-721001-9b9aa6fb", "c-363207-2da5064f"
BROKEN = "broken.txt"

# A cell added to the unit notebook after it opens the unit: it fails in the way named by the
# file FLAGS/<unit_id>, if there is one (the notebook itself stays the same across runs).
INJECTED_CELL = """\
import os, pathlib, sys, time
_flag = pathlib.Path({flags!r}) / unit_id
_mode = _flag.read_text().strip() if _flag.exists() else ""
if _mode == "raise":
    raise RuntimeError("injected failure")
if _mode == "kill":
    os.kill(os.getpid(), 9)
if _mode == "exit":
    sys.exit(0)
"""


def failing_notebook(folder: Path, flags: Path) -> Path:
    notebook = json.loads(UNIT_NOTEBOOK.read_text(encoding="utf-8"))
    at = [cell.get("id") for cell in notebook["cells"]].index("open-unit") + 1
    notebook["cells"].insert(at, {"cell_type": "code", "execution_count": None, "id": "inject", "metadata": {},
                                  "outputs": [], "source": INJECTED_CELL.format(flags=str(flags))})
    path = folder / "failing.ipynb"
    path.write_text(json.dumps(notebook, ensure_ascii=False), encoding="utf-8")
    return path


@dataclass
class Stage:
    """One run of the sequence, with what it left in the output folder at that moment."""

    summary: object
    run: dict
    manifest: dict
    mtimes: dict[str, float]
    seconds: float


class Scenario:
    def __init__(self, root: Path):
        self.inputs, self.out, self.flags = root / "inputs", root / "reports", root / "flags"
        shutil.copytree(EXAMPLES, self.inputs)
        (self.inputs / BROKEN).write_text("这不是绩效目标表。\n", encoding="utf-8")
        # what a folder of documents also holds: skipped, never refused, never in the manifest
        (self.inputs / "README.txt").write_text("2024年文件\n", encoding="utf-8")
        (self.inputs / "fetch.log").write_text("downloaded 3 files\n", encoding="utf-8")
        self.flags.mkdir()
        self.notebook = failing_notebook(root, self.flags)

    def run(self, **options) -> Stage:
        started = time.perf_counter()
        summary = run_batch([self.inputs], self.out, BatchOptions(workers=2, notebook=self.notebook, progress=False, **options))
        seconds = time.perf_counter() - started
        mtimes = {str(p.relative_to(self.out)): p.stat().st_mtime
                  for p in self.out.rglob("*") if p.is_file() and ".journal" not in p.parts}
        read = lambda name: json.loads((self.out / name).read_text(encoding="utf-8"))  # noqa: E731
        return Stage(summary, read("run.json"), read("manifest.json"), mtimes, seconds)


def units_of(stage: Stage) -> dict[str, dict]:
    return {unit["unit_id"]: unit for unit in stage.run["units"]}


@pytest.fixture(scope="module")
def scenario(tmp_path_factory) -> Scenario:
    return Scenario(tmp_path_factory.mktemp("batch"))


@pytest.fixture(scope="module")
def first(scenario) -> Stage:
    """Julu's notebook raises, Tianjin's kernel is killed; the broken file is refused."""
    (scenario.flags / JULU).write_text("raise")
    (scenario.flags / TIANJIN).write_text("kill")
    return scenario.run()


@pytest.fixture(scope="module")
def unchanged(scenario, first) -> Stage:
    return scenario.run()


@pytest.fixture(scope="module")
def retried(scenario, unchanged) -> Stage:
    for flag in scenario.flags.iterdir():
        flag.unlink()
    (scenario.inputs / BROKEN).unlink()
    dry = run_batch([scenario.inputs], scenario.out,
                    BatchOptions(retry_failed=True, dry_run=True, notebook=scenario.notebook))
    stage = scenario.run(retry_failed=True)
    stage.dry_lines = dry.plan.lines()
    return stage


@pytest.fixture(scope="module")
def changed(scenario, retried) -> Stage:
    """Tianjin's document is corrected (its bytes change), Guangzhou's is withdrawn."""
    sample = scenario.inputs / "tianjin_qunyiguan_2025.txt"
    sample.write_bytes(sample.read_bytes() + b"\n")
    (scenario.inputs / "guangzhou_wenlian_2024.txt").unlink()
    return scenario.run()


# ------------------------------------------------------------------ first run: failures are isolated

def test_first_run_isolates_failing_units(first, scenario):
    units = units_of(first)
    assert units[GUANGZHOU]["status"] == OK
    assert units[JULU]["status"] == FAILED and "RuntimeError: injected failure" in units[JULU]["reason"]
    assert units[TIANJIN]["status"] == FAILED and "DeadKernelError" in units[TIANJIN]["reason"]
    assert first.run["refused_files"][0]["source_file"] == BROKEN
    assert "no table" in first.run["refused_files"][0]["reason"]  # prose, not a target form
    assert first.summary.exit_code == 1 and first.run["exit_code"] == 1
    assert first.run["counts"] == {"ok": 1, "failed": 2, "skipped": 0, "refused_files": 1, "orphaned": 0}
    assert first.run["skipped_files"] == [{"source_file": "README.txt", "reason": "a README"},
                                          {"source_file": "fetch.log", "reason": "a log file"}]
    assert not {"README.txt", "fetch.log"} & set(first.manifest["files"])


def test_first_run_writes_reports_logs_manifest_and_index(first, scenario):
    good = units_of(first)[GUANGZHOU]
    for kind in ("ipynb", "html", "pdf", "log"):
        assert (scenario.out / good["outputs"][kind]).is_file()
    assert set(good["seconds"]) >= {"execute", "html", "pdf", "total"}
    assert "injected failure" in (scenario.out / units_of(first)[JULU]["outputs"]["log"]).read_text(encoding="utf-8")
    entry = first.manifest["units"][GUANGZHOU]
    assert entry["status"] == OK and len(entry["fingerprint"]) == 64
    assert entry["summary"]["grade"] in "优良中差" and entry["summary"]["projects"] == 17
    assert first.manifest["files"][BROKEN]["status"] == FAILED
    assert sorted(first.manifest["files"]["guangzhou_wenlian_2024.txt"]["units"]) == [GUANGZHOU]
    index = (scenario.out / "index.html").read_text(encoding="utf-8")
    for text in ("广州市文学艺术界联合会", "injected failure", BROKEN, f"units/{GUANGZHOU}/report.pdf", "sort-score-desc"):
        assert text in index
    # every sort label points at a radio button of the CSS-only sort (for=, never for-=)
    targets = set(re.findall(r'<label[^>]* for="(sort-[a-z-]+)"', index))
    radios = [tag for tag in re.findall(r"<input [^>]*>", index) if 'name="sort"' in tag and 'type="radio"' in tag]
    assert targets and targets <= {re.search(r'id="(sort-[a-z-]+)"', tag).group(1) for tag in radios}
    assert "for-=" not in index
    assert (scenario.out / "index.pdf").read_bytes().startswith(b"%PDF")
    assert not list((scenario.out / "units").glob(".*"))  # no staging folder left in place


# ------------------------------------------------------------------ no change: nothing rebuilt

def test_unchanged_run_rebuilds_only_what_the_machine_failed(unchanged, first):
    units = units_of(unchanged)
    assert units[GUANGZHOU]["status"] == SKIPPED and units[GUANGZHOU]["reason"] == "up to date"
    # the notebook raised on Julu's data: its document's failure, kept until the document changes
    assert units[JULU]["status"] == FAILED and "--retry-failed" in units[JULU]["reason"]
    # Tianjin's kernel was killed: a fault of the machine, rebuilt by the next plain run (killed again)
    assert first.manifest["units"][TIANJIN]["error_class"] == "DeadKernelError"
    assert unchanged.manifest["units"][TIANJIN]["finished"] != first.manifest["units"][TIANJIN]["finished"]
    assert units[TIANJIN]["status"] == FAILED and "DeadKernelError" in units[TIANJIN]["reason"]
    assert unchanged.summary.exit_code == 1  # still failed units and a refused file
    assert unchanged.mtimes["units/n-a68528022d76/report.pdf"] == first.mtimes["units/n-a68528022d76/report.pdf"]
    assert unchanged.manifest["units"][JULU] == first.manifest["units"][JULU]  # reasons do not pile up


# ------------------------------------------------------------------ --retry-failed: only the failed units

def test_retry_failed_rebuilds_only_failed_units(retried, unchanged):
    assert any(line.startswith("build") and JULU in line for line in retried.dry_lines)
    assert any(line.startswith("skip") and GUANGZHOU in line for line in retried.dry_lines)
    units = units_of(retried)
    assert {units[JULU]["status"], units[TIANJIN]["status"]} == {OK}
    assert units[GUANGZHOU]["status"] == SKIPPED
    assert retried.mtimes["units/n-a68528022d76/report.pdf"] == unchanged.mtimes["units/n-a68528022d76/report.pdf"]
    assert retried.summary.exit_code == 0 and retried.run["refused_files"] == []
    assert BROKEN not in retried.manifest["files"]


# ------------------------------------------------------------------ one input changed, one removed

def test_changed_input_rebuilds_only_its_unit(changed, retried):
    units = units_of(changed)
    assert units[TIANJIN]["status"] == OK and units[TIANJIN]["reason"] == "input file changed"
    assert units[JULU]["status"] == SKIPPED
    assert changed.mtimes["units/c-721001-9b9aa6fb/report.pdf"] == retried.mtimes["units/c-721001-9b9aa6fb/report.pdf"]
    assert changed.mtimes["index.html"] > retried.mtimes["index.html"]
    assert changed.summary.exit_code == 0


def test_removed_input_orphans_its_unit(changed, scenario):
    assert changed.run["orphaned"] == [GUANGZHOU]
    assert GUANGZHOU not in changed.manifest["units"] and GUANGZHOU not in units_of(changed)
    assert (scenario.out / "orphaned" / GUANGZHOU / "report.pdf").is_file()
    assert not (scenario.out / "units" / GUANGZHOU).exists()
    assert "广州市文学艺术界联合会" not in (scenario.out / "index.html").read_text(encoding="utf-8")


def test_unknown_unit_is_a_usage_error(changed, scenario):
    from perfaudit.batch.run import SelectionError

    with pytest.raises(SelectionError, match="c-000000"):
        run_batch([scenario.inputs], scenario.out, BatchOptions(unit_ids=("c-000000",), dry_run=True))


# ------------------------------------------------------------------ the plan's decisions (pure)

def _previous(status: str = OK, fingerprint: str = "f1") -> UnitResult:
    return UnitResult("u", status, fingerprint=fingerprint, reason="boom" if status == FAILED else None,
                      outputs={"html": "report-html", "pdf": "report-pdf"})  # placeholders, not pages


@pytest.mark.parametrize(
    ("previous", "selection", "fingerprint", "expected"),
    [
        (None, Selection(), "f1", (BUILD, "new unit")),
        (_previous(), Selection(), "f2", (BUILD, "input file changed")),
        (_previous(), Selection(force=True), "f1", (BUILD, "--force")),
        (_previous(FAILED), Selection(), "f1", (KEEP_FAILED, None)),
        (_previous(FAILED), Selection(retry_failed=True), "f1", (BUILD, None)),
        (_previous(), Selection(retry_failed=True), "f2", (SKIP, "not selected")),
        (_previous(), Selection(unit_ids=frozenset({"other"})), "f2", (SKIP, "not selected")),
    ],
)
def test_decide(tmp_path, previous, selection, fingerprint, expected):
    for name in ("report-html", "report-pdf"):
        (tmp_path / name).write_text("")
    action, reason = decide("u", fingerprint, previous, selection, input_changed=True, recipe_changes=[], out_dir=tmp_path)
    assert action == expected[0]
    assert expected[1] is None or reason == expected[1]


def test_documents_are_read_only_when_something_is_to_build(tmp_path):
    from perfaudit.batch.manifest import Manifest
    from perfaudit.fingerprint import unit_fingerprint
    from perfaudit.batch.run import _needs_reading

    found = {"a.txt": (tmp_path / "a.txt", "sha-a")}
    interrupted = Manifest(recipe={"code": "1"}, files={"a.txt": {"sha256": "sha-a", "status": "ok", "units": ["u"]}})
    assert _needs_reading(found, interrupted, {"code": "1"}, Selection(), tmp_path)  # "u" was never built
    for name in ("report-html", "report-pdf"):
        (tmp_path / name).write_text("")
    interrupted.units["u"] = _previous(fingerprint=unit_fingerprint("a.txt", "sha-a", {"code": "1"}, None))
    assert not _needs_reading(found, interrupted, {"code": "1"}, Selection(), tmp_path)
    assert _needs_reading({"a.txt": (tmp_path / "a.txt", "sha-b")}, interrupted, {"code": "1"}, Selection(), tmp_path)
    assert _needs_reading(found, interrupted, {"code": "2"}, Selection(), tmp_path)
    OutputFolder(tmp_path).review_file("u").parent.mkdir()
    OutputFolder(tmp_path).review_file("u").write_text('[findings.0123456789abcdef]\nstatus = "确认"\n', encoding="utf-8")
    assert _needs_reading(found, interrupted, {"code": "1"}, Selection(), tmp_path)  # its review file is new


def test_decide_rebuilds_missing_reports(tmp_path):
    assert decide("u", "f1", _previous(), Selection(), input_changed=False, recipe_changes=[],
                  out_dir=tmp_path) == (BUILD, "report files missing")


# ------------------------------------------------------------------ one run at a time

def test_second_run_is_refused_naming_the_first(tmp_path):
    with OutputLock(tmp_path):
        with pytest.raises(RunLockedError, match=f"pid {os.getpid()}"):
            run_batch([EXAMPLES], tmp_path, BatchOptions(progress=False))


def test_cli_exits_3_naming_the_running_process(tmp_path, capsys):
    from perfaudit.cli import EXIT_LOCKED, main

    with OutputLock(tmp_path):
        assert main(["run", str(EXAMPLES), "--out", str(tmp_path)]) == EXIT_LOCKED
    error = capsys.readouterr().err
    assert f"pid {os.getpid()}" in error and "Traceback" not in error


def test_cli_dry_run_shows_what_would_be_built_and_why(tmp_path, capsys):
    from perfaudit.cli import EXIT_OK, main

    assert main(["run", str(EXAMPLES), "--out", str(tmp_path / "reports"), "--dry-run"]) == EXIT_OK
    out = capsys.readouterr().out.splitlines()
    built = [line.split()[1] for line in out if line.startswith("build")]
    assert sorted(b for b in built if not b.startswith("d")) == sorted([GUANGZHOU, JULU, TIANJIN])
    # each sample is a department of one unit: no department report (it would repeat the unit's)
    assert [b for b in built if b.startswith("d")] == []
    assert all("new unit" in line for line in out if line.startswith("build"))
    assert out[-1].startswith("3 to build, 0 up to date")
    assert not (tmp_path / "reports").exists()  # a dry run changes nothing


def test_lock_of_a_killed_run_does_not_block(tmp_path):
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; from perfaudit.batch.lock import OutputLock\n"
                               "with OutputLock(Path(sys.argv[1])):\n    print('locked', flush=True); time.sleep(60)",
         str(tmp_path)],
        stdout=subprocess.PIPE, text=True,
    )
    assert holder.stdout.readline().strip() == "locked"
    with pytest.raises(RunLockedError, match=f"pid {holder.pid}"):
        OutputLock(tmp_path).__enter__()
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    with OutputLock(tmp_path):
        pass


# ------------------------------------------------------------------ the worker guard

@pytest.fixture(scope="module")
def bare_worker():
    worker = WorkerProcess(warm=False)
    yield worker
    worker.stop()


def test_worker_guard_times_out_a_hanging_job_and_recovers(bare_worker):
    first_pid = bare_worker.call(os.getpid, (), 30)
    with pytest.raises(WorkerLost, match="timed out after 1 s"):
        bare_worker.call(time.sleep, (60,), 1)
    assert not psutil.pid_exists(first_pid) or psutil.Process(first_pid).status() == psutil.STATUS_ZOMBIE
    assert bare_worker.call(os.getpid, (), 30) != first_pid


def test_workers_yield_the_cpu_to_the_driver(bare_worker):
    # os.nice(0) reads this process's niceness; a worker's children (zygote, kernels) inherit its own.
    assert bare_worker.call(os.nice, (0,), 30) == min(os.nice(0) + WORKER_NICENESS, 19)


def test_worker_guard_reports_a_dying_worker(bare_worker):
    with pytest.raises(WorkerLost, match="killed by SIGKILL"):
        bare_worker.call(os.kill, (bare_worker.call(os.getpid, (), 30), signal.SIGKILL), 30)


def test_tasks_submitted_first_go_ahead_of_those_waiting(monkeypatch, tmp_path):
    import threading

    from perfaudit.batch import executors
    from perfaudit.batch.records import UnitTask

    class IdleWorker:  # the queue's order is the test, not the worker
        def __init__(self, log_file):
            pass

        start = close = lambda self: None

    ran, first_taken, release = [], threading.Event(), threading.Event()

    def run(worker, task, timeout):
        ran.append(task.unit_id)
        first_taken.set()
        release.wait(30)
        return UnitResult(task.unit_id, OK)

    monkeypatch.setattr(executors, "WorkerProcess", IdleWorker)
    monkeypatch.setattr(executors, "run_unit_guarded", run)
    executor = executors.LocalExecutor(1, 30, tmp_path)
    try:
        task = lambda unit_id: UnitTask(unit_id, unit_id, None, "f.txt", "0" * 64, str(tmp_path), str(tmp_path))
        executor.submit([task("u1"), task("u2"), task("u3")])
        assert first_taken.wait(30)  # u1 is running: u2 and u3 wait
        executor.submit([task("department")], first=True)
        release.set()
        executor.drain(lambda result: None, lambda: None, wait=True)
    finally:
        executor.close()
    assert ran == ["u1", "department", "u2", "u3"]


# ------------------------------------------------------------------ killed midway

def test_run_killed_midway_completes_without_redoing_finished_units(tmp_path):
    inputs, out = tmp_path / "inputs", tmp_path / "reports"
    inputs.mkdir()
    for name in ("julu_wenlian_2024.txt", "tianjin_qunyiguan_2025.txt"):  # the two smaller samples
        shutil.copy(EXAMPLES / name, inputs)
    command = [sys.executable, "-c", "import sys; from pathlib import Path; from perfaudit.batch import BatchOptions, run_batch\n"
                                     "run_batch([Path(sys.argv[1])], Path(sys.argv[2]), BatchOptions(workers=1, progress=False))",
               str(inputs), str(out)]
    driver = subprocess.Popen(command)
    journal = OutputFolder(out).journal
    deadline = time.monotonic() + 180
    while not (journal.is_dir() and any(journal.glob("*.json"))):
        assert driver.poll() is None and time.monotonic() < deadline, "the run ended before finishing a unit"
        time.sleep(0.05)
    family = psutil.Process(driver.pid).children(recursive=True)
    driver.send_signal(signal.SIGKILL)
    driver.wait()
    _, alive = psutil.wait_procs(family, timeout=10)
    assert not [p for p in alive if p.status() != psutil.STATUS_ZOMBIE], "workers or kernels outlived the killed run"
    finished = {path.stem for path in journal.glob("*.json")}
    for folder in (out / "units").iterdir():  # whatever is in place is complete
        assert folder.name.startswith(".") or (folder / "provenance.json").is_file()

    summary = run_batch([inputs], out, BatchOptions(workers=1, progress=False))
    statuses = {run.result.unit_id: run.status for run in summary.units}
    assert summary.exit_code == 0 and set(statuses.values()) <= {OK, SKIPPED}
    assert {unit_id for unit_id, status in statuses.items() if status == SKIPPED} >= finished
    assert not list((out / "units").glob(".*"))


# ------------------------------------------------------------------ the portfolio's sort orders (pure)

def test_sort_ranks_order_units_with_missing_values_last():
    import pandas as pd

    from perfaudit.report.portfolio import SORT_ORDERS, sort_ranks

    units = pd.DataFrame({
        "unit_id": ["a", "b", "c"], "unit_name": ["乙", "甲", "丙"], "department": ["部门二", "部门一", "部门一"],
        "score": [70.0, None, 90.0], "budget": [5.0, 50.0, None], "error": [1, 0, 2], "warning": [0, 3, 0],
        "info": [0, 0, 0], "status": ["ok", "failed", "ok"], "open": [1, None, 2],
        "conclusion_rank": [1.0, None, 0.0],  # 中, none (failed), 差
    })
    ranks = sort_ranks(units)
    assert set(ranks.columns) == set(SORT_ORDERS)
    by = lambda order: list(units.loc[ranks[order].sort_values().index, "unit_id"])  # noqa: E731
    assert by("score-desc") == ["c", "a", "b"] and by("score-asc") == ["a", "c", "b"]
    assert by("budget-desc") == ["b", "a", "c"]
    assert by("findings-desc") == ["c", "a", "b"]
    assert by("status") == ["b", "c", "a"]  # failed first, then by name (丙 < 乙 in code point order)
    assert by("open-desc") == ["c", "a", "b"]  # findings still open, most first
    assert by("conclusion") == ["c", "a", "b"]  # 差 first, a unit without a result last
    assert by("department")[0] in {"b", "c"} and by("department")[-1] == "a"
