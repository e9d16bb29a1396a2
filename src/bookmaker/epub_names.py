"""Where each file goes inside the EPUB, relative to its package folder: the packager's naming,
which the renderer follows when it links documents, stylesheets, fonts and images together."""

from __future__ import annotations

import hashlib
import posixpath
import re
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


# Names that need no escaping in a URL and that every reading system takes.
SAFE_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*")


def image_name(source: str) -> str:
    """An image's name in the package, from its path in the book directory: the same path
    when it is plain ASCII, else (spaces, Chinese, a name the cover takes) one made from its
    hash, so that no two images share a name and no href needs escaping."""
    name = source.removeprefix(IMAGE_DIR + "/")
    if not SAFE_NAME.fullmatch(name) or name.split(".", 1)[0] == "cover":
        digest = hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]
        name = f"image-{digest}{posixpath.splitext(source)[1].lower()}"
    return f"{IMAGE_DIR}/{name}"


def cover_image_name(book: Book) -> str:
    """The cover's name in the package: the book's own image, or a generated JPEG."""
    suffix = Path(book.cover).suffix.lower() if book.cover else ".jpg"
    return f"{IMAGE_DIR}/cover{'.jpg' if suffix == '.jpeg' else suffix}"
