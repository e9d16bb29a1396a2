"""book.yaml and the chapters it names -> ``Book``."""

from __future__ import annotations

import hashlib
import pickle
import posixpath
import re
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from pydantic import BaseModel

from bookmaker.bookfiles import BOOK_FILE, MIB, read_bytes, read_text, resolve_inside
from bookmaker.diagnostics import Diagnostic, error
from bookmaker.load.images import check_image
from bookmaker.load.markdown import ChapterParser
from bookmaker.load.yamldoc import YamlDoc
from bookmaker.model import (
    FRONT_MATTER_KINDS,
    Block,
    Book,
    BookFont,
    BookMeta,
    Chapter,
    ChapterMeta,
    Container,
    Figure,
    Limits,
    ListBlock,
    ReaderText,
    Table,
)
from bookmaker.resources import installed_faces

BOOK_FILE_LIMIT = 1 * MIB
COVER_NAMES = ("cover.jpg", "cover.jpeg", "cover.png")
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".svg"}
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*(\n|\Z)", re.DOTALL)
# Where a link may lead: the web, an e-mail address, or another chapter (its .md file).
LINK_SCHEMES = {"http", "https", "mailto"}


def known_keys(model: type[BaseModel]) -> set[str]:
    """Every key a source file may use, for did-you-mean hints (a run of text is written as a
    string: the keys of its inline nodes are not the source's)."""
    keys: set[str] = set()
    for name, field in model.model_fields.items():
        keys.add(field.alias or name)
        if any(isinstance(m, ReaderText) and m.kind == "run" for m in field.metadata):
            continue
        for sub in _models_in(field.annotation):
            keys |= known_keys(sub)
    return keys


def _models_in(annotation: object) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in getattr(annotation, "__args__", ()) for m in _models_in(arg)]


Warn = Callable[[Diagnostic], None]


def load_book(book_dir: Path, warn: Warn = lambda diagnostic: None,
              parses: Parses | None = None) -> Book:
    """The book in ``book_dir``; errors raise ``BookError``, warnings go to ``warn``. With
    ``parses``, a chapter parsed before (the same text, path and place) is taken from there,
    its images and links checked again."""
    if not (book_dir / BOOK_FILE).is_file():
        raise error("S004", f"no {BOOK_FILE} in {book_dir}", str(book_dir),
                    hint="give the path of a book directory (see docs/source-format.md)")
    doc = YamlDoc(read_text(book_dir, BOOK_FILE, limit=BOOK_FILE_LIMIT), BOOK_FILE)
    meta = doc.validate(BookMeta, known_keys(BookMeta))
    check_isbns_distinct(meta, doc)
    lines = [doc.lines.get(("chapters", i)) for i in range(len(meta.chapters))]
    sources: dict[str, str] = {}  # normalised path -> chapter id
    for i, (path, line) in enumerate(zip(meta.chapters, lines, strict=True), start=1):
        source = _chapter_source(book_dir, path, line)
        if source in sources:
            raise error("S003", f"chapter '{path}' is listed twice", BOOK_FILE, line,
                        "keep it once under 'chapters'")
        sources[source] = f"c{i:02d}"
    for i, font in enumerate(meta.fonts):
        _check_font(book_dir, font, doc, i)
    images: list[str] = []
    chapters = [
        _load_chapter(book_dir, path, chapter_id, images, meta.limits, sources, warn, parses)
        for path, chapter_id in sources.items()
    ]
    chapters = number_captions(chapters, meta.numbering.captions)
    return Book(meta=meta, chapters=chapters, cover=_find_cover(book_dir, meta.limits),
                images=images)


def check_isbns_distinct(meta: BookMeta, doc: YamlDoc) -> None:
    """Each product has its own ISBN: one given twice would make two products one."""
    first: dict[str, tuple[str, ...]] = {}
    for keypath, isbn in meta.isbns():
        if isbn.digits in first:
            raise error("E001", f"{'.'.join(keypath)} repeats the ISBN of "
                        f"{'.'.join(first[isbn.digits])} ({isbn.printed})", BOOK_FILE,
                        doc.line_of(keypath),
                        "give this product the ISBN issued for it, or none (an e-book without "
                        "an ISBN is identified by a UUID)")
        first[isbn.digits] = keypath


def _chapter_source(book_dir: Path, relative: str, line: int | None) -> str:
    """The chapter's path as the book names it, checked: inside the book, an existing file."""
    path = resolve_inside(book_dir, relative, BOOK_FILE, line)
    if not path.is_file():
        raise error("S004", f"chapter '{relative}' does not exist", BOOK_FILE, line,
                    "create the file or correct the path under 'chapters'")
    return posixpath.normpath(relative)


