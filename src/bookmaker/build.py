"""The one module that knows the order of the stages.

    load -> [convert: the Traditional edition] -> render -> fonts (coverage, subsets)
         -> package (EPUB) -> write
         -> print transforms -> print document -> typeset (PDF, per profile) -> write

Everything a stage needs comes in as arguments and goes out as a value; this module wires them
and writes the outputs as one set (``outputs.OutputSet``), so a failed or interrupted build
leaves every earlier output intact.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import pypdfium2

from bookmaker import transform
from bookmaker.bookfiles import BOOK_FILE, read_bytes
from bookmaker.cover import cover_geometry, front_geometry, rasterise, spine_characters
from bookmaker.diagnostics import BookError, Diagnostic, Location, Severity, error
from bookmaker.epub import Image, package_epub
from bookmaker.epub_names import cover_image_name, image_name
from bookmaker.fonts import characters_by_source, subset_face, text_of, uncovered
from bookmaker.load import load_book
from bookmaker.model import Book
from bookmaker.outputs import OutputSet, prepare_folder
from bookmaker.pdf import PROFILES, TypesetPdf, typeset_pdf
from bookmaker.pdf.cover import typeset_cover
from bookmaker.reader_text import reader_passages
from bookmaker.render import Rendered, render_book
from bookmaker.render.cover_document import render_cover, render_front
from bookmaker.render.documents import Labels, same
from bookmaker.render.pagebreaks import PageStart
from bookmaker.render.print_edition import render_print
from bookmaker.resources import FontFace, font_faces, fonts_dir
from bookmaker.variants import convert_book, make_converter, segment, variant_config

FORMATS = ("epub", "pdf")  # what a build makes unless told
ALL_FORMATS = (*FORMATS, "cover")  # the printed cover spread only on request
PDF_SUFFIX = {"screen": ".pdf", "press": ".press.pdf"}
COVER_SUFFIX = ".cover.pdf"


@dataclass(frozen=True)
class BuildResult:
    outputs: list[Path] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def __post_init__(self) -> None:
        # a diagnostic that several outputs report (each PDF's P003) is kept once
        object.__setattr__(self, "diagnostics", list(dict.fromkeys(self.diagnostics)))

    def __add__(self, other: BuildResult) -> BuildResult:
        return BuildResult(self.outputs + other.outputs, self.diagnostics + other.diagnostics)


LAST_EPOCH = 253402300799  # 9999-12-31T23:59:59Z, the last second a datetime can hold


def source_date(book_dir: Path) -> datetime:
    """SOURCE_DATE_EPOCH when set, else the newest modification among the source files: a
    rebuild of unchanged sources gets the same timestamps, hence the same bytes."""
    given = os.environ.get("SOURCE_DATE_EPOCH")
    if given is None:
        epoch = max(int(p.stat().st_mtime) for p in book_dir.rglob("*") if p.is_file())
    else:
        epoch = environment_epoch(given)
    return datetime.fromtimestamp(min(max(epoch, 0), LAST_EPOCH), tz=UTC)


def environment_epoch(given: str) -> int:
    """SOURCE_DATE_EPOCH as the specification has it: a whole number of seconds since
    1970-01-01 UTC."""
    if not given.strip().isdigit() or int(given) > LAST_EPOCH:
        raise error("B004", f"SOURCE_DATE_EPOCH is '{given}', not a number of seconds",
                    "SOURCE_DATE_EPOCH",
                    hint="set it to seconds since 1970, e.g. $(git log -1 --format=%ct), "
                    "or unset it")
    return int(given)


def cache_dir(out_dir: Path) -> Path:
    """Where results keyed by content hash are kept: BOOKMAKER_CACHE_DIR, else <out>/.cache."""
    return Path(os.environ.get("BOOKMAKER_CACHE_DIR") or out_dir / ".cache")


def check_output_dir(book_dir: Path, out_dir: Path) -> None:
    """bookmaker writes neither its outputs nor its cache into the book."""
    if out_dir.resolve().is_relative_to(book_dir.resolve()):
        raise error("B001", f"the output folder '{out_dir}' is inside the book directory",
                    str(book_dir), hint="bookmaker never writes into the source: use --out")
    cache = cache_dir(out_dir)
    if cache.resolve().is_relative_to(book_dir.resolve()):
        raise error("B001", f"the cache folder '{cache}' is inside the book directory",
                    "BOOKMAKER_CACHE_DIR", hint="bookmaker never writes into the source: "
                    "set BOOKMAKER_CACHE_DIR to a folder outside it, or unset it")


@dataclass(frozen=True)
class Edition:
    """The book in one script: the source's own, or a conversion of it."""

    book: Book
    variant: str  # the source's language, or a variant name ("zh-Hant")
    suffix: str  # in the output names: "" or ".zh-Hant"
    labels: Labels = same  # how the templates' own labels are written


