"""Word page layout of a finance bureau's letter (公文, after GB/T 9704): A4 with the standard
margins, 仿宋 body, 黑体 headings, 小标宋 title, the page number ``— n —`` in the footer, East
Asian line breaking (no line starting with closing punctuation), headings kept with what follows,
table rows that do not split across pages. python-docx has no API for fields, East Asian fonts,
kinsoku or row splitting: the few OXML elements are set here, and nothing else is.
Paragraphs, tables, rows and cells are copies of one element per kind, formatted once per process
through python-docx, whose proxies set each property through a get-or-add (a table cell cost
0.35 ms that way, a copy 0.02 ms); the blank letter is made once per process too.
"""

from __future__ import annotations

import functools
import io
import re
from copy import deepcopy

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph

# Fonts as a bureau's Word has them, each with the font Word and LibreOffice use where it is
# missing (w:altName in the font table): 仿宋_GB2312 is absent from recent Windows, 仿宋 is not.
BODY_FONT, HEADING_FONT, TITLE_FONT, LATIN_FONT = "仿宋_GB2312", "黑体", "方正小标宋简体", "Times New Roman"
FALLBACKS = {BODY_FONT: "仿宋", HEADING_FONT: "SimHei", TITLE_FONT: "宋体", "宋体": "SimSun"}
BODY_PT, TABLE_PT, TITLE_PT, HEAD_PT = 16, 10.5, 22, 16  # 三号, 五号, 二号, 三号
A4_CM = (21.0, 29.7)
MARGINS_CM = {"top": 3.7, "bottom": 3.5, "left": 2.8, "right": 2.6}
TEXT_WIDTH_CM = A4_CM[0] - MARGINS_CM["left"] - MARGINS_CM["right"]
SEAL_RED = RGBColor(0xC0, 0x00, 0x00)

# Punctuation that ends a quoted text: dropped before the letter adds its own (no `达标率。：95%`).
_TRAILING = "。．.，,；;：:、！!？?"
_COLLISION = re.compile(r"[。．，；：、]+(?=[。，；：、])")
# A space between a number and its CJK unit or noun (`65.00 分`, `3 个`): a letter writes `65.00分`,
# and a line never breaks between them.
_NUMBER_SPACE = re.compile(r"(?<=[\d%])[ ]+(?=[\u3400-\u9fff])|(?<=[\u3400-\u9fff])[ ]+(?=\d)")


def clause(text: object) -> str:
    """Document or rule text as part of a sentence: trimmed, without trailing punctuation, and
    without two punctuation marks in a row."""
    return _COLLISION.sub("", str(text).strip()).rstrip(_TRAILING + " 　")


def unbroken(text: str) -> str:
    """Prose as a letter sets it: no space between a number and the CJK next to it."""
    return _NUMBER_SPACE.sub("", text)


def sentence(text: object) -> str:
    """``clause`` ended with 。 (or with its own ？/！ where a question or exclamation)."""
    body = clause(text)
    return body + "。" if body else ""


def _east_asian(rpr, font: str) -> None:
    fonts = rpr.get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi"):
        fonts.set(qn(attribute), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), font)
    fonts.set(qn("w:hint"), "eastAsia")


# The order of a paragraph's and a row's properties (ECMA-376): Word refuses a file where an
# element stands after one that must follow it.
_ORDER = {
    "w:pPr": ("w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl", "w:numPr",
              "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
              "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
              "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
              "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
              "w:rPr", "w:sectPr", "w:pPrChange"),
    "w:trPr": ("w:cnfStyle", "w:divId", "w:gridBefore", "w:gridAfter", "w:wBefore", "w:wAfter", "w:cantSplit",
               "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del", "w:trPrChange"),
    "w:pBdr": ("w:top", "w:left", "w:bottom", "w:right", "w:between", "w:bar"),
}


def _on(parent, tag: str, **attributes: str):
    """``parent``'s child ``tag`` (made, in its schema place, where missing) with ``attributes``."""
    element = parent.find(qn(tag))
    if element is None:
        element = OxmlElement(tag)
        order = next(seq for name, seq in _ORDER.items() if parent.tag == qn(name))
        after = {qn(name) for name in order[order.index(tag) + 1:]}
        successor = next((child for child in parent if child.tag in after), None)
        parent.append(element) if successor is None else successor.addprevious(element)
    for key, value in attributes.items():
        element.set(qn(key), value)
    return element


