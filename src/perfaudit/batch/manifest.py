"""``OUT/manifest.json``: what the output folder holds and what it was built from.

- ``recipe``: the recipe fingerprint (one hash per component) of the last run;
- ``files``: per input file (shown name): SHA-256 of its bytes, its units, or why it was refused;
- ``units``: per unit, the last ``UnitResult`` (status, reason, fingerprint, outputs, summary);
- ``departments``: per department, the last result of its report (a ``UnitResult`` of kind department);
- ``index``: the fingerprint of the inputs of the last portfolio index.

The manifest is written atomically at the end of a run. While a run goes on, each worker writes
the result of every unit it finishes to ``OUT/.journal/<unit_id>.json`` (also atomically), and
loading the manifest applies these first: a run that is killed midway loses no finished unit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..atomic import write_json
from ..outdir import OutputFolder
from .records import DEPARTMENT, UnitResult

FORMAT = 1


def journal_result(out_dir: Path, result: UnitResult) -> None:
    """Record one finished unit (called by the worker that built it)."""
    write_json(OutputFolder(out_dir).journal / f"{result.unit_id}.json", result.to_dict())


@dataclass
class Manifest:
    recipe: dict[str, str] = field(default_factory=dict)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    units: dict[str, UnitResult] = field(default_factory=dict)
    index: dict[str, Any] = field(default_factory=dict)
    departments: dict[str, UnitResult] = field(default_factory=dict)
    report_settings: dict[str, Any] = field(default_factory=dict)  # fonts of the index page

    @classmethod
    def load(cls, out_dir: Path) -> "Manifest":
        """The manifest with the journal of an interrupted run applied (an unreadable or foreign
        manifest counts as none: every unit is rebuilt)."""
        manifest = cls()
        path = OutputFolder(out_dir).manifest
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            data = None
        if isinstance(data, dict) and data.get("format") == FORMAT:
            manifest = cls(
                recipe=data["recipe"],
                files=data["files"],
                units={unit_id: UnitResult.from_dict(entry) for unit_id, entry in data["units"].items()},
                index=data.get("index", {}),
                departments={key: UnitResult.from_dict(entry) for key, entry in data.get("departments", {}).items()},
                report_settings=data.get("report_settings", {}),
            )
        manifest._apply_journal(out_dir)
        return manifest

    def _apply_journal(self, out_dir: Path) -> None:
        for key, result in _journal(out_dir).items():
            (self.departments if result.kind == DEPARTMENT else self.units)[key] = result

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "recipe": self.recipe,
            "files": dict(sorted(self.files.items())),
            "units": {unit_id: self.units[unit_id].to_dict() for unit_id in sorted(self.units)},
            "departments": {key: self.departments[key].to_dict() for key in sorted(self.departments)},
            "index": self.index,
            "report_settings": self.report_settings,
        }

    def save(self, out_dir: Path) -> Path:
        """Write the manifest with the journal applied, then drop the journal.

        A run saves once right after loading (so the journal then holds only its own units) and
        once at its end, when the journal may hold a unit whose result never reached the driver.
        """
        self._apply_journal(out_dir)
        path = OutputFolder(out_dir).manifest
        write_json(path, self.to_dict())
        for entry in OutputFolder(out_dir).journal.glob("*.json"):
            entry.unlink(missing_ok=True)
        return path


def _journal(out_dir: Path) -> dict[str, UnitResult]:
    results = {}
    for entry in sorted(OutputFolder(out_dir).journal.glob("*.json")):
        try:
            result = UnitResult.from_dict(json.loads(entry.read_text(encoding="utf-8")))
        except (ValueError, TypeError):
            continue  # never half-written (atomic), but a foreign file must not stop the run
        results[result.unit_id] = result
    return results
