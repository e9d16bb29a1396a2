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
from bookmaker.fonts import (
    Family,
    FontPlan,
    characters_by_source,
    epub_css_faces,
    fallback_note,
    font_families,
    print_css_faces,
    resolve,
    subset_face,
    text_of,
    uncovered,
)
from bookmaker.load import load_book
from bookmaker.model import Book
from bookmaker.outputs import OutputSet, prepare_folder
from bookmaker.pdf import PROFILES, TypesetPdf, typeset_pdf
from bookmaker.pdf.cover import typeset_cover
from bookmaker.reader_text import reader_passages
from bookmaker.render import Rendered, render_book
from bookmaker.render.cover_document import render_cover, render_front
from bookmaker.render.documents import EPUB_FONT_BASE, Labels, fonts_stylesheet, same
from bookmaker.render.pagebreaks import PageStart
from bookmaker.render.print_edition import PrintDocument, render_print
from bookmaker.resources import fonts_dir
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


def source_date(book: Book, book_dir: Path) -> datetime:
    """The time stamped into the outputs: book.yaml's ``modified``, else SOURCE_DATE_EPOCH,
    else the newest modification among the files the build reads from the book. A rebuild of
    unchanged sources gets the same timestamps, hence the same bytes; a stray file in the book
    directory (notes, a backup) changes nothing."""
    if book.meta.modified is not None:
        return book.meta.modified
    given = os.environ.get("SOURCE_DATE_EPOCH")
    if given is None:
        epoch = max(int(p.stat().st_mtime) for p in source_files(book, book_dir))
    else:
        epoch = environment_epoch(given)
    return datetime.fromtimestamp(min(max(epoch, 0), LAST_EPOCH), tz=UTC)


def source_files(book: Book, book_dir: Path) -> list[Path]:
    """Every file of the book that a build reads: book.yaml, the chapters, their images, the
    cover, the dictionaries and fonts book.yaml names, the book's styles and templates."""
    meta = book.meta
    names = [BOOK_FILE, *meta.chapters, *book.images, *([book.cover] if book.cover else []),
             *(v.dictionary for v in meta.variants.values() if v.dictionary),
             *(font.file for font in meta.fonts if font.file)]
    paths = [book_dir / name for name in names]
    for folder in ("styles", "templates"):
        paths += sorted(p for p in (book_dir / folder).rglob("*") if p.is_file())
    return [p for p in paths if p.is_file()]


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
    warnings: list[Diagnostic] = []
    with OutputSet(out_dir) as staged:
        prepare_folder(cache_dir(out_dir), "cache folder")
        segment.keep_cache_in(cache_dir(out_dir) / "jieba")
        stage("load")
        book = load_book(book_dir, warn=warnings.append)
        modified = source_date(book, book_dir)
        result = BuildResult(diagnostics=warnings)
        for variant in variants:
            if variant is not None:
                stage(f"convert ({variant})")
            edition = make_edition(book, book_dir, variant)
            result += build_edition(edition, book_dir, out_dir, formats, profiles, modified,
                                    stage, staged,
                                    vertical and edition.book.meta.script == "Hant")
        committed = staged.commit()  # in the order staged: each edition's PDFs, then EPUBs
        return BuildResult(sorted(committed, key=lambda path: path.suffix != ".epub"),
                           result.diagnostics)


