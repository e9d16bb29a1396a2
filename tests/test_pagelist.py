"""The EPUB's page-list follows the print edition: for every page of the PDF with a folio, the
text right after the EPUB's marker of that folio is the text at the top of the page, as
pdfplumber reads it from the PDF — on the sample and on a book of several chapters."""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pytest
import yaml

from bookmaker.build import build
from bookmaker.load import load_book
from conftest import EXAMPLE, NS, SAMPLE, Epub, ExampleBuild

pytestmark = pytest.mark.slow  # typesets the book, or runs Chromium

STEM = "beijing-xianjinxing-2006"
MM = 72 / 25.4
COMPARED = 8  # characters compared at the top of each page: Chinese ones (the contents'
# leaders and page numbers are the print edition's own)
FOLIO = re.compile(r"[0-9]+|[IVXLC]+")
SKIPPED = re.compile(r"\bnoteref\b|\bfootnotes\b")
EPUB_TYPE = f"{{{NS['epub']}}}type"


def chinese(text: str) -> str:
    return "".join(c for c in text if ord(c) > 0x2000 and not c.isspace())


def pdf_pages(path: Path, book_dir: Path) -> list[tuple[str, str]]:
    """For every page with a folio: the folio, and the first characters of the type area
    (reading order: line by line, left to right; smaller type such as a note call skipped)."""
    page = load_book(book_dir).meta.page
    top, bottom = page.top * MM - 2, (page.top + page.text_height) * MM + 2
    found: list[tuple[str, str]] = []
    with pdfplumber.open(path) as pdf:
        for p in pdf.pages:
            chars = [c for c in p.chars if c["text"].strip()]
            foot = "".join(c["text"] for c in sorted(chars, key=lambda c: c["x0"])
                           if c["top"] > bottom)
            if not FOLIO.fullmatch(foot):
                continue
            body = [c for c in chars if top <= c["top"] and c["bottom"] <= bottom]
            size = max((c["size"] for c in body), key=[c["size"] for c in body].count)
            body = [c for c in body if c["size"] >= size * 0.85]  # not a note call
            lines: dict[int, list[dict]] = {}
            for c in body:
                key = next((k for k in lines if abs(k - c["top"]) < size * 0.5), round(c["top"]))
                lines.setdefault(key, []).append(c)
            text = "".join(c["text"] for k in sorted(lines)
                           for c in sorted(lines[k], key=lambda c: c["x0"]))
            found.append((foot, chinese(text)[:COMPARED]))
    return found


def epub_markers(epub: Epub) -> list[tuple[str, str]]:
    """For every page-break marker of the spine: its label, and the text right after it."""
    found: list[tuple[str, str]] = []
    for name in epub.spine_names():
        root = epub.xml(name)
        for marker in root.iter(f"{{{NS['x']}}}span"):
            if marker.get(EPUB_TYPE) != "pagebreak":
                continue
            assert marker.get("role") == "doc-pagebreak" and not marker.text
            text = ""
            for node in marker.xpath("following::text()"):
                parent = node.getparent()
                owner = parent if not node.is_tail else parent.getparent()
                if any(SKIPPED.search(a.get("class") or "")
                       for a in [owner, *owner.iterancestors()]):
                    continue
                text += chinese(node)
                if len(text) >= COMPARED:
                    break
            found.append((marker.get("aria-label"), text[:COMPARED]))
    return found


def page_list(epub: Epub) -> list[tuple[str, str]]:
    nav = epub.xml(epub.item_named("nav"))
    page_nav = nav.find(".//x:nav[@epub:type='page-list']", NS)
    return [(a.text, a.get("href")) for a in page_nav.iterfind(".//x:a", NS)]


def check_pages_follow_print(epub: Epub, pdf: Path, book_dir: Path) -> list[str]:
    """Page by page, in order: the folio and the text at the top of the page in the PDF are
    the label and the text after the marker in the EPUB; the page-list lists the markers."""
    printed = pdf_pages(pdf, book_dir)
    marked = epub_markers(epub)
    assert printed, "the PDF has pages with folios"
    assert [label for label, _text in marked] == [label for label, _href in page_list(epub)]
    # the pages of the contents after its first have no marker: the EPUB's contents is its
    # navigation document, whose toc holds only the list of links
    nav = epub.xml(epub.item_named("nav"))
    toc = chinese("".join(nav.find(".//x:nav[@epub:type='toc']", NS).itertext()))
    labels = {label for label, _text in marked}
    unmarked = [(folio, top) for folio, top in printed if folio not in labels]
    assert all(top in toc for _folio, top in unmarked), unmarked
    printed = [(folio, top) for folio, top in printed if folio in labels]
    assert [folio for folio, _top in marked] == [folio for folio, _top in printed]
    for (folio, top), (_label, text) in zip(printed, marked, strict=True):
        assert text == top, f"page {folio}: EPUB {text!r}, PDF {top!r}"
    return [folio for folio, _top in printed]


