"""Benchmark: wall time, CPU time and peak memory of `bookmaker build`, for the sample book and
a full-size synthetic book (56 chapters, ~446,000 Han characters), beside two peers on the same
Markdown — pandoc to EPUB and raw WeasyPrint on equivalent HTML with the same fonts — with each
ratio printed next to its target (issue 11). Prints figures; asserts nothing.

    .venv/bin/python bench/bench_build.py [--runs 3] [--quick [--book PATH]]

Every build runs as a subprocess (its peak RSS and CPU time come from ``os.wait4``, which counts
the processes it waited for too). The rows are interleaved: one round runs every row once, the
next round again, and each figure is the median over the rounds, so that a burst of load on a
shared machine spreads over all rows instead of falling on one. Compare ratios, and CPU time
(``user``) beside wall time: on a busy machine wall time stretches, CPU time much less.
"""

from __future__ import annotations

import argparse
import compileall
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import peers
from measure import Figure, run
from synthetic import SAMPLE, make_synthetic_book

import bookmaker

EPOCH = "1149120000"  # SOURCE_DATE_EPOCH of every build: the same bytes each round
BOOKMAKER = [sys.executable, "-m", "bookmaker", "build"]
ALL_OUTPUTS = ["--variant", "source", "--variant", "zh-Hant"]


@dataclass
class Bench:
    """One book: its rows, run in rounds, each row in fresh folders unless it is a rebuild."""

    label: str
    book: Path
    work: Path

    def __post_init__(self) -> None:
        self.figures: dict[str, list[Figure]] = {}
        self.round = 0
        # a private copy: the "edit one chapter" row changes it
        self.copy = self.work / f"book-{self.label}"
        shutil.copytree(self.book, self.copy)
        self.html = peers.equivalent_html(self.copy, self.work / f"raw-{self.label}")
        self.rebuild_out = self.work / "none"
        self.rebuild_cache = self.work / "none"
        self.font_cache = self.work / f"fonts-{self.label}"
        self.warm_cache = self.work / f"warm-{self.label}"

    def folder(self, name: str) -> Path:
        path = self.work / f"{self.label}-{name}-{self.round}"
        path.mkdir(parents=True)
        return path

    def cache(self, name: str, fonts: bool, warm: bool) -> Path:
        """A fresh cache folder; with ``fonts``, holding the font subsets of an earlier build
        (a warm font cache) and nothing else; with ``warm``, all that an earlier EPUB build
        kept (font subsets, the drawn cover, compiled templates) but its outputs' records,
        which would answer that nothing changed."""
        path = self.folder(f"cache-{name}")
        if warm and self.warm_cache.is_dir():
            shutil.copytree(self.warm_cache, path, dirs_exist_ok=True)
        elif fonts and (self.font_cache / "fonts").is_dir():
            shutil.copytree(self.font_cache / "fonts", path / "fonts")
        return path

    def build(self, name: str, options: list[str], fonts: bool = True,
              warm: bool = False) -> Figure:
        cache = self.cache(name, fonts, warm)
        out = self.folder(f"out-{name}")
        figure = run([*BOOKMAKER, str(self.copy), "--out", str(out), *options],
                     {"BOOKMAKER_CACHE_DIR": str(cache), "SOURCE_DATE_EPOCH": EPOCH})
        if not (self.font_cache / "fonts").is_dir() and (cache / "fonts").is_dir():
            shutil.copytree(cache / "fonts", self.font_cache / "fonts")
        if name == "epub-cold" and not self.warm_cache.is_dir():
            shutil.copytree(cache, self.warm_cache, ignore=shutil.ignore_patterns("outputs"))
        if name == "all":
            self.rebuild_out, self.rebuild_cache = out, cache
        return figure

    def rebuild(self, options: list[str]) -> Figure:
        """Into the folder of this round's "all outputs" build, with its cache."""
        return run([*BOOKMAKER, str(self.copy), "--out", str(self.rebuild_out), *options],
                   {"BOOKMAKER_CACHE_DIR": str(self.rebuild_cache), "SOURCE_DATE_EPOCH": EPOCH})

    def edit_one_chapter(self) -> None:
        """A typo fixed: two neighbouring Han characters of the last chapter's first long
        paragraph swapped, at a place that moves each round (no new character, so the
        question is what the build redoes, not what new glyphs cost)."""
        chapter = sorted((self.copy / "chapters").glob("*.md"))[-1]
        text = chapter.read_text(encoding="utf-8")
        start = text.index("\n---\n") + 5 + 40 + 2 * self.round
        while not (peers.is_han(text[start]) and peers.is_han(text[start + 1])):
            start += 1
        text = text[:start] + text[start + 1] + text[start] + text[start + 2:]
        chapter.write_text(text, encoding="utf-8")

    def rows(self) -> dict[str, Callable[[], Figure | None]]:
        return {
            "epub-cold": lambda: self.build("epub-cold", ["--format", "epub"], fonts=False),
            "epub-warm": lambda: self.build("epub-warm", ["--format", "epub"], warm=True),
            "epub-fonts": lambda: self.build("epub-fonts", ["--format", "epub"]),
            "pdf-screen": lambda: self.build("screen", ["--format", "pdf", "--profile", "screen"]),
            "pdf-press": lambda: self.build("press", ["--format", "pdf", "--profile", "press"]),
            "pdf-both": lambda: self.build("both", ["--format", "pdf"]),
            "zh-Hant": lambda: self.build("hant", ["--variant", "zh-Hant"]),
            "all": lambda: self.build("all", ALL_OUTPUTS),
            "nothing-changed": lambda: self.rebuild(ALL_OUTPUTS),
            "edit-epub": lambda: (self.edit_one_chapter(), self.rebuild(["--format", "epub"]))[1],
            "pandoc": lambda: peers.pandoc_epub(self.copy, self.folder("pandoc")),
            "weasyprint": lambda: peers.raw_weasyprint(self.html, self.folder("weasyprint")),
        }

    def run_round(self) -> None:
        self.round += 1
        for name, row in self.rows().items():
            figure = row()
            if figure is not None:
                self.figures.setdefault(name, []).append(figure)
            print(f"  {self.label} round {self.round}: {name} done", file=sys.stderr, flush=True)

    def median(self, name: str) -> Figure | None:
        figures = self.figures.get(name)
        if not figures:
            return None
        return Figure(*(statistics.median(getattr(f, attr) for f in figures)
                        for attr in ("wall", "user", "system", "peak")))


