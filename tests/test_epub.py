"""epub: the packaged sample book, opened and parsed as a reading system would."""

from __future__ import annotations

import re
import unicodedata
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
import yaml
from fontTools.ttLib import TTFont
from PIL import Image

from bookmaker.build import build
from bookmaker.resources import installed_faces
from conftest import FIXTURES, NS, SAMPLE, Epub, SessionEpubCheck

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def test_archive_starts_with_the_stored_mimetype(sample_epub: Epub) -> None:
    first = sample_epub.zip.infolist()[0]
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
    assert sample_epub.zip.read("mimetype") == b"application/epub+zip"


def test_package_metadata(sample_epub: Epub) -> None:
    md = sample_epub.opf.find("opf:metadata", NS)
    identifiers = {i.get("id"): i.text for i in md.iterfind("dc:identifier", NS)}
    unique = sample_epub.opf.get("unique-identifier")
    assert identifiers["isbn-print"] == "urn:isbn:9787200065282"
    assert identifiers[unique].startswith("urn:uuid:")  # the e-book's own, not the print ISBN
    refines = {(m.get("refines"), m.get("property")): m.text for m in md.iterfind("opf:meta", NS)}
    assert refines[("#isbn-print", "identifier-type")] == "15"
    assert md.findtext("dc:language", namespaces=NS) == "zh-Hans"
    assert md.findtext("dc:title", namespaces=NS).startswith("北京市保持共产党员")
    creators = [c.text for c in md.iterfind("dc:creator", NS)]
    assert creators == ["中共北京市委保持共产党员先进性教育活动领导小组", "北京市党的建设研究会"]
    assert refines[("#contributor-1", "role")] == "edt"
    assert md.findtext("dc:publisher", namespaces=NS) == "北京出版社"
    properties = {m.get("property") for m in md.iterfind("opf:meta", NS)}
    assert {"dcterms:modified", "schema:accessMode", "schema:accessModeSufficient",
            "schema:accessibilityFeature", "schema:accessibilityHazard",
            "schema:accessibilitySummary"} <= properties
    spine = sample_epub.opf.find("opf:spine", NS)
    assert spine.get("page-progression-direction") == "ltr"


def test_every_contributor_role_has_its_words_and_its_relator() -> None:
    from typing import get_args

    from bookmaker.epub import MARC_RELATORS
    from bookmaker.model import ContributorRole
    from bookmaker.render.documents import template_environment

    words = template_environment(SAMPLE).get_template("macros.xhtml").module.role_words
    assert set(words) == set(get_args(ContributorRole)) == set(MARC_RELATORS)
    assert words["editor"] == "编"


def test_every_document_declares_its_language(sample_epub: Epub) -> None:
    for name in sample_epub.spine_names():
        root = sample_epub.xml(name)
        assert root.get("lang") == root.get(XML_LANG) == "zh-Hans", name


def test_reading_order(sample_epub: Epub) -> None:
    names = [n.rsplit("/", 1)[-1] for n in sample_epub.spine_names()]
    assert names == ["cover.xhtml", "halftitle.xhtml", "titlepage.xhtml", "copyright.xhtml",
                     "board.xhtml", "editors-note.xhtml", "c01.xhtml", "nav.xhtml", "c02.xhtml"]


def test_nav_lists_the_preface_the_speech_and_its_four_sections(sample_epub: Epub) -> None:
    nav = sample_epub.xml(sample_epub.item_named("nav"))
    toc = nav.find(".//x:nav[@epub:type='toc']", NS)
    top = toc.findall("x:ol/x:li", NS)
    assert [li.findtext("x:a", namespaces=NS) for li in top] == [
        "序", "在全市保持共产党员先进性教育活动与党的先进性建设理论研讨会上的讲话（节选）"]
    sections = [a.text for a in top[1].iterfind("x:ol/x:li/x:a", NS)]
    assert [s[:2] for s in sections] == ["一、", "二、", "三、", "四、"]
    landmarks = nav.find(".//x:nav[@epub:type='landmarks']", NS)
    kinds = [a.get(f"{{{NS['epub']}}}type") for a in landmarks.iterfind(".//x:a", NS)]
    assert kinds == ["cover", "toc", "bodymatter"]
    ncx = sample_epub.xml(sample_epub.base + "toc.ncx")
    assert len(ncx.findall(".//ncx:navPoint", NS)) == 2 + 4


def test_every_nav_target_exists(sample_epub: Epub) -> None:
    nav_name = sample_epub.item_named("nav")
    nav = sample_epub.xml(nav_name)
    base = nav_name.rsplit("/", 1)[0]
    for a in nav.iterfind(".//x:a", NS):
        file, _, fragment = a.get("href").partition("#")
        target = sample_epub.xml(f"{base}/{file}")
        if fragment:
            assert target.find(f".//*[@id='{fragment}']") is not None, a.get("href")