def test_the_samples_markers_are_where_the_printed_pages_begin(sample_build: Path) -> None:
    sample_epub = Epub(sample_build / f"{STEM}.epub")  # built with the PDF: with a page-list
    printed = check_pages_follow_print(sample_epub, sample_build / f"{STEM}.pdf", SAMPLE)
    assert {"VII", "IX", "1", "8"} <= set(printed)  # Roman folios of the front matter too
    metadata = sample_epub.opf.find("opf:metadata", NS)
    source = metadata.findtext("opf:meta[@property='pageBreakSource']", namespaces=NS)
    assert source == "urn:isbn:9787200065282"


def test_the_traditional_editions_markers_follow_its_own_pdf(hant_build: Path) -> None:
    hant_epub = Epub(hant_build / f"{STEM}.zh-Hant.epub")
    check_pages_follow_print(hant_epub, hant_build / f"{STEM}.zh-Hant.pdf", SAMPLE)
    metadata = hant_epub.opf.find("opf:metadata", NS)
    source = metadata.findtext("opf:meta[@property='pageBreakSource']", namespaces=NS)
    assert source == f"{STEM}.zh-Hant.pdf"  # no ISBN: the PDF it was made with


def test_a_marker_never_splits_a_word_or_sits_in_a_heading(sample_build: Path) -> None:
    sample_epub = Epub(sample_build / f"{STEM}.epub")
    for name in sample_epub.spine_names():
        for marker in sample_epub.xml(name).iter(f"{{{NS['x']}}}span"):
            if marker.get(EPUB_TYPE) != "pagebreak":
                continue
            assert not [a for a in marker.iterancestors() if re.fullmatch(
                r"\{[^}]*\}h[1-6]", a.tag)], marker.get("id")
            before = (marker.getprevious().tail if marker.getprevious() is not None
                      else marker.getparent().text) or ""
            after = marker.tail or ""
            assert not (re.search(r"[A-Za-z0-9]$", before) and re.match(r"[A-Za-z0-9]", after))


# --- a book of several chapters -----------------------------------------------------------


def speech_paragraphs() -> list[str]:
    text = (SAMPLE / "chapters/02-speech.md").read_text(encoding="utf-8")
    body = text.split("---", 2)[2]
    return [p for p in body.split("\n\n") if p.strip() and not p.startswith((":::", "#", "同志"))]


def write_chapter(path: Path, title: str, paragraphs: list[str], sections: int) -> None:
    lines = ["---", yaml.safe_dump({"title": title, "kind": "chapter"}, allow_unicode=True),
             "---", ""]
    per = max(1, len(paragraphs) // sections)
    for s in range(sections):
        lines += [f"## 第{s + 1}节　{title}的要点{s + 1}", ""]
        for i, paragraph in enumerate(paragraphs[s * per:(s + 1) * per]):
            note = f"[^{s}-{i}]" if i == 1 else ""
            lines += [paragraph.strip() + note, ""]
            if note:
                lines += [f"[^{s}-{i}]: 注：本段见于2006年的讲话，引自Beijing Daily第{s}版。", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


@pytest.fixture(scope="module")
def several_chapters(tmp_path_factory: pytest.TempPathFactory) -> tuple[Epub, Path, Path]:
    book = tmp_path_factory.mktemp("several") / "book"
    (book / "chapters").mkdir(parents=True)
    meta = yaml.safe_load((SAMPLE / "book.yaml").read_text(encoding="utf-8"))
    meta.pop("excerpt")
    paragraphs = speech_paragraphs()
    chapters = [("chapters/00-preface.md", "序", paragraphs[:3], 1)]
    for n in range(1, 4):
        chapters.append((f"chapters/{n:02d}.md", f"第{n}章", paragraphs[n:] + paragraphs[:n], 3))
    for path, title, text, sections in chapters:
        write_chapter(book / path, title, text, sections)
    (book / chapters[0][0]).write_text(
        (book / chapters[0][0]).read_text(encoding="utf-8").replace("kind: chapter",
                                                                      "kind: preface"),
        encoding="utf-8")
    meta["chapters"] = [c[0] for c in chapters]
    (book / "book.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
    out = tmp_path_factory.mktemp("several-out")
    result = build(book, out, profiles=("screen",))
    assert result.diagnostics == []
    return Epub(out / f"{STEM}.epub"), out / f"{STEM}.pdf", book


def test_the_markers_of_a_book_of_several_chapters(several_chapters: tuple[Epub, Path,
                                                                           Path]) -> None:
    epub, pdf, book = several_chapters
    printed = check_pages_follow_print(epub, pdf, book)
    assert len(printed) > 20
    documents = {href.split("#")[0] for _label, href in page_list(epub)}
    assert {"c02.xhtml", "c03.xhtml", "c04.xhtml"} <= documents  # markers in every chapter
    # pages that start inside a paragraph hold their marker inside it
    inside = [m for name in epub.spine_names() for m in epub.xml(name).iter(f"{{{NS['x']}}}span")
              if m.get(EPUB_TYPE) == "pagebreak" and m.getparent().tag == f"{{{NS['x']}}}p"]
    assert inside


def test_the_markers_of_the_second_example_book(example_build: ExampleBuild) -> None:
    """A real book of thirteen chapters, figures, notes and verse (examples/)."""
    epub = Epub(example_build.path(".epub"))
    printed = check_pages_follow_print(epub, example_build.path(".pdf"), EXAMPLE)
    assert len(printed) > 20
