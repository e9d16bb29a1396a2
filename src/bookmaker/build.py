"""The one module that knows the order of the stages.

    [cache: every output asked for unchanged in --out? done]
    load -> per edition, each in a process of its own:
            [convert: the Traditional edition] -> render -> fonts (coverage, subsets)
         -> print transforms -> print document -> typeset (PDF, per profile, in parallel)
         -> package (EPUB, with the PDF's page-list)
    -> write, record in the cache

Everything a stage needs comes in as arguments and goes out as a value; this module wires them,
writes the outputs as one set (``outputs.OutputSet``), so a failed or interrupted build leaves
every earlier output intact, and records them in the build cache (``cache.py``), which lets the
next build skip what has not changed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from bookmaker import transform
from bookmaker.bookfiles import BOOK_FILE, read_bytes
from bookmaker.cache import (
    DRAWN_COVERS,
    PARSED_CHAPTERS,
    BuildCache,
    Kept,
    book_digest,
    cache_dir,
    environment_digest,
    memo,
    recall,
)
from bookmaker.cover import cover_geometry, front_geometry, spine_characters
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
from bookmaker.parallel import Standby, halves, in_background, run_in_order, standing_by
from bookmaker.progress import Reporter, for_edition, silent
from bookmaker.reader_text import reader_passages
from bookmaker.render import Rendered, render_book
from bookmaker.render.cover_document import render_cover, render_front
from bookmaker.render.documents import (
    EPUB_FONT_BASE,
    Labels,
    fonts_stylesheet,
    keep_compiled_templates_in,
    same,
    template_labels,
)
from bookmaker.render.pagebreaks import PageStart
from bookmaker.render.print_edition import (
    PrintDocument,
    TypesetPdf,
    press_follows_screen,
    render_print,
)
from bookmaker.resources import fonts_dir
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


def name_boundaries(names: list[str], out_dir: Path | None) -> dict[str, list[int]]:
    """jieba's word boundaries in the names the title page breaks, kept in the build cache
    with ``out_dir``: finding them reads jieba's dictionary file (0.1 s of every EPUB)."""
    from bookmaker.variants import segment

    if out_dir is None:
        return segment.dictionary_boundaries(names)
    found = memo(out_dir, "names", [json.dumps(names, ensure_ascii=False)], lambda: json.dumps(
        segment.dictionary_boundaries(names), ensure_ascii=False).encode("utf-8"))
    return json.loads(found)


def make_edition(book: Book, book_dir: Path, variant: str | None) -> Edition:
    if variant is None or variant == book.meta.language:
        return Edition(book, book.meta.language, "")
    if book.meta.script == "Hant":
        raise error("B002", f"the book is already {book.meta.language}", BOOK_FILE,
                    hint="variants convert a Simplified source to Traditional")
    from bookmaker.variants import convert_book, make_converter, variant_config
    from bookmaker.variants.edition import convert_runs, runs_of

    converter = make_converter(book, book_dir, variant)
    config = variant_config(book.meta, variant)
    # the runs convert each on its own: half of them in a process forked with the converter
    runs = halves(partial(convert_runs, converter), runs_of(book),
                  lambda texts: sum(map(len, texts)))
    return Edition(convert_book(book, converter, config.language, config, runs), variant,
                   f".{variant}", converter.convert)


@dataclass(frozen=True)
class LabelTable:
    """The labels of an edition in another script, converted ahead (``edition_text``): its
    templates', its documents' and its spine's. Another text is converted by a process made
    for it (a missing character located in a source line, a template's filter), so that the
    converter's dictionaries never live in the edition's process."""

    table: dict[str, str]
    convert_elsewhere: Callable[[list[str]], list[str]]

    def __call__(self, text: str) -> str:
        return self.many([text])[0]

    def many(self, texts: list[str]) -> list[str]:
        """``texts`` converted, those not in the table by one process for all of them."""
        new = list(dict.fromkeys(t for t in texts if t not in self.table))
        if new:
            self.table.update(zip(new, self.convert_elsewhere(new), strict=True))
        return [self.table[text] for text in texts]


@dataclass(frozen=True)
class EditionText:
    """What an edition in another script needs of OpenCC and jieba, worked out by a
    short-lived process that loads them: the converted book, its labels, and the word
    boundaries of the names its title page breaks between words (with the converter's words
    added to jieba's)."""

    book: Book
    labels: dict[str, str]
    breaks: dict[str, list[int]]


