"""What a run will do with each unit, and why: pure decisions over fingerprints and the manifest.

A unit is *built* when it is new, when its fingerprint changed (its input file, its review
file, or a part of the recipe), when its report files are missing, when its last build failed for
a reason of the machine (a lost worker, scheduler or kernel, a timeout: ``records.INFRASTRUCTURE_ERRORS``),
or when asked (``--force``, ``--retry-failed``); it is *skipped* when nothing changed; a unit whose
document made its last build fail stays *failed* until its input changes or ``--retry-failed``
asks for it, and so does a unit whose input file is refused now.
Units whose input is gone are *orphaned*. ``--unit`` and ``--retry-failed`` narrow the run to
the units they select: the others are skipped, whatever their state.

A department follows the same rules with its own fingerprint, made of its units' fingerprints
and the department notebook: it is built when any of its units' inputs (or the recipe) changed,
and skipped when none did. ``--department`` selects a department and its units; ``--unit``
selects units only (their departments are rebuilt by the next run that selects them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..fingerprint import department_fingerprint
from .records import DEPARTMENT, FAILED, UNIT, UnitResult, UnitTask

if TYPE_CHECKING:
    from .manifest import Manifest

BUILD, SKIP, KEEP_FAILED = "build", "skip", "failed"


@dataclass(frozen=True)
class UnitPlan:
    unit_id: str
    unit_name: str
    department: str | None
    source_file: str
    fingerprint: str
    action: str  # BUILD, SKIP or KEEP_FAILED
    reason: str
    kind: str = UNIT  # DEPARTMENT: a department (``unit_id`` its id, ``unit_name`` its name)
    department_id: str | None = None  # a unit's department; a department's members are ``members``
    members: tuple[str, ...] = ()

    def task(self, bundle_root: Path, out_dir: Path, notebook: Path | None) -> UnitTask:
        """What a worker needs to build this unit (``notebook`` None: the report stage's own)."""
        return UnitTask(self.unit_id, self.unit_name, self.department, self.source_file, self.fingerprint,
                        str(bundle_root), str(out_dir), str(notebook) if notebook else None,
                        kind=self.kind, department_id=self.department_id)


@dataclass(frozen=True)
class Selection:
    """What the user asked for: all units, or some (``--unit``, ``--department``), failed ones
    only, or everything again."""

    unit_ids: frozenset[str] = frozenset()
    force: bool = False
    retry_failed: bool = False
    department_ids: frozenset[str] = frozenset()

    def wants(self, unit_id: str, previous: UnitResult | None, department_id: str | None = None) -> bool:
        """Whether a unit (of ``department_id``), or a department (its own id as both), is selected."""
        if (self.unit_ids or self.department_ids) and unit_id not in self.unit_ids and department_id not in self.department_ids:
            return False
        return not self.retry_failed or (previous is not None and previous.status == FAILED)


@dataclass
class Plan:
    units: list[UnitPlan] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)  # source_file -> reason
    skipped: dict[str, str] = field(default_factory=dict)  # files of an input folder that are not documents -> why
    orphaned: list[str] = field(default_factory=list)  # unit ids whose input is gone
    departments: list[UnitPlan] = field(default_factory=list)  # of kind DEPARTMENT
    orphaned_departments: list[str] = field(default_factory=list)  # department ids no unit has now

    def with_action(self, action: str) -> list[UnitPlan]:
        return [unit for unit in self.units if unit.action == action]

    def lines(self) -> list[str]:
        """The dry-run report: one line per unit and per refused file, then the counts."""
        width = max((len(u.unit_id) for u in self.units), default=8)
        words = {BUILD: "build", SKIP: "skip", KEEP_FAILED: "failed"}
        out = [f"{words[u.action]:<7}{u.unit_id:<{width}}  {u.unit_name}: {u.reason}" for u in self.units]
        out += [f"refused {name}: {reason}" for name, reason in sorted(self.refused.items())]
        out += [f"skipped {name}: {why}" for name, why in sorted(self.skipped.items())]
        out += [f"orphan  {unit_id}: its input is gone; its reports move to orphaned/" for unit_id in self.orphaned]
        out += [f"{words[d.action]:<7}{d.unit_id:<{width}}  部门 {d.unit_name} ({len(d.members)} units): {d.reason}"
                for d in self.departments]
        counts = {action: len(self.with_action(action)) for action in words}
        out.append(
            f"{counts[BUILD]} to build, {counts[SKIP]} up to date, {counts[KEEP_FAILED]} failed before, "
            f"{len(self.refused)} refused input(s), {len(self.orphaned)} orphaned; departments: "
            f"{sum(d.action == BUILD for d in self.departments)} to build, {sum(d.action != BUILD for d in self.departments)} not"
        )
        return out


