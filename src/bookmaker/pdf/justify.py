"""Chinese line composition inside WeasyPrint 70: inter-character justification.

WeasyPrint justifies only at U+0020 and U+00A0 (``layout/inline.py``: ``justify_line`` counts
them, ``add_word_spacing`` hands each text box its share, and ``text/line_break.py``
``Layout.set_text`` applies it as Pango letter spacing). Chinese has no spaces, so its lines come
out ragged. Here the expansion opportunities are widened to every CJK character of the line
except its last one (the space after the last would fall outside the measure), and the same
Pango attribute carries the extra space. No character is inserted: the text extracted from the
PDF is the source text.

The patches hold only inside ``chinese_justification()``, around bookmaker's own ``write_pdf``
call (``unittest.mock.patch.object``: restored afterwards, whatever happens), and only on the
WeasyPrint version this module was written for (``WRITTEN_FOR``). On another version nothing is
patched: WeasyPrint justifies by itself, Chinese lines stay ragged, and the PDF stage says so
once (``fallback_warning``).

How a share of the extra width reaches the page decides whether a line really ends on the type
area's edge. Pango takes a letter spacing in its integer units (1/1024 px) and splits it, half
before the glyph and half after, dropping the leading half at a layout's first glyph; WeasyPrint
then writes the glyph's advance into the PDF as its natural width plus the leading half, plus the
trailing half cut to whole thousandths of the font size (``draw_first_line`` in
``draw/text.py``). ``drawn`` computes that advance; ``pango_spacing`` picks, for each share, the
Pango spacing whose trailing half is far from a cut (so that rounding noise cannot move it) and
whose drawn width keeps the line's running total on target. The boxes are widened by what is
drawn, so the line ends where the glyphs end.

The quarter-em space between Han and Latin letters or digits is a margin on a span (see
``transform/typography.py``); at the start or the end of a justified line it would show as a
dent, so it is taken off there and given to the line's extra width.

Everything WeasyPrint-specific stays in this module, and the tests measure the result on
rendered pages (``tests/test_justify.py`` on three lines, ``tests/test_pdf_lines.py`` on the
sample book). Upgrading WeasyPrint: re-read the four functions named above in the new version,
then change ``WRITTEN_FOR`` and run those tests.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any
from unittest import mock

import weasyprint
from weasyprint.formatting_structure import boxes
from weasyprint.layout import inline
from weasyprint.text import line_break
from weasyprint.text.ffi import TO_UNITS, ffi, pango

from bookmaker.diagnostics import Diagnostic, Severity

WRITTEN_FOR = "70.0"

# The characters after which a Chinese line may be expanded: Han and kana. Not punctuation:
# adjacent marks stay compressed, and —— and …… stay unbroken lines.
CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")

AUTOSPACE_CLASSES = {"space-before", "space-after", "space-around"}

# How far from a whole thousandth the trailing half must stay, so that the cut is certain
SAFE_MARGIN = 0.15
# How many Pango units around the wanted spacing are tried
SEARCH = range(-16, 17)


def supported(version: str | None = None) -> bool:
    """Whether the running WeasyPrint is the one these patches were written for."""
    return (version or weasyprint.__version__) == WRITTEN_FOR


def fallback_warning() -> Diagnostic:
    return Diagnostic(
        "P003",
        f"WeasyPrint {weasyprint.__version__} is not the version bookmaker's Chinese "
        f"justification was written for ({WRITTEN_FOR}): the PDF's lines are justified by "
        "WeasyPrint alone, and Chinese lines end ragged",
        hint=f"install the pinned versions: pip install -c constraints.txt "
             f"weasyprint=={WRITTEN_FOR}",
        severity=Severity.WARNING,
    )


@contextmanager
def chinese_justification() -> Iterator[bool]:
    """WeasyPrint taught Chinese justification for the duration of the block; yields whether it
    was (False: another WeasyPrint version, left as it is)."""
    if not supported():
        yield False
        return
    original_set_text = line_break.Layout.set_text

    def set_text(self: Any, text: str, justify: bool = False) -> None:
        original_set_text(self, text, justify)
        _apply_spacings(self, justify)

    with (mock.patch.object(inline, "justify_line", justify_line),
          mock.patch.object(line_break.Layout, "set_text", set_text)):
        yield True


def expandable(text: str, line_end: bool) -> list[int]:
    """The indices of the characters after which the line may be expanded: Han and kana, but
    not the line's last character."""
    stop = len(text) - 1 if line_end else len(text)
    return [i for i in range(stop) if CJK.match(text[i])]


def spaces(text: str) -> int:
    """The spaces WeasyPrint itself expands."""
    return text.count(" ") + text.count("\u00a0")


def opportunities(text: str, line_end: bool) -> int:
    """How many shares of a line's extra width a text box takes."""
    return len(expandable(text, line_end)) + spaces(text)


def halves(spacing: int) -> tuple[int, int]:
    """A letter spacing in Pango units split as Pango splits it: before and after the glyph
    (``pango_glyph_item_letter_space``; C division, toward zero)."""
    before = int(spacing / 2)
    return before, spacing - before


def drawn(spacing: int, font_size: float, first: bool) -> tuple[float, float]:
    """What WeasyPrint 70 draws for a glyph given ``spacing`` Pango units of letter spacing, in
    thousandths of the font size: the extra advance, and the trailing half before its cut.

    ``draw_first_line`` writes the leading half as the glyph's x offset divided by the font size
    (x_offset / font_size), and the rest of the advance as ``int`` of the difference between the
    glyph's width and what it has written."""
    before, after = halves(spacing)
    per_unit = 1000 / (TO_UNITS * font_size)  # thousandths of the font size per Pango unit
    offset = 0.0 if first else before / font_size
    trailing = per_unit * (after if first else before + after) - offset
    return offset + math.floor(trailing), trailing


