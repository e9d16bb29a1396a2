"""Figures and tables that do not fit where they stand: a little smaller, or at the top of the
next page while the text flows on (W3C clreq; what ``float: top`` would do, which WeasyPrint
70 does not have).

WeasyPrint moves a block that does not fit to the next page and leaves the rest of the page
empty. Here the laid-out pages are read: a figure or table that opens a page whose previous
page, of the same chapter, ends more than ``MAX_SHORT_LINES`` lines short was pushed there. If
it fits when its picture is at most ``MAX_SHRINK`` smaller, the picture is made smaller;
otherwise the document is laid out once more without it, to see where the text that follows
reaches the next page, and the float is moved there: before the block that opens that page, or
between the two parts of the paragraph that runs over, split where the page breaks (the first
part keeps its last line justified, the second goes on without an indent). A float never
moves past another, so they keep their order.

This works on WeasyPrint's own document tree (xml.etree elements, tags without namespace);
``passes`` runs it. Written against WeasyPrint 70.0 (pinned in pyproject.toml).
"""

from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import pairwise

import weasyprint
from weasyprint.formatting_structure import boxes

MAX_SHORT_LINES = 3  # a page of body text may end at most this many lines short
MAX_SHRINK = 0.2  # a picture may be made this much smaller to stay on its page
MAX_MOVES = 3  # how often one float may be moved on
FLOAT_TAGS = ("figure", "table")
NON_SPACE = re.compile(r"\S")
CONTENT = (boxes.LineBox, boxes.ReplacedBox, boxes.TableRowBox)  # what fills a page

Render = Callable[[], weasyprint.Document]
Parents = dict[ET.Element, ET.Element]


@dataclass
class PageFill:
    """A laid-out page as floats see it: its chapter, where its content ends and how far it
    could go (the top of the footnotes, or the foot of the type area), the float opening it."""

    chapter: ET.Element | None
    content_bottom: float
    available_bottom: float
    opening_float: ET.Element | None


def place_floats(root: ET.Element, render: Render, changed: Callable[[], None],
                 document: weasyprint.Document, line_height: float,
                 max_rounds: int = 20) -> weasyprint.Document:
    """Lay out again until no float leaves the page before it short. ``changed`` is called
    after each edit of the tree under ``root``, ``render`` lays the document out again;
    ``line_height`` in CSS pixels. Chapters open on a page of their own and their lines do
    not depend on the page number, so each round places the first pushed float of every
    chapter at once: two layouts a round."""
    if not any(element.tag in FLOAT_TAGS for element in root.iter()):
        return document  # nothing that can float: the pages need not be read (0.1 s a book)
    deferred: Counter[int] = Counter()
    for _ in range(max_rounds):
        pushed = _pushed_floats(document, root, line_height, deferred)
        if not pushed:
            break
        moving = [element for element, gap in pushed
                  if not _shrink(element, gap, document, line_height)]
        deferred.update(id(element) for element in moving)
        if moving:
            for element in _defer(moving, root, render, changed):
                deferred[id(element)] = MAX_MOVES  # nowhere better to go
        changed()
        document = render()
    return document


# -- reading the pages ------------------------------------------------------------------------


def _parents(root: ET.Element) -> Parents:
    return {child: parent for parent in root.iter() for child in parent}


def _classes(element: ET.Element) -> list[str]:
    return (element.get("class") or "").split()


def _chapter_of(element: ET.Element | None, parents: Parents) -> ET.Element | None:
    while element is not None:
        if element.tag == "section" and "chapter" in _classes(element):
            return element
        element = parents.get(element)
    return None


def _float_of(element: ET.Element | None, parents: Parents) -> ET.Element | None:
    """The figure or table, standing in a chapter's own flow, that holds ``element``."""
    while element is not None:
        parent = parents.get(element)
        if (element.tag in FLOAT_TAGS and parent is not None and parent.tag == "section"
                and "chapter" in _classes(parent)):
            return element
        element = parent
    return None


def _flow(page: weasyprint.Page) -> Iterator[boxes.Box]:
    """The boxes of the page's text, in order (the page box's first child is the root box;
    the footnote area comes after it)."""
    return page._page_box.children[0].descendants()


