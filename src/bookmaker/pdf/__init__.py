"""The PDF package stage: the print document -> PDF bytes, through WeasyPrint.

Two profiles: ``screen`` (trim size, no marks) and ``press`` (bleed, crop and registration marks,
TrimBox and BleedBox, text and rules in K-only black, PDF/X-4). WeasyPrint reads only what
``BookURLFetcher`` allows, and everything it logs comes back as diagnostics.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import weasyprint
from weasyprint.text.fonts import FontConfiguration

from bookmaker.diagnostics import Diagnostic, Severity
from bookmaker.pdf import justify
from bookmaker.pdf.fetcher import BookURLFetcher
from bookmaker.render.print_edition import PrintDocument

PROFILES = ("screen", "press")
VARIANTS = {"screen": None, "press": "pdf/x-4"}


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def _weasyprint_log() -> Iterator[_Collect]:
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


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
    with _weasyprint_log() as log:
        data = html.write_pdf(
            stylesheets=sheets,
            font_config=font_config,
            pdf_variant=VARIANTS[profile],
            output_intent="device-cmyk" if profile == "press" else None,
            # a fixed identifier: the same source gives the same bytes
            pdf_identifier=hashlib.md5(document.html.encode(), usedforsecurity=False).digest(),
            custom_metadata=True,
        )
    diagnostics = [
        Diagnostic("P001", record.getMessage(), severity=Severity.WARNING)
        for record in log.records
    ]
    return data, diagnostics
