"""pdf: the typeset sample book read back — boxes, outline, contents, folios, running heads,
fonts, metadata, colour — and what the print stage refuses."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import time
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import pdfplumber
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from bookmaker.build import build
from bookmaker.cli import cli
from bookmaker.load import load_book
from bookmaker.pdf import typeset_pdf
from bookmaker.pdf.cover import typeset_cover
from bookmaker.render.print_edition import PrintDocument
from bookmaker.resources import font_faces, fonts_dir
from conftest import NS, SAMPLE, Epub, require_program

pytestmark = pytest.mark.slow  # each test reads or makes a typeset book

MM = 72 / 25.4
ROMAN = re.compile(r"^[IVXLC]+$")
SMALL = 9.0  # pt: running heads and folios


def roman(n: int) -> str:
    numerals = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for value, letters in numerals:
        while n >= value:
            out, n = out + letters, n - value
    return out


@pytest.fixture(scope="module")
def screen(sample_build: Path) -> Path:
    return sample_build / "beijing-xianjinxing-2006.pdf"


@pytest.fixture(scope="module")
def press(sample_build: Path) -> Path:
    return sample_build / "beijing-xianjinxing-2006.press.pdf"


@pytest.fixture(scope="module")
def margins(screen: Path) -> list[tuple[str, str]]:
    """Each page's running head and folio (the small text above and below the type area)."""
    page = load_book(SAMPLE).meta.page
    found = []
    with pdfplumber.open(screen) as pdf:
        for p in pdf.pages:
            small = [c for c in p.chars if abs(c["size"] - SMALL) < 0.05]
            head = "".join(c["text"] for c in small if c["bottom"] < page.top * MM)
            foot = "".join(c["text"] for c in small
                           if c["top"] > p.height - page.bottom * MM)
            found.append((head, foot))
    return found


def test_trim_and_bleed_boxes(screen: Path, press: Path) -> None:
    trim = [0, 0, 184 * MM, 260 * MM]
    page = PdfReader(screen).pages[0]
    assert [round(float(v), 1) for v in page.trimbox] == [round(v, 1) for v in trim]
    assert [round(float(v), 1) for v in page.mediabox] == [round(v, 1) for v in trim]
    page = PdfReader(press).pages[0]
    bleed = 3 * MM
    assert [round(float(v), 1) for v in page.trimbox] == [round(v, 1) for v in trim]
    expected = [-bleed, -bleed, trim[2] + bleed, trim[3] + bleed]
    assert [round(float(v), 1) for v in page.bleedbox] == [round(v, 1) for v in expected]


