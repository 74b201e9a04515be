"""What a report notebook's cells return: one piece of the report in two representations.

A ``Fragment`` is a display object whose mime bundle carries the same tree (``markup``) as
``text/html`` and as Typst code (``TYPST_MIME``, see ``typeset``). The HTML exporter shows the
first, the PDF exporter (``pdf``) compiles the second: one source of content, no parsing of
our own HTML.
"""

from __future__ import annotations

from .markup import Content, Element, group
from .typeset import code

TYPST_MIME = "text/x-typst"


class Fragment:
    def __init__(self, content: Content):
        self.tree = content if isinstance(content, Element) else group(content)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        return {"text/html": self.tree.__html__(), TYPST_MIME: code(self.tree)}

    def __repr__(self) -> str:  # the text/plain form: no memory address, so outputs are stable
        return f"<perfaudit report fragment: {self.tree.tag or 'group'}>"
