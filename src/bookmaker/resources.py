"""Where the project's design lives: ``styles/`` and ``fonts/`` at the top of the checkout.

A book directory may bring its own ``styles/`` (searched first). Fonts are chosen per script in
``fonts/fonts.toml``; the build never falls back to fonts installed on the system.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path


def project_root() -> Path:
    """The checkout bookmaker runs from (``BOOKMAKER_HOME`` overrides)."""
    override = os.environ.get("BOOKMAKER_HOME")
    return Path(override) if override else Path(__file__).resolve().parents[2]


def styles_dirs(book_dir: Path) -> list[Path]:
    return [book_dir / "styles", project_root() / "styles"]


def fonts_dir() -> Path:
    return project_root() / "fonts"


@dataclass(frozen=True)
class FontFace:
    """One embedded face: the family name the stylesheets use, its weight, its file."""

    family: str
    weight: int
    file: str

    @property
    def path(self) -> Path:
        return fonts_dir() / self.file


def font_faces(script: str) -> list[FontFace]:
    """The faces for a script ('Hans' or 'Hant'), as ``fonts/fonts.toml`` lists them."""
    with (fonts_dir() / "fonts.toml").open("rb") as f:
        table = tomllib.load(f)
    return [FontFace(**face) for face in table["faces"][script]]
