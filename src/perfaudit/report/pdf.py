"""Executed notebook -> report PDF with Typst, as an nbconvert exporter.

``TypstPDFExporter`` is registered under nbconvert's ``nbconvert.exporters`` entry point, so
``jupyter nbconvert --to perfaudit_pdf report.ipynb`` works as well as ``render_pdf`` here. It
reads the Typst representation (``fragment.TYPST_MIME``) that every report cell outputs next to
its HTML, puts it after the report's Typst template (``templates/perfaudit/report.typ``) and
compiles it in-process with the ``typst`` package (a binary wheel: nothing is downloaded or
started). Chosen over WeasyPrint (about ten times the CPU per report) and Chromium (Type 3
fonts, dates in the file, no running header): see docs/stack-notes in the design input.

Fonts are given by path: the folder of the configured Noto CJK file (Debian ``fonts-noto-cjk``
puts regular and bold side by side), with system and Typst's own fonts left out, so no other
installed font can change the output. The document has no date, so the same notebook outputs
give the same bytes.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

import nbformat
import typst
from nbconvert.exporters import Exporter
from nbconvert.preprocessors import TagRemovePreprocessor
from traitlets import Bool, Unicode

from ..errors import ReportError
from ..settings import load_settings
from ..fonts import find_cjk_font, report_settings
from .fragment import TYPST_MIME
from .markup import element
from .render import keeps_appendix, recorded_report, removed_tags
from .typeset import code, literal

TEMPLATE = ("templates", "perfaudit", "report.typ")


def _default(name: str) -> str:
    return report_settings(load_settings())[name]


@lru_cache(maxsize=1)
def _template() -> str:
    return resources.files("perfaudit.report").joinpath(*TEMPLATE).read_text(encoding="utf-8")


@lru_cache(maxsize=4)
def _compiler(font_dir: str) -> typst.Compiler:
    """One compiler per font folder and process (Typst caches fonts and layout across units)."""
    fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=False, font_paths=[font_dir])
    return typst.Compiler(font_paths=fonts, ignore_system_fonts=True)


def font_folder(cjk_font_file: str) -> str:
    """The folder Typst loads fonts from: the one holding the configured CJK font file."""
    path = Path(cjk_font_file)
    if not path.is_file():
        raise ReportError(f"{cjk_font_file}: CJK font not found (Debian: apt-get install fonts-noto-cjk)")
    return str(path.resolve().parent)


def _output_code(output: nbformat.NotebookNode) -> str | None:
    """An output cell's part of the document: its Typst representation; plain text, streams and
    errors (which the HTML shows as preformatted text) as preformatted text too."""
    if output.output_type in ("execute_result", "display_data"):
        data = output.get("data", {})
        if TYPST_MIME in data:
            value = data[TYPST_MIME]
            return "".join(value) if isinstance(value, list) else value
        if "text/plain" in data:
            return code(element("pre", "".join(data["text/plain"])))
        return None
    if output.output_type == "stream":
        return code(element("pre", "".join(output.text)))
    if output.output_type == "error":
        return code(element("pre", f"{output.ename}: {output.evalue}", cls="output-error"))
    return None


class TypstPDFExporter(Exporter):
    """Report notebook -> PDF (A4, running header, page numbers, bookmarks, embedded Noto CJK)."""

    export_from_notebook = "perfaudit PDF"
    output_mimetype = "application/pdf"

    cjk_font_file = Unicode(help="the Noto Sans CJK font file, or 'auto'; its folder is Typst's only font source").tag(
        config=True)
    font_family = Unicode(help="the CJK font family the report is set in").tag(config=True)
    mono_font_family = Unicode(help="the font family of code (hashes, ids)").tag(config=True)
    appendix = Bool(None, allow_none=True, help="keep the parsed-source appendix (the cell tagged 'appendix'); "
                    "default: whether the notebook's [report] appendix names pdf").tag(config=True)

    def _file_extension_default(self) -> str:
        return ".pdf"

    def __init__(self, **kw):
        super().__init__(**kw)
        self._tag_remover = TagRemovePreprocessor(remove_cell_tags=removed_tags(False))
        self.register_preprocessor(self._tag_remover, enabled=True)

    def _setting(self, trait: str, key: str, recorded: dict) -> str:
        """A font setting: given to the exporter, else the notebook's recorded one, else this environment's."""
        return getattr(self, trait) or recorded.get(key) or _default(key)

    def source(self, notebook: nbformat.NotebookNode, title: str | None = None, settings: dict | None = None) -> str:
        """The Typst document of a (preprocessed) notebook; ``settings``: its recorded ``[report]`` ones."""
        settings = settings or {}
        parts = [part for cell in notebook.cells if cell.cell_type == "code"
                 for part in map(_output_code, cell.get("outputs", [])) if part is not None]
        prologue = [
            f"#let cjk-font = {literal(self._setting('font_family', 'cjk_font_family', settings))}",
            f"#let mono-font = {literal(self._setting('mono_font_family', 'mono_font_family', settings))}",
            _template(),
            f"#set document(title: {literal(title)}, date: none)" if title else "#set document(date: none)",
        ]
        return "\n".join(prologue) + "\n#{\n" + "\n".join(parts) + "\n}\n"

    def from_notebook_node(self, nb, resources=None, **kw):
        record = recorded_report(nb)
        settings = record.get("settings", {})
        self._tag_remover.remove_cell_tags = removed_tags(keeps_appendix(record, self.appendix, "pdf"))
        notebook, resources = super().from_notebook_node(nb, resources, **kw)
        title = (resources.get("perfaudit") or {}).get("title") or record.get("title") or notebook.metadata.get("title")
        source = self.source(notebook, title, settings)
        try:
            fonts = font_folder(find_cjk_font(self._setting("cjk_font_file", "cjk_font_file", settings),
                                              self._setting("font_family", "cjk_font_family", settings)))
            pdf = _compiler(fonts).compile(input=source.encode("utf-8"), format="pdf")
        except typst.TypstError as error:
            raise ReportError(f"PDF: Typst could not compile the report: {error.message}") from None
        resources["output_extension"] = ".pdf"
        return pdf, resources


def render_pdf(notebook: nbformat.NotebookNode, *, title: str, cjk_font_file: str, font_family: str,
               mono_font_family: str, appendix: bool = False) -> bytes:
    """The report PDF of an executed notebook; ``title`` is the document title (escaped here);
    ``appendix``: keep the cell tagged ``render.APPENDIX_TAG``."""
    exporter = TypstPDFExporter(cjk_font_file=cjk_font_file, font_family=font_family, mono_font_family=mono_font_family,
                                appendix=appendix)
    pdf, _ = exporter.from_notebook_node(notebook, resources={"perfaudit": {"title": title}})
    return pdf