def build_edition(edition: Edition, book_dir: Path, out_dir: Path, formats: tuple[str, ...],
                  profiles: tuple[str, ...], modified: datetime,
                  stage: Callable[[str], None], staged: OutputSet,
                  vertical: bool = False) -> BuildResult:
    """The outputs of one edition (staged, put in place by ``build``), and what the build
    found to warn about. The PDF is laid out first: where its pages begin becomes the EPUB's
    page-list, so the PDFs are staged before the EPUBs (``build`` lists the EPUBs first)."""
    book = edition.book
    fonts = EditionFonts(font_families(book, book_dir, book.meta.script), book_dir, out_dir,
                         first_use(book_dir, edition.labels), book.meta.script)
    stage("render")
    rendered = render_book(book, book_dir, edition.labels)
    stage("fonts")
    plan = resolve(used_characters(book, rendered), fonts.families)
    diagnostics = check_coverage(plan, fonts, strict="pdf" in formats)
    outputs = []
    print_edition = replace(edition, book=transform.apply(book, transform.PRINT))
    typeset: dict[str, TypesetPdf] = {}
    if "pdf" in formats:
        for profile in profiles:
            stage(f"pdf ({profile})")
            typeset[profile] = typeset_interior(print_edition, book_dir, fonts, profile,
                                                modified)
            diagnostics += typeset[profile].diagnostics
            name = f"{edition.book.meta.name}{edition.suffix}{PDF_SUFFIX[profile]}"
            outputs.append(staged.add(name, typeset[profile].data))
    pages = next(iter(typeset.values())).pages if typeset else ()
    if "epub" in formats:
        stage("epub")
        source = page_source(edition, pages)
        if pages:  # the page-list's folios are text too: the font subsets must hold them
            rendered = render_book(book, book_dir, edition.labels, pages=pages,
                                   page_source=source)
            plan = resolve(used_characters(book, rendered), fonts.families)
        fonts.plans.append(plan)
        outputs.append(write_epub(edition, book_dir, out_dir, rendered, plan, fonts, modified,
                                  staged))
        if vertical:
            stage("epub (vertical)")
            outputs.append(write_vertical_epub(edition, book_dir, out_dir, modified, staged,
                                               pages, source))
    if "cover" in formats:
        # the press PDF, whose pages decide the spine
        interior = typeset["press"].data if "press" in typeset else None
        if interior is None:
            stage("pdf (press, for the page count)")
            interior = typeset_interior(print_edition, book_dir, fonts, "press", modified).data
        stage("cover")
        path, found = write_cover(edition, book_dir, fonts, page_count(interior), modified,
                                  staged)
        outputs.append(path)
        diagnostics += found
    diagnostics += fallback_note(fonts.plans, book.meta.language)
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


@dataclass
class EditionFonts:
    """What draws an edition: the families and their faces, and the plans made for each of
    its documents (for the one note on fallback characters)."""

    families: list[Family]
    book_dir: Path
    out_dir: Path
    locate: Callable[[str, Location], Location]
    script: str
    plans: list[FontPlan] = field(default_factory=list)

    def for_print(self, document: PrintDocument, strict: bool = True) -> PrintDocument:
        """The print-stage document with fonts.css first: the faces that draw its characters
        (a character no face has stops a PDF: print has no fallback)."""
        text = text_of(document.html)
        plan = resolve(characters_by_source([(Location(BOOK_FILE), text)]), self.families)
        check_coverage(plan, self, strict=strict)
        self.plans.append(plan)
        faces = print_css_faces(plan, self.book_dir, fonts_dir().resolve().as_uri() + "/",
                                cache_dir(self.out_dir) / "fonts")
        return replace(document, stylesheets=(fonts_stylesheet(self.book_dir, faces),
                                              *document.stylesheets))


def check_coverage(plan: FontPlan, fonts: EditionFonts, strict: bool) -> list[Diagnostic]:
    """Characters no font has: warnings for the EPUB (reading systems fall back to their own
    fonts), errors when a PDF is built (print has no fallback: it would be tofu)."""
    missing = uncovered(plan, fonts.locate, fonts.script)
    if strict and missing:
        raise BookError([replace(d, severity=Severity.ERROR) for d in missing])
    return missing


def first_use(book_dir: Path, convert: Labels) -> Callable[[str, Location], Location]:
    """Where a character of the edition first occurs: the place found, with the line of its
    file that has it, or whose conversion has it (a character of the Traditional edition)."""
    def locate(char: str, where: Location) -> Location:
        if where.line is not None:
            return where
        try:
            lines = (book_dir / where.path).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return where
        for number, line in enumerate(lines, start=1):
            if char in line or char in convert(line):
                return Location(where.path, number)
        return where
    return locate