def prepare_edition(book: Book, book_dir: Path, variant: str | None,
                    progress: Reporter, out_dir: Path | None = None) -> Edition:
    """The edition, its text made by a process of its own: OpenCC and jieba's dictionaries
    (170 MB and more) leave with it instead of swelling this process and every PDF process
    forked from it. With ``out_dir``, the source edition's names are cut once per build
    cache."""
    from bookmaker.variants import segment

    if variant is None or variant == book.meta.language:  # no converter: jieba's words only
        names = [person.name for person in book.meta.contributors]
        segment.remember(name_boundaries(names, out_dir))
        return make_edition(book, book_dir, variant)
    [text] = run_in_order([partial(edition_text, book, book_dir, variant)], progress,
                          isolate=True)
    segment.remember(text.breaks)
    labels = LabelTable(text.labels, partial(convert_elsewhere, book, book_dir, variant))
    return Edition(text.book, variant, f".{variant}", labels)


def edition_text(book: Book, book_dir: Path, variant: str | None,
                 progress: Reporter = silent) -> EditionText:
    from bookmaker.variants import segment

    edition = make_edition(book, book_dir, variant)
    texts = [*template_labels(book_dir), *spine_characters(edition.book)]
    names = [person.name for person in edition.book.meta.contributors]
    return EditionText(edition.book, {text: edition.labels(text) for text in texts},
                       {name: segment.boundaries(name) for name in names})


def convert_elsewhere(book: Book, book_dir: Path, variant: str | None,
                      texts: list[str]) -> list[str]:
    """``texts`` converted as the edition's labels, by a process that loads the converter."""
    def convert(_progress: Reporter) -> list[str]:
        from bookmaker.variants import make_converter

        converter = make_converter(book, book_dir, variant)  # the edition's labels (not its book)
        return [converter.convert(text) for text in texts]
    return run_in_order([convert], silent, isolate=True)[0]


@dataclass(frozen=True)
class Output:
    """One output made: the target it answers, its file name in --out, its bytes."""

    target: Target
    name: str
    data: bytes


@dataclass(frozen=True)
class EditionResult:
    variant: str | None
    outputs: list[Output]
    diagnostics: list[Diagnostic]  # what the edition's build found, for each of its outputs


def build(book_dir: Path, out_dir: Path, formats: tuple[str, ...] = FORMATS,
          progress: Reporter = silent,
          profiles: tuple[str, ...] = PROFILES,
          variants: tuple[str | None, ...] = (None,), vertical: bool = False,
          standby: Standby | None = None) -> BuildResult:
    """Build ``formats`` of the book in ``book_dir`` into ``out_dir``, for each of
    ``variants`` (None: the source's own script; "zh-Hant": the Traditional edition), and
    with ``vertical`` a vertical EPUB of each Traditional edition too. Outputs that the build
    cache knows to be unchanged are left as they are (``BuildResult.unchanged``). A
    ``standby`` that has imported what drawing a cover needs draws the first EPUB's.

    Nothing in ``out_dir`` changes until every output is made; then all are put in place."""
    check_output_dir(book_dir, out_dir)
    stage = for_edition(progress, "")
    stage("check the cache")
    cache = BuildCache(book_dir, out_dir)
    result, todo = cache.sort(targets(formats, profiles, variants, vertical))
    if not todo:
        stage("done")
        return result
    warnings: list[Diagnostic] = []
    with OutputSet(out_dir) as staged:
        prepare_folder(cache_dir(out_dir), "cache folder")
        keep_compiled_templates_in(cache_dir(out_dir) / "templates"
                                   / environment_digest(cache_dir(out_dir)))
        if any(t.variant is not None for t in todo):
            from bookmaker.variants import segment

            segment.keep_cache_in(cache_dir(out_dir) / "jieba")
        stage("load")
        book = load_book(book_dir, warn=warnings.append,
                         parses=Kept(out_dir, PARSED_CHAPTERS))
        modified = source_date(book, book_dir)
        stage("editions")  # each in a process of its own: what it loads leaves with it
        drawing = [t.variant for t in todo if t.output == EPUB][:1]  # the standby's edition
        editions = run_in_order([partial(build_edition, book, book_dir, out_dir, variant,
                                         [t for t in todo if t.variant == variant], modified,
                                         standby=standby if [variant] == drawing else None)
                                 for variant in dict.fromkeys(t.variant for t in todo)],
                                progress, isolate=True)
        stage("write")
        made = []
        for edition in editions:
            for output in edition.outputs:
                staged.add(output.name, output.data)
            made.append(edition)
        committed = staged.commit()
    for edition in made:  # recorded once in place
        for target in [t for t in todo if t.variant == edition.variant]:
            cache.store(target, {o.name: o.data for o in edition.outputs if o.target == target},
                        edition.diagnostics)
    stage("done")
    diagnostics = warnings + [d for e in made for d in e.diagnostics] + result.diagnostics
    return BuildResult(sorted(committed, key=lambda path: path.suffix != ".epub"),
                       diagnostics, result.unchanged)


