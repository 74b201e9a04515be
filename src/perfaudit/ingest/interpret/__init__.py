"""Interpreters: a ``SourceDocument`` read by its layout spec → ``ParsedDocument``.

Few and generic, each parameterised by the spec: a summary table with packed indicators
(``summary``), per-project tables with an indicator grid (``project_tables``) and declaration
forms: a key–value block and a grid that may hold 中期 and 年度 side by side (``declaration``),
tree tables holding a whole department (``tree``) and the 部门整体 form (``department``).
"""

from __future__ import annotations

from ..cells import SourceDocument
from ..parsed import ParsedDocument
from ..specs import LayoutSpec
from . import declaration, department, project_tables, summary, tree

INTERPRETERS = {"summary": summary.read, "project_tables": project_tables.read, "declaration": declaration.read,
                "tree": tree.read, "department": department.read}


def interpret(doc: SourceDocument, spec: LayoutSpec) -> ParsedDocument:
    return INTERPRETERS[spec.interpreter](doc, spec)