def new_letter():
    """An empty A4 document with the letter's styles and the page number in the footer (a copy of
    the one made once per process: making it costs a third more than loading it)."""
    from docx import Document

    return Document(io.BytesIO(_blank_letter()))


@functools.cache
def _blank_letter() -> bytes:
    from docx import Document

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(A4_CM[0]), Cm(A4_CM[1])
    for side, cm in MARGINS_CM.items():
        setattr(section, f"{side}_margin", Cm(cm))
    section.footer_distance = Cm(2.5)

    # the East Asian language is Chinese: line breaking (kinsoku) follows its rules, in Word and LibreOffice
    language = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    language.set(qn("w:eastAsia"), "zh-CN")
    normal = document.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    _east_asian(normal.element.get_or_add_rPr(), BODY_FONT)
    ppr = normal.element.get_or_add_pPr()
    _on(ppr, "w:kinsoku", **{"w:val": "1"})  # East Asian line-break rules: no line starts with ）。，
    _on(ppr, "w:overflowPunct", **{"w:val": "1"})
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = Pt(28)  # 22 lines per page, as GB/T 9704
    table_style = document.styles["Table Grid"]
    table_style.font.size = Pt(TABLE_PT)
    _east_asian(table_style.element.get_or_add_rPr(), BODY_FONT)
    _page_number(section.footer)
    _font_fallbacks(document)
    saved = io.BytesIO()
    document.save(saved)
    return saved.getvalue()


def _page_number(footer) -> None:
    """``— 1 —`` centred: a PAGE field (fldChar begin / instrText / separate / end)."""
    paragraph = footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("— ")
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            run._r.append(OxmlElement("w:fldChar"))
            run._r[-1].set(qn("w:fldCharType"), kind)
        elif text == " PAGE ":
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = text
            run._r.append(instruction)
        else:
            placeholder = OxmlElement("w:t")
            placeholder.text = text
            run._r.append(placeholder)
    paragraph.add_run(" —")
    for run in paragraph.runs:
        run.font.size = Pt(14)
        _east_asian(run._r.get_or_add_rPr(), "宋体")


