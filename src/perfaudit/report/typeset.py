"""Report tree -> Typst code: the other way (besides HTML) the report's content is written out.

Each node becomes a call of a function of the report's Typst template (``templates/perfaudit/
report.typ``: ``el``, ``pa-table``, ``pa-cell``, ``pa-list``, ``pa-link``, ``pa-image``), and all
text, class names and attribute values become Typst *string literals*, escaped here: a name
such as ``#eval("…")`` or ``]$//`` is a string in the document's code, never markup or code
itself. The output is a single Typst code expression (no markup mode anywhere), so nothing a
document says can change how the rest is parsed.
"""

from __future__ import annotations

import base64
import re

from .markup import Content, Element, HtmlOnly, group

_ESCAPES = {ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"}
_ESCAPES.update({code: f"\\u{{{code:x}}}" for code in (*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029)
                 if code not in _ESCAPES})
_WIDTH = re.compile(r"width:\s*(\d+(?:\.\d+)?)(%|em|pt|mm)")
_SVG_DATA = "data:image/svg+xml;base64,"
# A table row whose cells hold more text than this may be taller than a page: it may break
# (every other row stays on one page, as ``break-inside: avoid`` does in print CSS).
LONG_ROW_CHARS = 1200
# A bracketed run this short is never broken inside (as charts.wrap_label keeps it).
_SHORT_BRACKETS = re.compile(r"[（(【《][^（）()【】《》\s]{1,6}[）)】》]")
# Tags written as ``el(tag, class, body)``; the template gives each its look.
_HEADINGS = {"h2", "h3"}
_PLAIN_TAGS = {"section", "article", "div", "p", "span", "h1", "h2", "h3", "code", "strong", "label",
               "figure", "figcaption", "pre", "li"}


def literal(text: str) -> str:
    """``text`` as a Typst string literal."""
    return '"' + text.translate(_ESCAPES) + '"'


def code(content: Content) -> str:
    """Content (a tree from ``markup``) as one Typst code expression."""
    return _node(content if isinstance(content, Element) else group(content))


def _text(text: str) -> str:
    """A string of text; a short bracketed run in it (``（万元）``, ``（盖章）``) is set in a box,
    which a line never breaks inside (Typst keeps a closing bracket off a line's start, but
    breaks between the characters inside)."""
    parts, start = [], 0
    for run in _SHORT_BRACKETS.finditer(text):
        parts += [literal(text[start:run.start()])] if run.start() > start else []
        parts.append(f"box({literal(run.group())})")
        start = run.end()
    if not parts:
        return literal(text)
    parts += [literal(text[start:])] if start < len(text) else []
    return f"{_array(parts)}.join()"


def _node(node: Element | HtmlOnly | str) -> str:
    if isinstance(node, str):
        return _text(node)
    if isinstance(node, HtmlOnly):
        return "none"
    tag = node.tag
    if tag is None:
        return _join(node.children)
    if tag in _PLAIN_TAGS:
        return f"el({literal(tag)}, {literal(node.cls)}, {_join(node.children)})"
    if tag == "br":
        return "linebreak()"
    if tag == "a":
        return f"pa-link({literal(node.attributes.get('href', ''))}, {_join(node.children)})"
    if tag in ("ul", "ol"):
        items = [_node(child) for child in node.children if not isinstance(child, HtmlOnly)]
        return f"pa-list({literal(tag)}, {literal(node.cls)}, {_array(items)})"
    if tag == "img":
        return _image(node)
    if tag == "table":
        return _table(node)
    raise ValueError(f"report tree: <{tag}> has no Typst form")


def _headed_table(heading: object, table: object) -> bool:
    return (isinstance(heading, Element) and heading.tag in _HEADINGS
            and isinstance(table, Element) and table.tag == "table")


def _join(children: tuple) -> str:
    """Children as one content; a heading directly followed by a table goes into the table's call,
    which keeps the two together on a page."""
    shown = [child for child in children if not isinstance(child, HtmlOnly)]
    parts, index = [], 0
    while index < len(shown):
        if index + 1 < len(shown) and _headed_table(shown[index], shown[index + 1]):
            parts.append(_table(shown[index + 1], heading=_node(shown[index])))
            index += 2
        else:
            parts.append(_node(shown[index]))
            index += 1
    if not parts:
        return "[]"
    return parts[0] if len(parts) == 1 else f"{_array(parts)}.join()"


def _array(items: list[str]) -> str:
    return "(" + ", ".join(items) + ",)" if items else "()"


def _image(node: Element) -> str:
    source = node.attributes.get("src", "")
    if not source.startswith(_SVG_DATA):
        raise ValueError(f"report tree: an image must be an SVG data URL, not {source[:40]!r}")
    svg = base64.b64decode(source[len(_SVG_DATA):]).decode("utf-8")
    return f"pa-image({literal(svg)}, {literal(node.attributes.get('alt', ''))})"


def _text_length(node: Element | HtmlOnly | str) -> int:
    if isinstance(node, str):
        return len(node)
    return sum(_text_length(child) for child in node.children) if isinstance(node, Element) else 0


def _row(row: Element, head: bool) -> str:
    long = not head and _text_length(row) > LONG_ROW_CHARS
    cells = [
        f"pa-cell({literal(cell.tag)}, {literal(cell.cls)}, {_join(cell.children)}, head: {str(head).lower()}, "
        f"long: {str(long).lower()})"
        for cell in row.children if isinstance(cell, Element)
    ]
    return _array(cells)


def _width(col: Element) -> str:
    """A column's width; percentages become shares of the table (``fr``), which is how a
    fixed-layout HTML table scales columns whose widths do not add up to 100 %."""
    match = _WIDTH.fullmatch(col.attributes.get("style", ""))
    if not match:
        raise ValueError(f"report tree: a table column needs a width such as 'width:15%', not {col.attributes}")
    number, unit = match.groups()
    return number + ("fr" if unit == "%" else unit)


def _table(node: Element, heading: str | None = None) -> str:
    widths, header, rows = "none", [], []
    for part in node.children:
        if not isinstance(part, Element):
            raise ValueError("report tree: text directly inside <table>")
        if part.tag == "colgroup":
            widths = _array([_width(col) for col in part.children])
        elif part.tag in ("thead", "tbody"):
            (header if part.tag == "thead" else rows).extend(_row(row, part.tag == "thead") for row in part.children)
        else:
            raise ValueError(f"report tree: <{part.tag}> inside <table>")
    keep = f", heading: {heading}" if heading else ""
    return f"pa-table({literal(node.cls)}, {widths}, {_array(header)}, {_array(rows)}{keep})"
