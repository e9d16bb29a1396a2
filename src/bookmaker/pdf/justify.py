"""Chinese line composition inside WeasyPrint 70: inter-character justification.

WeasyPrint justifies only at U+0020 and U+00A0 (``layout/inline.py``: ``justify_line`` counts
them, ``add_word_spacing`` hands each text box its share, and ``text/line_break.py``
``Layout.set_text`` applies it as Pango letter spacing). Chinese has no spaces, so its lines come
out ragged. Here the expansion opportunities are widened to every CJK character of the line
except its last one (the space after the last would fall outside the measure). No character is
inserted: the text extracted from the PDF is the source text.

The patches hold only inside ``chinese_justification()``, around bookmaker's own ``write_pdf``
call (``unittest.mock.patch.object``: restored afterwards, whatever happens), and only on the
WeasyPrint version this module was written for (``WRITTEN_FOR``). On another version nothing is
patched: WeasyPrint justifies by itself, Chinese lines stay ragged, and the PDF stage says so
once (``fallback_warning``).

How a share of the extra width reaches the page decides whether the gaps are even and the line
really ends on the type area's edge. The share of a character goes whole after it: its glyph is
made wider on the line WeasyPrint draws, when the layout is set up again for drawing
(``Layout.reactivate`` in ``text/line_break.py``, then ``_apply_spacings``). Pango's letter
spacing, which WeasyPrint uses for spaces, would put half of it before the glyph and none before
a layout's first glyph, so that the gap after a text box's first character took one and a half
shares. WeasyPrint writes the glyph's advance into the PDF as the font's advance plus the
difference cut to whole thousandths of the font size (``draw_first_line`` in ``draw/text.py``):
``spacings`` picks whole thousandths that keep the line's running total on target, and
``glyph_units`` the width that is cut to them. The boxes are widened by what is drawn, so the
line ends where the glyphs end.

The quarter-em space between Han and Latin letters or digits is a margin on a span (see
``transform/typography.py``); at the start or the end of a justified line it would show as a
dent, so it is taken off there and given to the line's extra width.

Drawing sets a text box's layout up again and drops it (``draw_text`` in ``draw/text.py``); a
layout drawn again at once, as a leader's dots are (one layout for all of them), takes back what
the draw before set up instead (``_set_up_again``), which draws the same glyphs at less cost.

Everything WeasyPrint-specific stays in this module, and the tests measure the result on
rendered pages (``tests/test_justify.py`` on a few lines, ``tests/test_pdf_lines.py`` on the
sample book). Upgrading WeasyPrint: re-read the six functions named above in the new version,
then change ``WRITTEN_FOR`` and run those tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any
from unittest import mock

import weasyprint
from weasyprint import draw
from weasyprint.formatting_structure import boxes
from weasyprint.layout import inline
from weasyprint.text import line_break
from weasyprint.text.ffi import TO_UNITS, ffi, pango

from bookmaker.diagnostics import Diagnostic, Severity
from bookmaker.transform.typography import BREAK_OPPORTUNITY

WRITTEN_FOR = "70.0"

# The characters after which a Chinese line may be expanded: Han and kana. Not punctuation:
# adjacent marks stay compressed, and —— and …… stay unbroken lines.
CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")

AUTOSPACE_CLASSES = {"space-before", "space-after", "space-around"}



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
    original_reactivate = line_break.Layout.reactivate
    original_draw_text = draw.draw_text
    drawn: dict[str, Any] = {}  # whether the draw under way is plain; the layout drawn last

    def draw_text(stream: Any, textbox: Any, offset_x: float, text_overflow: str = "clip",
                  block_ellipsis: str = "none") -> None:
        # an ellipsis changes the layout as it is drawn: such a layout is set up afresh
        drawn["plain"] = text_overflow == "clip" and block_ellipsis == "none"
        try:
            original_draw_text(stream, textbox, offset_x, text_overflow, block_ellipsis)
        finally:
            drawn["plain"] = False

    def reactivate(self: Any, style: Any) -> None:
        chosen = getattr(self, "cjk_spacings", None)
        if drawn.get("plain") and not chosen and _set_up_again(self, style, drawn):
            return
        text = self.text
        original_reactivate(self, style)
        drawn["last"] = ((self, style, text, self.justification_spacing, self.layout,
                          self.language) if drawn.get("plain") and not chosen else None)
        if chosen and self.text:
            # the line WeasyPrint is about to draw: laid out as ``draw_first_line`` lays it
            # out (single-paragraph mode, which it sets again without a change), then widened
            pango.pango_layout_set_single_paragraph_mode(self.layout, True)
            _apply_spacings(self, pango.pango_layout_get_line_readonly(self.layout, 0), chosen)

    with (mock.patch.object(inline, "justify_line", justify_line),
          mock.patch.object(line_break.Layout, "reactivate", reactivate),
          mock.patch.object(draw, "draw_text", draw_text)):
        yield True


def _set_up_again(layout: Any, style: Any, drawn: dict[str, Any]) -> bool:
    """Whether ``layout`` was drawn just before, by a plain draw, with the same style, text and
    spacing; if so it takes back the Pango layout that draw set up, which WeasyPrint would set
    up again the same way (a Pango context, a font description, the text shaped). WeasyPrint
    draws a leader's dots so: one text box copied for every dot (eighty to a line of the
    contents), all sharing one layout, which it sets up and drops for each."""
    last = drawn.get("last")
    if not (last and last[0] is layout and last[1] is style and last[2] == layout.text
            and last[3] == layout.justification_spacing):
        return False
    layout.style, layout.layout, layout.language = style, last[4], last[5]
    return True


def expandable(text: str, line_end: bool) -> list[int]:
    """The indices of the characters after which the line may be expanded: Han and kana, but
    not the line's last character (before the zero-width break opportunity that may end it)."""
    stop = len(text.rstrip(BREAK_OPPORTUNITY)) - 1 if line_end else len(text)
    return [match.start() for match in CJK.finditer(text, 0, stop)]


