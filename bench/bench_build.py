"""Benchmark: build time and peak memory of `bookmaker build`, for the sample book and for a
full-size synthetic book (56 chapters, ~446,000 Han characters). Prints figures; asserts nothing.

    .venv/bin/python bench/bench_build.py [--format epub|pdf] [--profile screen|press] [--runs 3]

Each build runs in a fresh process (so peak RSS is that build's own), with a cold font-subset
cache on the first run and a warm one after.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from synthetic import SAMPLE, make_synthetic_book


def timed_build(book: Path, out: Path, fmt: str, profile: str,
                cache: Path) -> tuple[float, float]:
    env = {**os.environ, "BOOKMAKER_CACHE_DIR": str(cache), "SOURCE_DATE_EPOCH": "1149120000"}
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "bookmaker", "build", str(book),
                                "--out", str(out), "--format", fmt, "--profile", profile],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)  # this child's own peak, not all children's
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"build of {book} failed with exit code {process.returncode}")
    return seconds, usage.ru_maxrss / 1024  # KiB -> MiB


def count_pages(out: Path) -> str:
    from pypdf import PdfReader

    return " ".join(f"{len(PdfReader(p).pages)} pages" for p in sorted(out.glob("*.pdf")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--format", default="epub", choices=("epub", "pdf"))
    parser.add_argument("--profile", default="screen", choices=("screen", "press"),
                        help="the PDF profile (one PDF per build, as the baseline measured)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        books = {"sample": SAMPLE, "full-size": make_synthetic_book(work / "synthetic")}
        print(f"{'book':<10} {'run':>3} {'cache':>5} {'seconds':>8} {'peak MiB':>9}  output")
        if args.format == "pdf":
            print("(baseline: raw WeasyPrint, 418 pages of simpler HTML: 8.8 s, 286 MiB)")
        for label, book in books.items():
            cache = work / f"cache-{label}"
            for run in range(1, args.runs + 1):
                out = work / f"out-{label}-{run}"
                seconds, peak = timed_build(book, out, args.format, args.profile, cache)
                size = sum(p.stat().st_size for p in out.glob(f"*.{args.format}"))
                pages = count_pages(out) if args.format == "pdf" else ""
                state = "cold" if run == 1 else "warm"
                print(f"{label:<10} {run:>3} {state:>5} {seconds:>8.2f} {peak:>9.0f}  "
                      f"{size / 1e6:.1f} MB {pages}")


if __name__ == "__main__":
    main()
