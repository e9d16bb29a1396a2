"""The cover spread and the front panel -> PDF bytes, through WeasyPrint.

The spread's page is the trim plus a margin for the marks; the finisher sets the PDF's
TrimBox to the trimmed spread and its BleedBox to the trim plus the bleed, which WeasyPrint
cannot say alone (it puts the BleedBox at most 10 pt outside the trim).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pydyf
import weasyprint

from bookmaker.cover import CoverGeometry
from bookmaker.diagnostics import Diagnostic
from bookmaker.pdf import (
    _refusals,
    font_configuration,
    logged_diagnostics,
    pdf_identifier,
    weasyprint_patched,
)
from bookmaker.pdf.fetcher import BookURLFetcher
from bookmaker.pdf.logged import weasyprint_log
from bookmaker.render.print_edition import PrintDocument

PT_PER_MM = 72 / 25.4


def _boxes(geometry: CoverGeometry) -> Callable[[object, pydyf.PDF], None]:
    """A WeasyPrint finisher that sets the spread's TrimBox and BleedBox."""
    def finish(_document: object, pdf: pydyf.PDF) -> None:
        def box(inset: float) -> pydyf.Array:
            x0, y0 = inset * PT_PER_MM, inset * PT_PER_MM
            return pydyf.Array([x0, y0, (geometry.media_width - inset) * PT_PER_MM,
                                (geometry.media_height - inset) * PT_PER_MM])

        for obj in pdf.objects:
            if isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/Page":
                obj["TrimBox"] = box(geometry.margin)
                obj["BleedBox"] = box(geometry.margin - geometry.bleed)
    return finish


def typeset_cover(document: PrintDocument, book_dir: Path, fonts_dir: Path,
                  geometry: CoverGeometry | None = None) -> tuple[bytes, list[Diagnostic]]:
    """The document as PDF, and what WeasyPrint said of it; with ``geometry``, the print
    spread's boxes are set."""
    fetcher = BookURLFetcher(book_dir, fonts_dir)
    base_url = book_dir.resolve().as_uri() + "/"
    html = weasyprint.HTML(string=document.html, base_url=base_url, url_fetcher=fetcher)
    with font_configuration() as font_config, weasyprint_log() as log, _refusals(), \
            weasyprint_patched():
        sheets = [weasyprint.CSS(string=css, base_url=base_url, url_fetcher=fetcher,
                                 font_config=font_config) for css in document.stylesheets]
        data = html.write_pdf(
            stylesheets=sheets, font_config=font_config,
            finisher=_boxes(geometry) if geometry else None,
            pdf_identifier=pdf_identifier(document, fonts_dir),
            custom_metadata=True,
        )
    return data, logged_diagnostics(log)