@lru_cache(maxsize=65536)
def pango_spacing(wanted: int, font_size: float, first: bool) -> tuple[int, float]:
    """The Pango letter spacing for a glyph to be drawn ``wanted`` Pango units wider, and the
    width (px) it will really be drawn wider: the nearest whose trailing half is safely away
    from a cut. The first glyph of a layout needs twice as much (Pango drops half)."""
    centre = wanted * 2 if first else wanted
    best: tuple[float, int, float] | None = None
    for step in SEARCH:
        spacing = centre + step
        if spacing <= 0 or spacing % TO_UNITS == 0:  # Pango rounds whole pixels its own way
            continue
        extra, trailing = drawn(spacing, font_size, first)
        if not SAFE_MARGIN < trailing - math.floor(trailing) < 1 - SAFE_MARGIN:
            continue
        width = extra * font_size / 1000
        miss = abs(width * TO_UNITS - wanted)
        if best is None or miss < best[0]:
            best = (miss, spacing, width)
    if best is None:  # less than about a Pango unit: leave the glyph as it is
        return 0, 0.0
    return best[1], best[2]


def spacings(indices: list[int], share: float, font_size: float) -> tuple[dict[int, int], float]:
    """Pango spacings for the characters at ``indices`` of a layout, ``share`` px each, chosen
    so that the running total of what is drawn stays within a fraction of a thousandth of an
    em of the running total of the shares; and the total width drawn."""
    chosen: dict[int, int] = {}
    target = total = 0.0
    for index in indices:
        target += share
        spacing, width = pango_spacing(round((target - total) * TO_UNITS), font_size,
                                       index == 0)
        if spacing:
            chosen[index] = spacing
            total += width
    return chosen, total


def _text_boxes(box: Any) -> list[Any]:
    if isinstance(box, boxes.TextBox):
        return [box]
    if isinstance(box, boxes.LineBox | boxes.InlineBox):
        return [t for child in box.children if child.is_in_normal_flow()
                for t in _text_boxes(child)]
    return []


def justify_line(context: Any, line: Any, extra_width: float) -> None:
    """``inline.justify_line``, counting the gaps after CJK characters as opportunities."""
    texts = _text_boxes(line)
    if not texts:
        return
    last = texts[-1]
    extra_width += _drop_edge_spaces(line)
    total = sum(opportunities(t.text, t is last) for t in texts)
    if total:
        _add_spacing(context, line, extra_width / total, 0, last)


def _drop_edge_spaces(line: Any) -> float:
    """Take the Han–Latin margins off the line's first and last inline boxes; return their
    width, for the line's extra width."""
    freed = 0.0
    children = [c for c in line.children if c.is_in_normal_flow()]
    if not children:
        return freed
    first, last = children[0], children[-1]
    if isinstance(first, boxes.InlineBox) and _is_autospace(first) and first.margin_left:
        shift = first.margin_left
        first.margin_left = 0
        for child in first.children:
            child.translate(-shift, 0)
        for sibling in children[1:]:
            sibling.translate(-shift, 0)
        freed += shift
    if isinstance(last, boxes.InlineBox) and _is_autospace(last) and last.margin_right:
        freed += last.margin_right
        last.margin_right = 0
    return freed


def _is_autospace(box: Any) -> bool:
    classes = (box.element.get("class") or "").split() if box.element is not None else []
    return any(c in AUTOSPACE_CLASSES for c in classes)


def _add_spacing(context: Any, box: Any, share: float, x_advance: float, last: Any) -> float:
    """``add_word_spacing`` of WeasyPrint 70, counting CJK opportunities."""
    if isinstance(box, boxes.TextBox):
        box.justification_spacing = share
        box.position_x += x_advance
        indices = expandable(box.text, box is last)
        if indices or spaces(box.text):
            layout = line_break.create_layout(box.text, box.style, context, max_width=None,
                                              justification_spacing=share)
            layout.cjk_spacings, cjk_width = spacings(indices, share, box.style["font_size"])
            layout.deactivate()
            extra = cjk_width + share * spaces(box.text)
            x_advance += extra
            box.width += extra
            box.pango_layout = layout
    elif isinstance(box, boxes.LineBox | boxes.InlineBox):
        box.position_x += x_advance
        before = x_advance
        children = box.children[::-1] if box.style["direction"] == "rtl" else box.children
        for child in children:
            if child.is_in_normal_flow():
                x_advance = _add_spacing(context, child, share, x_advance, last)
        box.width += x_advance - before
    else:
        box.translate(x_advance, 0)
    return x_advance


def _apply_spacings(layout: Any, justify: bool) -> None:
    """After ``Layout.set_text``: the justification spacings as Pango letter-spacing
    attributes on their characters (only when drawing: ``justify``)."""
    chosen = getattr(layout, "cjk_spacings", None) if justify else None
    if not layout.text or not chosen:
        return
    attributes = pango.pango_layout_get_attributes(layout.layout)
    if attributes == ffi.NULL:
        attributes = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
    letter_spacing = layout.style["letter_spacing"]
    base = 0 if letter_spacing == "normal" else int(letter_spacing * TO_UNITS)
    offsets = _byte_offsets(layout.text)
    for i, spacing in chosen.items():
        attribute = pango.pango_attr_letter_spacing_new(base + spacing)
        attribute.start_index, attribute.end_index = offsets[i], offsets[i + 1]
        pango.pango_attr_list_change(attributes, attribute)
    pango.pango_layout_set_attributes(layout.layout, attributes)


def _byte_offsets(text: str) -> list[int]:
    offsets = [0]
    for char in text:
        offsets.append(offsets[-1] + len(char.encode("utf-8")))
    return offsets
