"""Fonts for an edition: which characters it uses, which face draws each, and subsets.

Each family the stylesheets name ("Book Serif", "Book Sans") is a list of tiers of faces: the
book's own fonts for its role, the bundled faces, the installed faces that fill in (see
``resources``). For text of a weight, a character is drawn by the first tier whose face of the
nearest weight has it; a face that draws nothing is not embedded. The tiers that draw get the
family names of the stylesheets' stacks in order — "Book Serif", then "Book Serif B" … — so
that reading systems and the PDF writer alike fall back from one to the next per character
(WeasyPrint keeps one font per family and weight, and fontconfig ranks a family's other weights
before the next family, so tiers may not share a family name). Subsets are made by
HarfBuzz (``uharfbuzz``, which carries its own copy: the bytes depend on the pinned version, not
on the machine's libraries) and cached under the build folder by the hash of the font file, the
face and the characters kept.
"""

from __future__ import annotations

import base64
import hashlib
import os
import tempfile
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import uharfbuzz as hb
from lxml import etree

from bookmaker.diagnostics import Diagnostic, Location, Severity
from bookmaker.model import Book
from bookmaker.resources import (
    FontFace,
    font_faces,
    installed_face,
    role_families,
    system_faces,
)

NOT_DRAWN = {"Cc", "Cf", "Cs"}
# Bumped when the subsetting options change, so that older cached subsets are not reused.
SUBSET_RECIPE = "3"
# What stylesheets generate without it being text (folios, note numbers, list markers): kept
# in the first face of a family when that face is subset for print.
GENERATED = "".join(map(chr, [*range(0x20, 0x7F), *range(0x2160, 0x2180), *range(0x2460, 0x24A0),
                              *range(0x3251, 0x3260), *range(0x32B1, 0x32C0)]))

# The names a family of the stylesheets has in their stacks, one per face that draws, in order
# ("Book Serif", "Book Serif B" …). Not numbers: Pango reads a trailing number as a size.
LEVEL_SUFFIXES = ("", " B", " C", " D")
NOTE_CHARS = 300  # the note lists this many of the characters a fallback face draws


@dataclass(frozen=True)
class EmbeddedFont:
    face: FontFace
    data: bytes

    @property
    def opentype(self) -> bool:
        """CFF outlines ('OTTO'), else TrueType."""
        return self.data[:4] == b"OTTO"

    @property
    def file(self) -> str:
        if self.face.origin == "bundled":
            return self.face.file
        return f"{self.face.file}{'.otf' if self.opentype else '.ttf'}"

    @property
    def media_type(self) -> str:
        return "font/otf" if self.opentype else "font/ttf"

    @property
    def css_format(self) -> str:
        return "opentype" if self.opentype else "truetype"


@dataclass(frozen=True)
class FaceUse:
    """A face and the characters it draws for an edition; ``level`` 0 for the first tier of
    its family that draws anything, 1 for the next …"""

    face: FontFace
    chars: str
    level: int

    @property
    def fallback(self) -> bool:
        return self.level > 0

    @property
    def css_family(self) -> str:
        """The family of the stylesheets' stacks this face answers to."""
        return self.face.family + LEVEL_SUFFIXES[self.level]

    @property
    def unicode_range(self) -> str:
        """A fallback face draws only its own characters (the subset has no others)."""
        return unicode_range(self.chars) if self.fallback else ""


@dataclass(frozen=True)
class FontPlan:
    """Which face draws which characters, and what no face has (character -> its source)."""

    uses: tuple[FaceUse, ...]
    missing: dict[str, Location]

    def fallback_chars(self) -> dict[str, list[str]]:
        """Characters drawn by a face after the first tier -> the faces' labels."""
        found: dict[str, list[str]] = {}
        for use in self.uses:
            if use.fallback:
                for char in use.chars:
                    found.setdefault(char, []).append(use.face.label)
        return found


