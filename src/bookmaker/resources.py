"""Where bookmaker's own design lives, and where fonts come from.

``data/styles/`` holds the stylesheets and ``data/fonts/`` the pre-subset CJK fonts with
``fonts.toml``, which says which file serves which family per script, which family a role of
``book.yaml``'s ``fonts:`` stands for, and which installed families fill in what the bundled
faces lack. Both ship inside the wheel and are read through ``importlib.resources``, so an
installed bookmaker needs no checkout. A book directory may bring its own ``styles/``
(searched first) and its own fonts.

Installed fonts are found through fontconfig (its library, the way Pango and WeasyPrint find
them).
"""

from __future__ import annotations

import ctypes
import os
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

Origin = Literal["book", "bundled", "system"]


def data_dir() -> Path:
    """The package's data folder. bookmaker is installed as files (a wheel or a checkout),
    never zipped, so the resource is a real folder that WeasyPrint can read by file URL."""
    return Path(str(files("bookmaker") / "data"))


def fonts_dir() -> Path:
    return data_dir() / "fonts"


@dataclass(frozen=True)
class FontFace:
    """One face a stylesheet family can draw with: the family the stylesheets name ("Book
    Serif"), its weight, its file (and the face inside a collection such as a ``.ttc``), and
    where it was found: the book's own fonts, the bundled subsets, or the installed fonts."""

    family: str
    weight: int
    path: Path
    index: int = 0
    origin: Origin = "bundled"
    name: str = ""  # for reports: the book's file, or the installed family

    @property
    def file(self) -> str:
        """Its name in an EPUB (``fonts/<file>``), without the suffix the subset's format
        decides for a face of the book or the machine."""
        if self.origin == "bundled":
            return self.path.name
        stem = re.sub(r"[^A-Za-z0-9-]+", "", self.path.stem) or "font"
        index = f"-{self.index}" if self.index else ""
        return f"{self.origin}-{stem}{index}-{self.weight}"

    @property
    def label(self) -> str:
        return self.name or self.path.name

    @property
    def in_collection(self) -> bool:
        return self.path.suffix.lower() in (".ttc", ".otc")


@cache
def _fonts_table() -> dict[str, Any]:
    with (fonts_dir() / "fonts.toml").open("rb") as f:
        return tomllib.load(f)


def font_faces(script: str) -> list[FontFace]:
    """The bundled faces for a script ('Hans' or 'Hant'), as ``fonts.toml`` lists them."""
    return [FontFace(face["family"], face["weight"], fonts_dir() / face["file"],
                     name=face["file"])
            for face in _fonts_table()["faces"][script]]


def role_families() -> dict[str, str]:
    """The role a book names in ``fonts:`` (body, heading) -> the family the styles use."""
    return dict(_fonts_table()["roles"])


def system_families(script: str) -> dict[str, str]:
    """Stylesheet family -> the installed family tried for what the bundled faces lack."""
    return dict(_fonts_table()["system"][script])


@dataclass(frozen=True)
class InstalledFace:
    family: str
    weight: int  # CSS weight
    path: Path
    index: int


# fontconfig's weight scale -> CSS (FcWeightToOpenType's table, at its named points)
_FC_WEIGHTS = ((0, 100), (40, 200), (50, 300), (75, 350), (80, 400), (100, 500), (180, 600),
               (200, 700), (205, 800), (210, 900), (215, 950))


def _css_weight(fc_weight: float) -> int:
    return min(_FC_WEIGHTS, key=lambda pair: abs(pair[0] - fc_weight))[1]


@cache
def installed_faces(family: str) -> tuple[InstalledFace, ...]:
    """The installed faces of ``family`` (exactly that family name), as fontconfig lists them
    — the library Pango and WeasyPrint find fonts with; none without it."""
    listed = [face for face in _fontconfig_list(family)
              if family.casefold() in (f.casefold() for f in face.families)]
    # upright and of normal width when the family has such faces: the book's text is
    upright = [face for face in listed if face.slant == 0 and face.width == 100] or listed
    found = {InstalledFace(family, _css_weight(face.weight), Path(face.file), face.index)
             for face in upright}
    return tuple(sorted(found, key=lambda f: (f.weight, str(f.path), f.index)))


