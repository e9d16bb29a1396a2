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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pydyf
import weasyprint
from weasyprint.text.fonts import FontConfiguration

from bookmaker.diagnostics import Diagnostic, Severity, error
from bookmaker.pdf import justify, passes
from bookmaker.pdf.fetcher import BookURLFetcher, RefusedResource
from bookmaker.render.print_edition import PrintDocument

PROFILES = ("screen", "press")
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


def typeset_pdf(document: PrintDocument, book_dir: Path, fonts_dir: Path,
                profile: str) -> tuple[bytes, list[Diagnostic]]:
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
    options = {
        "stylesheets": sheets,
        "pdf_variant": VARIANTS[profile],
        # fixed by the content: the same source gives the same bytes, another profile (other
        # stylesheets) another identifier
        "pdf_identifier": hashlib.md5("".join((document.html, *document.stylesheets)).encode(),
                                      usedforsecurity=False).digest(),
        "custom_metadata": True,
    }
    with _weasyprint_log() as log, _refusals():
        pages = passes.settle(html, lambda: html.render(font_config=font_config, **options))
        data = pages.write_pdf(finisher=black_to_k if profile == "press" else None, **options)
    diagnostics = [
        Diagnostic("P001", record.getMessage(), severity=Severity.WARNING)
        for record in log.records if not is_environment_notice(record.getMessage())
    ]
    return data, diagnostics
