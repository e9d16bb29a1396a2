"""Where bookmaker's own design lives: package data under ``bookmaker/data/``.

``data/styles/`` holds the stylesheets and ``data/fonts/`` the pre-subset CJK fonts with
``fonts.toml``, which says which file serves which family per script. Both ship inside the
wheel and are read through ``importlib.resources``, so an installed bookmaker needs no
checkout. A book directory may bring its own ``styles/`` (searched first).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path


def data_dir() -> Path:
    """The package's data folder. bookmaker is installed as files (a wheel or a checkout),
    never zipped, so the resource is a real folder that WeasyPrint can read by file URL."""
    return Path(str(files("bookmaker") / "data"))


def fonts_dir() -> Path:
    return data_dir() / "fonts"


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
    """The faces for a script ('Hans' or 'Hant'), as ``data/fonts/fonts.toml`` lists them."""
    with (fonts_dir() / "fonts.toml").open("rb") as f:
        table = tomllib.load(f)
    return [FontFace(**face) for face in table["faces"][script]]
