"""The batch on a real Dask cluster: a LocalCluster of worker processes (one thread each), reached
through its scheduler address as a remote cluster would be; results land in the same manifest,
run.json and index as with local workers."""

from __future__ import annotations

import json
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
