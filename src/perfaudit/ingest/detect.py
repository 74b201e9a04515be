"""Which layout a document is in: every spec scores the document's labels; exactly one must match."""

from __future__ import annotations

from ..errors import InputError
from ..text import clean_cell
from .cells import Paragraph, SourceDocument
from .lexicon import kind_of, kind_wordings
from .parsed import front_parts
from .specs import LayoutSpec, label_key, layout_specs


def document_labels(doc: SourceDocument) -> set[str]:
    return {label_key(cell.text) for row, _ in doc.rows() for cell in row.cells if cell.text}


def _missing(spec: LayoutSpec, labels: set[str]) -> list[str]:
    """What the document lacks for ``spec`` (a group shown as ``a/b``), and what it must not hold."""
    missing = [label for label in spec.signature_all if label not in labels]
    missing += ["/".join(group) for group in spec.signature_any if not any(x in labels for x in group)]
    missing += [f"no {label}" for label in spec.signature_none if label in labels]
    return missing


def _held(spec: LayoutSpec, labels: set[str]) -> int:
    """How many of the spec's required labels and label groups the document holds."""
    return sum(label in labels for label in spec.signature_all) + sum(
        any(x in labels for x in group) for group in spec.signature_any
    )


def detect(doc: SourceDocument) -> LayoutSpec:
    """The one spec that matches; else InputError naming what the document is: a document of
    another kind (绩效目标自评表), a truncated form (its layout and last complete row), prose
    without a table, an incomplete form of a family, or an unknown layout (the closest spec and
    what it lacked), or the specs that tie."""
    labels = document_labels(doc)
    kind = kind_of(labels)
    if kind:
        raise InputError(doc.source_file, f"a {kind}, not a target form (its labels: {_kind_labels(doc, kind)})")
    specs = layout_specs()
    matching = [spec for spec in specs if spec.score(labels)]
    if doc.truncation is not None:
        _refuse_truncated(doc, _likeliest(specs, labels))
    supported = "; ".join(f"{s.name}: {s.description}" for s in specs)
    if "绩效" in doc.text and not any(not isinstance(block, Paragraph) for block in doc.blocks):
        title = front_parts(doc.text)[0] or "the text"
        raise InputError(doc.source_file, f"no table: {title[:40]} is prose (a 绩效目标情况说明 or notice) without a "
                                          f"target table; supported layouts: {supported}")
    if len(matching) == 1:
        return matching[0]
    if matching:
        names = ", ".join(f"{s.name} ({s.description})" for s in matching)
        raise InputError(doc.source_file, f"ambiguous layout: the document matches {names}")
    # fewest labels missing; of those, the one whose own labels the document holds most of (an
    # 88号 form without its grid is closer to N1, whose 年度资金总额 it has, than to C)
    closest = _closest(specs, labels)
    if closest.signature_all and all(label in labels for label in closest.signature_all) and _held(closest, labels) > 1:
        raise InputError(
            doc.source_file,
            f"incomplete {closest.name} form (closest: {closest.name}, which needs {', '.join(_missing(closest, labels))}); "
            f"{closest.name}: {closest.description}",
        )
    raise InputError(
        doc.source_file,
        f"unknown layout (closest: {closest.name}, which needs {', '.join(_missing(closest, labels))}); "
        f"supported layouts: {supported}",
    )


def _closest(specs, labels: set[str]) -> LayoutSpec:
    return min(specs, key=lambda s: (len(_missing(s, labels)), -_held(s, labels)))


def _kind_labels(doc: SourceDocument, kind: str) -> str:
    wordings = kind_wordings(kind)
    return ", ".join(sorted({clean_cell(c.text) for row, _ in doc.rows() for c in row.cells if label_key(c.text) in wordings}))


def _likeliest(specs, labels: set[str]) -> LayoutSpec:
    """The spec a cut-off document most looks like (what it lacks may be in the part cut off):
    fewest labels it must not hold, most of its labels held."""
    return min(specs, key=lambda s: (sum(x in labels for x in s.signature_none), -_held(s, labels), len(_missing(s, labels))))


def _form_title(doc: SourceDocument) -> str | None:
    """The form's title: the last line before its table that names a 绩效 table."""
    titles = []
    for block in doc.blocks:
        if not isinstance(block, Paragraph):
            break
        if "绩效" in block.text and "表" in block.text:
            titles.append(block.text)
    return titles[-1] if titles else None


def _refuse_truncated(doc: SourceDocument, spec: LayoutSpec) -> None:
    """A text that stops inside a form: refused naming the form (its title) and the layout it
    reads as, and the last complete row."""
    cut = doc.truncation
    title = _form_title(doc) or spec.description.split(":")[0]
    last = f" after row {cut.ref.label()} ({cut.last_row})" if cut.last_row else ""
    raise InputError.at(doc.source_file, f"truncated {title[:40]} ({spec.name}): {cut.reason}{last}", cut.ref)
