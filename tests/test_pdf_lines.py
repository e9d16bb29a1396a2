"""Chinese line composition, measured on the typeset sample PDF (W3C clreq, GB/T 15834), in the
Simplified edition and in the Traditional one (other fonts, centred punctuation, 「」)."""

from __future__ import annotations

import re
import subprocess
from itertools import pairwise
from pathlib import Path

import pytest

from bookmaker.load import load_book
from bookmaker.model import Book, PageDesign
from bookmaker.variants import convert_book, make_converter
from conftest import SAMPLE, require_program
from pdflines import (
    MM,
    Line,
    body_paragraphs,
    match_body_lines,
    pdf_lines,
    ragged,
    violations,
)

pytestmark = pytest.mark.slow  # the sample typeset, in both editions

TOLERANCE = 0.5  # pt


@pytest.fixture(scope="module", params=["source", "zh-Hant"])
def edition(request: pytest.FixtureRequest, sample_build: Path,
            hant_build: Path) -> tuple[Book, Path]:
    book = load_book(SAMPLE)
    if request.param == "source":
        return book, sample_build / "beijing-xianjinxing-2006.pdf"
    hant = convert_book(book, make_converter(book, SAMPLE, "zh-Hant"), "zh-Hant-TW")
    return hant, hant_build / "beijing-xianjinxing-2006.zh-Hant.pdf"


@pytest.fixture(scope="module")
def book(edition: tuple[Book, Path]) -> Book:
    return edition[0]


@pytest.fixture(scope="module")
def body_lines(edition: tuple[Book, Path]) -> list[Line]:
    book, pdf = edition
    paragraphs = body_paragraphs(book)
    lines, found = match_body_lines(pdf_lines(pdf, book.meta.page.body_size), paragraphs)
    assert found == len(paragraphs), f"paragraph {found + 1} not found as typeset text"
    return lines


def test_every_paragraph_is_extracted_as_its_source_text(body_lines: list[Line]) -> None:
    assert len(body_lines) > 200


def test_no_line_starts_or_ends_with_a_forbidden_mark(body_lines: list[Line]) -> None:
    assert violations(body_lines) == []


def test_lines_are_flush_with_both_edges_of_the_type_area(body_lines: list[Line],
                                                          book: Book) -> None:
    assert ragged(body_lines, book.meta.page, TOLERANCE) == []


def test_no_paragraph_ends_with_a_single_character_line(body_lines: list[Line]) -> None:
    lonely = [line.text for line in body_lines
              if line.last and not line.first and sum(c.isalnum() for c in line.text) < 2]
    assert lonely == []


PUNCTUATION = set("、，。；：？！）》」』”’（《「『“‘")  # 「」『』: the zh-Hant edition's quotes
HAN = re.compile("[\u4e00-\u9fff]")
LATIN = re.compile("[A-Za-z0-9]")


# Two adjacent marks as clreq sets them, measured between the glyphs' origins (in em, less the
# line's justification): from the first mark to the second, and from the second to the glyph
# after them. Only a mark whose blank half stands between them gives it up: a closing mark its
# right half (the next glyph comes half an em sooner), an opening mark its left half (it is
# drawn half an em sooner). The half-width one is the first of 。” in Simplified glyphs (not the
# quote, which keeps its blank before the next character); in Traditional glyphs, where 。 is
# centred, 。」 keeps both widths.
PAIR_ROOM = {
    "zh-Hans": {"。”": (0.5, 1), "》。": (0.5, 1), "：“": (0.5, 1), "”、": (0.5, 0.5),
                "、“": (0.5, 1)},
    "zh-Hant-TW": {"。」": (1, 1), "》。": (0.5, 1), "：「": (0.5, 1), "」、": (0.5, 0.5),
                   "、「": (0.5, 1)},
}


def test_adjacent_punctuation_takes_at_most_one_and_a_half_ems(body_lines: list[Line],
                                                              book: Book) -> None:
    """Where a blank half stands between two marks; two ems where none does (PAIR_ROOM)."""
    em = book.meta.page.body_size
    room = PAIR_ROOM[book.meta.language]
    pairs = [pair for line in body_lines for pair in line.pair_advances(PUNCTUATION)]
    assert len(pairs) >= 3, "the sample has adjacent marks (。” and ”，); too few found"
    assert [(p, round(span / em, 2)) for p, span in pairs
            if span > (1 + room.get(p, (0.5, 1))[0]) * em + TOLERANCE] == []


