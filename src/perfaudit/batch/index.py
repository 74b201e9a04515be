"""Build the portfolio index (``OUT/index.html`` and ``OUT/index.pdf``) from the manifest.

Runs as a job on a worker (papermill, nbconvert and Typst are loaded there already, and its
kernels fork from the worker's zygote): ``notebooks/portfolio.ipynb`` is executed with the output
folder as its only parameter, then exported with the report's own template and PDF route. Files
are staged and renamed into place; a failed index raises (the run reports it and exits 1).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from ..errors import ReportError
from ..resources import PORTFOLIO_NOTEBOOK, notebook

INDEX_STEM = "index"
STAGING = ".index.staging"


def build_index(out_dir: str, report_settings: dict[str, Any]) -> dict[str, str]:
    """Write the index; returns {"html": ..., "pdf": ...} relative to ``out_dir``."""
    from ..report.execute import run_notebook
    from ..report.pdf import render_pdf
    from ..report.render import render_html
    from .kernel import ForkedReportKernelManager, ForkProvisioner
    from .portfolio import PAGE_TITLE

    ForkProvisioner.log_file = None  # the kernel's own output goes to the worker's log, not a unit's

    out = Path(out_dir)
    staging = out / STAGING
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    executed = staging / f"{INDEX_STEM}.ipynb"
    marker = staging / ".complete"
    execution = run_notebook(
        notebook(PORTFOLIO_NOTEBOOK), executed, {"out_dir": str(out), "done_marker": str(marker)},
        done_marker=marker, cell_timeout=report_settings["cell_timeout"],
        kernel_manager_class=ForkedReportKernelManager,
    )
    if execution.error is not None:
        raise ReportError(f"portfolio index: {execution.error}")
    html = render_html(
        execution.notebook, title=PAGE_TITLE,
        font_family=report_settings["cjk_font_family"], mono_font_family=report_settings["mono_font_family"],
    )
    (staging / f"{INDEX_STEM}.html").write_text(html, encoding="utf-8")
    (staging / f"{INDEX_STEM}.pdf").write_bytes(render_pdf(
        execution.notebook, title=PAGE_TITLE, cjk_font_file=report_settings["cjk_font_file"],
        font_family=report_settings["cjk_font_family"], mono_font_family=report_settings["mono_font_family"],
    ))
    written = {}
    for kind in ("html", "pdf"):
        name = f"{INDEX_STEM}.{kind}"
        os.replace(staging / name, out / name)
        written[kind] = name
    shutil.rmtree(staging, ignore_errors=True)
    return written
