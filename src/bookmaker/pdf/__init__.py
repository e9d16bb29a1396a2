"""The PDF package stage: the print document -> PDF bytes, through WeasyPrint.

Two profiles: ``screen`` (trim size, no marks, PDF/A-2b) and ``press`` (bleed, crop and
registration marks, TrimBox and BleedBox, text and rules in K-only black). The press PDF is
not declared PDF/X: that needs a CMYK output-intent ICC profile, which bookmaker does not ship.
WeasyPrint reads only what ``BookURLFetcher`` allows, and everything it logs comes back as
diagnostics.
"""

from __future__ import annotations

import contextlib
import copy
import gc
import hashlib
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from functools import partial, wraps
from pathlib import Path
from typing import Any, TypeVar
from unittest import mock

import weasyprint
import weasyprint.pdf.fonts
from weasyprint.css.units import LENGTHS_TO_PIXELS
from weasyprint.text.fonts import FontConfiguration

from bookmaker.diagnostics import Diagnostic, Severity, error
from bookmaker.parallel import (
    clean_up_when_ended,
    disposable,
    in_background,
    run_in_order,
    second_core,
)
from bookmaker.pdf import drawing, justify, margins, passes, subset
from bookmaker.pdf.fetcher import BookURLFetcher, RefusedResource
from bookmaker.pdf.logged import Collected, weasyprint_log
from bookmaker.pdf.pages import page_starts
from bookmaker.pdf.press import press_finisher
from bookmaker.render.print_edition import PrintDocument, TypesetPdf
from bookmaker.targets import PROFILES

__all__ = ["PROFILES", "typeset_pdf", "typeset_pdfs"]

VARIANTS = {"screen": "pdf/a-2b", "press": None}
T = TypeVar("T")


# What WeasyPrint says about the machine, not about the book: not a book diagnostic, but a
# debug line, once per process. (Without libharfbuzz-subset0 it subsets with fontTools and says
# so for every font; bookmaker's own subsetting, pdf/subset.py, avoids that on the WeasyPrint it
# patches, so this is heard only on another version.)
ENVIRONMENT_NOTICES = ("Using fontTools instead of HarfBuzz-Subset",)
LOG = logging.getLogger(__name__)
_noticed: set[str] = set()


def is_environment_notice(message: str) -> bool:
    return message.startswith(ENVIRONMENT_NOTICES)


def note_environment(message: str) -> None:
    kind = next(n for n in ENVIRONMENT_NOTICES if message.startswith(n))
    if kind not in _noticed:
        _noticed.add(kind)
        LOG.debug("environment: WeasyPrint says: %s", message)


def logged_diagnostics(log: Collected) -> list[Diagnostic]:
    return diagnostics_of(record.getMessage() for record in log.records)


def diagnostics_of(messages: Iterable[str]) -> list[Diagnostic]:
    """What WeasyPrint logged: warnings about the book as P001 diagnostics, notices about the
    machine as one debug line."""
    diagnostics = []
    for message in messages:
        if is_environment_notice(message):
            note_environment(message)
        else:
            diagnostics.append(Diagnostic("P001", message, severity=Severity.WARNING))
    return diagnostics


@contextmanager
def weasyprint_patched() -> Iterator[bool]:
    """WeasyPrint with bookmaker's Chinese justification, its own font subsetting and its
    margin boxes spared (``margins``), for one layout and its writes; yields False on a
    WeasyPrint they were not written for (left alone)."""
    with justify.chinese_justification() as patched, ExitStack() as stack:
        if patched:
            stack.enter_context(
                mock.patch.object(weasyprint.pdf.fonts.Font, "subset", subset.subset))
            stack.enter_context(margins.margin_boxes_spared())
        yield patched


@contextmanager
def _refusals() -> Iterator[None]:
    try:
        yield
    except RefusedResource as refused:
        raise error("P002", f"the print edition may not read {refused.url}",
                    "templates/ or styles/",
                    hint="use only files inside the book directory (images/, styles/)") from None


# WeasyPrint's progress messages ("Step 5 - Creating layout - Page 12"), as the steps a build
# reports: styling the document, laying out its pages, writing the PDF.
PROGRESS_STEPS = {"1": "style", "2": "style", "3": "style", "4": "style", "5": "layout",
                  "6": "write", "7": "write"}
PAGE = re.compile(r"Page (\d+)")
Progress = Callable[[str, int], None]  # a step, and the page it has reached (0: none yet)


