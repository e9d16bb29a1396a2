"""A PDF's pages drawn on two cores, and drawn once for two profiles: pages drawn in one process
handed to WeasyPrint's writer in another as if it had drawn them itself.

WeasyPrint 70 writes a PDF by drawing its pages one after the other (``generate_pdf`` in
``pdf/__init__.py``: a content stream per page, ``Page.paint``), a quarter of a full-size book's
PDF, all on one core. Here each page of the document being written gets a ``paint`` of its
own (an attribute of that page object: nothing of WeasyPrint's is patched). The first page's,
called once WeasyPrint has set everything up, forks a process that draws the later pages into
streams made as WeasyPrint makes them (``Stream.clone``, the same transformation). When the
writer reaches those pages, each gets its drawn content and what drawing it added to the
document: the alpha states it named, each font's glyph widths and their text, the images it
drew (the layout's own image objects, found on the page) and the sizes it drew them at, added
in page order where absent, as drawing them here would have added them. The PDF is byte for
byte the one drawn in one process (``tests/test_drawing.py``).

A page whose drawing added anything else (a pattern, a group, a state numbered by count, a
glyph the font lacks), logged a warning, or first used a font that this process has not met
by then, is drawn again here, in its turn: its bytes and what it adds are then exactly
WeasyPrint's own, and so are the pages after it.

The pages as drawn, all of them once the last is, may go on to the writer of another profile
of the same layout (``on_two_cores``'s ``then``, ``replaying``): the press's pages are the
screen's with a bleed, which only the page's rectangle holds (its MediaBox, and the box of a
group, never replayed); drawing reads the page box's own bleed, the layout's.

Each page stream is compressed once, as it is drawn (on the core that drew it). pydyf compresses
a stream each time its data is read, and a PDF with an identifier (PDF/A needs one) is read
twice: written, then hashed. The content and its dictionary are what pydyf would write. A
writer with a finisher (the press's, which turns black into K) gets the pages uncompressed.

Written against WeasyPrint 70.0 and pydyf 0.13 (pinned in pyproject.toml): read
``generate_pdf``, ``Stream.set_alpha``, ``Stream.add_image`` and ``draw_first_line`` again
when upgrading.
"""

from __future__ import annotations

import contextlib
import os
import re
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pydyf
import weasyprint

from bookmaker.parallel import in_background, second_core
from bookmaker.pdf.logged import weasyprint_log

ALPHA_STATE = re.compile(r"[Aa][0-9.e-]+")  # Stream.set_alpha's names: A0.5, a1 …
COMPRESSION_LEVEL = 9  # pydyf's (Stream.data)
OBJECTS = ("XObject", "Pattern", "Shading")  # named by count (but an image): not replayed


@dataclass
class DrawnPage:
    """One page as drawn: its content stream's bytes (``raw``; ``deflated`` too when the
    drawer compressed them), the bytes that were in the stream before drawing (WeasyPrint's
    transformation), and what drawing it added to the document."""

    before: bytes
    raw: bytes
    deflated: bytes | None
    alpha_states: list[tuple[str, str, float]] = field(default_factory=list)
    new_fonts: list[int] = field(default_factory=list)
    images: list[tuple[str, bool, list[float]]] = field(
        default_factory=list)  # name, interpolated, the sizes it is drawn at added
    glyphs: dict[int, tuple[list[tuple[int, int]], list[tuple[int, str]]]] = field(
        default_factory=dict)  # font key: (widths, to_unicode) added


Drawn = list[DrawnPage | None]  # every page of a document; None: to be drawn by its writer


def share_of_the_other(pages: int) -> int:
    """The first page the other process draws: it draws the later 55 %. The writer waits for
    them once it has drawn the pages before, which hold the front matter, slower to draw (the
    contents' leader dots), and writes their links too. On the full-size book, the writer
    waited 0.03 s for the later 55 % (as for half), 0.2–0.3 s for the later 60 %."""
    return pages * 45 // 100


