"""Chinese line composition inside WeasyPrint 70: inter-character justification and the
quarter-em space between Han characters and Latin letters or digits.

WeasyPrint justifies only at U+0020 and U+00A0 (``layout/inline.py``: ``justify_line`` counts
them, ``add_word_spacing`` hands each text box its share, and ``text/line_break.py``
``Layout.set_text`` applies it as Pango letter spacing). Chinese has no spaces, so its lines come
out ragged. Here the expansion opportunities are widened to every CJK character of the line
except its last one (Pango adds letter spacing after a character, so the last one's would fall
outside the measure), and the same Pango attribute carries the extra space. No character is
inserted: the text extracted from the PDF is the source text.

The Han–Latin space is a letter-spacing attribute too, set on a Han character followed by a
Latin letter or digit (and the reverse) within one text, at layout time so that line breaking
measures it.

Everything WeasyPrint-specific stays in this module; ``install()`` is idempotent, and the tests
measure the result on rendered pages. Written against WeasyPrint 70.0 (pinned in
pyproject.toml): check this module when upgrading.
"""

from __future__ import annotations

import re
from typing import Any

from weasyprint.formatting_structure import boxes
from weasyprint.layout import inline
from weasyprint.text import line_break
from weasyprint.text.ffi import TO_UNITS, ffi, pango

# Characters between which Chinese text may be expanded: Han, kana, CJK symbols and
# punctuation, full-width forms, and the marks GB/T 15834 sets full width (—, …, quotes, ·).
CJK = re.compile(
    "[\u2e80-\u2fff\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f"
    "\uff00-\uffef\U00020000-\U0003ffff\u2014\u2026\u201c\u201d\u2018\u2019\u00b7]"
)
HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")
LATIN = re.compile("[A-Za-z0-9]")
AUTOSPACE_EM = 0.25

_installed = False
_original_set_text = line_break.Layout.set_text


def install() -> None:
    """Teach WeasyPrint Chinese justification (once per process)."""
    global _installed
    if _installed:
        return
    inline.justify_line = justify_line
    line_break.Layout.set_text = set_text
    _installed = True


def opportunities(text: str, line_end: bool) -> int:
    """How many shares of a line's extra width a text box takes: each CJK character, except
    the line's last; and each space, as WeasyPrint counts them."""
    count = len(CJK.findall(text)) + text.count(" ") + text.count("\u00a0")
    if line_end and text and CJK.match(text[-1]):
        count -= 1
    return count


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
    total = sum(opportunities(t.text, t is last) for t in texts)
    if total:
        _add_spacing(context, line, extra_width / total, 0, last)


def _add_spacing(context: Any, box: Any, spacing: float, x_advance: float, last: Any) -> float:
    """``add_word_spacing`` of WeasyPrint 70, counting CJK opportunities."""
    if isinstance(box, boxes.TextBox):
        box.justification_spacing = spacing
        box.position_x += x_advance
        count = opportunities(box.text, box is last)
        if count > 0:
            layout = line_break.create_layout(box.text, box.style, context, max_width=None,
                                              justification_spacing=spacing)
            layout.cjk_line_end = box is last
            layout.deactivate()
            extra = spacing * count
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
    """``Layout.set_text``, then the Chinese spacing as Pango letter-spacing attributes."""
    _original_set_text(self, text, justify)
    if not self.text:
        return
    spacings = _autospace(self.text, self.style["font_size"])
    if justify and self.justification_spacing:
        line_end = getattr(self, "cjk_line_end", False)
        stop = len(self.text) - 1 if line_end else len(self.text)
        for i, char in enumerate(self.text[:stop]):
            if CJK.match(char):
                spacings[i] = spacings.get(i, 0) + self.justification_spacing
    if not spacings:
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


def _autospace(text: str, font_size: float) -> dict[int, float]:
    """A quarter em after each Han character followed by a Latin letter or digit, and after
    each Latin letter or digit followed by a Han character."""
    space = AUTOSPACE_EM * font_size
    return {
        i: space
        for i in range(len(text) - 1)
        if (HAN.match(text[i]) and LATIN.match(text[i + 1]))
        or (LATIN.match(text[i]) and HAN.match(text[i + 1]))
    }


def _byte_offsets(text: str) -> list[int]:
    offsets = [0]
    for char in text:
        offsets.append(offsets[-1] + len(char.encode("utf-8")))
    return offsets