def build_edition(book: Book, book_dir: Path, out_dir: Path, variant: str | None,
                  wanted: list[Target], modified: datetime,
                  progress: Reporter, standby: Standby | None = None) -> EditionResult:
    """The ``wanted`` outputs of one edition, and what the build found to warn about. The PDFs
    are laid out first (each layout in a process of its own, the first in one that has
    imported WeasyPrint meanwhile): where their pages begin becomes the EPUB's page-list."""
    label = variant or book.meta.language
    stage = for_edition(progress, label)
    outputs = {t.output for t in wanted}
    pdfs = [p for p in PROFILES if pdf_output(p) in outputs]
    # the PDF whose pages the EPUB lists (the first profile asked for), typeset for them even
    # when that PDF itself is unchanged; the press PDF for the cover's spine
    pages_from = next((t.pages_from for t in wanted if t.pages_from), "")
    profiles = list(dict.fromkeys([*([pages_from] if pages_from else []), *pdfs,
                                   *(["press"] if COVER in outputs else [])]))
    # a process that imports WeasyPrint while the edition is made ready, then lays out its
    # first PDF (each layout in a process of its own: its memory leaves with it)
    with standing_by(("bookmaker.pdf",), progress, wanted=bool(profiles)) as typesetter:
        if variant is not None:
            stage("convert")
        edition = prepare_edition(book, book_dir, variant, progress, out_dir)
        book = edition.book
        fonts = EditionFonts(font_families(book, book_dir, book.meta.script), book_dir,
                             out_dir, first_use(book_dir, edition.labels), book.meta.script)
        drawn_cover = (front_cover_image(edition, book_dir, fonts, standby)
                       if EPUB in outputs and not book.cover else None)
        stage("render")
        rendered = render_book(book, book_dir, edition.labels)
        stage("fonts")
        plan = resolve(used_characters(book, rendered), fonts.families)
        diagnostics = check_coverage(plan, fonts, strict=bool(pdfs))
        made: list[Output] = []
        typeset: dict[str, TypesetPdf] = {}
        if profiles:
            stage("print documents")
            print_edition = replace(edition, book=transform.apply(book, transform.PRINT))
            layouts = pdf_layouts(profiles, book_dir)
            documents = {p: print_document(print_edition, book_dir, fonts, p, modified)
                         for p in dict.fromkeys([*profiles, *layouts])}
            stage("pdf")
            laid_out = run_in_order(
                [partial(typeset_documents, documents[layout],
                         [(p, documents[p]) for p in written], book_dir,
                         f"{label} {' + '.join(map(pdf_output, written))}")
                 for layout, written in layouts.items()], progress, isolate=True,
                standby=typesetter)
            typeset = {profile: pdf
                       for written, pdfs in zip(layouts.values(), laid_out, strict=True)
                       for profile, pdf in zip(written, pdfs, strict=True)}
    for profile in pdfs:
        diagnostics += typeset[profile].diagnostics
        name = f"{edition.book.meta.name}{edition.suffix}{PDF_SUFFIX[profile]}"
        made.append(Output(Target(variant, pdf_output(profile)), name, typeset[profile].data))
    pages = typeset[pages_from].pages if pages_from else ()
    if EPUB in outputs:
        stage("epub")
        source = page_source(edition, pages)
        if pages:  # the page-list's folios are text too: the font subsets must hold them
            rendered = render_book(book, book_dir, edition.labels, pages=pages,
                                   page_source=source)
            plan = resolve(used_characters(book, rendered), fonts.families)
        fonts.plans.append(plan)
        epub = make_epub(edition, book_dir, out_dir, rendered, plan, fonts, modified,
                         drawn_cover)
        made.append(Output(next(t for t in wanted if t.output == EPUB), epub[0], epub[1]))
        if VERTICAL_EPUB in outputs and book.meta.script == "Hant":
            stage("epub (vertical)")
            name, data = make_vertical_epub(edition, book_dir, out_dir, modified, pages,
                                            source)
            made.append(Output(next(t for t in wanted if t.output == VERTICAL_EPUB), name,
                               data))
    if COVER in outputs:
        # the press PDF, whose pages decide the spine
        stage("cover")
        name, data, found = make_cover(edition, book_dir, fonts,
                                       page_count(typeset["press"].data), modified)
        made.append(Output(Target(variant, COVER), name, data))
        diagnostics += found
    diagnostics += fallback_note(fonts.plans, book.meta.language)
    stage("done")
    return EditionResult(variant, made, diagnostics)


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
        # the first line that has it, unless the conversion of an earlier one has it
        found = next((i for i, line in enumerate(lines) if char in line), len(lines))
        earlier = lines[:found]
        converted = convert.many(earlier) if isinstance(convert, LabelTable) else \
            [convert(line) for line in earlier]
        found = next((i for i, line in enumerate(converted) if char in line), found)
        return Location(where.path, found + 1) if found < len(lines) else where
    return locate