@contextmanager
def on_two_cores(document: weasyprint.Document, wanted: bool = True, compress: bool = True,
                 then: Callable[[Drawn], None] | None = None) -> Iterator[_Split | None]:
    """While ``document`` is written, its later pages are drawn by a forked process (where
    ``wanted``, a second core is free and the document has pages for two); yields what counts
    the pages taken from it. Its page streams are compressed as they are drawn unless
    ``compress`` is False (a finisher rewrites them). ``then`` is given every page as drawn,
    once the last is (for another profile's PDF, ``replaying``). The document's pages must be
    its own copies (``pdf.for_profile``): each gets a ``paint`` attribute."""
    pages = document.pages
    if not wanted or len(pages) < 4 or not second_core():
        yield None
        return
    with _painting(_Split(pages, share_of_the_other(len(pages)), compress, then)) as split:
        yield split


@contextmanager
def replaying(document: weasyprint.Document, drawn: Drawn, compress: bool = True
              ) -> Iterator[_Split]:
    """While ``document`` is written, its pages are those ``drawn`` for another profile's PDF
    of the same layout (``on_two_cores``'s ``then``): the same content, whatever the bleed,
    which only the page's rectangle holds. Pages drawn by nobody are drawn as written."""
    split = _Split(document.pages, 0, compress, None)
    split.drawn = drawn
    with _painting(split):
        yield split


@contextmanager
def _painting(split: _Split) -> Iterator[_Split]:
    for index, page in enumerate(split.pages):
        page.paint = _painter(split, index)
    try:
        yield split
    finally:
        for page in split.pages:
            del page.paint
        split.end()


def _painter(split: _Split, index: int) -> Callable[[Any, float], None]:
    def paint(stream: Any, scale: float = 1) -> None:
        split.paint(index, stream, scale)
    return paint


class _Split:
    """The pages of one PDF being written: those from ``first_other`` on taken from what
    another process drew (``drawn``), the others drawn here."""

    def __init__(self, pages: list[weasyprint.Page], first_other: int, compress: bool,
                 then: Callable[[Drawn], None] | None) -> None:
        self.pages = pages
        self.first_other = first_other
        self.compress = compress
        self.then = then
        self.parent = os.getpid()
        self.answer: Callable[[], Drawn] | None = None
        self.drawn: Drawn | None = None
        self.taken = 0  # pages drawn by the other process and taken from it
        self.kept: Drawn = []  # every page as drawn, for ``then``
        self.own: list[DrawnPage] = []  # the pages drawn here, for ``then`` …
        self.counts: list[tuple[_State, _State]] = []  # … and the state around each

    def paint(self, index: int, stream: Any, scale: float) -> None:
        if stream._tags is not None:  # marked content, numbered by count: not replayed
            self.then = self.drawn = None
            _draw(self.pages[index], stream, scale)
            return
        if index == 0 and self.drawn is None and self.answer is None:
            # WeasyPrint has set up the document's resources and fonts: the other process
            # starts from them, as they are before any page is drawn
            self.answer = in_background(lambda: self._draw_later_pages(stream, scale))
        drawn = None
        if index >= self.first_other and (self.drawn is not None or self.answer is not None):
            if self.drawn is None:
                self.drawn = self.answer()  # type: ignore[misc]
            drawn = self.drawn[index - self.first_other]
        if drawn is not None and _take(drawn, self.pages[index], stream, self.compress):
            self.taken += 1
        else:
            drawn = self._draw_here(self.pages[index], stream, scale)
        if self.then is not None:
            self.kept.append(drawn)
            if index == len(self.pages) - 1:
                _add_glyphs(self.own, self.counts, stream._fonts)
                self.then(self.kept)

    def _draw_here(self, page: weasyprint.Page, stream: Any, scale: float) -> DrawnPage | None:
        """``page`` drawn into the stream being written; as drawn, when ``then`` will want
        it."""
        if self.then is None:
            _draw(page, stream, scale)
            if self.compress:
                _compress(stream)
            return None
        drawn = _drawn(page, stream, scale, self.compress)
        if drawn is None:
            return None
        self.own.append(drawn[0])
        self.counts.append(drawn[1])
        return drawn[0]

    def _draw_later_pages(self, first: Any, scale: float) -> Drawn:
        """In the forked process: each later page drawn into a stream like WeasyPrint's."""
        if os.getpid() == self.parent:  # not forked after all: this process draws them all
            return [None] * (len(self.pages) - self.first_other)
        drawn: Drawn = []
        counts = []
        for page in self.pages[self.first_other:]:
            stream = first.clone(page_rectangle=page_rectangle(page, scale))
            stream.transform(d=-1, f=page.height * scale)
            page_drawn = _drawn(page, stream, scale, self.compress)
            drawn.append(None if page_drawn is None else page_drawn[0])
            if page_drawn is not None:
                counts.append(page_drawn[1])
        _add_glyphs([page for page in drawn if page is not None], counts, first._fonts)
        return drawn

    def end(self) -> None:
        """The other process, when it was started and its answer not read (a write that
        failed): its answer is read, which ends it."""
        if self.answer is not None and self.drawn is None:
            with contextlib.suppress(Exception):  # the write's own failure is the one to report
                self.answer()