def spaces(text: str) -> int:
    """The spaces WeasyPrint itself expands."""
    return text.count(" ") + text.count("\u00a0")


def drawing_size(font_size: float) -> float:
    """The font size WeasyPrint draws with: the Pango font's, in whole Pango units."""
    return round(font_size * TO_UNITS) / TO_UNITS


def spacings(indices: list[int], share: float, font_size: float) -> tuple[dict[int, int], float]:
    """The extra advance after each character at ``indices``, in whole thousandths of the font
    size (what WeasyPrint writes into the PDF), chosen so that the running total of what is
    drawn stays within half a thousandth of an em of the running total of the shares of
    ``share`` px; and the total width drawn (px)."""
    thousandth = drawing_size(font_size) / 1000
    chosen: dict[int, int] = {}
    target = total = 0.0
    for index in indices:
        target += share
        extra = round((target - total) / thousandth)
        if extra > 0:
            chosen[index] = extra
            total += extra * thousandth
    return chosen, total


@lru_cache(maxsize=4096)
def glyph_units(thousandths: int, font_size: float) -> int:
    """The Pango units to add to a glyph's advance for WeasyPrint to draw it ``thousandths``
    of the font size wider. ``draw_first_line`` writes ``int`` of the difference between the
    font's advance and the glyph's width, in thousandths: half a thousandth more keeps that
    cut on the wanted value whatever the noise."""
    return round((thousandths + 0.5) * TO_UNITS * drawing_size(font_size) / 1000)


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
    # each text box's opportunities: the CJK characters it expands after, and its spaces
    found = {id(t): (expandable(t.text, t is last), spaces(t.text)) for t in texts}
    total = sum(len(indices) + count for indices, count in found.values())
    if total:
        _add_spacing(context, line, extra_width / total, 0, found)


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


def _add_spacing(context: Any, box: Any, share: float, x_advance: float,
                 found: dict[int, tuple[list[int], int]]) -> float:
    """``add_word_spacing`` of WeasyPrint 70, counting CJK opportunities (``found``: each text
    box's, by ``id``)."""
    if isinstance(box, boxes.TextBox):
        box.justification_spacing = share
        box.position_x += x_advance
        indices, space_count = found[id(box)]
        if indices or space_count:
            layout = _drawing_layout(context, box, share)
            layout.cjk_spacings, cjk_width = spacings(indices, share, box.style["font_size"])
            extra = cjk_width + share * space_count
            x_advance += extra
            box.width += extra
            box.pango_layout = layout
    elif isinstance(box, boxes.LineBox | boxes.InlineBox):
        box.position_x += x_advance
        before = x_advance
        children = box.children[::-1] if box.style["direction"] == "rtl" else box.children
        for child in children:
            if child.is_in_normal_flow():
                x_advance = _add_spacing(context, child, share, x_advance, found)
        box.width += x_advance - before
    else:
        box.translate(x_advance, 0)
    return x_advance


def _drawing_layout(context: Any, box: Any, share: float) -> Any:
    """The (inactive) layout that will draw ``box`` with ``share`` px of justification. The
    box's own layout, from the line breaking, when it holds just the box's text: the layout is
    set up again from its text, style and spacing when drawn, so a new one would draw the
    same."""
    layout = getattr(box, "pango_layout", None)
    if layout is not None and layout.text == box.text:
        layout.justification_spacing = share
        return layout
    layout = line_break.create_layout(box.text, box.style, context, max_width=None,
                                      justification_spacing=share)
    layout.deactivate()
    return layout


def _apply_spacings(layout: Any, line: Any, chosen: dict[int, int]) -> None:
    """The justification spacings added to the advances of their characters' glyphs on the
    line WeasyPrint draws. The whole share goes after its character, so the gaps between
    characters are even, at a text box's start as inside it."""
    font_size = layout.style["font_size"]
    wanted = {offset: glyph_units(extra, font_size) for offset, extra
              in zip(_byte_offsets(layout.text, chosen), chosen.values(), strict=True)}
    run = line.runs
    while run != ffi.NULL:
        glyph_item = run.data
        run = run.next
        item_offset = glyph_item.item.offset
        glyphs = glyph_item.glyphs
        count = glyphs.num_glyphs
        clusters = ffi.unpack(glyphs.log_clusters, count)
        for j, cluster in enumerate(clusters):
            start = item_offset + cluster
            last_of_cluster = j == count - 1 or clusters[j + 1] != cluster
            if last_of_cluster and start in wanted:
                glyphs.glyphs[j].geometry.width += wanted[start]


def _byte_offsets(text: str, indices: Iterable[int]) -> list[int]:
    """Where the characters at ``indices`` (ascending) start in the UTF-8 text."""
    offsets, offset, previous = [], 0, 0
    for index in indices:
        offset += len(text[previous:index].encode())
        offsets.append(offset)
        previous = index
    return offsets
