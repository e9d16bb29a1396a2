"""The PDF package stage: the print document -> PDF bytes, through WeasyPrint.

Two profiles: ``screen`` (trim size, no marks, PDF/A-2b) and ``press`` (bleed, crop and
registration marks, TrimBox and BleedBox, text and rules in K-only black). The press PDF is
not declared PDF/X: that needs a CMYK output-intent ICC profile, which bookmaker does not ship.
WeasyPrint reads only what ``BookURLFetcher`` allows, and everything it logs comes back as
diagnostics.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pydyf
import weasyprint
from weasyprint.text.fonts import FontConfiguration

from bookmaker.diagnostics import Diagnostic, Severity, error
from bookmaker.pdf import justify
from bookmaker.pdf.fetcher import BookURLFetcher, RefusedResource
from bookmaker.render.print_edition import PrintDocument
from bookmaker.targets import PROFILES

__all__ = ["PROFILES", "typeset_pdf"]

VARIANTS = {"screen": "pdf/a-2b", "press": None}
RGB_BLACK = {b"0 0 0 rg": b"0 0 0 1 k", b"0 0 0 RG": b"0 0 0 1 K"}


def black_to_k(_document: object, pdf: pydyf.PDF) -> None:
    """Finisher of the press profile: pure RGB black, which WeasyPrint uses for the crop and
    registration marks it draws, becomes K-only black like the text."""
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Stream):
            obj.stream = [_recolour(chunk) for chunk in obj.stream]


def _recolour(chunk: object) -> object:
    data = chunk.encode() if isinstance(chunk, str) else chunk
    if not isinstance(data, bytes):
        return chunk
    for rgb, cmyk in RGB_BLACK.items():
        data = data.replace(rgb, cmyk)
    return data


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


# What WeasyPrint says about the machine, not about the book: not a book diagnostic.
ENVIRONMENT_NOTICES = ("Using fontTools instead of HarfBuzz-Subset",)


def is_environment_notice(message: str) -> bool:
    return message.startswith(ENVIRONMENT_NOTICES)


@contextmanager
def _weasyprint_log() -> Iterator[_Collect]:
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


@contextmanager
def _refusals() -> Iterator[None]:
    try:
        yield
    except RefusedResource as refused:
        raise error("P002", f"the print edition may not read {refused.url}", "styles/",
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


def typeset_pdf(document: PrintDocument, book_dir: Path, fonts_dir: Path, profile: str,
                progress: Progress = lambda step, page: None) -> tuple[bytes, list[Diagnostic]]:
    justify.install()
    fetcher = BookURLFetcher(book_dir, fonts_dir)
    base_url = book_dir.resolve().as_uri() + "/"
    html = weasyprint.HTML(string=document.html, base_url=base_url, url_fetcher=fetcher)
    # @font-face rules take effect only through a FontConfiguration shared by the stylesheets
    # and the rendering
    font_config = FontConfiguration()
    sheets = [weasyprint.CSS(string=css, base_url=base_url, url_fetcher=fetcher,
                             font_config=font_config)
              for css in document.stylesheets]
    with _weasyprint_log() as log, _refusals(), _progress(progress):
        data = html.write_pdf(
            stylesheets=sheets,
            font_config=font_config,
            pdf_variant=VARIANTS[profile],
            finisher=black_to_k if profile == "press" else None,
            # fixed by the content: the same source gives the same bytes, another profile
            # (other stylesheets) another identifier
            pdf_identifier=hashlib.md5("".join((document.html, *document.stylesheets)).encode(),
                                       usedforsecurity=False).digest(),
            custom_metadata=True,
        )
    diagnostics = [
        Diagnostic("P001", record.getMessage(), severity=Severity.WARNING)
        for record in log.records if not is_environment_notice(record.getMessage())
    ]
    return data, diagnostics