class _Progress(logging.Handler):
    def __init__(self, report: Progress) -> None:
        super().__init__(logging.INFO)
        self.report = report

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()  # "Step 5 - Creating layout - Page 12"
        step = PROGRESS_STEPS.get(message.removeprefix("Step ")[:1])
        page = PAGE.search(message)
        if step:
            self.report(step, int(page.group(1)) if page else 0)


@contextmanager
def _progress(report: Progress) -> Iterator[None]:
    """WeasyPrint's progress (an INFO log it keeps quiet by default) to ``report``."""
    logger = logging.getLogger("weasyprint.progress")
    handler = _Progress(report)
    level, propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


def _collector_paused(function: Callable[..., T]) -> Callable[..., T]:
    """``function`` run with Python's cyclic garbage collector off. WeasyPrint's layout builds
    a tree of a few million objects that live until the PDF is written; each time the heap
    grew by a quarter the collector walked all of them again (13 full collections, about 3 s of
    CPU for a 490-page book: an eighth of a PDF) and found nothing to free (peak RSS with the
    collector off: a few MiB more). The collector is back once ``function`` has returned: what
    its layout left in reference cycles (WeasyPrint's layout context, each page and its margin
    boxes) is freed by its first collection, once (0.6 s for that book) — except in a pool's
    worker (``parallel.disposable``: the build typesets in one), whose exit frees it at no
    cost, and whose next task, if it has one, turns the collector on again. Nothing it
    changes is printed."""
    @wraps(function)
    def paused(*args: Any, **kwargs: Any) -> T:
        if not gc.isenabled():
            return function(*args, **kwargs)
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if not disposable():
                gc.enable()
    return paused


@contextmanager
def font_configuration() -> Iterator[FontConfiguration]:
    """The font configuration a document's stylesheets and rendering share (@font-face rules
    take effect only through it), and whose folder is removed on leaving. WeasyPrint copies
    each @font-face font into a temporary folder (24 MB for a book) that only the object's
    ``__del__`` removes: never in a forked worker, which ends with ``os._exit``, nor while the
    collector is off (4,279 such folders, 78 GB, were found in /tmp). Removed too when the
    process drawing a cover is ended midway."""
    config = FontConfiguration()
    try:
        with clean_up_when_ended(config.__del__):
            yield config
    finally:
        config.__del__()  # WeasyPrint's own clean-up; harmless when it runs again


def pdf_identifier(document: PrintDocument, fonts_dir: Path) -> bytes:
    """The PDF's /ID, fixed by the content: the same source gives the same bytes, another
    profile (other stylesheets) another identifier. The bundled fonts are named by absolute
    URLs in fonts.css; they count without the folder bookmaker is installed in, so that two
    installations make the same PDF."""
    installed = fonts_dir.resolve().as_uri() + "/"
    content = "".join((document.html, *document.stylesheets)).replace(installed, "fonts:")
    return hashlib.md5(content.encode(), usedforsecurity=False).digest()


def typeset_pdf(document: PrintDocument, book_dir: Path, fonts_dir: Path, profile: str,
                progress: Progress = lambda step, page: None) -> TypesetPdf:
    return typeset_pdfs(document, [(profile, document)], book_dir, fonts_dir, progress)[0]


@_collector_paused
def typeset_pdfs(layout: PrintDocument, documents: list[tuple[str, PrintDocument]],
                 book_dir: Path, fonts_dir: Path,
                 progress: Progress = lambda step, page: None) -> list[TypesetPdf]:
    """A PDF of each (profile, document), all written from one layout: that of ``layout``.
    The documents may differ from it only in what is written, never in what is laid out: the
    press profile's bleed (which WeasyPrint's pages keep for writing), its finisher (marks,
    boxes, padding, black as K), its PDF variant and identifier (see
    ``render.print_edition.press_follows_screen``)."""
    fetcher = BookURLFetcher(book_dir, fonts_dir)
    base_url = book_dir.resolve().as_uri() + "/"
    html = weasyprint.HTML(string=layout.html, base_url=base_url, url_fetcher=fetcher)
    typeset = []
    with font_configuration() as font_config, weasyprint_log() as log, _refusals(), \
            weasyprint_patched() as patched, _progress(progress):
        sheets = [weasyprint.CSS(string=css, base_url=base_url, url_fetcher=fetcher,
                                 font_config=font_config)
                  for css in layout.stylesheets]
        options = {"stylesheets": sheets, **pdf_options(*documents[0], fonts_dir)}
        laid_out = passes.settle(html,
                                 lambda: html.render(font_config=font_config, **options))
        # where each page begins, read from the layout: the EPUB's page-list
        pages = page_starts(laid_out)
        messages = [record.getMessage() for record in log.records]
        # each profile's pages taken before any is written (writing a PDF/A adds its colour
        # profile to the document it writes)
        copies = [(for_profile(laid_out, profile, document), profile, document)
                  for profile, document in documents]
        progress("write", 0)
        for data, logged in _written(copies, sheets, fonts_dir):
            typeset.append(TypesetPdf(data, [], pages))
            messages += logged
    diagnostics = ([] if patched else [justify.fallback_warning()]) + diagnostics_of(messages)
    return [replace(pdf, diagnostics=diagnostics) for pdf in typeset]


