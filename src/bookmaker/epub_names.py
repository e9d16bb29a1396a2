"""Where each file goes inside the EPUB, relative to its package folder: the packager's naming,
which the renderer follows when it links documents, stylesheets, fonts and images together."""

from __future__ import annotations

from pathlib import Path

from bookmaker.model import Book, Chapter

TEXT_DIR = "text"
STYLE_DIR = "styles"
FONT_DIR = "fonts"
IMAGE_DIR = "images"


def document_name(stem: str) -> str:
    """An XHTML document of the spine: ``cover`` -> ``text/cover.xhtml``."""
    return f"{TEXT_DIR}/{stem}.xhtml"


def chapter_file(chapter: Chapter) -> str:
    return document_name(chapter.id)


def stylesheet_name(name: str) -> str:
    return f"{STYLE_DIR}/{name}"


def font_name(file: str) -> str:
    return f"{FONT_DIR}/{file}"


def image_name(source: str) -> str:
    """An image's name in the package, from its path in the book directory."""
    return f"{IMAGE_DIR}/{source.removeprefix(IMAGE_DIR + '/')}"


def cover_image_name(book: Book) -> str:
    """The cover's name in the package: the book's own image, or a generated JPEG."""
    suffix = Path(book.cover).suffix.lower() if book.cover else ".jpg"
    return f"{IMAGE_DIR}/cover{'.jpg' if suffix == '.jpeg' else suffix}"
