"""Diagnostics as values: every user-fixable problem is a Diagnostic with a code and a location.

Library code never prints or exits. It collects diagnostics, and raises ``BookError`` carrying
them when the build cannot go on; only ``cli`` turns them into lines and exit codes.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"  # worth knowing, nothing to fix (e.g. which characters a fallback font drew)


@dataclass(frozen=True, slots=True)
class Location:
    """A place in the book source: a path relative to the book directory, a 1-based line and,
    where a check knows it, a 1-based column (``bookmaker lint``)."""

    path: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        if not self.line:
            return self.path
        column = f":{self.column}" if self.column else ""
        return f"{self.path}:{self.line}{column}"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    message: str
    location: Location | None = None
    hint: str = ""
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        hint = f" — {self.hint}" if self.hint else ""
        return f"{where}{self.severity.value} {self.code}: {self.message}{hint}"


class BookError(Exception):
    """The source cannot be built; carries the diagnostics that say why."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))

    def __reduce__(self) -> tuple[type[BookError], tuple[tuple[Diagnostic, ...]]]:
        """Pickled with its diagnostics: an edition built in another process raises it."""
        return (BookError, (self.diagnostics,))


def error(code: str, message: str, path: str | Path, line: int | None = None,
          hint: str = "") -> BookError:
    """Shorthand for the common case: one error at one place."""
    return BookError([Diagnostic(code, message, Location(str(path), line), hint)])


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""
