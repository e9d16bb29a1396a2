"""A PDF's pages drawn on two cores: the later pages in a forked process while this one draws
the first, then handed to WeasyPrint's writer as if it had drawn them itself.

WeasyPrint 70 writes a PDF by drawing its pages one after the other (``generate_pdf`` in
``pdf/__init__.py``: a content stream per page, ``Page.paint``), a quarter of a full-size book's
PDF, all on one core. Here each page of the document being written gets a ``paint`` of its
own (an attribute of that page object: nothing of WeasyPrint's is patched). The first page's,
called once WeasyPrint has set everything up, forks a process that draws the later pages into
streams made as WeasyPrint makes them (``Stream.clone``, the same transformation). When the
writer reaches those pages, each gets its drawn content and what drawing it added to the
document: the alpha states it named, and each font's glyph widths and their text, added in
page order where absent, as drawing them here would have added them. The PDF is byte for byte
the one drawn in one process (``tests/test_drawing.py``).

A page whose drawing added anything else (an image, a pattern, a group, a state numbered by
count, a glyph the font lacks), logged a warning, or first used a font that this process has
not met by then, is drawn again here, in its turn: its bytes and what it adds are then
exactly WeasyPrint's own, and so are the pages after it.

Each page stream is compressed once, as it is drawn (on the core that drew it). pydyf compresses
a stream each time its data is read, and a PDF with an identifier (PDF/A needs one) is read
twice: written, then hashed. The content and its dictionary are what pydyf would write.

Written against WeasyPrint 70.0 and pydyf 0.13 (pinned in pyproject.toml): read
``generate_pdf``, ``Stream.set_alpha`` and ``draw_first_line`` again when upgrading.
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
OBJECTS = ("XObject", "Pattern", "Shading")  # named by count: not replayed


@dataclass
class DrawnPage:
    """One page drawn by the other process: its content stream's bytes (compressed when
    ``compressed``), the bytes that were in the stream before drawing (WeasyPrint's
    transformation), and what drawing it added to the document."""

    before: bytes
    content: bytes
    compressed: bool
    alpha_states: list[tuple[str, str, float]] = field(default_factory=list)
    new_fonts: list[int] = field(default_factory=list)
    glyphs: dict[int, tuple[list[tuple[int, int]], list[tuple[int, str]]]] = field(
        default_factory=dict)  # font key: (widths, to_unicode) added


def share_of_the_other(pages: int) -> int:
    """The first page the other process draws: it draws the later 55 %. The writer waits for
    them once it has drawn the pages before, which hold the front matter, slower to draw (the
    contents' leader dots), and writes their links too. On the full-size book, the writer
    waited 0.03 s for the later 55 % (as for half), 0.2–0.3 s for the later 60 %."""
    return pages * 45 // 100


@contextmanager
def on_two_cores(document: weasyprint.Document, wanted: bool = True
                 ) -> Iterator[_Split | None]:
    """While ``document`` is written, its later pages are drawn by a forked process (where
    ``wanted``, a second core is free and the document has pages for two); yields what counts
    the pages taken from it. The document's pages must be its own copies (``pdf.for_profile``):
    each gets a ``paint`` attribute."""
    pages = document.pages
    if not wanted or len(pages) < 4 or not second_core():
        yield None
        return
    split = _Split(pages, share_of_the_other(len(pages)))
    for index, page in enumerate(pages):
        page.paint = _painter(split, index)
    try:
        yield split
    finally:
        for page in pages:
            del page.paint
        split.end()


def _painter(split: _Split, index: int) -> Callable[[Any, float], None]:
    def paint(stream: Any, scale: float = 1) -> None:
        split.paint(index, stream, scale)
    return paint


class _Split:
    def __init__(self, pages: list[weasyprint.Page], first_other: int) -> None:
        self.pages = pages
        self.first_other = first_other
        self.parent = os.getpid()
        self.answer: Callable[[], list[DrawnPage | None]] | None = None
        self.drawn: list[DrawnPage | None] | None = None
        self.taken = 0  # pages drawn by the other process and taken from it

    def paint(self, index: int, stream: Any, scale: float) -> None:
        if index == 0 and self.answer is None and stream._tags is None:
            # WeasyPrint has set up the document's resources and fonts: the other process
            # starts from them, as they are before any page is drawn
            self.answer = in_background(lambda: self._draw_later_pages(stream, scale))
        if index >= self.first_other and self.answer is not None:
            if self.drawn is None:
                self.drawn = self.answer()
            drawn = self.drawn[index - self.first_other]
            if drawn is not None and _take(drawn, stream):
                self.taken += 1
                return
        _draw(self.pages[index], stream, scale)
        _compress(stream)

    def _draw_later_pages(self, first: Any, scale: float) -> list[DrawnPage | None]:
        """In the forked process: each later page drawn into a stream like WeasyPrint's, and
        what drawing it added; None for a page whose additions cannot be replayed."""
        if os.getpid() == self.parent:  # not forked after all: this process draws them all
            return [None] * (len(self.pages) - self.first_other)
        drawn: list[DrawnPage | None] = []
        counts: list[tuple[_State, _State]] = []
        for page in self.pages[self.first_other:]:
            stream = first.clone(page_rectangle=page_rectangle(page, scale))
            stream.transform(d=-1, f=page.height * scale)
            before, state = _joined(stream), _State.of(stream)
            with weasyprint_log() as warned:
                _draw(page, stream, scale)
            after = _State.of(stream)
            if warned.records or not state.replayable(after, stream):
                drawn.append(None)
                continue
            content = _joined(stream)
            compressed = bool(stream.compress and not stream.extra)
            drawn.append(DrawnPage(before, _deflate(content) if compressed else content,
                                   compressed, state.new_alpha_states(stream),
                                   state.new_fonts(stream)))
            counts.append((state, after))
        _add_glyphs([page for page in drawn if page is not None], counts, first._fonts)
        return drawn

    def end(self) -> None:
        """The other process, when it was started and its answer not read (a write that
        failed): its answer is read, which ends it."""
        if self.answer is not None and self.drawn is None:
            with contextlib.suppress(Exception):  # the write's own failure is the one to report
                self.answer()


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


def _compress(stream: pydyf.Stream) -> None:
    """The page's content compressed now, once: pydyf then writes it as it is, with the
    dictionary it would have written (``/Filter /FlateDecode`` before ``/Length``)."""
    if stream.compress and not stream.extra:
        _compressed(stream, _deflate(_joined(stream)))


def _compressed(stream: pydyf.Stream, data: bytes) -> None:
    stream.stream = [data]
    stream.compress = False
    stream.extra["Filter"] = "/FlateDecode"


def _take(drawn: DrawnPage, stream: Any) -> bool:
    """``stream`` given the page the other process drew, and the document what drawing it
    added; False (nothing changed) when this process cannot: a font first used there that
    this process has not met, or a stream that is not as the other process began it."""
    fonts = stream._fonts
    if any(key not in fonts for key in drawn.new_fonts) or _joined(stream) != drawn.before:
        return False
    if drawn.compressed != bool(stream.compress and not stream.extra):
        return False
    states = stream._resources["ExtGState"]
    for name, key, alpha in drawn.alpha_states:
        states.setdefault(name, pydyf.Dictionary({key: alpha}))
    for key, (widths, texts) in drawn.glyphs.items():
        font = fonts[key]
        for glyph, width in widths:
            font.widths.setdefault(glyph, width)
        for glyph, text in texts:
            font.to_unicode.setdefault(glyph, text)
    if drawn.compressed:
        _compressed(stream, drawn.content)
    else:
        stream.stream = [drawn.content]
    return True


@dataclass
class _State:
    """What a stream's document held at a moment: the names of its resources, the images and
    how many sizes each is drawn at, and the length of each font's tables."""

    resources: dict[str, list[str]]
    images: dict[str, int]
    fonts: dict[int, tuple[int, int, int]]  # key: widths, texts, missing glyphs

    @staticmethod
    def of(stream: Any) -> _State:
        return _State(
            {kind: list(stream._resources[kind]) for kind in ("ExtGState", *OBJECTS)},
            {name: len(image["dpi_ratios"]) for name, image in stream._images.items()},
            {key: _counts(font) for key, font in stream._fonts.items()})

    def replayable(self, after: _State, stream: Any) -> bool:
        """Whether what a page added, from this state to ``after``, can be replayed: alpha
        states and glyphs only (not an image, a group, a pattern, a shading, a state numbered
        by count, a glyph the font lacks, a form)."""
        if any(self.resources[kind] != after.resources[kind] for kind in OBJECTS):
            return False
        if self.images != after.images:
            return False
        names = after.resources["ExtGState"][len(self.resources["ExtGState"]):]
        if not all(ALPHA_STATE.fullmatch(name) for name in names):
            return False
        return all(not font.used_in_forms and after.counts(key)[2] == self.counts(key)[2]
                   for key, font in stream._fonts.items())

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
