"""Fonts for an edition: which characters it uses, whether they are covered, and subsets.

Subsets are made by HarfBuzz (``uharfbuzz``, which carries its own copy: the bytes depend on the
pinned version, not on the machine's libraries), some hundred times faster than fontTools on a
CJK face, and cached under the build folder by the hash of the font file and the characters kept.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import uharfbuzz as hb
from fontTools.ttLib import TTFont
from lxml import etree

from bookmaker.diagnostics import Diagnostic, Location, Severity
from bookmaker.resources import FontFace

NOT_DRAWN = {"Cc", "Cf", "Cs"}
# Bumped when the subsetting options change, so that older cached subsets are not reused.
SUBSET_RECIPE = "2"


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
    place it occurs in. Control, format and surrogate characters are not drawn; private use
    and unassigned ones are, and no font of bookmaker's has them: they are reported."""
    found: dict[str, Location] = {}
    for where, text in texts:
        for char in text:
            if char not in found and unicodedata.category(char) not in NOT_DRAWN:
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
    fd, partial = tempfile.mkstemp(dir=cache_dir, prefix=f".{key}.", suffix=".part")
    try:  # a unique temporary name: two builds may subset the same face at once
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(partial, cached)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return EmbeddedFont(face, data)


def _subset(source: bytes, text: str) -> bytes:
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
    return hb.subset(hb.Face(source), subset_input).blob.data