def _read_page(page: weasyprint.Page, parents: Parents) -> PageFill:
    page_box = page._page_box
    top = page_box.content_box_y()
    bottom = top + page_box.height
    area = next((b for b in page_box.children if isinstance(b, boxes.FootnoteAreaBox)), None)
    available = area.position_y if area is not None and area.children else bottom
    content = [box for box in _flow(page) if isinstance(box, CONTENT)]
    if not content:
        return PageFill(None, top, available, None)
    return PageFill(_chapter_of(content[0].element, parents),
                    max(box.position_y + box.margin_height() for box in content),
                    available, _float_of(content[0].element, parents))


def _pushed_floats(document: weasyprint.Document, root: ET.Element, line_height: float,
                   deferred: Counter[int]) -> list[tuple[ET.Element, float]]:
    """In each chapter, the first float that opens a page because it did not fit on the page
    before, which it left short; with the room it left there. A float moved MAX_MOVES times
    stays where it is (floats moved before it may push it again)."""
    parents = _parents(root)
    pages = [_read_page(page, parents) for page in document.pages]
    found: dict[ET.Element, tuple[ET.Element, float]] = {}
    for before, page in pairwise(pages):
        element = page.opening_float
        if element is None or deferred[id(element)] >= MAX_MOVES or before.chapter in found:
            continue
        gap = before.available_bottom - before.content_bottom
        if (before.chapter is not None and _chapter_of(element, parents) is before.chapter
                and gap > MAX_SHORT_LINES * line_height):
            found[before.chapter] = (element, gap)
    return list(found.values())


# -- a little smaller -------------------------------------------------------------------------


def _shrink(figure: ET.Element, gap: float, document: weasyprint.Document,
            line_height: float) -> bool:
    """Make the figure's picture smaller, by at most MAX_SHRINK, so that the figure fits in
    ``gap`` with a line's room for its margins; False if that is not enough, if it was made
    smaller before, or if it is a table."""
    img = figure.find("img")
    if figure.tag != "figure" or img is None or img.get("style"):
        return False
    box = next((b for page in document.pages for b in _flow(page)
                if isinstance(b, boxes.BlockBox) and b.element is figure), None)
    image = next((b for b in box.descendants() if isinstance(b, boxes.ReplacedBox)), None) \
        if box is not None else None
    if image is None:
        return False
    excess = box.border_height() + line_height - gap
    if excess > MAX_SHRINK * image.height:
        return False
    img.set("style", f"height: {image.height - max(excess, 0):.2f}px; width: auto")
    return True


# -- to the top of the next page --------------------------------------------------------------


def _defer(elements: list[ET.Element], root: ET.Element, render: Render,
           changed: Callable[[], None]) -> list[ET.Element]:
    """Move each float (one a chapter) to where the text that follows it reaches the next
    page: laid out without them, the pages show where that is. The floats that stayed where
    they were."""
    parents = _parents(root)
    places = []
    for element in elements:
        section = parents[element]
        places.append((element, section, list(section), list(section).index(element)))
        section.remove(element)
        for img in element.iter("img"):  # at the top of a page it has its room again
            img.attrib.pop("style", None)
    changed()
    trial = render()
    parents = _parents(root)
    unmoved = []
    for element, section, before, position in places:
        target, offset = _next_page_start(trial, section, position, parents)
        _insert(element, section, position, target, offset)
        if list(section) == before:
            unmoved.append(element)
    return unmoved


def _insert(element: ET.Element, section: ET.Element, position: int,
            target: ET.Element | None, offset: int) -> None:
    children = list(section)
    if target is None:  # the text ends first: the float closes the chapter, the later ones
        later = [c for c in children[position:] if c.tag in FLOAT_TAGS]  # after it, in order
        for child in later:
            section.remove(child)
        section.extend([element, *later])
        return
    index = children.index(target)
    stop = _next_float(children, position, index)
    if stop < index:  # keep the floats in their order: do not jump over another
        section.insert(stop, element)
    elif offset and target.tag == "p":
        first, second = split_paragraph(target, offset)
        section.remove(target)
        for part in (second, element, first):
            section.insert(index, part)
    else:
        section.insert(index + (1 if offset else 0), element)


def _next_float(children: list[ET.Element], start: int, end: int) -> int:
    return next((i for i in range(start, end) if children[i].tag in FLOAT_TAGS), end)


