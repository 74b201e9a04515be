"""Interpreters: a ``SourceDocument`` read by its layout spec → ``ParsedDocument``.

Few and generic, each parameterised by the spec: a summary table with packed indicators
(``summary``) and per-project tables with an indicator grid (``project_tables``).
"""

from __future__ import annotations

from ..cells import SourceDocument
from ..parsed import ParsedDocument
from ..specs import LayoutSpec
from . import project_tables, summary

INTERPRETERS = {"summary": summary.read, "project_tables": project_tables.read}


def interpret(doc: SourceDocument, spec: LayoutSpec) -> ParsedDocument:
    return INTERPRETERS[spec.interpreter](doc, spec)
