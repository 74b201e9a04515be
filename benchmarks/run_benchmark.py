"""Benchmark: the naive loop, the previous route and ``perfaudit run``, on one generated corpus.

    .venv/bin/python benchmarks/run_benchmark.py --units 20
    .venv/bin/python benchmarks/run_benchmark.py --units 1000 --naive-units 10 --previous-units 40

In one run, on the same corpus (``corpus.py``) and in the same environment, it times

(a) the naive baseline: a shell loop that, per unit, prepares the unit the way a user would with
    single-unit commands (``python -m perfaudit.pipeline`` writes its bundle: ingest,
    validation, audit), runs the ``papermill`` CLI on ``notebooks/unit_audit.ipynb``, then
    ``jupyter nbconvert --to html`` with the report's template and ``jupyter nbconvert --to
    perfaudit_pdf``; with ``--naive-units K`` only the first K units, extrapolated per unit;
(b) the previous route: ``perfaudit run`` of the last commit before the Typst PDF route
    (WeasyPrint, PNG charts, a fresh kernel per unit; ``--previous-ref``), exported from git into
    the scratch folder and run with this environment plus the packages of its lock that this
    lock no longer has (WeasyPrint and its own dependencies, installed there by pip);
    ``--previous-units K`` runs it on the first K units; ``--previous-ref none`` leaves it out;
    ``--previous-ref`` given more than once measures each of those commits the same way (e.g. the
    fresh-kernel-per-unit route of the commit before the kernel pool);
(c) ``perfaudit run`` over all units (HTML + PDF, index included), and then a no-change re-run,
    with the mean seconds per unit of each step on a worker (notebook, HTML, PDF, opinion), and
    the CPU budget: CPU seconds per unit of each step (the driver's ingest, validation, audit and
    bundles; each report's bundle read, notebook — its kernel included —, HTML, PDF and Word; the
    department reports; the index) and of what no step accounts for, from ``run.json``;

and prints for each seconds per unit (wall clock) and CPU seconds per unit, their ratios, the
peak memory of each run (the summed RSS of its whole process tree: driver, workers, zygotes,
kernels, sampled every 0.1 s), the time of the no-change re-run, the CPU model and the share of
CPU time the hypervisor took (steal). CPU seconds are the summed user + system time of every
process of the tree as last sampled: the last < 0.1 s of a short-lived process can be missed.
Everything is written below ``--work`` (default in /tmp).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import generate  # noqa: E402

BIN = Path(sys.executable).parent
TEMPLATES = REPO / "src" / "perfaudit" / "report" / "templates"
NAIVE_LOOP = """\
set -euo pipefail
cd {work}
for doc in {documents}; do
  name=$(basename "$doc" .txt)
  {python} -m perfaudit.pipeline "naive/bundles/$name" "$doc" >/dev/null
  unit=$(ls "naive/bundles/$name" | grep -vx departments)  # the bundle folder also holds departments/
  {bin}/papermill --no-progress-bar {notebook} "naive/$name.ipynb" -p unit_id "$unit" -p bundle_dir "$PWD/naive/bundles/$name" 2>/dev/null
  {bin}/jupyter nbconvert --to html --template perfaudit --TemplateExporter.extra_template_basedirs={templates} \\
    --no-input --TagRemovePreprocessor.enabled=True \\
    --TagRemovePreprocessor.remove_cell_tags='["parameters","injected-parameters","remove-cell"]' \\
    "naive/$name.ipynb" 2>/dev/null
  {bin}/jupyter nbconvert --to perfaudit_pdf "naive/$name.ipynb" 2>/dev/null
