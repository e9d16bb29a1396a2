"""The command line: the only module that prints or chooses exit codes.

Exit codes: 0 done; 1 the outputs failed validation; 2 the source (or a setting, or the
machine) has a problem to fix, one line per problem: file, line, what is wrong, what to do;
3 bookmaker itself failed (a bug: one line asks for a report, the traceback goes to a file);
130 interrupted (Ctrl-C or SIGTERM), with every earlier output left as it was.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import os
import platform
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from bookmaker import __version__
from bookmaker.cache import DRAWN_COVERS, cache_dir, unchanged_build
from bookmaker.diagnostics import BookError, Diagnostic, Severity, error
from bookmaker.progress import Step, Timings
from bookmaker.targets import ALL_FORMATS, FORMATS, PROFILES, VARIANTS, BuildResult, targets

if TYPE_CHECKING:
    from bookmaker.model import Book
    from bookmaker.variants.report import Report as VariantReport

# The builder, WeasyPrint, OpenCC and EPUBCheck's wrapper are imported by the commands that use
# them: a build whose outputs are all unchanged is over before they would have loaded.

EXIT_INVALID_OUTPUT = 1
EXIT_BAD_SOURCE = 2
EXIT_BUG = 3
EXIT_INTERRUPTED = 130
CRASH_REPORT = "bookmaker-crash.txt"

err = Console(stderr=True, highlight=False, soft_wrap=True)

BOOK_DIR = click.argument(
    "book_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("source"),
    required=False,
)
OUT_DIR = click.option(
    "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
    default=Path("build"), show_default=True,
    help="Folder for the outputs; must not be inside the book directory.",
)

VARIANT = click.option(
    "--variant", "variants", type=click.Choice(("source", *VARIANTS)), multiple=True,
    help="Edition (repeatable): 'source' is the book as written; 'zh-Hant' the "
         "Traditional-Chinese edition through OpenCC (configured under variants: in "
         "book.yaml), written as <name>.zh-Hant.*. Default: source.",
)


def editions(variants: tuple[str, ...]) -> tuple[str | None, ...]:
    """The --variant choices as build() takes them: None is the source's own script."""
    return tuple(None if v == "source" else v for v in variants or ("source",))


def report(diagnostics: list[Diagnostic] | tuple[Diagnostic, ...]) -> None:
    for d in diagnostics:
        style = {Severity.ERROR: "red", Severity.WARNING: "yellow"}.get(d.severity, "cyan")
        err.print(str(d), style=style, markup=False, highlight=False, emoji=False)


@contextlib.contextmanager
def outcome(out_dir: Path | None, book_dir: Path | None = None) -> Iterator[None]:
    """Every way a command can end becomes an exit code and lines for a person, never a
    traceback: diagnostics (2), an interruption (130), or a bug (3), whose traceback is
    written to a file in the output folder for the report."""
    try:
        yield
    except BookError as exc:
        report(exc.diagnostics)
        sys.exit(EXIT_BAD_SOURCE)
    except (SystemExit, click.exceptions.Exit, click.ClickException, click.Abort):
        raise
    except BaseException as exc:  # WeasyPrint's fatal fetch errors are BaseExceptions too
        if isinstance(exc, KeyboardInterrupt) or _signalled:
            # a library may wrap the interruption in an error of its own (pydantic does)
            err.print("interrupted: no output was changed", style="red", markup=False)
            sys.exit(EXIT_INTERRUPTED)
        inside_book = (out_dir is not None and book_dir is not None
                       and out_dir.resolve().is_relative_to(book_dir.resolve()))
        path = write_crash_report(None if inside_book else out_dir)
        err.print(f"bookmaker failed: this is a bug, not a problem of the book. Please report "
                  f"it with the file {path}", style="red", markup=False, highlight=False)
        sys.exit(EXIT_BUG)