def seed_body_blocks() -> list[str]:
    """The seed's text from 序 on, corrected as source/CORRECTIONS.md lists, in blocks."""
    text = (FIXTURES / "seed.txt").read_text(encoding="utf-8")
    body = text[text.index("\n序\n"):]
    for fix in yaml.safe_load((FIXTURES / "seed-corrections.yaml").read_text(encoding="utf-8")):
        assert body.count(fix["before"]) == 1, fix["before"]
        body = body.replace(fix["before"], fix["after"])
    return [re.sub(r"\s+", "", block) for block in re.split(r"\n\s*\n", body) if block.strip()]


def test_every_seed_paragraph_is_in_the_epub_in_reading_order(sample_epub: Epub) -> None:
    text = re.sub(r"\s+", "", sample_epub.text())
    blocks = seed_body_blocks()
    assert len(blocks) > 40
    position = 0
    for block in blocks:
        found = text.find(block, position)
        assert found >= 0, f"missing or out of order: {block[:30]}…"
        position = found + len(block)
    # the excerpt ends where the source ends, and says so to the reader
    assert text[position:].startswith("（本篇为节选")


def test_generated_pages_carry_the_book_data(sample_epub: Epub) -> None:
    """The e-book's copyright page: the CIP record as issued, the publisher and edition, no
    data of a printing (the print book's page is read from the PDF in test_editions.py)."""
    copyright_page = "".join(sample_epub.xml(sample_epub.base + "text/copyright.xhtml").itertext())
    for expected in ["图书在版编目（CIP）数据", "ISBN 7-200-06528-5",
                     "中国版本图书馆CIP数据核字（2006）第062531号", "北京出版社",
                     "2006年6月第1版", "质量投诉电话：010-58572393"]:
        assert expected in copyright_page
    for printing in ["印数", "印张", "开本", "印刷", "定价"]:
        assert printing not in copyright_page
    board = sample_epub.xml(sample_epub.base + "text/board.xhtml")
    spread = [s.text for s in board.iterfind(".//x:span[@class='spread-3']", NS)]
    assert {"顾问", "张清", "韩显"} <= set(spread) and "孟秀勤" not in spread


def test_fonts_are_embedded_subsets_covering_every_character(sample_epub: Epub) -> None:
    fonts = {n: sample_epub.zip.read(n) for n in sample_epub.zip.namelist() if n.endswith(".otf")}
    assert len(fonts) == 4
    text = sample_epub.text() + "".join(
        "".join(sample_epub.xml(n).itertext()) for n in sample_epub.spine_names())
    drawn = {c for c in text if unicodedata.category(c)[0] != "C"}  # spaces included
    assert len({c for c in drawn if "\u3400" <= c <= "\u9fff"}) > 500
    for name, data in fonts.items():
        font = TTFont(BytesIO(data))
        cmap = font.getBestCmap()
        assert not {c for c in drawn if ord(c) not in cmap}, name
        original = SAMPLE.parent / "src/bookmaker/data/fonts" / name.rsplit("/", 1)[-1]
        assert len(data) < original.stat().st_size / 5
        assert len(font.getGlyphOrder()) < 2000
    css = sample_epub.zip.read(sample_epub.base + "styles/fonts.css").decode()
    assert css.count("@font-face") == 4 and 'format("opentype")' in css


def test_cover_image_is_large_enough(sample_epub: Epub) -> None:
    cover = next(i for i in sample_epub.manifest().values()
                 if i.get("properties") == "cover-image")
    image = Image.open(BytesIO(sample_epub.zip.read(sample_epub.base + cover.get("href"))))
    assert image.format in ("JPEG", "PNG") and image.height >= 1600


def test_two_builds_are_byte_identical(sample_epub: Epub, tmp_path: Path) -> None:
    (again,) = build(SAMPLE, tmp_path, formats=("epub",)).outputs
    assert again.read_bytes() == sample_epub.path.read_bytes()


