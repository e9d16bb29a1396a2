"""What can be decided only once the pages exist.

Where figures and tables go (``floats``), and footnote marks per page: WeasyPrint numbers
footnotes with a counter fixed before layout, so it cannot restart ①②③ on every page. These
passes read the laid-out pages, change the document, and have it laid out again. Everything
that reaches into WeasyPrint's pages and document tree stays here and in ``floats``; written
against WeasyPrint 70.0 (pinned in pyproject.toml).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import cssselect2
import weasyprint
from weasyprint.formatting_structure import boxes

from bookmaker.pdf import floats
from bookmaker.render.documents import note_mark

Render = Callable[[], weasyprint.Document]


PX_PER_PT = 4 / 3


def settle(html: weasyprint.HTML, render: Render) -> weasyprint.Document:
    """The document laid out; again with its floats placed; again with its footnotes
    numbered per page."""
    document = render()
    line_height = float(_body(html, "data-line-height") or 0) * PX_PER_PT
    if line_height:
        document = floats.place_floats(html.etree_element, render, lambda: _changed(html),
                                       document, line_height)
    if _body(html, "data-footnote-numbering") == "page" and _mark_footnotes_per_page(document):
        _changed(html)
        document = render()
    return document


def _body(html: weasyprint.HTML, attribute: str) -> str | None:
    """What the print template wrote on the body element for this stage."""
    body = html.etree_element.find("body")
    return None if body is None else body.get(attribute)


def _changed(html: weasyprint.HTML) -> None:
    """The tree was edited in place: selectors must see it afresh."""
    html.wrapper_element = cssselect2.ElementWrapper.from_html_root(
        html.etree_element, content_language=None)


def _calls(page: weasyprint.Page) -> Iterator[boxes.Box]:
    """The footnote calls in the text of ``page``, in order (the page box's first child is
    the root box; a call's box knows its note)."""
    for box in page._page_box.children[0].descendants():
        if getattr(box, "footnote", None) is not None:
            yield box


def _mark_footnotes_per_page(document: weasyprint.Document) -> bool:
    """Number each note by its call's place on the page of the call: ① for the first call on
    every page. A note that did not fit under its call keeps that page's number and heads the
    notes overleaf, as a continued note does. The marks are all one em wide, so the pages do
    not change. True if any mark changed."""
    changed = False
    for page in document.pages:
        elements = list(dict.fromkeys(box.footnote.element for box in _calls(page)))
        for number, element in enumerate(elements, start=1):
            if element.get("data-mark") != note_mark(number):
                element.set("data-mark", note_mark(number))
                changed = True
    return changed
