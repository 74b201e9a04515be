"""Ingest stage: documents -> tidy tables (``Dataset``).

Entry points: ``read_document`` (one file's bytes) and ``ingest_paths`` (files and folders; a file
that cannot be read faithfully is refused with its reason, the others are still read).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..model import Dataset
from ..settings import Settings, load_settings
from ..text import squash
from .assemble import assemble
from .detect import detect
from .interpret import interpret
from .discovery import discover, scan
from .sources import read_source, suffixes


def read_document(
    data: bytes, source_file: str, *, year: int | None = None, settings: Settings | None = None
) -> Dataset:
    """Read one document's bytes into tables; raises InputError (file, place, reason) when it cannot.

    source (file format → paragraphs and tables) → detect (layout spec) → interpret → assemble.
    """
    settings = settings or load_settings()
    source = read_source(data, source_file)
    spec = detect(source)
    return assemble(
        interpret(source, spec),
        source=source,
        spec=spec,
        sha256=hashlib.sha256(data).hexdigest(),
        year=year,
        settings=settings.section("ingest"),
    )


@dataclass(frozen=True)
class FileOutcome:
    """What happened to one input file."""

    source_file: str
    path: Path
    error: str | None = None
    skipped: str | None = None  # why a file found in a folder is not read (not a document)
    layout: str | None = None
    units: int = 0
    projects: int = 0
    indicators: int = 0

    @property
    def ok(self) -> bool:
        """Read, or skipped as plainly not a document: neither is an error."""
        return self.error is None

    def summary_line(self) -> str:
        """One terminal line, whatever the file name holds (line breaks, controls, bidi overrides)."""
        if not self.ok:
            return printable(f"REFUSED {self.error}")
        if self.skipped:
            return printable(f"skipped {self.source_file}: {self.skipped}")
        return printable(
            f"ok      {self.source_file}: layout {self.layout}, {self.units} unit(s), "
            f"{self.projects} projects, {self.indicators} indicators"
        )


_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Control, line-separator and bidi-override characters shown as escapes (``\\n``, ``\\u202e``)."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


@dataclass(frozen=True)
class IngestResult:
    dataset: Dataset
    files: list[FileOutcome] = field(default_factory=list)

    @property
    def refused(self) -> list[FileOutcome]:
        return [f for f in self.files if not f.ok]

    @property
    def skipped(self) -> list[FileOutcome]:
        return [f for f in self.files if f.skipped]


def _unit_clash(dataset: Dataset, seen: dict[str, tuple[str, str]]) -> str | None:
    for unit_id, unit_name in zip(dataset.units["unit_id"], dataset.units["unit_name"]):
        if unit_id in seen:
            other_name, other_file = seen[unit_id]
            if squash(other_name) != squash(unit_name):
                return (
                    f"unit {unit_name!r} gets id {unit_id}, the same as unit {other_name!r} "
                    f"in {other_file}: two different units cannot share an id"
                )
            return f"unit {unit_name!r} ({unit_id}) is also in {other_file}: one document per unit"
    return None


def ingest_paths(
    paths: list[Path], *, year: int | None = None, settings: Settings | None = None
) -> IngestResult:
    settings = settings or load_settings()
    parts: list[Dataset] = []
    outcomes: list[FileOutcome] = []
    seen_units: dict[str, tuple[str, str]] = {}
    found = scan(paths)
    for source_file, path in found.documents:
        try:
            data = path.read_bytes()
        except OSError as exc:
            outcomes.append(FileOutcome(source_file, path, error=f"{path}: cannot read ({exc.strerror})"))
            continue
        try:
            dataset = read_document(data, source_file, year=year, settings=settings)
        except InputError as exc:
            outcomes.append(FileOutcome(source_file, path, error=str(exc)))
            continue
        clash = _unit_clash(dataset, seen_units)
        if clash:
            outcomes.append(FileOutcome(source_file, path, error=f"{source_file}: {clash}"))
            continue
        for unit_id, unit_name in zip(dataset.units["unit_id"], dataset.units["unit_name"]):
            seen_units[unit_id] = (unit_name, source_file)
        parts.append(dataset)
        outcomes.append(
            FileOutcome(
                source_file,
                path,
                layout=dataset.documents["layout"].iloc[0],
                units=len(dataset.units),
                projects=len(dataset.projects),
                indicators=len(dataset.indicators),
            )
        )
    kinds = ", ".join(sorted(set(suffixes())))
    for source_file, path in found.unsupported:
        reason = f"unsupported file type {path.suffix or '(no suffix)'} (documents are {kinds})"
        outcomes.append(FileOutcome(source_file, path, error=f"{source_file}: {reason}"))
    outcomes += [FileOutcome(source_file, path, skipped=why) for source_file, path, why in found.skipped]
    for path in paths:
        if path.is_dir() and not any(p.is_relative_to(path) for _, p in found.documents):
            outcomes.append(FileOutcome(str(path), path, error=f"{path}: no documents ({kinds}) in this folder"))
    return IngestResult(dataset=Dataset.concat(parts), files=outcomes)
