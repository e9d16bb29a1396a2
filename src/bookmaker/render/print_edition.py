"""The print edition: the whole book as one document for WeasyPrint, and its stylesheets."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from lxml import etree

from bookmaker.diagnostics import Diagnostic
from bookmaker.model import Book, Span, Text
from bookmaker.render.documents import (
    Labels,
    chapter_link,
    check_xhtml,
    partial_description,
    read_stylesheet,
    same,
    template_environment,
    template_errors,
)
from bookmaker.render.pagebreaks import PageStart
from bookmaker.transform.typography import space_latin

PRINT_STYLESHEETS = ("book.css", "print.css")


@dataclass(frozen=True)
class PrintDocument:
    html: str
    stylesheets: tuple[str, ...]  # CSS texts, in cascade order
    bleed: float = 0  # mm beyond the trim (press)
    signature: int = 1  # the page count is padded to a multiple of this (press)


@dataclass(frozen=True)
class TypesetPdf:
    """What the PDF stage (``bookmaker.pdf``) gives back for a ``PrintDocument``. Defined here,
    not beside WeasyPrint: it comes back pickled from the process that typeset it, and
    unpickling it where it is defined would import WeasyPrint into the edition's process
    (0.5 s on every PDF's way out)."""

    data: bytes
    diagnostics: list[Diagnostic]
    pages: tuple[PageStart, ...]  # where each page with a folio begins, from the layout


def render_print(book: Book, book_dir: Path, profile: str, created: str,
                 labels: Labels = same) -> PrintDocument:
    """The print document and its stylesheets, except fonts.css, which follows from the
    characters the document uses (the caller puts it first)."""
    env = template_environment(book_dir, labels)
    with template_errors(book_dir):
        html = env.get_template("print.xhtml").render(
            book=book, lang=book.meta.language, created=created, print=True,
            product=book.product("print"), product_kind="print",
            description=partial_description(env, book),
            image_href=quote,  # relative to the book directory, the document's base URL
            link_href=lambda target: chapter_link(book, target, lambda c: f"#{c.id}"),
        )
        page_css = env.get_template("page.css").render(page=book.meta.page, profile=profile)
    check_xhtml(html, "print.xhtml", book_dir)
    html = space_han_and_latin(html)
    sheets = [read_stylesheet(name, book_dir) for name in PRINT_STYLESHEETS]
    if profile == "press":
        sheets.append(read_stylesheet("press.css", book_dir))
    sheets.append(page_css)
    if profile != "press":
        return PrintDocument(html, tuple(sheets))
    return PrintDocument(html, tuple(sheets), book.meta.page.bleed,
                         book.product("print").pages_per_signature)


XHTML = "{http://www.w3.org/1999/xhtml}"
# Not text a reader sees, or text shown as written
UNSPACED = {f"{XHTML}{name}" for name in ("head", "code", "pre", "script", "style")}
VOID = {f"{XHTML}{name}" for name in ("br", "hr", "img", "meta", "link", "col", "wbr")}
# Attributes print.css shows as text: the running heads (string-set … attr())
SHOWN_ATTRIBUTES = frozenset({"data-book-title", "data-running-head"})


def space_han_and_latin(xhtml: str) -> str:
    """The quarter em between Han and Latin letters or digits (``typography.space_latin``,
    clreq 3.2.3) in every text of the print document: the chapters' text, and the titles, the
    contents, the title and copyright pages, whose text is plain strings of the model and words
    of the templates. Each run of Latin letters or digits beside Han becomes a span whose class
    (space-before, space-after, space-around) sets the margin; text already spaced is left as
    it is, since a span holds no Han. The running heads' attributes get a space instead
    (``_spaced_string``)."""
    root = etree.fromstring(xhtml.encode("utf-8"))
    _space_element(root)
    for element in root.iter():  # <p></p>, not <p/>: WeasyPrint reads the document as HTML
        if (isinstance(element.tag, str) and element.tag not in VOID and element.text is None
                and not len(element)):
            element.text = ""
    declaration = xhtml[:xhtml.index("?>") + 2] + "\n" if xhtml.startswith("<?xml") else ""
    return declaration + etree.tostring(root.getroottree(), encoding="unicode")


def _space_element(element: etree._Element) -> None:
    if element.tag in UNSPACED:
        return
    for name in SHOWN_ATTRIBUTES.intersection(element.attrib):
        element.set(name, _spaced_string(element.get(name)))
    if element.text:
        pieces = _spaced(element.text)
        if pieces is not None:
            element.text = pieces[0]
            for index, span in enumerate(pieces[1:]):
                element.insert(index, span)
    for child in list(element):
        if isinstance(child.tag, str):
            _space_element(child)
        if child.tail:
            pieces = _spaced(child.tail)
            if pieces is not None:
                child.tail = pieces[0]
                position = element.index(child)
                for offset, span in enumerate(pieces[1:], start=1):
                    element.insert(position + offset, span)


def _spaced_string(text: str) -> str:
    """``text`` with a space where the text of a page gets a quarter em: a running head is a
    string (``string-set``), which no span can space. The heads' face draws a space about a
    quarter em wide (0.256 em in Noto Serif CJK, which has no U+2005, the four-per-em space)."""
    out = []
    for node in space_latin(text):
        if isinstance(node, Span):
            latin = _text_of(node)
            before = " " if node.role in ("space-before", "space-around") else ""
            after = " " if node.role in ("space-after", "space-around") else ""
            out.append(f"{before}{latin}{after}")
        else:
            out.append(node.text)
    return "".join(out)


def _text_of(span: Span) -> str:
    return "".join(child.text for child in span.children if isinstance(child, Text))


def _spaced(text: str) -> list[Any] | None:
    """``text`` as its leading text and the spans (with their tails) that follow it, or None
    when no Latin run stands beside Han in it."""
    nodes = space_latin(text)
    if not any(isinstance(node, Span) for node in nodes):
        return None
    head = ""
    spans: list[etree._Element] = []
    for node in nodes:
        if isinstance(node, Text):
            if spans:
                spans[-1].tail = (spans[-1].tail or "") + node.text
            else:
                head += node.text
        else:
            span = etree.Element(f"{XHTML}span", {"class": node.role})
            span.text = _text_of(node)
            spans.append(span)
    return [head or None, *spans]


def press_follows_screen(book_dir: Path) -> bool:
    """Whether the press PDF may be written from the screen document's layout: when the print
    document's styles and templates are all bookmaker's own, whose press.css changes only
    colours (black as K only, which the press finisher makes of the screen's black too) and
    whose page.css only the bleed, which moves nothing on the page (``tests/test_press.py``
    compares the two layouts word by word). A book's own styles or templates may change the
    layout or the colours for the press: its press PDF is then laid out on its own."""
    return not any(path.is_file() or path.is_symlink()
                   for folder in ("styles", "templates") if (book_dir / folder).is_dir()
                   for path in (book_dir / folder).rglob("*"))
