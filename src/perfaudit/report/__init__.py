"""Report stage: unit bundle -> executed notebook -> HTML and PDF.

Entry points:

- ``prepare.write_unit_bundles(dataset, root, settings)``: validate, audit and write one bundle
  per unit (driver side, once per batch);
- ``report_unit(bundle_root, unit_id, out_dir)``: a plain function of paths, picklable for worker
  processes, writing ``out_dir/units/<unit_id>/report.{ipynb,html,pdf}``, ``opinion.docx`` (the
  审核意见书) and ``provenance.json``
  and returning a small ``UnitReport`` record. It never raises for a unit that fails: the record
  says why, and the executed notebook with the error stays in the unit's folder.

The notebook kernel imports only ``display`` (and what it needs); papermill, nbconvert, Typst
and pandas are imported when ``report_unit`` runs (a no-change batch run imports this package
and needs none of them).
"""

from __future__ import annotations

import hashlib
import json
import platform
import shutil
import socket
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path
from typing import Callable

from .. import __version__

BUNDLES_DIR = "bundles"
UNITS_DIR = "units"
DEPARTMENTS_DIR = "departments"  # OUT/departments/<department_id>/: the department reports
REPORT_STEM = "report"
OPINION_FILE = "opinion.docx"  # the 审核意见书, editable in Word
PROVENANCE_FILE = "provenance.json"
OK, FAILED = "ok", "failed"
_RECORDED_PACKAGES = ("papermill", "nbconvert", "typst", "matplotlib", "pandas", "great_expectations")


@dataclass(frozen=True)
class UnitReport:
    """What happened to one unit's (or department's: ``unit_id`` is then its id) report (small and
    picklable: a batch collects these)."""

    unit_id: str
    status: str
    folder: str
    files: tuple[str, ...] = ()
    error_class: str | None = None
    error: str | None = None
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == OK


def unit_report_dir(out_dir: Path, unit_id: str) -> Path:
    return out_dir / UNITS_DIR / unit_id


def _sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _provenance(meta: dict, staging: Path, record: UnitReport, started: datetime) -> dict:
    return {
        "unit_id": record.unit_id,
        "status": record.status,
        "error": record.error,
        "started": started.isoformat(timespec="seconds"),
        "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "seconds": record.seconds,
        "host": socket.gethostname(),
        "python": platform.python_version(),
        "perfaudit_version": __version__,
        "packages": {name: version(name) for name in _RECORDED_PACKAGES},
        "sources": meta["sources"],
        "fingerprints": meta["fingerprints"],
        "files": {name: _sha256_file(staging / name) for name in record.files},
    }


def report_unit(
    bundle_root: Path,
    unit_id: str,
    out_dir: Path,
    *,
    notebook: Path | None = None,
    kernel_manager_class: type | None = None,
    kernel_pool=None,
) -> UnitReport:
    """Write one unit's report files (see the module docstring); returns what happened.

    ``notebook`` replaces ``notebooks/unit_audit.ipynb`` and ``kernel_manager_class`` the kernel
    manager (``execute.ReportKernelManager`` or a subclass), e.g. for a batch's workers;
    ``kernel_pool`` (``batch.pool.KernelPool``) runs the notebook on a worker's reused kernel.
    """
    from ..resources import UNIT_NOTEBOOK, notebook as shipped_notebook
    from .bundle import read_bundle, read_meta
    from .opinion import opinion_docx
    from .sections import REPORT_TITLE

    meta = read_meta(bundle_root, unit_id)
    return _report(
        notebook or shipped_notebook(UNIT_NOTEBOOK), {"unit_id": unit_id, "bundle_dir": str(bundle_root.resolve())},
        record_id=unit_id, final=unit_report_dir(out_dir, unit_id), title=f"{meta['unit_name']} {REPORT_TITLE}",
        settings=meta["report_settings"], opinion=lambda: opinion_docx(read_bundle(bundle_root, unit_id)),
        provenance={"sources": meta["sources"], "fingerprints": meta["fingerprints"]},
        kernel_manager_class=kernel_manager_class, kernel_pool=kernel_pool,
    )


def department_report_dir(out_dir: Path, department_id: str) -> Path:
    return out_dir / DEPARTMENTS_DIR / department_id


