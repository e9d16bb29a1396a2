"""Preflight of the press PDF, as a printer's would run it: the boxes, the marks outside the
bleed (and long enough to find), K-only colour, every font embedded (poppler's pdffonts), and a
page count that fills whole signatures."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from bookmaker.pdf.press import padding
from conftest import require_program

pytestmark = pytest.mark.slow  # typesets the book, or runs Chromium

MM = 72 / 25.4
STEM = "beijing-xianjinxing-2006"
TRIM = (184, 260)  # mm
BLEED = 3  # mm
SIGNATURE = 16  # a 16开 book: one 印张 is 16 pages


@pytest.fixture(scope="module")
def press(sample_build: Path) -> Path:
    return sample_build / f"{STEM}.press.pdf"


def mm(values: object) -> list[float]:
    return [round(float(v) / MM, 2) for v in values]  # type: ignore[attr-defined]


def test_boxes(press: Path) -> None:
    for page in PdfReader(press).pages:
        trim = mm(page.trimbox)
        assert trim == [0, 0, *TRIM]
        assert mm(page.bleedbox) == [-BLEED, -BLEED, TRIM[0] + BLEED, TRIM[1] + BLEED]
        media = mm(page.mediabox)
        # room for marks 5 mm long at least the bleed away from the trim
        assert media[0] <= -(BLEED + 5) and media[2] >= TRIM[0] + BLEED + 5
        assert media[1] <= -(BLEED + 5) and media[3] >= TRIM[1] + BLEED + 5


def drawn(page: pdfplumber.page.Page) -> list[tuple[float, float, float, float]]:
    """The lines and curves of a page in mm, in the PDF's own space (the trim from 0, 0):
    pdfplumber gives x there, and y from the MediaBox's bottom edge."""
    bottom = float(page.page_obj.mediabox[1]) / MM
    return [(e["x0"] / MM, e["y0"] / MM + bottom, e["x1"] / MM, e["y1"] / MM + bottom)
            for e in page.lines + page.curves]


def test_marks_lie_outside_the_bleed_and_are_5_mm_long(press: Path) -> None:
    bleed = (-BLEED, -BLEED, TRIM[0] + BLEED, TRIM[1] + BLEED)
    with pdfplumber.open(press) as pdf:
        for page in pdf.pages:
            marks = [tuple(round(v, 2) for v in m) for m in drawn(page)
                     if m[0] < 0 or m[2] > TRIM[0] or m[1] < 0 or m[3] > TRIM[1]]
            for x0, y0, x1, y1 in marks:  # nothing outside the trim reaches into the bleed
                inside = x1 > bleed[0] and x0 < bleed[2] and y1 > bleed[1] and y0 < bleed[3]
                assert not inside, (page.page_number, (x0, y0, x1, y1))
            crop = [m for m in marks if min(m[2] - m[0], m[3] - m[1]) < 0.1
                    and (m[0] in (0, TRIM[0]) or m[1] in (0, TRIM[1]))]
            assert len(crop) == 8, f"page {page.page_number}: two crop marks at each corner"
            for x0, y0, x1, y1 in crop:
                assert round(max(x1 - x0, y1 - y0), 1) == 5.0


def test_k_only(press: Path) -> None:
    colour = re.compile(rb"((?:[-\d.]+ ){1,4})(rg|RG|k|K|g|G|scn|SCN|sc|SC)\b")
    seen = set()
    for page in PdfReader(press).pages:
        contents = page.get_contents()
        data = contents.get_data() if contents is not None else b""
        seen |= {(m.group(1).strip(), m.group(2)) for m in colour.finditer(data)}
    assert (b"0 0 0 1", b"K") in seen  # the marks
    assert {values for values, _op in seen} == {b"0 0 0 1"}
    assert {op for _values, op in seen} <= {b"k", b"K", b"scn", b"SCN"}


def test_every_font_embedded(press: Path) -> None:
    pdffonts = require_program("pdffonts", "checking the press PDF's fonts with poppler")
    header, _rule, *rows = subprocess.run([pdffonts, str(press)], capture_output=True,
                                          text=True, check=True).stdout.splitlines()
    emb = header.index(" emb ") + 1
    assert rows and all(row[emb:emb + 3] == "yes" for row in rows), rows


def test_the_page_count_fills_whole_signatures(press: Path, sample_build: Path) -> None:
    pages = len(PdfReader(press).pages)
    screen = len(PdfReader(sample_build / f"{STEM}.pdf").pages)
    assert pages % SIGNATURE == 0 and screen <= pages < screen + SIGNATURE
    with pdfplumber.open(press) as pdf:  # the pages added are blank: marks only
        assert all(not p.chars for p in pdf.pages[screen:])


@pytest.mark.parametrize(("pages", "signature", "added"),
                         [(18, 16, 14), (32, 16, 0), (33, 16, 15), (18, 4, 2), (1, 4, 3)])
def test_padding(pages: int, signature: int, added: int) -> None:
    assert padding(pages, signature) == added
