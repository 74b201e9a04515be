"""The operator's edges: signals and pipes, argument bounds, a Dask scheduler that is not there,
what a run claims to have written, and the scheduling files in deploy/ (checked by the tools that
will read them: systemd-analyze and /bin/sh)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from perfaudit.outdir import OutputFolder
from perfaudit.cli import EXIT_INPUT, main

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
DEPLOY = REPO / "deploy"
PERFAUDIT = [sys.executable, "-m", "perfaudit"]


# ------------------------------------------------------------------ arguments and pipes

@pytest.mark.parametrize("year", ["99", "1999", "2101", "20245", "abcd"])
def test_year_outside_plausible_budget_years_is_a_usage_error(year, tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["ingest", str(EXAMPLES), "--out", str(tmp_path), "--year", year])
    assert stop.value.code == 2
    error = capsys.readouterr().err
    assert "--year" in error and ("not a plausible budget year (expected 2000-2100)" in error or "is not a year" in error)


def test_year_within_bounds_is_taken(tmp_path, capsys):
    assert main(["ingest", str(EXAMPLES / "julu_wenlian_2024.txt"), "--out", str(tmp_path), "--year", "2031"]) == 0
    import pandas as pd

    assert set(pd.read_parquet(tmp_path / "documents.parquet")["budget_year"]) == {2031}


def test_output_into_a_closed_pipe_ends_quietly_with_141():
    """``perfaudit rules | head``: the reader goes away before perfaudit writes."""
    child = subprocess.Popen([*PERFAUDIT, "rules", "--markdown"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    child.stdout.close()
    error = child.stderr.read().decode()
    assert child.wait(timeout=60) == 128 + signal.SIGPIPE
    assert error == ""


def test_rules_piped_to_head_prints_no_traceback():
    done = subprocess.run(["bash", "-c", f"set -o pipefail; {' '.join(PERFAUDIT)} rules --markdown | head -n 1"],
                          capture_output=True, text=True, timeout=60)
    assert done.stdout.startswith("#") and done.stdout.count("\n") == 1
    assert "Traceback" not in done.stderr and "BrokenPipeError" not in done.stderr


# ------------------------------------------------------------------ what a run claims

def test_run_without_documents_claims_no_index(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    for inputs in (empty, tmp_path / "missing"):
        out = tmp_path / f"out-{inputs.name}"
        assert main(["run", str(inputs), "--out", str(out), "--no-progress"]) == EXIT_INPUT
        printed = capsys.readouterr()
        assert "index" not in printed.out and "REFUSED" in printed.err
        assert not (out / "index.html").exists()
        assert json.loads((out / "run.json").read_text(encoding="utf-8"))["index"] == {}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_unreachable_dask_scheduler_is_one_line_and_exit_2(tmp_path):
    config = tmp_path / "fast.toml"
    config.write_text("[batch]\nscheduler_timeout = 1.0\n", encoding="utf-8")
    address = f"tcp://127.0.0.1:{_free_port()}"
    started = time.monotonic()
    done = subprocess.run(
        [*PERFAUDIT, "run", str(EXAMPLES / "julu_wenlian_2024.txt"), "--out", str(tmp_path / "out"), "--no-progress",
         "--executor", "dask", "--scheduler", address, "--config", str(config)],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [done.stderr.strip()], done.stderr
    assert done.stderr.startswith(f"perfaudit: --scheduler {address}: ") and "scheduler_timeout = 1 s" in done.stderr
    assert time.monotonic() - started < 30  # distributed's own default alone is 30 s of retrying
    record = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))
    assert record["exit_code"] == 2 and address in record["error"]


# ------------------------------------------------------------------ SIGTERM

@pytest.fixture(scope="module")
def terminated(tmp_path_factory):
    """A run of two documents on one worker, sent SIGTERM as soon as the first unit is journaled
    (its result may not have reached the driver yet)."""
    root = tmp_path_factory.mktemp("sigterm")
    inputs, out = root / "inputs", root / "reports"
    inputs.mkdir()
    for name in ("julu_wenlian_2024.txt", "tianjin_qunyiguan_2025.txt"):
        shutil.copy(EXAMPLES / name, inputs)
    driver = subprocess.Popen([*PERFAUDIT, "run", str(inputs), "--out", str(out), "--workers", "1", "--no-progress"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while not (OutputFolder(out).journal.is_dir() and any(OutputFolder(out).journal.glob("*.json"))):
        assert driver.poll() is None and time.monotonic() < deadline, "the run ended before finishing a unit"
        time.sleep(0.02)
    driver.send_signal(signal.SIGTERM)
    stdout, stderr = driver.communicate(timeout=120)
    read = lambda name: json.loads((out / name).read_text(encoding="utf-8"))  # noqa: E731
    return driver.returncode, stderr, read("run.json"), read("manifest.json")


def test_sigterm_stops_the_run_with_exit_143(terminated):
    code, stderr, run, _ = terminated
    assert code == 128 + signal.SIGTERM
    assert stderr.strip().splitlines()[-1] == "perfaudit: stopped by SIGTERM"
    assert "Traceback" not in stderr and run["interrupted"] is True
    assert run["exit_code"] == code  # the code the process really exits with


def test_run_json_after_an_interrupt_lists_every_unit_the_manifest_has(terminated):
    _, _, run, manifest = terminated
    listed = {unit["unit_id"]: unit["status"] for unit in run["units"]}
    recorded = {unit_id: entry["status"] for unit_id, entry in manifest["units"].items()}
    assert recorded, "no unit was finished before the stop"
    assert {unit_id: listed.get(unit_id) for unit_id in recorded} == recorded
    assert run["counts"]["ok"] == sum(1 for status in listed.values() if status == "ok")


# ------------------------------------------------------------------ deploy/

def _deploy_copy(root: Path, name: str) -> Path:
    """deploy/NAME with /srv/perfaudit (the documented checkout) pointing at a folder of the test,
    whose .venv/bin/perfaudit is this venv's."""
    (root / ".venv" / "bin").mkdir(parents=True, exist_ok=True)
    link = root / ".venv" / "bin" / "perfaudit"
    if not link.exists():
        link.symlink_to(Path(sys.executable).with_name("perfaudit"))
    copy = root / name
    copy.write_text((DEPLOY / name).read_text(encoding="utf-8").replace("/srv/perfaudit", str(root)), encoding="utf-8")
    return copy


