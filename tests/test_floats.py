"""pdf.floats: a paragraph split in two where a float is moved to the top of a page."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from bookmaker.pdf.floats import split_paragraph

PARAGRAPH = ('<p class="lead-in">甲乙<span class="halt">，</span>丙丁<span class="footnote" '
             'data-mark="①">注文不算</span>戊己 <em>ab <strong>cd</strong></em>庚辛</p>')


def visible(element: ET.Element) -> str:
    """The text a line sets: without a footnote's text."""
    parts = [element.text or ""]
    for child in element:
        if "footnote" not in (child.get("class") or ""):
            parts.append(visible(child))
        parts.append(child.tail or "")
    return "".join(parts)


@pytest.mark.parametrize("offset", range(1, 14))
def test_a_split_paragraph_keeps_every_character_and_the_markup(offset: int) -> None:
    paragraph = ET.fromstring(PARAGRAPH)
    first, second = split_paragraph(paragraph, offset)
    assert len(re.sub(r"\s", "", visible(first))) == offset
    assert visible(first) + visible(second) == visible(paragraph)
    notes = [e for part in (first, second) for e in part.iter("span")
             if e.get("class") == "footnote"]
    assert len(notes) == 1 and notes[0].text == "注文不算"
    assert first.get("class") == "runs-over"  # the lead-in is the part before the quotation
    assert second.get("class") == "lead-in run-on"
    assert all(e.tag in ("p", "span", "em", "strong") for part in (first, second)
               for e in part.iter())


def test_a_book_without_figures_or_tables_is_laid_out_once_and_its_pages_not_read() -> None:
    from bookmaker.pdf.floats import place_floats

    class Unread:
        @property
        def pages(self) -> list[object]:
            raise AssertionError("the pages were read")

    def render() -> object:
        raise AssertionError("laid out again")

    root = ET.fromstring('<html><body><section class="chapter"><p>甲</p></section></body></html>')
    document = Unread()
    assert place_floats(root, render, lambda: None, document, 24.0) is document  # type: ignore[arg-type]
    root.find("body/section").append(ET.fromstring("<figure><img/></figure>"))
    with pytest.raises(AssertionError, match="pages were read"):
        place_floats(root, render, lambda: None, document, 24.0)  # type: ignore[arg-type]
