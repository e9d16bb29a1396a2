"""Chinese typography for print (W3C clreq, GB/T 15834), as spans around existing text.

Each transform maps every run of inline text the book has (``reader_text``: paragraphs and
headings, in block quotes, lists, footnotes and table cells too)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from bookmaker.han import HAN
from bookmaker.model import (
    Block,
    Book,
    Container,
    Emphasis,
    Heading,
    Inline,
    Link,
    ListBlock,
    Paragraph,
    Span,
    Text,
    plain_text,
)
from bookmaker.reader_text import map_reader_text

CLOSING_BRACKETS = set("）》」』〉】〕”’")  # the glyph on the left half, the right half blank
POINTS = set("、，。．；：？！")  # left in zh-Hans (right half blank), centred in zh-Hant
CLOSING = POINTS | CLOSING_BRACKETS
OPENING = set("（《「『〈【〔“‘")  # the glyph on the right half, the left half blank
ADJACENT_MARKS = re.compile(f"[{re.escape(''.join(sorted(CLOSING | OPENING)))}]{{2,}}")
# The last two Han characters of a paragraph and whatever follows them (closing marks).
LAST_TWO = re.compile(f"{HAN.pattern}[^\u3400-\u9fff]*{HAN.pattern}[^\u3400-\u9fff]*$")

LATIN_RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.%]*(?<![.])")
LATIN_TAIL = re.compile(r"[A-Za-z0-9.%]*$")


def blank_halves(mark: str, centred_points: bool) -> tuple[bool, bool]:
    """Whether the full-width glyph of ``mark`` has a blank half on its left and on its right.
    A point centred in its em (zh-Hant) has a quarter on each side: no blank half."""
    if mark in OPENING:
        return True, False
    if mark in CLOSING_BRACKETS or (mark in POINTS and not centred_points):
        return False, True
    return False, False


def halt_marks(text: str, centred_points: bool = False) -> list[Inline]:
    """Adjacent punctuation compressed as clreq sets it: of the blank halves that stand between
    two marks, one goes, and which one the marks' blank sides decide. The first mark gives up
    its right half when it is blank (。” ，” ！」 ）。 in zh-Hans; 」。 」， in zh-Hant), else the
    second its left half (《〈; ，「 in zh-Hant). Where no blank half stands between them (a
    centred point before a closing bracket, 。」 in zh-Hant) both keep their width: the gap is
    a quarter em already."""
    halted: set[int] = set()
    for run in ADJACENT_MARKS.finditer(text):  # only marks beside marks: a regex finds them
        for i in range(run.start(), run.end() - 1):
            a, b = text[i], text[i + 1]
            if blank_halves(a, centred_points)[1] and i not in halted:
                halted.add(i)
            elif blank_halves(b, centred_points)[0]:
                halted.add(i + 1)
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
    centred = book.meta.script == "Hant"  # Traditional glyphs centre the points
    return map_reader_text(book, run=lambda inlines: _map_text(
        inlines, lambda text: halt_marks(text, centred)))


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


# Curly quotes are "QU" to UAX #14, which Pango follows: no line break on either side of one.
# Between Chinese characters clreq allows a break before an opening quote and after a closing
# one (only the quote may not end, or start, a line); Unicode 15.1 says so too (LB19a), Pango
# 1.50 does not yet. Without it "如“侘”“偭”“儵”；" is one unbreakable run, and the line
# before it is stretched over a third of its width.
OPENING_QUOTES = set("“‘")
CLOSING_QUOTES = set("”’")
QUOTES = re.compile("[“‘”’]")
CJK_TEXT = re.compile(f"{HAN.pattern}|[\u3040-\u30ff—…]")
BREAK_OPPORTUNITY = "\u200b"  # ZERO WIDTH SPACE: drawn as nothing, not in the PDF's text


def break_allowed(before: str, after: str) -> bool:
    """Whether clreq allows a line break between two characters that UAX #14 keeps together:
    before an opening quote that follows Chinese text or a closing mark, after a closing
    quote that Chinese text or an opening mark follows."""
    if after in OPENING_QUOTES:
        return before not in OPENING and (before in CLOSING or bool(CJK_TEXT.match(before)))
    if before in CLOSING_QUOTES:
        return after in OPENING or bool(CJK_TEXT.match(after))
    return False


def _break_at_quotes(inlines: list[Inline]) -> list[Inline]:
    """A zero-width space where ``break_allowed``, the characters' order followed across
    emphasis, links and spans (``”`` in a half-width span, ``“`` in the text after it)."""
    previous = ""

    def mark(text: str) -> str:
        nonlocal previous
        if not text:
            return text
        # a break may fall only before an opening quote or after a closing one
        candidates = {m.start() + (m.group() in CLOSING_QUOTES) for m in QUOTES.finditer(text)}
        if previous in CLOSING_QUOTES:
            candidates.add(0)
        cuts = [k for k in sorted(candidates) if k < len(text)
                and break_allowed(text[k - 1] if k else previous, text[k])]
        previous = text[-1]
        return BREAK_OPPORTUNITY.join(text[start:end] for start, end
                                      in zip([0, *cuts], [*cuts, len(text)], strict=True))

    def walk(nodes: list[Inline]) -> list[Inline]:
        nonlocal previous
        result: list[Inline] = []
        for node in nodes:
            if isinstance(node, Text):
                result.append(Text(text=mark(node.text)))
            elif isinstance(node, Emphasis | Link | Span):
                result.append(node.model_copy(update={"children": walk(node.children)}))
            else:  # a note call, code, a line break: no break added beside it
                previous = ""
                result.append(node)
        return result

    return walk(inlines)


def allow_breaks_at_quotes(book: Book) -> Book:
    """Not in headings: their text is also the PDF's outline, where the zero-width space
    would stay."""
    headings = {id(run) for chapter in book.chapters for run in _heading_runs(chapter.blocks)}
    return map_reader_text(book, run=lambda inlines: inlines if id(inlines) in headings
                           else _break_at_quotes(inlines))


def _heading_runs(blocks: list[Block]) -> Iterator[list[Inline]]:
    for block in blocks:
        if isinstance(block, Heading):
            yield block.children
        elif isinstance(block, Container):
            yield from _heading_runs(block.children)
        elif isinstance(block, ListBlock):
            for item in block.items:
                yield from _heading_runs(item)


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
    if not match:
        return inlines
    # with a Latin word or number just before them, and the character before that: the
    # Latin run must stay in the same text node as its Han neighbours, on both sides, to get
    # its quarter em (set on the rendered document, after this)
    latin = len(LATIN_TAIL.search(text[:match.start()]).group())
    start = max(0, match.start() - latin - (1 if latin else 0))
    if start == 0:
        return inlines
    tail = Span(role="keep", children=[Text(text=text[start:])])
    return [*inlines[:-1], Text(text=text[:start]), tail]


def keep_last_characters(book: Book) -> Book:
    return map_reader_text(book, run=_keep_last)


LEAD_IN_END = "："


def _mark_lead_ins(blocks: list[Block]) -> list[Block]:
    """A paragraph ending with "：" and followed by a block introduces it (a quotation, a list,
    verse): marked, so that print keeps it on the page of what it introduces (clreq)."""
    marked: list[Block] = []
    for item, following in zip(blocks, [*blocks[1:], None][:len(blocks)], strict=True):
        if isinstance(item, Container):
            item = item.model_copy(update={"children": _mark_lead_ins(item.children)})
        elif isinstance(item, ListBlock):
            item = item.model_copy(update={"items": [_mark_lead_ins(i) for i in item.items]})
        elif (isinstance(item, Paragraph) and following is not None
              and plain_text(item.children).rstrip().endswith(LEAD_IN_END)):
            item = item.model_copy(update={"lead_in": True})
        marked.append(item)
    return marked


def mark_lead_ins(book: Book) -> Book:
    chapters = [c.model_copy(update={"blocks": _mark_lead_ins(c.blocks)}) for c in book.chapters]
    return book.model_copy(update={"chapters": chapters})