def make_epub(edition: Edition, book_dir: Path, out_dir: Path, rendered: Rendered,
              plan: FontPlan, fonts: EditionFonts, modified: datetime,
              drawn_cover: Callable[[], bytes] | None = None) -> tuple[str, bytes]:
    """The EPUB; its cover image the book's own, else ``drawn_cover``'s (started earlier by
    ``front_cover_image``), else drawn now."""
    book = edition.book
    if book.cover:
        cover = Image(cover_image_name(book), read_bytes(book_dir, book.cover))
    else:
        drawn = drawn_cover or front_cover_image(edition, book_dir, fonts)
        cover = Image(cover_image_name(book), drawn())
    images = [Image(image_name(src), read_bytes(book_dir, src)) for src in book.images]
    cache = cache_dir(out_dir) / "fonts"
    embedded = [subset_face(use.face, use.chars, cache) for use in plan.uses]
    css = fonts_stylesheet(book_dir, epub_css_faces(embedded, plan, EPUB_FONT_BASE))
    rendered = replace(rendered, stylesheets={"fonts.css": css, **rendered.stylesheets})
    product = f"{book.meta.name}{edition.suffix}"
    data = package_epub(book, rendered, embedded, cover, images, modified, edition.variant,
                        product)
    return f"{product}.epub", data


def make_vertical_epub(edition: Edition, book_dir: Path, out_dir: Path, modified: datetime,
                       pages: tuple[PageStart, ...] = (),
                       source: str = "") -> tuple[str, bytes]:
    """The edition set vertically: its own EPUB, with its own identifier."""
    book = transform.apply(edition.book, transform.VERTICAL)
    vertical = replace(edition, book=book, variant=f"{edition.variant}-vertical",
                       suffix=f"{edition.suffix}.vertical")
    fonts = EditionFonts(font_families(book, book_dir, book.meta.script), book_dir, out_dir,
                         first_use(book_dir, edition.labels), book.meta.script)
    rendered = render_book(book, book_dir, edition.labels, vertical=True, pages=pages,
                           page_source=source)
    plan = resolve(used_characters(book, rendered), fonts.families)
    return make_epub(vertical, book_dir, out_dir, rendered, plan, fonts, modified)


def print_document(edition: Edition, book_dir: Path, fonts: EditionFonts, profile: str,
                   modified: datetime) -> PrintDocument:
    """The print edition for one profile, its fonts.css first: plain text, all that the
    process that typesets it needs."""
    document = render_print(edition.book, book_dir, profile, pdf_date(modified),
                            edition.labels)
    return fonts.for_print(document)


