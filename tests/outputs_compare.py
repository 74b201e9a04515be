"""Compare two output folders of ``perfaudit run`` file by file: did a change alter what a run writes?

``python tests/outputs_compare.py BEFORE AFTER`` prints one line per file that differs and a
summary; exit 0 when the folders hold the same outputs. ``tests/test_same_outputs.py`` builds the
bundled examples with another commit and with this checkout and compares them with it.

Every file is compared byte for byte, except what is not deterministic, which is taken out first:

- ``report.ipynb``: papermill's and Jupyter's timings (``start_time``, ``end_time``,
  ``duration``, the ``execution`` timestamps of each cell), the notebook's input path (the
  checkout) and the id of the parameters cell papermill injects (random); the output folder's
  own path, which papermill records in the parameters, is replaced by ``OUT``;
- ``provenance.json``: when, how long and on which host a report was made, and the SHA-256 of its
  ``report.ipynb`` (which holds those timings);
- ``manifest.json`` and ``run.json``: timings (wall clock and CPU), workers, and the recipe with the fingerprints
  derived from it (its ``code`` component is the package's source, which a change changes by
  definition);
- ``logs/``: left out (every line has a time stamp, process ids and durations).

A bundle may grow (a new file, a new key in one of its JSON files) without a report changing:
``compare`` lists such additions apart from differences.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_NOTEBOOK_TIMES = ("start_time", "end_time", "duration")
_PROVENANCE_RUN = ("started", "finished", "seconds", "host")
_RESULT_RUN = ("finished", "seconds", "cpu", "worker", "fingerprint")


@dataclass
class Comparison:
    same: list[str] = field(default_factory=list)
    different: list[str] = field(default_factory=list)
    only_before: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)  # new files, or new keys, in bundles
    left_out: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.different and not self.only_before and not any(not a.startswith("bundles/") for a in self.added)

    def lines(self) -> list[str]:
        return ([f"DIFFERENT    {p}" for p in self.different] + [f"ONLY BEFORE  {p}" for p in self.only_before]
                + [f"ADDED        {p}" for p in self.added]
                + [f"{len(self.same)} identical, {len(self.different)} different, {len(self.only_before)} only before, "
                   f"{len(self.added)} added, {len(self.left_out)} left out (logs)"])


def _strip_notebook(notebook: dict[str, Any]) -> dict[str, Any]:
    papermill = notebook.get("metadata", {}).get("papermill", {})
    for key in (*_NOTEBOOK_TIMES, "input_path"):
        papermill.pop(key, None)
    for cell in notebook.get("cells", []):
        metadata = cell.get("metadata", {})
        metadata.pop("execution", None)
        if "injected-parameters" in metadata.get("tags", []):
            cell.pop("id", None)
        for key in _NOTEBOOK_TIMES:
            metadata.get("papermill", {}).pop(key, None)
    return notebook


def _strip_results(entries: Any) -> None:
    for entry in (entries.values() if isinstance(entries, dict) else entries):
        for key in _RESULT_RUN:
            entry.pop(key, None)


def normalised(relative: str, data: bytes, root: Path) -> Any:
    """The comparable content of one output file (``root``: the folder it is in)."""
    name = Path(relative).name
    if name.endswith(".ipynb"):
        text = data.decode("utf-8").replace(str(root), "OUT")
        return _strip_notebook(json.loads(text))
    if name == "provenance.json":
        value = json.loads(data)
        for key in _PROVENANCE_RUN:
            value.pop(key, None)
        value.get("files", {}).pop("report.ipynb", None)
        return value
    if relative == "manifest.json":
        value = json.loads(data)
        value.pop("recipe", None)
        value.pop("index", None)
        _strip_results(value.get("units", {}))
        _strip_results(value.get("departments", {}))
        return value
    if relative == "run.json":
        value = json.loads(data.decode("utf-8").replace(str(root), "OUT"))
        for key in ("started", "finished", "seconds", "cpu", "workers"):
            value.pop(key, None)
        for runs in ("units", "departments"):
            for run in value.get(runs, []):
                for key in ("seconds", "cpu", "worker"):
                    run.pop(key, None)
        return value
    return data


def _added_keys(before: Any, after: Any, prefix: str = "") -> list[str] | None:
    """Keys ``after`` has beyond ``before`` (recursively), when it equals ``before`` otherwise; None when not."""
    if isinstance(before, dict) and isinstance(after, dict):
        if not set(before) <= set(after):
            return None
        added = [f"{prefix}{key}" for key in sorted(set(after) - set(before))]
        for key in before:
            deeper = _added_keys(before[key], after[key], f"{prefix}{key}.")
            if deeper is None:
                return None
            added += deeper
        return added
    return [] if before == after else None


def compare(before: Path, after: Path) -> Comparison:
    result = Comparison()
    files = {side: {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
             for side, root in (("before", before), ("after", after))}
    for relative in sorted(files["before"] | files["after"]):
        if relative.startswith("logs/"):
            result.left_out.append(relative)
        elif relative not in files["after"]:
            result.only_before.append(relative)
        elif relative not in files["before"]:
            result.added.append(relative)
        else:
            old = normalised(relative, (before / relative).read_bytes(), before)
            new = normalised(relative, (after / relative).read_bytes(), after)
            if old == new:
                result.same.append(relative)
                continue
            added = None
            if relative.startswith("bundles/") and relative.endswith(".json"):
                added = _added_keys(json.loads(old), json.loads(new))
            if added:
                result.added += [f"{relative}: {key}" for key in added]
            else:
                result.different.append(relative)
    return result


def main(argv: list[str]) -> int:
    before, after = (Path(arg).resolve() for arg in argv)
    comparison = compare(before, after)
    print("\n".join(comparison.lines()))
    return 0 if comparison.ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