def _drawn(page: weasyprint.Page, stream: Any, scale: float, compress: bool
           ) -> tuple[DrawnPage, tuple[_State, _State]] | None:
    """``page`` drawn into ``stream`` (compressed if ``compress``), and the page as drawn, with
    the document's state before and after; None when what drawing it added cannot be
    replayed."""
    before, state = _joined(stream), _State.of(stream)
    with weasyprint_log() as warned:
        _draw(page, stream, scale)
    after = _State.of(stream)
    raw = _joined(stream)
    deflated = _deflate(raw) if compress and _compressible(stream) else None
    if deflated is not None:
        _compressed(stream, deflated)
    if warned.records or not state.replayable(after, stream):
        return None
    return DrawnPage(before, raw, deflated, state.new_alpha_states(stream),
                     state.new_fonts(stream), state.new_images(after, stream)), (state, after)


def page_rectangle(page: weasyprint.Page, scale: float) -> tuple[float, float, float, float]:
    """The page rectangle ``generate_pdf`` gives a page's stream: its bleed box, unscaled."""
    width = scale * (page.width + page.bleed["left"] + page.bleed["right"])
    height = scale * (page.height + page.bleed["top"] + page.bleed["bottom"])
    left = -scale * page.bleed["left"]
    top = -scale * page.bleed["top"]
    return left / scale, top / scale, width / scale, height / scale


def _draw(page: weasyprint.Page, stream: Any, scale: float) -> None:
    weasyprint.Page.paint(page, stream, scale)  # the class's: the page's own is this module's


def _joined(stream: pydyf.Stream) -> bytes:
    """The stream's content as pydyf writes it (``Stream.data``, before compression)."""
    return b"\n".join(pydyf._to_bytes(item) for item in stream.stream)


def _deflate(content: bytes) -> bytes:
    compressor = zlib.compressobj(level=COMPRESSION_LEVEL)
    return compressor.compress(content) + compressor.flush()


def _compressible(stream: pydyf.Stream) -> bool:
    """Whether pydyf would compress the stream, with no other entry in its dictionary."""
    return bool(stream.compress and not stream.extra)


def _compress(stream: pydyf.Stream) -> None:
    """The page's content compressed now, once: pydyf then writes it as it is, with the
    dictionary it would have written (``/Filter /FlateDecode`` before ``/Length``)."""
    if _compressible(stream):
        _compressed(stream, _deflate(_joined(stream)))


def _compressed(stream: pydyf.Stream, data: bytes) -> None:
    stream.stream = [data]
    stream.compress = False
    stream.extra["Filter"] = "/FlateDecode"


def _images_of(page: weasyprint.Page, drawn: DrawnPage,
               known: dict[str, Any]) -> dict[str, Any] | None:
    """The image objects of the images the page as drawn names that this process has not
    drawn yet, found among the page's replaced boxes (the layout's own objects, in every
    process forked from it); None when one is not there."""
    wanted = {name for name, _, _ in drawn.images if name not in known}
    if not wanted:
        return {}
    found = {}
    for box in page._page_box.descendants():
        image = getattr(box, "replacement", None)
        for interpolate in (False, True):
            name = f"i{getattr(image, 'id', '')}{int(interpolate)}"
            if name in wanted:
                found[name] = image
    return found if set(found) == wanted else None