def test_source_date_epoch_sets_every_timestamp(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1149120000")  # 2006-06-01
    epub = Epub(build(SAMPLE, tmp_path, formats=("epub",)).outputs[0])
    assert {i.date_time[:3] for i in epub.zip.infolist()} == {(2006, 6, 1)}
    modified = epub.opf.find("opf:metadata/opf:meta[@property='dcterms:modified']", NS)
    assert modified.text == "2006-06-01T00:00:00Z"


def test_book_may_override_a_template_and_a_stylesheet(book_copy: Path, tmp_path: Path) -> None:
    (book_copy / "styles").mkdir()
    (book_copy / "styles" / "book.css").write_text("p { text-indent: 0; }\n", encoding="utf-8")
    (book_copy / "templates").mkdir()
    builtin = (SAMPLE.parent / "src/bookmaker/render/templates/parts/halftitle.xhtml").read_text()
    (book_copy / "templates" / "parts").mkdir()
    (book_copy / "templates" / "parts" / "halftitle.xhtml").write_text(
        builtin.replace('<p class="title"', '<p class="title house"'), encoding="utf-8")
    epub = Epub(build(book_copy, tmp_path, formats=("epub",)).outputs[0])
    assert epub.zip.read(epub.base + "styles/book.css") == b"p { text-indent: 0; }\n"
    assert b'class="title house"' in epub.zip.read(epub.base + "text/halftitle.xhtml")


def test_a_character_no_font_has_is_reported_with_its_place(book_copy: Path,
                                                            tmp_path: Path) -> None:
    chapter = book_copy / "chapters" / "01-preface.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("第一，", "第一𠀀，", 1),
                       encoding="utf-8")
    line = next(n for n, text in enumerate(chapter.read_text(encoding="utf-8").splitlines(), 1)
                if "𠀀" in text)
    result = build(book_copy, tmp_path, formats=("epub",))
    # the fix it names: a font of the book's own where Noto CJK is installed (which lacks this
    # character too), Noto CJK first where it is not (a bare machine)
    fix = ("name a font that has it under 'fonts:' in book.yaml (a file of the book or an "
           "installed family), or replace the character") if installed_faces(
        "Noto Serif CJK SC") else ("install Noto CJK (Debian/Ubuntu: the fonts-noto-cjk "
                                   "package, `sudo make system-deps`), or name a font that has "
                                   "it under 'fonts:' in book.yaml")
    assert [str(d) for d in result.diagnostics] == [
        f"chapters/01-preface.md:{line}: warning F001: no font has '𠀀' (U+20000) — {fix}"]
    assert result.outputs  # a warning, not a stop: the EPUB is still written


@pytest.mark.slow
def test_a_figure_with_its_image_in_the_epub_and_the_pdf(book_copy: Path, tmp_path: Path,
                                                         epubcheck: SessionEpubCheck) -> None:
    (book_copy / "images").mkdir()
    Image.new("RGB", (400, 300), "#336699").save(book_copy / "images" / "hall.png")
    chapter = book_copy / "chapters" / "01-preface.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace(
        "第一，要认真", '![会场全景](images/hall.png "研讨会会场")\n\n第一，要认真', 1),
        encoding="utf-8")
    outputs = build(book_copy, tmp_path, profiles=("screen",)).outputs
    epub = Epub(next(p for p in outputs if p.suffix == ".epub"))
    manifest = {i.get("href"): i.get("media-type") for i in epub.manifest().values()}
    assert manifest["images/hall.png"] == "image/png"
    page = epub.xml(epub.base + "text/c01.xhtml")
    figure = page.find(".//x:figure", NS)
    assert figure.find("x:img", NS).get("src") == "../images/hall.png"
    assert figure.find("x:img", NS).get("alt") == "会场全景"
    assert "".join(figure.find("x:figcaption", NS).itertext()) == "图1　研讨会会场"
    from pypdf import PdfReader

    pdf = PdfReader(next(p for p in outputs if p.name.endswith("2006.pdf")))
    images = [name for page in pdf.pages
              for name, x in (page["/Resources"].get("/XObject") or {}).items()
              if x.get_object()["/Subtype"] == "/Image"]
    assert images
    assert epubcheck(epub.path, "EPUBCheck validation of an EPUB with a figure") == []


ALL_CONSTRUCTS = """

正文有注[^1]，也有*强调*与**加粗**，还有[链接](https://example.com/)和`代码`。

> 引文一段。

::: verse
床前明月光
疑是地上霜
:::

| 项目 | 数量 |
|:--|--:|
| 论文 | 54 |

1. 其一
2. 其二

- 甲
- 乙

---

::: signature
编者
2006年6月
:::

[^1]: 注文，含**加粗**。
"""


@pytest.mark.slow
def test_every_construct_of_the_format_makes_a_valid_epub(book_copy: Path, tmp_path: Path,
                                                          epubcheck: SessionEpubCheck) -> None:
    chapter = book_copy / "chapters" / "01-preface.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + ALL_CONSTRUCTS, encoding="utf-8")
    outputs = build(book_copy, tmp_path, profiles=("screen",)).outputs
    epub = Epub(next(p for p in outputs if p.suffix == ".epub"))
    page = epub.xml(epub.base + "text/c01.xhtml")
    note = page.find(".//x:aside[@id='c01-note-1']", NS)
    assert note is not None and note.get(f"{{{NS['epub']}}}type") == "footnote"
    ref = page.find(".//x:a[@href='#c01-note-1']", NS)
    assert ref is not None and ref.get("role") == "doc-noteref"
    assert ref.text == "①" and ref.get(f"{{{NS['epub']}}}type") == "noteref"
    back = note.find("x:a[@role='doc-backlink']", NS)
    assert back is not None and back.get("href") == f"#{ref.get('id')}" and back.text == "①"
    for tag in ("blockquote", "table", "ol", "ul", "hr", "em", "strong", "code"):
        assert page.find(f".//x:{tag}", NS) is not None, tag
    assert page.find(".//x:div[@class='verse']/x:p/x:br", NS) is not None
    assert epubcheck(epub.path, "EPUBCheck validation of every construct") == []
