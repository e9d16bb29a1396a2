"""Fonts for an edition: which characters it uses, whether they are covered, and subsets.

Subsetting a CJK face takes seconds, so each subset is cached under the build folder by the
hash of the font file and the characters kept.
"""

from __future__ import annotations

import hashlib
import io
import os
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont
from lxml import etree

from bookmaker.diagnostics import Diagnostic, Location, Severity
from bookmaker.resources import FontFace

# Bumped when the subsetting options change, so that older cached subsets are not reused.
SUBSET_RECIPE = "1"


@dataclass(frozen=True)
class EmbeddedFont:
    face: FontFace
    data: bytes


def text_of(xhtml: str) -> str:
    """All the text a reader may see in a document: its text and its alt, title, labels."""
    root = etree.fromstring(xhtml.encode("utf-8"))
    attributes = ("alt", "title", "aria-label")
    parts = list(root.itertext())
    parts += [el.get(a, "") for el in root.iter() if isinstance(el.tag, str) for a in attributes]
    return "".join(parts)


def characters_by_source(texts: Iterable[tuple[Location, str]]) -> dict[str, Location]:
    """Every character a font must draw (spaces too, which have widths), mapped to the first
    place it occurs in; control and format characters are not drawn."""
    found: dict[str, Location] = {}
    for where, text in texts:
        for char in text:
            if char not in found and unicodedata.category(char)[0] != "C":
                found[char] = where
    return found


def uncovered(chars: dict[str, Location], faces: list[FontFace]) -> list[Diagnostic]:
    cmaps = [set(TTFont(face.path, lazy=True).getBestCmap()) for face in faces]
    return [
        Diagnostic(
            "F001",
            f"no embedded font has '{char}' (U+{ord(char):04X})",
            where,
            "replace the character, or name a font that has it in fonts/fonts.toml",
            Severity.WARNING,
        )
        for char, where in sorted(chars.items(),
                                  key=lambda item: (item[1].path, item[1].line or 0, item[0]))
        if not any(ord(char) in cmap for cmap in cmaps)
    ]


def subset_face(face: FontFace, chars: str, cache_dir: Path) -> EmbeddedFont:
    source = face.path.read_bytes()
    text = "".join(sorted(set(chars)))
    key = hashlib.sha256(
        SUBSET_RECIPE.encode() + hashlib.sha256(source).digest() + text.encode("utf-8")
    ).hexdigest()[:32]
    cached = cache_dir / f"{key}.otf"
    if cached.is_file():
        return EmbeddedFont(face, cached.read_bytes())
    data = _subset(source, text)
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = cached.with_suffix(f".{os.getpid()}.tmp")  # editions subset in parallel
    partial.write_bytes(data)
    partial.replace(cached)
    return EmbeddedFont(face, data)


def _subset(source: bytes, text: str) -> bytes:
    options = subset.Options()
    options.layout_features = ["*"]  # halt, palt, vert, locl … are Chinese typography
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.recalc_timestamp = False  # same input, same bytes
    font = TTFont(io.BytesIO(source), recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()