def report_department(bundle_root: Path, department_id: str, out_dir: Path, *, kernel_manager_class: type | None = None,
                      kernel_pool=None) -> UnitReport:
    """Write one department's report files (``out_dir/departments/<id>/``, the same files as a
    unit's) from its department bundle and its units' bundles; returns what happened."""
    from ..resources import DEPARTMENT_NOTEBOOK, notebook as shipped_notebook
    from .department import read_department
    from .department_sections import REPORT_TITLE
    from .opinion import department_opinion_docx

    department = read_department(bundle_root, department_id)
    sources = sorted({(s["file"], s["sha256"]) for unit in department.units for s in unit.meta["sources"]})
    return _report(
        shipped_notebook(DEPARTMENT_NOTEBOOK), {"department_id": department_id, "bundle_dir": str(bundle_root.resolve())},
        record_id=department_id, final=department_report_dir(out_dir, department_id),
        title=f"{department.department_name} {REPORT_TITLE}", settings=department.report_settings,
        opinion=lambda: department_opinion_docx(department),
        provenance={"sources": [{"file": f, "sha256": h} for f, h in sources], "fingerprints": department.meta["fingerprints"]},
        kernel_manager_class=kernel_manager_class, kernel_pool=kernel_pool,
    )


def _report(notebook: Path, parameters: dict[str, str], *, record_id: str, final: Path, title: str, settings: dict,
            opinion: Callable[[], bytes], provenance: dict, kernel_manager_class: type | None, kernel_pool) -> UnitReport:
    """Execute ``notebook`` with ``parameters`` (ids and paths), render it to HTML and PDF, write
    the opinion, and move the files into ``final``; a failure is in the record, never raised."""
    from .execute import ReportKernelManager, run_notebook
    from .pdf import render_pdf
    from .render import render_html

    started = datetime.now(timezone.utc)
    staging = final.with_name(f".{final.name}.staging")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    executed, html_path, pdf_path = (staging / f"{REPORT_STEM}.{ext}" for ext in ("ipynb", "html", "pdf"))
    opinion_path = staging / OPINION_FILE
    done_marker = staging / ".complete"
    seconds: dict[str, float] = {}

    clock = time.perf_counter()
    execution = run_notebook(
        notebook,
        executed,
        {**parameters, "done_marker": str(done_marker)},
        done_marker=done_marker,
        cell_timeout=settings["cell_timeout"],
        kernel_manager_class=kernel_manager_class or ReportKernelManager,
        kernel_pool=kernel_pool,
    )
    seconds["execute"] = round(time.perf_counter() - clock, 3)
    done_marker.unlink(missing_ok=True)
    error: Exception | None = execution.error
    if error is None:
        try:
            clock = time.perf_counter()
            html = render_html(
                execution.notebook,
                title=title,
                font_family=settings["cjk_font_family"],
                mono_font_family=settings["mono_font_family"],
                appendix="html" in settings["appendix"],
            )
            html_path.write_text(html, encoding="utf-8")
            seconds["html"] = round(time.perf_counter() - clock, 3)
            clock = time.perf_counter()
            pdf_path.write_bytes(render_pdf(
                execution.notebook,
                title=title,
                cjk_font_file=settings["cjk_font_file"],
                font_family=settings["cjk_font_family"],
                mono_font_family=settings["mono_font_family"],
                appendix="pdf" in settings["appendix"],
            ))
            seconds["pdf"] = round(time.perf_counter() - clock, 3)
            clock = time.perf_counter()
            opinion_path.write_bytes(opinion())
            seconds["docx"] = round(time.perf_counter() - clock, 3)
        except Exception as exc:  # a rendering failure fails this unit, not the batch
            error = exc
            for path in (html_path, pdf_path, opinion_path):
                path.unlink(missing_ok=True)
    record = UnitReport(
        unit_id=record_id,
        status=OK if error is None else FAILED,
        folder=str(final),
        files=tuple(path.name for path in (executed, html_path, pdf_path, opinion_path) if path.is_file()),
        error_class=(getattr(error, "cause", None) or type(error).__name__) if error else None,
        # the files the message names are read where they end up, not in the staging folder
        error=str(error).replace(str(staging), str(final)) if error else None,
        seconds=seconds,
    )
    try:
        written = _provenance(provenance, staging, record, started)
        (staging / PROVENANCE_FILE).write_text(json.dumps(written, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _move_into_place(staging, final)
    return record


def _move_into_place(staging: Path, final: Path) -> None:
    """Replace ``final`` by the complete ``staging`` folder by renames only.

    The old report is renamed aside before the new one takes its place, so a run killed at any
    moment leaves in ``final`` either the whole old report, the whole new one, or nothing (the
    unit is then rebuilt by the next run, which clears the leftovers).
    """
    old = final.with_name(f".{final.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    staging.rename(final)
    shutil.rmtree(old, ignore_errors=True)


__all__ = ["BUNDLES_DIR", "DEPARTMENTS_DIR", "FAILED", "OK", "UnitReport", "department_report_dir", "report_department",
           "report_unit", "unit_report_dir"]