def _font_fallbacks(document) -> None:
    """Declare the letter's fonts in the font table, each with its fallback (w:altName)."""
    from lxml import etree

    part = next(p for p in document.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml")
    root = etree.fromstring(part.blob)
    for name, alternative in FALLBACKS.items():
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        etree.SubElement(font, qn("w:altName")).set(qn("w:val"), alternative)
        etree.SubElement(font, qn("w:charset")).set(qn("w:val"), "86")  # GB2312
        etree.SubElement(font, qn("w:family")).set(qn("w:val"), "modern" if name == BODY_FONT else "auto")
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _set_text(run, text: str) -> None:
    """``run.text = text`` on an empty ``w:r`` as python-docx sets it (tabs and line breaks as Word's
    elements), without its character-by-character pass where there are none (80 µs for 40 characters)."""
    if "\t" in text or "\r" in text or "\n" in text:
        run.text = text
    elif text:
        run.add_t(text)  # with xml:space="preserve" where the text starts or ends with a space


def paragraph(document, text: str = "", *, font: str | None = None, size: float | None = None, bold: bool = False,
              align: str | None = None, indent: bool = False, keep: bool = False, color: RGBColor | None = None,
              space_before: float = 0, right_chars: float = 0):
    """One paragraph of one run. ``indent``: the first line indented by two characters (body text);
    ``right_chars``: the right indent in characters;
    ``keep``: kept on the page of the paragraph that follows (headings, table captions)."""
    p = document.add_paragraph()
    p._p.extend(list(deepcopy(_formatted_paragraph(font, size, bold, align, indent, keep, color, space_before, right_chars))))
    _set_text(p._p[-1], unbroken(text))
    return p


@functools.cache
def _formatted_paragraph(font: str | None, size: float | None, bold: bool, align: str | None, indent: bool, keep: bool,
                         color: RGBColor | None, space_before: float, right_chars: float):
    """A paragraph of one empty run formatted as ``paragraph`` is asked to (its properties are copied)."""
    p = Paragraph(OxmlElement("w:p"), None)
    if align:
        p.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT,
                       "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}[align]
    form = p.paragraph_format
    if indent:
        form.first_line_indent = Pt(2 * (size or BODY_PT))
    if keep:
        form.keep_with_next = True
    if space_before:
        form.space_before = Pt(space_before)
    if right_chars:
        form.right_indent = Pt(right_chars * (size or BODY_PT))
    run = p.add_run()
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    if color is not None:
        run.font.color.rgb = color
    if font:
        _east_asian(run._r.get_or_add_rPr(), font)
    return p._p


def heading(document, text: str, *, level: int = 1):
    """一、 headings in 黑体, （一） headings in 楷体-like bold 仿宋; both kept with what follows."""
    if level == 1:
        return paragraph(document, text, font=HEADING_FONT, indent=True, keep=True)
    return paragraph(document, text, bold=True, indent=True, keep=True)


def rule_line(paragraph_, color: str = "C00000") -> None:
    """A red line under the paragraph (the letterhead's 分隔线)."""
    ppr = paragraph_._p.get_or_add_pPr()
    borders = _on(ppr, "w:pBdr")
    _on(borders, "w:bottom", **{"w:val": "single", "w:sz": "12", "w:space": "4", "w:color": color})


def table(document, header: list[str], rows: list[list[str]], widths_cm: list[float], *, center: tuple[int, ...] = (),
          right: tuple[int, ...] = ()) -> None:
    """A grid table in 五号: fixed column widths (given in cm, summing to the text width), the
    header repeated on each page, and rows that never split across pages."""
    assert abs(sum(widths_cm) - TEXT_WIDTH_CM) < 0.05, (widths_cm, TEXT_WIDTH_CM)
    grid = deepcopy(_grid(tuple(widths_cm)))
    alignments = [WD_ALIGN_PARAGRAPH.CENTER if index in center else WD_ALIGN_PARAGRAPH.RIGHT if index in right else None
                  for index in range(len(header))]
    for values in [header, *rows]:
        is_header = values is header
        row = deepcopy(_row(is_header))
        for text, width, alignment in zip(values, widths_cm, alignments):
            cell = deepcopy(_cell(width))
            for number, line in enumerate(str(text).split("\n")):
                p = deepcopy(_cell_paragraph(WD_ALIGN_PARAGRAPH.CENTER if is_header else alignment, is_header, number == 0))
                _set_text(p[-1], line)
                cell.append(p)
            row.append(cell)
        grid.append(row)
    document.element.body.sectPr.addprevious(grid)  # python-docx's add_table, without its per-call section lookups


# The formatted table, row, cell and paragraph, per kind, that ``table`` copies.
@functools.cache
def _grid(widths_cm: tuple[float, ...]):
    """An empty table in the letter's style, centred, of fixed layout and column widths."""
    document = new_letter()
    grid = document.add_table(rows=0, cols=len(widths_cm))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    width = grid._tbl.tblPr.find(qn("w:tblW"))  # python-docx writes it (type auto); autofit False: fixed layout
    width.set(qn("w:w"), str(round(sum(widths_cm) * 567)))
    width.set(qn("w:type"), "dxa")
    for col, width in zip(grid._tbl.tblGrid.findall(qn("w:gridCol")), widths_cm):
        col.set(qn("w:w"), str(round(width * 567)))
    return deepcopy(grid._tbl)  # a copy: the scratch letter is not kept


@functools.cache
def _row(header: bool):
    tr = OxmlElement("w:tr")
    trpr = tr.get_or_add_trPr()
    _on(trpr, "w:cantSplit")
    if header:
        _on(trpr, "w:tblHeader")
    return tr


@functools.cache
def _cell(width_cm: float):
    tc = OxmlElement("w:tc")
    tc.width = Cm(width_cm)
    return tc


@functools.cache
def _cell_paragraph(alignment: WD_ALIGN_PARAGRAPH | None, header: bool, first: bool):
    """A table paragraph with one empty run, formatted (its text is set on copies); a cell's first
    also has the empty run python-docx leaves in a cleared cell (kept: the same bytes as ever)."""
    p = Paragraph(OxmlElement("w:p"), None)
    p.paragraph_format.line_spacing = 1.0
    if alignment is not None:
        p.alignment = alignment
    if first:
        p.add_run()
    run = p.add_run()
    run.font.size = Pt(TABLE_PT)
    if header:
        run.bold = True
        _east_asian(run._r.get_or_add_rPr(), HEADING_FONT)
    return p._p
