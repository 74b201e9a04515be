"""What ``notebooks/unit_audit.ipynb`` and ``notebooks/department_audit.ipynb`` call: open a unit's
(or a department's) bundle, show the report's sections.

The notebook passes only ASCII ids and paths; every text it shows comes from the bundle through
``sections/`` as a tree (``markup``), wrapped here as a ``Fragment`` that the notebook shows as
HTML and the PDF exporter reads as Typst. This module must stay cheap to import: it runs in
every report kernel (no papermill, nbconvert, Typst or Great Expectations).
"""

from __future__ import annotations

import json
from pathlib import Path

from ..bundle import DepartmentBundle, UnitBundle, read_bundle, read_department
from ..errors import ReportError
from ..outdir import BundleFolder
from . import charts
from .examples import example_bundle_root
from .fragment import Fragment
from .sections import appendix as appendix_sections, cover as cover_sections, findings as findings_sections
from .sections import department as department_sections, format as format_terms, notes, summary as summary_sections


def open_unit(unit_id: str | None = None, bundle_dir: str | None = None) -> UnitBundle:
    """The unit to report on. Without a bundle folder (None or empty), the bundled examples (built
    into a cache on first use); without a unit id, the first unit of the folder."""
    return _with_fonts(read_bundle(_bundle_root(bundle_dir), unit_id or None))


def open_department(department_id: str | None = None, bundle_dir: str | None = None) -> DepartmentBundle:
    """The department to report on; without a bundle folder, the bundled examples' (each example
    unit is a department of its own); without an id, the first department of the folder."""
    root = _bundle_root(bundle_dir)
    if not department_id:
        department_id = min(BundleFolder(root).department_ids(), default="")
    return _with_fonts(read_department(root, department_id))


def _bundle_root(bundle_dir: str | None) -> Path:
    """The bundle folder: ``bundle_dir`` (``perfaudit run --out OUT`` writes ``OUT/bundles``),
    a relative one taken from the kernel's working folder (where papermill was run, or its
    ``--cwd``; the notebook's folder in JupyterLab); none: the bundled examples'."""
    if not bundle_dir:
        return example_bundle_root()
    root = Path(bundle_dir).expanduser().resolve()
    if not root.is_dir():
        raise ReportError(f"{root}: bundle folder not found (bundle_dir {bundle_dir!r}, relative to the working "
                          f"folder {Path.cwd()}; perfaudit run --out OUT writes OUT/bundles)")
    return root


def _with_fonts(bundle):
    settings = bundle.report_settings
    charts.configure_fonts(settings["cjk_font_file"], settings["cjk_font_family"])
    return bundle


def report_title(bundle: UnitBundle | DepartmentBundle) -> str:
    """The report's document title (the HTML page's and the PDF's), as ``perfaudit run`` gives it."""
    if isinstance(bundle, UnitBundle):
        return f"{bundle.unit_name} {format_terms.REPORT_TITLE}"
    return f"{bundle.department_name} {department_sections.REPORT_TITLE}"


def _report_record(bundle: UnitBundle | DepartmentBundle) -> dict:
    """What the exporters read from the executed notebook (``fragment.REPORT_METADATA``)."""
    return {"title": report_title(bundle), "settings": bundle.report_settings}


def cover(bundle: UnitBundle) -> Fragment:
    return Fragment(cover_sections.cover(bundle), report=_report_record(bundle))


def summary(bundle: UnitBundle) -> Fragment:
    return Fragment(summary_sections.summary(bundle))


def charts_section(bundle: UnitBundle) -> Fragment:
    return Fragment(summary_sections.chart_section(bundle))


def findings(bundle: UnitBundle) -> Fragment:
    return Fragment(findings_sections.findings_section(bundle))


def technical_notes(bundle: UnitBundle) -> Fragment:
    return Fragment(notes.technical_notes(bundle))


def appendix(bundle: UnitBundle) -> Fragment:
    """The parsed-source appendix; its notebook cell is tagged ``appendix``, which the HTML and PDF
    exporters keep or drop by ``[report] appendix``."""
    return Fragment(appendix_sections.appendix(bundle))


def department_targets(bundle: UnitBundle) -> Fragment | None:
    """The 部门整体 goals, tasks and indicators (layout N4); nothing for other units."""
    tree = appendix_sections.department_targets(bundle)
    return Fragment(tree) if tree is not None else None


def department_cover(department: DepartmentBundle) -> Fragment:
    return Fragment(department_sections.cover(department), report=_report_record(department))


def department_summary(department: DepartmentBundle) -> Fragment:
    return Fragment(department_sections.summary(department))


def department_totals(department: DepartmentBundle) -> Fragment:
    return Fragment(department_sections.totals_section(department))


def department_common_problems(department: DepartmentBundle) -> Fragment:
    return Fragment(department_sections.common_problems_section(department))


def department_goals(department: DepartmentBundle) -> Fragment | None:
    """部门整体 goals and tasks; nothing where no unit's document has them."""
    targets = department_sections.targets_section(department)
    return Fragment(targets) if targets is not None else None


def department_charts(department: DepartmentBundle) -> Fragment | None:
    """The units × criterion chart; nothing with fewer than three units."""
    chart = department_sections.chart_section(department)
    return Fragment(chart) if chart is not None else None


def department_technical_notes(department: DepartmentBundle) -> Fragment:
    return Fragment(department_sections.technical_notes(department))


def finish(bundle: UnitBundle | DepartmentBundle, done_marker: str | None = None) -> None:
    """Last cell: prove the notebook ran to its end (papermill returns normally on ``sys.exit``)."""
    if done_marker:
        key = {"unit_id": bundle.unit_id} if isinstance(bundle, UnitBundle) else {"department_id": bundle.department_id}
        Path(done_marker).write_text(json.dumps(key) + "\n", encoding="utf-8")
