"""The printed cover's numbers and the pieces the cover template cannot make itself.

- The spread's geometry: back, spine and front at trim size, the spine as wide as the
  interior's leaves are thick (pages ÷ 2 × caliper, plus the board), bleed on every outer edge
  and a margin beyond it for the crop and fold marks.
- Whether the spine can carry its text: too narrow a spine drops it (a warning); text that
  does not fit the spine's height is an error, never a silent overflow.
- The EAN-13 bar pattern of the ISBN, through python-barcode.
- The EPUB's cover image: the front panel of the same design, rasterised with PDFium.

Presentation (colours, faces, positions) is the cover templates' and ``styles/cover.css``.
"""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass

from bookmaker.bookfiles import BOOK_FILE
from bookmaker.diagnostics import Diagnostic, Location, Severity
from bookmaker.model import Book, CoverSpec, Isbn, PageDesign

MM_PER_PT = 25.4 / 72
MARKS = 5.0  # mm: length of a crop or fold mark
MARK_OFFSET = 3.0  # mm from the trim, at least the bleed: a drifting knife never shows them
SPINE_CHAR = 0.62  # the spine's text size as a share of its width
SPINE_MIN_SIZE = 7.0  # pt: below this the spine is unreadable
SPINE_MAX_SIZE = 16.0  # pt
SPINE_LEADING = 1.15  # one character under another
SPINE_MARGIN = 15.0  # mm kept free at the head and foot of the spine
SPINE_GAP = 2.0  # em between the title and the publisher on the spine
COVER_IMAGE_HEIGHT = 2261  # px: stores ask for at least 1600 on the long side
JPEG_QUALITY = 90


@dataclass(frozen=True)
class SpineText:
    title: str
    publisher: str
    size: float  # pt


@dataclass(frozen=True)
class CoverGeometry:
    """Millimetres. ``margin`` is the room outside the trim: bleed, then the marks."""

    trim_width: float
    trim_height: float
    spine: float
    bleed: float
    margin: float
    pages: int
    spine_text: SpineText | None

    @property
    def trim_spread(self) -> float:
        return 2 * self.trim_width + self.spine

    @property
    def bleed_width(self) -> float:
        return self.trim_spread + 2 * self.bleed

    @property
    def bleed_height(self) -> float:
        return self.trim_height + 2 * self.bleed

    @property
    def media_width(self) -> float:
        return self.trim_spread + 2 * self.margin

    @property
    def media_height(self) -> float:
        return self.trim_height + 2 * self.margin


HAIRLINE = 0.25 * MM_PER_PT


@dataclass(frozen=True)
class Mark:
    """A hairline in the margin outside the bleed, in mm from the page's top left corner."""

    x: float
    y: float
    w: float
    h: float


def marks(g: CoverGeometry) -> list[Mark]:
    """Crop marks at the spread's four corners and fold marks at the spine's two edges, each
    ``MARKS`` long and ``MARK_OFFSET`` (at least the bleed) away from the trim."""
    offset = max(g.bleed, MARK_OFFSET)
    left, top = g.margin, g.margin
    right, bottom = g.margin + g.trim_spread, g.margin + g.trim_height
    half = HAIRLINE / 2
    found: list[Mark] = []
    for y in (top, bottom):  # horizontal crop marks, beside the corners
        found.append(Mark(left - offset - MARKS, y - half, MARKS, HAIRLINE))
        found.append(Mark(right + offset, y - half, MARKS, HAIRLINE))
    folds = (left + g.trim_width, left + g.trim_width + g.spine)
    for x in (left, right, *folds):  # vertical crop and fold marks, above and below
        found.append(Mark(x - half, top - offset - MARKS, HAIRLINE, MARKS))
        found.append(Mark(x - half, bottom + offset, HAIRLINE, MARKS))
    return found


def spine_width(pages: int, spec: CoverSpec) -> float:
    """mm: one leaf of paper for every two pages, and the cover board."""
    return (pages + pages % 2) / 2 * spec.caliper + spec.board


def spine_characters(book: Book) -> tuple[str, str]:
    meta = book.meta
    publisher = book.product("print").publisher  # an edition without one names none
    return meta.cover.spine_title or meta.title, publisher.name if publisher else ""