# (row, what it measures); the ratios below refer to the rows by name
ROWS = [
    ("epub-cold", "EPUB, nothing cached"),
    ("epub-warm", "EPUB, cache warm (not its records)"),
    ("epub-fonts", "EPUB, font subsets cached"),
    ("pdf-screen", "PDF, screen profile"),
    ("pdf-press", "PDF, press profile"),
    ("pdf-both", "PDF, both profiles"),
    ("zh-Hant", "zh-Hant edition: EPUB + 2 PDFs"),
    ("all", "all six outputs, 2 editions"),
    ("edit-epub", "edit one chapter, rebuild EPUB"),
    ("nothing-changed", "nothing changed, rebuild all"),
    ("pandoc", "peer: pandoc -> EPUB"),
    ("weasyprint", "peer: raw WeasyPrint -> PDF"),
]


@dataclass(frozen=True)
class Ratio:
    label: str
    target: float
    value: Callable[[Callable[[str], float]], float]  # from a row's seconds
    unit: str = "×"


RATIOS = [
    Ratio("PDF one profile / raw WeasyPrint", 1.0,
          lambda s: s("pdf-screen") / s("weasyprint")),
    Ratio("press PDF's extra cost / screen PDF", 0.2,
          lambda s: (s("pdf-both") - s("pdf-screen")) / s("pdf-screen")),
    Ratio("all six outputs / one PDF", 2.0, lambda s: s("all") / s("pdf-screen")),
    Ratio("EPUB cold / pandoc", 2.0, lambda s: s("epub-cold") / s("pandoc")),
    Ratio("EPUB warm / pandoc", 1.0, lambda s: s("epub-warm") / s("pandoc")),
    Ratio("EPUB, font subsets cached / pandoc", 1.0, lambda s: s("epub-fonts") / s("pandoc")),
    Ratio("edit one chapter, EPUB / full EPUB build", 0.15,
          lambda s: s("edit-epub") / s("epub-cold")),
    Ratio("edit one chapter, EPUB / all six outputs", 0.15,
          lambda s: s("edit-epub") / s("all")),
    Ratio("nothing changed, all outputs", 1.0, lambda s: s("nothing-changed"), " s"),
]
PEAK_TARGET = 512  # MiB per process


