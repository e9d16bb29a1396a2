"""The print edition: the whole book as one document for WeasyPrint, and its stylesheets."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bookmaker.model import Book
from bookmaker.render.documents import Labels, read_stylesheet, same, template_environment

PRINT_STYLESHEETS = ("book.css", "print.css")


@dataclass(frozen=True)
class PrintDocument:
    html: str
    stylesheets: tuple[str, ...]  # CSS texts, in cascade order; fonts.css comes first


def render_print(book: Book, book_dir: Path, profile: str, created: str,
                 labels: Labels = same) -> PrintDocument:
    """The print document and its stylesheets, except fonts.css, which follows from the
    characters the document uses (the caller puts it first)."""
    env = template_environment(book_dir, labels)
    html = env.get_template("print.xhtml").render(
        book=book, lang=book.meta.language, created=created, print=True,
        image_href=lambda src: src,
    )
    sheets = [read_stylesheet(name, book_dir) for name in PRINT_STYLESHEETS]
    if profile == "press":
        sheets.append(read_stylesheet("press.css", book_dir))
    sheets.append(env.get_template("page.css").render(page=book.meta.page, profile=profile))
    return PrintDocument(html, tuple(sheets))
