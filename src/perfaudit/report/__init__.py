"""Report stage: bundle -> executed notebook -> HTML, PDF and the Word 审核意见书.

Three reports, one path (``_report``: execute the notebook, export HTML and PDF, stage, move into
place): a unit's (``report_unit``: ``OUT/units/<unit_id>/``), a department's
(``report_department``: ``OUT/departments/<id>/``) and the portfolio (``report_portfolio``:
``OUT/index.{html,pdf}``). The first two are plain functions of paths, picklable for worker
processes, and never raise for a report that fails: the ``UnitReport`` record says why, and the
executed notebook with the error stays in the report's folder.

- ``sections/``, ``portfolio.py``: the content, from bundles only (``bundle.py``; report/ never
  imports the audit or validate stages' code to show their results);
- ``display.py``: what the notebooks call; ``markup.py``/``fragment.py``: one tree, HTML and Typst;
- ``render.py`` (HTML), ``pdf.py`` + ``typeset.py`` (Typst PDF), ``opinion.py`` (Word);
- ``kernels/``: where notebooks run (``acquire``/``release`` kernel sources, zygote, pool).

The notebook kernel imports only ``display`` (and what it needs); papermill, nbconvert, Typst
and pandas are imported when a report is made (a no-change batch run imports this package and
needs none of them).
"""

from __future__ import annotations

import json
import platform
import shutil
import socket
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .. import __version__
from ..atomic import replace_dir, write_bytes, write_text
from ..errors import ReportError
from ..fingerprint import sha256_bytes
from ..outdir import OPINION_FILE, PROVENANCE_FILE, REPORT_STEM, OutputFolder, staging_dir
from ..timing import StepClock

if TYPE_CHECKING:
    from ..bundle import DepartmentBundle, UnitBundle
    from .kernels import KernelSource

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
    seconds: dict[str, float] = field(default_factory=dict)  # wall clock per step
    cpu: dict[str, float] = field(default_factory=dict)  # CPU per step, the notebook's kernel included

    @property
    def ok(self) -> bool:
        return self.status == OK


@lru_cache(maxsize=1)
def _package_versions() -> dict[str, str]:
    """The versions each report records (looked up once per process: ≈5 ms of metadata reads)."""
    return {name: version(name) for name in _RECORDED_PACKAGES}


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
        "packages": _package_versions(),
        "sources": meta["sources"],
        "fingerprints": meta["fingerprints"],
        "files": {name: sha256_bytes((staging / name).read_bytes()) for name in record.files},
    }


def report_unit(bundle_root: Path, unit_id: str, out_dir: Path, *, notebook: Path | None = None,
                kernels: "KernelSource | None" = None, log_file: Path | None = None,
                bundle: "UnitBundle | None" = None) -> UnitReport:
    """Write one unit's report files (see the module docstring); returns what happened.

    ``notebook`` replaces ``notebooks/unit_audit.ipynb`` (tests); ``kernels`` is where the notebook
    runs (default: a new kernel, ``kernels.fresh()``), ``log_file`` where the kernel's own output goes;
    ``bundle``: the unit's bundle if the caller has read it already (read here otherwise).
    """
    from ..bundle import read_bundle, read_meta
    from ..resources import UNIT_NOTEBOOK, notebook as shipped_notebook
    from .opinion import opinion_docx
    from .sections.format import REPORT_TITLE

    meta = read_meta(bundle_root, unit_id)
    return _report(
        notebook or shipped_notebook(UNIT_NOTEBOOK), {"unit_id": unit_id, "bundle_dir": str(bundle_root.resolve())},
        record_id=unit_id, final=OutputFolder(out_dir).unit_report(unit_id), title=f"{meta['unit_name']} {REPORT_TITLE}",
        settings=meta["report_settings"], opinion=lambda: opinion_docx(bundle or read_bundle(bundle_root, unit_id)),
        provenance={"sources": meta["sources"], "fingerprints": meta["fingerprints"]},
        kernels=kernels, log_file=log_file,
    )


def report_department(bundle_root: Path, department_id: str, out_dir: Path, *, kernels: "KernelSource | None" = None,
                      log_file: Path | None = None, department: "DepartmentBundle | None" = None) -> UnitReport:
    """Write one department's report files (``out_dir/departments/<id>/``, the same files as a
    unit's) from its department bundle and its units' bundles; returns what happened.
    ``department``: that bundle if the caller has read it already."""
    from ..bundle import read_department
    from ..resources import DEPARTMENT_NOTEBOOK, notebook as shipped_notebook
    from .opinion import department_opinion_docx
    from .sections.department import REPORT_TITLE

    department = department or read_department(bundle_root, department_id)
    sources = sorted({(s["file"], s["sha256"]) for unit in department.units for s in unit.meta["sources"]})
    return _report(
        shipped_notebook(DEPARTMENT_NOTEBOOK), {"department_id": department_id, "bundle_dir": str(bundle_root.resolve())},
        record_id=department_id, final=OutputFolder(out_dir).department_report(department_id),
        title=f"{department.department_name} {REPORT_TITLE}", settings=department.report_settings,
        opinion=lambda: department_opinion_docx(department),
        provenance={"sources": [{"file": f, "sha256": h} for f, h in sources], "fingerprints": department.meta["fingerprints"]},
        kernels=kernels, log_file=log_file,
    )


