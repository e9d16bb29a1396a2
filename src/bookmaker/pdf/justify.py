"""Chinese line composition inside WeasyPrint 70: inter-character justification.

WeasyPrint justifies only at U+0020 and U+00A0 (``layout/inline.py``: ``justify_line`` counts
them, ``add_word_spacing`` hands each text box its share, and ``text/line_break.py``
``Layout.set_text`` applies it as Pango letter spacing). Chinese has no spaces, so its lines come
out ragged. Here the expansion opportunities are widened to every CJK character of the line
except its last one (the space after the last would fall outside the measure), and the same
Pango attribute carries the extra space. No character is inserted: the text extracted from the
PDF is the source text.

Two details of the drawing decide whether a line really ends on the type area's edge:
- Pango centres letter spacing on its glyph (half before, half after) but drops the leading half
  of a layout's first glyph; that glyph gets twice its share, so the box keeps its width.
- WeasyPrint writes the trailing half as a whole number of thousandths of the font size, cut
  toward zero (``int`` in ``draw/text.py``). Shares are allocated in whole steps of two such
  units, spread evenly over the line, and the draw module's ``int`` rounds to nearest instead,
  so that the float noise of Pango units cannot cut a step short.

The quarter-em space between Han and Latin letters or digits is a margin on a span (see
``transform/typography.py``); at the start or the end of a justified line it would show as a
dent, so it is taken off there and given to the line's extra width.

Everything WeasyPrint-specific stays in this module; ``install()`` is idempotent, and the tests
measure the result on rendered pages. Written against WeasyPrint 70.0 (pinned in
pyproject.toml): check this module when upgrading.
"""

from __future__ import annotations

import re
from typing import Any

from weasyprint.draw import text as draw_text
from weasyprint.formatting_structure import boxes
from weasyprint.layout import inline
from weasyprint.text import line_break
from weasyprint.text.ffi import TO_UNITS, ffi, pango

# The characters after which a Chinese line may be expanded: Han and kana. Not punctuation:
# adjacent marks stay compressed, and —— and …… stay unbroken lines.
CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")

AUTOSPACE_CLASSES = {"space-before", "space-after", "space-around"}

_installed = False
_original_set_text = line_break.Layout.set_text


def install() -> None:
    """Teach WeasyPrint Chinese justification (once per process)."""
    global _installed
    if _installed:
        return
    inline.justify_line = justify_line
    line_break.Layout.set_text = set_text
    draw_text.int = round  # module global shadows the builtin: see the module docstring
    _installed = True


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


def allocate(count: int, total: float, unit: float) -> list[float]:
    """``total`` split into ``count`` shares, each a whole number of ``2 * unit``, the
    remainder spread evenly (Bresenham), so that the shares add up to ``total`` within a step."""
    steps = round(total / (2 * unit))
    return [((i + 1) * steps // count - i * steps // count) * 2 * unit for i in range(count)]


def _text_boxes(box: Any) -> list[Any]:
    if isinstance(box, boxes.TextBox):
        return [box]
    if isinstance(box, boxes.LineBox | boxes.InlineBox):
        return [t for child in box.children if child.is_in_normal_flow()
                for t in _text_boxes(child)]
    return []


def justify_line(context: Any, line: Any, extra_width: float) -> None:
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


def _add_spacing(context: Any, box: Any, spacing: float, x_advance: float, last: Any) -> float:
    """``add_word_spacing`` of WeasyPrint 70, counting CJK opportunities."""
    if isinstance(box, boxes.TextBox):
        box.justification_spacing = spacing
        box.position_x += x_advance
        indices = expandable(box.text, box is last)
        if indices or spaces(box.text):
            layout = line_break.create_layout(box.text, box.style, context, max_width=None,
                                              justification_spacing=spacing)
            shares = allocate(len(indices), spacing * len(indices),
                              box.style["font_size"] / 1000) if indices else []
            layout.cjk_spacings = dict(zip(indices, shares, strict=True))
            if indices and indices[0] == 0:
                layout.cjk_spacings[0] *= 2  # Pango drops the leading half at a layout's start
            layout.deactivate()
            extra = sum(shares) + spacing * spaces(box.text)
            x_advance += extra
            box.width += extra
            box.pango_layout = layout
    elif isinstance(box, boxes.LineBox | boxes.InlineBox):
        box.position_x += x_advance
        before = x_advance
        children = box.children[::-1] if box.style["direction"] == "rtl" else box.children
        for child in children:
            if child.is_in_normal_flow():
                x_advance = _add_spacing(context, child, spacing, x_advance, last)
        box.width += x_advance - before
    else:
        box.translate(x_advance, 0)
    return x_advance


def set_text(self: Any, text: str, justify: bool = False) -> None:
    """``Layout.set_text``, then the justification shares as Pango letter-spacing attributes."""
    _original_set_text(self, text, justify)
    spacings = getattr(self, "cjk_spacings", None) if justify else None
    if not self.text or not spacings:
        return
    attributes = pango.pango_layout_get_attributes(self.layout)
    if attributes == ffi.NULL:
        attributes = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
    letter_spacing = self.style["letter_spacing"]
    base = 0 if letter_spacing == "normal" else letter_spacing
    offsets = _byte_offsets(self.text)
    for i, extra in spacings.items():
        attribute = pango.pango_attr_letter_spacing_new(int((base + extra) * TO_UNITS))
        attribute.start_index, attribute.end_index = offsets[i], offsets[i + 1]
        pango.pango_attr_list_change(attributes, attribute)
    pango.pango_layout_set_attributes(self.layout, attributes)



def _byte_offsets(text: str) -> list[int]:
    offsets = [0]
    for char in text:
        offsets.append(offsets[-1] + len(char.encode("utf-8")))
    return offsets
