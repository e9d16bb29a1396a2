"""The one module that knows the order of the stages.

    [cache: every output unchanged? done]
    load -> [convert: the Traditional edition] -> render -> fonts (coverage, subsets)
         -> package (EPUB)
         -> print transforms -> print document -> typeset (PDF, per profile)
    -> write, record in the cache

Everything a stage needs comes in as arguments and goes out as a value; this module wires them,
writes the outputs atomically (a failed build leaves earlier outputs intact) and records them in
the build cache (``cache.py``), which lets the next build skip what has not changed.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from pathlib import Path

from bookmaker import transform
from bookmaker.bookfiles import BOOK_FILE
from bookmaker.cache import BuildCache, book_digest, cache_dir, memo, source_date
from bookmaker.cover import cover_geometry, front_geometry, spine_characters
from bookmaker.diagnostics import BookError, Diagnostic, Location, Severity, error
from bookmaker.epub import Image, package_epub
from bookmaker.epub_names import cover_image_name, image_name
from bookmaker.fonts import characters_by_source, subset_face, text_of, uncovered
from bookmaker.load import load_book
from bookmaker.model import Book
from bookmaker.parallel import run_in_order
from bookmaker.progress import Reporter, for_edition, silent
from bookmaker.reader_text import reader_passages
from bookmaker.render import Rendered, render_book
from bookmaker.render.cover_document import render_cover, render_front
from bookmaker.render.documents import Labels, same
from bookmaker.render.print_edition import PrintDocument, render_print
from bookmaker.resources import FontFace, font_faces, fonts_dir
from bookmaker.targets import (
    ALL_FORMATS,
    COVER,
    COVER_SUFFIX,
    EPUB,
    FORMATS,
    PDF_SUFFIX,
    PROFILES,
    VERTICAL_EPUB,
    BuildResult,
    Target,
    pdf_output,
    targets,
)

# WeasyPrint (the PDFs, the cover), PDFium and OpenCC with its word segmentation are imported
# where they are used: an EPUB of the source's own script, its cover image cached, is made
# without loading them (a second or so of CPU at every start).

__all__ = ["ALL_FORMATS", "FORMATS", "BuildResult", "build", "cache_dir", "source_date"]


def check_output_dir(book_dir: Path, out_dir: Path) -> None:
    if out_dir.resolve().is_relative_to(book_dir.resolve()):
        raise error("B001", f"the output folder '{out_dir}' is inside the book directory",
                    str(book_dir), hint="bookmaker never writes into the source: use --out")


def write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(partial, 0o644)
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


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
    from bookmaker.variants import convert_book, make_converter, variant_config

    converter = make_converter(book, book_dir, variant)
    language = variant_config(book.meta, variant).language
    return Edition(convert_book(book, converter, language), variant, f".{variant}",
                   converter.convert)


@dataclass(frozen=True)
class Output:
    """One output made: the target it answers, its file name in --out, its bytes."""

    target: Target
    name: str
    data: bytes


@dataclass(frozen=True)
class Typesetting:
    """A PDF still to typeset: its print document, ready for WeasyPrint (plain text, so that
    the process that typesets it needs nothing else of the edition)."""

    target: Target
    name: str  # the output's file name
    profile: str
    document: PrintDocument
    label: str  # whose steps these are: "zh-Hant pdf (press)"


@dataclass(frozen=True)
class EditionResult:
    variant: str | None
    outputs: list[Output]
    diagnostics: list[Diagnostic]  # what the edition's build found, for each of its outputs
    typesetting: list[Typesetting] = field(default_factory=list)  # its PDFs, to typeset


def build(book_dir: Path, out_dir: Path, formats: tuple[str, ...] = FORMATS,
          progress: Reporter = silent,
          profiles: tuple[str, ...] = PROFILES,
          variants: tuple[str | None, ...] = (None,), vertical: bool = False) -> BuildResult:
    """Build ``formats`` of the book in ``book_dir`` into ``out_dir``, for each of
    ``variants`` (None: the source's own script; "zh-Hant": the Traditional edition), and
    with ``vertical`` a vertical EPUB of each Traditional edition too. Outputs that the build
    cache knows to be unchanged are left as they are (``BuildResult.unchanged``)."""
    check_output_dir(book_dir, out_dir)
    stage = for_edition(progress, "")
    stage("check the cache")
    cache = BuildCache(book_dir, out_dir)
    result, todo = cache.sort(targets(formats, profiles, variants, vertical))
    if todo:
        stage("load")
        book = load_book(book_dir)
        modified = source_date(book_dir)
        stage("editions")  # each in a process of its own when there are cores for them
        editions = run_in_order([partial(build_edition, book, book_dir, out_dir, variant,
                                         [t for t in todo if t.variant == variant], modified)
                                 for variant in dict.fromkeys(t.variant for t in todo)],
                                progress, isolate=True)
        # every edition's PDFs, in processes forked from this one, which holds little: not
        # from an edition's, which holds its converter's dictionaries (some 230 MB)
        jobs = [job for edition in editions for job in edition.typesetting]
        if jobs:
            stage("pdfs")
        typeset = iter(run_in_order([partial(typeset_job, job, book_dir) for job in jobs],
                                    progress))
        stage("write")
        for edition in editions:
            outputs, diagnostics = list(edition.outputs), list(edition.diagnostics)
            for job in edition.typesetting:
                data, logged = next(typeset)
                outputs.append(Output(job.target, job.name, data))
                diagnostics += logged
            wanted = [t for t in todo if t.variant == edition.variant]
            outputs.sort(key=lambda o: wanted.index(o.target))
            for target in wanted:
                files = {o.name: o.data for o in outputs if o.target == target}
                for name, data in files.items():
                    write_atomically(out_dir / name, data)
                cache.store(target, files, diagnostics)
            result += BuildResult([out_dir / o.name for o in outputs], diagnostics)
    stage("done")
    return replace(result, diagnostics=list(dict.fromkeys(result.diagnostics)))


def build_edition(book: Book, book_dir: Path, out_dir: Path, variant: str | None,
                  wanted: list[Target], modified: datetime,
                  progress: Reporter) -> EditionResult:
    """The ``wanted`` outputs of one edition, the PDFs as print documents still to typeset,
    and what the build found to warn about."""
    label = variant or book.meta.language
    stage = for_edition(progress, label)
    if variant is not None:
        stage("convert")
    edition = make_edition(book, book_dir, variant)
    outputs = {t.output for t in wanted}
    book = edition.book
    faces = font_faces(book.meta.script)
    stage("render")
    rendered = render_book(book, book_dir, faces, edition.labels)
    stage("fonts")
    chars = used_characters(book, rendered)
    pdfs = [p for p in PROFILES if pdf_output(p) in outputs]
    diagnostics = check_coverage(chars, faces, strict=bool(pdfs))
    made = []
    if EPUB in outputs:
        stage("epub")
        made.append(make_epub(Target(variant, EPUB), edition, book_dir, out_dir, rendered,
                              faces, "".join(chars), modified))
    jobs = []
    if pdfs or COVER in outputs:
        stage("print documents")
        print_edition = replace(edition, book=transform.apply(book, transform.PRINT))
        jobs = [typesetting(Target(variant, pdf_output(p)), print_edition, book_dir, faces, p,
                            modified, label)
                for p in PROFILES if p in pdfs or (p == "press" and COVER in outputs)]
    if COVER in outputs:
        # typeset here: the spine is as thick as the press PDF's pages, and the cover's
        # labels need this edition's converter
        press = next(job for job in jobs if job.profile == "press")
        jobs.remove(press)
        stage("pdf (press)")
        interior, logged = typeset_job(press, book_dir, progress)
        if "press" in pdfs:
            made.append(Output(press.target, press.name, interior))
            diagnostics += logged
        stage("cover")
        cover, found = make_cover(Target(variant, COVER), edition, book_dir, faces,
                                  page_count(interior), modified)
        made.append(cover)
        diagnostics += found
    if VERTICAL_EPUB in outputs and book.meta.script == "Hant":
        stage("epub (vertical)")
        made.append(make_vertical_epub(Target(variant, VERTICAL_EPUB), edition, book_dir,
                                       out_dir, modified))
    stage("done")
    return EditionResult(variant, made, diagnostics, jobs)


def check_coverage(chars: dict[str, Location], faces: list[FontFace],
                   strict: bool) -> list[Diagnostic]:
    """Characters no embedded font has: warnings for the EPUB (reading systems fall back to
    their own fonts), errors when a PDF is built (print has no fallback: it would be tofu)."""
    missing = uncovered(chars, faces)
    if strict and missing:
        raise BookError([replace(d, severity=Severity.ERROR) for d in missing])
    return missing


def make_epub(target: Target, edition: Edition, book_dir: Path, out_dir: Path,
              rendered: Rendered, faces: list[FontFace], chars: str,
              modified: datetime) -> Output:
    book = edition.book
    if book.cover:
        cover = Image(cover_image_name(book), (book_dir / book.cover).read_bytes())
    else:
        cover = Image(cover_image_name(book), front_cover_image(edition, book_dir, faces,
                                                                out_dir))
    images = [Image(image_name(src), (book_dir / src).read_bytes()) for src in book.images]
    cache = cache_dir(out_dir) / "fonts"
    fonts = [subset_face(face, chars, cache) for face in faces]
    data = package_epub(book, rendered, fonts, cover, images, modified, edition.variant)
    return Output(target, f"{book.meta.name}{edition.suffix}.epub", data)


def make_vertical_epub(target: Target, edition: Edition, book_dir: Path, out_dir: Path,
                       modified: datetime) -> Output:
    """The edition set vertically: its own EPUB, with its own identifier."""
    book = transform.apply(edition.book, transform.VERTICAL)
    vertical = replace(edition, book=book, variant=f"{edition.variant}-vertical",
                       suffix=f"{edition.suffix}.vertical")
    faces = font_faces(book.meta.script)
    rendered = render_book(book, book_dir, faces, edition.labels, vertical=True)
    chars = used_characters(book, rendered)
    return make_epub(target, vertical, book_dir, out_dir, rendered, faces, "".join(chars),
                     modified)


def typesetting(target: Target, edition: Edition, book_dir: Path, faces: list[FontFace],
                profile: str, modified: datetime, label: str) -> Typesetting:
    document = render_print(edition.book, book_dir, faces, profile, pdf_date(modified),
                            edition.labels)
    name = f"{edition.book.meta.name}{edition.suffix}{PDF_SUFFIX[profile]}"
    return Typesetting(target, name, profile, document, f"{label} {pdf_output(profile)}")


def typeset_job(job: Typesetting, book_dir: Path,
                progress: Reporter = silent) -> tuple[bytes, list[Diagnostic]]:
    """The PDF, its steps (style, layout page by page, write) reported as the job's."""
    from bookmaker.pdf import typeset_pdf

    stage = for_edition(progress, job.label)
    typeset = typeset_pdf(job.document, book_dir, fonts_dir(), job.profile,
                          lambda step, page: stage(step, page, 0, "pages"))
    stage("done")
    return typeset


def pdf_date(modified: datetime) -> str:
    return modified.strftime("%Y-%m-%dT%H:%M:%SZ")


def page_count(pdf: bytes) -> int:
    import pypdfium2

    return len(pypdfium2.PdfDocument(pdf))


def make_cover(target: Target, edition: Edition, book_dir: Path, faces: list[FontFace],
               pages: int, modified: datetime) -> tuple[Output, list[Diagnostic]]:
    """The printed cover spread, its spine as thick as the interior's ``pages``."""
    from bookmaker.pdf.cover import typeset_cover

    book = edition.book
    title, publisher = spine_characters(book)
    geometry, found = cover_geometry(book, pages, edition.labels(title),
                                     edition.labels(publisher))
    if any(d.severity is Severity.ERROR for d in found):
        raise BookError(found)
    document = render_cover(book, book_dir, faces, geometry, pdf_date(modified),
                            edition.labels)
    data, logged = typeset_cover(document, book_dir, fonts_dir(), geometry)
    name = f"{book.meta.name}{edition.suffix}{COVER_SUFFIX}"
    return Output(target, name, data), found + logged


def front_cover_image(edition: Edition, book_dir: Path, faces: list[FontFace],
                      out_dir: Path) -> bytes:
    """The EPUB's cover: the print cover's front panel, rasterised — or the same image from
    the cache when the panel's document, the book's files other than its chapters (images,
    styles, templates it may read) and bookmaker's environment are the same."""
    document = render_front(edition.book, book_dir, faces, front_geometry(edition.book),
                            edition.labels)
    chapters = frozenset(c.source for c in edition.book.chapters)

    def draw() -> bytes:
        from bookmaker.cover import rasterise
        from bookmaker.pdf.cover import typeset_cover

        data, _logged = typeset_cover(document, book_dir, fonts_dir())  # the spread reports
        return rasterise(data)

    inputs = [document.html, *document.stylesheets, book_digest(book_dir, chapters)]
    return memo(out_dir, "covers", inputs, draw)


def used_characters(book: Book, rendered: Rendered) -> dict[str, Location]:
    """Every character the edition shows, with the first place it comes from: the book's
    reader text first (in the documents and in the package metadata alike), then what the
    templates add around it (labels, dates, numbers)."""
    passages = [(p.location, p.text) for p in reader_passages(book, verbatim=True)]
    passages += [(Location(d.source), text_of(d.xhtml)) for d in rendered.documents]
    return characters_by_source(passages)