def fit_spine(book: Book, spine: float, trim_height: float,
              labels_title: str, labels_publisher: str) -> tuple[SpineText | None,
                                                                   list[Diagnostic]]:
    """The spine's text and its size, or none with a warning when the spine is too narrow;
    an error when the text is longer than the spine at the smallest readable size."""
    spec = book.meta.cover
    where = Location(BOOK_FILE)
    if spine < spec.min_spine:
        return None, [Diagnostic(
            "C001", f"the spine is {spine:.1f} mm wide, narrower than cover.min_spine "
                    f"({spec.min_spine:g} mm): it carries no text",
            where, "lower cover.min_spine to print on a thin spine", Severity.WARNING)]
    size = min(SPINE_MAX_SIZE, spine * SPINE_CHAR / MM_PER_PT)
    characters = len(labels_title) + len(labels_publisher) + SPINE_GAP
    room = trim_height - 2 * SPINE_MARGIN
    needed = characters * SPINE_LEADING * size * MM_PER_PT
    if needed > room:
        size = room / (characters * SPINE_LEADING * MM_PER_PT)
    if size < SPINE_MIN_SIZE:
        return None, [Diagnostic(
            "C002", f"the spine text ({len(labels_title)} + {len(labels_publisher)} "
                    f"characters) does not fit a {trim_height:g} mm spine at {SPINE_MIN_SIZE:g} pt",
            where, "give a shorter title for the spine in cover.spine_title")]
    return SpineText(labels_title, labels_publisher, round(size, 2)), []


def cover_geometry(book: Book, pages: int, title: str, publisher: str) -> tuple[
        CoverGeometry, list[Diagnostic]]:
    page: PageDesign = book.meta.page
    spine = spine_width(pages, book.meta.cover)
    text, found = fit_spine(book, spine, page.trim.height, title, publisher)
    geometry = CoverGeometry(
        trim_width=page.trim.width, trim_height=page.trim.height, spine=spine,
        bleed=page.bleed, margin=max(page.bleed, MARK_OFFSET) + MARKS + 2, pages=pages,
        spine_text=text)
    return geometry, found


def front_geometry(book: Book) -> CoverGeometry:
    """The front panel alone, at trim size: for the EPUB's cover image."""
    page = book.meta.page
    return CoverGeometry(page.trim.width, page.trim.height, 0, 0, 0, 0, None)


@dataclass(frozen=True)
class Bar:
    x: int  # modules from the left edge of the symbol
    width: int  # modules
    guard: bool  # the guard bars run down between the digits


@dataclass(frozen=True)
class Ean13:
    """An ISBN as an EAN-13 symbol: 95 modules of bars and spaces, and the digits as printed
    under them (the first outside the left guard, then two groups of six)."""

    digits: str
    bars: tuple[Bar, ...]
    modules: int = 95


GUARDS = (range(0, 3), range(45, 50), range(92, 95))


def ean13(isbn: Isbn) -> Ean13:
    import barcode  # imported where used: the builds that draw no cover skip it

    code = barcode.get("ean13", isbn.digits[:12])
    if code.get_fullcode() != isbn.digits:  # the library computes the check digit itself
        raise ValueError(f"EAN-13 {code.get_fullcode()} differs from ISBN {isbn.digits}")
    pattern = code.build()[0]  # "101…": 95 modules, the guards included
    bars = []
    x = 0
    for bit, group in itertools.groupby(pattern):
        width = len(list(group))
        if bit == "1":
            bars.append(Bar(x, width, any(x in guard for guard in GUARDS)))
        x += width
    return Ean13(isbn.digits, tuple(bars), len(pattern))


def rasterise(pdf: bytes, height: int = COVER_IMAGE_HEIGHT) -> bytes:
    """The first page of ``pdf`` as a JPEG ``height`` pixels tall; same PDF, same bytes."""
    import pypdfium2  # imported where used: the builds that draw no cover skip it

    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        scale = height / page.get_height()
        image = page.render(scale=scale, draw_annots=False).to_pil().convert("RGB")
    finally:
        document.close()
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()
