"""What can be decided only once the pages exist.

WeasyPrint numbers footnotes with a counter fixed before layout, so it cannot restart ①②③ on
every page. This module reads the laid-out pages, changes the document (the marks of the
notes), and has it laid out again. Everything that reaches into WeasyPrint's pages and
document tree stays here; written against WeasyPrint 70.0 (pinned in pyproject.toml).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import cssselect2
import weasyprint
from weasyprint.formatting_structure import boxes

from bookmaker.render.documents import note_mark

Render = Callable[[], weasyprint.Document]


def settle(html: weasyprint.HTML, render: Render) -> weasyprint.Document:
    """The document laid out, then again as long as a pass changed it."""
    document = render()
    if _numbering(html) == "page" and _mark_footnotes_per_page(document):
        _changed(html)
        document = render()
    return document


def _numbering(html: weasyprint.HTML) -> str | None:
    body = html.etree_element.find("body")
    return None if body is None else body.get("data-footnote-numbering")


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
