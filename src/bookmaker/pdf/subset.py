"""WeasyPrint 70's font subsetting, done by the pinned HarfBuzz of ``uharfbuzz``.

WeasyPrint subsets each font it embeds through the machine's ``libharfbuzz-subset`` when there is
one, else through fontTools, which is slower, logs a notice per font and, stamping the current
time into each font, gives a new PDF at every build. ``subset`` does what WeasyPrint's
``Font._harfbuzz_subset`` does (``pdf/fonts.py``, same flags, same tables dropped, same two
passes) with the HarfBuzz that ``uharfbuzz`` carries: the same bytes on every machine, with or
without the system library. ``justify.chinese_justification`` puts it in place, with the other
patches, only around bookmaker's own ``write_pdf``.
"""

from __future__ import annotations

from typing import Any

import uharfbuzz as hb

# What WeasyPrint 70 drops from an embedded font: layout tables (the PDF holds positioned
# glyphs), bitmaps, signatures
DROPPED_TABLES = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF",
                  b"LTSH", b"PCLT", b"SVG ")


def subset(font: Any, to_unicode: dict[int, str], hinting: bool) -> None:
    """``Font.subset`` of WeasyPrint 70: keep the glyphs used (``to_unicode``'s keys, glyph
    ids), first at their ids, then cut after the last one; ``font.file_content`` becomes the
    subset."""
    if not to_unicode:
        return
    notdef = hb.SubsetFlags.NOTDEF_OUTLINE if font.missing else 0
    keep_ids = _input(sorted(to_unicode), hb.SubsetFlags.RETAIN_GIDS
                      | hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED
                      | hb.SubsetFlags.DESUBROUTINIZE | notdef)
    face = hb.subset(hb.Face(font.file_content, font.index), keep_ids)
    cut = _input(range(max(to_unicode) + 1), hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED
                 | hb.SubsetFlags.DESUBROUTINIZE | notdef
                 | (0 if hinting else hb.SubsetFlags.NO_HINTING))
    font.file_content = hb.subset(face, cut).blob.data


def _input(glyphs: Any, flags: int) -> hb.SubsetInput:
    subset_input = hb.SubsetInput()
    subset_input.glyph_set.update(glyphs)
    subset_input.sets(hb.SubsetInputSets.DROP_TABLE_TAG).update(
        int.from_bytes(tag, "big") for tag in DROPPED_TABLES)
    subset_input.flags = hb.SubsetFlags(flags)
    return subset_input
