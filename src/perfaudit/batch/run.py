"""``run_batch``: every unit of every input -> its report, incrementally (see ``batch/__init__``)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import time
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterator

from ..errors import ConfigError, PerfauditError, Terminated
from ..fingerprint import changed_components, recipe_fingerprint, sha256_bytes, unit_fingerprint
from ..fonts import report_settings
from ..outdir import OutputFolder
from ..resources import DEPARTMENT_NOTEBOOK, PORTFOLIO_NOTEBOOK, UNIT_NOTEBOOK, notebook as shipped_notebook
from ..review.file import read_reviews, review_digest
from ..settings import Settings, load_settings
from ..timing import StepClock
from .lock import OutputLock
from .manifest import Manifest
from .outcome import BatchSummary, UnitRun, write_run_json
from .preflight import report_engine, writable_folder
from .plan import BUILD, KEEP_FAILED, SKIP, Plan, Selection, UnitPlan, decide, department_plans
from .records import DEPARTMENT, FAILED, SKIPPED, UnitResult

# Units whose bundles are prepared in one go (one validation and audit run), and submitted to the
# workers while the next chunk is prepared. The first chunk is small, so that the workers start
# within seconds of the documents being read; each next one is CHUNK_GROWTH times larger, up to
# LARGEST_CHUNK_UNITS, so that validation's fixed cost (~1.2 s a run, whatever its size) is paid a
# few times per thousand units, while the workers render the previous chunk (a unit's bundle costs
# the driver ~0.06 s, its report a worker ~1.5 s). The rest of the driver's work is in proportion
# to the units, whatever the chunks.
FIRST_CHUNK_UNITS = 8
CHUNK_GROWTH = 4
LARGEST_CHUNK_UNITS = 500


class SelectionError(PerfauditError):
    """``--unit`` (``--department``) names a unit (a department) that no input holds."""


@dataclass(frozen=True)
class BatchOptions:
    workers: int | None = None  # None: [batch] workers (0 there: one per CPU)
    executor: str = "local"  # "local" worker processes or "dask" (executors.py)
    scheduler: str | None = None  # with "dask": address of a running scheduler (default: a local cluster)
    unit_ids: tuple[str, ...] = ()
    department_ids: tuple[str, ...] = ()
    force: bool = False
    retry_failed: bool = False
    dry_run: bool = False
    timeout: float | None = None  # seconds per unit; None: [batch] unit_timeout
    year: int | None = None
    config: Path | None = None
    notebook: Path | None = None  # another unit notebook (tests inject failures with it)
    progress: bool = True
    appendix: tuple[str, ...] | None = None  # formats with the parsed-source appendix; None: [report] appendix

    def __post_init__(self) -> None:
        if self.workers is not None and self.workers < 1:
            raise ConfigError(f"--workers {self.workers}: at least one worker is needed")
        if self.timeout is not None and self.timeout <= 0:
            raise ConfigError(f"--timeout {self.timeout:g}: must be a positive number of seconds")
        if self.executor not in ("local", "dask"):
            raise ConfigError(f"executor {self.executor!r}: 'local' or 'dask'")


def default_workers(settings: Settings) -> int:
    configured = settings.section("batch")["workers"]
    return configured if configured > 0 else max(1, os.cpu_count() or 1)


def _start_executor(options: BatchOptions, settings: Settings, out_dir: Path):
    from .executors import make_executor

    batch_settings = settings.section("batch")
    return make_executor(options.executor, options.workers or default_workers(settings),
                         options.timeout or batch_settings["unit_timeout"],
                         out_dir, options.scheduler, connect_timeout=batch_settings["scheduler_timeout"])


# ------------------------------------------------------------------ what is there

def scan_inputs(paths: list[Path]) -> dict[str, tuple[Path, str | None]]:
    """Shown name -> (path, SHA-256 of its bytes, or None when it cannot be read: ingest refuses it)."""
    from ..ingest.discovery import discover

    found = {}
    for source_file, path in discover(paths):
        try:
            found[source_file] = (path, sha256_bytes(path.read_bytes()))
        except OSError:
            found[source_file] = (path, None)
    return found


def _needs_reading(found: dict, manifest: Manifest, recipe: dict[str, str], selection: Selection, out_dir: Path) -> bool:
    """Whether the documents must be read: anything new or changed, or a known unit to build.
    When nothing did, the plan comes from the manifest alone (a no-change re-run reads no document)."""
    if manifest.recipe != recipe or selection.force:
        return True
    if set(found) != set(manifest.files) or any(
            sha256 is None or manifest.files[name]["sha256"] != sha256 for name, (_, sha256) in found.items()):
        return True  # a document is new, changed, gone or unreadable
    known = {unit_id: name for name in found for unit_id in manifest.files[name]["units"]}
    if selection.unit_ids - set(known):
        return True  # asked for by id, unknown: maybe in a document not read yet
    return any(
        decide(unit_id, unit_fingerprint(name, manifest.files[name]["sha256"], recipe, review_digest(OutputFolder(out_dir).review_file(unit_id))),
               previous, selection, input_changed=False, recipe_changes=[], out_dir=out_dir,
               department_id=previous.department_id if previous else None)[0] == BUILD  # --department selects its units
        for unit_id, name in known.items() for previous in [manifest.units.get(unit_id)]
    )


def _files_and_units(found: dict, manifest: Manifest, ingested) -> tuple[dict[str, dict], dict[str, dict]]:
    """The manifest's files map for the inputs now, and unit_id -> {unit_name, department,
    department_id, source_file}."""
    units: dict[str, dict] = {}
    if ingested is None:  # nothing changed: the manifest knows every file and unit
        files = {name: manifest.files[name] for name in found}
        for name, entry in files.items():
            for unit_id in entry["units"]:
                previous = manifest.units.get(unit_id)
                units[unit_id] = {"unit_name": previous.unit_name if previous else unit_id,
                                  "department": previous.department if previous else None, "source_file": name,
                                  "department_id": previous.department_id if previous else None}
        return files, units
    import pandas as pd

    by_file: dict[str, list[str]] = {}
    for row in ingested.dataset.units.itertuples(index=False):
        units[row.unit_id] = {"unit_name": str(row.unit_name), "source_file": str(row.source_file),
                              "department": None if pd.isna(row.department) else str(row.department),
                              "department_id": str(row.department_id)}
        by_file.setdefault(str(row.source_file), []).append(row.unit_id)
    files = {}
    for outcome in ingested.files:
        if outcome.skipped:  # not a document: not an input of the run
            continue
        entry = {"sha256": found.get(outcome.source_file, (None, None))[1], "units": sorted(by_file.get(outcome.source_file, []))}
        files[outcome.source_file] = {**entry, "status": "ok"} if outcome.ok else {**entry, "status": FAILED, "reason": outcome.error}
    return files, units


def make_plan(found: dict, manifest: Manifest, recipe: dict[str, str], selection: Selection,
              files: dict[str, dict], units: dict[str, dict], out_dir: Path, department_notebook: str = "") -> Plan:
    plan = Plan(refused={name: entry["reason"] for name, entry in files.items() if entry["status"] == FAILED})
    recipe_changes = changed_components(manifest.recipe, recipe)
    for unit_id in sorted(units, key=lambda u: (units[u]["source_file"], u)):
        info = units[unit_id]
        sha256 = found[info["source_file"]][1] or ""
        previous = manifest.units.get(unit_id)
        old_file = manifest.files.get(previous.source_file, {}) if previous else {}
        input_changed = previous is not None and (
            previous.source_file != info["source_file"] or old_file.get("sha256") != sha256)
        fingerprint = unit_fingerprint(info["source_file"], sha256, recipe, review_digest(OutputFolder(out_dir).review_file(unit_id)))
        action, reason = decide(unit_id, fingerprint, previous, selection, input_changed=input_changed,
                                recipe_changes=recipe_changes, out_dir=out_dir, department_id=info["department_id"])
        plan.units.append(UnitPlan(unit_id, info["unit_name"], info["department"], info["source_file"],
                                   fingerprint, action, reason, department_id=info["department_id"]))
    # The units of a file refused now keep their last reports, marked failed with the file's reason.
    for name, reason in plan.refused.items():
        for unit_id in manifest.files.get(name, {}).get("units", []):
            if unit_id not in units and unit_id in manifest.units:
                previous = manifest.units[unit_id]
                plan.units.append(UnitPlan(unit_id, previous.unit_name, previous.department, name,
                                           previous.fingerprint, KEEP_FAILED, f"input file refused: {reason}",
                                           department_id=previous.department_id))
    planned = {unit.unit_id for unit in plan.units}
    plan.orphaned = sorted(set(manifest.units) - planned)
    _refuse_unknown("--unit", selection.unit_ids, planned, "unit")
    plan.departments = department_plans(plan.units, manifest, selection, recipe_changes, out_dir, department_notebook)
    departments = {department.unit_id for department in plan.departments}
    plan.orphaned_departments = sorted(set(manifest.departments) - departments)
    # a one-unit department has no report of its own, but --department still selects its unit
    _refuse_unknown("--department", selection.department_ids, {u.department_id for u in plan.units if u.department_id},
                    "department")
    return plan


def _refuse_unknown(option: str, asked: frozenset[str], known: set[str], what: str) -> None:
    unknown = asked - known
    if unknown:
        raise SelectionError(f"{option} {', '.join(sorted(unknown))}: no such {what} in the inputs "
                             f"({what}s: {', '.join(sorted(known)) or 'none'})")


# ------------------------------------------------------------------ doing it

def _clear_staging(out_dir: Path) -> None:
    """Remove what a killed run left half-written (never in place: staging folders only)."""
    for leftover in OutputFolder(out_dir).staging_folders():
        shutil.rmtree(leftover, ignore_errors=True)


def _move_aside(folder: Path, target: Path) -> None:
    if folder.is_dir():
        shutil.rmtree(target, ignore_errors=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(folder, target)


def _orphan(out_dir: Path, unit_ids: list[str]) -> None:
    """Move the reports of units whose input is gone to OUT/orphaned/ (replacing older ones)."""
    out = OutputFolder(out_dir)
    for unit_id in unit_ids:
        _move_aside(out.unit_report(unit_id), out.orphaned_unit(unit_id))
        shutil.rmtree(out.bundles.unit(unit_id), ignore_errors=True)
        out.log(unit_id).unlink(missing_ok=True)


def _orphan_departments(out_dir: Path, department_ids: list[str]) -> None:
    """Move the reports of departments none of whose units is left to OUT/orphaned/departments/."""
    out = OutputFolder(out_dir)
    for department_id in department_ids:
        _move_aside(out.department_report(department_id), out.orphaned_department(department_id))
        shutil.rmtree(out.bundles.department(department_id), ignore_errors=True)
        out.log(department_id).unlink(missing_ok=True)


def _department_tasks(departments: list[UnitPlan], settings: Settings, bundle_root: Path, out_dir: Path) -> tuple[list, list[UnitResult]]:
    """Write the bundles of the departments to build (their units' bundles are written); returns
    their tasks, and the failed results of those whose bundle could not be written."""
    from ..pipeline import write_department_bundle

    tasks, failed = [], []
    for department in departments:
        task = department.task(bundle_root, out_dir, None)
        try:
            write_department_bundle(bundle_root, department.unit_id, department.unit_name, list(department.members), settings)
        except PerfauditError as error:  # e.g. a unit's bundle is missing: this department fails alone
            failed.append(UnitResult.failed(task, str(error), error))
        else:
            tasks.append(task)
    return tasks, failed


def _largest_first(units: list[UnitPlan], ingested) -> list[UnitPlan]:
    """The biggest units (most indicators) first, so that no worker ends the run with a long one."""
    sizes = ingested.dataset.indicators.groupby("unit_id").size()
    return sorted(units, key=lambda unit: (-int(sizes.get(unit.unit_id, 0)), unit.unit_id))


def _chunks(units: list[UnitPlan]) -> Iterator[list[UnitPlan]]:
    start, size = 0, FIRST_CHUNK_UNITS
    while start < len(units):
        yield units[start:start + size]
        start, size = start + size, min(size * CHUNK_GROWTH, LARGEST_CHUNK_UNITS)


def _write_bundles(ingested, settings: Settings, bundle_root: Path, to_build: list[UnitPlan], reviews: dict,
                   clock: StepClock) -> None:
    """Validate and audit the documents of these units, in one go (with their reviewers'
    dispositions), and write their bundles."""
    from ..model import Dataset
    from ..pipeline import write_unit_bundles

    files = {unit.source_file for unit in to_build}
    subset = Dataset(**{name: frame[frame["source_file"].isin(files)].reset_index(drop=True)
                        for name, frame in ingested.dataset.tables().items()})
    write_unit_bundles(subset, bundle_root, settings, unit_ids=sorted(unit.unit_id for unit in to_build), reviews=reviews,
                       clock=clock)


def _index_fingerprint(manifest: Manifest, recipe: dict[str, str], out_dir: Path) -> str | None:
    """What the index shows and how; None when the index files are missing."""
    if not all(OutputFolder(out_dir).index(kind).is_file() for kind in ("html", "pdf")):
        return None
    content = manifest.to_dict()
    content.pop("index")
    shown = json.dumps([content, recipe["code"]], sort_keys=True, ensure_ascii=False).encode("utf-8")
    return sha256_bytes(shown + shipped_notebook(PORTFOLIO_NOTEBOOK).read_bytes())


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (systemd stop, kill) ends the run like Ctrl-C: workers stopped, manifest saved."""
    def interrupt(signum, frame):
        raise Terminated(signum)

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run_batch(inputs: list[Path], out_dir: Path, options: BatchOptions = BatchOptions()) -> BatchSummary:
    """Plan, build what changed, and write ``manifest.json``, ``run.json`` and the index.

    Raises RunLockedError when another run holds ``out_dir``, SelectionError for an unknown
    ``--unit``; everything that goes wrong with a unit or an input is in the summary instead.
    """
    from .worker import without_rfc3987_syntax

    without_rfc3987_syntax()  # before Great Expectations is imported (by the bundles' validation)
    started = time.perf_counter()
    out_dir = out_dir.resolve()
    if not options.dry_run:
        writable_folder(out_dir)
    with nullcontext() if options.dry_run else OutputLock(out_dir), _terminate_as_interrupt():
        settings = load_settings(options.config)
        if options.appendix is not None:
            settings = settings.overridden({"report": {"appendix": list(options.appendix)}}, "--appendix")
        if not options.dry_run:  # the CJK font found and the PDF engine loaded: before any work
            resolved_report = report_settings(settings)
            report_engine(resolved_report)
        notebook = (options.notebook or shipped_notebook(UNIT_NOTEBOOK)).resolve()
        recipe = recipe_fingerprint(settings, notebook=notebook, options={"year": options.year})
        selection = Selection(frozenset(options.unit_ids), options.force, options.retry_failed,
                              frozenset(options.department_ids))
        department_notebook = sha256_bytes(shipped_notebook(DEPARTMENT_NOTEBOOK).read_bytes())
        found = scan_inputs(inputs)
        manifest = Manifest.load(out_dir)
        if not options.dry_run:
            _clear_staging(out_dir)
            manifest.save(out_dir)  # take in the journal of an interrupted run: it now holds only ours
        ingested, clock, executor = None, StepClock(), None
        try:
            if _needs_reading(found, manifest, recipe, selection, out_dir):
                from ..pipeline import read_documents

                if options.executor == "local" and not options.dry_run:
                    # Local workers import the report stack (seconds) while the documents are read.
                    # Not a Dask cluster: the reading forks this process, and Dask's threads hold locks.
                    executor = _start_executor(options, settings, out_dir)
                with clock("read"):
                    ingested = read_documents(inputs, year=options.year, settings=settings,
                                              processes=os.cpu_count() or 1)
            files, units = _files_and_units(found, manifest, ingested)
            plan = make_plan(found, manifest, recipe, selection, files, units, out_dir, department_notebook)
            from ..ingest.discovery import scan

            plan.skipped = {name: why for name, _, why in scan(inputs).skipped}
            summary = BatchSummary(out_dir=out_dir, plan=plan, executor=options.executor, cpu=clock.cpu)
            if options.dry_run:
                summary.seconds = time.perf_counter() - started
                return summary
            manifest.recipe, manifest.files = recipe, files
            manifest.report_settings = resolved_report
            try:
                _execute(plan, summary, manifest, ingested, settings, options, notebook, clock, executor)
            except PerfauditError as error:  # e.g. no Dask scheduler: the CLI prints it, exit 2
                summary.error = str(error)
                raise
            except KeyboardInterrupt as stop:  # Ctrl-C, or SIGTERM (Terminated): run.json has the real exit code
                summary.interrupted = True
                summary.stopped_by = int(getattr(stop, "signum", signal.SIGINT))
                raise
            finally:  # also when interrupted: run.json says what was done
                summary.seconds = time.perf_counter() - started
                summary.run_json = write_run_json(out_dir, summary)
            return summary
        finally:
            if executor is not None:  # started for nothing (nothing to build, or an unknown --unit)
                executor.close()


def _execute(plan: Plan, summary: BatchSummary, manifest: Manifest, ingested, settings: Settings,
             options: BatchOptions, notebook: Path, clock: StepClock, executor=None) -> None:
    """Build what the plan says, on ``executor`` (the one started while the documents were read;
    None: one is started here if there is anything to build), and close it once it has built."""
    from .progress import Progress
    from .task import build_index
    from .worker import JobError, WorkerLost

    out_dir = summary.out_dir
    out = OutputFolder(out_dir)
    _orphan(out_dir, plan.orphaned)
    for unit_id in plan.orphaned:
        manifest.units.pop(unit_id, None)
    _orphan_departments(out_dir, plan.orphaned_departments)
    for department_id in plan.orphaned_departments:
        manifest.departments.pop(department_id, None)
    for unit in plan.units + plan.departments:
        records, runs = (manifest.departments, summary.departments) if unit.kind == DEPARTMENT else (manifest.units, summary.units)
        previous = records.get(unit.unit_id) or UnitResult(
            unit.unit_id, SKIPPED, unit.unit_name, unit.department, unit.source_file, kind=unit.kind)
        if unit.action == SKIP:
            runs.append(UnitRun(SKIPPED, unit.reason, previous))
        elif unit.action == KEEP_FAILED:
            if previous.status != FAILED:  # a good report whose input file is refused now
                records[unit.unit_id] = previous = replace(previous, status=FAILED, reason=unit.reason)
            runs.append(UnitRun(FAILED, unit.reason, previous))
    to_build = plan.with_action(BUILD)
    departments_to_build = [d for d in plan.departments if d.action == BUILD]
    index_now = _index_fingerprint(manifest, manifest.recipe, out_dir)
    if not to_build and not departments_to_build and index_now is not None and index_now == manifest.index.get("fingerprint"):
        summary.index = {kind: out.relative(out.index(kind)) for kind in ("html", "pdf")}
        manifest.save(out_dir)
        return
    if not plan.units:  # nothing read, nothing to show: no index (and none claimed)
        manifest.save(out_dir)
        return
    jobs = len(plan.units) + len(plan.departments)
    progress = Progress(total=jobs, skipped=jobs - len(to_build) - len(departments_to_build), enabled=options.progress)
    if executor is None:
        executor = _start_executor(options, settings, out_dir)
    summary.workers = executor.worker_count()  # a remote cluster has as many as it has
    before = {unit.unit_id: manifest.units.get(unit.unit_id) for unit in to_build}
    before.update({d.unit_id: manifest.departments.get(d.unit_id) for d in departments_to_build})
    reasons = {unit.unit_id: unit.reason for unit in to_build + departments_to_build}
    try:
        if to_build or departments_to_build:
            bundle_root = out.bundles.root

            def collect(result: UnitResult) -> None:
                records, runs = (manifest.departments, summary.departments) if result.kind == DEPARTMENT else (manifest.units, summary.units)
                records[result.unit_id] = result
                runs.append(UnitRun(result.status, reasons[result.unit_id] if result.ok else result.reason, result))
                progress.update(result)

            for chunk in _chunks(_largest_first(to_build, ingested)) if to_build else ():
                reviews, refused = read_reviews(out_dir, [unit.unit_id for unit in chunk])
                for unit in chunk:
                    if unit.unit_id in refused:  # fails alone, keeps its last reports; fixing the file rebuilds it
                        previous = manifest.units.get(unit.unit_id) or UnitResult(unit.unit_id, FAILED)
                        collect(UnitResult.failed(unit.task(bundle_root, out_dir, None), f"review file refused: {refused[unit.unit_id]}",
                                                  refused[unit.unit_id], outputs=previous.outputs, summary=previous.summary))
                chunk = [unit for unit in chunk if unit.unit_id not in refused]
                if not chunk:
                    continue
                _write_bundles(ingested, settings, bundle_root, chunk, reviews, clock)
                executor.submit([unit.task(bundle_root, out_dir, notebook if options.notebook else None) for unit in chunk])
                executor.drain(collect, progress.tick, wait=False)
            # Department bundles last: they add up the unit bundles written above. Their reports go
            # ahead of the units still waiting, so that the run ends with short tasks.
            with clock("bundles"):
                tasks, failed = _department_tasks(departments_to_build, settings, bundle_root, out_dir)
            for result in failed:
                collect(result)
            executor.submit(tasks, first=True)
            executor.drain(collect, progress.tick, wait=True)
        progress.close()
        manifest.save(out_dir)
        try:
            try:
                index = executor.call(build_index, str(out_dir), manifest.report_settings)
            except WorkerLost:  # the cluster is gone: the index of what was built, made here
                index = build_index(str(out_dir), manifest.report_settings)
            summary.index = index.files
            clock.add_cpu("index", index.cpu)
            manifest.index = {"fingerprint": _index_fingerprint(manifest, manifest.recipe, out_dir)}
        except (JobError, WorkerLost, PerfauditError) as error:
            summary.index_error = str(error).strip().splitlines()[-1]
    except KeyboardInterrupt:
        summary.interrupted = True
        raise
    finally:
        progress.close()
        try:
            executor.close()
        finally:
            manifest.save(out_dir)
            _take_in_journal(summary, manifest, before, reasons)


def _take_in_journal(summary: BatchSummary, manifest: Manifest, before: dict[str, UnitResult | None],
                     reasons: dict[str, str]) -> None:
    """Units a worker finished (and journaled) whose result never reached the driver, because the
    run was interrupted or the Dask cluster was lost on the way back: the manifest has them, so
    run.json lists them as the manifest does."""
    for runs in (summary.units, summary.departments):
        for position, run in enumerate(runs):
            result = manifest.units.get(run.result.unit_id) or manifest.departments.get(run.result.unit_id)
            if run.result.failed_by_infrastructure and result is not None and result.ok:
                runs[position] = UnitRun(result.status, reasons.get(result.unit_id, run.reason), result)
    collected = {run.result.unit_id for run in summary.units + summary.departments}
    for unit_id, previous in before.items():
        result = manifest.units.get(unit_id) or manifest.departments.get(unit_id)
        if unit_id not in collected and result is not None and result is not previous:
            runs = summary.departments if result.kind == DEPARTMENT else summary.units
            runs.append(UnitRun(result.status, reasons[unit_id] if result.ok else result.reason, result))