def report(bench: Bench, runs: int) -> None:
    print(f"\n{bench.label}: medians of {runs} interleaved run(s)")
    print(f"  {'step':<34} {'wall s':>7} {'user s':>7} {'sys s':>6} {'peak MiB':>9}")
    for name, what in ROWS:
        figure = bench.median(name)
        if figure is None:
            print(f"  {what:<34} {'skipped':>7}  ({peers.skipped.get(name, 'not run')})")
            continue
        print(f"  {what:<34} {figure.wall:>7.2f} {figure.user:>7.2f} {figure.system:>6.2f} "
              f"{figure.peak:>9.0f}")
    print(f"  {'ratio (wall; user in brackets)':<44} {'value':>14} {'target':>8}")
    for ratio in RATIOS:
        try:
            wall = ratio.value(lambda name: bench.median(name).wall)  # type: ignore[union-attr]
            user = ratio.value(lambda name: bench.median(name).user)  # type: ignore[union-attr]
        except (AttributeError, ZeroDivisionError):
            print(f"  {ratio.label:<44} {'n/a':>14} {'≤ ' + str(ratio.target):>8}{ratio.unit}")
            continue
        mark = "ok" if wall <= ratio.target else "MISSED"
        value = f"{wall:.2f} ({user:.2f})"
        print(f"  {ratio.label:<44} {value:>14} {'≤ ' + str(ratio.target):>8}{ratio.unit}"
              f"  {mark}")
    peak = max(f.peak for fs in bench.figures.values() for f in fs)
    mark = "ok" if peak <= PEAK_TARGET else "MISSED"
    print(f"  {'peak RSS of any process':<44} {peak:>10.0f} MiB {'≤ ' + str(PEAK_TARGET):>8} "
          f"MiB  {mark}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--quick", action="store_true",
                        help="the sample book only, one round: a smoke test")
    parser.add_argument("--book", type=Path, default=SAMPLE,
                        help="with --quick, this book in place of the sample (the test suite "
                             "passes a one-chapter book: it checks the rows, not the figures)")
    args = parser.parse_args()
    runs = 1 if args.quick else args.runs
    print(f"bookmaker benchmark — {peers.machine()}")
    print(f"versions: {peers.versions()}")
    # bookmaker's modules compiled ahead, as installing its wheel does: where
    # PYTHONDONTWRITEBYTECODE is set (this project's CI machine), every build would compile
    # them again, 0.08 s of CPU each time
    compileall.compile_dir(Path(bookmaker.__file__).parent, quiet=1)
    with tempfile.TemporaryDirectory(prefix="bookmaker-bench-") as tmp:
        work = Path(tmp)
        books = {"sample" if args.book == SAMPLE else args.book.name: args.book}
        if not args.quick:
            books["full-size"] = make_synthetic_book(work / "synthetic")
        benches = [Bench(label, book, work) for label, book in books.items()]
        for _ in range(runs):
            for bench in benches:
                bench.run_round()
        for bench in benches:
            report(bench, runs)
    for line in peers.skipped.values():
        print(f"skipped: {line}")


if __name__ == "__main__":
    main()