def make_edition(book: Book, book_dir: Path, variant: str | None) -> Edition:
    if variant is None or variant == book.meta.language:
        return Edition(book, book.meta.language, "")
    if book.meta.script == "Hant":
        raise error("B002", f"the book is already {book.meta.language}", BOOK_FILE,
                    hint="variants convert a Simplified source to Traditional")
    converter = make_converter(book, book_dir, variant)
    config = variant_config(book.meta, variant)
    return Edition(convert_book(book, converter, config.language, config), variant,
                   f".{variant}", converter.convert)


def build(book_dir: Path, out_dir: Path, formats: tuple[str, ...] = FORMATS,
          stage: Callable[[str], None] = lambda name: None,
          profiles: tuple[str, ...] = PROFILES,
          variants: tuple[str | None, ...] = (None,), vertical: bool = False) -> BuildResult:
    """Build ``formats`` of the book in ``book_dir`` into ``out_dir``, for each of
    ``variants`` (None: the source's own script; "zh-Hant": the Traditional edition), and
    with ``vertical`` a vertical EPUB of each Traditional edition too.

    Nothing in ``out_dir`` changes until every output is made; then all are put in place."""
    check_output_dir(book_dir, out_dir)
    modified = source_date(book_dir)
    warnings: list[Diagnostic] = []
    with OutputSet(out_dir) as staged:
        prepare_folder(cache_dir(out_dir), "cache folder")
        segment.keep_cache_in(cache_dir(out_dir) / "jieba")
        stage("load")
        book = load_book(book_dir, warn=warnings.append)
        result = BuildResult(diagnostics=warnings)
        for variant in variants:
            if variant is not None:
                stage(f"convert ({variant})")
            edition = make_edition(book, book_dir, variant)
            result += build_edition(edition, book_dir, out_dir, formats, profiles, modified,
                                    stage, staged,
                                    vertical and edition.book.meta.script == "Hant")
        return BuildResult(staged.commit(), result.diagnostics)


def build_edition(edition: Edition, book_dir: Path, out_dir: Path, formats: tuple[str, ...],
                  profiles: tuple[str, ...], modified: datetime,
                  stage: Callable[[str], None], staged: OutputSet,
                  vertical: bool = False) -> BuildResult:
    """The outputs of one edition (staged, put in place by ``build``), and what the build
    found to warn about. The PDF is laid out first: where its pages begin becomes the EPUB's
    page-list. (The EPUBs are staged first all the same, and listed first.)"""
    book = edition.book
    faces = font_faces(book.meta.script)
    stage("render")
    rendered = render_book(book, book_dir, faces, edition.labels)
    stage("fonts")
    chars = used_characters(book, rendered)
    diagnostics = check_coverage(chars, faces, strict="pdf" in formats)
    outputs = []
    print_edition = replace(edition, book=transform.apply(book, transform.PRINT))
    typeset: dict[str, TypesetPdf] = {}
    if "pdf" in formats:
        for profile in profiles:
            stage(f"pdf ({profile})")
            typeset[profile] = typeset_interior(print_edition, book_dir, faces, profile,
                                                modified)
            diagnostics += typeset[profile].diagnostics
    pages = next(iter(typeset.values())).pages if typeset else ()
    if "epub" in formats:
        stage("epub")
        source = page_source(edition, pages)
        if pages:  # the page-list's folios are text too: the font subsets must hold them
            rendered = render_book(book, book_dir, faces, edition.labels, pages=pages,
                                   page_source=source)
            chars = used_characters(book, rendered)
        outputs.append(write_epub(edition, book_dir, out_dir, rendered, faces, "".join(chars),
                                  modified, staged))
        if vertical:
            stage("epub (vertical)")
            outputs.append(write_vertical_epub(edition, book_dir, out_dir, modified, staged,
                                               pages, source))
    for profile, pdf in typeset.items():
        name = f"{edition.book.meta.name}{edition.suffix}{PDF_SUFFIX[profile]}"
        outputs.append(staged.add(name, pdf.data))
    if "cover" in formats:
        # the press PDF, whose pages decide the spine
        interior = typeset["press"].data if "press" in typeset else None
        if interior is None:
            stage("pdf (press, for the page count)")
            interior = typeset_interior(print_edition, book_dir, faces, "press", modified).data
        stage("cover")
        path, found = write_cover(edition, book_dir, faces, page_count(interior), modified,
                                  staged)
        outputs.append(path)
        diagnostics += found
    return BuildResult(outputs, diagnostics)


