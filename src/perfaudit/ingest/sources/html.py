"""HTML source (.html, .htm — and the many ``.xls`` downloads that are really HTML), read with lxml.

Encoding: a byte-order mark, else the ``<meta charset>`` / ``http-equiv`` declaration (GB2312 and
GBK read as their superset GB18030), else UTF-8, else GB18030; a page that decodes under none
is refused. Scripts, styles, templates and comments are never read.

``<table>`` elements become ``Table`` blocks on their full grid (``rowspan``/``colspan`` as
spans; spans clipped to the table, as browsers do); a table nested in a cell becomes its own
block after the table holding it, its text not part of the outer cell. Text outside tables
becomes one ``Paragraph`` per block element (``<p>``, ``<div>``, ``<h1>``…, ``<li>``, ``<br>``).
White space is collapsed as a browser shows it. The document tree is walked iteratively, so
deeply nested markup cannot exhaust the stack;
markup nested deeper than libxml2's limit (256) is refused rather than read in part.

Places: ``Ref(table=N, row=R, col=C)``, paragraphs ``Ref(paragraph=K)``.
"""

from __future__ import annotations

import codecs
import re

from lxml import etree
from lxml import html as lxml_html

from ...errors import InputError
from ...text import clean_cell
from ..cells import Block, Paragraph, Ref, SourceDocument
from . import Source, register
from .grid import padded, table_from_grid
from .guard import parser_errors

KIND = "HTML"
_HEAD = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|meta|body|table)\b", re.I | re.S)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w:.]+)""", re.I)
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030"}
_SKIPPED = {"script", "style", "template", "noscript", "head", "title", "object", "iframe", "svg", "math"}
_BLOCKS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "section",
    "article", "header", "footer", "blockquote", "pre", "address", "caption", "center", "form",
    "fieldset", "hr", "main", "nav", "aside", "figure", "figcaption", "body", "html",
}
_SPACE = re.compile(r"[ \t\r\n\f]+")
MAX_SPAN = 1000  # HTML caps colspan at 1000; rowspan is clipped to the table anyway
MAX_CELLS = 1_000_000


def sniff(data: bytes) -> bool:
    head = data[:4096]
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            head = head[len(bom):].decode(codec, "ignore").encode("ascii", "ignore")
    return bool(_HEAD.match(head))