def outputs_present(out_dir: Path, previous: UnitResult) -> bool:
    return all(
        (out_dir / previous.outputs[kind]).is_file() if kind in previous.outputs else False
        for kind in ("html", "pdf")
    )


def decide(
    unit_id: str,
    fingerprint: str,
    previous: UnitResult | None,
    selection: Selection,
    *,
    input_changed: bool,
    recipe_changes: list[str],
    out_dir: Path,
    department_id: str | None = None,
    what: str = "unit",
) -> tuple[str, str]:
    """(action, reason) for one unit (of ``department_id``), or for a department (its own id as
    ``department_id``, ``what`` "department")."""
    failed_before = previous is not None and previous.status == FAILED
    if not selection.wants(unit_id, previous, department_id):  # outside this run: skipped, whatever its state
        if previous is None:
            return SKIP, "not selected (never built)"
        return SKIP, "not selected" + (f"; its last build failed: {previous.reason}" if failed_before else "")
    if selection.force:
        return BUILD, "--force"
    if previous is None:
        return BUILD, f"new {what}"
    if previous.fingerprint != fingerprint:
        changes = (["input file changed"] if input_changed else []) + [f"{c} changed" for c in recipe_changes]
        # neither the input nor the recipe: what is left of the fingerprint is the review file
        return BUILD, ", ".join(changes) or "review file changed"
    if failed_before and previous.failed_by_infrastructure:
        return BUILD, f"last build failed for a reason of the machine, not the document: {previous.reason}"
    if failed_before:
        if selection.retry_failed:
            return BUILD, f"--retry-failed (last build failed: {previous.reason})"
        return KEEP_FAILED, f"failed before and unchanged since (--retry-failed reruns it): {previous.reason}"
    if not outputs_present(out_dir, previous):
        return BUILD, "report files missing"
    return SKIP, "up to date"


# A department gets its own report from this many units on.
MIN_DEPARTMENT_UNITS = 2


def department_plans(unit_plans: list[UnitPlan], manifest: "Manifest", selection: Selection, recipe_changes: list[str],
                     out_dir: Path, department_notebook: str) -> list[UnitPlan]:
    """One plan per department of two or more of ``unit_plans`` (a one-unit department's report
    would repeat its unit's, and the index links the unit's instead): built when its fingerprint
    (its units' fingerprints and the department notebook) changed, by the rules above."""
    members: dict[str, list[UnitPlan]] = {}
    for unit in unit_plans:
        if unit.department_id:  # None: a unit known only from a manifest older than departments
            members.setdefault(unit.department_id, []).append(unit)
    plans = []
    for department_id, units in sorted(members.items()):
        if len(units) < MIN_DEPARTMENT_UNITS:
            continue
        previous = manifest.departments.get(department_id)
        fingerprint = department_fingerprint({u.unit_id: u.fingerprint for u in units}, department_notebook)
        changed = previous is not None and previous.fingerprint != fingerprint and any(
            (manifest.units.get(u.unit_id) or u).fingerprint != u.fingerprint for u in units)
        action, reason = decide(department_id, fingerprint, previous, selection, input_changed=changed,
                                recipe_changes=recipe_changes if changed else [], out_dir=out_dir,
                                department_id=department_id, what="department")
        name = next((u.department for u in units if u.department), units[0].unit_name)
        files = ", ".join(sorted({u.source_file for u in units}))
        plans.append(UnitPlan(department_id, name, None, files, fingerprint, action, reason, kind=DEPARTMENT,
                              members=tuple(u.unit_id for u in units)))
    return plans
