"""Batch stage: every unit of every input -> its report, incrementally, on local processes or Dask.

Entry point: ``run_batch(inputs, out_dir, options) -> BatchSummary`` (``perfaudit run``).

Flow of a run (``run.py``), holding ``OUT/.perfaudit.lock`` (``lock.py``) throughout:

1. fingerprints (``perfaudit/fingerprint.py``): each input file's bytes, and the *recipe* — package source
   and templates, report notebook, rule configuration, expectation suites, installed dependency
   versions — compared with ``OUT/manifest.json`` (``manifest.py``). When nothing changed, no
   document is read and no heavy library imported: the plan comes from the manifest alone;
2. otherwise the documents are read once (refused files are failures of the run), and the plan
   (``plan.py``) decides per unit: build, skip, keep failed; units whose input is gone move to
   ``OUT/orphaned/``. ``--dry-run`` stops here and prints the plan;
3. the documents of the units to build are validated (Great Expectations, in this process only)
   and audited once, and one bundle per unit is written (``pipeline.write_unit_bundles``);
4. the unit task (``task.run_unit``: bundle -> report files, a plain function of paths) runs on
   the executor (``executors.py``): local worker processes or a Dask cluster, each unit in a
   guarded worker (``worker.py``: per-unit timeout, crash isolation) whose report kernels the
   report stage provides (``report/kernels/``: a zygote and a reused kernel per worker). Workers
   journal each finished unit in the output folder, so a run killed midway loses no finished unit;
5. ``manifest.json``, ``run.json`` (``outcome.py``), per-unit logs in ``OUT/logs/`` and the
   portfolio index ``index.{html,pdf}`` (``task.build_index`` -> ``report.report_portfolio``,
   the same path as unit and department reports).

Batch plans, schedules and records; it never builds a page or a kernel, and every path of the
output folder comes from ``outdir.OutputFolder``.
"""

from .outcome import BatchSummary, summary_lines
from .run import BatchOptions, SelectionError, run_batch

__all__ = ["BatchOptions", "BatchSummary", "SelectionError", "run_batch", "summary_lines"]