Written = tuple[bytes, list[str]]  # a PDF, and what WeasyPrint logged while writing it
Copy = tuple[weasyprint.Document, str, PrintDocument]  # the layout's pages for a profile


def _written(copies: list[Copy], sheets: list[weasyprint.CSS],
             fonts_dir: Path) -> list[Written]:
    """Each profile's PDF, written from its copy of the layout. A PDF alone has its pages drawn
    on two cores (``drawing.on_two_cores``). Two PDFs are drawn once: the first's pages on two
    cores, then the second, written in a process forked as the first's last page is drawn,
    takes them (``drawing.replaying``: a profile's pages differ from the other's only in their
    bleed, which drawing does not read). Each process forked from this one has the layout."""
    write = partial(_write, sheets=sheets, fonts_dir=fonts_dir)
    if len(copies) == 1:
        return [write(*copies[0], alone=True)]
    if len(copies) == 2 and second_core():
        return _written_together(copies[0], copies[1], write)
    return run_in_order([partial(_task, partial(write, *copy)) for copy in copies],
                        lambda step: None)


def _task(write: Callable[[], Written], _report: object) -> Written:
    return write()


def _written_together(first: Copy, second: Copy,
                      write: Callable[..., Written]) -> list[Written]:
    started: list[Callable[[], Written]] = []

    def write_second(drawn: drawing.Drawn) -> None:
        started.append(in_background(partial(write, *second, drawn=drawn)))

    try:
        written = write(*first, alone=True, then=write_second)
    except BaseException:
        for answer in started:  # its answer read, which ends it
            with contextlib.suppress(BaseException):
                answer()
        raise
    return [written, started[0]() if started else write(*second)]


def _write(laid_out: weasyprint.Document, profile: str, document: PrintDocument,
           sheets: list[weasyprint.CSS], fonts_dir: Path, alone: bool = False,
           drawn: drawing.Drawn | None = None,
           then: Callable[[drawing.Drawn], None] | None = None) -> Written:
    """The PDF of one profile. Written ``alone``, its pages are drawn on two cores, and given
    to ``then`` as drawn; with ``drawn``, the pages drawn for another profile are taken."""
    finisher = (press_finisher(document.bleed, document.signature)
                if profile == "press" else None)
    compress = finisher is None  # a finisher rewrites the pages' content
    pages = (drawing.replaying(laid_out, drawn, compress) if drawn is not None
             else drawing.on_two_cores(laid_out, alone, compress, then))
    with weasyprint_log() as log, pages:
        data = laid_out.write_pdf(finisher=finisher, stylesheets=sheets,
                                  **pdf_options(profile, document, fonts_dir))
    return data, [record.getMessage() for record in log.records]


def pdf_options(profile: str, document: PrintDocument, fonts_dir: Path) -> dict[str, object]:
    return {
        "pdf_variant": VARIANTS[profile],
        "pdf_identifier": pdf_identifier(document, fonts_dir),
        "custom_metadata": True,
    }


def for_profile(laid_out: weasyprint.Document, profile: str,
                document: PrintDocument) -> weasyprint.Document:
    """The pages of ``laid_out`` as WeasyPrint would have laid them out for ``profile``:
    with ``document``'s bleed (mm) on every side, which moves nothing on the page and sets
    the page's MediaBox and TrimBox when it is written (the page background, whose painting
    area it widens, is none), and the output intent of the profile's PDF variant."""
    width = document.bleed * LENGTHS_TO_PIXELS["mm"]
    pages = []
    for page in laid_out.pages:
        page = copy.copy(page)
        page.bleed = dict.fromkeys(("top", "right", "bottom", "left"), width)
        pages.append(page)
    variant = VARIANTS[profile]
    intent = weasyprint.pdf.VARIANTS[variant][1].get("output_intent") if variant else None
    return weasyprint.Document(pages, laid_out.metadata, laid_out.url_fetcher,
                               laid_out.font_config, dict(laid_out.color_profiles), intent)
