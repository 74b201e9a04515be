"""Executed notebook -> report HTML, with the template shipped in this package.

``ReportHTMLExporter`` is the page of ``perfaudit run`` and, registered under nbconvert's
``nbconvert.exporters`` entry point as ``perfaudit_html``, of ``jupyter nbconvert --to
perfaudit_html report.ipynb``: the title, fonts and appendix choice come from the notebook's
cover output (``fragment.REPORT_METADATA``) unless given, so both routes give the same bytes.

Pure: takes a notebook node, returns a string. Code, prompts and the parameter cells (ours and
the one papermill injects, which carries a random cell id) are left out, and no cell id, time or
path is written, so the same notebook outputs always give the same bytes.
"""

from __future__ import annotations

from functools import lru_cache

import nbformat
from nbconvert import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbconvert.preprocessors import TagRemovePreprocessor
from traitlets import Bool, default

from .. import __version__
from ..resources import templates_dir
from .fragment import REPORT_METADATA

TEMPLATE_NAME = "perfaudit"
# Cells left out of the report: the notebook's own parameter cell, papermill's injected one,
# and cells meant only for the auditor working in JupyterLab.
REMOVED_CELL_TAGS = {"parameters", "injected-parameters", "remove-cell"}
# The cell of the parsed-source appendix: in a format's report only where ``[report] appendix``
# names the format (the executed notebook keeps it either way).
APPENDIX_TAG = "appendix"


def removed_tags(appendix: bool) -> set[str]:
    """The cell tags a format leaves out: always ``REMOVED_CELL_TAGS``, the appendix unless wanted."""
    return REMOVED_CELL_TAGS if appendix else REMOVED_CELL_TAGS | {APPENDIX_TAG}


def recorded_report(notebook: nbformat.NotebookNode) -> dict:
    """The title and ``[report]`` settings a report notebook's cover output records ({} if none)."""
    for cell in notebook.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            record = output.get("metadata", {}).get(REPORT_METADATA)
            if record:
                return record
    return {}


def keeps_appendix(record: dict, given: bool | None, output: str) -> bool:
    """Whether the ``output`` format ("html", "pdf") keeps the appendix cell: ``given`` to its
    exporter, else as the notebook's recorded ``[report] appendix`` says, else as this
    environment's configuration says."""
    if given is not None:
        return given
    settings = record.get("settings", {})
    return output in (settings["appendix"] if "appendix" in settings else _default("appendix"))


class ReportHTMLExporter(HTMLExporter):
    """Report notebook -> the report page (one inline stylesheet, no scripts, no inputs)."""

    export_from_notebook = "perfaudit HTML"
    appendix = Bool(None, allow_none=True, help="keep the parsed-source appendix (the cell tagged 'appendix'); "
                    "default: whether the notebook's [report] appendix names html").tag(config=True)

    @default("template_name")
    def _template_name_default(self) -> str:
        return TEMPLATE_NAME

    @default("extra_template_basedirs")
    def _extra_template_basedirs_default(self) -> list[str]:
        return [str(templates_dir())]

    def __init__(self, **kw):
        kw = {"exclude_input": True, "exclude_input_prompt": True, "exclude_output_prompt": True, **kw}
        super().__init__(**kw)
        self._tag_remover = TagRemovePreprocessor(remove_cell_tags=removed_tags(True))
        self.register_preprocessor(self._tag_remover, enabled=True)

    def from_notebook_node(self, nb, resources=None, **kw):
        record = recorded_report(nb)
        settings = record.get("settings", {})
        self._tag_remover.remove_cell_tags = removed_tags(keeps_appendix(record, self.appendix, "html"))
        resources = dict(resources or {})
        given = resources.get("perfaudit") or {}
        resources["perfaudit"] = {
            "title": given.get("title") or record.get("title") or nb.metadata.get("title", ""),
            "version": __version__,
            "font_family": given.get("font_family") or settings.get("cjk_font_family") or _default("cjk_font_family"),
            "mono_font_family": given.get("mono_font_family") or settings.get("mono_font_family")
            or _default("mono_font_family"),
        }
        return self._templated(nb, resources, **kw)

    def _templated(self, nb, resources, **kw):
        """``HTMLExporter.from_notebook_node`` without its last step, which parses the page again
        with BeautifulSoup to add ``alt`` to images lacking one and ``tabindex`` to JupyterLab's
        cell classes: this template writes ``alt`` on its one image and has none of those classes,
        and the pass cost ≈0.1 s of CPU per report (a tenth of a unit's budget)."""
        resources = self._init_resources(resources)
        self.register_filter("highlight_code", self.filters.get("highlight_code", Highlight2HTML(parent=self)))
        self.register_filter("filter_data_type", WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources))
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)


def _default(name: str) -> str:
    """A ``[report]`` setting of this environment's configuration (a notebook that records none)."""
    from ..settings import load_settings

    return load_settings().section("report")[name]


@lru_cache(maxsize=2)
def _exporter(appendix: bool) -> ReportHTMLExporter:
    """One exporter per process and choice: its template is loaded and compiled once, not for every unit."""
    return ReportHTMLExporter(appendix=appendix)


def render_html(notebook: nbformat.NotebookNode, *, title: str, font_family: str, mono_font_family: str,
                appendix: bool = True) -> str:
    """The report page for an executed notebook; ``title`` is the unit's report title (escaped here);
    ``appendix``: keep the cell tagged ``APPENDIX_TAG``."""
    resources = {"perfaudit": {"title": title, "font_family": font_family, "mono_font_family": mono_font_family}}
    html, _ = _exporter(appendix).from_notebook_node(notebook, resources=resources)
    return html
