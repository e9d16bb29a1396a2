"""Rules as data (``rules.toml``), their checks, and what a check finds.

A check is a function registered for one or more rule codes. A text check reads one file's
prose (``SourceText``); a book check reads the loaded ``Book``. Each yields ``Finding``s: a
``Diagnostic`` (code, message, place, hint, severity from the rule's data) and, where the rule
has a safe fix, the replacement of a span of one source line.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import TypeVar

from bookmaker.diagnostics import Diagnostic, Location, Severity
from bookmaker.lint.text import SourceText, TextBlock
from bookmaker.model import Book, LintConfig


@dataclass(frozen=True)
class Rule:
    code: str
    family: str
    severity: Severity
    summary: str
    hint: str
    fix: bool


@cache
def rules() -> dict[str, Rule]:
    data = tomllib.loads((files("bookmaker.lint") / "rules.toml").read_text(encoding="utf-8"))
    return {code: Rule(code=code, family=entry["family"], severity=Severity(entry["severity"]),
                       summary=entry["summary"], hint=entry["hint"], fix=entry["fix"])
            for code, entry in data.items()}


@dataclass(frozen=True)
class Fix:
    """Replace ``length`` characters at ``line``:``column`` (1-based) of a file."""

    line: int
    column: int
    length: int
    replacement: str


@dataclass(frozen=True)
class Finding:
    diagnostic: Diagnostic
    fix: Fix | None = None
    # The check is sure of the replacement (an import applies it), though the rule's fix may
    # not be safe in general (an OCR confusion: certain only where the text is unambiguous).
    certain: bool = False

    @property
    def code(self) -> str:
        return self.diagnostic.code

    @property
    def line(self) -> int | None:
        return self.diagnostic.location.line if self.diagnostic.location else None


@dataclass(frozen=True)
class Context:
    """What checks may know beyond the text: the book's lint configuration and language, and
    the book directory's extra confusion sets."""

    config: LintConfig = field(default_factory=LintConfig)
    language: str = "zh-Hans"
    confusions: tuple[str, ...] = ()  # the book's own confusion sets
    yaml_lines: dict[tuple[str | int, ...], int] = field(default_factory=dict)  # of book.yaml


def finding(code: str, path: str, line: int | None, column: int | None, message: str,
            fix: Fix | None = None, certain: bool = False) -> Finding:
    rule = rules()[code]
    diagnostic = Diagnostic(code, message, Location(path, line, column), rule.hint, rule.severity)
    return Finding(diagnostic, fix, certain)


def span_fix(block: TextBlock, start: int, end: int, replacement: str) -> Fix | None:
    """The fix replacing characters ``start:end`` of ``block.text``, when they stand together
    on one source line (no markup between them); else None, and the finding is only reported."""
    if end <= start:
        line, column = block.place(start)
        return Fix(line, column, 0, replacement)
    first_line, first = block.place(start)
    last_line, last = block.place(end - 1)
    if first_line != last_line or last - first != end - 1 - start:
        return None
    return Fix(first_line, first, end - start, replacement)


def at(code: str, source: SourceText, block: TextBlock, index: int, message: str,
       fix: Fix | None = None, certain: bool = False) -> Finding:
    """A finding at character ``index`` of ``block``."""
    line, column = block.place(index)
    return finding(code, source.path, line, column, message, fix, certain)


TextCheck = Callable[[SourceText, Context], Iterable[Finding]]
BookCheck = Callable[[Book, Context], Iterable[Finding]]
C = TypeVar("C")
TEXT_CHECKS: dict[str, TextCheck] = {}
BOOK_CHECKS: dict[str, BookCheck] = {}


def _registrar(table: dict[str, C]) -> Callable[..., Callable[[C], C]]:
    """A decorator that files a check under each of its rule codes in ``table``."""
    def for_codes(*codes: str) -> Callable[[C], C]:
        def register(check: C) -> C:
            for code in codes:
                assert code in rules(), f"{code} is not in rules.toml"
                table[code] = check
            return check
        return register
    return for_codes


text_check = _registrar(TEXT_CHECKS)  # @text_check("PN001"): a check over each source text
book_check = _registrar(BOOK_CHECKS)  # @book_check("ST001"): a check over the loaded book


def selected(codes: Iterable[str], select: Iterable[str], ignore: Iterable[str]) -> list[str]:
    """The codes chosen by ``select`` (codes or prefixes; none: all) less ``ignore``."""
    select, ignore = tuple(select), tuple(ignore)
    return [c for c in codes
            if (not select or c.startswith(select)) and not (ignore and c.startswith(ignore))]


def run_checks(checks: dict[str, Callable[..., Iterable[Finding]]], codes: list[str],
               subject: object, context: Context) -> Iterator[Finding]:
    """Each check once (a check may serve several codes), keeping the findings of ``codes``."""
    done: set[int] = set()
    for code in codes:
        check = checks.get(code)
        if check is None or id(check) in done:
            continue
        done.add(id(check))
        yield from (f for f in check(subject, context) if f.code in codes)