def test_service_is_started_by_the_timer_only():
    settings = lambda name: [line.strip() for line in (DEPLOY / name).read_text(encoding="utf-8").splitlines()  # noqa: E731
                             if line.strip() and not line.startswith("#")]
    service, timer = settings("perfaudit.service"), settings("perfaudit.timer")
    assert "[Install]" not in service and not any(line.startswith("WantedBy") for line in service)  # no batch at boot
    assert "WantedBy=timers.target" in timer
    success = next(line for line in service if line.startswith("SuccessExitStatus="))
    assert set(success.split("=", 1)[1].split()) == {"3", str(128 + signal.SIGTERM)}


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_units_pass_systemd_analyze_verify(tmp_path):
    units = [_deploy_copy(tmp_path, name) for name in ("perfaudit.service", "perfaudit.timer")]
    done = subprocess.run(["systemd-analyze", "verify", *map(str, units)], capture_output=True, text=True, timeout=120)
    # verify exits 0 on an unknown key or section too, and only says so: any word on our files fails.
    complaints = [line for line in done.stderr.splitlines() if "perfaudit" in line]
    assert done.returncode == 0 and complaints == [], done.stderr


def test_cron_line_creates_the_output_folder_before_its_log(tmp_path):
    """The line as cron runs it (/bin/sh -c), with no reports folder yet; no documents either, so
    perfaudit exits 2 at once, having written its REFUSED line into the log."""
    cron = _deploy_copy(tmp_path, "perfaudit.cron")
    line, = [entry for entry in cron.read_text(encoding="utf-8").splitlines() if entry and not entry.startswith("#")]
    command = line.split(None, 5)[5]
    (tmp_path / "documents").mkdir()
    done = subprocess.run(["/bin/sh", "-c", command], capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})  # cron's bare environment
    assert done.returncode == EXIT_INPUT and done.stderr == ""
    log = (tmp_path / "reports" / "cron.log").read_text(encoding="utf-8")
    assert log.startswith(f"REFUSED {tmp_path / 'documents'}: ")  # perfaudit ran and wrote into the log


