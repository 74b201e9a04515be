"""Which layout a document is in: every spec scores the document's labels; exactly one must match."""

from __future__ import annotations

from ..errors import InputError
from .cells import SourceDocument
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
    """The one spec that matches, or InputError naming the closest spec and what it lacked, or the
    specs that tie."""
    labels = document_labels(doc)
    specs = layout_specs()
    matching = [spec for spec in specs if spec.score(labels)]
    if len(matching) == 1:
        return matching[0]
    if matching:
        names = ", ".join(f"{s.name} ({s.description})" for s in matching)
        raise InputError(doc.source_file, f"ambiguous layout: the document matches {names}")
    # fewest labels missing; of those, the one whose own labels the document holds most of (an
    # 88号 form without its grid is closer to N1, whose 年度资金总额 it has, than to C)
    closest = min(specs, key=lambda s: (len(_missing(s, labels)), -_held(s, labels)))
    supported = "; ".join(f"{s.name}: {s.description}" for s in specs)
    raise InputError(
        doc.source_file,
        f"unknown layout (closest: {closest.name}, which needs {', '.join(_missing(closest, labels))}); "
        f"supported layouts: {supported}",
    )
