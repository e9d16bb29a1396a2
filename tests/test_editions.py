"""Editions as data: each product (print book, e-book; per script) tells the truth about
itself — its own identifiers, publisher, price and copyright page — read back from the PDF with
pdfplumber, from the EPUB's documents, and with Calibre's ebook-meta."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pdfplumber
import pytest

from bookmaker.build import build
from conftest import NS, Epub, require_program

STEM = "beijing-xianjinxing-2006"


def pdf_page_with(path: Path, words: str) -> str:
    """The text of the first page of the PDF holding ``words``, without spaces."""
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            text = "".join((page.extract_text() or "").split())
            if words in text:
                return text
    raise AssertionError(f"no page of {path.name} holds {words}")


def copyright_text(epub: Epub) -> str:
    return "".join("".join(epub.xml(epub.base + "text/copyright.xhtml").itertext()).split())


@pytest.mark.slow  # reads the PDF
def test_the_print_book_keeps_its_record_as_issued(sample_build: Path) -> None:
    page = pdf_page_with(sample_build / f"{STEM}.pdf", "图书在版编目")
    # the ISBN as the book of 2006 prints it, in the CIP block and in the 版本记录
    assert page.count("ISBN7-200-06528-5") == 2 and "978-7" not in page
    for expected in ["中国版本图书馆CIP数据核字（2006）第062531号", "787毫米×1092毫米", "16开本",
                     "2006年6月第1版", "2006年6月第1次印刷", "印数1—5000",
                     "北京市顺义康华福利印刷厂印刷", "北京出版社出版集团总发行", "D·454",
                     "定价：42.00元", "质量投诉电话：010-58572393"]:
        assert expected in page, expected


def test_the_ebook_has_no_printing_data(sample_epub: Epub) -> None:
    page = copyright_text(sample_epub)
    assert "ISBN7-200-06528-5" in page  # in the CIP record, as issued
    assert "纸质书（ISBN7-200-06528-5）制作" in page  # and named as what the e-book is made from
    for printing in ["印数", "印张", "开本", "印刷", "定价", "总发行", "经销"]:
        assert printing not in page, printing


@pytest.mark.slow  # reads the PDF
def test_the_traditional_edition_claims_nothing_of_the_mainland_edition(
        hant_epub: Epub, hant_build: Path) -> None:
    for page in (copyright_text(hant_epub),
                 pdf_page_with(hant_build / f"{STEM}.zh-Hant.pdf", "簡體字本")):
        assert "書名" in page and "編者" in page
        assert "本書據北京出版社2006年6月第1版簡體字本轉為繁體字" in page
        for mainland in ["中國版本圖書館", "中国版本图书馆", "CIP", "ISBN", "印數", "定價",
                         "出版者", "總發行", "印刷"]:
            assert mainland not in page, mainland
    metadata = hant_epub.opf.find("opf:metadata", NS)
    identifiers = [i.text for i in metadata.iterfind("dc:identifier", NS)]
    assert [i for i in identifiers if not i.startswith("urn:uuid:")] == [
        "bookmaker:beijing-xianjinxing-2006.zh-Hant"]  # its own product code, no ISBN
    assert metadata.find("dc:publisher", NS) is None


CALIBRE_READS = """
import json, sys
from calibre.ebooks.metadata.meta import get_metadata
with open(sys.argv[-1], "rb") as f:
    mi = get_metadata(f, "epub")
print(json.dumps({"uuid": mi.uuid, **mi.get_identifiers()}))
"""


def calibre_identifiers(path: Path) -> set[str]:
    """The identifiers Calibre reads from the EPUB: what ebook-meta lists, and the UUID it
    keeps but does not print."""
    calibre_debug = require_program("calibre-debug", "reading the identifiers with Calibre")
    shown = subprocess.run([calibre_debug, "-c", CALIBRE_READS, str(path)], capture_output=True,
                           text=True, check=True).stdout.strip().splitlines()[-1]
    return {f"{scheme}:{value}" for scheme, value in json.loads(shown).items() if value}


def ebook_meta_identifiers(path: Path) -> str:
    ebook_meta = require_program("ebook-meta", "reading the identifiers with Calibre")
    shown = subprocess.run([ebook_meta, str(path)], capture_output=True, text=True,
                           check=True).stdout
    return next((line.split(":", 1)[1].strip() for line in shown.splitlines()
                 if line.startswith("Identifiers")), "")


def test_calibre_sees_distinct_identifiers(sample_epub: Epub, hant_epub: Epub) -> None:
    # the print edition's ISBN beside each e-book's own product code; no ISBN was issued
    # for the Traditional edition, and it does not borrow the print book's
    assert ebook_meta_identifiers(sample_epub.path) == (
        "bookmaker:beijing-xianjinxing-2006, isbn:9787200065282")
    assert ebook_meta_identifiers(hant_epub.path) == "bookmaker:beijing-xianjinxing-2006.zh-Hant"
    simplified = calibre_identifiers(sample_epub.path)
    traditional = calibre_identifiers(hant_epub.path)
    assert "isbn:9787200065282" in simplified
    assert not any(i.startswith("isbn:") for i in traditional)
    assert [i for i in traditional if i.startswith("uuid:")]
    assert simplified.isdisjoint(traditional)


TAIWAN_EDITION = """
variants:
  zh-Hant:
    opencc: s2tw
    publisher: {name: 臺北範例出版社, place: 臺北, address: 臺北市中正區範例路1號}
    products:
      print:
        isbn: 978-986-00-0000-9
        edition: {number: 1, date: 2024-03}
        price: {amount: "380", currency: TWD}
        rights: 版權所有・翻印必究
      ebook:
        isbn: 978-986-00-0001-6
