"""Ingest stage: documents -> tidy tables (``Dataset``).

Entry points: ``read_document`` (one file's bytes) and ``ingest_paths`` (files and folders; a file
that cannot be read faithfully is refused with its reason, the others are still read).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import re
from concurrent.futures import ProcessPoolExecutor
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


# From this many documents on, ``ingest_paths`` reads them in forked processes when asked to:
# a batch reads every document before its first report can start (≈0.04 CPU s a document), while
# its workers (at a lower priority) only import the report stack.
PARALLEL_FROM = 40


def _read_file(source_file: str, path: Path, year: int | None, settings: Settings) -> Dataset | str:
    """One document's tables, or why it is refused."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return f"{path}: cannot read ({exc.strerror})"
    try:
        return read_document(data, source_file, year=year, settings=settings)
    except InputError as exc:
        return str(exc)


_forked_reading: tuple[int | None, Settings] | None = None  # in a reading process: (year, settings)


def _remember_reading(year: int | None, settings: Settings) -> None:
    global _forked_reading
    _forked_reading = (year, settings)  # given by fork, not pickled (settings are read-only mappings)


def _read_forked(source_file: str, path: Path) -> Dataset | str:
    return _read_file(source_file, path, *_forked_reading)


def _read_files(documents: list[tuple[str, Path]], year: int | None, settings: Settings,
                processes: int) -> list[Dataset | str]:
    """``_read_file`` of each document, in order; in ``processes`` forked processes when there
    are many documents and the platform forks (elsewhere a process would import everything again)."""
    if processes > 1 and len(documents) >= PARALLEL_FROM and "fork" in multiprocessing.get_all_start_methods():
        names, paths = [name for name, _ in documents], [path for _, path in documents]
        with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork"),
                                 initializer=_remember_reading, initargs=(year, settings)) as pool:
            return list(pool.map(_read_forked, names, paths, chunksize=max(1, len(documents) // (processes * 8))))
    return [_read_file(name, path, year, settings) for name, path in documents]


def ingest_paths(
    paths: list[Path], *, year: int | None = None, settings: Settings | None = None, processes: int = 1
) -> IngestResult:
    """Every document under ``paths``; ``processes`` > 1 reads many documents in parallel (the
    same result)."""
    settings = settings or load_settings()
    parts: list[Dataset] = []
    outcomes: list[FileOutcome] = []
    seen_units: dict[str, tuple[str, str]] = {}
    found = scan(paths)
    for (source_file, path), dataset in zip(found.documents, _read_files(found.documents, year, settings, processes)):
        if isinstance(dataset, str):
            outcomes.append(FileOutcome(source_file, path, error=dataset))
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