@dataclass(frozen=True)
class CssFace:
    """An ``@font-face`` rule of fonts.css."""

    family: str
    weight: int
    src: str
    format: str
    unicode_range: str = ""


def epub_css_faces(fonts: list[EmbeddedFont], plan: FontPlan, base: str) -> list[CssFace]:
    """The rules for the subsets packaged in an EPUB, under ``base`` (e.g. ``../fonts/``)."""
    return [CssFace(use.css_family, font.face.weight, f"{base}{font.file}", font.css_format,
                    use.unicode_range)
            for font, use in zip(fonts, plan.uses, strict=True)]


def bundled_css_faces(script: str, base: str) -> list[CssFace]:
    """The rules for the bundled faces alone, whole, under ``base``: for the live preview, where
    the browser falls back to the machine's fonts for what they lack."""
    return [CssFace(face.family, face.weight, f"{base}{face.file}", "opentype")
            for face in font_faces(script)]


def print_css_faces(plan: FontPlan, book_dir: Path, bundled_base: str,
                    cache_dir: Path) -> list[CssFace]:
    """The rules for the print stage: a bundled face or a font file of the book whole (the
    PDF writer subsets what it draws), a face inside a collection as a subset of its
    characters, inline."""
    faces = []
    for use in plan.uses:
        face = use.face
        if face.origin == "bundled":
            src, fmt = f"{bundled_base}{face.file}", "opentype"
        elif face.origin == "book" and not face.in_collection:
            src = face.path.relative_to(book_dir).as_posix()
            with face.path.open("rb") as f:
                fmt = "opentype" if f.read(4) == b"OTTO" else "truetype"
        else:
            chars = use.chars if use.fallback else use.chars + GENERATED
            font = subset_face(face, chars, cache_dir)
            src, fmt = data_url(font), font.css_format
        faces.append(CssFace(use.css_family, face.weight, src, fmt, use.unicode_range))
    return faces


def text_of(xhtml: str) -> str:
    """All the text a reader may see in a document: its text and its alt, title, labels."""
    root = etree.fromstring(xhtml.encode("utf-8"))
    attributes = ("alt", "title", "aria-label")
    parts = list(root.itertext())
    parts += [el.get(a, "") for el in root.iter() if isinstance(el.tag, str) for a in attributes]
    return "".join(parts)


def characters_by_source(texts: Iterable[tuple[Location, str]]) -> dict[str, Location]:
    """Every character a font must draw (spaces too, which have widths), mapped to the first
    place it occurs in. Control, format and surrogate characters are not drawn; private use
    and unassigned ones are, and no font of bookmaker's has them: they are reported."""
    found: dict[str, Location] = {}
    for where, text in texts:
        for char in text:
            if char not in found and unicodedata.category(char) not in NOT_DRAWN:
                found[char] = where
    return found


@dataclass(frozen=True)
class Family:
    """A family of the stylesheets ("Book Serif") as tiers of faces, tried in order: one tier
    per font the book gives for the role (its first font of each weight, its second …), the
    bundled faces, the installed faces. Within a tier a weight is matched as CSS does."""

    name: str
    weights: tuple[int, ...]  # those the stylesheets ask for: the bundled faces' weights
    tiers: tuple[tuple[FontFace, ...], ...]

    def chain(self, weight: int) -> list[tuple[int, FontFace]]:
        """(tier, face) to try in order for text of ``weight``."""
        return [(t, face) for t, tier in enumerate(self.tiers)
                if (face := nearest_weight(tier, weight)) is not None]


def nearest_weight(faces: Iterable[FontFace], weight: int) -> FontFace | None:
    """The face CSS font matching picks for ``weight`` (CSS Fonts 4, font-weight)."""
    faces = list(faces)
    if not faces:
        return None
    if weight > 500:
        order = sorted(faces, key=lambda f: (f.weight < weight, abs(f.weight - weight)))
    elif weight < 400:
        order = sorted(faces, key=lambda f: (f.weight > weight, abs(f.weight - weight)))
    else:
        order = sorted(faces, key=lambda f: (not weight <= f.weight <= 500,
                                              f.weight > weight, abs(f.weight - weight)))
    return order[0]


