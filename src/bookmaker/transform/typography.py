"""Chinese typography for print (W3C clreq, GB/T 15834), as spans around existing text.

Each transform maps every run of inline text the book has (``reader_text``: paragraphs and
headings, in block quotes, lists, footnotes and table cells too)."""

from __future__ import annotations

import re
from collections.abc import Callable

from bookmaker.han import HAN
from bookmaker.model import Book, Emphasis, Inline, Link, Span, Text
from bookmaker.reader_text import map_reader_text

CLOSING_BRACKETS = set("）》」』〉】〕”’")  # the glyph on the left half, the right half blank
CLOSING = set("、，。．；：？！") | CLOSING_BRACKETS  # points: left in zh-Hans, centred in zh-Hant
OPENING = set("（《「『〈【〔“‘")  # the glyph on the right half, the left half blank
# The last two Han characters of a paragraph and whatever follows them (closing marks).
LAST_TWO = re.compile(f"{HAN.pattern}[^\u3400-\u9fff]*{HAN.pattern}[^\u3400-\u9fff]*$")

LATIN_RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.%]*(?<![.])")


def halt_marks(text: str) -> list[Inline]:
    """Two adjacent full-width marks take one and a half ems. A bracket or quotation mark has
    a blank half in every region's glyphs, a point (。，：…) only in Simplified ones (zh-Hant
    centres it), so the half-width one of a pair is: the second when it is an opening or a
    closing bracket, else the first."""
    halted: set[int] = set()
    for i in range(len(text) - 1):
        a, b = text[i], text[i + 1]
        if (a in CLOSING or a in OPENING) and (b in CLOSING or b in OPENING):
            if b in OPENING or b in CLOSING_BRACKETS:
                halted.add(i + 1)
            elif a in CLOSING and i not in halted:
                halted.add(i)
    if not halted:
        return [Text(text=text)]
    pieces: list[Inline] = []
    start = 0
    for i in sorted(halted):
        if i > start:
            pieces.append(Text(text=text[start:i]))
        pieces.append(Span(role="halt", children=[Text(text=text[i])]))
        start = i + 1
    if start < len(text):
        pieces.append(Text(text=text[start:]))
    return pieces


def halt_adjacent_punctuation(book: Book) -> Book:
    return map_reader_text(book, run=lambda inlines: _map_text(inlines, halt_marks))


def space_latin(text: str) -> list[Inline]:
    """A quarter em between Han characters and Latin letters or digits (clreq 3.2.3)."""
    pieces: list[Inline] = []
    start = 0
    for match in LATIN_RUN.finditer(text):
        before = match.start() > 0 and HAN.match(text[match.start() - 1])
        after = match.end() < len(text) and HAN.match(text[match.end()])
        if not (before or after):
            continue
        role = "space-around" if before and after else "space-before" if before else "space-after"
        if match.start() > start:
            pieces.append(Text(text=text[start:match.start()]))
        pieces.append(Span(role=role, children=[Text(text=match.group())]))
        start = match.end()
    if start < len(text):
        pieces.append(Text(text=text[start:]))
    return pieces


def _map_text(inlines: list[Inline], function: Callable[[str], list[Inline]]) -> list[Inline]:
    """``function`` applied to every text node, inside emphasis, links and spans too."""
    result: list[Inline] = []
    for node in inlines:
        if isinstance(node, Text):
            result.extend(function(node.text))
        elif isinstance(node, Emphasis | Link | Span):
            result.append(node.model_copy(update={"children": _map_text(node.children,
                                                                        function)}))
        else:
            result.append(node)
    return result


def space_han_and_latin(book: Book) -> Book:
    return map_reader_text(book, run=lambda inlines: _map_text(inlines, space_latin))


SHORT_NUMBER = re.compile(r"(?<![0-9A-Za-z.])[0-9]{1,2}(?![0-9A-Za-z.])")


def upright(text: str) -> list[Inline]:
    """Numbers of one or two digits set upright across the column (縱中橫), as vertical books
    set them; longer numbers and Latin words run sideways."""
    pieces: list[Inline] = []
    start = 0
    for match in SHORT_NUMBER.finditer(text):
        if match.start() > start:
            pieces.append(Text(text=text[start:match.start()]))
        pieces.append(Span(role="upright", children=[Text(text=match.group())]))
        start = match.end()
    if start < len(text):
        pieces.append(Text(text=text[start:]))
    return pieces


def upright_short_numbers(book: Book) -> Book:
    return map_reader_text(book, run=lambda inlines: _map_text(inlines, upright))


def _keep_last(inlines: list[Inline]) -> list[Inline]:
    """Hold a paragraph's last two Han characters together, so that its last line never holds
    a single character."""
    if not inlines or not isinstance(inlines[-1], Text):
        return inlines
    text = inlines[-1].text
    match = LAST_TWO.search(text)
    if not match or match.start() == 0:
        return inlines
    tail = Span(role="keep", children=[Text(text=text[match.start():])])
    return [*inlines[:-1], Text(text=text[:match.start()]), tail]


def keep_last_characters(book: Book) -> Book:
    return map_reader_text(book, run=_keep_last)
