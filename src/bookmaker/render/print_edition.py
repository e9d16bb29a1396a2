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
    partial_description,
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
            description=partial_description(env, book),
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
