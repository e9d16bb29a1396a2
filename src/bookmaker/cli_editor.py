"""The editor's commands: ``lint``, ``import``, ``new`` and ``serve``.

Registered on the command line group in ``cli.py``; like it, the only code of these tools that
prints or chooses exit codes. Exit codes as for ``build``: 0 done, 1 the lint found an error,
2 the source (or an input file) has a problem.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click

from bookmaker.cli import BOOK_DIR, EXIT_BAD_SOURCE, EXIT_INVALID_OUTPUT, err, outcome, report
from bookmaker.diagnostics import Severity

# Each command imports what it uses: registering these commands must not load the builder, so
# that `bookmaker build` with nothing changed is over in a fraction of a second.


def codes(values: tuple[str, ...]) -> list[str]:
    """``--select PN,SP001 --select AR`` -> ['PN', 'SP001', 'AR']"""
    return [code.strip().upper() for value in values for code in value.split(",") if code.strip()]


@click.command("lint")
@BOOK_DIR
@click.option("--select", multiple=True, metavar="CODES",
              help="Only these rules: codes or prefixes, comma-separated (PN,SP001). "
                   "Replaces lint.select of book.yaml.")
@click.option("--ignore", multiple=True, metavar="CODES",
              help="Not these rules (codes or prefixes); added to lint.ignore of book.yaml.")
@click.option("--diff", "show_diff", is_flag=True,
              help="Print the safe fixes as a unified diff; change nothing.")
@click.option("--fix", is_flag=True,
              help="Apply the safe fixes to the chapter files (the only bookmaker command "
                   "that writes into a book), then report what is left.")
@click.option("--rules", "list_rules", is_flag=True, help="List the rules and exit.")
def lint_command(book_dir: Path, select: tuple[str, ...], ignore: tuple[str, ...],
                 show_diff: bool, fix: bool, list_rules: bool) -> None:
    """Check the Chinese text of BOOK_DIR (default: ./source): punctuation (GB/T 15834),
    spacing, print and OCR artifacts, structure and print data.

    One line per finding: FILE:LINE:COLUMN: SEVERITY CODE: message — hint. Exit code 1 when
    a finding is an error, 2 when the book does not load. docs/lint-rules.md lists the rules;
    book.yaml may configure them (lint: select, ignore, han_latin_space, confusions).

    \b
    Examples:
      bookmaker lint source                  every rule
      bookmaker lint source --select PN,SP   punctuation and spacing only
      bookmaker lint source --diff           what --fix would change
    """
    from bookmaker.lint import fixed_files, lint_book, rules
    from bookmaker.outputs import write_atomically

    if list_rules:
        for rule in rules().values():
            fixable = " [fix]" if rule.fix else ""
            click.echo(f"{rule.code}  {rule.severity.value:7}  {rule.summary}{fixable}")
        return
    with outcome(None):
        found = lint_book(book_dir, codes(select), codes(ignore))
        if show_diff or fix:
            for changed in fixed_files(book_dir, found):
                if show_diff:
                    click.echo(changed.diff(), nl=False)
                if fix:
                    write_atomically(book_dir / changed.path, changed.after.encode("utf-8"))
                    err.print(f"fixed {changed.fixed} in {changed.path}", highlight=False)
            if fix:
                found = lint_book(book_dir, codes(select), codes(ignore))
    report([f.diagnostic for f in found])
    errors = sum(f.diagnostic.severity is Severity.ERROR for f in found)
    fixable = sum(bool(f.fix and rules()[f.code].fix) for f in found)
    err.print(f"{errors} errors, {len(found) - errors} warnings"
              + (f" ({fixable} fixable with --fix)" if fixable and not fix else ""),
              highlight=False)
    if errors:
        sys.exit(EXIT_INVALID_OUTPUT)


@click.command("new")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", default="书名", show_default=True, help="The book's title.")
def new_command(directory: Path, title: str) -> None:
    """Start a book in DIRECTORY: book.yaml with comments and two chapters, which build and
    lint clean at once. DIRECTORY must be new or empty.

    \b
    Example:
      bookmaker new mybook && bookmaker build mybook --out dist
    """
    from bookmaker.scaffold import new_book

    with outcome(None):
        written = new_book(directory, title)
    for path in written:
        click.echo(f"wrote {path}")


@click.command("import")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("--into", "into", required=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="The book directory to create (new or empty).")
@click.option("--title", help="The book's title, when the input does not say it.")
def import_command(files: tuple[Path, ...], into: Path, title: str | None) -> None:
    """Make a book of FILES: Word files (.docx) or text extracted from print (.txt).

    Chapters, headings, footnotes, lists, tables and images are kept; extracted text is
    repaired (page-break gaps joined, a character repeated across a break dropped, wrapped
    titles and padded names rejoined, half-width punctuation made full-width). Every change is
    in the book's CORRECTIONS.md with the input's line numbers; what is uncertain is left as it
    was, and `bookmaker lint` warns about it. The book builds at once.

    \b
    Example:
      bookmaker import scan.txt --into mybook && bookmaker lint mybook
    """
    from bookmaker.importer import import_files

    with outcome(None):
        written = import_files(list(files), into, title)
    for path in written:
        click.echo(f"wrote {path}")


@click.command("serve")
@BOOK_DIR
@click.option("--port", default=8000, show_default=True,
              help="Port on 127.0.0.1 (0: any free port).")
def serve_command(book_dir: Path, port: int) -> None:
    """Preview BOOK_DIR in a browser: its pages with the EPUB's or the print stylesheets,
    reloaded whenever a file of the book changes, with the current diagnostics on every page.

    Serves on 127.0.0.1 only; stop it with Ctrl-C.

    \b
    Example:
      bookmaker serve source --port 8000     then open http://127.0.0.1:8000/
    """
    from bookmaker.preview import make_server, serve

    with outcome(None):
        try:
            server, preview = make_server(book_dir, port)
        except OSError as exc:
            err.print(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}", style="red",
                      markup=False)
            sys.exit(EXIT_BAD_SOURCE)
    host, bound = server.server_address[:2]
    click.echo(f"serving {book_dir} at http://{host}:{bound}/ (Ctrl-C stops)", color=False)
    sys.stdout.flush()
    with contextlib.suppress(KeyboardInterrupt):
        serve(server, preview)


COMMANDS = [lint_command, new_command, import_command, serve_command]
