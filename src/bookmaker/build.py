"""The one module that knows the order of the stages.

    load -> [convert: the Traditional edition] -> render -> fonts (coverage, subsets)
         -> package (EPUB) -> write
         -> print transforms -> print document -> typeset (PDF, per profile) -> write

Everything a stage needs comes in as arguments and goes out as a value; this module wires them
and writes the outputs atomically, so a failed build leaves earlier outputs intact.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import pypdfium2

from bookmaker import transform
from bookmaker.bookfiles import BOOK_FILE
from bookmaker.cover import cover_geometry, front_geometry, rasterise, spine_characters
from bookmaker.diagnostics import BookError, Diagnostic, Location, Severity, error
from bookmaker.epub import Image, package_epub
from bookmaker.epub_names import cover_image_name, image_name
from bookmaker.fonts import characters_by_source, subset_face, text_of, uncovered
from bookmaker.load import load_book
from bookmaker.model import Book
from bookmaker.pdf import PROFILES, typeset_pdf
from bookmaker.pdf.cover import typeset_cover
from bookmaker.reader_text import reader_passages
from bookmaker.render import Rendered, render_book
from bookmaker.render.cover_document import render_cover, render_front
from bookmaker.render.documents import Labels, same
from bookmaker.render.print_edition import render_print
from bookmaker.resources import FontFace, font_faces, fonts_dir
from bookmaker.variants import convert_book, make_converter, variant_config

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


def source_date(book_dir: Path) -> datetime:
    """SOURCE_DATE_EPOCH when set, else the newest modification among the source files: a
    rebuild of unchanged sources gets the same timestamps, hence the same bytes."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        epoch = str(max(int(p.stat().st_mtime) for p in book_dir.rglob("*") if p.is_file()))
    return datetime.fromtimestamp(int(epoch), tz=UTC)


def cache_dir(out_dir: Path) -> Path:
    """Where results keyed by content hash are kept: BOOKMAKER_CACHE_DIR, else <out>/.cache."""
    return Path(os.environ.get("BOOKMAKER_CACHE_DIR") or out_dir / ".cache")


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
    converter = make_converter(book, book_dir, variant)
    language = variant_config(book.meta, variant).language
    return Edition(convert_book(book, converter, language), variant, f".{variant}",
                   converter.convert)


def build(book_dir: Path, out_dir: Path, formats: tuple[str, ...] = FORMATS,
          stage: Callable[[str], None] = lambda name: None,
          profiles: tuple[str, ...] = PROFILES,
          variants: tuple[str | None, ...] = (None,), vertical: bool = False) -> BuildResult:
    """Build ``formats`` of the book in ``book_dir`` into ``out_dir``, for each of
    ``variants`` (None: the source's own script; "zh-Hant": the Traditional edition), and
    with ``vertical`` a vertical EPUB of each Traditional edition too."""
    check_output_dir(book_dir, out_dir)
    stage("load")
    warnings: list[Diagnostic] = []
    book = load_book(book_dir, warn=warnings.append)
    result = BuildResult(diagnostics=warnings)
    modified = source_date(book_dir)
    for variant in variants:
        if variant is not None:
            stage(f"convert ({variant})")
        edition = make_edition(book, book_dir, variant)
        result += build_edition(edition, book_dir, out_dir, formats, profiles, modified, stage)
        if vertical and "epub" in formats and edition.book.meta.script == "Hant":
            stage("epub (vertical)")
            result += BuildResult([write_vertical_epub(edition, book_dir, out_dir, modified)])
    return result


