"""make bench runs: the quick benchmark prints every row and every ratio. Benchmarks print
figures; no test asserts a time, so the benchmark runs here on a one-chapter book (every row
still builds, in a process of its own): the rows and ratios are what is checked."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bookgen import chapter, filler, write_book
from conftest import ROOT


@pytest.mark.slow
def test_the_quick_benchmark_prints_every_row_and_ratio(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from bench_build import RATIOS, ROWS
    finally:
        sys.path.remove(str(ROOT / "bench"))
    book = write_book(tmp_path / "book", [chapter("一", filler(2))])
    run = subprocess.run([sys.executable, str(ROOT / "bench" / "bench_build.py"), "--quick",
                          "--book", str(book)],
                         capture_output=True, text=True, timeout=3600, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    for _, what in ROWS:
        line = next((line for line in run.stdout.splitlines() if what in line), None)
        assert line is not None, f"no row for {what}"
        assert "skipped" in line or line.split()[-1].isdigit(), line  # a figure or a reason
    for ratio in RATIOS:
        assert ratio.label in run.stdout
    assert "peak RSS of any process" in run.stdout
