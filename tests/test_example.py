"""The second example book (examples/jingdian-sanzhong): a real book of public-domain classics
with what real books have — and characters no bundled font has — built into both editions,
read back by EPUBCheck, poppler and pdfplumber."""

from __future__ import annotations

import re
import subprocess
import unicodedata
from itertools import pairwise

import pdfplumber
import pytest

from bookmaker.build import make_edition
from bookmaker.load import load_book
from bookmaker.model import Figure
from bookmaker.reader_text import reader_passages
from conftest import EXAMPLE, NS, Epub, ExampleBuild, SessionEpubCheck, require_program
from pdflines import HAN, pdf_lines

EDITIONS = ("", ".zh-Hant")
LATIN = re.compile("[A-Za-z0-9]")


def is_han(char: str) -> bool:
    return unicodedata.name(char, "").startswith("CJK UNIFIED IDEOGRAPH")


def outside_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return True
    return False


def outside_big5_level1(char: str) -> bool:
    """Big5 level 1 (常用字) is 0xA440–0xC67E."""
    try:
        code = int.from_bytes(char.encode("big5"), "big")
    except UnicodeEncodeError:
        return True
    return not 0xA440 <= code <= 0xC67E


def test_the_book_has_what_real_books_have(example_build: ExampleBuild) -> None:
    book = load_book(EXAMPLE)
    body = [c for c in book.chapters if c.meta.kind not in ("preface", "foreword")]
    assert len(body) >= 8
    epub = Epub(example_build.path(".epub"))
    text = epub.text()
    assert len(text) >= 60000
    docs = [epub.xml(name) for name in epub.spine_names()]

    def all_of(path: str) -> list:
        return [el for doc in docs for el in doc.iterfind(path, NS)]

    figures = all_of(".//x:figure")
    assert len(figures) >= 2
    for figure in figures:
        caption = "".join(figure.find("x:figcaption", NS).itertext())
        assert figure.find(".//x:img", NS).get("alt") and caption.startswith("图")
    assert all_of(".//x:table") and all_of(".//x:ol/x:li") and all_of(".//x:ul/x:li")
    with_notes = [doc for doc in docs if doc.find(".//*[@role='doc-footnote']", NS) is not None]
    assert len(with_notes) >= 5
    assert all_of(".//x:div[@class='verse']")
    quotes = all_of(".//x:blockquote")
    assert any((q.getprevious() is not None and
                "".join(q.getprevious().itertext()).rstrip().endswith("："))
               for q in quotes)
    assert any(c.isascii() and c.isalpha() for c in text)
    assert any(c.isdigit() for c in text)


@pytest.mark.parametrize(("suffix", "outside"), [("", outside_gb2312),
                                                 (".zh-Hant", outside_big5_level1)])
def test_at_least_twenty_characters_outside_the_national_sets(example_build: ExampleBuild,
                                                              suffix: str, outside) -> None:
    text = Epub(example_build.path(f"{suffix}.epub")).text()
    assert len({c for c in text if is_han(c) and outside(c)}) >= 20


def test_the_fallback_font_is_reported_once_per_edition(example_build: ExampleBuild) -> None:
    assert [d.code for d in example_build.diagnostics] == ["F002", "F002"]
    hans, hant = example_build.diagnostics
    assert "zh-Hans" in hans.message and "Noto Serif CJK SC" in hans.message
    assert "zh-Hant" in hant.message and "Noto Serif CJK TC" in hant.message


@pytest.mark.parametrize("suffix", EDITIONS)
def test_epubcheck_passes_both_editions(example_build: ExampleBuild, suffix: str,
                                        epubcheck: SessionEpubCheck) -> None:
    path = example_build.path(f"{suffix}.epub")
    assert epubcheck(path, "EPUBCheck on the second example book") == []


