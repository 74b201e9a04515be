"""What a report notebook's cells return: one piece of the report in two representations.

A ``Fragment`` is a display object whose mime bundle carries the same tree (``markup``) as
``text/html`` and as Typst code (``TYPST_MIME``, see ``typeset``). The HTML exporter shows the
first, the PDF exporter (``pdf``) compiles the second: one source of content, no parsing of
our own HTML.

A report's cover fragment also carries, in its output's metadata under ``REPORT_METADATA``, the
report's title and ``[report]`` settings (fonts, appendix): what the exporters need to make the
page of a notebook run outside perfaudit (``jupyter nbconvert --to perfaudit_html``) the same as
``perfaudit run``'s. Output metadata is not shown by either exporter.
"""

from __future__ import annotations

from .markup import Content, Element, group
from .typeset import code

TYPST_MIME = "text/x-typst"
REPORT_METADATA = "perfaudit"


class Fragment:
    def __init__(self, content: Content, report: dict | None = None):
        """``report``: {"title": ..., "settings": {...}}, on the report's first fragment only."""
        self.tree = content if isinstance(content, Element) else group(content)
        self.report = report

    def _repr_mimebundle_(self, include=None, exclude=None):
        data = {"text/html": self.tree.__html__(), TYPST_MIME: code(self.tree)}
        return (data, {REPORT_METADATA: self.report}) if self.report else data

    def __repr__(self) -> str:  # the text/plain form: no memory address, so outputs are stable
        return f"<perfaudit report fragment: {self.tree.tag or 'group'}>"