def _take(drawn: DrawnPage, page: weasyprint.Page, stream: Any, compress: bool) -> bool:
    """``stream`` given ``page`` as drawn elsewhere, and the document what drawing it added;
    False (nothing changed) when this process cannot: a font first used there that this
    process has not met, an image it cannot find on the page, or a stream that is not as the
    drawing began."""
    fonts = stream._fonts
    if any(key not in fonts for key in drawn.new_fonts) or _joined(stream) != drawn.before:
        return False
    images = _images_of(page, drawn, stream._images)
    if images is None:
        return False
    for name, interpolate, ratios in drawn.images:
        stream._resources["XObject"].setdefault(name, None)  # set by the writer (add_image)
        if name not in stream._images:
            stream._images[name] = {"image": images[name], "interpolate": interpolate,
                                    "dpi_ratios": set(), "x_object": None}
        stream._images[name]["dpi_ratios"].update(ratios)
    states = stream._resources["ExtGState"]
    for name, key, alpha in drawn.alpha_states:
        states.setdefault(name, pydyf.Dictionary({key: alpha}))
    for key, (widths, texts) in drawn.glyphs.items():
        font = fonts[key]
        for glyph, width in widths:
            font.widths.setdefault(glyph, width)
        for glyph, text in texts:
            font.to_unicode.setdefault(glyph, text)
    if compress and _compressible(stream):
        _compressed(stream, drawn.deflated if drawn.deflated is not None
                    else _deflate(drawn.raw))
    else:
        stream.stream = [drawn.raw]
    return True


@dataclass
class _State:
    """What a stream's document held at a moment: the names of its resources, the images and
    the sizes each is drawn at, and the length of each font's tables."""

    resources: dict[str, list[str]]
    images: dict[str, frozenset[float]]
    fonts: dict[int, tuple[int, int, int]]  # key: widths, texts, missing glyphs

    @staticmethod
    def of(stream: Any) -> _State:
        return _State(
            {kind: list(stream._resources[kind]) for kind in ("ExtGState", *OBJECTS)},
            {name: frozenset(image["dpi_ratios"]) for name, image in stream._images.items()},
            {key: _counts(font) for key, font in stream._fonts.items()})

    def replayable(self, after: _State, stream: Any) -> bool:
        """Whether what a page added, from this state to ``after``, can be replayed: alpha
        states, glyphs and images (not a group, a pattern, a shading, a state numbered by
        count, a glyph the font lacks, a form)."""
        # the names only grow: those added, all images' (a group's or a pattern's is not)
        objects = after.resources["XObject"][len(self.resources["XObject"]):]
        if not set(objects) <= set(after.images) or any(
                self.resources[kind] != after.resources[kind] for kind in OBJECTS[1:]):
            return False
        names = after.resources["ExtGState"][len(self.resources["ExtGState"]):]
        if not all(ALPHA_STATE.fullmatch(name) for name in names):
            return False
        return all(not font.used_in_forms and after.counts(key)[2] == self.counts(key)[2]
                   for key, font in stream._fonts.items())

    def new_images(self, after: _State, stream: Any) -> list[tuple[str, bool, list[float]]]:
        """The images the page drew first, or at a size not drawn before, in the order they
        were added."""
        return [(name, stream._images[name]["interpolate"],
                 sorted(ratios - self.images.get(name, frozenset())))
                for name, ratios in after.images.items()
                if ratios != self.images.get(name)]

    def counts(self, key: int) -> tuple[int, int, int]:
        return self.fonts.get(key, (0, 0, 0))

    def new_alpha_states(self, stream: Any) -> list[tuple[str, str, float]]:
        states = list(stream._resources["ExtGState"].items())[len(self.resources["ExtGState"]):]
        return [(name, *next(iter(state.items()))) for name, state in states]

    def new_fonts(self, stream: Any) -> list[int]:
        return [key for key in stream._fonts if key not in self.fonts]


def _add_glyphs(drawn: list[DrawnPage], counts: list[tuple[_State, _State]],
                fonts: dict[int, Any]) -> None:
    """Each drawn page given the glyph widths and texts its drawing added to each font: the
    slice of the font's tables (which only grow, in drawing order) between the counts before
    and after the page."""
    widths = {key: list(font.widths.items()) for key, font in fonts.items()}
    texts = {key: list(font.to_unicode.items()) for key, font in fonts.items()}
    for page, (before, after) in zip(drawn, counts, strict=True):
        for key in fonts:
            (width0, text0, _), (width1, text1, _) = before.counts(key), after.counts(key)
            if width1 > width0 or text1 > text0:
                page.glyphs[key] = (widths[key][width0:width1], texts[key][text0:text1])


def _counts(font: Any) -> tuple[int, int, int]:
    return len(font.widths), len(font.to_unicode), len(font.missing)
