"""Which documents a book becomes, in reading order, and their navigation."""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

import jinja2
from jinja2.ext import Extension
from jinja2.loaders import split_template_path
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree
from markupsafe import Markup

from bookmaker.bookfiles import BOOK_FILE, find_in_book, read_text
from bookmaker.diagnostics import BookError, error
from bookmaker.epub_names import (
    FONT_DIR,
    chapter_file,
    cover_image_name,
    document_name,
    image_name,
    stylesheet_name,
)
from bookmaker.fonts import CssFace
from bookmaker.load.styles import book_stylesheet
from bookmaker.model import FRONT_MATTER_KINDS, Block, Book, Chapter, Container, ListBlock
from bookmaker.render.pagebreaks import (
    PageStart,
    PageTarget,
    epub_id,
    insert_page_breaks,
    page_targets,
    placeable,
    unit_ids,
)
from bookmaker.resources import data_dir
from bookmaker.variants.segment import boundaries

# The stylesheets every document links, in cascade order. fonts.css is generated from the fonts
# chosen for the book's script, so that book.css can name abstract families only.
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
    partial: str | None = None  # "excerpt" or "abridged": the contents say so after the title


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
    accessibility_summary: str = ""  # said from what the edition holds
    description: str = ""  # what a partial book holds; empty for a whole book
    page_source: str = ""  # the print edition the page-break markers follow, if any


Labels = Callable[[str], str]
HAN_RUN = re.compile("[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")


def same(text: str) -> str:
    return text


CIRCLED = [chr(0x2460 + i) for i in range(20)]  # ①–⑳: in GB 2312 and Big5, so in every font


def note_mark(number: int) -> str:
    """A footnote's mark as Chinese books print it: ①②③ …; past ⑳ the number itself."""
    return CIRCLED[number - 1] if 1 <= number <= len(CIRCLED) else str(number)


# The labels this module gives documents (their titles) besides those of the templates.
CODE_LABELS = ("编者说明", "目录")


def template_labels(book_dir: Path) -> list[str]:
    """Every text ``ConvertLabels`` may convert: the Chinese runs of every template, the book's
    own (a file it cannot read is left to the loader to report, if it is used) and the
    built-in ones, and the labels of this module, in a fixed order."""
    sources = []
    folder = book_dir / "templates"
    for path in sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []:
        try:
            sources.append(read_text(book_dir, path.relative_to(book_dir).as_posix()))
        except BookError:
            continue
    builtin = jinja2.PackageLoader("bookmaker.render", "templates")
    env = jinja2.Environment(loader=builtin, autoescape=True)
    sources += [builtin.get_source(env, name)[0] for name in builtin.list_templates()]
    runs = [match.group() for source in sources for match in HAN_RUN.finditer(source)]
    return list(dict.fromkeys([*runs, *CODE_LABELS]))


class ConvertLabels(Extension):
    """Converts the Chinese text of a template's source (its labels: 出版, 目录, …) when the
    template is compiled, for an edition in another script."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        labels: Labels = self.environment.globals["labels"]  # type: ignore[assignment]
        return HAN_RUN.sub(lambda match: labels(match.group()), source)


class BookTemplates(jinja2.BaseLoader):
    """The book's own templates (``templates/``): files inside the book only, links resolved,
    read as text of the book (UTF-8, no control characters)."""

    def __init__(self, book_dir: Path) -> None:
        self.book_dir = book_dir

    def get_source(self, environment: jinja2.Environment,
                   template: str) -> tuple[str, str, Callable[[], bool]]:
        relative = "/".join(("templates", *split_template_path(template)))
        path = find_in_book(self.book_dir, relative)
        if path is None:
            raise jinja2.TemplateNotFound(template)
        source = read_text(self.book_dir, relative)
        return source, relative, lambda: True


_compiled_in: list[Path] = []  # where compiled templates are kept (keep_compiled_templates_in)


def keep_compiled_templates_in(folder: Path) -> None:
    """Keep the templates compiled in ``folder``, to load them there in later builds: the
    build cache's, never a folder a book can write into (what is kept there is run as code)."""
    _compiled_in[:] = [folder]


class CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Jinja's bytecode cache, its entries keyed by the edition's labels too: ``ConvertLabels``
    converts a template's labels as it is compiled, so the same source compiles to other code
    in another script, and Jinja's own key is the template's name (its check, the source)."""

    def __init__(self, folder: Path, edition: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        super().__init__(str(folder))
        self.edition = edition

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        key = json.dumps([self.edition, name, filename])
        return hashlib.sha256(key.encode()).hexdigest()


def compiled_templates(labels: Labels) -> CompiledTemplates | None:
    """The bytecode cache for templates compiled with ``labels``: the source's own labels, or
    a table's (keyed by its conversions); none for another callable, or outside a build."""
    if not _compiled_in:
        return None
    if labels is same:
        return CompiledTemplates(_compiled_in[0], "same")
    table = getattr(labels, "table", None)
    if not isinstance(table, dict):
        return None
    conversions = json.dumps(sorted(table.items()), ensure_ascii=False)
    return CompiledTemplates(_compiled_in[0], hashlib.sha256(conversions.encode()).hexdigest())