done
"""


class TreeSampler:
    """Peak of the summed RSS of a process and all its descendants, and the CPU time each of
    them used as last seen, sampled in a thread."""

    def __init__(self, pid: int, every: float = 0.1):
        self.root, self.every, self.peak = psutil.Process(pid), every, 0
        self.cpu: dict[tuple[int, float], float] = {}  # (pid, start time) -> user + system seconds
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._done.is_set():
            try:
                family = [self.root, *self.root.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            total = 0
            for process in family:
                try:
                    with process.oneshot():
                        total += process.memory_info().rss
                        times = process.cpu_times()
                        self.cpu[(process.pid, process.create_time())] = times.user + times.system
                except psutil.NoSuchProcess:
                    pass
            self.peak = max(self.peak, total)
            time.sleep(self.every)

    def stop(self) -> tuple[int, float]:
        """(peak RSS in bytes, CPU seconds of the whole tree)."""
        self._done.set()
        self._thread.join()
        return self.peak, sum(self.cpu.values())


def steal_share(before, after) -> float:
    """Share of the machine's CPU time taken by the hypervisor (``st``) between two
    ``psutil.cpu_times()``: on a shared VM, wall-clock figures grow with it."""
    total = sum(after) - sum(before)
    return (getattr(after, "steal", 0.0) - getattr(before, "steal", 0.0)) / total if total > 0 else 0.0


@dataclass
class Measure:
    seconds: float
    code: int
    cpu: float = 0.0
    peak: int = 0
    steal: float = 0.0
    load: float = 0.0  # 1-minute load average at the end: other users' work on a shared machine shows here


def timed(command: list[str], **kwargs) -> Measure:
    """Wall clock, exit code, CPU seconds and peak RSS of a command's process tree, and steal."""
    cpu_before, started = psutil.cpu_times(), time.perf_counter()
    process = subprocess.Popen(command, **kwargs)
    sampler = TreeSampler(process.pid)
    code = process.wait()
    seconds = time.perf_counter() - started
    peak, cpu = sampler.stop()
    return Measure(seconds, code, cpu, peak, steal_share(cpu_before, psutil.cpu_times()), os.getloadavg()[0])


def naive(work: Path, documents: list[Path]) -> Measure:
    script = NAIVE_LOOP.format(
        work=shlex.quote(str(work)), documents=" ".join(shlex.quote(str(d)) for d in documents),
        python=shlex.quote(sys.executable), bin=shlex.quote(str(BIN)),
        notebook=shlex.quote(str(REPO / "notebooks" / "unit_audit.ipynb")), templates=shlex.quote(str(TEMPLATES)),
    )
    shutil.rmtree(work / "naive", ignore_errors=True)
    (work / "naive").mkdir(parents=True)
    measure = timed(["bash", "-c", script])
    if measure.code != 0:
        raise SystemExit(f"the naive loop failed (exit {measure.code})")
    return measure


def perfaudit_run(corpus: Path, out: Path, workers: int | None, env: dict[str, str] | None = None) -> Measure:
    # ``-m``, not the installed script: a previous route's sources (on PYTHONPATH) may lack what it imports
    command = [sys.executable, "-m", "perfaudit", "run", str(corpus), "--out", str(out), "--no-progress"]
    if workers:
        command += ["--workers", str(workers)]
    return timed(command, stdout=subprocess.DEVNULL, env=env)


def git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(REPO), *args], check=True, capture_output=True, text=True).stdout.strip()


def previous_commit() -> str:
    """The last commit whose runtime dependencies still list WeasyPrint (the parent of the one that
    removed that line; WeasyPrint stays a test dependency)."""
    removal = git("log", "-1", "--format=%H", "-S", '"weasyprint>=66",', "--", "pyproject.toml")
    return git("rev-parse", f"{removal}^")


def _lock(text: str) -> dict[str, str]:
    pins = (line.split("==", 1) for line in text.splitlines() if "==" in line and not line.startswith("#"))
    return {name.lower().replace("_", "-"): version for name, version in pins}


