"""The command line: the only module that prints or chooses exit codes.

Exit codes: 0 done; 1 the outputs failed validation; 2 the source has a problem to fix (one line
per problem: file, line, what is wrong, what to do).
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import click
from rich.console import Console

from bookmaker import __version__
from bookmaker.build import ALL_FORMATS, FORMATS, build
from bookmaker.diagnostics import BookError, Diagnostic, Severity
from bookmaker.epubcheck import EpubCheckUnavailable, run_epubcheck
from bookmaker.load import load_book
from bookmaker.pdf import PROFILES
from bookmaker.variants import VARIANTS, make_converter
from bookmaker.variants.report import choices

EXIT_INVALID_OUTPUT = 1
EXIT_BAD_SOURCE = 2

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
        err.print(str(d), style=style, markup=False, highlight=False)


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
      bookmaker check source              validate the source, then run EPUBCheck on the EPUB
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
def build_command(book_dir: Path, out_dir: Path, formats: tuple[str, ...],
                  profiles: tuple[str, ...], variants: tuple[str, ...], vertical: bool) -> None:
    """Build the outputs of BOOK_DIR (default: ./source) into --out.

    The source is validated first; a problem stops the build with exit code 2 and one line
    naming the file, the line and the fix. Outputs are replaced only when complete. Set
    SOURCE_DATE_EPOCH to fix the timestamps inside the outputs (builds are byte-reproducible).
    """
    result = run_build(book_dir, out_dir, formats or FORMATS, profiles or PROFILES,
                       editions(variants), vertical)
    for path in result:
        click.echo(f"wrote {path}")


def run_build(book_dir: Path, out_dir: Path, formats: tuple[str, ...],
              profiles: tuple[str, ...] = PROFILES,
              variants: tuple[str | None, ...] = (None,), vertical: bool = False) -> list[Path]:
    with err.status("building…") as status:
        try:
            result = build(book_dir, out_dir, formats,
                           stage=lambda name: status.update(f"building: {name}…"),
                           profiles=profiles, variants=variants, vertical=vertical)
        except BookError as exc:
            status.stop()
            report(exc.diagnostics)
            sys.exit(EXIT_BAD_SOURCE)
    report(result.diagnostics)
    return result.outputs


@cli.command("check")
@BOOK_DIR
@OUT_DIR
@VARIANT
def check_command(book_dir: Path, out_dir: Path, variants: tuple[str, ...]) -> None:
    """Validate BOOK_DIR, build its EPUBs, and run EPUBCheck on each.

    Exit code 0 when EPUBCheck reports no error and no warning, 1 when it reports any,
    2 when the source itself has a problem. Needs Java for EPUBCheck.
    """
    outputs = run_build(book_dir, out_dir, ("epub",), variants=editions(variants))
    found: list[Diagnostic] = []
    for path in outputs:
        try:
            with err.status(f"EPUBCheck: {path.name}…"):
                found += run_epubcheck(path)
        except EpubCheckUnavailable as exc:
            err.print(f"cannot run EPUBCheck: {exc}", style="red", markup=False)
            sys.exit(EXIT_INVALID_OUTPUT)
    report(found)
    if found:
        sys.exit(EXIT_INVALID_OUTPUT)
    click.echo(f"EPUBCheck: {len(outputs)} EPUB(s), 0 errors, 0 warnings")


@cli.group("variants")
def variants_group() -> None:
    """The Traditional-Chinese edition: review what the conversion chose."""


@variants_group.command("report")
@BOOK_DIR
@click.option("--variant", type=click.Choice(VARIANTS), default="zh-Hant", show_default=True)
@click.option("--all", "every", is_flag=True,
              help="List every character with more than one Traditional form, not only the "
                   "often ambiguous ones (发 干 后 里 系 只 台 面 余 于 历 复 钟 制 云 …).")
def variants_report(book_dir: Path, variant: str, every: bool) -> None:
    """List each place where a character with several Traditional forms was converted.

    One line each: file and line, the character, the form chosen, the candidates, and the
    converted text around it. Where OpenCC chose wrong, add the word to the book's dictionary
    (variants.zh-Hant.dictionary in book.yaml) and run the report again.
    """
    try:
        book = load_book(book_dir)
        found = choices(book, make_converter(book, book_dir, variant), every)
    except BookError as exc:
        report(exc.diagnostics)
        sys.exit(EXIT_BAD_SOURCE)
    for choice in found:
        click.echo(str(choice))
    counts = Counter(f"{c.source}→{c.chosen}" for c in found)
    summary = "  ".join(f"{pair} ×{n}" for pair, n in counts.most_common())
    click.echo(f"{len(found)} conversions to review: {summary}", err=True)


def main() -> None:
    cli()
