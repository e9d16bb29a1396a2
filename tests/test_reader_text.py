"""reader_text: the one walk over the text a reader sees. A word in a footnote and in a table
cell is converted to Traditional, listed by the variants report and spaced for print, like a
word of a body paragraph."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, get_args, get_origin

import pytest
from lxml import etree
from PIL import Image
from pydantic import BaseModel

from bookmaker import transform
from bookmaker.build import used_characters
from bookmaker.diagnostics import Location
from bookmaker.fonts import font_families, resolve, uncovered
from bookmaker.load import load_book
from bookmaker.model import Book
from bookmaker.reader_text import map_reader_text, reader_fields, reader_passages
from bookmaker.render import render_book
from bookmaker.render.print_edition import render_print
from bookmaker.variants import convert_book, make_converter
from bookmaker.variants.report import report
from conftest import NS

CHAPTER = "chapters/01-preface.md"
# Appended to the sample's preface: one of each place where text hides from a walk that only
# knows body paragraphs. Each holds 头发 (发: 發 or 髮 by the word) and 54 (a quarter em
# around it in print); the note and the cell have a pair of marks to compress (”，).
TAIL = """

正文有注[^1]，图表在后。

![会场的头发](images/hall.png "图1　理发54次")

> 引文说头发有54根。

- 列表说头发有54根。

| 项目 | 数量 |
|:--|--:|
| “理发”，共54家 | `代码头发` |

