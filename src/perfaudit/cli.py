"""Command line: thin. Parses arguments, calls one stage entry point, prints, sets the exit code.

Exit codes: 0 success, 1 data failed a check or a unit failed, 2 usage or input error,
3 another run holds the output folder; stopped by a signal: 128 + its number (130 Ctrl-C,
141 the reader of the output went away, 143 SIGTERM).
"""

from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
from pathlib import Path
from typing import NoReturn

from . import __version__
from .errors import PerfauditError

EXIT_OK, EXIT_FAILED, EXIT_INPUT, EXIT_LOCKED = 0, 1, 2, 3
EXIT_SIGNAL_BASE = 128
# Budget years a document can plausibly have; anything else given to --year is a typo.
FIRST_BUDGET_YEAR, LAST_BUDGET_YEAR = 2000, 2100


def budget_year(text: str) -> int:
    """``--year``: a four-digit budget year in FIRST_BUDGET_YEAR..LAST_BUDGET_YEAR."""
    try:
        year = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a year") from None
    if not FIRST_BUDGET_YEAR <= year <= LAST_BUDGET_YEAR:
        raise argparse.ArgumentTypeError(
            f"{year} is not a plausible budget year (expected {FIRST_BUDGET_YEAR}-{LAST_BUDGET_YEAR})")
    return year


def port_number(text: str) -> int:
    """``--port``: 0 (any free port) to 65535."""
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (0-65535)")
    return int(text)


def _add_inputs(parser: argparse.ArgumentParser, *, required: bool = True) -> None:
    parser.add_argument(
        "paths", nargs="+" if required else "*", type=Path, metavar="PATH",
        help="document files or folders (folders are searched for .txt, .docx, .xlsx, .xls, .pdf, .html, .htm; "
        "other files in them are listed as refused)",
    )
    parser.add_argument("--year", type=budget_year, metavar="YYYY",
                        help=f"budget year for every document, {FIRST_BUDGET_YEAR}-{LAST_BUDGET_YEAR} (overrides detection)")
    parser.add_argument("--config", type=Path, help="TOML file overriding the default configuration")


def say(args: argparse.Namespace, line: str, *, level: int = 0, problem: bool = False) -> None:
    """Print ``line`` when the verbosity (-q: -1, default 0, -v: 1) reaches ``level``; a problem
    (a refused file, a failed unit) goes to stderr and is printed even with -q."""
    if problem or args.verbosity >= level:
        print(line, file=sys.stderr if problem else sys.stdout)


def _ingest(args: argparse.Namespace):
    """Shared first step of every command: read the documents, print one line per file."""
    from .pipeline import read_documents
    from .settings import load_settings

    settings = load_settings(args.config)
    say(args, f"configuration: {settings.origin}", level=1)
    result = read_documents(args.paths, year=args.year, settings=settings)
    for outcome in result.files:
        say(args, outcome.summary_line(), problem=not outcome.ok)
    return settings, result


def cmd_ingest(args: argparse.Namespace) -> int:
    _, result = _ingest(args)
    if not result.dataset.documents.empty:
        written = result.dataset.write(args.out)
        say(args, f"wrote {len(written)} tables to {args.out}")
    return EXIT_OK if not result.refused else EXIT_INPUT


def cmd_validate(args: argparse.Namespace) -> int:
    """Exit 0 all passed, 1 data failed an expectation, 2 input refused or a suite could not run."""
    from .pipeline import validate

    _, ingested = _ingest(args)
    if ingested.dataset.documents.empty:
        return EXIT_INPUT
    data_docs = args.out / "data_docs" if args.data_docs else None
    result = validate(ingested.dataset, data_docs_dir=data_docs)
    for line in result.summary_lines():
        say(args, line)
    say(args, f"wrote {result.write(args.out)}" + (f" and {data_docs}/index.html" if data_docs else ""))
    if ingested.refused or result.has_errors:
        return EXIT_INPUT
    return EXIT_OK if result.success else EXIT_FAILED


