"""The expectation suites: one GX JSON file per table in ``expectations/``, read without GX.

Where the suites are: ``suites_dir()`` is the package data folder ``perfaudit/data/expectations``
(``perfaudit.resources``), in the repository a symlink to the top-level ``expectations/``.
Callers can always pass another folder.

Each expectation carries, in GX's own fields (so that GX's Data Docs and plain GX code show
them), a Chinese ``description`` (shown in the report) and a ``severity``: ``critical`` for the
table's shape and identities (columns, ids present, unique and known, source lines), ``warning``
for what the document says (amounts, spending plan, indicator names and values), which the audit
rules report as findings. In ``meta``: ``id`` (stable, ``<table>.<check>``, referred to by the
audit rules and the report) and optionally ``line_column``, the column holding the line of the
checked value (e.g. ``budget_line``). The suite's ``notes`` say which columns are derived
(``perfaudit.validate.derive``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import SuiteError
from ..model import TABLES
from ..resources import SUITES, data_dir

SUITE_SUFFIX = ".json"
SEVERITIES = ("critical", "warning", "info")  # GX's FailureSeverity values


def suites_dir() -> Path:
    """The folder holding the shipped suites (see the module docstring)."""
    return data_dir(SUITES)


@dataclass(frozen=True)
class SuiteFile:
    """One suite as read from disk: the table it checks and GX's JSON, untouched."""

    table: str
    path: Path
    spec: dict[str, Any]
    sha256: str  # of the file's bytes: which version of the suite checked the data

    @property
    def expectations(self) -> list[dict[str, Any]]:
        return self.spec["expectations"]

    def expectation_ids(self) -> list[str]:
        return [expectation["meta"]["id"] for expectation in self.expectations]


def _check(path: Path, spec: Any, table: str) -> None:
    if not isinstance(spec, dict) or not isinstance(spec.get("expectations"), list):
        raise SuiteError(f"{path}: not a GX expectation suite (no 'expectations' list)")
    if spec.get("name") != table:
        raise SuiteError(f"{path}: suite name {spec.get('name')!r} must be the table name {table!r}")
    seen = set()
    for position, expectation in enumerate(spec["expectations"], start=1):
        meta = expectation.get("meta") if isinstance(expectation, dict) else None
        expectation_id = meta.get("id") if isinstance(meta, dict) else None
        if not isinstance(expectation_id, str) or not expectation_id.startswith(f"{table}."):
            raise SuiteError(f"{path}: expectation {position} needs meta.id '{table}.<check>'")
        if not isinstance(expectation.get("description"), str) or not expectation["description"].strip():
            raise SuiteError(f"{path}: expectation {expectation_id} needs a 'description' (Chinese, shown in the report)")
        if expectation.get("severity") not in SEVERITIES:
            raise SuiteError(f"{path}: expectation {expectation_id} needs a 'severity': {', '.join(SEVERITIES)}")
        if expectation_id in seen:
            raise SuiteError(f"{path}: expectation id {expectation_id} is used twice")
        seen.add(expectation_id)


def read_suites(directory: Path | None = None) -> list[SuiteFile]:
    """One SuiteFile per contract table, in ``TABLES`` order; SuiteError naming the file otherwise."""
    directory = suites_dir() if directory is None else Path(directory)
    suites = []
    for table in TABLES:
        path = directory / f"{table}{SUITE_SUFFIX}"
        try:
            data = path.read_bytes()
            spec = json.loads(data.decode("utf-8"))
        except FileNotFoundError:
            raise SuiteError(f"{path}: suite for table '{table}' not found") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise SuiteError(f"{path}: not valid JSON ({exc})") from None
        _check(path, spec, table)
        suites.append(SuiteFile(table=table, path=path, spec=spec, sha256=hashlib.sha256(data).hexdigest()))
    return suites