@dataclass(frozen=True)
class _Listed:
    families: tuple[str, ...]
    weight: float  # fontconfig's scale
    slant: int  # 0 roman, 100 italic, 110 oblique
    width: int  # 100 normal
    index: int
    file: str


class _FcFontSet(ctypes.Structure):
    _fields_ = [("nfont", ctypes.c_int), ("sfont", ctypes.c_int),
                ("fonts", ctypes.POINTER(ctypes.c_void_p))]


def _fontconfig_list(family: str) -> list[_Listed]:
    """fontconfig's FcFontList for a family: each face's family names, weight, slant, width,
    index in its file, and file. Called through ctypes: no program is started."""
    try:
        fc = ctypes.CDLL("libfontconfig.so.1")
    except OSError:
        return []
    fc.FcInitLoadConfigAndFonts.restype = ctypes.c_void_p
    fc.FcPatternCreate.restype = ctypes.c_void_p
    fc.FcObjectSetCreate.restype = ctypes.c_void_p
    fc.FcFontList.restype = ctypes.POINTER(_FcFontSet)
    fc.FcFontList.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    for name in ("FcPatternAddString", "FcObjectSetAdd"):
        getattr(fc, name).argtypes = [ctypes.c_void_p, *([ctypes.c_char_p] * (
            2 if name == "FcPatternAddString" else 1))]
    for name in ("FcPatternGetString", "FcPatternGetInteger", "FcPatternGetDouble"):
        getattr(fc, name).argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int,
                                      ctypes.c_void_p]
    for name in ("FcPatternDestroy", "FcObjectSetDestroy", "FcConfigDestroy"):
        getattr(fc, name).argtypes = [ctypes.c_void_p]
    fc.FcFontSetDestroy.argtypes = [ctypes.POINTER(_FcFontSet)]

    config = fc.FcInitLoadConfigAndFonts()
    pattern = fc.FcPatternCreate()
    fc.FcPatternAddString(pattern, b"family", family.encode())
    objects = fc.FcObjectSetCreate()
    for name in (b"family", b"weight", b"slant", b"width", b"index", b"file"):
        fc.FcObjectSetAdd(objects, name)
    fonts = fc.FcFontList(config, pattern, objects)
    faces = []
    try:
        for i in range(fonts.contents.nfont if fonts else 0):
            face = fonts.contents.fonts[i]
            text, number, real = ctypes.c_char_p(), ctypes.c_int(), ctypes.c_double()
            names = []
            while fc.FcPatternGetString(face, b"family", len(names), ctypes.byref(text)) == 0:
                names.append(text.value.decode("utf-8", "replace"))
            if fc.FcPatternGetInteger(face, b"weight", 0, ctypes.byref(number)) == 0:
                weight = float(number.value)
            elif fc.FcPatternGetDouble(face, b"weight", 0, ctypes.byref(real)) == 0:
                weight = real.value
            else:
                continue  # a variable font gives a range: not a face bookmaker picks
            integers = {}
            for name, default in ((b"slant", 0), (b"width", 100), (b"index", 0)):
                found = fc.FcPatternGetInteger(face, name, 0, ctypes.byref(number)) == 0
                integers[name.decode()] = number.value if found else default
            if fc.FcPatternGetString(face, b"file", 0, ctypes.byref(text)) == 0:
                faces.append(_Listed(tuple(names), weight, file=os.fsdecode(text.value),
                                     **integers))
    finally:
        if fonts:
            fc.FcFontSetDestroy(fonts)
        fc.FcObjectSetDestroy(objects)
        fc.FcPatternDestroy(pattern)
        fc.FcConfigDestroy(config)
    return faces


def installed_face(family: str, weight: int) -> InstalledFace | None:
    """The installed face of ``family`` nearest to ``weight``, if the family is installed."""
    faces = installed_faces(family)
    return min(faces, key=lambda f: abs(f.weight - weight)) if faces else None


def system_faces(script: str) -> list[FontFace]:
    """The installed faces that fill in, per bundled family and weight, what the bundled
    faces lack (``fonts.toml`` [system]); those not installed are left out."""
    faces = []
    for bundled in font_faces(script):
        family = system_families(script).get(bundled.family)
        found = installed_face(family, bundled.weight) if family else None
        if found is not None:
            faces.append(FontFace(bundled.family, bundled.weight, found.path, found.index,
                                  "system", f"{family} {found.weight}"))
    return faces
