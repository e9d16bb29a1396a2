"""Page-break markers in the EPUB where each page of the print edition begins.

The print edition's layout gives, for each page with a folio, the unit it starts in (a generated
page or a chapter, the same element id in the print document and the EPUB) and how many
characters of that unit come before it (``pdf.pages``). Here the same count is walked in the
EPUB's documents and a marker is put at that character: before the block it opens when the page
starts a block (a paragraph, a heading, a figure), never inside a heading, never inside a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from bookmaker.transform.typography import BREAK_OPPORTUNITY

XHTML = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
GENERATED_UNITS = frozenset({"halftitle", "titlepage", "copyright", "board", "editors-note",
                             "contents"})
CHAPTER_UNIT = re.compile(r"c[0-9]{2,}")
# The print contents is the EPUB's navigation document: its toc nav.
EPUB_ID = {"contents": "toc"}
HEADINGS = frozenset(f"{{{XHTML}}}h{n}" for n in range(1, 7))
# What the EPUB shows that the print edition does not count: note calls and the notes, which
# print sets at the foot of the page.
NOT_COUNTED = re.compile(r"\bnoteref\b|\bfootnotes\b")
WORD = re.compile(r"[A-Za-z0-9]")


@dataclass(frozen=True)
class PageStart:
    folio: str  # as printed: "IX", "12"
    unit: str  # the id of the part the page starts in
    offset: int  # characters of the unit (spaces not counted) before the page

    @property
    def marker_id(self) -> str:
        return f"page-{self.folio}"


@dataclass(frozen=True)
class PageTarget:
    href: str  # the marker, relative to the package folder: text/c02.xhtml#page-12
    label: str


def is_unit(element_id: str | None) -> bool:
    return element_id in GENERATED_UNITS or bool(CHAPTER_UNIT.fullmatch(element_id or ""))


def countable(text: str) -> str:
    """The characters a page start is counted in: all but white space, and but the zero-width
    spaces where the print edition lets a line break (the EPUB has none)."""
    return "".join(text.split()).replace(BREAK_OPPORTUNITY, "")


def epub_id(unit: str) -> str:
    return EPUB_ID.get(unit, unit)


def placeable(start: PageStart) -> bool:
    """A page of the contents after its first cannot be marked: the EPUB's contents is the
    navigation document, whose toc holds only the list of links."""
    return not (start.unit == "contents" and start.offset > 0)


def page_targets(starts: tuple[PageStart, ...],
                 unit_documents: dict[str, str]) -> list[PageTarget]:
    """The page-list: one entry per marker, in page order."""
    return [PageTarget(f"{unit_documents[epub_id(s.unit)]}#{s.marker_id}", s.folio)
            for s in starts if placeable(s) and epub_id(s.unit) in unit_documents]


def unit_ids(xhtml: str) -> list[str]:
    """The ids of the units a document holds."""
    root = etree.fromstring(xhtml.encode("utf-8"))
    return [e.get("id") for e in root.iter() if is_unit(e.get("id")) or e.get("id") == "toc"]


def insert_page_breaks(xhtml: str, starts: list[PageStart]) -> str:
    """``xhtml`` with a marker where each of ``starts`` (pages starting in its units) begins."""
    if not starts:
        return xhtml
    root = etree.fromstring(xhtml.encode("utf-8"))
    for start in starts:
        unit = next(e for e in root.iter() if e.get("id") == epub_id(start.unit))
        _insert(unit, start)
    return etree.tostring(root.getroottree(), encoding="utf-8", xml_declaration=True,
                          doctype="<!DOCTYPE html>").decode("utf-8")


def marker(start: PageStart) -> etree._Element:
    span = etree.Element(f"{{{XHTML}}}span", nsmap={"epub": EPUB_NS})
    span.set(f"{{{EPUB_NS}}}type", "pagebreak")
    span.set("role", "doc-pagebreak")
    span.set("id", start.marker_id)
    span.set("aria-label", start.folio)
    return span


def _insert(unit: etree._Element, start: PageStart) -> None:
    if start.unit == "contents" or start.offset == 0:
        _before(unit, marker(start))  # the page starts with the part itself
        return
    found = _locate(unit, start.offset)
    if found is None:  # the count ran past the text: the page starts after it
        unit.append(marker(start))
        return
    owner, is_tail, index = found
    element = owner.getparent() if is_tail else owner
    # never inside a heading: before it
    heading = next((a for a in [element, *element.iterancestors()] if a.tag in HEADINGS), None)
    if heading is not None:
        _before(heading, marker(start))
        return
    text = owner.tail if is_tail else owner.text
    while index > 0 and WORD.match(text[index]) and WORD.match(text[index - 1]):
        index -= 1  # never inside a word
    if not countable(text[:index]):  # the first text of its node: maybe the start of a block
        block = _opened_block(owner, is_tail, unit)
        if block is not None:
            _before(block, marker(start))
            return
    span = marker(start)
    span.tail = text[index:]
    if is_tail:
        owner.tail = text[:index]
        owner.addnext(span)
    else:
        owner.text = text[:index]
        owner.insert(0, span)


def _before(element: etree._Element, span: etree._Element) -> None:
    """``span`` right before ``element``, the text around them kept."""
    element.addprevious(span)


def _locate(unit: etree._Element, offset: int) -> tuple[etree._Element, bool, int] | None:
    """The text node (element, is it the tail, index) holding the character at ``offset``."""
    seen = 0
    for owner, is_tail, text in _texts(unit):
        for index, char in enumerate(text):
            if char.isspace():
                continue
            if seen == offset:
                return owner, is_tail, index
            seen += 1
    return None


def _texts(element: etree._Element, top: bool = True):  # type: ignore[no-untyped-def]
    """Every text node under ``element`` in reading order, with its owner: (element, False,
    text) for its text, (child, True, tail) for a child's tail. Skips what is not counted."""
    if not top and NOT_COUNTED.search(element.get("class") or ""):
        return
    if element.text:
        yield element, False, element.text
    for child in element:
        if not isinstance(child.tag, str):  # a comment
            if child.tail:
                yield child, True, child.tail
            continue
        yield from _texts(child, top=False)
        if child.tail:
            yield child, True, child.tail


def _opened_block(owner: etree._Element, is_tail: bool,
                  unit: etree._Element) -> etree._Element | None:
    """The outermost element under ``unit`` that this text node opens: the text is the first
    countable text of the element and of each ancestor up to it. None when the text is a
    tail (it follows an element inside its parent)."""
    if is_tail:
        return None
    element = owner
    while True:
        parent = element.getparent()
        if parent is None or parent is unit or _has_text_before(parent, element):
            return element
        element = parent


def _has_text_before(parent: etree._Element, child: etree._Element) -> bool:
    if countable(parent.text or ""):
        return True
    for sibling in parent:
        if sibling is child:
            return False
        if countable("".join(t for _o, _t, t in _texts(sibling, top=False))):
            return True
        if countable(sibling.tail or ""):
            return True
    return False
