"""The cover documents: the print spread and the front panel alone (for the EPUB's image),
from the cover templates and ``styles/cover.css``."""

from __future__ import annotations

from pathlib import Path

from bookmaker.cover import CoverGeometry, ean13, marks
from bookmaker.model import Book
from bookmaker.render.documents import Labels, read_stylesheet, same, template_environment
from bookmaker.render.print_edition import PrintDocument


def render_cover(book: Book, book_dir: Path, geometry: CoverGeometry, created: str,
                 labels: Labels = same) -> PrintDocument:
    """The whole spread: back, spine, front, marks (fonts.css is the caller's, as for the
    print document)."""
    return _render(book, book_dir, geometry, labels, "cover-spread.xhtml",
                   created=created, spine=geometry.spine_text, ean=ean13(book.meta.isbn),
                   marks=marks(geometry))


def render_front(book: Book, book_dir: Path, geometry: CoverGeometry,
                 labels: Labels = same) -> PrintDocument:
    """The front panel alone, at trim size."""
    return _render(book, book_dir, geometry, labels, "cover-front.xhtml",
                   front_only=True)


def _render(book: Book, book_dir: Path, geometry: CoverGeometry,
            labels: Labels, template: str, front_only: bool = False,
            **context: object) -> PrintDocument:
    env = template_environment(book_dir, labels)
    html = env.get_template(template).render(book=book, lang=book.meta.language, **context)
    sheets = (
        read_stylesheet("cover.css", book_dir),
        env.get_template("cover-page.css").render(g=geometry, front_only=front_only,
                                                  spine=context.get("spine")),
    )
    return PrintDocument(html, sheets)
