"""Preflight of the press PDF, as a printer's would run it: the boxes, the marks outside the
bleed (and long enough to find), K-only colour, every font embedded (poppler's pdffonts), and a
page count that fills whole signatures. And what lets the build write the press PDF from the
screen PDF's layout: laid out on its own, the press has every word where the screen has it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from bookmaker.build import build
from bookmaker.pdf.press import padding
from conftest import SAMPLE, require_program

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


Words = list[list[tuple[str, float, float, float]]]


def words_from_trim(path: Path) -> Words:
    """Each page's words: its text, where it begins from the trim box's top left corner and
    how wide it is (pt, to a hundredth)."""
    with pdfplumber.open(path) as pdf:
        return [[(w["text"], round(w["x0"] - page.trimbox[0], 2),
                  round(w["top"] - page.trimbox[1], 2), round(w["x1"] - w["x0"], 2))
                 for w in page.extract_words()] for page in pdf.pages]


@pytest.fixture(scope="module")
def press_laid_out_alone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample's press PDF laid out from its own document (press.css, the bleed in
    page.css), as a book with styles of its own gets it."""
    out = tmp_path_factory.mktemp("press-alone")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("bookmaker.build.press_follows_screen", lambda book_dir: False)
        build(SAMPLE, out, formats=("pdf",), profiles=("press",))
    return out / f"{STEM}.press.pdf"


def test_the_press_is_laid_out_as_the_screen(press_laid_out_alone: Path,
                                             sample_build: Path) -> None:
    """bookmaker's press stylesheets move nothing: every word of the press PDF laid out on its
    own stands where the screen PDF has it, from the trim box; the pages added to fill the
    last signature are blank."""
    screen = words_from_trim(sample_build / f"{STEM}.pdf")
    alone = words_from_trim(press_laid_out_alone)
    assert sum(map(len, screen)) > 300
    assert alone[:len(screen)] == screen
    assert not any(alone[len(screen):])


def test_the_press_written_from_the_screen_layout_is_the_press_laid_out_alone(
        press: Path, press_laid_out_alone: Path) -> None:
    assert words_from_trim(press) == words_from_trim(press_laid_out_alone)
    for page, alone in zip(PdfReader(press).pages, PdfReader(press_laid_out_alone).pages,
                           strict=True):
        for box in ("mediabox", "trimbox", "bleedbox"):
            assert mm(getattr(page, box)) == mm(getattr(alone, box))


def test_a_book_with_a_press_stylesheet_has_its_press_laid_out(book_copy: Path,
                                                                tmp_path: Path) -> None:
    """A book's own press.css may change the layout: its press PDF is laid out with it."""
    (book_copy / "styles").mkdir()
    (book_copy / "styles" / "press.css").write_text("p { letter-spacing: 1pt; }\n")
    build(book_copy, tmp_path, formats=("pdf",))
    screen = words_from_trim(tmp_path / f"{STEM}.pdf")
    press = words_from_trim(tmp_path / f"{STEM}.press.pdf")
    assert press[:len(screen)] != screen
    assert "".join(w[0] for page in press for w in page) != ""
