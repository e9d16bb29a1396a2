"""The press PDF's finishing, on the PDF objects WeasyPrint is about to write.

WeasyPrint draws crop marks inside the bleed, half the bleed long: a trim that drifts by more
than that shows them. Here the marks are drawn outside the bleed instead, as long as the cover's
(``MARKS``, at ``MARK_OFFSET`` or the bleed from the trim, whichever is more), on a MediaBox
widened to hold them; the TrimBox stays, the BleedBox is the trim and the bleed exactly. Blank
pages pad the book to a whole number of signatures (the folded sections the binder sews), and
every colour is K-only black.
"""

from __future__ import annotations

from collections.abc import Callable

import pydyf

from bookmaker.cover import MARK_OFFSET, MARKS

PT_PER_MM = 72 / 25.4
HAIRLINE = 0.25  # pt
RGB_BLACK = {b"0 0 0 rg": b"0 0 0 1 k", b"0 0 0 RG": b"0 0 0 1 K"}
Finisher = Callable[[object, pydyf.PDF], None]


def press_finisher(bleed: float, signature: int) -> Finisher:
    """The finisher of the press profile: ``bleed`` in mm, pages per ``signature``."""

    def finish(document: object, pdf: pydyf.PDF) -> None:
        black_to_k(document, pdf)
        pages = [o for o in pdf.objects
                 if isinstance(o, pydyf.Dictionary) and o.get("Type") == "/Page"]
        for _ in range(padding(len(pages), signature)):
            pages.append(add_blank_page(pdf, pages[-1]))
        for page in pages:
            frame(pdf, page, bleed)

    return finish


def padding(pages: int, signature: int) -> int:
    """Blank pages that make ``pages`` a multiple of ``signature``."""
    return -pages % signature


def black_to_k(_document: object, pdf: pydyf.PDF) -> None:
    """Pure RGB black, which WeasyPrint uses where no colour is set, becomes K-only black like
    the text."""
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Stream):
            obj.stream = [_recolour(chunk) for chunk in obj.stream]


def _recolour(chunk: object) -> object:
    data = chunk.encode() if isinstance(chunk, str) else chunk
    if not isinstance(data, bytes):
        return chunk
    for rgb, cmyk in RGB_BLACK.items():
        data = data.replace(rgb, cmyk)
    return data


def add_blank_page(pdf: pydyf.PDF, like: pydyf.Dictionary) -> pydyf.Dictionary:
    """A page with nothing on it, the size of ``like``."""
    stream = pydyf.Stream()
    pdf.add_object(stream)
    page = pydyf.Dictionary({
        "Type": "/Page",
        "Parent": pdf.pages.reference,
        "MediaBox": pydyf.Array(like["MediaBox"]),
        "TrimBox": pydyf.Array(like["TrimBox"]),
        "Contents": stream.reference,
        "Resources": pydyf.Dictionary({}),
    })
    pdf.add_page(page)
    return page


def frame(pdf: pydyf.PDF, page: pydyf.Dictionary, bleed: float) -> None:
    """The boxes and the marks of one page: BleedBox the trim and ``bleed`` (mm), MediaBox
    wide enough for marks outside it, crop marks at the corners and registration crosses at
    the middle of each edge."""
    left, bottom, right, top = (float(v) for v in page["TrimBox"])
    b = bleed * PT_PER_MM
    offset = max(bleed, MARK_OFFSET) * PT_PER_MM
    length = MARKS * PT_PER_MM
    room = offset + length + 2 * PT_PER_MM
    page["BleedBox"] = pydyf.Array([left - b, bottom - b, right + b, top + b])
    page["MediaBox"] = pydyf.Array([left - room, bottom - room, right + room, top + room])
    marks = pydyf.Stream([b"Q", b"q", b"0 0 0 1 K", f"{HAIRLINE} w".encode(), b"0 J"])
    for x, y, dx, dy in crop_marks(left, bottom, right, top, offset, length):
        marks.stream.append(f"{x:.3f} {y:.3f} m {x + dx:.3f} {y + dy:.3f} l S".encode())
    for x, y in ((left + right) / 2, top + offset + length / 2), \
            ((left + right) / 2, bottom - offset - length / 2), \
            (left - offset - length / 2, (bottom + top) / 2), \
            (right + offset + length / 2, (bottom + top) / 2):
        marks.stream += registration_cross(x, y, length / 2)
    marks.stream.append(b"Q")
    opening = pydyf.Stream([b"q"])  # keeps the page's own transformation from the marks
    pdf.add_object(opening)
    pdf.add_object(marks)
    contents = page["Contents"]
    earlier = list(contents) if isinstance(contents, pydyf.Array) else [contents]
    page["Contents"] = pydyf.Array([opening.reference, *earlier, marks.reference])


def crop_marks(left: float, bottom: float, right: float, top: float, offset: float,
               length: float) -> list[tuple[float, float, float, float]]:
    """Two lines at each corner, in line with the trim, from ``offset`` to ``offset +
    length`` away from it: (x, y, dx, dy)."""
    lines = []
    for y in (bottom, top):
        lines.append((left - offset, y, -length, 0))
        lines.append((right + offset, y, length, 0))
    for x in (left, right):
        lines.append((x, bottom - offset, 0, -length))
        lines.append((x, top + offset, 0, length))
    return lines


def registration_cross(x: float, y: float, radius: float) -> list[bytes]:
    """A circle with a cross through it, centred on (x, y)."""
    k = 0.5523 * radius / 2  # a circle of half the radius from four Bézier curves
    r = radius / 2
    circle = (f"{x + r:.3f} {y:.3f} m "
              f"{x + r:.3f} {y + k:.3f} {x + k:.3f} {y + r:.3f} {x:.3f} {y + r:.3f} c "
              f"{x - k:.3f} {y + r:.3f} {x - r:.3f} {y + k:.3f} {x - r:.3f} {y:.3f} c "
              f"{x - r:.3f} {y - k:.3f} {x - k:.3f} {y - r:.3f} {x:.3f} {y - r:.3f} c "
              f"{x + k:.3f} {y - r:.3f} {x + r:.3f} {y - k:.3f} {x + r:.3f} {y:.3f} c S")
    cross = (f"{x - radius:.3f} {y:.3f} m {x + radius:.3f} {y:.3f} l "
             f"{x:.3f} {y - radius:.3f} m {x:.3f} {y + radius:.3f} l S")
    return [circle.encode(), cross.encode()]