# ------------------------------------------------------------------ what the terminal shows

def test_progress_in_a_log_is_plain_lines():
    import io

    from perfaudit.batch.progress import Progress
    from perfaudit.batch.records import UnitResult

    log = io.StringIO()
    progress = Progress(total=3, skipped=1, stream=log)
    progress.tick()
    progress.update(UnitResult("a", "ok"))
    progress.update(UnitResult("b", "failed"))
    progress.close()
    lines = log.getvalue().splitlines()
    assert "\r" not in log.getvalue() and "\x1b" not in log.getvalue()
    assert lines[0].startswith("1/3  done 0 · failed 0 · skipped 1  starting  ETA --:--")
    assert lines[-1].startswith("3/3  done 1 · failed 1 · skipped 1  ") and lines[-1].endswith("ETA 00:00")


def test_progress_on_a_terminal_is_a_live_bar_fitted_to_its_width(monkeypatch):
    import io
    import re

    from rich.cells import cell_len

    from perfaudit.batch.progress import Progress
    from perfaudit.batch.records import UnitResult

    monkeypatch.setenv("COLUMNS", "70")
    screen = io.StringIO()
    progress = Progress(total=4, skipped=1, stream=screen, live=True)
    for unit_id in "abc":
        progress.update(UnitResult(unit_id, "ok"))
    progress.close()
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen.getvalue())  # the text without terminal codes
    assert "4/4" in shown and "done 3 · failed 0 · skipped 1" in shown
    assert max(cell_len(line) for line in re.split(r"[\r\n]", shown)) <= 70


def test_progress_is_silent_when_nothing_is_built():
    import io

    from perfaudit.batch.progress import Progress

    screen = io.StringIO()
    progress = Progress(total=2, skipped=2, stream=screen, live=True)
    progress.tick()
    progress.close()
    assert screen.getvalue() == ""


def test_summary_table_aligns_chinese_names_and_never_reads_them_as_markup():
    from rich.cells import cell_len

    from perfaudit.batch.outcome import BatchSummary, UnitRun, summary_lines
    from perfaudit.batch.plan import Plan
    from perfaudit.batch.records import UnitResult

    runs = [UnitRun("ok", "new unit", UnitResult("c-1", "ok", unit_name="广州市文学艺术界联合会（本级）专项[bold]", seconds={"total": 7.1})),
            UnitRun("failed", "RuntimeError: [red]boom", UnitResult("n-abcdef012345", "failed", unit_name="巨鹿县"))]
    lines = summary_lines(BatchSummary(out_dir=Path("/tmp/out"), plan=Plan(), executor="local", workers=2, units=runs))
    header, rows = lines[0], {line.split()[0]: line for line in lines[1:3]}
    column = lambda line, word: cell_len(line[:line.index(f" {word} ") + 1])  # noqa: E731  (in terminal cells)
    assert column(header, "status") == column(rows["c-1"], "ok") == column(rows["n-abcdef012345"], "failed")
    assert "广州市文学艺术界联合会" in rows["c-1"] and "[bold]" not in rows["c-1"] and "…" in rows["c-1"]  # cut to fit
    assert rows["n-abcdef012345"].endswith("RuntimeError: [red]boom")  # text, not markup