def write_epub(edition: Edition, book_dir: Path, out_dir: Path, rendered: Rendered,
               plan: FontPlan, fonts: EditionFonts, modified: datetime,
               staged: OutputSet) -> Path:
    book = edition.book
    if book.cover:
        cover = Image(cover_image_name(book), read_bytes(book_dir, book.cover))
    else:
        cover = Image(cover_image_name(book), front_cover_image(edition, book_dir, fonts))
    images = [Image(image_name(src), read_bytes(book_dir, src)) for src in book.images]
    cache = cache_dir(out_dir) / "fonts"
    embedded = [subset_face(use.face, use.chars, cache) for use in plan.uses]
    css = fonts_stylesheet(book_dir, epub_css_faces(embedded, plan, EPUB_FONT_BASE))
    rendered = replace(rendered, stylesheets={"fonts.css": css, **rendered.stylesheets})
    data = package_epub(book, rendered, embedded, cover, images, modified, edition.variant)
    return staged.add(f"{book.meta.name}{edition.suffix}.epub", data)


def write_vertical_epub(edition: Edition, book_dir: Path, out_dir: Path,
                        modified: datetime, staged: OutputSet,
                        pages: tuple[PageStart, ...] = (), source: str = "") -> Path:
    """The edition set vertically: its own EPUB, with its own identifier."""
    book = transform.apply(edition.book, transform.VERTICAL)
    vertical = replace(edition, book=book, variant=f"{edition.variant}-vertical",
                       suffix=f"{edition.suffix}.vertical")
    fonts = EditionFonts(font_families(book, book_dir, book.meta.script), book_dir, out_dir,
                         first_use(book_dir, edition.labels), book.meta.script)
    rendered = render_book(book, book_dir, edition.labels, vertical=True, pages=pages,
                           page_source=source)
    plan = resolve(used_characters(book, rendered), fonts.families)
    return write_epub(vertical, book_dir, out_dir, rendered, plan, fonts, modified, staged)


def typeset_interior(edition: Edition, book_dir: Path, fonts: EditionFonts, profile: str,
                     modified: datetime) -> TypesetPdf:
    document = render_print(edition.book, book_dir, profile, pdf_date(modified),
                            edition.labels)
    return typeset_pdf(fonts.for_print(document), book_dir, fonts_dir(), profile)


def pdf_date(modified: datetime) -> str:
    return modified.strftime("%Y-%m-%dT%H:%M:%SZ")


def page_count(pdf: bytes) -> int:
    return len(pypdfium2.PdfDocument(pdf))


def write_cover(edition: Edition, book_dir: Path, fonts: EditionFonts, pages: int,
                modified: datetime, staged: OutputSet) -> tuple[Path, list[Diagnostic]]:
    """The printed cover spread, its spine as thick as the interior's ``pages``."""
    book = edition.book
    title, publisher = spine_characters(book)
    geometry, found = cover_geometry(book, pages, edition.labels(title),
                                     edition.labels(publisher))
    if any(d.severity is Severity.ERROR for d in found):
        raise BookError(found)
    document = render_cover(book, book_dir, geometry, pdf_date(modified), edition.labels)
    data, logged = typeset_cover(fonts.for_print(document), book_dir, fonts_dir(), geometry)
    path = staged.add(f"{book.meta.name}{edition.suffix}{COVER_SUFFIX}", data)
    return path, found + logged


def front_cover_image(edition: Edition, book_dir: Path, fonts: EditionFonts) -> bytes:
    """The EPUB's cover: the print cover's front panel, rasterised."""
    document = render_front(edition.book, book_dir, front_geometry(edition.book),
                            edition.labels)
    # what it lacks is reported with the EPUB's text, which has the same title and names
    data, _logged = typeset_cover(fonts.for_print(document, strict=False), book_dir,
                                  fonts_dir())  # the spread reports them
    return rasterise(data)


def used_characters(book: Book, rendered: Rendered) -> dict[str, Location]:
    """Every character the edition shows, with the first place it comes from: the book's
    reader text first (in the documents and in the package metadata alike), then what the
    templates add around it (labels, dates, numbers)."""
    passages = [(p.location, p.text) for p in reader_passages(book, verbatim=True)]
    passages += [(Location(d.source), text_of(d.xhtml)) for d in rendered.documents]
    return characters_by_source(passages)
