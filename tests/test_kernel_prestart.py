"""Kernels started ahead of time (batch/kernel.py): the next unit gets the pre-started kernel, a
new one is started for the unit after it, a spare that died is replaced, and the report is the
same bytes as with a kernel started the usual way."""

from __future__ import annotations

from pathlib import Path

import psutil
import pytest

from perfaudit.batch import kernel
from perfaudit.batch.kernel import ForkedReportKernelManager, ForkProvisioner, prestart_kernel, use_zygote
from perfaudit.cli import EXIT_OK, main
from perfaudit.report import BUNDLES_DIR, report_unit, unit_report_dir

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
UNIT = "c-721001-9b9aa6fb"


@pytest.fixture(scope="module")
def bundles(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("prestart")
    assert main(["run", str(EXAMPLES / "julu_wenlian_2024.txt"), "--out", str(out), "--no-progress"]) == EXIT_OK
    return out


@pytest.fixture
def zygote():
    use_zygote()
    yield ForkProvisioner.zygote
    if ForkedReportKernelManager.spare is not None:
        ForkedReportKernelManager.spare.discard()
        ForkedReportKernelManager.spare = None
    ForkProvisioner.zygote.stop()
    ForkProvisioner.zygote = None


def _html(out: Path) -> bytes:
    return (unit_report_dir(out, UNIT) / "report.html").read_bytes()


def _render(bundles: Path, out: Path, **kw):
    record = report_unit(bundles / BUNDLES_DIR, UNIT, out, **kw)
    assert record.ok, record.error
    return record


def test_the_next_unit_runs_in_the_prestarted_kernel_and_renders_the_same_bytes(bundles, zygote, tmp_path):
    reference = _render(bundles, tmp_path / "usual")  # a kernel started the usual way (no zygote)
    assert reference.ok
    prestart_kernel()
    spare = ForkedReportKernelManager.spare
    first_pid = spare.provisioner.pid
    adopted = []
    original_new = ForkedReportKernelManager.__new__

    def spy(cls, *args, **kwargs):
        manager = original_new(cls, *args, **kwargs)
        adopted.append(manager is spare)
        return manager

    kernel.ForkedReportKernelManager.__new__ = spy
    try:
        _render(bundles, tmp_path / "prestarted", kernel_manager_class=ForkedReportKernelManager, on_executed=prestart_kernel)
    finally:
        kernel.ForkedReportKernelManager.__new__ = original_new
    assert adopted == [True, False]  # the unit took the spare; on_executed started the next one
    assert not psutil.pid_exists(first_pid) or psutil.Process(first_pid).status() == psutil.STATUS_ZOMBIE
    assert ForkedReportKernelManager.spare is not None and ForkedReportKernelManager.spare.provisioner.pid != first_pid
    assert _html(tmp_path / "prestarted") == _html(tmp_path / "usual")


def test_a_spare_that_died_is_replaced_by_a_new_kernel(bundles, zygote, tmp_path):
    prestart_kernel()
    spare = ForkedReportKernelManager.spare
    spare.provisioner.process.kill()
    spare.provisioner.process.wait(5)
    _render(bundles, tmp_path / "after-death", kernel_manager_class=ForkedReportKernelManager)
    assert ForkedReportKernelManager.spare is None
    assert _html(tmp_path / "after-death").startswith(b"<!DOCTYPE html>")
