"""Command line: thin. Parses arguments, calls one stage entry point, prints, sets the exit code.

Exit codes: 0 success, 1 data failed a check or a unit failed, 2 usage or input error,
3 another run holds the output folder.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .errors import PerfauditError

EXIT_OK, EXIT_FAILED, EXIT_INPUT, EXIT_LOCKED = 0, 1, 2, 3


def _add_inputs(parser: argparse.ArgumentParser, *, required: bool = True) -> None:
    parser.add_argument(
        "paths", nargs="+" if required else "*", type=Path, metavar="PATH",
        help="document files or folders (folders are searched for *.txt)",
    )
    parser.add_argument("--year", type=int, help="budget year for every document (overrides detection)")
    parser.add_argument("--config", type=Path, help="TOML file overriding the default configuration")


def _ingest(args: argparse.Namespace):
    """Shared first step of every command: read the documents, print one line per file."""
    from .ingest import ingest_paths
    from .settings import load_settings

    settings = load_settings(args.config)
    result = ingest_paths(args.paths, year=args.year, settings=settings)
    for outcome in result.files:
        print(outcome.summary_line(), file=sys.stdout if outcome.ok else sys.stderr)
    return settings, result


def cmd_ingest(args: argparse.Namespace) -> int:
    _, result = _ingest(args)
    if not result.dataset.documents.empty:
        written = result.dataset.write(args.out)
        print(f"wrote {len(written)} tables to {args.out}")
    return EXIT_OK if not result.refused else EXIT_INPUT


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="perfaudit",
        description="Audit reports for Chinese budget performance-target documents (绩效目标表).",
    )
    parser.add_argument("--version", action="version", version=f"perfaudit {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("ingest", help="read documents into tidy tables (Parquet)")
    _add_inputs(p)
    p.add_argument("--out", type=Path, required=True, help="folder for the Parquet tables")
    p.set_defaults(handler=cmd_ingest)

    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except PerfauditError as error:
        print(f"perfaudit: {error}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("perfaudit: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
