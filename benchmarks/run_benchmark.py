"""Benchmark: ``perfaudit run`` against the naive per-unit loop, on one generated corpus.

    .venv/bin/python benchmarks/run_benchmark.py --units 20
    .venv/bin/python benchmarks/run_benchmark.py --units 1000 --naive-units 20   # hours saved

In one run, on the same corpus (``corpus.py``) and in the same environment, it times

(a) the naive baseline: a shell loop that, per unit, prepares the unit the way a user would with
    single-unit commands (``python -m perfaudit.report.prepare`` writes its bundle: ingest,
    validation, audit), runs the ``papermill`` CLI on ``notebooks/unit_audit.ipynb``, then
    ``jupyter nbconvert --to html`` with the report's template, then ``weasyprint`` (the PDF
    route's own CLI); with ``--naive-units K`` only the first K units, extrapolated per unit;
(b) ``perfaudit run`` over all units (HTML + PDF, index included), and then a no-change re-run;

and prints seconds per unit for each, their ratio, the peak memory of ``perfaudit run`` (the
summed RSS of its whole process tree: driver, workers, zygotes, kernels, sampled every 0.1 s)
and the time of the no-change re-run. Everything is written below ``--work`` (default in /tmp).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import threading
import time
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
  {python} -m perfaudit.report.prepare "naive/bundles/$name" "$doc" >/dev/null
  unit=$(ls "naive/bundles/$name")
  {bin}/papermill --no-progress-bar {notebook} "naive/$name.ipynb" -p unit_id "$unit" -p bundle_dir "$PWD/naive/bundles/$name" 2>/dev/null
  {bin}/jupyter nbconvert --to html --template perfaudit --TemplateExporter.extra_template_basedirs={templates} \\
    --no-input --TagRemovePreprocessor.enabled=True \\
    --TagRemovePreprocessor.remove_cell_tags='["parameters","injected-parameters","remove-cell"]' \\
    "naive/$name.ipynb" 2>/dev/null
  {bin}/weasyprint "naive/$name.html" "naive/$name.pdf" 2>/dev/null
done
"""


class TreeMemory:
    """Peak of the summed RSS of a process and all its descendants, sampled in a thread."""

    def __init__(self, pid: int, every: float = 0.1):
        self.root, self.every, self.peak = psutil.Process(pid), every, 0
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
                    total += process.memory_info().rss
                except psutil.NoSuchProcess:
                    pass
            self.peak = max(self.peak, total)
            time.sleep(self.every)

    def stop(self) -> int:
        self._done.set()
        self._thread.join()
        return self.peak


def steal_share(before, after) -> float:
    """Share of the machine's CPU time taken by the hypervisor (``st``) between two
    ``psutil.cpu_times()``: on a shared VM, wall-clock figures grow with it."""
    total = sum(after) - sum(before)
    return (getattr(after, "steal", 0.0) - getattr(before, "steal", 0.0)) / total if total > 0 else 0.0


def timed(command: list[str], *, memory: bool = False, **kwargs) -> tuple[float, int, int, float]:
    """(seconds, exit code, peak tree RSS in bytes or 0, CPU steal share) of a command."""
    cpu_before, started = psutil.cpu_times(), time.perf_counter()
    process = subprocess.Popen(command, **kwargs)
    sampler = TreeMemory(process.pid) if memory else None
    code = process.wait()
    seconds = time.perf_counter() - started
    return seconds, code, sampler.stop() if sampler else 0, steal_share(cpu_before, psutil.cpu_times())


def naive(work: Path, documents: list[Path]) -> float:
    script = NAIVE_LOOP.format(
        work=shlex.quote(str(work)), documents=" ".join(shlex.quote(str(d)) for d in documents),
        python=shlex.quote(sys.executable), bin=shlex.quote(str(BIN)),
        notebook=shlex.quote(str(REPO / "notebooks" / "unit_audit.ipynb")), templates=shlex.quote(str(TEMPLATES)),
    )
    shutil.rmtree(work / "naive", ignore_errors=True)
    (work / "naive").mkdir(parents=True)
    seconds, code, _, steal = timed(["bash", "-c", script])
    if code != 0:
        raise SystemExit(f"the naive loop failed (exit {code})")
    return seconds, steal


def perfaudit_run(corpus: Path, out: Path, workers: int | None) -> tuple[float, int, int, float]:
    command = [str(BIN / "perfaudit"), "run", str(corpus), "--out", str(out), "--no-progress"]
    if workers:
        command += ["--workers", str(workers)]
    return timed(command, memory=True, stdout=subprocess.DEVNULL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=20, help="units in the generated corpus (default 20)")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument("--naive-units", type=int, help="run the naive loop on the first K units only (default: all)")
    parser.add_argument("--workers", type=int, help="perfaudit run --workers (default: its own default)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/perfaudit-benchmark"), help="scratch folder")
    args = parser.parse_args(argv)

    work = args.work.resolve()
    corpus = work / f"corpus-{args.units}-{args.seed}"
    shutil.rmtree(corpus, ignore_errors=True)
    documents = generate(args.units, args.seed, corpus)
    print(f"corpus: {len(documents)} units in {corpus}; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}",
          flush=True)

    naive_docs = documents[: args.naive_units] if args.naive_units else documents
    naive_seconds, naive_steal = naive(work, naive_docs)
    naive_per_unit = naive_seconds / len(naive_docs)
    print(f"naive loop: {naive_seconds:.1f} s for {len(naive_docs)} units", flush=True)

    out = work / f"reports-{args.units}-{args.seed}"
    shutil.rmtree(out, ignore_errors=True)
    run_seconds, code, peak, run_steal = perfaudit_run(corpus, out, args.workers)
    if code not in (0, 1):
        raise SystemExit(f"perfaudit run failed (exit {code})")
    rerun_seconds, rerun_code, _, _ = perfaudit_run(corpus, out, args.workers)
    summary = json.loads((out / "run.json").read_text(encoding="utf-8"))
    first = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    built = sum(1 for entry in first["units"].values() if entry["status"] == "ok")

    per_unit = run_seconds / len(documents)
    rows = [
        ("units", f"{len(documents)}"),
        ("naive loop, s/unit", f"{naive_per_unit:.2f}" + (f"  (first {len(naive_docs)} units)" if args.naive_units else "")),
        ("perfaudit run, s/unit", f"{per_unit:.2f}  ({run_seconds:.1f} s in all, {built} reports, exit {code})"),
        ("speed-up", f"{naive_per_unit / per_unit:.1f}x"),
        ("perfaudit run, peak RSS", f"{peak / 2**30:.2f} GB  (driver, workers, zygotes and kernels together)"),
        ("no-change re-run", f"{rerun_seconds:.2f} s  ({summary['counts']['skipped']} skipped, exit {rerun_code})"),
        ("CPU steal (hypervisor)", f"naive loop {naive_steal:.0%}, perfaudit run {run_steal:.0%}"),
    ]
    width = max(len(name) for name, _ in rows)
    print("\n".join(f"{name:<{width}}  {value}" for name, value in rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