def cmd_audit(args: argparse.Namespace) -> int:
    """Exit 0 when every document was read (findings are the product, not a failure), 2 when one was refused."""
    from .audit import write_findings
    from .pipeline import audit

    settings, ingested = _ingest(args)
    if ingested.dataset.documents.empty:
        return EXIT_INPUT
    result = audit(ingested.dataset, settings).audit
    for line in result.summary_lines():
        say(args, line)
    written = write_findings(result.findings, args.out, ingested.dataset.units, grades=result.grades)
    say(args, "wrote " + ", ".join(str(path) for path in written))
    return EXIT_INPUT if ingested.refused else EXIT_OK


def cmd_units(args: argparse.Namespace) -> int:
    """The units of the documents, one per line: the ids 'report --unit' and 'run --unit' take."""
    _, ingested = _ingest(args)
    units = ingested.dataset.units
    if units.empty:
        return EXIT_INPUT
    import pandas as pd

    projects = ingested.dataset.projects.groupby("unit_id").size()
    width = max(len(unit_id) for unit_id in units["unit_id"])
    say(args, f"{'UNIT_ID':<{width}}  projects  unit (department) — file")
    for unit in units.itertuples(index=False):
        if args.verbosity < 0:  # -q: the ids alone, for scripts
            print(unit.unit_id)
            continue
        department = "" if pd.isna(unit.department) else f" ({unit.department})"
        print(f"{unit.unit_id:<{width}}  {projects.get(unit.unit_id, 0):>8}  {unit.unit_name}{department} — {unit.source_file}")
    return EXIT_INPUT if ingested.refused else EXIT_OK


def cmd_init(args: argparse.Namespace) -> int:
    from .resources import init_working_folder

    written = init_working_folder(args.folder, force=args.force)
    for path in written:
        say(args, f"wrote {path}")
    say(args, f"{len(written)} files in {args.folder}: the notebooks, expectation suites, examples and config.toml",
        level=-1)
    return EXIT_OK


def cmd_rules(args: argparse.Namespace) -> int:
    from .audit.reference import listing, markdown
    from .settings import load_settings

    if args.markdown:
        sys.stdout.write(markdown(load_settings(args.config)))
    else:
        print("\n".join(listing()))
    return EXIT_OK


def _report_units(args: argparse.Namespace, unit_ids: list[str] | None) -> int:
    """``report``: bundles, then one report per unit, sequentially."""
    from .errors import ReportError
    from .outdir import REPORT_STEM, OutputFolder
    from .pipeline import write_unit_bundles
    from .report import report_unit
    from .review.file import read_review

    settings, ingested = _ingest(args)
    dataset = ingested.dataset
    if dataset.documents.empty:
        return EXIT_INPUT
    known = sorted(dataset.units["unit_id"])
    unknown = sorted(set(unit_ids or ()) - set(known))
    if unknown:
        raise ReportError(f"unit {', '.join(unknown)} is not in the documents (units: {', '.join(known)})")
    reviews = {unit_id: read_review(args.out, unit_id) for unit_id in unit_ids or known}  # OUT/reviews/<unit_id>.toml
    bundle_root = OutputFolder(args.out).bundles.root
    bundles = write_unit_bundles(dataset, bundle_root, settings, unit_ids=unit_ids, reviews=reviews)
    failed = []
    for unit_id in bundles:
        record = report_unit(bundle_root, unit_id, args.out)
        report = Path(record.folder) / REPORT_STEM
        if record.ok:
            say(args, f"ok      {unit_id}: {report}.{{ipynb,html,pdf}}")
        else:
            failed.append(unit_id)
            say(args, f"FAILED  {unit_id}: {record.error} (executed notebook: {report}.ipynb)", problem=True)
    print(f"{len(bundles)} unit(s): {len(bundles) - len(failed)} ok, {len(failed)} failed"
          + (f" ({', '.join(failed)})" if failed else ""))
    if ingested.refused:
        return EXIT_INPUT
    return EXIT_FAILED if failed else EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    return _report_units(args, [args.unit])


