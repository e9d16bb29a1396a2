"""Any character a font on the machine can draw is drawn: the book's own fonts, then the bundled
subsets, then the installed Noto CJK; what none has is F001, with the line and the fix."""

from __future__ import annotations

import re
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pdfplumber
import pytest
from fontTools import subset
from fontTools.ttLib import TTFont

from bookmaker import resources
from bookmaker.build import build
from bookmaker.diagnostics import Severity
from bookmaker.fonts import LEVEL_SUFFIXES, subset_face
from conftest import SAMPLE, Epub, SessionEpubCheck, require_installed_font, require_program

# Name characters outside GB 2312 and the bundled subsets, one outside the BMP.
RARE = "镕堃喆珺垚犇𠮷"
NAMES = "第一，朱镕基、王堃、张喆、李珺、刘垚、马犇、𠮷田，"
CHAPTER = "chapters/01-preface.md"


def with_names(book: Path) -> None:
    chapter = book / CHAPTER
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(text.replace("第一，", NAMES, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def rare_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    require_installed_font("Noto Serif CJK SC", "drawing characters the bundled fonts lack")
    book = tmp_path_factory.mktemp("rare") / "book"
    shutil.copytree(SAMPLE, book)
    with_names(book)
    out = tmp_path_factory.mktemp("rare-out")
    result = build(book, out, profiles=("screen",))
    return out, result.diagnostics


def fonts_of(epub: Epub) -> dict[str, TTFont]:
    return {n.rsplit("/", 1)[-1]: TTFont(BytesIO(epub.zip.read(n)))
            for n in epub.zip.namelist() if n.startswith(epub.base + "fonts/")}


@pytest.mark.slow
def test_the_fallback_is_reported_once_with_its_characters(rare_build: tuple[Path, list]) -> None:
    _, diagnostics = rare_build
    (note,) = diagnostics
    assert note.code == "F002" and note.severity is Severity.NOTE
    assert set(RARE) <= set(note.message) and "Noto Serif CJK SC" in note.message


@pytest.mark.slow
def test_the_epub_embeds_a_subset_of_the_installed_face_for_just_those_characters(
        rare_build: tuple[Path, list], epubcheck: SessionEpubCheck) -> None:
    out, _ = rare_build
    epub = Epub(out / "beijing-xianjinxing-2006.epub")
    fonts = fonts_of(epub)
    fallbacks = {name: font for name, font in fonts.items() if name.startswith("system-")}
    assert len(fallbacks) == 4 and len(fonts) == 8  # serif and sans, regular and bold
    for name, font in fallbacks.items():
        assert {chr(c) for c in font.getBestCmap()} == set(RARE), name
    for name, font in fonts.items():
        if name not in fallbacks:
            assert not set(RARE) & {chr(c) for c in font.getBestCmap()}, name
    css = epub.zip.read(epub.base + "styles/fonts.css").decode()
    rule = next(r for r in css.split("@font-face")[1:] if '"Book Serif B"' in r)
    assert "system-NotoSerifCJK-Regular" in rule and "U+20BB7" in rule and "U+9555" in rule
    assert epubcheck(epub.path, "EPUBCheck of an EPUB with a fallback face") == []


@pytest.mark.slow
def test_the_pdf_draws_each_character_with_an_embedded_font_that_has_it(
        rare_build: tuple[Path, list]) -> None:
    out, _ = rare_build
    pdf_path = out / "beijing-xianjinxing-2006.pdf"
    pdffonts = require_program("pdffonts", "poppler's font report on the PDF")
    report = subprocess.run([pdffonts, str(pdf_path)], capture_output=True, text=True,
                            check=True).stdout.splitlines()[2:]
    assert any("Book-Serif-B" in line for line in report)
    assert all(line.split()[-5:-2] == ["yes", "yes", "yes"] for line in report), report
    with pdfplumber.open(pdf_path) as pdf:
        page = next(p for p in pdf.pages if "朱镕基" in (p.extract_text() or ""))
        drawn = {c["text"]: c["fontname"] for c in page.chars if c["text"] in RARE}
        assert "王堃、张喆、李珺、刘垚、马犇、𠮷田" in page.extract_text()
    # drawn by the fallback face, whose subset has the glyph (a wrong font would give the
    # wrong glyph, which reads back as another character)
    assert set(drawn) == set(RARE)
    assert all(re.fullmatch(r"[A-Z]{6}\+Book-Serif-B", name) for name in drawn.values()), drawn


@pytest.mark.slow  # builds a whole book
def test_without_noto_cjk_the_sample_builds_and_a_missing_character_names_the_package(
        book_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resources, "installed_faces", lambda family: ())
    assert build(SAMPLE, tmp_path / "sample", formats=("epub",)).diagnostics == []
    with_names(book_copy)
    result = build(book_copy, tmp_path / "names", formats=("epub",))
    assert {d.code for d in result.diagnostics} == {"F001"}
    assert len(result.diagnostics) == len(RARE)
    first = result.diagnostics[0]
    assert str(first.location) == f"{CHAPTER}:17" and "fonts-noto-cjk" in first.hint


def make_font(path: Path, chars: str) -> None:
    """A small font of the book: the bundled serif, cut down to a few characters."""
    options = subset.Options()
    options.name_IDs = ["*"]
    font = TTFont(resources.fonts_dir() / "NotoSerifCJKsc-Regular.otf")
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    path.parent.mkdir(exist_ok=True)
    font.save(path)


@pytest.mark.slow
def test_the_book_font_comes_first_and_the_bundled_face_fills_in(book_copy: Path,
                                                                 tmp_path: Path) -> None:
    make_font(book_copy / "fonts" / "mine.otf", "第一要认")
    with (book_copy / "book.yaml").open("a", encoding="utf-8") as f:
        f.write("fonts:\n  - {role: body, file: fonts/mine.otf}\n")
    outputs = build(book_copy, tmp_path / "a", profiles=("screen",)).outputs
    epub = Epub(outputs[0])
    css = epub.zip.read(epub.base + "styles/fonts.css").decode()
    rules = {re.search(r'font-family: "([^"]+)"', r)[1] + re.search(r"weight: (\d+)", r)[1]:
             r for r in css.split("@font-face")[1:]}
    assert "book-mine-400.otf" in rules["Book Serif400"]
    assert "NotoSerifCJKsc-Regular.otf" in rules["Book Serif B400"]
    assert "unicode-range" in rules["Book Serif B400"] and "unicode-range" not in rules[
        "Book Serif400"]
    # the book gave no bold: bold text takes the book's face (made bold), as CSS matches a
    # weight within a family, then the bundled bold for what it lacks
    assert "Book Serif700" not in rules and "NotoSerifCJKsc-Bold.otf" in rules["Book Serif B700"]
    with pdfplumber.open(outputs[1]) as pdf:
        fonts = {(c["text"], c["fontname"].split("+")[1]) for p in pdf.pages for c in p.chars
                 if c["text"] in "第要习" and "Bold" not in c["fontname"]}
    assert fonts == {("第", "Book-Serif"), ("要", "Book-Serif"), ("习", "Book-Serif-B")}

    # another font under the same name is another subset: the cache key has the file's hash
    make_font(book_copy / "fonts" / "mine.otf", "第一要认学")
    again = Epub(build(book_copy, tmp_path / "b", formats=("epub",)).outputs[0])
    mine = fonts_of(again)["book-mine-400.otf"]
    assert "学" in {chr(c) for c in mine.getBestCmap()}


def test_every_font_stack_of_the_built_in_styles_names_each_fallback_level() -> None:
    styles = resources.data_dir() / "styles"
    stacks = [m[1] for css in styles.glob("*.css")
              for m in re.finditer(r"font-family:\s*([^;}]+)", css.read_text(encoding="utf-8"))]
    assert stacks
    for stack in stacks:
        families = [f.strip().strip('"') for f in stack.split(",")]
        base = families[0]
        assert families[:len(LEVEL_SUFFIXES)] == [base + s for s in LEVEL_SUFFIXES], stack


def test_a_subset_of_an_installed_face_is_the_same_bytes_every_time(tmp_path: Path) -> None:
    require_installed_font("Noto Serif CJK SC", "subsetting an installed collection")
    (face,) = [f for f in resources.system_faces("Hans") if f.weight == 400
               and f.family == "Book Serif"]
    first = subset_face(face, RARE, tmp_path / "a").data
    assert subset_face(face, RARE, tmp_path / "b").data == first  # no cache shared
    assert {chr(c) for c in TTFont(BytesIO(first)).getBestCmap()} == set(RARE)