def _check_font(book_dir: Path, font: BookFont, doc: YamlDoc, i: int) -> None:
    """A font of ``fonts:`` exists: a font file inside the book, or an installed family."""
    if font.family is not None:
        if not installed_faces(font.family):
            raise error("S004", f"no installed font family '{font.family}'", BOOK_FILE,
                        doc.line_of(("fonts", i, "family")),
                        "install it (`fc-list` lists what fontconfig finds), or put the font "
                        "file in the book and name it under 'file:'")
        return
    line = doc.line_of(("fonts", i, "file"))
    path = resolve_inside(book_dir, font.file or "", BOOK_FILE, line)
    if not path.is_file():
        raise error("S004", f"font file '{font.file}' does not exist", BOOK_FILE, line,
                    "put the font in the book directory, or correct the path")
    from fontTools.ttLib import TTFont, TTLibError  # only a book with fonts of its own

    try:
        TTFont(path, fontNumber=font.index, lazy=True).getBestCmap()
    except (TTLibError, OSError, IndexError, AssertionError) as exc:
        raise error("S003", f"'{font.file}' is not a font that can be read "
                    f"(face {font.index}: {exc})", BOOK_FILE, line,
                    "give an OpenType or TrueType file (.otf, .ttf, .ttc) and, for a "
                    "collection, the face under 'index:'") from None


def number_captions(chapters: list[Chapter], numbering: str) -> list[Chapter]:
    """Number the figures and the tables that have a caption, each kind on its own: through
    the book (1, 2, …), or per chapter with the chapter's number (2-1, 2-2, …; the body's
    chapters count from 1, a front-matter chapter's captions are numbered 1, 2, …)."""
    if numbering == "none":
        return chapters
    counts: Counter[str] = Counter()
    body_chapters = 0
    numbered = []
    for chapter in chapters:
        prefix = ""
        if numbering == "chapter":
            counts.clear()
            if chapter.meta.kind not in FRONT_MATTER_KINDS:
                body_chapters += 1
                prefix = f"{body_chapters}-"
        blocks = _map_blocks(chapter.blocks, partial(_number, counts=counts, prefix=prefix))
        numbered.append(chapter.model_copy(update={"blocks": blocks}))
    return numbered


def _number(block: Block, counts: Counter[str], prefix: str) -> Block:
    if isinstance(block, Figure | Table) and block.caption:
        counts[block.type] += 1
        return block.model_copy(update={"number": f"{prefix}{counts[block.type]}"})
    return block


def _map_blocks(blocks: list[Block], function: Callable[[Block], Block]) -> list[Block]:
    """``function`` applied to every block, in reading order, inside containers and lists."""
    result = []
    for block in blocks:
        if isinstance(block, Container):
            block = block.model_copy(update={"children": _map_blocks(block.children, function)})
        elif isinstance(block, ListBlock):
            block = block.model_copy(update={"items": [_map_blocks(i, function)
                                                       for i in block.items]})
        result.append(function(block))
    return result


def _find_cover(book_dir: Path, limits: Limits) -> str | None:
    for name in COVER_NAMES:
        if (book_dir / name).is_file():
            data = read_bytes(book_dir, name, limit=limits.image_bytes, what="cover")
            check_image(data, name, limits, name, None)
            return name
    return None


def _link_target(href: str, chapter: str, chapters: dict[str, str],
                 line: int | None) -> str:
    """What a link may point to: a web or mail address as written, or another chapter of the
    book, given as its source path (the renderer turns that into the chapter's document)."""
    parts = urlsplit(href)
    if parts.scheme:
        if parts.scheme.lower() not in LINK_SCHEMES:
            raise error("S017", f"a link to '{parts.scheme}:' is not allowed", chapter, line,
                        "link to an https: or mailto: address, or to another chapter's .md")
        return href
    hint = "link to a web address, or to a chapter of the book by its .md file"
    if parts.fragment:
        raise error("S017", f"a link to a place inside a chapter ('{href}') has no target",
                    chapter, line, "link to the chapter's .md file without '#'")
    target = posixpath.normpath(posixpath.join(posixpath.dirname(chapter), unquote(parts.path)))
    if target not in chapters:
        raise error("S017", f"the link '{href}' leads to no chapter of the book", chapter, line,
                    hint)
    return target


def _load_chapter(book_dir: Path, relative: str, chapter_id: str, images: list[str],
                  limits: Limits, chapters: dict[str, str], warn: Warn,
                  parses: Parses | None) -> Chapter:
    text = read_text(book_dir, relative, limit=limits.chapter_bytes, what="chapter")
    use_image = partial(_use_image, book_dir, relative, images, limits)
    on_link = partial(_on_link, relative, chapters)
    if parses is None:
        return _parse_chapter(text, relative, chapter_id, use_image, on_link, warn)
    inputs = [relative, chapter_id, hashlib.sha256(text.encode("utf-8")).hexdigest()]
    kept = _unpickled(parses.recall(inputs))
    if kept is not None:
        chapter = _replayed(kept, use_image, on_link, warn)
        if chapter is not None:
            return chapter
    events: list[Event] = []
    chapter = _parse_chapter(text, relative, chapter_id, _recorded(events, "image", use_image),
                             _recorded(events, "link", on_link), _recorded(events, "warn", warn))
    parses.keep(inputs, pickle.dumps((chapter, events), protocol=pickle.HIGHEST_PROTOCOL))
    return chapter


