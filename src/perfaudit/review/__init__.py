"""Reviewer dispositions that persist: per unit a file ``OUT/reviews/<unit_id>.toml`` in which a
reviewer marks findings 确认 / 排除 (with a reason) / 已整改, adds notes and signs the unit off.

- ``model.py``: the records (Disposition, SignOff, Review) and the statuses;
- ``file.py``: the file format, reading (tomllib, errors with file and line) and atomic writing
  (tomlkit, keeping a person's comments);
- ``apply.py``: pure functions on the findings table (the audit applies them before grading);
- ``command.py``: what ``perfaudit review`` does.
"""