@pytest.mark.parametrize("suffix", EDITIONS)
def test_every_font_of_the_pdf_is_embedded(example_build: ExampleBuild, suffix: str) -> None:
    pdffonts = require_program("pdffonts", "poppler's font report on the second example book")
    report = subprocess.run([pdffonts, str(example_build.path(f"{suffix}.pdf"))],
                            capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert report and all(line.split()[-5:-2] == ["yes", "yes", "yes"] for line in report)


@pytest.mark.parametrize(("suffix", "outside"), [("", outside_gb2312),
                                                 (".zh-Hant", outside_big5_level1)])
def test_every_character_is_in_the_pdf_drawn_by_a_font_that_has_it(
        example_build: ExampleBuild, suffix: str, outside) -> None:
    book = load_book(EXAMPLE)
    edition = make_edition(book, EXAMPLE, "zh-Hant" if suffix else None).book
    # what the chapters print: not the EPUB's metadata, not the alt text of the figures
    alts = {block.alt for chapter in edition.chapters for block in chapter.blocks
            if isinstance(block, Figure)}
    source = {c for passage in reader_passages(edition) for c in passage.text
              if passage.location.path.startswith("chapters/") and passage.text not in alts
              and not c.isspace() and unicodedata.category(c)[0] != "C"}
    with pdfplumber.open(example_build.path(f"{suffix}.pdf")) as pdf:
        drawn: dict[str, set[str]] = {}
        for page in pdf.pages:
            for char in page.chars:
                drawn.setdefault(char["text"], set()).add(char["fontname"].split("+", 1)[1])
    assert not source - set(drawn), "".join(sorted(source - set(drawn)))
    # a character the bundled fonts lack comes from the installed face's subset ("… B"), whose
    # glyph reads back as that character; all the others from the bundled faces
    rare = {c for c in source if is_han(c) and outside(c)}
    fallback = {c for c, fonts in drawn.items() if any(f.endswith("-B") for f in fonts)}
    assert rare & fallback and fallback <= {c for c in source if is_han(c)}
    assert all(fonts <= {"Book-Serif-B", "Book-Sans-B", "Book-Serif-B-Bold", "Book-Sans-B-Bold"}
               for c, fonts in drawn.items() if c in fallback)


@pytest.mark.parametrize("suffix", EDITIONS)
def test_justified_lines_spread_their_room_evenly_and_modestly(example_build: ExampleBuild,
                                                              suffix: str) -> None:
    """On every justified body line (flush with the type area's right edge, nine Han
    characters or more) the gaps between consecutive Han characters are equal, to the
    thousandth of an em the PDF is written in, and below a fifth of an em; the quarter em
    between Han and Latin stays. A line before an
    unbreakable run of quotes (“侘”“偭”“儵”…, which UAX #14 keeps together) once spread nearly
    two ems between its characters, and the first character of each text box took one and a
    half shares."""
    book = load_book(EXAMPLE)
    size = book.meta.page.body_size
    lines = pdf_lines(example_build.path(f"{suffix}.pdf"), size)
    right = {}
    for line in lines:
        right[line.page] = max(right.get(line.page, 0), line.x1)
    measured = 0
    for line in lines:
        gaps = [b[1] - a[2] for a, b in pairwise(line.glyphs)
                if HAN.match(a[0]) and HAN.match(b[0])]
        if abs(line.x1 - right[line.page]) > 0.5 or len(gaps) < 8:
            continue
        measured += 1
        where = f"p.{line.page + 1}: {line.text[:16]}"
        assert max(gaps) < 0.2 * size, where
        assert max(gaps) - min(gaps) < 0.003 * size, where
        # the quarter em between Han and Latin letters or digits is kept: whole after Latin,
        # with the Han character's share before it
        for a, b in pairwise(line.glyphs):
            gap = (b[1] - a[2]) / size
            if LATIN.match(a[0]) and HAN.match(b[0]):
                assert 0.24 < gap < 0.26, where
            if HAN.match(a[0]) and LATIN.match(b[0]):
                assert 0.24 < gap < 0.25 + max(gaps) / size + 0.01, where
    assert measured > 300
