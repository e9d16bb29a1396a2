"""The print edition: the whole book as one document for WeasyPrint, and its stylesheets."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from bookmaker.model import Book
from bookmaker.render.documents import (
    Labels,
    chapter_link,
    check_xhtml,
    read_stylesheet,
    same,
    template_environment,
    template_errors,
)

PRINT_STYLESHEETS = ("book.css", "print.css")


@dataclass(frozen=True)
class PrintDocument:
    html: str
    stylesheets: tuple[str, ...]  # CSS texts, in cascade order
    bleed: float = 0  # mm beyond the trim (press)
    signature: int = 1  # the page count is padded to a multiple of this (press)


def render_print(book: Book, book_dir: Path, profile: str, created: str,
                 labels: Labels = same) -> PrintDocument:
    """The print document and its stylesheets, except fonts.css, which follows from the
    characters the document uses (the caller puts it first)."""
    env = template_environment(book_dir, labels)
    with template_errors(book_dir):
        html = env.get_template("print.xhtml").render(
            book=book, lang=book.meta.language, created=created, print=True,
            product=book.product("print"), product_kind="print",
            image_href=quote,  # relative to the book directory, the document's base URL
            link_href=lambda target: chapter_link(book, target, lambda c: f"#{c.id}"),
        )
        page_css = env.get_template("page.css").render(page=book.meta.page, profile=profile)
    check_xhtml(html, "print.xhtml", book_dir)
    sheets = [read_stylesheet(name, book_dir) for name in PRINT_STYLESHEETS]
    if profile == "press":
        sheets.append(read_stylesheet("press.css", book_dir))
    sheets.append(page_css)
    if profile != "press":
        return PrintDocument(html, tuple(sheets))
    return PrintDocument(html, tuple(sheets), book.meta.page.bleed,
                         book.product("print").pages_per_signature)