def page_source(edition: Edition, pages: tuple[PageStart, ...]) -> str:
    """What the EPUB's page-list follows (``pageBreakSource``): the print book's ISBN, or the
    PDF bookmaker made of this edition when the print book has none."""
    if not pages:
        return ""
    printed = edition.book.product("print")
    if printed.isbn:
        return printed.isbn.urn
    return f"{edition.book.meta.name}{edition.suffix}{PDF_SUFFIX['screen']}"


def check_coverage(chars: dict[str, Location], faces: list[FontFace],
                   strict: bool) -> list[Diagnostic]:
    """Characters no embedded font has: warnings for the EPUB (reading systems fall back to
    their own fonts), errors when a PDF is built (print has no fallback: it would be tofu)."""
    missing = uncovered(chars, faces)
    if strict and missing:
        raise BookError([replace(d, severity=Severity.ERROR) for d in missing])
    return missing


def write_epub(edition: Edition, book_dir: Path, out_dir: Path, rendered: Rendered,
               faces: list[FontFace], chars: str, modified: datetime,
               staged: OutputSet) -> Path:
    book = edition.book
    if book.cover:
        cover = Image(cover_image_name(book), read_bytes(book_dir, book.cover))
    else:
        cover = Image(cover_image_name(book), front_cover_image(edition, book_dir, faces))
    images = [Image(image_name(src), read_bytes(book_dir, src)) for src in book.images]
    cache = cache_dir(out_dir) / "fonts"
    fonts = [subset_face(face, chars, cache) for face in faces]
    data = package_epub(book, rendered, fonts, cover, images, modified, edition.variant)
    return staged.add(f"{book.meta.name}{edition.suffix}.epub", data)


def write_vertical_epub(edition: Edition, book_dir: Path, out_dir: Path,
                        modified: datetime, staged: OutputSet,
                        pages: tuple[PageStart, ...] = (), source: str = "") -> Path:
    """The edition set vertically: its own EPUB, with its own identifier."""
    book = transform.apply(edition.book, transform.VERTICAL)
    vertical = replace(edition, book=book, variant=f"{edition.variant}-vertical",
                       suffix=f"{edition.suffix}.vertical")
    faces = font_faces(book.meta.script)
    rendered = render_book(book, book_dir, faces, edition.labels, vertical=True, pages=pages,
                           page_source=source)
    chars = used_characters(book, rendered)
    return write_epub(vertical, book_dir, out_dir, rendered, faces, "".join(chars), modified,
                      staged)


def typeset_interior(edition: Edition, book_dir: Path, faces: list[FontFace], profile: str,
                     modified: datetime) -> TypesetPdf:
    document = render_print(edition.book, book_dir, faces, profile, pdf_date(modified),
                            edition.labels)
    return typeset_pdf(document, book_dir, fonts_dir(), profile)


def pdf_date(modified: datetime) -> str:
    return modified.strftime("%Y-%m-%dT%H:%M:%SZ")


def page_count(pdf: bytes) -> int:
    return len(pypdfium2.PdfDocument(pdf))


def write_cover(edition: Edition, book_dir: Path, faces: list[FontFace], pages: int,
                modified: datetime, staged: OutputSet) -> tuple[Path, list[Diagnostic]]:
    """The printed cover spread, its spine as thick as the interior's ``pages``."""
    book = edition.book
    title, publisher = spine_characters(book)
    geometry, found = cover_geometry(book, pages, edition.labels(title),
                                     edition.labels(publisher))
    if any(d.severity is Severity.ERROR for d in found):
        raise BookError(found)
    document = render_cover(book, book_dir, faces, geometry, pdf_date(modified),
                            edition.labels)
    data, logged = typeset_cover(document, book_dir, fonts_dir(), geometry)
    path = staged.add(f"{book.meta.name}{edition.suffix}{COVER_SUFFIX}", data)
    return path, found + logged


def front_cover_image(edition: Edition, book_dir: Path, faces: list[FontFace]) -> bytes:
    """The EPUB's cover: the print cover's front panel, rasterised."""
    document = render_front(edition.book, book_dir, faces, front_geometry(edition.book),
                            edition.labels)
    data, _logged = typeset_cover(document, book_dir, fonts_dir())  # the spread reports them
    return rasterise(data)


def used_characters(book: Book, rendered: Rendered) -> dict[str, Location]:
    """Every character the edition shows, with the first place it comes from: the book's
    reader text first (in the documents and in the package metadata alike), then what the
    templates add around it (labels, dates, numbers)."""
    passages = [(p.location, p.text) for p in reader_passages(book, verbatim=True)]
    passages += [(Location(d.source), text_of(d.xhtml)) for d in rendered.documents]
    return characters_by_source(passages)
