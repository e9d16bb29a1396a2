"""WeasyPrint 70's page margin boxes without work that changes nothing drawn.

On every page WeasyPrint makes all sixteen margin boxes (``make_margin_boxes`` in
``layout/page.py``), resolves the percentages of each from its style (nineteen properties,
each computed from the cascade afresh), and then sets every size and spacing of a box whose
content is ``none`` (not generated) to zero, which is all its neighbours read of it. bookmaker's
pages have two or three generated boxes; the others' percentages cost 0.35 s of CPU on a
490-page book. ``resolve_percentages`` here leaves them out. ``justify.chinese_justification``'s
caller puts it in place, with the other patches, only on the WeasyPrint it was written for.

The styles of a page's margin boxes (its page type's pseudo-elements) are computed for every
page (``set_page_type_computed_styles``), and WeasyPrint finds them by going through the
cascaded styles of every page type so far. A page type holds the page's number, so each page
adds its own (nineteen keys) and the search grows with the square of the pages: 2.5 million
keys, 0.6 s of CPU, for a 490-page book. ``page_type_styles`` looks up the few that the page
rules can name instead (0.09 s).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from weasyprint.formatting_structure import boxes
from weasyprint.layout import page


@contextmanager
def margin_boxes_spared() -> Iterator[None]:
    original = page.resolve_percentages

    def resolve_percentages(box: Any, containing_block: Any) -> None:
        if isinstance(box, boxes.MarginBox) and not box.is_generated:
            return  # its sizes and spacings are set to zero next, and nothing else is read
        original(box, containing_block)

    with (mock.patch.object(page, "resolve_percentages", resolve_percentages),
          mock.patch.object(page, "set_page_type_computed_styles", page_type_styles)):
        yield


def page_type_styles(page_type: Any, html: Any, style_for: Any) -> None:
    """``set_page_type_computed_styles`` of WeasyPrint 70: the page type's style, then its
    pseudo-elements' (margin boxes, footnote area), each computed from its own cascaded style
    and the page type's, so in any order."""
    style_for.add_page_declarations(page_type)
    style_for.set_computed_styles(page_type, root=html.etree_element,
                                  parent=html.etree_element, base_url=html.base_url)
    cascaded = style_for.get_cascaded_styles()
    for pseudo_type in _page_pseudo_types(style_for):
        if (page_type, pseudo_type) in cascaded:
            style_for.set_computed_styles(page_type, pseudo_type=pseudo_type,
                                          root=html.etree_element, parent=page_type,
                                          base_url=html.base_url)


def _page_pseudo_types(style_for: Any) -> list[str]:
    """The pseudo-elements the document's page rules name (``@top-center``, ``@footnote``...),
    kept on its ``StyleFor``."""
    names = getattr(style_for, "bookmaker_page_pseudo_types", None)
    if names is None:
        names = list(dict.fromkeys(
            pseudo_type for sheet, _origin, _specificity in style_for._sheets
            for _rule, selectors, _declarations in sheet.page_rules
            for _specificity, pseudo_type, _page in selectors if pseudo_type))
        style_for.bookmaker_page_pseudo_types = names
    return names