[^1]: 注文说“头发”，有54根。
"""


@pytest.fixture
def book_dir(book_copy: Path) -> Path:
    (book_copy / "images").mkdir()
    Image.new("RGB", (4, 3), "white").save(book_copy / "images" / "hall.png")  # an image: the
    # loader checks what it is before the figure is made
    chapter = book_copy / CHAPTER
    chapter.write_text(chapter.read_text(encoding="utf-8") + TAIL, encoding="utf-8")
    return book_copy


@pytest.fixture
def book(book_dir: Path) -> Book:
    return load_book(book_dir)


def line_of(book_dir: Path, start: str) -> int:
    lines = (book_dir / CHAPTER).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if line.startswith(start))


def test_every_construct_and_the_metadata_is_reader_text(book: Book, book_dir: Path) -> None:
    prose = [(str(p.location), p.text) for p in reader_passages(book)]
    where = f"{CHAPTER}:{{}}".format
    for start, text in [("> ", "引文说头发有54根。"), ("- ", "列表说头发有54根。"),
                        ("| 项目", "“理发”，共54家"), ("[^1]", "注文说“头发”，有54根。"),
                        ("![", "会场的头发"), ("![", "图1　理发54次")]:
        assert (where(line_of(book_dir, start)), text) in prose, text
    assert (CHAPTER, "中共北京市委书记") in prose  # an office in the chapter's front matter
    assert ("book.yaml", "编辑委员会名单") in prose
    assert ("book.yaml", "中国共产党—党的建设—学术会议—文集") in prose  # a CIP subject
    # code, web addresses and pinyin are shown but never prose; ids and paths are not text
    texts = {text for _, text in prose}
    assert not {"代码头发", "www.bph.com.cn", "images/hall.png", "c01", CHAPTER} & texts
    shown = {p.text for p in reader_passages(book, verbatim=True) if p.verbatim}
    assert {"代码头发", "www.bph.com.cn", "100011"} <= shown


# Strings of the model that a reader never sees as they are: names of files, anchors, links,
# codes and settings. Any other string field must be marked as reader text (model.ReaderText).
NOT_READER_TEXT = {
    "BookMeta.name", "BookMeta.language", "BookMeta.chapters", "Isbn.digits", "Isbn.printed",
    "VariantConfig.dictionary", "Link.href", "Heading.id", "Figure.src",
    "Chapter.id", "Chapter.source", "Book.cover", "Book.images",
    "BookFont.file", "BookFont.family",
    "LintConfig.select", "LintConfig.ignore", "LintConfig.confusions",
}


def model_classes(model: type[BaseModel], seen: set[type[BaseModel]]) -> set[type[BaseModel]]:
    def walk(annotation: object) -> None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            model_classes(annotation, seen)
        for arg in get_args(annotation):
            walk(arg)

    if model not in seen:
        seen.add(model)
        for info in model.model_fields.values():
            walk(info.annotation)
    return seen


def holds_str(annotation: object) -> bool:
    return annotation is str or (get_origin(annotation) is not Literal
                                 and any(holds_str(a) for a in get_args(annotation)))


def test_every_string_of_the_model_is_decided() -> None:
    """A new string field is reader text (converted, reviewed, spaced, drawn) or named here."""
    undecided = {
        f"{model.__name__}.{name}"
        for model in model_classes(Book, set())
        for name, info in model.model_fields.items()
        if holds_str(info.annotation) and name not in reader_fields(model)
    }
    assert undecided == NOT_READER_TEXT


def test_mapping_touches_reader_text_only(book: Book) -> None:
    marked = map_reader_text(book, text=lambda s: f"<{s}>",
                             run=lambda inlines: inlines[:0])
    assert marked.meta.title == f"<{book.meta.title}>"
    assert marked.meta.publisher.website == book.meta.publisher.website
    assert marked.meta.chapters == book.meta.chapters and marked.images == book.images
    chapter = marked.chapters[0]
    assert chapter.id == "c01" and chapter.source == CHAPTER
    figure = next(b for b in chapter.blocks if b.type == "figure")
    assert (figure.src, figure.alt) == ("images/hall.png", "<会场的头发>")
    assert not any(b.children for b in chapter.blocks if b.type == "paragraph")
    assert not chapter.footnotes[0].children[0].children


@pytest.fixture
def hant(book: Book, book_dir: Path) -> Book:
    return convert_book(book, make_converter(book, book_dir, "zh-Hant"), "zh-Hant-TW")


def test_a_word_in_a_note_and_a_table_cell_is_converted(hant: Book, book_dir: Path) -> None:
    rendered = render_book(hant, book_dir)
    page = next(d for d in rendered.documents if d.source == CHAPTER)
    root = etree.fromstring(page.xhtml.encode())
    note = "".join(root.find(".//x:aside[@id='c01-note-1']", NS).itertext())
    assert "註文說「頭髮」，有54根。" in note  # 髮 by the word, corner quotes paired
    cells = [("".join(c.itertext())) for c in root.iterfind(".//x:td", NS)]
    assert cells == ["「理髮」，共54家", "代码头发"]  # code stays as written
    quote = "".join(root.find(".//x:blockquote", NS).itertext())
    assert "引文說頭髮有54根。" in quote


def test_a_word_in_a_note_and_a_table_cell_is_in_the_report(book: Book,
                                                            book_dir: Path) -> None:
    found = report(book, make_converter(book, book_dir, "zh-Hant")).choices
    hair = [(str(c.location), c.context) for c in found if c.source == "发"]
    for start, context in [("[^1]", "註文說「頭【髮】」，有54根"),
                           ("| 项目", "「理【髮】」，共54家"), ("> ", "引文說頭【髮】有54根。")]:
        where = f"{CHAPTER}:{line_of(book_dir, start)}"
        assert any(w == where and context in c for w, c in hair), context


def spans(element: etree._Element) -> list[tuple[str, str]]:
    return [(s.get("class"), "".join(s.itertext())) for s in element.iterfind(".//x:span", NS)]


def test_a_note_and_a_table_cell_get_the_print_spans(book: Book, book_dir: Path) -> None:
    printed = transform.apply(book, transform.PRINT)
    document = render_print(printed, book_dir, "screen", "2006-06-01")
    root = etree.fromstring(document.html.encode())
    note = root.find(".//x:span[@class='footnote']", NS)
    # the text as written, with a line break allowed before the opening quote
    assert "".join(note.itertext()) == "注文说\u200b“头发”，有54根。"
    assert spans(note) == [("halt", "”"), ("keep", "有54根。"), ("space-around", "54")]
    cell = root.find(".//x:td", NS)
    assert spans(cell) == [("halt", "”"), ("keep", "共54家"), ("space-around", "54")]
    body = root.find(".//x:blockquote/x:p", NS)
    assert ("space-around", "54") in spans(body)
    assert spans(root.findall(".//x:td", NS)[1]) == []  # code: no spans


def test_font_coverage_names_the_line_of_a_character_in_a_note(book_copy: Path) -> None:
    chapter = book_copy / CHAPTER
    chapter.write_text(chapter.read_text(encoding="utf-8")
                       + "\n\n正文有注[^1]。\n\n[^1]: 注文有𠀀字。\n", encoding="utf-8")
    book = load_book(book_copy)
    chars = used_characters(book, render_book(book, book_copy))
    plan = resolve(chars, font_families(book, book_copy, "Hans"))
    (missing,) = uncovered(plan, lambda char, where: where, "Hans")
    assert missing.code == "F001" and "U+20000" in missing.message
    assert missing.location == Location(CHAPTER, line_of(book_copy, "[^1]:"))
