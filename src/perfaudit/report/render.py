"""Executed notebook -> report HTML, with the template shipped in this package.

Pure: takes a notebook node, returns a string. Code, prompts and the parameter cells (ours and
the one papermill injects, which carries a random cell id) are left out, and no cell id, time or
path is written, so the same notebook outputs always give the same bytes.
"""

from __future__ import annotations

from functools import lru_cache

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor

from .. import __version__
from ..resources import templates_dir

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


@lru_cache(maxsize=2)
def _exporter(appendix: bool) -> HTMLExporter:
    """One exporter per process and choice: its template is loaded and compiled once, not for every unit."""
    exporter = HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(templates_dir())],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags=removed_tags(appendix)), enabled=True)
    return exporter


def render_html(notebook: nbformat.NotebookNode, *, title: str, font_family: str, mono_font_family: str,
                appendix: bool = True) -> str:
    """The report page for an executed notebook; ``title`` is the unit's report title (escaped here);
    ``appendix``: keep the cell tagged ``APPENDIX_TAG``."""
    resources = {
        "perfaudit": {
            "title": title,
            "version": __version__,
            "font_family": font_family,
            "mono_font_family": mono_font_family,
        }
    }
    html, _ = _exporter(appendix).from_notebook_node(notebook, resources=resources)
    return html
