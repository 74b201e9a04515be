"""Reading cost per file format: a typical document in each format, and a 200-page PDF book.

    python benchmarks/read_formats.py [--repeats 5] [--pages 200]

The files are written in this run from a bundled sample (``--sample``) with the test suite's own
writers (``tests/office_files.py``: python-docx, openpyxl, HTML, WeasyPrint for PDF). For each
format it prints the median CPU time of ``read_source`` (file → paragraphs and tables) and of
``read_document`` (everything ingest does), and their ratio to the .txt of the same document
measured in the same run. The book is the sample's tables repeated until the PDF has
``--pages`` pages; it is read once (``read_source``), and its seconds per page are printed.
"""

from __future__ import annotations

import argparse
import io
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

import office_files as of  # noqa: E402  (the test suite's writers)

import pdfplumber  # noqa: E402

from perfaudit.ingest import read_document  # noqa: E402
from perfaudit.ingest.sources import read_source  # noqa: E402

FORMATS = ("txt", "docx", "xlsx", "html", "pdf")


def cpu_model() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        return next(line.split(":", 1)[1].strip() for line in out.splitlines() if line.startswith("Model name"))
    except (OSError, subprocess.CalledProcessError, StopIteration):
        return platform.processor() or "unknown CPU"


def cpu_seconds(call, repeats: int = 1) -> float:
    """Median CPU time of ``call`` (this process; the readers are single-threaded): on a shared
    VM wall-clock time grows with the neighbours' load, CPU time much less."""
    times = []
    for _ in range(repeats):
        started = time.process_time()
        call()
        times.append(time.process_time() - started)
    return statistics.median(times)


def book(stem: str, pages: int) -> tuple[bytes, int]:
    """A PDF of about ``pages`` pages: the sample's blocks repeated (pages per copy measured on
    four copies, as copies share pages)."""
    def count(data: bytes) -> int:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return len(pdf.pages)

    document = of.sample(stem)
    probe = 4
    per_copy = count(of.write_pdf(document, repeat=probe)) / probe
    repeat = int(pages / per_copy * 1.06) + 1
    data = of.write_pdf(document, repeat=repeat)
    return data, count(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sample", default="tianjin_qunyiguan_2025", choices=of.SAMPLES)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--pages", type=int, default=200)
    args = parser.parse_args(argv)

    print(f"CPU: {cpu_model()}; Python {platform.python_version()}; sample {args.sample}")
    files = {"txt": (of.EXAMPLES / f"{args.sample}.txt").read_bytes()}
    files |= {fmt: of.sample_file(args.sample, fmt) for fmt in FORMATS[1:]}
    rows = []
    for fmt, data in files.items():
        name = f"{args.sample}.{fmt}"
        source = cpu_seconds(lambda: read_source(data, name), args.repeats)
        whole = cpu_seconds(lambda: read_document(data, name), args.repeats)
        rows.append((fmt, len(data), source, whole))
    base_source, base_whole = rows[0][2], rows[0][3]
    print(f"CPU seconds, median of {args.repeats}")
    print(f"{'format':<7}{'bytes':>9}{'read_source s':>15}{'× txt':>8}{'read_document s':>17}{'× txt':>8}")
    for fmt, size, source, whole in rows:
        print(f"{fmt:<7}{size:>9}{source:>15.4f}{source / base_source:>8.1f}{whole:>17.4f}{whole / base_whole:>8.1f}")

    started = time.perf_counter()
    data, pages = book(args.sample, args.pages)
    print(f"book: {pages} pages, {len(data) / 2**20:.1f} MB, rendered in {time.perf_counter() - started:.1f} s")
    started, wall = time.process_time(), time.perf_counter()
    document = read_source(data, "book.pdf")
    seconds, wall = time.process_time() - started, time.perf_counter() - wall
    tables = sum(1 for b in document.blocks if hasattr(b, "rows"))
    print(f"book read: {seconds:.1f} s CPU ({seconds / pages * 1000:.0f} ms/page), {wall:.1f} s wall; "
          f"{tables} tables, {len(document.blocks) - tables} paragraphs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