def write_crash_report(out_dir: Path | None) -> Path:
    """The traceback and what produced it, in the output folder (else the temporary one)."""
    text = "".join([
        f"bookmaker {__version__}, Python {platform.python_version()}, {platform.platform()}\n",
        f"command: {' '.join(sys.argv)}\n\n",
        traceback.format_exc(),
    ])
    for folder in (out_dir, Path(tempfile.gettempdir())):
        if folder is None:
            continue
        try:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / CRASH_REPORT).write_text(text, encoding="utf-8")
            return folder / CRASH_REPORT
        except OSError:
            continue
    return Path("(nowhere: no folder could be written)")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bookmaker")
def cli() -> None:
    """Turn a book directory into an EPUB 3 for e-readers and a print-ready PDF.

    A book directory holds book.yaml (the bibliographic and print data, and the reading order)
    and chapters in Markdown with YAML front matter; docs/source-format.md describes both.

    \b
    Examples:
      bookmaker build source              build/<name>.epub, .pdf and .press.pdf
      bookmaker build source --format pdf --profile press   only the printer's PDF
      bookmaker build source --variant zh-Hant               the Traditional edition
      bookmaker build source --format cover                  the printed cover spread
      bookmaker build mybook --out dist   the same for your book, into dist/
      bookmaker check source              build the EPUB, then EPUBCheck and Ace on it
    """


@cli.command("build")
@BOOK_DIR
@OUT_DIR
@click.option("--format", "formats", type=click.Choice(ALL_FORMATS), multiple=True,
              help="Output to build (repeatable). Default: epub and pdf. 'cover' is the "
                   "printed cover spread (<name>.cover.pdf): back, spine and front with bleed "
                   "and marks, its spine as thick as the interior's pages on the paper of "
                   "book.yaml's 'cover'.")
@click.option("--profile", "profiles", type=click.Choice(PROFILES), multiple=True,
              help="PDF profile (repeatable): 'screen' is the trimmed page; 'press' adds 3 mm "
                   "bleed, crop marks and K-only black for the printer. Default: both.")
@VARIANT
@click.option("--vertical", is_flag=True,
              help="With --variant zh-Hant: also a vertical EPUB (<name>.zh-Hant.vertical.epub): "
                   "columns top to bottom, pages turned right to left. The PDF stays "
                   "horizontal.")
@click.option("--timings", is_flag=True,
              help="When done, print where the time went: each edition's stages (load, "
                   "render, fonts, EPUB, each PDF's style, layout and write …), wall-clock "
                   "and CPU seconds.")
def build_command(book_dir: Path, out_dir: Path, formats: tuple[str, ...],
                  profiles: tuple[str, ...], variants: tuple[str, ...], vertical: bool,
                  timings: bool) -> None:
    """Build the outputs of BOOK_DIR (default: ./source) into --out.

    The source is validated first; a problem stops the build with exit code 2 and one line
    naming the file, the line and the fix. Outputs are replaced only when complete. Set
    SOURCE_DATE_EPOCH to fix the timestamps inside the outputs (builds are byte-reproducible).
    An output whose inputs (the book's files, bookmaker's styles, templates and fonts, the
    libraries' versions, the options) have not changed since it was written, and which is
    still in --out as written, is not built again: it is listed as unchanged.
    """
    result = run_build(book_dir, out_dir, formats or FORMATS, profiles or PROFILES,
                       editions(variants), vertical, timings)
    for path in result.outputs:
        click.echo(f"wrote {path}")
    for path in result.unchanged:
        click.echo(f"unchanged {path}")
    if not result.outputs:
        click.echo(f"nothing changed: {len(result.unchanged)} output(s) up to date in {out_dir}")