def build_edition(edition: Edition, book_dir: Path, out_dir: Path, formats: tuple[str, ...],
                  profiles: tuple[str, ...], modified: datetime,
                  stage: Callable[[str], None]) -> BuildResult:
    """The outputs of one edition, and what the build found to warn about."""
    book = edition.book
    faces = font_faces(book.meta.script)
    stage("render")
    rendered = render_book(book, book_dir, faces, edition.labels)
    stage("fonts")
    chars = used_characters(book, rendered)
    diagnostics = check_coverage(chars, faces, strict="pdf" in formats)
    outputs = []
    if "epub" in formats:
        stage("epub")
        outputs.append(write_epub(edition, book_dir, out_dir, rendered, faces, "".join(chars),
                                  modified))
    print_edition = replace(edition, book=transform.apply(book, transform.PRINT))
    interior: bytes | None = None  # the press PDF, whose pages decide the spine
    if "pdf" in formats:
        for profile in profiles:
            stage(f"pdf ({profile})")
            path, data, logged = write_pdf(print_edition, book_dir, out_dir, faces, profile,
                                           modified)
            outputs.append(path)
            diagnostics += logged
            interior = data if profile == "press" else interior
    if "cover" in formats:
        if interior is None:
            stage("pdf (press, for the page count)")
            interior = typeset_interior(print_edition, book_dir, faces, "press", modified)[0]
        stage("cover")
        path, found = write_cover(edition, book_dir, out_dir, faces, page_count(interior),
                                  modified)
        outputs.append(path)
        diagnostics += found
    return BuildResult(outputs, diagnostics)


def check_coverage(chars: dict[str, Location], faces: list[FontFace],
                   strict: bool) -> list[Diagnostic]:
    """Characters no embedded font has: warnings for the EPUB (reading systems fall back to
    their own fonts), errors when a PDF is built (print has no fallback: it would be tofu)."""
    missing = uncovered(chars, faces)
    if strict and missing:
        raise BookError([replace(d, severity=Severity.ERROR) for d in missing])
    return missing


def write_epub(edition: Edition, book_dir: Path, out_dir: Path, rendered: Rendered,
               faces: list[FontFace], chars: str, modified: datetime) -> Path:
    book = edition.book
    if book.cover:
        cover = Image(cover_image_name(book), (book_dir / book.cover).read_bytes())
    else:
        cover = Image(cover_image_name(book), front_cover_image(edition, book_dir, faces))
    images = [Image(image_name(src), (book_dir / src).read_bytes()) for src in book.images]
    cache = cache_dir(out_dir) / "fonts"
    fonts = [subset_face(face, chars, cache) for face in faces]
    path = out_dir / f"{book.meta.name}{edition.suffix}.epub"
    data = package_epub(book, rendered, fonts, cover, images, modified, edition.variant)
    write_atomically(path, data)
    return path


def write_vertical_epub(edition: Edition, book_dir: Path, out_dir: Path,
                        modified: datetime) -> Path:
    """The edition set vertically: its own EPUB, with its own identifier."""
    book = transform.apply(edition.book, transform.VERTICAL)
    vertical = replace(edition, book=book, variant=f"{edition.variant}-vertical",
                       suffix=f"{edition.suffix}.vertical")
    faces = font_faces(book.meta.script)
    rendered = render_book(book, book_dir, faces, edition.labels, vertical=True)
    chars = used_characters(book, rendered)
    return write_epub(vertical, book_dir, out_dir, rendered, faces, "".join(chars), modified)


def typeset_interior(edition: Edition, book_dir: Path, faces: list[FontFace], profile: str,
                     modified: datetime) -> tuple[bytes, list[Diagnostic]]:
    document = render_print(edition.book, book_dir, faces, profile, pdf_date(modified),
                            edition.labels)
    return typeset_pdf(document, book_dir, fonts_dir(), profile)


def write_pdf(edition: Edition, book_dir: Path, out_dir: Path, faces: list[FontFace],
              profile: str, modified: datetime) -> tuple[Path, bytes, list[Diagnostic]]:
    data, logged = typeset_interior(edition, book_dir, faces, profile, modified)
    path = out_dir / f"{edition.book.meta.name}{edition.suffix}{PDF_SUFFIX[profile]}"
    write_atomically(path, data)
    return path, data, logged


def pdf_date(modified: datetime) -> str:
    return modified.strftime("%Y-%m-%dT%H:%M:%SZ")


def page_count(pdf: bytes) -> int:
    return len(pypdfium2.PdfDocument(pdf))


def write_cover(edition: Edition, book_dir: Path, out_dir: Path, faces: list[FontFace],
                pages: int, modified: datetime) -> tuple[Path, list[Diagnostic]]:
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
    path = out_dir / f"{book.meta.name}{edition.suffix}{COVER_SUFFIX}"
    write_atomically(path, data)
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
