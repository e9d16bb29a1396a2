"""The cover documents: the print spread and the front panel alone (for the EPUB's image),
from the cover templates and ``styles/cover.css``."""

from __future__ import annotations

from pathlib import Path

from bookmaker.cover import CoverGeometry, ean13, marks
from bookmaker.model import Book
from bookmaker.render.documents import (
    Labels,
    check_xhtml,
    read_stylesheet,
    same,
    template_environment,
    template_errors,
)
from bookmaker.render.print_edition import PrintDocument


def render_cover(book: Book, book_dir: Path, geometry: CoverGeometry, created: str,
                 labels: Labels = same) -> PrintDocument:
    """The whole spread: back, spine, front, marks; the print product's ISBN and price
    (fonts.css is the caller's, as for the print document)."""
    printed = book.product("print")
    return _render(book, book_dir, geometry, labels, "cover-spread.xhtml",
                   created=created, spine=geometry.spine_text, product=printed,
                   ean=ean13(printed.isbn) if printed.isbn else None, marks=marks(geometry))


def render_front(book: Book, book_dir: Path, geometry: CoverGeometry,
                 labels: Labels = same) -> PrintDocument:
    """The front panel alone, at trim size."""
    return _render(book, book_dir, geometry, labels, "cover-front.xhtml",
                   front_only=True, product=book.product("ebook"))


def _render(book: Book, book_dir: Path, geometry: CoverGeometry,
            labels: Labels, template: str, front_only: bool = False,
            **context: object) -> PrintDocument:
    env = template_environment(book_dir, labels)
    with template_errors(book_dir):
        html = env.get_template(template).render(book=book, lang=book.meta.language, **context)
        page_css = env.get_template("cover-page.css").render(g=geometry, front_only=front_only,
                                                             spine=context.get("spine"))
    check_xhtml(html, template, book_dir)
    return PrintDocument(html, (read_stylesheet("cover.css", book_dir), page_css))