def font_families(book: Book, book_dir: Path, script: str) -> list[Family]:
    """The families of the stylesheets for an edition in ``script``, with their tiers."""
    roles = role_families()
    own = [(roles[font.role], font.weight, face)
           for font, face in zip(book.meta.fonts, book_faces(book, book_dir), strict=True)
           if font.script in (None, script)]
    bundled = font_faces(script)
    installed = system_faces(script)
    families = []
    for name in dict.fromkeys(face.family for face in bundled):
        mine = [(weight, face) for family, weight, face in own if family == name]
        book_tiers: list[list[FontFace]] = []
        seen: dict[int, int] = {}
        for weight, face in mine:  # the k-th font of a weight goes to the k-th tier
            k = seen[weight] = seen.get(weight, -1) + 1
            if k == len(book_tiers):
                book_tiers.append([])
            book_tiers[k].append(face)
        tiers = [*book_tiers, [f for f in bundled if f.family == name],
                 [f for f in installed if f.family == name]]
        families.append(Family(name, tuple(f.weight for f in bundled if f.family == name),
                               tuple(tuple(tier) for tier in tiers if tier)))
    return families


def book_faces(book: Book, book_dir: Path) -> list[FontFace]:
    """The faces ``book.yaml`` names, in its order: files of the book, installed families
    (the loader has checked that each exists)."""
    families = role_families()
    faces = []
    for font in book.meta.fonts:
        family = families[font.role]
        if font.file is not None:
            faces.append(FontFace(family, font.weight, book_dir / font.file, font.index, "book",
                                  font.file))
        else:
            found = installed_face(font.family or "", font.weight)
            assert found is not None, "the loader checks that the family is installed"
            faces.append(FontFace(family, font.weight, found.path, found.index, "system",
                                  font.family or ""))
    return faces


@cache
def _cmap(path: Path, index: int, mtime: float) -> frozenset[int]:
    """The code points of the face's best Unicode cmap (HarfBuzz's choice, fontTools'
    ``getBestCmap`` too; read in C, without fontTools' glyph names)."""
    return frozenset(hb.Face(hb.Blob.from_file_path(path), index).unicodes)


def cmap_of(face: FontFace) -> frozenset[int]:
    return _cmap(face.path, face.index, face.path.stat().st_mtime)


def resolve(chars: dict[str, Location], families: list[Family]) -> FontPlan:
    """Each character, for each family and weight of the stylesheets, to the first face that
    has it. The tiers that draw get the family's names in order ("Book Serif", "… B" …); a
    tier beyond the names the stacks have draws nothing."""
    uses: list[FaceUse] = []
    drawn: set[str] = set()
    for family in families:
        found: dict[FontFace, tuple[int, set[str]]] = {}
        for weight in family.weights:
            remaining = set(chars)
            for tier, face in family.chain(weight):
                mine = {c for c in remaining if ord(c) in cmap_of(face)}
                if mine:
                    found.setdefault(face, (tier, set()))[1].update(mine)
                    remaining -= mine
        levels = {tier: level for level, tier in
                  enumerate(sorted({tier for tier, _ in found.values()}))}
        for face, (tier, mine) in found.items():
            if levels[tier] < len(LEVEL_SUFFIXES):
                uses.append(FaceUse(face, "".join(sorted(mine)), levels[tier]))
                drawn |= mine
    missing = {c: where for c, where in chars.items() if c not in drawn}
    return FontPlan(tuple(uses), missing)


