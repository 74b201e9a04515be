"""Report building blocks: the one place where text becomes document structure.

Every report fragment is a small tree of ``Element`` nodes built with these functions. Text in
the tree (document text, numbers, file names, messages) is kept as plain ``str`` and escaped
only where the tree is written out: as HTML here (``Element.__html__``), as Typst string
literals in ``typeset``. So text such as ``<p>``, ``<img onerror=…>`` or ``#eval(…)`` from a
document shows as text in HTML and PDF, never as markup or code. The one source of content
serves both outputs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd
from markupsafe import Markup, escape

# What can go inside an element: text or numbers (escaped when written), nodes from this module
# (kept), None or a missing value (nothing), or a list/tuple of these.
Content = Any
Child = "str | Element | HtmlOnly"
VOID_TAGS = {"br", "col", "img", "input"}


class HtmlOnly:
    """Constant markup that exists only on screen (a stylesheet, the sort buttons of a table):
    written as is into HTML, left out of the PDF. Never built from document text."""

    __slots__ = ("markup",)

    def __init__(self, markup: str):
        self.markup = Markup(markup)

    def __html__(self) -> str:
        return self.markup

    __str__ = __html__


class Element:
    """``<tag attr="…">children</tag>``; ``tag`` None is a bare group of children (no tag of its own)."""

    __slots__ = ("tag", "attributes", "children")

    def __init__(self, tag: str | None, children: Content = (), attributes: dict[str, str] | None = None):
        self.tag = tag
        self.attributes = attributes or {}
        self.children: tuple[Child, ...] = tuple(_children(children))

    @property
    def cls(self) -> str:
        return self.attributes.get("class", "")

    def __html__(self) -> str:
        inner = "".join(child.__html__() if not isinstance(child, str) else escape(child) for child in self.children)
        if self.tag is None:
            return inner
        opening = f"<{self.tag}{_attributes(self.attributes)}>"
        return opening if self.tag in VOID_TAGS else f"{opening}{inner}</{self.tag}>"

    __str__ = __html__

    def __repr__(self) -> str:
        return f"Element({self.tag!r}, {len(self.children)} children)"


def _children(content: Content) -> Iterable[Child]:
    """Content flattened into nodes and text: sequences joined, missing values dropped."""
    if isinstance(content, (Element, HtmlOnly)):
        yield content
    elif isinstance(content, Markup):
        raise TypeError(f"raw markup has no place in a report tree (use element() or HtmlOnly): {content[:60]!r}")
    elif isinstance(content, (list, tuple)):
        for part in content:
            yield from _children(part)
    elif content is None or (not isinstance(content, str) and pd.isna(content)):
        return
    elif str(content):
        yield str(content)


def _attributes(attributes: dict[str, str]) -> str:
    return "".join(f' {name}="{escape(value)}"' for name, value in attributes.items())


def _attribute_names(attributes: dict[str, str | None]) -> dict[str, str]:
    """``cls`` is written ``class``, ``_`` as ``-`` (a trailing one, as in ``for_``, is Python's
    escape of a keyword and dropped); None values are left out."""
    return {("class" if name == "cls" else name.removesuffix("_").replace("_", "-")): value
            for name, value in attributes.items() if value is not None}


def render(content: Content) -> Markup:
    """Content as HTML markup."""
    return Markup(Element(None, content).__html__())


def element(tag: str, *children: Content, **attributes: str | None) -> Element:
    """``<tag attr="…">children</tag>``; ``cls`` gives the class attribute."""
    return Element(tag, children, _attribute_names(attributes))


def void(tag: str, **attributes: str | None) -> Element:
    """An element without content, such as ``<img>``."""
    return Element(tag, (), _attribute_names(attributes))


def group(*children: Content) -> Element:
    """Several pieces of content as one, without an element of their own."""
    return Element(None, children)


def lines(text: Content) -> Element:
    """Multi-line text with its line breaks kept (``<br>``)."""
    if isinstance(text, str):
        parts: list[Content] = []
        for index, line in enumerate(text.splitlines()):
            parts += [void("br") if index else None, line]
        return group(parts)
    return group(text)


def table(
    header: Sequence[str],
    rows: Iterable[Sequence[Content]],
    *,
    widths: Sequence[str] | None = None,
    cls: str | None = None,
    numeric: Sequence[int] = (),
) -> Element:
    """A table whose header repeats on every printed page; ``numeric`` columns align right."""
    colgroup = element("colgroup", [void("col", style=f"width:{width}") for width in widths]) if widths else None
    head = element("thead", element("tr", [element("th", name) for name in header]))
    body = element("tbody", [
        element("tr", [element("td", cell, cls="num" if index in numeric else None) for index, cell in enumerate(row)])
        for row in rows
    ])
    return element("table", colgroup, head, body, cls=cls)


def definition_table(pairs: Iterable[tuple[str, Content]], cls: str = "facts") -> Element:
    """A two-column label/value table (cover and summary facts)."""
    rows = [element("tr", element("th", label), element("td", value)) for label, value in pairs]
    return element("table", element("tbody", rows), cls=cls)