"""


def test_a_traditional_edition_with_its_own_data(book_copy: Path, tmp_path: Path) -> None:
    with (book_copy / "book.yaml").open("a", encoding="utf-8") as f:
        f.write(TAIWAN_EDITION)
    (path,) = build(book_copy, tmp_path, formats=("epub",), variants=("zh-Hant",)).outputs
    epub = Epub(path)
    page = copyright_text(epub)
    for expected in ["出版者臺北範例出版社", "ISBN978-986-00-0001-6（電子書）", "2024年3月初版",
                     "版權所有・翻印必究"]:
        assert expected in page, expected
    assert "定價" not in page  # the price is the print book's, not the e-book's
    metadata = epub.opf.find("opf:metadata", NS)
    unique = epub.opf.get("unique-identifier")
    identifiers = {i.get("id"): i.text for i in metadata.iterfind("dc:identifier", NS)}
    assert identifiers[unique] == "urn:isbn:9789860000016"
    assert identifiers["isbn-print"] == "urn:isbn:9789860000009"
    assert metadata.findtext("dc:publisher", namespaces=NS) == "臺北範例出版社"


# --- partial books -------------------------------------------------------------------------


@pytest.mark.slow  # reads the PDF
def test_the_sample_says_it_is_an_excerpt_everywhere(sample_epub: Epub, sample_build: Path) -> None:
    titlepage = "".join(sample_epub.xml(sample_epub.base + "text/titlepage.xhtml").itertext())
    assert "（节选）" in titlepage
    nav = "".join(sample_epub.xml(sample_epub.item_named("nav")).itertext())
    assert "理论研讨会上的讲话（节选）" in nav and "序（节选）" not in nav
    metadata = sample_epub.opf.find("opf:metadata", NS)
    assert "的节选本，收录序、《在全市" in metadata.findtext("dc:description", namespaces=NS)
    assert metadata.findtext("opf:meta[@property='schema:abridged']", namespaces=NS) == "true"
    names = [n.rsplit("/", 1)[-1] for n in sample_epub.spine_names()]
    assert names.index("board.xhtml") < names.index("editors-note.xhtml") < names.index("c01.xhtml")
    note = "".join(sample_epub.xml(sample_epub.base + "text/editors-note.xhtml").itertext())
    assert "编者说明" in note and "字数、印张是全书的数据，本版不列" in note
    # the record's figures of the 54-paper collection are not this book's
    for figures in (copyright_text(sample_epub),
                    pdf_page_with(sample_build / f"{STEM}.pdf", "图书在版编目")):
        assert "印张" not in figures and "千字" not in figures
    pdf = sample_build / f"{STEM}.pdf"
    assert "（节选）" in pdf_page_with(pdf, "北京出版社出版集团北京出版社")  # the title page
    assert "讲话（节选）" in pdf_page_with(pdf, "目录")
    assert "本书为《北京市" in pdf_page_with(pdf, "编者说明")


def build_epub(book: Path, out: Path) -> Epub:
    (path,) = build(book, out, formats=("epub",)).outputs
    return Epub(path)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_whole_book_shows_its_figures_and_no_note(book_copy: Path, tmp_path: Path) -> None:
    edit(book_copy / "book.yaml", "excerpt: true ", "excerpt: false")
    edit(book_copy / "chapters/02-speech.md", "excerpt: true", "excerpt: false")
    epub = build_epub(book_copy, tmp_path)
    assert "446千字" in copyright_text(epub)  # the e-book takes 字数 from the print record
    assert not [n for n in epub.spine_names() if n.endswith("editors-note.xhtml")]
    assert epub.opf.find("opf:metadata/dc:description", NS) is None
    assert "节选" not in "".join(epub.xml(epub.item_named("nav")).itertext())


def test_a_partial_book_with_figures_of_its_own(book_copy: Path, tmp_path: Path) -> None:
    edit(book_copy / "book.yaml", "excerpt: true ", "excerpt: {words: 12}")
    edit(book_copy / "chapters/02-speech.md", "excerpt: true", "abridged: true")
    epub = build_epub(book_copy, tmp_path)
    assert "12千字" in copyright_text(epub) and "446千字" not in copyright_text(epub)
    note = "".join(epub.xml(epub.base + "text/editors-note.xhtml").itertext())
    assert "本版不列" not in note and "讲话》（有删节）" in note
    speech = "".join(epub.xml(epub.base + "text/c02.xhtml").itertext())
    assert speech.rstrip().endswith("（有删节）")


def test_a_title_is_text_in_the_editors_note_and_the_description(book_copy: Path,
                                                                 tmp_path: Path) -> None:
    """The note and dc:description say what the book holds from its titles: as text, escaped
    once (a title of markup makes no element, and no 'scripted' document)."""
    edit(book_copy / "chapters/02-speech.md",
         "title: 在全市保持共产党员先进性教育活动与党的先进性建设理论研讨会上的讲话",
         'title: "<script>alert(1)</script>"')
    text = (book_copy / "chapters/02-speech.md").read_text(encoding="utf-8")
    start = text.index("title_lines:")
    (book_copy / "chapters/02-speech.md").write_text(
        text[:start] + text[text.index("kind:"):], encoding="utf-8")
    epub = build_epub(book_copy, tmp_path)
    note = epub.xml(epub.base + "text/editors-note.xhtml")
    assert note.find(".//{*}script") is None
    assert "收录序、《<script>alert(1)</script>》（节选）" in "".join(note.itertext())
    description = epub.opf.findtext("opf:metadata/dc:description", namespaces=NS)
    assert "《<script>alert(1)</script>》" in description