def _parse_chapter(text: str, relative: str, chapter_id: str,
                   use_image: Callable[[str, int | None], str],
                   on_link: Callable[[str, int | None], str], warn: Warn) -> Chapter:
    """The chapter in ``text``: all of it follows from the text, but for what ``use_image``,
    ``on_link`` and ``warn`` are told (the files and chapters of the book, checked by them)."""
    match = FRONT_MATTER.match(text)
    if not match:
        raise error("S010", "the chapter has no YAML front matter", relative, 1,
                    "start the file with '---', the title and kind, and '---'")
    front = YamlDoc(match.group(1), relative, first_line=2)
    meta = front.validate(ChapterMeta, known_keys(ChapterMeta))
    body_first_line = match.group(0).count("\n") + 1
    parser = ChapterParser(relative, body_first_line, use_image, id_prefix=f"{chapter_id}-",
                           warn=warn, on_link=on_link)
    blocks, footnotes = parser.parse(text[match.end():])
    return Chapter(id=chapter_id, source=relative, meta=meta, blocks=blocks, footnotes=footnotes)


class Parses(Protocol):
    """Where chapters parsed by an earlier build are kept (``cache.Kept``), under their text,
    path and id: parsing is two thirds of loading a full-size book (0.1 of 0.15 s)."""

    def recall(self, inputs: list[str]) -> bytes | None: ...

    def keep(self, inputs: list[str], data: bytes) -> None: ...


# What a parse asked of the book beyond its text, in order: ("image", src, line, answer),
# ("link", href, line, answer), ("warn", diagnostic).
Event = tuple[Any, ...]


def _unpickled(data: bytes | None) -> tuple[Chapter, list[Event]] | None:
    """A kept parse, or None: none kept, or a file of the cache damaged since (a cache never
    fails a build)."""
    if data is None:
        return None
    try:
        return pickle.loads(data)
    except Exception:
        return None


def _recorded(events: list[Event], kind: str, ask: Callable[..., Any]) -> Callable[..., Any]:
    def recorded(*args: Any) -> Any:
        answer = ask(*args)
        events.append((kind, *args, answer) if kind != "warn" else (kind, *args))
        return answer
    return recorded


def _replayed(kept: tuple[Chapter, list[Event]], use_image: Callable[[str, int | None], str],
              on_link: Callable[[str, int | None], str], warn: Warn) -> Chapter | None:
    """A kept chapter, once its images and links are checked again as its parse checked them
    (an image deleted since, a chapter left out of the book: the same error) and its warnings
    given again; None when an image or a link now leads elsewhere (a symbolic link changed):
    the chapter is parsed again."""
    chapter, events = kept
    warnings: list[Diagnostic] = []  # given once the chapter is taken, or an error raised
    for kind, *asked in events:
        if kind == "warn":
            warnings.extend(asked)
            continue
        try:
            answer = (use_image if kind == "image" else on_link)(*asked[:-1])
        except Exception:
            _give(warnings, warn)
            raise
        if answer != asked[-1]:
            return None
    _give(warnings, warn)
    return chapter


def _give(warnings: list[Diagnostic], warn: Warn) -> None:
    for diagnostic in warnings:
        warn(diagnostic)


def _use_image(book_dir: Path, relative: str, images: list[str], limits: Limits, src: str,
               image_line: int | None) -> str:
    """The image a chapter shows, checked, as the book names it; added to ``images`` when it
    is first shown."""
    src = unquote(src)  # markdown-it gives 'images/图 一.png' percent-encoded
    image = resolve_inside(book_dir, src, relative, image_line)
    if image.suffix.lower() not in IMAGE_SUFFIXES or not image.is_file():
        raise error("S004", f"image '{src}' does not exist or is not an image", relative,
                    image_line, f"use a {', '.join(sorted(IMAGE_SUFFIXES))} file in the book")
    normal = image.relative_to(book_dir.resolve()).as_posix()
    if normal not in images:
        data = read_bytes(book_dir, normal, relative, image_line, limits.image_bytes, "image")
        check_image(data, src, limits, relative, image_line)
        images.append(normal)
    return normal


def _on_link(relative: str, chapters: dict[str, str], href: str, line: int | None) -> str:
    return _link_target(href, relative, chapters, line)


