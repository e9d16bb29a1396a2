"""``bookmaker lint``: Chinese text checks with stable rule codes (docs/lint-rules.md).

The book is loaded as for a build (a source problem stops the lint as it stops a build); then
each chapter's prose is read with the place of every character, and the selected rules run on
it and on the book's data. Rule families: ``punctuation``, ``spacing``, ``artifacts`` (print and
OCR), ``structure`` (numbering, empty chapters, ISBN, CIP, print data).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bookmaker.bookfiles import read_text, resolve_inside
from bookmaker.diagnostics import error
from bookmaker.lint import artifacts, punctuation, spacing, structure  # noqa: F401 (registers)
from bookmaker.lint.artifacts import confusion_sets
from bookmaker.lint.registry import (
    BOOK_CHECKS,
    TEXT_CHECKS,
    Context,
    Finding,
    rules,
    run_checks,
    selected,
)
from bookmaker.lint.text import SourceText, markdown_blocks
from bookmaker.load import load_book
from bookmaker.load.book import BOOK_FILE, FRONT_MATTER
from bookmaker.load.yamldoc import YamlDoc

__all__ = ["Finding", "FixedFile", "fixed_files", "lint_book", "lint_text", "rules"]


def chapter_text(book_dir: Path, relative: str, excerpt: bool = False) -> SourceText:
    """A chapter's prose blocks, the front matter left out."""
    text = read_text(book_dir, relative)
    match = FRONT_MATTER.match(text)
    body, first_line = (text[match.end():], match.group(0).count("\n") + 1) if match else (
        text, 1)
    return SourceText(relative, markdown_blocks(body, first_line), excerpt)


def lint_text(source: SourceText, context: Context, codes: Iterable[str]) -> list[Finding]:
    return list(run_checks(TEXT_CHECKS, list(codes), source, context))


def lint_book(book_dir: Path, select: Iterable[str] = (),
              ignore: Iterable[str] = ()) -> list[Finding]:
    """Every finding of the selected rules in the book, in reading order. ``select`` (rule
    codes or prefixes) replaces the book's ``lint.select``; ``ignore`` adds to ``lint.ignore``.
    Raises ``BookError`` when the book does not load."""
    book = load_book(book_dir)
    config = book.meta.lint
    codes = selected(rules(), tuple(select) or config.select, (*config.ignore, *ignore))
    yaml_lines = YamlDoc(read_text(book_dir, BOOK_FILE), BOOK_FILE).lines
    extra: tuple[str, ...] = ()
    if config.confusions:
        line = yaml_lines.get(("lint", "confusions"))
        if not resolve_inside(book_dir, config.confusions, BOOK_FILE, line).is_file():
            raise error("S004", f"the confusion file '{config.confusions}' does not exist",
                        BOOK_FILE, line, "create it or correct lint.confusions")
        extra = confusion_sets(read_text(book_dir, config.confusions))
    context = Context(config, book.meta.language, extra, yaml_lines)
    found: list[Finding] = []
    for chapter in book.chapters:
        source = chapter_text(book_dir, chapter.source, chapter.meta.excerpt)
        found += sorted(lint_text(source, context, codes), key=place)
    found += sorted(run_checks(BOOK_CHECKS, codes, book, context), key=place)
    return found


def place(found: Finding) -> tuple[int, int]:
    location = found.diagnostic.location
    return (location.line or 0, location.column or 0) if location else (0, 0)


@dataclass(frozen=True)
class FixedFile:
    path: str
    before: str
    after: str
    fixed: int  # how many fixes were applied

    def diff(self) -> str:
        lines = difflib.unified_diff(self.before.splitlines(), self.after.splitlines(),
                                     f"a/{self.path}", f"b/{self.path}", lineterm="")
        return "".join(f"{line}\n" for line in lines)


def fixed_files(book_dir: Path, findings: Iterable[Finding]) -> list[FixedFile]:
    """The files as the safe fixes among ``findings`` leave them (nothing is written).
    Overlapping fixes: the first on a line wins; run lint again for the rest."""
    by_path: dict[str, list[Finding]] = {}
    for found in findings:
        if found.fix and rules()[found.code].fix and found.diagnostic.location:
            by_path.setdefault(found.diagnostic.location.path, []).append(found)
    result = []
    for path, items in by_path.items():
        before = read_text(book_dir, path)
        lines = before.split("\n")
        applied = 0
        taken: dict[int, int] = {}  # line -> the lowest column already changed
        for found in sorted(items, key=lambda f: (f.fix.line, f.fix.column), reverse=True):
            fix = found.fix
            assert fix is not None
            index, start = fix.line - 1, fix.column - 1
            if start + fix.length > taken.get(index, len(lines[index]) + 1):
                continue
            text = lines[index]
            lines[index] = text[:start] + fix.replacement + text[start + fix.length:]
            taken[index] = start
            applied += 1
        result.append(FixedFile(path, before, "\n".join(lines), applied))
    return result