def _next_page_start(document: weasyprint.Document, section: ET.Element, position: int,
                     parents: Parents) -> tuple[ET.Element | None, int]:
    """The block of ``section`` that opens the first page after the one where its block at
    ``position`` starts, and how many characters of it (not spaces) stand on earlier pages: 0
    when it starts there."""
    children = list(section)
    if position >= len(children):
        return None, 0
    anchor, seen = children[position], False
    counted: dict[ET.Element, int] = {}
    for page in document.pages:
        on_page: dict[ET.Element, int] = {}  # blocks of the section, in order, and characters
        for box in _flow(page):
            block = _child_of(section, box.element, parents) if isinstance(box, CONTENT) \
                else None
            if block is not None:
                on_page[block] = on_page.get(block, 0) + _characters(box)
        if seen and on_page:
            target = next(iter(on_page))
            return target, counted.get(target, 0)
        seen = seen or anchor in on_page
        for block, count in on_page.items():
            counted[block] = counted.get(block, 0) + count
    return None, 0


def _child_of(section: ET.Element, element: ET.Element | None,
              parents: Parents) -> ET.Element | None:
    """The child of ``section`` that holds ``element``."""
    while element is not None:
        parent = parents.get(element)
        if parent is section:
            return element
        element = parent
    return None


def _characters(box: boxes.Box) -> int:
    """The characters (not spaces) a line sets of its paragraph's own text: not the call of
    a footnote, not a list marker (pseudo-elements)."""
    if not isinstance(box, boxes.LineBox):
        return 0
    return sum(len(NON_SPACE.findall(b.text)) for b in box.descendants()
               if isinstance(b, boxes.TextBox) and "::" not in b.element_tag)


# -- a paragraph in two -----------------------------------------------------------------------


def split_paragraph(paragraph: ET.Element, offset: int) -> tuple[ET.Element, ET.Element]:
    """The paragraph in two after its first ``offset`` characters that are not spaces (a
    footnote inside counts for none: its text is not in the line). The first part keeps its
    last line justified (``runs-over``), the second goes on without an indent (``run-on``)."""
    first, second = _split(paragraph, offset)
    classes = _classes(paragraph)
    # what a lead-in introduces follows its second part
    first.set("class", " ".join([*(c for c in classes if c != "lead-in"), "runs-over"]))
    second.set("class", " ".join([*classes, "run-on"]))
    first.tail, second.tail = None, paragraph.tail
    return first, second


def _visible(element: ET.Element) -> int:
    if "footnote" in _classes(element):
        return 0
    return len(NON_SPACE.findall("".join(element.itertext())))


def _split(element: ET.Element, offset: int) -> tuple[ET.Element, ET.Element]:
    """``element`` in two after ``offset`` (> 0) non-space characters; each part with the
    element's tag and attributes, the children cut in two where the cut falls inside one."""
    left = ET.Element(element.tag, dict(element.attrib))
    right = ET.Element(element.tag, dict(element.attrib))
    left.text, rest, remaining = _cut(element.text, offset)
    done = remaining == 0
    right.text = rest if done else None
    for child in element:
        if done:
            right.append(copy.deepcopy(child))
            continue
        size = _visible(child)
        if size > remaining:
            child_left, child_right = _split(child, remaining)
            child_left.tail, child_right.tail = None, child.tail
            left.append(child_left)
            right.append(child_right)
            done = True
            continue
        whole = copy.deepcopy(child)
        left.append(whole)
        remaining -= size
        if remaining == 0 and size:
            whole.tail, right.text, done = None, child.tail, True
            continue
        whole.tail, rest, remaining = _cut(child.tail, remaining)
        if remaining == 0:
            right.text, done = rest, True
    return left, right


def _cut(text: str | None, remaining: int) -> tuple[str | None, str | None, int]:
    """``text`` cut after ``remaining`` (> 0) non-space characters: the part before, the part
    after, and what is left to count (0 once cut)."""
    if not text:
        return text, None, remaining
    count = 0
    for index, character in enumerate(text):
        if not character.isspace():
            count += 1
            if count == remaining:
                return text[:index + 1], text[index + 1:], 0
    return text, None, remaining - count
