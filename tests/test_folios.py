"""Folios on a book of several chapters, read back from the PDF: the body's folios run on from
1 through every chapter and blank verso, and the contents prints the folio that stands on each
chapter's opening page."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import pdfplumber
import pytest
import yaml

from bookgen import chapter, filler, write_book
from bookmaker.build import build
from bookmaker.model import PageDesign
from conftest import EXAMPLE, ExampleBuild

MM = 72 / 25.4
SMALL = 9.0  # pt: folios and running heads
# Chapters of 1 to 9 paragraphs: openings fall on both sides, so blank versos are inserted.
BODY = {"第一篇　起": 1, "第二篇　承": 6, "第三篇　转": 3, "第四篇　合": 9, "第五篇　结": 2}


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    book = tmp_path_factory.mktemp("multi") / "book"
    chapters = [chapter("序", filler(3), kind="preface")]
    chapters += [chapter(title, filler(n, start=i), kind="chapter")
                 for i, (title, n) in enumerate(BODY.items())]
    write_book(book, chapters)
    out = tmp_path_factory.mktemp("out")
    build(book, out, formats=("pdf",), profiles=("screen",))
    return out / "testbook.pdf"


def read_pages(path: Path) -> list[tuple[str, str]]:
    """Each page's folio (the small text below the type area) and its text in the type area."""
    page = PageDesign()
    pages = []
    with pdfplumber.open(path) as document:
        for p in document.pages:
            foot = p.height - page.bottom * MM
            folio = "".join(c["text"] for c in p.chars
                            if c["top"] > foot and abs(c["size"] - SMALL) < 0.05)
            text = "".join(c["text"] for c in p.chars
                           if page.top * MM < c["top"] < foot)
            pages.append((folio, text))
    return pages


def test_body_folios_run_on_through_every_chapter(pdf: Path) -> None:
    pages = read_pages(pdf)
    first_title = next(iter(BODY))
    body_start = next(i for i, (_, text) in enumerate(pages) if text.startswith(first_title))
    printed = [(i, int(folio)) for i, (folio, _) in enumerate(pages) if folio.isdigit()]
    assert printed[0] == (body_start, 1)
    for (before, number), (after, following) in pairwise(printed):
        assert following == number + (after - before), f"page {after + 1}: {following}"
    unnumbered = [i for i, (folio, text) in enumerate(pages) if i >= body_start and not folio]
    assert all(not pages[i][1] for i in unnumbered), "only blank versos go without a folio"
    assert unnumbered, "the book has blank versos before some openings"
    assert printed[-1][0] == len(pages) - 1


def test_contents_shows_the_folio_printed_on_each_opening_page(pdf: Path) -> None:
    pages = read_pages(pdf)
    contents = next(text for _, text in pages if text.startswith("目录"))
    listed = {}
    for title in ["序", *BODY]:
        entry = re.search(re.escape(title) + r"\.+([0-9]+|[IVXLC]+)", contents)
        assert entry, title
        listed[title] = entry.group(1)
        opening = next(folio for folio, text in pages if text.startswith(title))
        assert listed[title] == opening, title
    body = [int(listed[title]) for title in BODY]
    assert body[0] == 1 and body == sorted(set(body)), f"the body's entries run on: {body}"


def example_titles() -> list[tuple[str, str]]:
    """Each chapter's title and kind, read from the second example book's source files."""
    titles = []
    for name in yaml.safe_load((EXAMPLE / "book.yaml").read_text(encoding="utf-8"))["chapters"]:
        front = (EXAMPLE / name).read_text(encoding="utf-8").split("---")[1]
        meta = yaml.safe_load(front)
        titles.append((meta["title"], meta["kind"]))
    return titles


def test_the_second_books_folios_and_contents(example_build: ExampleBuild) -> None:
    """The second example book (13 chapters, a contents of several pages, footnotes, tables):
    the body's folios run on from 1, and each contents entry names the folio printed on the
    chapter's opening page, Roman in the front matter."""
    pages = read_pages(example_build.path(".pdf"))
    titles = example_titles()
    first_body = next(title for title, kind in titles if kind == "chapter")
    body_start = next(i for i, (_, text) in enumerate(pages) if text.startswith(first_body))
    printed = [(i, int(folio)) for i, (folio, _) in enumerate(pages) if folio.isdigit()]
    assert printed[0] == (body_start, 1)
    for (before, number), (after, following) in pairwise(printed):
        assert following == number + (after - before), f"page {after + 1}: {following}"
    contents = "".join(text for _, text in pages[:body_start])
    for title, kind in titles:
        entry = re.search(re.escape(title) + r"\.{3,}([0-9]+|[IVXLC]+)", contents)
        assert entry, title
        opening = next(folio for folio, text in pages  # not a page of the contents
                       if text.startswith(title) and "....." not in text)
        assert entry.group(1) == opening, title
        assert opening.isdigit() == (kind == "chapter"), title