def outline(path: Path) -> list[tuple[int, str, int]]:
    reader = PdfReader(path)
    entries: list[tuple[int, str, int]] = []

    def walk(items: list, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                entries.append((depth, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return entries


def test_outline_mirrors_the_contents(screen: Path) -> None:
    book = load_book(SAMPLE)
    titles = [(depth, title) for depth, title, _ in outline(screen)]
    assert titles == [(0, "序"), (0, book.chapters[1].meta.title),
                      *[(1, s.text) for s in book.chapters[1].sections]]


def folio(page_index: int, body_start: int) -> str:
    """The folio printed on a page: front matter in Roman numerals, the body from 1."""
    if page_index >= body_start:
        return str(page_index - body_start + 1)
    return roman(page_index + 1)


def test_contents_page_numbers_are_where_the_headings_land(screen: Path) -> None:
    entries = outline(screen)
    body_start = entries[1][2]
    with pdfplumber.open(screen) as pdf:
        contents = next(p for p in pdf.pages if "目录" in (p.extract_text() or "")[:20])
        text = re.sub(r"\s+", "", contents.extract_text())
    for _depth, title, page_index in entries:
        # a partial chapter's entry says so after its title
        match = re.search(re.escape(title) + r"(?:（节选）|（有删节）)?\.+(\d+|[IVXLC]+)", text)
        assert match, title
        assert match.group(1) == folio(page_index, body_start), title


def openings(screen: Path) -> dict[int, str]:
    """The pages where a chapter or the contents opens, with the title it runs under."""
    found = {page: title for depth, title, page in outline(screen) if depth == 0}
    with pdfplumber.open(screen) as pdf:
        for index, page in enumerate(pdf.pages):
            for heading in ("目录", "编者说明"):
                if (page.extract_text() or "").replace(" ", "").startswith(heading):
                    found[index] = heading
    return dict(sorted(found.items()))


def test_folios_and_running_heads(screen: Path, margins: list[tuple[str, str]]) -> None:
    title = load_book(SAMPLE).meta.title
    opening = openings(screen)
    first_front, body_start = min(opening), outline(screen)[1][2]
    page_design = load_book(SAMPLE).meta.page
    with pdfplumber.open(screen) as pdf:
        blank = [not p.chars for p in pdf.pages]
        # nothing drawn above the type area of an opening page: no head, no rule
        drawn = [[g for g in p.lines + p.rects if g["bottom"] < page_design.top * MM]
                 for p in pdf.pages]
    assert [i for i in opening if drawn[i]] == []
    for index, (head, foot) in enumerate(margins):
        if index < first_front or blank[index]:
            assert (head, foot) == ("", ""), f"page {index + 1}: title leaf or blank"
            continue
        assert foot == folio(index, body_start), f"page {index + 1}"
        if index in opening:
            expected_head = ""
        elif index % 2 == 1:  # versos carry the book title
            expected_head = title
        else:  # rectos the title of the part they belong to
            expected_head = opening[max(p for p in opening if p <= index)]
        assert head == expected_head, f"page {index + 1}"
    assert margins[body_start][1] == "1"
    assert any(blank), "the sample has blank versos before openings"


def test_chapters_open_on_rectos(screen: Path) -> None:
    assert all(page % 2 == 0 for page in openings(screen))  # page 0 is a recto


def test_fonts_are_the_book_faces_embedded_as_subsets(screen: Path, press: Path) -> None:
    for path in (screen, press):
        reader = PdfReader(path)
        names = set()
        for page in reader.pages:
            for font in (page["/Resources"].get("/Font") or {}).values():
                names.add(str(font.get_object()["/BaseFont"]))
        assert names and all(re.fullmatch(r"/[A-Z]{6}\+Book-(Serif|Sans)(-Bold)?", n)
                             for n in names), names


def test_pdffonts_says_embedded_subset_unicode(screen: Path) -> None:
    pdffonts = require_program("pdffonts", "poppler's font report on the PDF")
    report = subprocess.run([pdffonts, str(screen)], capture_output=True, text=True,
                            check=True).stdout.splitlines()[2:]
    assert report
    for line in report:
        emb, sub, uni = line.split()[-5:-2]
        assert (emb, sub, uni) == ("yes", "yes", "yes"), line


def test_metadata(screen: Path) -> None:
    reader = PdfReader(screen)
    info = reader.metadata
    assert info.title == load_book(SAMPLE).meta.title
    assert "北京市党的建设研究会" in info.author
    assert "学术会议" in info["/Keywords"] and info.subject
    assert reader.trailer["/Root"]["/Lang"] == "zh-Hans"


def test_press_profile_is_k_only(press: Path) -> None:
    colour = re.compile(rb"((?:[-\d.]+ ){1,4})(rg|RG|k|K|g|G|scn|SCN|sc|SC)\b")
    seen = set()
    reader = PdfReader(press)
    for page in reader.pages:
        streams = [page.get_contents().get_data()]
        streams += [x.get_object().get_data()
                    for x in (page["/Resources"].get("/XObject") or {}).values()]
        for data in streams:
            seen |= {(m.group(1).strip(), m.group(2)) for m in colour.finditer(data)}
    assert seen and all(op in (b"k", b"K", b"scn", b"SCN") and values == b"0 0 0 1"
                        for values, op in seen), seen


def test_same_source_same_pdf(sample_build: Path, tmp_path: Path) -> None:
    again = build(SAMPLE, tmp_path, formats=("pdf",), profiles=("screen",)).outputs[0]
    assert again.read_bytes() == (sample_build / again.name).read_bytes()


def test_source_date_epoch_is_the_creation_date(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1149120000")
    path = build(SAMPLE, tmp_path, formats=("pdf",), profiles=("screen",)).outputs[0]
    assert PdfReader(path).metadata["/CreationDate"] == "D:20060601000000Z"


def test_footnotes_sit_at_the_foot_of_the_page_with_their_call(book_copy: Path,
                                                               tmp_path: Path) -> None:
    chapter = book_copy / "chapters" / "02-speech.md"
    text = chapter.read_text(encoding="utf-8")
    text = text.replace("历时一年半的", "历时一年半[^1]的", 1) + "\n[^1]: 2004年11月至2006年6月。\n"
    chapter.write_text(text, encoding="utf-8")
    path = build(book_copy, tmp_path, formats=("pdf",), profiles=("screen",)).outputs[0]
    with pdfplumber.open(path) as pdf:
        page = next(p for p in pdf.pages if "历时一年半" in (p.extract_text() or ""))
        note = [c for c in page.chars if c["size"] < 9 and c["text"] in "至"]
        body = [c for c in page.chars if c["text"] == "历"]
        assert note and body and note[0]["top"] > body[0]["top"] + 300


def test_a_character_no_font_has_stops_the_pdf(book_copy: Path, tmp_path: Path) -> None:
    chapter = book_copy / "chapters" / "01-preface.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("第一，", "第一𠀀，", 1),
                       encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(book_copy), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "chapters/01-preface.md:17: error F001" in result.stderr and "U+20000" in result.stderr
    assert not list(tmp_path.glob("*.pdf"))


@pytest.mark.parametrize("url", ["file:///etc/passwd", "https://example.com/paper.png"])
def test_the_print_stage_reads_nothing_outside_the_book(book_copy: Path, tmp_path: Path,
                                                        url: str) -> None:
    styles = book_copy / "styles"
    styles.mkdir()
    shutil.copy(SAMPLE.parent / "src/bookmaker/data/styles" / "print.css", styles / "print.css")
    with (styles / "print.css").open("a", encoding="utf-8") as f:
        f.write(f'\nbody {{ background: url("{url}"); }}\n')
    result = CliRunner().invoke(cli, ["build", str(book_copy), "--out", str(tmp_path),
                                      "--format", "pdf"])
    assert result.exit_code == 2, result.output
    # refused when the stylesheet is read, before anything is typeset (S012); a template that
    # reaches out is refused by the print edition's fetcher instead (P002, test_hostile.py)
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("styles/print.css:") and "S012" in line and url in line


def test_the_build_date_follows_source_files_only(book_copy: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)

    def screen_pdf(out: str) -> bytes:
        return build(book_copy, tmp_path / out, formats=("pdf",),
                     profiles=("screen",)).outputs[0].read_bytes()

    before = screen_pdf("a")
    later = time.time() + 86400 * 400
    notes = book_copy / "notes.txt"
    notes.write_text("校对意见：第3页。\n", encoding="utf-8")
    os.utime(notes, (later, later))
    assert screen_pdf("b") == before  # a stray file is not a source
    chapter = book_copy / "chapters" / "02-speech.md"
    os.utime(chapter, (later, later))
    moved = screen_pdf("c")
    assert moved != before  # a chapter is
    stamp = datetime.fromtimestamp(int(later), tz=UTC).strftime("D:%Y%m%d%H%M%SZ")
    assert PdfReader(BytesIO(moved)).metadata["/CreationDate"] == stamp


def test_book_yaml_may_fix_the_build_date(book_copy: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1149120000")
    with (book_copy / "book.yaml").open("a", encoding="utf-8") as f:
        f.write("modified: 2020-01-02T03:04:05Z\n")
    outputs = build(book_copy, tmp_path, profiles=("screen",)).outputs
    assert PdfReader(outputs[1]).metadata["/CreationDate"] == "D:20200102030405Z"
    epub = Epub(outputs[0])
    modified = epub.opf.find("opf:metadata/opf:meta[@property='dcterms:modified']", NS)
    assert modified.text == "2020-01-02T03:04:05Z"


@pytest.mark.parametrize("made", ["interior", "cover"])
def test_the_pdf_is_the_same_wherever_bookmaker_is_installed(tmp_path: Path, made: str
                                                             ) -> None:
    """fonts.css names the bundled fonts by absolute URLs; the /ID, which hashes the print
    document and its stylesheets, must not: the same source built by two installations (here
    a copy of the font in another folder) gives the same bytes — the book's and its cover's
    (which differed)."""
    face = font_faces("Hans")[0]
    moved = tmp_path / "elsewhere" / "fonts"
    moved.mkdir(parents=True)
    shutil.copy(fonts_dir() / face.file, moved / face.file)

    def typeset(fonts: Path) -> bytes:
        css = (f"@font-face {{ font-family: T; src: url({fonts.resolve().as_uri()}/{face.file}) }}"
               "body { font-family: T }")
        html = ('<html xmlns="http://www.w3.org/1999/xhtml" lang="zh-Hans"><body><p>北京'
                "</p></body></html>")
        document = PrintDocument(html, (css,))
        if made == "cover":
            return typeset_cover(document, tmp_path, fonts)[0]
        return typeset_pdf(document, tmp_path, fonts, "screen").data

    installed, elsewhere = typeset(fonts_dir()), typeset(moved)
    assert b"/ID" in installed and installed == elsewhere


def han_latin_gaps(path: Path, latin: str, han: str) -> list[tuple[int, float]]:
    """Each place where ``latin`` is set just before (or after) the Han ``han`` in the PDF: its
    page, and the gap between the two in ems."""
    found = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages):
            chars = page.chars
            text = "".join(c["text"] for c in chars)
            for pair in (latin + han, han + latin):
                start = text.find(pair)
                while start != -1:
                    i = start + (len(latin) - 1 if pair.startswith(latin) else 0)
                    a, b = chars[i], chars[i + 1]
                    found.append((number, (b["x0"] - a["x1"]) / b["size"]))
                    start = text.find(pair, start + 1)
    return found


def test_titles_the_contents_and_the_copyright_page_space_han_and_latin(book_copy: Path,
                                                                       tmp_path: Path) -> None:
    """The quarter em between Han and Latin letters or digits, as in the body: in a chapter's
    title, its entry in the contents and its running heads (plain strings of book.yaml and the
    chapters' front matter; a head is a string, spaced by a space of its face) and on the
    copyright page (words of the template: CIP数据核字)."""
    chapter = book_copy / "chapters" / "01-preface.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("title: 序", "title: 2006年序"),
                       encoding="utf-8")
    speech = book_copy / "chapters" / "02-speech.md"
    speech.write_text(speech.read_text(encoding="utf-8").replace("在全市保持", "在2006年全市保持"),
                      encoding="utf-8")  # the title and its first line
    path = build(book_copy, tmp_path, formats=("pdf",), profiles=("screen",)).outputs[0]
    title = han_latin_gaps(path, "2006", "年序")
    assert len(title) >= 2, title  # the chapter's title, its entry in the contents
    assert all(0.2 < gap < 0.3 for _, gap in title), title
    # the speech's running heads, on the rectos after its opening page
    heads = head_gaps(path, "在2006年")
    assert len(heads) >= 2 * 2, heads  # before and after 2006, on two pages at least
    assert all(0.2 < gap < 0.3 for _, gap in heads), heads


def head_gaps(path: Path, text: str) -> list[tuple[int, float]]:
    """Where a running head (9 pt, at the top of a page) sets ``text``: its page, and the gap in
    ems between each two neighbouring characters of ``text`` that the head sets apart by a
    space (a head is a string: a space of its face stands for the quarter em)."""
    found = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages):
            head = sorted((c for c in page.chars if c["size"] < 10 and c["top"] < 70),
                          key=lambda c: c["x0"])
            drawn = [c for c in head if c["text"] != " "]
            start = "".join(c["text"] for c in drawn).find(text)
            if start == -1:
                continue
            for a, b in itertools.pairwise(drawn[start:start + len(text)]):
                if head.index(b) - head.index(a) == 2:  # a space between them
                    found.append((number, (b["x0"] - a["x1"]) / b["size"]))
    return found
    cip = han_latin_gaps(path, "CIP", "数据")
    assert cip and all(0.2 < gap < 0.3 for _, gap in cip), cip