def decode(data: bytes, source_file: str) -> tuple[str, str]:
    """(text, encoding) of an HTML page."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return _decode(data[len(bom):], codec, source_file), codec
    candidates = ["utf-8", "gb18030"]
    declared = _META_CHARSET.search(data[:8192])
    if declared:
        name = declared.group(1).decode("ascii", "ignore").lower()
        name = _ALIASES.get(name, name)
        try:
            codecs.lookup(name)
        except LookupError:
            raise InputError(source_file, f"HTML page declares an unknown encoding {name!r}") from None
        candidates = [name]
    for codec in candidates:
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            continue
    return _decode(data, candidates[-1], source_file), candidates[-1]


def _decode(data: bytes, codec: str, source_file: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise InputError(source_file, f"HTML page is not valid {codec} (byte {exc.start})") from None


def read(data: bytes, source_file: str) -> SourceDocument:
    text, encoding = decode(data, source_file)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml refuses str input with an XML declaration
    if not text.strip():
        raise InputError(source_file, "empty HTML page")
    parser = lxml_html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    with parser_errors(source_file, KIND, (etree.ParserError, etree.XMLSyntaxError, ValueError)):
        root = lxml_html.document_fromstring(text, parser=parser)
    # libxml2 stops at a resource limit (elements nested over 256 deep) and returns what it has:
    # a page read only in part is refused, never taken for the whole.
    fatal = [e for e in parser.error_log if e.level == etree.ErrorLevels.FATAL]
    if fatal:
        reason = "elements nested too deep" if "depth" in fatal[0].message else fatal[0].message.strip()
        raise InputError(source_file, f"HTML page cannot be read completely: {reason}", fatal[0].line)
    return SourceDocument(source_file, tuple(_blocks(root, source_file)), "html", encoding)


def _tag(element) -> str:
    return element.tag.lower() if isinstance(element.tag, str) else ""


class _Walker:
    """Paragraphs and tables of one page, in document order."""

    def __init__(self, source_file: str):
        self.source_file = source_file
        self.blocks: list[Block] = []
        self.paragraphs = 0
        self.tables = 0

    def paragraph(self, pieces: list[str]) -> None:
        text = clean_cell(_SPACE.sub(" ", "".join(pieces)))
        pieces.clear()
        if text:
            self.paragraphs += 1
            self.blocks.append(Paragraph(text, Ref(paragraph=self.paragraphs)))

    def walk(self, root) -> None:
        pieces: list[str] = []
        skip_depth = 0
        for event, element in etree.iterwalk(root, events=("start", "end")):
            tag = _tag(element)
            if event == "start":
                if skip_depth or tag in _SKIPPED or tag == "table":
                    skip_depth += 1
                    continue
                if tag in _BLOCKS or tag == "br":
                    self.paragraph(pieces)
                if element.text:
                    pieces.append(element.text)
                continue
            if skip_depth:
                skip_depth -= 1
                if skip_depth == 0 and tag == "table":
                    self.paragraph(pieces)
                    self.table(element)
                if skip_depth == 0 and element.tail:
                    pieces.append(element.tail)
                continue
            if tag in _BLOCKS:
                self.paragraph(pieces)
            if element.tail and element is not root:
                pieces.append(element.tail)
        self.paragraph(pieces)

    def table(self, table) -> None:
        queue = [table]
        while queue:  # the table, then the tables nested in its cells (depth first)
            self.tables += 1
            nested = self._table(queue.pop(0), self.tables)
            queue[0:0] = nested

    def _table(self, table, number: int) -> list:
        rows = [tr for tr in _own(table, "tr")]
        grid: list[list] = [[] for _ in rows]
        texts: dict = {}
        nested: list = []
        cells = 0
        for r, tr in enumerate(rows):
            c = 0
            for td in (child for child in tr if _tag(child) in ("td", "th")):
                while c < len(grid[r]) and grid[r][c] is not None:
                    c += 1
                rowspan = min(_span(td, "rowspan"), len(rows) - r) or len(rows) - r  # rowspan=0: to the end
                colspan = min(max(_span(td, "colspan"), 1), MAX_SPAN)
                cells += rowspan * colspan
                if cells > MAX_CELLS:
                    raise InputError(self.source_file, "table too large (spans over a million cells)", where=f"表{number}")
                for rr in range(r, r + rowspan):
                    row = grid[rr]
                    row.extend([None] * (c + colspan - len(row)))
                    for cc in range(c, c + colspan):
                        if row[cc] is None:
                            row[cc] = td
                texts[td] = _cell_text(td, nested)
                c += colspan
        if rows:
            table_block = table_from_grid(
                padded(grid), texts.__getitem__, lambda r, c: Ref(table=number, row=r + 1, col=c + 1)
            )
            if table_block.rows and table_block.rows[0].cells:
                self.blocks.append(table_block)
        return nested


def _span(td, name: str) -> int:
    value = re.match(r"\s*(\d+)", td.get(name, "") or "")
    return int(value.group(1)) if value else 1


def _own(table, tag: str):
    """The ``tr`` elements of this table, not of tables nested in it (thead/tbody/tfoot looked into)."""
    for child in table:
        name = _tag(child)
        if name == tag:
            yield child
        elif name in ("thead", "tbody", "tfoot"):
            yield from (tr for tr in child if _tag(tr) == tag)


def _cell_text(td, nested: list) -> str:
    """A cell's text, lines at ``<br>`` and block elements, nested tables collected instead."""
    lines: list[str] = []
    pieces: list[str] = []

    def end_line() -> None:
        line = clean_cell(_SPACE.sub(" ", "".join(pieces)))
        pieces.clear()
        if line:
            lines.append(line)

    skip_depth = 0
    for event, element in etree.iterwalk(td, events=("start", "end")):
        tag = _tag(element)
        if event == "start":
            if skip_depth or tag in _SKIPPED or tag == "table":
                if not skip_depth and tag == "table":
                    nested.append(element)
                skip_depth += 1
                continue
            if tag in _BLOCKS or tag == "br":
                end_line()
            if element.text:
                pieces.append(element.text)
            continue
        if skip_depth:
            skip_depth -= 1
        elif tag in _BLOCKS:
            end_line()
        if element is not td and element.tail and not skip_depth:
            pieces.append(element.tail)
    end_line()
    return "\n".join(lines)


def _blocks(root, source_file: str) -> list[Block]:
    walker = _Walker(source_file)
    walker.walk(root)
    return walker.blocks


register(Source("html", (".html", ".htm"), sniff, read))
