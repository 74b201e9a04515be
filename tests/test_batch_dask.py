"""The batch on a real Dask cluster: a LocalCluster of worker processes (one thread each), reached
through its scheduler address as a remote cluster would be; results land in the same manifest,
run.json and index as with local workers."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import distributed
import pytest

from perfaudit.batch import BatchOptions, run_batch
from perfaudit.batch.records import OK
from perfaudit.errors import ConfigError

# End-to-end runs of the batch and the report stage: the slow part of the suite.
pytestmark = pytest.mark.slow

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        yield cluster


def test_samples_on_a_dask_cluster(cluster, tmp_path):
    options = BatchOptions(executor="dask", scheduler=cluster.scheduler_address, progress=False)
    summary = run_batch([EXAMPLES], tmp_path, options)
    assert summary.exit_code == 0
    assert {run.result.unit_id: run.status for run in summary.units} == {
        "n-a68528022d76": OK, "c-721001-9b9aa6fb": OK, "c-363207-2da5064f": OK}
    assert all(run.result.worker for run in summary.units)
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert {entry["status"] for entry in manifest["units"].values()} == {OK}
    run = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    assert run["executor"] == "dask" and run["counts"]["ok"] == 3
    for entry in manifest["units"].values():
        assert (tmp_path / entry["outputs"]["pdf"]).is_file()
    assert (tmp_path / "index.html").is_file()


def test_workers_running_several_threads_are_refused(tmp_path):
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=True, dashboard_address=":0") as crowded:
        with pytest.raises(ConfigError, match="--nthreads 1"):
            run_batch([EXAMPLES], tmp_path, BatchOptions(executor="dask", scheduler=crowded.scheduler_address, progress=False))


def test_summary_counts_the_workers_the_cluster_has(tmp_path):
    """A one-worker cluster on a machine whose default is one worker per CPU: the summary says 1."""
    from perfaudit.batch import summary_lines

    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0") as single:
        options = BatchOptions(executor="dask", scheduler=single.scheduler_address, workers=4,
                               unit_ids=("c-721001-9b9aa6fb",), progress=False)
        summary = run_batch([EXAMPLES], tmp_path, options)
    assert summary.exit_code == 0 and summary.workers == 1
    assert summary_lines(summary)[-2].endswith("(dask, 1 worker)")
    assert json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))["workers"] == 1


# ------------------------------------------------------------------ a scheduler lost mid-run

def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start(*args: str, log: Path) -> subprocess.Popen:
    with open(log, "ab") as out:
        return subprocess.Popen([sys.executable, "-m", *args], stdout=out, stderr=out, stdin=subprocess.DEVNULL,
                                start_new_session=True)


def _end(process: subprocess.Popen) -> None:
    """End a process and everything it started (a Dask worker's nanny starts the worker), by PID."""
    from perfaudit.batch.worker import kill_tree

    kill_tree(process.pid)
    process.wait(timeout=30)


class Cluster:
    """A Dask scheduler and one single-threaded worker on 127.0.0.1, as separate processes."""

    def __init__(self, root: Path, port: int):
        self.address = f"tcp://127.0.0.1:{port}"
        self.scheduler = _start("distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", str(port),
                                "--no-dashboard", log=root / "scheduler.log")
        self.worker = _start("distributed.cli.dask_worker", self.address, "--nthreads", "1", "--nworkers", "1",
                             "--no-dashboard", log=root / "worker.log")
        with distributed.Client(self.address, timeout=60) as client:
            client.wait_for_workers(1, timeout=60)

    def end(self) -> None:
        for process in (self.worker, self.scheduler):
            if process.poll() is None:
                _end(process)


def _run(inputs: Path, out: Path, address: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "perfaudit", "run", str(inputs), "--out", str(out),
                             "--executor", "dask", "--scheduler", address, "--no-progress"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_lost_scheduler_ends_the_run_with_its_summary_and_the_next_run_heals(tmp_path):
    from perfaudit.outdir import OutputFolder

    inputs, out = tmp_path / "inputs", tmp_path / "reports"
    inputs.mkdir()
    for name in ("guangzhou_wenlian_2024.txt", "julu_wenlian_2024.txt", "tianjin_qunyiguan_2025.txt"):
        shutil.copy(EXAMPLES / name, inputs)
    port = _free_port()
    cluster = Cluster(tmp_path, port)
    try:
        driver = _run(inputs, out, cluster.address)
        deadline = time.monotonic() + 300
        journal = OutputFolder(out).journal
        while not (journal.is_dir() and any(journal.glob("*.json"))):
            assert driver.poll() is None and time.monotonic() < deadline, "the run ended before finishing a unit"
            time.sleep(0.05)
        _end(cluster.scheduler)  # lost: killed with its whole process tree
        stdout, stderr = driver.communicate(timeout=240)
    finally:
        cluster.end()
    assert driver.returncode == 1, stderr
    assert "Traceback" not in stderr and "distributed.client" not in stderr
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["exit_code"] == 1 and run["index_error"] is None
    assert (out / "index.html").is_file() and (out / "index.pdf").is_file()
    statuses = {unit["unit_id"]: unit["status"] for unit in run["units"]}
    lost = sorted(unit_id for unit_id, status in statuses.items() if status != OK)
    assert OK in statuses.values() and lost, statuses  # one finished before the loss, the others did not
    for line in stderr.splitlines():
        assert line.startswith(("FAILED", "REFUSED")) or not line.strip(), line  # one line per failed job
    assert any(line.startswith("3 units:") for line in stdout.splitlines())

    # the next plain run (a new cluster on the same address) rebuilds what the lost scheduler left unbuilt
    cluster = Cluster(tmp_path, port)
    try:
        again = _run(inputs, out, cluster.address)
        stdout, stderr = again.communicate(timeout=300)
    finally:
        cluster.end()
    assert again.returncode == 0, stderr
    healed = json.loads((out / "run.json").read_text(encoding="utf-8"))
    by_id = {unit["unit_id"]: unit for unit in healed["units"]}
    assert all(by_id[unit_id]["status"] == OK for unit_id in lost)
    assert all("a reason of the machine" in by_id[unit_id]["reason"] for unit_id in lost)