class BuildDisplay:
    """The build's progress on a terminal: one line per edition (its task, how far), shown
    once the build has taken a second, gone when it ends; nothing when stderr is not a
    terminal. Optionally keeps the ``Timings``."""

    DELAY = 1.0  # seconds: a shorter build shows nothing

    def __init__(self, console: Console, timings: Timings | None = None) -> None:
        self.shown = console.is_terminal
        self.timings = timings
        self.started = time.perf_counter()
        self.live = False
        self.bars = Progress(SpinnerColumn(), TextColumn("{task.description}"),
                             BarColumn(), TextColumn("{task.fields[count]}"),
                             TimeElapsedColumn(), console=console, transient=True)
        self.lines: dict[str, int] = {}  # edition -> its line

    def __call__(self, step: Step) -> None:
        if self.timings is not None:
            self.timings.add(step)
        if not self.shown:
            return
        edition = step.edition or "book"
        if edition not in self.lines:
            self.lines[edition] = self.bars.add_task(edition, total=None, count="")
        count = f"{step.done}/{step.total} {step.unit}" if step.total else (
            f"{step.unit.rstrip('s')} {step.done}" if step.done else "")
        self.bars.update(self.lines[edition], description=f"{edition}: {step.task}",
                         total=step.total or None, completed=step.done, count=count)
        if not self.live and time.perf_counter() - self.started >= self.DELAY:
            self.bars.start()
            self.live = True

    def close(self) -> None:
        if self.live:
            self.bars.stop()
            self.live = False


def print_timings(timings: Timings) -> None:
    table = Table(title="where the time went", title_justify="left")
    for column in ("edition", "stage", "wall s", "CPU s", "share"):
        table.add_column(column, justify="left" if column in ("edition", "stage") else "right")
    total = timings.total or 1.0
    for row in timings.table():
        table.add_row(row.edition or "book", row.task, f"{row.wall:.2f}", f"{row.cpu:.2f}",
                      f"{row.wall / total:.0%}")
    table.add_row("", "total (wall)", f"{timings.total:.2f}", "", "")
    err.print(table)


def cover_likely_drawn(out_dir: Path, formats: tuple[str, ...]) -> bool:
    """Whether the build will likely draw an EPUB's cover: none is drawn in the build cache
    yet. A guess that costs only a core's time when wrong (``run_build``)."""
    covers = cache_dir(out_dir) / DRAWN_COVERS
    return "epub" in formats and not (covers.is_dir() and any(covers.iterdir()))


def run_build(book_dir: Path, out_dir: Path, formats: tuple[str, ...],
              profiles: tuple[str, ...] = PROFILES,
              variants: tuple[str | None, ...] = (None,), vertical: bool = False,
              timings: bool = False) -> BuildResult:
    timing = Timings() if timings else None
    display = BuildDisplay(err, timing)
    display(Step("", "check the cache"))
    try:
        with outcome(out_dir, book_dir):
            result = unchanged_build(book_dir, out_dir,
                                     targets(formats, profiles, variants, vertical))
            if result is None:
                display(Step("", "start the builder"))
                from bookmaker.parallel import standing_by

                # a process that imports the builder and WeasyPrint on another core while this
                # one imports the builder and loads the book, then draws the cover (half a
                # second less of a first build)
                with standing_by(("bookmaker.build", "bookmaker.pdf.cover"),
                                 wanted=cover_likely_drawn(out_dir, formats)) as standby:
                    with _imported_uncollected():
                        from bookmaker.build import build

                    result = build(book_dir, out_dir, formats, progress=display,
                                   profiles=profiles, variants=variants, vertical=vertical,
                                   standby=standby)
            display(Step("", "done"))
    finally:
        display.close()
    report(result.diagnostics)
    if timing is not None:
        print_timings(timing)
    return result