def previous_route(work: Path, ref: str) -> tuple[str, dict[str, str]]:
    """Export ``ref`` into ``work/previous`` and install what its lock has and ours lacks;
    returns its commit and the environment that runs it (its sources first on the path, in
    kernels too)."""
    commit = git("rev-parse", ref)
    source, site = work / "previous" / commit[:12], work / "previous" / f"{commit[:12]}-site"
    if not (source / "src" / "perfaudit").is_dir():
        source.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "-C", str(REPO), "archive", commit], check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(source)], input=archive, check=True)
    theirs = _lock(git("show", f"{commit}:requirements.lock"))
    ours = _lock((REPO / "requirements.lock").read_text(encoding="utf-8"))
    missing = sorted(f"{name}=={version}" for name, version in theirs.items() if name not in ours)
    if missing and not site.is_dir():
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), *missing],
                       check=True)
    path = os.pathsep.join([str(source / "src"), str(site), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    print(f"previous route: {commit[:12]} ({git('log', '-1', '--format=%s', commit)[:70]}); "
          f"added {', '.join(missing) or 'nothing'}", flush=True)
    return commit, {**os.environ, "PYTHONPATH": path}


def unit_phases(summary: dict) -> str:
    """Mean wall-clock seconds per unit of each step (``run.json``: notebook, HTML, PDF, opinion)."""
    steps: dict[str, list[float]] = {}
    for unit in summary["units"]:
        for step, seconds in (unit.get("seconds") or {}).items():
            steps.setdefault(step, []).append(seconds)
    return ", ".join(f"{step} {sum(values) / len(values):.2f} s" for step, values in steps.items())


# The steps of the CPU budget, as run.json names them: the driver's (once per run, per chunk of
# units), each unit report's (the notebook's kernel included in "execute"), the department reports'
# and the index's.
DRIVER_STEPS = {"read": "ingest", "validate": "validate", "audit": "audit", "bundles": "bundles"}
REPORT_STEPS = {"figures": "bundle read + index figures", "execute": "notebook", "html": "HTML", "pdf": "PDF",
                "docx": "Word"}


def run_budget(out: Path, total_cpu: float) -> str | None:
    """The CPU budget of the run in ``out`` as one line (None for a route whose run.json has no
    CPU per step: code older than that bookkeeping)."""
    summary = json.loads((out / "run.json").read_text(encoding="utf-8"))
    if "cpu" not in summary:
        return None
    return ", ".join(f"{label} {seconds:.3f}" for label, seconds in cpu_budget(summary, total_cpu))


def cpu_budget(summary: dict, total_cpu: float) -> list[tuple[str, float]]:
    """CPU seconds per unit of each step of a run (``run.json``), and what no step accounts for
    (worker and kernel starts, kernel resets, papermill's and the driver's own work, logs):
    the process tree's CPU minus the steps'."""
    units = max(1, len(summary["units"]))
    budget = [(label, summary["cpu"].get(step, 0.0) / units) for step, label in DRIVER_STEPS.items()]
    budget += [(label, sum(unit["cpu"].get(step, 0.0) for unit in summary["units"]) / units)
               for step, label in REPORT_STEPS.items()]
    budget.append((f"department reports ({len(summary['departments'])})",
                   sum(sum(entry["cpu"].values()) for entry in summary["departments"]) / units))
    budget.append(("index", summary["cpu"].get("index", 0.0) / units))
    budget.append(("other", total_cpu / units - sum(seconds for _, seconds in budget)))
    return budget


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=20, help="units in the generated corpus (default 20)")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument("--naive-units", type=int, help="run the naive loop on the first K units only (default: all)")
    parser.add_argument("--previous-units", type=int, help="run the previous route on the first K units only (default: all)")
    parser.add_argument("--previous-ref", action="append",
                        help="git commit of a previous route, measured in the same run; may be given more than once "
                             "(default: the last one with WeasyPrint; 'none': no previous route)")
    parser.add_argument("--workers", type=int, help="perfaudit run --workers (default: its own default)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/perfaudit-benchmark"), help="scratch folder")
    args = parser.parse_args(argv)

    work = args.work.resolve()
    corpus = work / f"corpus-{args.units}-{args.seed}"
    shutil.rmtree(corpus, ignore_errors=True)
    documents = generate(args.units, args.seed, corpus)
    print(f"corpus: {len(documents)} units in {corpus}; {os.cpu_count()} CPUs ({cpu_model()}), "
          f"load average {os.getloadavg()[0]:.2f}", flush=True)

    routes: list[tuple[str, Measure, int, str, str | None]] = []  # (name, measure, units, note, CPU budget)
    naive_docs = documents[: args.naive_units] if args.naive_units else documents
    measure = naive(work, naive_docs)
    print(f"naive loop: {measure.seconds:.1f} s for {len(naive_docs)} units", flush=True)
    routes.append(("naive loop", measure, len(naive_docs), "", None))

    for ref in [ref for ref in args.previous_ref or ["auto"] if ref != "none"]:
        commit, env = previous_route(work, previous_commit() if ref == "auto" else ref)
        previous_docs = documents[: args.previous_units] if args.previous_units else documents
        previous_corpus = corpus
        if args.previous_units:
            previous_corpus = work / f"corpus-{args.units}-{args.seed}-first-{len(previous_docs)}"
            shutil.rmtree(previous_corpus, ignore_errors=True)
            previous_corpus.mkdir(parents=True)
            for document in previous_docs:
                shutil.copy2(document, previous_corpus / document.name)
        out = work / f"reports-{args.units}-{args.seed}-previous-{commit[:12]}"
        shutil.rmtree(out, ignore_errors=True)
        measure = perfaudit_run(previous_corpus, out, args.workers, env)
        print(f"previous route: {measure.seconds:.1f} s for {len(previous_docs)} units (exit {measure.code})", flush=True)
        routes.append((f"previous route ({commit[:8]})", measure, len(previous_docs), f"exit {measure.code}",
                       run_budget(out, measure.cpu)))

    out = work / f"reports-{args.units}-{args.seed}"
    shutil.rmtree(out, ignore_errors=True)
    measure = perfaudit_run(corpus, out, args.workers)
    if measure.code not in (0, 1):
        raise SystemExit(f"perfaudit run failed (exit {measure.code})")
    first = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    built = sum(1 for entry in first["units"].values() if entry["status"] == "ok")
    routes.append(("new route", measure, len(documents), f"{built} reports, exit {measure.code}", run_budget(out, measure.cpu)))
    phases = unit_phases(json.loads((out / "run.json").read_text(encoding="utf-8")))
    rerun = perfaudit_run(corpus, out, args.workers)
    summary = json.loads((out / "run.json").read_text(encoding="utf-8"))

    new = routes[-1][1]
    new_wall, new_cpu = new.seconds / len(documents), new.cpu / len(documents)
    rows = [("units", f"{len(documents)}  (seed {args.seed})")]
    for name, run, units, note, budget in routes:
        wall, cpu = run.seconds / units, run.cpu / units
        rows += [
            (f"{name}, s/unit", f"{wall:.2f}  ({run.seconds:.1f} s for {units} units{'; ' + note if note else ''})"),
            (f"{name}, CPU s/unit", f"{cpu:.2f}"),
            (f"{name}, peak RSS", f"{run.peak / 2**30:.2f} GB"),
            (f"{name}, CPU steal, load", f"{run.steal:.0%} steal, load average {run.load:.1f} at the end"),
        ]
        if budget:
            rows.append((f"{name}, CPU s per unit by step", budget))
        if run is not new:
            rows.append((f"new route vs {name}", f"{wall / new_wall:.1f}x faster, {cpu / new_cpu:.1f}x less CPU"))
    rows.append(("new route, per unit on a worker", phases))
    rows.append(("no-change re-run", f"{rerun.seconds:.2f} s  ({summary['counts']['skipped']} skipped, exit {rerun.code})"))
    width = max(len(name) for name, _ in rows)
    print("\n".join(f"{name:<{width}}  {value}" for name, value in rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
