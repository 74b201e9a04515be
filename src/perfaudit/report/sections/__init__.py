"""The reports' content, in Chinese: one function per section, each turning a bundle into markup.

- ``format.py``: what every section shares (labels, number formats, the section frame, ``Locator``,
  counts of a bundle's tables);
- the unit report's sections, in the order a reviewer reads them: ``cover.py``, ``summary.py``
  (the 审核结论, facts, funding, grade, the projects' chart), ``findings.py`` (共性问题 once, then
  what is specific to each project), ``appendix.py`` (the parsed projects, in the formats
  ``[report] appendix`` names; the 部门整体 targets) and last ``notes.py`` (the 技术附注:
  fingerprints, data quality);
- ``department.py``: the department report's sections.

Sections read bundles only (``bundle.py``), never the audit or validate stages. Everything shown
is sorted explicitly, so the same bundle always gives the same bytes.
"""
