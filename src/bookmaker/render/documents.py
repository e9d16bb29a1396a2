"""Which documents a book becomes, in reading order, and their navigation."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from jinja2.ext import Extension

from bookmaker.bookfiles import BOOK_FILE
from bookmaker.epub_names import (
    FONT_DIR,
    chapter_file,
    cover_image_name,
    document_name,
    image_name,
    stylesheet_name,
)
from bookmaker.fonts import CssFace
from bookmaker.model import FRONT_MATTER_KINDS, Book
from bookmaker.resources import styles_dirs

# The stylesheets every document links, in cascade order. fonts.css is generated from the fonts
# that draw the edition (``fonts_stylesheet``), so that book.css can name abstract families only.
STYLESHEETS = ("fonts.css", "book.css")
VERTICAL_STYLESHEET = "vertical.css"  # added for a vertical (top-to-bottom, right-to-left) EPUB


@dataclass(frozen=True)
class Document:
    """One XHTML document of the spine, ``name`` relative to the package folder."""

    name: str
    title: str
    xhtml: str
    source: str  # the source file its text comes from, for diagnostics
    properties: tuple[str, ...] = ()


@dataclass(frozen=True)
class TocEntry:
    title: str
    href: str  # relative to the package folder
    children: tuple[TocEntry, ...] = ()


@dataclass(frozen=True)
class Landmark:
    type: str
    href: str


@dataclass(frozen=True)
class Rendered:
    language: str
    documents: tuple[Document, ...]
    toc: tuple[TocEntry, ...]
    landmarks: tuple[Landmark, ...]
    stylesheets: dict[str, str] = field(default_factory=dict)  # name -> CSS text
    vertical: bool = False  # written top to bottom, pages turned right to left


Labels = Callable[[str], str]
HAN_RUN = re.compile("[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")


def same(text: str) -> str:
    return text


CIRCLED = [chr(0x2460 + i) for i in range(20)]  # ①–⑳: in GB 2312 and Big5, so in every font


def note_mark(number: int) -> str:
    """A footnote's mark as Chinese books print it: ①②③ …; past ⑳ the number itself."""
    return CIRCLED[number - 1] if 1 <= number <= len(CIRCLED) else str(number)


class ConvertLabels(Extension):
    """Converts the Chinese text of a template's source (its labels: 出版, 目录, …) when the
    template is compiled, for an edition in another script."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        labels: Labels = self.environment.globals["labels"]  # type: ignore[assignment]
        return HAN_RUN.sub(lambda match: labels(match.group()), source)


def template_environment(book_dir: Path, labels: Labels = same) -> jinja2.Environment:
    """Templates of the book directory first, then the built-in ones; their labels through
    ``labels`` (OpenCC for a Traditional edition)."""
    env = jinja2.Environment(
        extensions=[ConvertLabels],
        loader=jinja2.ChoiceLoader([
            jinja2.FileSystemLoader(book_dir / "templates"),
            jinja2.PackageLoader("bookmaker.render", "templates"),
        ]),
        autoescape=jinja2.select_autoescape(["xhtml", "xml"]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.globals.update(labels=labels, front_matter_kinds=FRONT_MATTER_KINDS, print=False)
    env.filters["note_mark"] = note_mark
    return env


def relative(href: str, from_document: str) -> str:
    """``href`` (relative to the package folder) as seen from ``from_document``."""
    return posixpath.relpath(href, posixpath.dirname(from_document))


def build_toc(book: Book) -> tuple[TocEntry, ...]:
    return tuple(
        TocEntry(
            title=chapter.meta.title,
            href=chapter_file(chapter),
            children=tuple(TocEntry(s.text, f"{chapter_file(chapter)}#{s.id}")
                           for s in chapter.sections),
        )
        for chapter in book.chapters
    )


def build_landmarks(book: Book, nav_name: str) -> tuple[Landmark, ...]:
    body = next((c for c in book.chapters if c.meta.kind not in FRONT_MATTER_KINDS),
                book.chapters[0])
    return (
        Landmark("cover", document_name("cover")),
        Landmark("toc", f"{nav_name}#toc"),
        Landmark("bodymatter", chapter_file(body)),
    )


def render_book(book: Book, book_dir: Path, labels: Labels = same,
                vertical: bool = False) -> Rendered:
    """The documents of the EPUB and their stylesheets, except fonts.css, which follows from
    the characters the documents use (``fonts_stylesheet``)."""
    env = template_environment(book_dir, labels)
    lang = book.meta.language
    toc = build_toc(book)
    nav_name = document_name("nav")
    landmarks = build_landmarks(book, nav_name)

    sheets = (*STYLESHEETS, VERTICAL_STYLESHEET) if vertical else STYLESHEETS

    def render(name: str, template: str, title: str, source: str,
               properties: tuple[str, ...] = (), **context: object) -> Document:
        def href(target: str) -> str:
            return relative(target, name)

        xhtml = env.get_template(template).render(
            book=book, lang=lang, doc_title=title,
            stylesheets=[href(stylesheet_name(s)) for s in sheets],
            image_href=lambda src: href(image_name(src)), **context,
        )
        return Document(name, title, xhtml, source, properties)

    def nav_entries(entries: tuple[TocEntry, ...], doc: str) -> list[TocEntry]:
        return [TocEntry(e.title, relative(e.href, doc), tuple(nav_entries(e.children, doc)))
                for e in entries]

    meta = book.meta
    documents = [
        render(document_name("cover"), "cover.xhtml", meta.title, BOOK_FILE,
               cover_href=relative(cover_image_name(book), document_name("cover"))),
        render(document_name("halftitle"), "halftitle.xhtml", meta.title, BOOK_FILE),
        render(document_name("titlepage"), "titlepage.xhtml", meta.title, BOOK_FILE),
        render(document_name("copyright"), "copyright.xhtml", meta.title, BOOK_FILE),
    ]
    if meta.editorial_board:
        documents.append(render(document_name("board"), "board.xhtml",
                                meta.editorial_board.title, BOOK_FILE))
    documents.append(render(nav_name, "nav.xhtml", labels("目录"), BOOK_FILE, ("nav",),
                            toc=nav_entries(toc, nav_name),
                            landmarks=[Landmark(lm.type, relative(lm.href, nav_name))
                                       for lm in landmarks]))
    documents += [
        render(chapter_file(c), "chapter.xhtml", c.meta.title, c.source, chapter=c)
        for c in book.chapters
    ]
    stylesheets = {"book.css": read_stylesheet("book.css", book_dir)}
    if vertical:
        stylesheets[VERTICAL_STYLESHEET] = read_stylesheet(VERTICAL_STYLESHEET, book_dir)
    return Rendered(lang, tuple(documents), toc, landmarks, stylesheets, vertical)


# Where fonts.css finds the fonts of the EPUB: ../fonts/
EPUB_FONT_BASE = relative(FONT_DIR, stylesheet_name("fonts.css")) + "/"


def fonts_stylesheet(book_dir: Path, faces: list[CssFace]) -> str:
    """fonts.css: an ``@font-face`` rule for each face that draws the edition."""
    return template_environment(book_dir).get_template("fonts.css").render(faces=faces)


def read_stylesheet(name: str, book_dir: Path) -> str:
    for directory in styles_dirs(book_dir):
        if (directory / name).is_file():
            return (directory / name).read_text(encoding="utf-8")
    raise FileNotFoundError(name)