def pdf_layouts(profiles: list[str], book_dir: Path) -> dict[str, list[str]]:
    """The profiles each layout writes, by the profile whose document is laid out: the press
    PDF is written from the screen document's layout when the press changes no layout
    (``press_follows_screen``) — one layout for both, or for the press alone, so that its
    bytes do not depend on whether the screen PDF is built too; else each from its own."""
    follows = press_follows_screen(book_dir)
    layouts: dict[str, list[str]] = {}
    for profile in profiles:
        layouts.setdefault("screen" if profile == "press" and follows else profile,
                           []).append(profile)
    return layouts


def typeset_documents(layout: PrintDocument, documents: list[tuple[str, PrintDocument]],
                      book_dir: Path, label: str,
                      progress: Reporter = silent) -> list[TypesetPdf]:
    """The PDF of each (profile, document) from the layout of ``layout``, its steps (style,
    layout page by page, write) reported as ``label``'s."""
    from bookmaker.pdf import typeset_pdfs

    stage = for_edition(progress, label)
    typeset = typeset_pdfs(layout, documents, book_dir, fonts_dir(),
                           lambda step, page: stage(step, page, 0, "pages"))
    stage("done")
    return typeset


def pdf_date(modified: datetime) -> str:
    return modified.strftime("%Y-%m-%dT%H:%M:%SZ")


def page_count(pdf: bytes) -> int:
    import pypdfium2

    return len(pypdfium2.PdfDocument(pdf))


def make_cover(edition: Edition, book_dir: Path, fonts: EditionFonts, pages: int,
               modified: datetime) -> tuple[str, bytes, list[Diagnostic]]:
    """The printed cover spread, its spine as thick as the interior's ``pages``."""
    from bookmaker.pdf.cover import typeset_cover

    book = edition.book
    title, publisher = spine_characters(book)
    geometry, found = cover_geometry(book, pages, edition.labels(title),
                                     edition.labels(publisher))
    if any(d.severity is Severity.ERROR for d in found):
        raise BookError(found)
    document = render_cover(book, book_dir, geometry, pdf_date(modified), edition.labels)
    data, logged = typeset_cover(fonts.for_print(document), book_dir, fonts_dir(), geometry)
    return f"{book.meta.name}{edition.suffix}{COVER_SUFFIX}", data, found + logged


def front_cover_image(edition: Edition, book_dir: Path, fonts: EditionFonts,
                      standby: Standby | None = None) -> Callable[[], bytes]:
    """The EPUB's cover: the print cover's front panel, rasterised — or the same image from
    the cache when the panel's document (its fonts.css too), the book's files other than its
    chapters (images, styles, templates it may read) and bookmaker's environment are the
    same. Drawn in the background (in ``standby``'s process when there is one), while the
    book is rendered and packaged (importing WeasyPrint, laying the panel out and rasterising
    it is most of a cold EPUB build); what is returned waits for the image."""
    document = render_front(edition.book, book_dir, front_geometry(edition.book),
                            edition.labels)
    # what it lacks is reported with the EPUB's text, which has the same title and names
    document = fonts.for_print(document, strict=False)
    chapters = frozenset(edition.book.meta.chapters)
    inputs = [document.html, *document.stylesheets, book_digest(book_dir, chapters)]
    drawn = recall(fonts.out_dir, DRAWN_COVERS, inputs)
    if drawn is not None:
        return lambda: drawn
    draw = partial(draw_front_panel, document, book_dir)
    return in_background(partial(memo, fonts.out_dir, DRAWN_COVERS, inputs, draw), standby)


def draw_front_panel(document: PrintDocument, book_dir: Path) -> bytes:
    """The front panel's document laid out and rasterised (sent to another process whole:
    nothing here may be a closure)."""
    from bookmaker.cover import rasterise
    from bookmaker.pdf.cover import typeset_cover

    data, _logged = typeset_cover(document, book_dir, fonts_dir())  # the spread reports
    return rasterise(data)


def used_characters(book: Book, rendered: Rendered) -> dict[str, Location]:
    """Every character the edition shows, with the first place it comes from: the book's
    reader text first (in the documents and in the package metadata alike), then what the
    templates add around it (labels, dates, numbers)."""
    passages = [(p.location, p.text) for p in reader_passages(book, verbatim=True)]
    passages += [(Location(d.source), text_of(d.xhtml)) for d in rendered.documents]
    return characters_by_source(passages)
