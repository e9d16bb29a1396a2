"""Where each printed page begins, read from WeasyPrint's layout (not from the PDF).

The print document is made of units: the generated pages and the chapters, each an element with
an id (``halftitle``, ``titlepage``, ``copyright``, ``board``, ``editors-note``, ``contents``,
``c01`` …) that the EPUB has too. Walking the pages' boxes in order, the characters of each unit
are counted as they are laid out; a page starts in the unit of its first box, at the count of
that unit's characters laid out before it. Spaces do not count (where lines break they are
dropped), nor what the stylesheet generates (folios, leaders, list markers, footnote calls), nor
footnotes, which the EPUB keeps at the chapter's end.
"""

from __future__ import annotations

import re

from weasyprint.formatting_structure import boxes

from bookmaker.render.pagebreaks import PageStart, countable, is_unit

FOLIO = re.compile(r"[0-9]+|[IVXLCDM]+|[ivxlcdm]+")


def page_starts(document: object) -> tuple[PageStart, ...]:
    """One ``PageStart`` for every page that has a printed folio and text or an image."""
    counts: dict[str, int] = {}
    starts: list[PageStart] = []
    for page in document.pages:  # type: ignore[attr-defined]
        page_box = page._page_box
        first = _first_and_count(page_box.children[0], None, counts)
        folio = printed_folio(page_box)
        if first is not None and folio:
            starts.append(PageStart(folio, *first))
    return tuple(starts)


def _first_and_count(box: boxes.Box, unit: str | None,
                     counts: dict[str, int]) -> tuple[str, int] | None:
    """Count the characters of the units laid out in ``box``; the unit and count where the
    first of them begins (None when the box holds no text and no image)."""
    if "::" in (box.element_tag or "") or _is_footnote(box):  # generated: p::before …
        return None
    element = box.element
    if element is not None and is_unit(element.get("id")) and not isinstance(box, boxes.TextBox):
        unit = element.get("id")
    first: tuple[str, int] | None = None
    if unit is not None:
        if isinstance(box, boxes.TextBox):
            length = len(countable(box.text))
            if length:
                first = (unit, counts.get(unit, 0))
                counts[unit] = counts.get(unit, 0) + length
            return first
        if isinstance(box, boxes.ReplacedBox):
            return unit, counts.get(unit, 0)
    for child in getattr(box, "children", ()):
        found = _first_and_count(child, unit, counts)
        first = first or found
    return first


def _is_footnote(box: boxes.Box) -> bool:
    element = box.element
    return element is not None and "footnote" in (element.get("class") or "").split()


def printed_folio(page_box: boxes.PageBox) -> str:
    """The folio a page prints in its margins, or '' when it prints none."""
    for margin in page_box.children:
        if isinstance(margin, boxes.MarginBox):
            text = "".join(_texts(margin)).strip()
            if FOLIO.fullmatch(text):
                return text
    return ""


def _texts(box: boxes.Box) -> list[str]:
    if isinstance(box, boxes.TextBox):
        return [box.text]
    return [t for child in getattr(box, "children", ()) for t in _texts(child)]