def test_adjacent_marks_give_up_the_blank_half_between_them(body_lines: list[Line],
                                                            book: Book) -> None:
    em = book.meta.page.body_size
    expected = PAIR_ROOM[book.meta.language]
    measured: dict[str, tuple[float, float]] = {}
    for line in body_lines:
        glyphs = line.glyphs
        steps = [b[1] - a[1] for a, b in pairwise(glyphs)]
        han = [step for (a, b), step in zip(pairwise(glyphs), steps, strict=True)
               if HAN.match(a[0]) and HAN.match(b[0])]
        spacing = sorted(han)[len(han) // 2] - em if han else 0  # the line's justification
        for i in range(len(glyphs) - 2):
            pair = glyphs[i][0] + glyphs[i + 1][0]
            if all(c in PUNCTUATION for c in pair):
                measured[pair] = (round((steps[i] - spacing) / em, 2),
                                  round((steps[i + 1] - spacing) / em, 2))
    assert set(measured) == set(expected), "every pair of the sample, measured"
    for pair, (between, after) in measured.items():
        want = expected[pair]
        assert abs(between - want[0]) < 0.15 and abs(after - want[1]) < 0.15, (pair, measured)


def test_a_quarter_em_between_han_and_latin(body_lines: list[Line], book: Book) -> None:
    em = book.meta.page.body_size
    gaps = [(a + b, gap) for line in body_lines for a, b, gap in line.gaps()
            if (HAN.match(a) and LATIN.match(b)) or (LATIN.match(a) and HAN.match(b))]
    assert gaps, "the sample has digits in Han text (54篇, 2008年); none found"
    assert [(p, round(g / em, 2)) for p, g in gaps if not 0.2 * em <= g <= 0.4 * em] == []


def test_the_checks_fail_on_bad_lines() -> None:
    """The walker is not blind: it reports what it is meant to find."""
    bad = [Line(0, "，开头", 0, 10, first=True), Line(0, "结尾“", 0, 10),
           Line(0, "破折—", 0, 10), Line(0, "—号", 0, 10, last=True)]
    assert len(violations(bad)) == 3
    lines, found = match_body_lines([Line(0, "甲乙", 0, 1), Line(0, "丙", 0, 1)], ["甲乙丙"])
    assert found == 1 and [(x.first, x.last) for x in lines] == [(True, False), (False, True)]
    page = PageDesign()
    left, right = page.inner * MM, (page.inner + page.text_width) * MM
    short = Line(0, "甲" * 37, left, right - 10.5)  # a middle line one character short
    flush = Line(0, "乙" * 38, left, right)
    assert ragged([flush], page, TOLERANCE) == []
    assert len(ragged([short], page, TOLERANCE)) == 1


def test_pdftotext_reads_every_paragraph(edition: tuple[Book, Path]) -> None:
    """poppler's reading of the page: every paragraph comes back. (It reads the quarter-em
    Han–Latin space as a word space, as it reads any gap over 0.1 em: whitespace aside, the
    text is the source text.)"""
    pdftotext = require_program("pdftotext", "text extraction with poppler")
    book, pdf = edition
    page = book.meta.page
    # the type area only (in pt, pdftotext's default 72 dpi): not the running heads and folios
    left, top = min(page.inner, page.outer) * MM, page.top * MM
    width = (page.trim.width * MM) - 2 * left
    area = [str(round(v)) for v in (left - 1, top - 1, width + 2, page.text_height * MM + 2)]
    text = subprocess.run([pdftotext, "-x", area[0], "-y", area[1], "-W", area[2], "-H",
                           area[3], str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = re.sub(r"\s+", "", text)
    position = 0
    for paragraph in body_paragraphs(book):
        found = flat.find(re.sub(r"\s+", "", paragraph), position)
        assert found >= 0, paragraph[:20]
        position = found
