"""The audit stage: the rule catalogue (S/A/Q/C/D/X) -> findings table + unit grade.

Entry point: ``audit_dataset(dataset, settings, validation) -> AuditResult`` with
``findings`` (one row per finding: rule, severity, criterion, unit, project, indicator, the
evidence quoted from the source with file and line, and Chinese message and suggestion) and
``grades`` (one row per unit: score 0–100, 优/良/中/差, points per review criterion).

- ``registry.py``: the ``Rule`` record and the ``@rule`` decorator; ``catalogue()`` lists the rules.
- ``rules/``: one module per family (structure S, arithmetic A, quantification Q, coherence C,
  duplication D, special X); each rule is a small pure function over ``context.AuditInput``.
- ``context.py``: the tables with derived features; ``lexicon.py``: the word lists and patterns
  of ``[audit.lexicon]``, compiled.
- ``findings.py``: the findings table, stable ``finding_id``.
- ``export.py``: the files for reviewers (Parquet, and CSV and Excel in one Chinese schema).
- ``grade.py``: the unit grade and its documented formula.
- ``reference.py``: the rules reference (``docs/rules.md``) generated from the registry.

Knows nothing of GX or notebooks: A01, A02, A04 and S06 read the validate stage's plain result.
"""

from .engine import AuditResult, audit_dataset
from .export import write_findings
from .findings import FINDINGS
from .registry import Rule, catalogue

__all__ = ["FINDINGS", "AuditResult", "Rule", "audit_dataset", "catalogue", "write_findings"]