@dataclass(frozen=True)
class IndexReport:
    """The portfolio index written: ``files`` {"html": ..., "pdf": ...} relative to the output
    folder, and the CPU seconds it took (its kernel's included)."""

    files: dict[str, str]
    cpu: float


def report_portfolio(out_dir: Path, report_settings: dict, *, kernels: "KernelSource | None" = None) -> IndexReport:
    """Write the portfolio index (``OUT/index.html`` and ``index.pdf``) from the output folder's
    manifest. Raises ReportError when its notebook fails (the run reports it and exits 1)."""
    from ..resources import PORTFOLIO_NOTEBOOK, notebook as shipped_notebook
    from .portfolio import PAGE_TITLE

    own_cpu = time.process_time()
    out = OutputFolder(out_dir)
    staging = out.index_staging()
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    execution = _execute(shipped_notebook(PORTFOLIO_NOTEBOOK), {"out_dir": str(out.root)}, staging,
                         settings=report_settings, kernels=kernels, log_file=None)
    if execution.error is not None:
        raise ReportError(f"portfolio index: {execution.error}")
    html, pdf = _export(execution.notebook, title=PAGE_TITLE, settings=report_settings, appendix=None)
    write_text(out.index("html"), html)
    write_bytes(out.index("pdf"), pdf)
    shutil.rmtree(staging, ignore_errors=True)
    return IndexReport({kind: out.relative(out.index(kind)) for kind in ("html", "pdf")},
                       round(time.process_time() - own_cpu + execution.kernel_cpu, 3))


def _execute(notebook: Path, parameters: dict[str, str], staging: Path, *, settings: dict,
             kernels: "KernelSource | None", log_file: Path | None):
    """Execute ``notebook`` with ``parameters`` (ids and paths) into ``staging/report.ipynb``, on
    a kernel of ``kernels`` (default: a new one); the notebook's own failure is in the result."""
    from . import kernels as kernel_sources
    from .kernels.execute import run_notebook

    done_marker = staging / ".complete"
    execution = run_notebook(
        notebook, staging / f"{REPORT_STEM}.ipynb", {**parameters, "done_marker": str(done_marker)},
        done_marker=done_marker, cell_timeout=settings["cell_timeout"], kernels=kernels or kernel_sources.fresh(),
        log_file=log_file,
    )
    done_marker.unlink(missing_ok=True)
    return execution


def _export(notebook, *, title: str, settings: dict, appendix: tuple[bool, bool] | None,
            steps: StepClock | None = None) -> tuple[str, bytes]:
    """The executed notebook as HTML and PDF (``appendix``: whether each keeps the appendix cell;
    None: the exporters' default); ``steps`` gets the time each took."""
    from .pdf import render_pdf
    from .render import render_html

    steps = steps or StepClock()
    fonts = {"font_family": settings["cjk_font_family"], "mono_font_family": settings["mono_font_family"]}
    html_appendix, pdf_appendix = ({}, {}) if appendix is None else ({"appendix": appendix[0]}, {"appendix": appendix[1]})
    with steps("html"):
        html = render_html(notebook, title=title, **fonts, **html_appendix)
    with steps("pdf"):
        pdf = render_pdf(notebook, title=title, cjk_font_file=settings["cjk_font_file"], **fonts, **pdf_appendix)
    return html, pdf


def _report(notebook: Path, parameters: dict[str, str], *, record_id: str, final: Path, title: str, settings: dict,
            opinion: Callable[[], bytes], provenance: dict, kernels: "KernelSource | None",
            log_file: Path | None) -> UnitReport:
    """Execute ``notebook`` with ``parameters`` (ids and paths), render it to HTML and PDF, write
    the opinion, and move the files into ``final``; a failure is in the record, never raised."""
    started = datetime.now(timezone.utc)
    staging = staging_dir(final)
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    executed, html_path, pdf_path = (staging / f"{REPORT_STEM}.{ext}" for ext in ("ipynb", "html", "pdf"))
    opinion_path = staging / OPINION_FILE
    steps = StepClock()

    with steps("execute"):
        execution = _execute(notebook, parameters, staging, settings=settings, kernels=kernels, log_file=log_file)
    steps.add_cpu("execute", execution.kernel_cpu)
    error: Exception | None = execution.error
    if error is None:
        try:
            html, pdf = _export(execution.notebook, title=title, settings=settings,
                                appendix=("html" in settings["appendix"], "pdf" in settings["appendix"]), steps=steps)
            html_path.write_text(html, encoding="utf-8")
            pdf_path.write_bytes(pdf)
            with steps("docx"):
                opinion_path.write_bytes(opinion())
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
        seconds=steps.seconds,
        cpu=steps.cpu,
    )
    try:
        written = _provenance(provenance, staging, record, started)
        (staging / PROVENANCE_FILE).write_text(json.dumps(written, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    replace_dir(staging, final)
    return record


__all__ = ["FAILED", "OK", "IndexReport", "UnitReport", "report_department", "report_portfolio", "report_unit"]