def cmd_run(args: argparse.Namespace) -> int:
    """The main job: every unit of every input -> its report, incrementally, in parallel
    (default: the bundled examples -> reports/). Exit 0 nothing failed, 1 a unit or an input
    failed, 2 no document could be read, 3 another run holds the output folder."""
    from .batch import BatchOptions, run_batch, summary_lines
    from .errors import RunLockedError
    from .resources import EXAMPLES, data_dir

    args.paths = args.paths or [data_dir(EXAMPLES)]
    options = BatchOptions(
        workers=args.workers, executor=args.executor, scheduler=args.scheduler, unit_ids=tuple(args.unit or ()),
        department_ids=tuple(args.department or ()),
        force=args.force, retry_failed=args.retry_failed, dry_run=args.dry_run, timeout=args.timeout,
        year=args.year, config=args.config, notebook=args.notebook, progress=not args.no_progress and args.verbosity >= 0,
        appendix=None if args.appendix is None else APPENDIX_CHOICES[args.appendix],
    )
    try:
        summary = run_batch(args.paths, args.out, options)
    except RunLockedError as error:
        print(f"perfaudit: {error}", file=sys.stderr)
        return EXIT_LOCKED
    if args.verbosity >= 1 and not args.dry_run:  # -v: why each unit was built or skipped
        for line in summary.plan.lines()[:-1]:
            say(args, line, level=1)
    lines = summary.plan.lines() if args.dry_run else summary_lines(summary)
    for number, line in enumerate(lines, 1):
        closing = number == len(lines) or line.startswith(("index:", f"{len(summary.units)} units:"))
        say(args, line, level=-1 if closing else 0, problem=line.startswith(("REFUSED", "FAILED")))
    if not summary.plan.units and summary.plan.refused:
        return EXIT_INPUT
    return EXIT_OK if args.dry_run else summary.exit_code


def iso_date(text: str):
    """``--date``: YYYY-MM-DD."""
    import datetime

    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def cmd_review(args: argparse.Namespace) -> int:
    """List open findings, record a disposition, sign off, or list stale dispositions (see README)."""
    from .review import command

    status = {"confirm": "confirmed", "exclude": "excluded", "resolved": "resolved"}.get(args.set)
    if args.finding:
        if not args.unit:
            raise command.ReviewUsageError("--finding needs --unit")
        if not (status or args.clear or args.note or args.reason):
            raise command.ReviewUsageError("--finding needs --confirm, --exclude, --resolved, --clear, --note or --reason")
        print(command.record(args.out, args.unit, args.finding, status=status, reason=args.reason, note=args.note, clear=args.clear))
    elif status or args.clear or args.note or args.reason:
        raise command.ReviewUsageError("--confirm/--exclude/--resolved/--clear/--note/--reason need --unit and --finding")
    elif args.sign_off:
        if not (args.unit and args.reviewer):
            raise command.ReviewUsageError("--sign-off needs --unit and --reviewer")
        print(command.sign_off(args.out, args.unit, args.reviewer, args.date))
    elif args.stale:
        lines = command.stale_lines(args.out, args.unit)
        print("\n".join(lines) if lines else "no stale dispositions")
    else:
        print("\n".join(command.list_lines(args.out, args.unit, everything=args.all)))
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    """The reviewer's workspace in the browser, until Ctrl-C (exit 130) or SIGTERM (143)."""
    from .errors import Terminated
    from .serve import serve

    def terminate(signum, frame):
        raise Terminated(signum)

    signal.signal(signal.SIGTERM, terminate)
    run_options = [*(["--year", str(args.year)] if args.year else []), *(["--config", str(args.config)] if args.config else [])]
    serve(args.out, host=args.host, port=args.port, allow_remote=args.allow_remote, inputs=args.inputs,
          run_options=run_options)
    return EXIT_OK


