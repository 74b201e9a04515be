"""HTML building blocks: the one place where text becomes HTML.

Every report fragment is built with these functions. Anything that is not already ``Markup``
built here (document text, numbers, file names, messages) is escaped, so text such as ``<p>``
or ``<img onerror=…>`` from a document shows as text in HTML and PDF, never as markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd
from markupsafe import Markup, escape

# What can go inside an element: text or numbers (escaped), Markup from this module (kept),
# None or a missing value (nothing), or a list/tuple of these.
Content = Any


def render(content: Content) -> Markup:
    """Content as markup: Markup kept, sequences joined, missing values empty, the rest escaped."""
    if isinstance(content, Markup):
        return content
    if isinstance(content, (list, tuple)):
        return Markup("").join(render(part) for part in content)
    if content is None or pd.isna(content):
        return Markup("")
    return escape(str(content))


def _attributes(attributes: dict[str, str | None]) -> str:
    """`` name="value"`` pairs, values escaped; ``cls`` is written ``class``, ``_`` as ``-``."""
    pairs = []
    for name, value in attributes.items():
        if value is not None:
            name = "class" if name == "cls" else name.replace("_", "-")
            pairs.append(f' {name}="{escape(value)}"')
    return "".join(pairs)


def element(tag: str, *children: Content, **attributes: str | None) -> Markup:
    """``<tag attr="…">children</tag>``; ``cls`` gives the class attribute."""
    return Markup(f"<{tag}{_attributes(attributes)}>") + render(list(children)) + Markup(f"</{tag}>")


def void(tag: str, **attributes: str | None) -> Markup:
    """An element without content, such as ``<img>``."""
    return Markup(f"<{tag}{_attributes(attributes)}>")


def lines(text: Content) -> Markup:
    """Multi-line text with its line breaks kept as ``<br>``."""
    if isinstance(text, str) and not isinstance(text, Markup):
        return Markup("<br>").join(escape(line) for line in text.splitlines())
    return render(text)


def table(
    header: Sequence[str],
    rows: Iterable[Sequence[Content]],
    *,
    widths: Sequence[str] | None = None,
    cls: str | None = None,
    numeric: Sequence[int] = (),
) -> Markup:
    """A table whose header repeats on every printed page; ``numeric`` columns align right."""
    colgroup = element("colgroup", [void("col", style=f"width:{width}") for width in widths]) if widths else None
    head = element("thead", element("tr", [element("th", name) for name in header]))
    body = element("tbody", [
        element("tr", [element("td", cell, cls="num" if index in numeric else None) for index, cell in enumerate(row)])
        for row in rows
    ])
    return element("table", colgroup, head, body, cls=cls)


def definition_table(pairs: Iterable[tuple[str, Content]], cls: str = "facts") -> Markup:
    """A two-column label/value table (cover and summary facts)."""
    rows = [element("tr", element("th", label), element("td", value)) for label, value in pairs]
    return element("table", element("tbody", rows), cls=cls)