@contextlib.contextmanager
def _imported_uncollected() -> Iterator[None]:
    """Python's collector off while the builder's modules are imported: its 125 collections
    (35 ms) found nothing to free, since modules live as long as the command. What they made
    is then frozen (``gc.freeze``): the build's later full collections, and those of the
    processes it forks, no longer walk it."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if collecting:
            gc.enable()


@cli.command("check")
@BOOK_DIR
@OUT_DIR
@VARIANT
@click.option("--vertical", is_flag=True,
              help="With --variant zh-Hant: check the vertical EPUB too.")
def check_command(book_dir: Path, out_dir: Path, variants: tuple[str, ...],
                  vertical: bool) -> None:
    """Validate BOOK_DIR, build its EPUBs, and run EPUBCheck and Ace by DAISY on each.

    Exit code 0 when EPUBCheck reports no error and no warning and Ace no accessibility
    violation, 1 when either reports any, 2 when the source itself has a problem. Needs Java
    for EPUBCheck, and Ace (`make ace`, with Node) and Chromium for the accessibility check.
    """
    from bookmaker.ace import Ace, AceUnavailable
    from bookmaker.epubcheck import EpubCheck, EpubCheckUnavailable

    result = run_build(book_dir, out_dir, ("epub",), variants=editions(variants),
                       vertical=vertical)
    outputs = [p for p in result.outputs + result.unchanged if p.suffix == ".epub"]
    found: list[Diagnostic] = []
    with outcome(out_dir, book_dir):
        # one process for every EPUB: EPUBCheck's JVM, then Ace's Node and Chromium
        for name, checker, unavailable in (("EPUBCheck", EpubCheck, EpubCheckUnavailable),
                                           ("Ace", Ace, AceUnavailable)):
            try:
                with checker() as check:
                    for path in outputs:
                        with err.status(f"{name}: {path.name}…"):
                            found += check.check(path)
            except unavailable as exc:
                err.print(f"cannot run {name}: {exc}", style="red", markup=False)
                sys.exit(EXIT_INVALID_OUTPUT)
    report(found)
    if found:
        sys.exit(EXIT_INVALID_OUTPUT)
    click.echo(f"EPUBCheck: {len(outputs)} EPUB(s), 0 errors, 0 warnings")
    click.echo(f"Ace: {len(outputs)} EPUB(s), 0 violations")


@cli.group("variants")
def variants_group() -> None:
    """The Traditional-Chinese edition: review what the conversion chose."""


@variants_group.command("report")
@BOOK_DIR
@click.option("--variant", type=click.Choice(VARIANTS), default="zh-Hant", show_default=True)
@click.option("--all", "every", is_flag=True,
              help="List every character with more than one Traditional form, those a word "
                   "decided included.")
@click.option("--format", "form", type=click.Choice(("text", "tsv", "md")), default="text",
              show_default=True, help="tsv and md: a file to annotate (the fix column).")
@click.option("--apply", "annotations", type=click.Path(dir_okay=False, exists=True,
                                                        path_type=Path),
              help="Add the fixes of an annotated report (tsv or md) to the book's dictionary.")
def variants_report(book_dir: Path, variant: str, every: bool, form: str,
                    annotations: Path | None) -> None:
    """List the places where the Traditional form depends on the word and no word decided it.

    Grouped by choice (里→裡 together), riskiest first, each with its file, line and context;
    the choices a word decided (以后 → 以後) are counted on one line each, and phrase
    substitutions (s2twp: 软件 → 軟體) apart. Where a choice is wrong, write the right form of
    the word in the fix column of a --format tsv or md report and run --apply on it: the fixes
    become entries of the book's dictionary (variants.zh-Hant.dictionary in book.yaml).
    """
    from bookmaker.load import load_book
    from bookmaker.variants import make_converter
    from bookmaker.variants.report import as_markdown, as_tsv
    from bookmaker.variants.report import report as variant_report

    with outcome(None):
        book = load_book(book_dir)
        converter = make_converter(book, book_dir, variant)
        if annotations:
            apply_report(book_dir, book, variant, annotations)
            return
        found = variant_report(book, converter)
    if form == "tsv":
        click.echo(as_tsv(found, every), nl=False)
    elif form == "md":
        click.echo(as_markdown(found, every), nl=False)
    else:
        print_variant_report(found, every)


def apply_report(book_dir: Path, book: Book, variant: str, annotations: Path) -> None:
    from bookmaker.variants import variant_config
    from bookmaker.variants.dictionary import load_dictionary
    from bookmaker.variants.report import apply_annotations

    config = variant_config(book.meta, variant)
    if not config.dictionary:
        raise error("V004", "the book has no conversion dictionary to add the fixes to",
                    "book.yaml", hint=f"add variants: {{{variant}: {{dictionary: {variant}.txt}}}}")
    path = book_dir / config.dictionary
    existing = load_dictionary(book_dir, config.dictionary, "book.yaml") if path.exists() else {}
    added, skipped = apply_annotations(annotations, path, existing)
    for line in added:
        click.echo(f"{config.dictionary}: + {line}")
    for word in skipped:
        err.print(f"{word}: already in {config.dictionary}, kept as it is")
    err.print(f"{len(added)} entries added to {config.dictionary}")


def print_variant_report(found: VariantReport, every: bool) -> None:
    out = Console(highlight=False, soft_wrap=True)
    groups = found.groups(every)
    for pair, choices in groups:
        first = choices[0]
        out.print(f"[bold]{pair}[/bold] ×{len(choices)}  risk {first.risk:.2f}  "
                  f"({'|'.join(first.candidates)})")
        for choice in choices:
            out.print(f"  {choice.location}  {choice.context}  [dim]{choice.decided}[/dim]")
    by_word = found.by_word()
    if by_word:
        out.print("[bold]Decided by a word, or seldom wrong[/bold] (not listed one by one):")
        for pair, n, words in by_word:
            shown = "、".join(f"{w} ×{c}" for w, c in words.most_common(4))
            out.print(f"  {pair} ×{n}: {shown}")
    if found.substitutions:
        out.print("[bold]Phrase substitutions[/bold] (the edition's vocabulary, s2twp):")
        counts = Counter((s.source, s.converted) for s in found.substitutions)
        for (source, converted), n in counts.most_common():
            out.print(f"  {source} → {converted} ×{n}")
    listed = sum(len(c) for _, c in groups)
    err.print(f"{listed} choices to review in {len(groups)} groups; "
              f"{sum(n for _, n, _ in by_word)} decided by a word or seldom wrong; "
              f"{len(found.substitutions)} phrase substitutions")


_signalled: list[int] = []  # the signals received, so that an interruption is told from a bug


def _interrupt(signum: int, frame: object) -> None:
    """Ctrl-C and SIGTERM end a build alike: temporary files removed, outputs untouched."""
    _signalled.append(signum)
    raise KeyboardInterrupt


def main() -> None:
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        cli()
    except SystemExit as leaving:
        # Ended as ``sys.exit`` would, but without the interpreter's teardown: freeing every
        # module and object a build loaded took 0.1-0.15 s after its last line, a tenth of an
        # EPUB build (as mypy's ``hard_exit``). Only when nothing is left that the normal exit
        # would wait for or end, and the output is out; otherwise the normal way. The
        # exception is not handed to a function that raises it again: its traceback would then
        # hold it in a cycle, and what its frames hold (a standby's pipe, which ends the
        # standby when closed) would outlive the normal exit's wait for the standby.
        code = 0 if leaving.code is None else leaving.code
        if isinstance(code, int) and _nothing_left_running() and _output_flushed():
            os._exit(code)
        raise


def _nothing_left_running() -> bool:
    """No child process and no other thread: nothing the normal exit would wait for."""
    return not multiprocessing.active_children() and threading.active_count() == 1


def _output_flushed() -> bool:
    """The logs closed and standard output and error written out, as the normal exit does;
    False when a pipe was closed (the normal exit reports it)."""
    logging.shutdown()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:
        return False
    return True


# The editor's commands (lint, import, new, serve) live in their own module.
from bookmaker.cli_editor import COMMANDS as EDITOR_COMMANDS  # noqa: E402

for _command in EDITOR_COMMANDS:
    cli.add_command(_command)