# --appendix: the formats whose report carries the parsed-source appendix.
APPENDIX_CHOICES = {"html": ("html",), "pdf": ("pdf",), "both": ("html", "pdf"), "none": ()}


EXIT_CODES = """exit codes:
  0  success
  1  a check failed or a unit's report failed (the others are still built)
  2  usage, configuration or input error (a refused document, an unwritable output folder)
  3  another run holds the output folder
  128+N  stopped by signal N: 130 Ctrl-C, 141 the reader of the output went away, 143 SIGTERM"""

EXAMPLES = """examples:
  perfaudit init audit/                      a working folder: notebooks, suites, examples, config.toml
  perfaudit run                              the bundled examples -> reports/
  perfaudit run DOCS/ --out reports/         every unit of every document in DOCS/, incrementally
  perfaudit units DOCS/                      the unit ids of the documents
  perfaudit report DOCS/x.txt --unit ID --out out/
  perfaudit audit DOCS/ --out findings/      findings for Excel (findings.xlsx, findings.csv)
  perfaudit review reports/ --unit ID        a unit's open findings
"""


def _command(sub, name: str, help: str, examples: str = "", **kwargs) -> argparse.ArgumentParser:
    """A sub-command with the shared -q/-v options; ``examples`` shown after its options."""
    verbosity = argparse.ArgumentParser(add_help=False)
    group = verbosity.add_mutually_exclusive_group()
    group.add_argument("-q", "--quiet", dest="verbosity", action="store_const", const=-1, default=argparse.SUPPRESS,
                       help="print only problems and the closing summary")
    group.add_argument("-v", "--verbose", dest="verbosity", action="store_const", const=1, default=argparse.SUPPRESS,
                       help="print more: the configuration used, why each unit is built or skipped")
    epilog = (f"examples:\n{examples}\n" if examples else "") + EXIT_CODES
    return sub.add_parser(name, help=help, parents=[verbosity], epilog=epilog,
                          formatter_class=argparse.RawDescriptionHelpFormatter, **kwargs)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="perfaudit",
        description="Audit reports for Chinese budget performance-target documents (绩效目标表).",
        epilog=EXAMPLES + "\n" + EXIT_CODES + "\n\n'perfaudit COMMAND --help' describes each command.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-V", "--version", action="version", version=f"perfaudit {__version__}")
    parser.set_defaults(verbosity=0)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = _command(sub, "init", "a working folder: the notebooks, expectation suites, examples and a commented config.toml",
                 "  perfaudit init audit/ && cd audit/\n"
                 "  perfaudit run examples/ --out reports/\n"
                 "  papermill notebooks/unit_audit.ipynb out.ipynb -p unit_id ID -p bundle_dir reports/bundles\n")
    p.add_argument("folder", type=Path, metavar="DIR", help="the working folder (created if missing)")
    p.add_argument("--force", action="store_true", help="overwrite files that are already there")
    p.set_defaults(handler=cmd_init)

    p = _command(sub, "ingest", "read documents into tidy tables (Parquet)",
                 "  perfaudit ingest DOCS/ --out tables/\n")
    _add_inputs(p)
    p.add_argument("--out", type=Path, required=True, help="folder for the Parquet tables")
    p.set_defaults(handler=cmd_ingest)

    p = _command(sub, "validate", "check the tables against the expectation suites (Great Expectations)",
                 "  perfaudit validate DOCS/ --out checks/ --data-docs\n")
    _add_inputs(p)
    p.add_argument("--out", type=Path, required=True, help="folder for validation.json")
    p.add_argument(
        "--data-docs", action="store_true",
        help="also build GX Data Docs in OUT/data_docs/ (built offline; the pages load CSS/JS from CDNs when viewed)",
    )
    p.set_defaults(handler=cmd_validate)

    p = _command(sub, "audit", "run the rule catalogue: findings (Parquet, CSV, Excel) and unit grades",
                 "  perfaudit audit DOCS/ --out findings/\n")
    _add_inputs(p)
    p.add_argument("--out", type=Path, required=True, help="folder for findings.{parquet,csv,xlsx} and grades.csv")
    p.set_defaults(handler=cmd_audit)

    p = _command(sub, "rules", "list the audit rule catalogue", "  perfaudit rules --markdown > docs/rules.md\n")
    p.add_argument("--markdown", action="store_true", help="print the full rules reference (docs/rules.md) as Markdown")
    p.add_argument("--config", type=Path, help="TOML file overriding the default configuration")
    p.set_defaults(handler=cmd_rules)

    p = _command(sub, "units", "list the units of the documents: the ids --unit takes",
                 "  perfaudit units DOCS/\n")
    _add_inputs(p)
    p.set_defaults(handler=cmd_units)

    p = _command(sub, "report", "write one unit's audit report: OUT/units/UNIT/report.{ipynb,html,pdf}",
                 "  perfaudit units DOCS/x.txt\n  perfaudit report DOCS/x.txt --unit ID --out out/\n")
    _add_inputs(p)
    p.add_argument("--unit", required=True, metavar="UNIT_ID", help="the unit to report on (ids are listed by 'perfaudit units')")
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.set_defaults(handler=cmd_report)

    p = _command(sub, "run", "the main job: reports for every unit (default: the bundled examples -> reports/)",
                 "  perfaudit run                          the bundled examples -> reports/\n"
                 "  perfaudit run DOCS/ --out reports/     incrementally: unchanged units are skipped\n"
                 "  perfaudit run DOCS/ --dry-run          what would be built, and why\n"
                 "  perfaudit run DOCS/ --executor dask --scheduler tcp://host:8786\n")
    _add_inputs(p, required=False)
    p.add_argument("--out", type=Path, default=Path("reports"), help="output folder (default: reports)")
    p.add_argument("--workers", type=int, metavar="N", help="worker processes (default: [batch] workers, one per CPU)")
    p.add_argument("--unit", action="append", metavar="UNIT_ID", help="only this unit (repeatable)")
    p.add_argument("--department", action="append", metavar="DEPARTMENT_ID",
                   help="only this department's report and its units' (repeatable)")
    p.add_argument("--dry-run", action="store_true", help="show what would be (re)built and why; change nothing")
    p.add_argument("--force", action="store_true", help="rebuild every (selected) unit, changed or not")
    p.add_argument("--retry-failed", action="store_true", help="rerun only the units whose last build failed")
    p.add_argument("--timeout", type=float, metavar="SECONDS", help="wall-clock limit per unit (default: [batch] unit_timeout)")
    p.add_argument("--executor", choices=("local", "dask"), default="local",
                   help="local worker processes (default) or a Dask cluster")
    p.add_argument("--scheduler", metavar="ADDRESS", help="with --executor dask: a running scheduler (default: a local cluster)")
    p.add_argument("--appendix", choices=tuple(APPENDIX_CHOICES),
                   help="which reports carry the appendix of parsed projects (default: [report] appendix, html)")
    p.add_argument("--no-progress", action="store_true", help="no live progress line (plain lines are printed when not a terminal)")
    p.add_argument("--notebook", type=Path, help="run this unit notebook instead of notebooks/unit_audit.ipynb (testing)")
    p.set_defaults(handler=cmd_run)

    p = _command(
        sub, "review", "reviewer dispositions (OUT/reviews/UNIT.toml): list open findings, record a decision, sign off",
        "  perfaudit review reports/ --unit ID\n"
        "  perfaudit review reports/ --unit ID --finding FID --exclude --reason \"指标已在其他项目中体现\"\n"
        "  perfaudit review reports/ --unit ID --sign-off --reviewer 张三\n",
        description="Without an action: list the open findings (undecided or 确认) of a unit, or of every unit. "
        "Dispositions are kept in OUT/reviews/<unit_id>.toml; the next 'perfaudit run' rebuilds the units whose file changed.",
    )
    p.add_argument("out", type=Path, metavar="OUT", help="the output folder of 'perfaudit run'")
    p.add_argument("--unit", metavar="UNIT_ID", help="the unit (default for listing: every unit)")
    p.add_argument("--all", action="store_true", help="list set-aside findings (排除, 已整改) too")
    p.add_argument("--finding", metavar="FINDING_ID", help="the finding to record a disposition for")
    action = p.add_mutually_exclusive_group()
    action.add_argument("--confirm", dest="set", action="store_const", const="confirm", help="确认: a real problem (still counts)")
    action.add_argument("--exclude", dest="set", action="store_const", const="exclude",
                        help="排除: not a problem (needs --reason); no longer counts in grade and conclusion")
    action.add_argument("--resolved", dest="set", action="store_const", const="resolved",
                        help="已整改: corrected by the unit; no longer counts in grade and conclusion")
    action.add_argument("--clear", action="store_true", help="remove the finding's disposition from the file")
    action.add_argument("--sign-off", action="store_true", help="sign the unit off (with --reviewer, optional --date)")
    action.add_argument("--stale", action="store_true", help="list dispositions whose finding no longer exists")
    p.add_argument("--reason", metavar="TEXT", help="why (required with --exclude)")
    p.add_argument("--note", metavar="TEXT", help="a note on the finding")
    p.add_argument("--reviewer", metavar="NAME", help="with --sign-off: the reviewer's name")
    p.add_argument("--date", type=iso_date, metavar="YYYY-MM-DD", help="with --sign-off: the date (default: today)")
    p.set_defaults(handler=cmd_review)

    p = sub.add_parser(
        "serve", help="a reviewer's workspace in the browser over an output folder: decide on findings in the reports",
        description="Serves OUT's index and reports; on a unit's report each finding gets 确认 / 排除 / 已整改 and the "
        "unit a sign-off, written to OUT/reviews/<unit_id>.toml as 'perfaudit review' writes them. With --inputs "
        "(the documents of 'perfaudit run') each decision rebuilds its unit, department and the index.",
    )
    p.add_argument("out", type=Path, metavar="OUT", help="the output folder of 'perfaudit run'")
    p.add_argument("--inputs", nargs="+", type=Path, metavar="PATH",
                   help="the documents 'perfaudit run' read for OUT (without: decisions are recorded, reports update on the next run)")
    p.add_argument("--port", type=port_number, default=8765, metavar="N", help="port (default 8765; 0: any free port)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1; another needs --allow-remote)")
    p.add_argument("--allow-remote", action="store_true", help="allow --host to be an address other than loopback (no login!)")
    p.add_argument("--year", type=budget_year, metavar="YYYY", help="as given to 'perfaudit run' (passed to rebuilds)")
    p.add_argument("--config", type=Path, help="as given to 'perfaudit run' (passed to rebuilds)")
    p.set_defaults(handler=cmd_serve)

    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except PerfauditError as error:
        print(f"perfaudit: {error}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt as stop:  # Ctrl-C, or Terminated (SIGTERM) from a batch run
        signum = getattr(stop, "signum", signal.SIGINT)
        print(f"perfaudit: stopped by {signal.Signals(signum).name}", file=sys.stderr)
        return EXIT_SIGNAL_BASE + signum
    except BrokenPipeError:  # `perfaudit rules | head`: the reader has all it wanted
        # Python would report the pipe again when it flushes stdout at exit: point stdout elsewhere.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_SIGNAL_BASE + signal.SIGPIPE
    except OSError as error:  # the machine, not a document: a folder that cannot be written, a full disk
        from .errors import describe_os_error

        print(f"perfaudit: {describe_os_error(error)}", file=sys.stderr)
        return EXIT_INPUT


def program() -> NoReturn:
    """The ``perfaudit`` command (and ``python -m perfaudit``): ``main``, then exit."""
    code = main()
    # Without it, the interpreter's exit walks every object Great Expectations and pandas made
    # (≈0.7 s after a batch run, measured); atexit handlers and flushing are unchanged.
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    program()
