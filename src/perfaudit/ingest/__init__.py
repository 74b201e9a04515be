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
from . import layout_a, layout_bc
from .assemble import assemble
from .decode import decode_document
from .rows import CELLS, ROWS, cells_form, header_on_one_line, line_keys, rows_form

SUPPORTED = (
    "A (项目支出绩效目标表: one summary table with 绩效目标/绩效指标 columns), "
    "B (部门预算绩效文本: per-project tables with 项目编码/资金支出计划/指标值确定依据), "
    "C (per-project tables with 一级/二级/三级指标 and 指标值)"
)
_GRID_LABELS = ("一级指标", "三级指标")
_A_LABELS = ("项目名称", "绩效目标", "绩效指标")


def detect_layout(lines: list[str], source_file: str) -> tuple[str, str]:
    """(layout, form) of a document, or InputError naming the supported layouts."""
    keys_per_line = [line_keys(line) for line in lines]
    keys = {key for line in keys_per_line for key in line}
    if {"绩效目标", "绩效指标"} <= keys and any(k.startswith("项目名称") for k in keys):
        layout, labels = "A", _A_LABELS
    elif {"一级指标", "三级指标"} <= keys or {"二级指标", "三级指标"} <= keys:
        is_b = any(k.endswith("确定依据") or k == "项目编码" or k.startswith("资金支出计划") for k in keys)
        layout, labels = ("B" if is_b else "C"), _GRID_LABELS
    else:
        raise InputError(source_file, f"unknown layout; supported layouts: {SUPPORTED}")
    return layout, (ROWS if header_on_one_line(keys_per_line, labels) else CELLS)


def read_document(
    data: bytes, source_file: str, *, year: int | None = None, settings: Settings | None = None
) -> Dataset:
    """Read one document's bytes into tables; raises InputError (file, line, reason) when it cannot."""
    settings = settings or load_settings()
    decoded = decode_document(data, source_file)
    lines = decoded.text.split("\n")
    layout, form = detect_layout(lines, source_file)
    rows = (rows_form if form == ROWS else cells_form)(lines)
    if layout == "A":
        parsed = layout_a.read(rows, lines, source_file, form)
    else:
        parsed = layout_bc.read(rows, lines, source_file, form, layout)
    return assemble(
        parsed,
        text=decoded.text,
        source_file=source_file,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=decoded.encoding,
        year=year,
        settings=settings.section("ingest"),
    )


@dataclass(frozen=True)
class FileOutcome:
    """What happened to one input file."""

    source_file: str
    path: Path
    error: str | None = None
    layout: str | None = None
    units: int = 0
    projects: int = 0
    indicators: int = 0

    @property
    def ok(self) -> bool:
        return self.error is None

    def summary_line(self) -> str:
        """One terminal line, whatever the file name holds (line breaks, controls, bidi overrides)."""
        if not self.ok:
            return printable(f"REFUSED {self.error}")
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


def discover(paths: list[Path]) -> list[tuple[str, Path]]:
    """(source_file, path) for every input: files as given, folders searched for *.txt (sorted).

    ``source_file`` is the name shown in tables and reports: the file name, or its path below the
    folder given — never an absolute path of this machine.
    """
    found: list[tuple[str, Path]] = []
    for path in paths:
        if path.is_dir():
            found.extend((p.relative_to(path).as_posix(), p) for p in sorted(path.rglob("*.txt")) if p.is_file())
        else:
            found.append((path.name, path))
    names = [name for name, _ in found]
    # Two inputs with the same shown name (same file name in two folders): keep the parent folder.
    return [
        ((p.parent.name + "/" + name) if names.count(name) > 1 else name, p) for name, p in found
    ]


def _unit_clash(dataset: Dataset, seen: dict[str, tuple[str, str]]) -> str | None:
    for unit in dataset.units.itertuples():
        if unit.unit_id in seen:
            other_name, other_file = seen[unit.unit_id]
            if squash(other_name) != squash(unit.unit_name):
                return (
                    f"unit {unit.unit_name!r} gets id {unit.unit_id}, the same as unit {other_name!r} "
                    f"in {other_file}: two different units cannot share an id"
                )
            return f"unit {unit.unit_name!r} ({unit.unit_id}) is also in {other_file}: one document per unit"
    return None


def ingest_paths(
    paths: list[Path], *, year: int | None = None, settings: Settings | None = None
) -> IngestResult:
    settings = settings or load_settings()
    parts: list[Dataset] = []
    outcomes: list[FileOutcome] = []
    seen_units: dict[str, tuple[str, str]] = {}
    for source_file, path in discover(paths):
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
        for unit in dataset.units.itertuples():
            seen_units[unit.unit_id] = (unit.unit_name, source_file)
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
    for path in paths:
        if path.is_dir() and not any(p.is_file() for p in path.rglob("*.txt")):
            outcomes.append(FileOutcome(str(path), path, error=f"{path}: no *.txt documents in this folder"))
    return IngestResult(dataset=Dataset.concat(parts), files=outcomes)