def template_environment(book_dir: Path, labels: Labels = same) -> jinja2.Environment:
    """Templates of the book directory first, then the built-in ones; their labels through
    ``labels`` (OpenCC for a Traditional edition).

    A book's template is data, not code: every template runs in Jinja2's sandbox, which
    refuses the attribute walks (``cycler.__init__.__globals__`` …) that would reach Python.
    """
    env = SandboxedEnvironment(
        extensions=[ConvertLabels],
        loader=jinja2.ChoiceLoader([
            BookTemplates(book_dir),
            jinja2.PackageLoader("bookmaker.render", "templates"),
        ]),
        autoescape=jinja2.select_autoescape(["xhtml", "xml"]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        bytecode_cache=compiled_templates(labels),
    )
    env.filters["phrases"] = phrases
    env.globals.update(labels=labels, front_matter_kinds=FRONT_MATTER_KINDS, print=False)
    env.filters["note_mark"] = note_mark
    return env


def phrases(text: str) -> Markup:
    """``text`` with a break opportunity (<wbr/>) between its words, for text that breaks only
    there (word-break: keep-all): a long name on a narrow page wraps between words."""
    cuts = boundaries(text)
    return Markup("<wbr/>").join(text[a:b] for a, b in pairwise(cuts))


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
            partial=chapter.meta.partial,
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


def chapter_link(book: Book, href: str, to_chapter: Callable[[Chapter], str]) -> str:
    """A link's target in a document: web and mail addresses as they are; a chapter (named
    by its source file, as the loader leaves it) through ``to_chapter``."""
    if urlsplit(href).scheme:
        return href
    return to_chapter(next(c for c in book.chapters if c.source == href))


@contextmanager
def template_errors(book_dir: Path) -> Iterator[None]:
    """Errors raised while rendering, as diagnostics naming the book's template and line.

    An error whose innermost template is a built-in one is bookmaker's bug, and stays one."""
    try:
        yield
    except BookError:
        raise
    except jinja2.TemplateSyntaxError as exc:
        if not (exc.filename or "").startswith("templates/"):
            raise
        raise _template_diagnostic(exc.filename or "", exc.lineno,
                                   f"template syntax error: {exc.message}") from None
    except Exception as exc:
        where = _book_template_frame(exc.__traceback__)
        if where is None:
            raise
        if isinstance(exc, jinja2.TemplateNotFound):
            message = f"no template '{exc.name}' in the book or bookmaker"
        elif isinstance(exc, jinja2.exceptions.SecurityError):
            message = f"the template may not do this: {exc}"
        else:
            message = f"the template failed: {exc}"
        raise _template_diagnostic(*where, message) from None


def _book_template_frame(tb: TracebackType | None) -> tuple[str, int] | None:
    """The innermost frame of the traceback that runs a template of the book."""
    found = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.startswith("templates/"):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _template_diagnostic(path: str, line: int | None, message: str) -> BookError:
    return error("T001", message, path, line,
                 "correct the book's template, or remove it to use the built-in one")


def check_xhtml(xhtml: str, template: str, book_dir: Path) -> None:
    """A document must be well-formed XML; a book's template that breaks it is named."""
    try:
        etree.fromstring(xhtml.encode("utf-8"))
    except etree.XMLSyntaxError as exc:
        overrides = sorted(p.relative_to(book_dir).as_posix()
                           for p in (book_dir / "templates").rglob("*") if p.is_file())
        if not overrides:
            raise
        own = f"templates/{template}"
        raise error("T002", f"'{template}' renders malformed XHTML: {exc.msg} (line "
                    f"{exc.lineno} of the output)", own if own in overrides else "templates/",
                    hint="close every element, quote every attribute, escape & and <; the "
                    f"book overrides {', '.join(overrides)}") from None


def render_book(book: Book, book_dir: Path, labels: Labels = same, vertical: bool = False,
                pages: tuple[PageStart, ...] = (), page_source: str = "") -> Rendered:
    """The EPUB's documents in reading order; with ``pages`` (where the print edition's pages
    begin, from ``page_source``) page-break markers in them and a page-list. fonts.css is not
    among the stylesheets: it follows from the characters the documents use
    (``fonts_stylesheet``)."""
    env = template_environment(book_dir, labels)
    lang = book.meta.language
    toc = build_toc(book)
    nav_name = document_name("nav")
    landmarks = build_landmarks(book, nav_name)

    sheets = (*STYLESHEETS, VERTICAL_STYLESHEET) if vertical else STYLESHEETS

    description = partial_description(env, book)

    def render(name: str, template: str, title: str, source: str,
               properties: tuple[str, ...] = (), **context: object) -> Document:
        def href(target: str) -> str:
            return relative(target, name)

        with template_errors(book_dir):
            xhtml = env.get_template(template).render(
                book=book, lang=lang, doc_title=title, product=book.product("ebook"),
                product_kind="ebook", description=description,
                stylesheets=[href(stylesheet_name(s)) for s in sheets],
                image_href=lambda src: href(image_name(src)),
                link_href=lambda target: chapter_link(book, target,
                                                      lambda c: href(chapter_file(c))),
                **context,
            )
        check_xhtml(xhtml, template, book_dir)
        return Document(name, title, xhtml, source, properties)

    def nav_entries(entries: tuple[TocEntry, ...], doc: str) -> list[TocEntry]:
        return [replace(e, href=relative(e.href, doc), children=tuple(nav_entries(e.children, doc)))
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
    if meta.partial:
        documents.append(render(document_name("editors-note"), "editors-note.xhtml",
                                labels(CODE_LABELS[0]), BOOK_FILE))
    # The same order as the print edition: the front matter (preface, foreword), then the
    # contents, then the body.
    documents += [render(chapter_file(c), "chapter.xhtml", c.meta.title, c.source, chapter=c)
                  for c in book.chapters if c.meta.kind in FRONT_MATTER_KINDS]

    def nav(page_list: list[PageTarget] | None = None) -> Document:
        return render(nav_name, "nav.xhtml", labels(CODE_LABELS[1]), BOOK_FILE, ("nav",),
                      toc=nav_entries(toc, nav_name), page_list=page_list or [],
                      landmarks=[Landmark(lm.type, relative(lm.href, nav_name))
                                 for lm in landmarks])

    documents.append(nav())
    documents += [render(chapter_file(c), "chapter.xhtml", c.meta.title, c.source, chapter=c)
                  for c in book.chapters if c.meta.kind not in FRONT_MATTER_KINDS]
    stylesheets = {"book.css": read_stylesheet("book.css", book_dir)}
    if vertical:
        stylesheets[VERTICAL_STYLESHEET] = read_stylesheet(VERTICAL_STYLESHEET, book_dir)
    if pages:
        documents = paginate(documents, pages, nav)
    else:
        page_source = ""
    summary = meta.accessibility_summary or accessibility_summary(env, book, vertical,
                                                                   page_source)
    return Rendered(lang, tuple(documents), toc, landmarks, stylesheets, vertical, summary,
                    description, page_source)


def paginate(documents: list[Document], pages: tuple[PageStart, ...],
             nav: Callable[[list[PageTarget]], Document]) -> list[Document]:
    """The documents with a page-break marker where each page of the print edition begins,
    and the navigation document with their page-list."""
    where = {unit: d.name for d in documents for unit in unit_ids(d.xhtml)}
    starts: dict[str, list[PageStart]] = {}
    for start in pages:
        if placeable(start) and epub_id(start.unit) in where:
            starts.setdefault(where[epub_id(start.unit)], []).append(start)
    targets = page_targets(pages, where)
    paginated = []
    for document in documents:
        if "nav" in document.properties:
            document = nav([replace(t, href=relative(t.href, document.name)) for t in targets])
        paginated.append(replace(document, xhtml=insert_page_breaks(
            document.xhtml, starts.get(document.name, []))))
    return paginated


def partial_description(env: jinja2.Environment, book: Book) -> str:
    """What a partial book holds, as plain text (the templates escape it where they show it);
    empty for a whole book."""
    text = env.get_template("description.txt").render(book=book)
    return "".join(line.strip() for line in text.splitlines())


def accessibility_summary(env: jinja2.Environment, book: Book, vertical: bool,
                          page_source: str = "") -> str:
    """The summary of what a reader of this edition finds, from what the book holds."""
    text = env.get_template("accessibility-summary.txt").render(
        chapters=len(book.chapters), sections=sum(len(c.sections) for c in book.chapters),
        images=len(book.images), tables=count_blocks(book, "table"),
        notes=sum(len(c.footnotes) for c in book.chapters), page_source=page_source,
        vertical=vertical)
    return "".join(line.strip() for line in text.splitlines())


def count_blocks(book: Book, kind: str) -> int:
    """How many blocks of type ``kind`` the chapters hold, inside containers and lists too."""

    def count(blocks: list[Block]) -> int:
        total = 0
        for block in blocks:
            total += block.type == kind
            if isinstance(block, Container):
                total += count(block.children)
            elif isinstance(block, ListBlock):
                total += sum(count(item) for item in block.items)
        return total

    return sum(count(c.blocks) for c in book.chapters)


# Where fonts.css finds the fonts of the EPUB: ../fonts/
EPUB_FONT_BASE = relative(FONT_DIR, stylesheet_name("fonts.css")) + "/"


def fonts_stylesheet(book_dir: Path, faces: list[CssFace]) -> str:
    """fonts.css: an ``@font-face`` rule for each face that draws the edition."""
    with template_errors(book_dir):
        return template_environment(book_dir).get_template("fonts.css").render(faces=faces)


def read_stylesheet(name: str, book_dir: Path) -> str:
    """The book's own stylesheet of that name (checked), else bookmaker's."""
    own = book_stylesheet(book_dir, name)
    if own is not None:
        return own
    return (data_dir() / "styles" / name).read_text(encoding="utf-8")

