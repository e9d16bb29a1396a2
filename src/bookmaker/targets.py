"""What a build can be asked for — formats, PDF profiles, editions — and the outputs that makes.

Kept apart and light to import: the command line reads it (its choices, the build cache's
check) before anything heavy is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bookmaker.diagnostics import Diagnostic

FORMATS = ("epub", "pdf")  # what a build makes unless told
ALL_FORMATS = (*FORMATS, "cover")  # the printed cover spread only on request
PROFILES = ("screen", "press")  # the PDF profiles
VARIANTS = ("zh-Hant",)  # the editions converted from the source
PDF_SUFFIX = {"screen": ".pdf", "press": ".press.pdf"}
COVER_SUFFIX = ".cover.pdf"

EPUB, VERTICAL_EPUB, COVER = "epub", "epub (vertical)", "cover"


def pdf_output(profile: str) -> str:
    return f"pdf ({profile})"


@dataclass(frozen=True)
class Target:
    """One output of one edition: what the build cache keys, and what a build can skip."""

    variant: str | None  # None: the source's own script; else a name from VARIANTS
    output: str  # EPUB, VERTICAL_EPUB, pdf_output(profile) or COVER
    pages_from: str = ""  # an EPUB's page-list follows this PDF profile's pages ("": none)


def targets(formats: tuple[str, ...], profiles: tuple[str, ...],
            variants: tuple[str | None, ...], vertical: bool) -> list[Target]:
    """The outputs a build is asked for, in the order it makes them: the PDFs first, whose
    pages an EPUB built with them lists. A vertical EPUB is asked of every edition; only a
    Traditional one makes it."""
    pages_from = profiles[0] if "pdf" in formats and profiles else ""  # built together
    epubs = [EPUB, *([VERTICAL_EPUB] if vertical else [])] if "epub" in formats else []
    return [target for variant in dict.fromkeys(variants) for target in [
        *(Target(variant, pdf_output(p)) for p in profiles if "pdf" in formats),
        *(Target(variant, epub, pages_from) for epub in epubs),
        *([Target(variant, COVER)] if "cover" in formats else []),
    ]]


@dataclass(frozen=True)
class BuildResult:
    outputs: list[Path] = field(default_factory=list)  # written by this build
    diagnostics: list[Diagnostic] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)  # already in --out, as they would be

    def __post_init__(self) -> None:
        # a diagnostic that several outputs report (each PDF's P003) is kept once
        object.__setattr__(self, "diagnostics", list(dict.fromkeys(self.diagnostics)))

    def __add__(self, other: BuildResult) -> BuildResult:
        return BuildResult(self.outputs + other.outputs, self.diagnostics + other.diagnostics,
                           self.unchanged + other.unchanged)