def uncovered(plan: FontPlan, locate: Callable[[str, Location], Location],
              script: str) -> list[Diagnostic]:
    """F001 for each character no face has, at its first use, with what would fix it."""
    if system_faces(script):
        hint = ("name a font that has it under 'fonts:' in book.yaml (a file of the book or an "
                "installed family), or replace the character")
    else:
        hint = ("install Noto CJK (Debian/Ubuntu: the fonts-noto-cjk package, `sudo make "
                "system-deps`), or name a font that has it under 'fonts:' in book.yaml")
    return [
        Diagnostic("F001", f"no font has '{char}' (U+{ord(char):04X})", locate(char, where),
                   hint, Severity.WARNING)
        for char, where in sorted(plan.missing.items(),
                                  key=lambda item: (item[1].path, item[1].line or 0, item[0]))
    ]


def fallback_note(plans: Iterable[FontPlan], language: str) -> list[Diagnostic]:
    """One note for the edition: the characters a fallback face draws, and the faces."""
    chars: set[str] = set()
    faces: dict[str, None] = {}
    for plan in plans:
        for char, labels in plan.fallback_chars().items():
            chars.add(char)
            faces.update(dict.fromkeys(labels))
    if not chars:
        return []
    shown = "".join(sorted(chars)[:NOTE_CHARS]) + ("…" if len(chars) > NOTE_CHARS else "")
    return [Diagnostic(
        "F002",
        f"{len(chars)} characters of the {language} edition are drawn by a fallback font "
        f"({', '.join(faces)}): {shown}",
        hint="to choose the face that draws them, name a font under 'fonts:' in book.yaml",
        severity=Severity.NOTE)]


def unicode_range(chars: Iterable[str]) -> str:
    """CSS ``unicode-range`` of the characters, runs of code points as ranges."""
    points = sorted({ord(c) for c in chars})
    runs: list[list[int]] = []
    for point in points:
        if runs and point == runs[-1][1] + 1:
            runs[-1][1] = point
        else:
            runs.append([point, point])
    return ", ".join(f"U+{a:X}" if a == b else f"U+{a:X}-{b:X}" for a, b in runs)


def data_url(font: EmbeddedFont) -> str:
    """A subset handed to the print stage inline: no path of the machine in the document."""
    return f"data:{font.media_type};base64,{base64.b64encode(font.data).decode('ascii')}"


def subset_face(face: FontFace, chars: str, cache_dir: Path) -> EmbeddedFont:
    text = "".join(sorted(set(chars)))
    key = hashlib.sha256(
        f"{SUBSET_RECIPE}/{face.index}/".encode() + file_hash(face.path) + text.encode("utf-8")
    ).hexdigest()[:32]
    cached = cache_dir / f"{key}.otf"
    if cached.is_file():
        return EmbeddedFont(face, cached.read_bytes())
    data = _subset(face.path.read_bytes(), text, face.index)
    cache_dir.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(dir=cache_dir, prefix=f".{key}.", suffix=".part")
    try:  # a unique temporary name: two builds may subset the same face at once
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(partial, cached)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return EmbeddedFont(face, data)


def file_hash(path: Path) -> bytes:
    stat = path.stat()
    return _file_hash(path, stat.st_mtime_ns, stat.st_size)


@cache
def _file_hash(path: Path, mtime_ns: int, size: int) -> bytes:
    return hashlib.sha256(path.read_bytes()).digest()


def _subset(source: bytes, text: str, index: int = 0) -> bytes:
    """The font reduced to the glyphs of ``text``, every layout feature (halt, palt, vert,
    locl … are Chinese typography) and every name kept, with a drawn .notdef."""
    keep_all = (hb.SubsetInputSets.LAYOUT_FEATURE_TAG, hb.SubsetInputSets.NAME_ID,
                hb.SubsetInputSets.NAME_LANG_ID)
    subset_input = hb.SubsetInput()
    subset_input.unicode_set.update(ord(char) for char in text)
    for kind in keep_all:
        kept = subset_input.sets(kind)
        kept.clear()
        kept.invert()  # an empty inverted set: all of them
    subset_input.flags = hb.SubsetFlags.NOTDEF_OUTLINE
    return hb.subset(hb.Face(source, index), subset_input).blob.data
