"""load: the sample book becomes the model the source says."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from PIL import Image

from bookgen import chapter, write_book
from bookmaker.load import load_book
from bookmaker.model import Container, Figure, Heading, Paragraph, Table
from conftest import SAMPLE


def test_book_metadata_is_validated_and_normalised() -> None:
    book = load_book(SAMPLE)
    meta, printed = book.meta, book.product("print")
    assert printed.isbn.digits == "9787200065282"
    assert printed.isbn.hyphenated == "978-7-200-06528-2"
    assert printed.isbn.printed == "7-200-06528-5"  # as the book of 2006 prints it
    assert meta.language == "zh-Hans"
    assert [c.role for c in meta.contributors] == ["editor", "editor"]
    assert all(c.corporate for c in meta.contributors)
    assert (printed.paper.width, printed.paper.height) == (787, 1092)
    assert printed.format == 16 and meta.products.print.sheets == 28.25
    assert printed.sheets is None  # the record's 印张 are the whole work's: not the excerpt's
    assert printed.cip is not None and printed.cip.record.number == "062531"
    assert meta.editorial_board is not None
    names = [n for g in meta.editorial_board.groups for n in g.names]
    assert "张清" in names and all(" " not in n for n in names)


def test_chapters_in_reading_order_with_their_structure() -> None:
    book = load_book(SAMPLE)
    preface, speech = book.chapters
    assert (preface.meta.title, preface.meta.kind) == ("序", "preface")
    assert preface.meta.authors[0].name == "刘淇"
    assert speech.meta.kind == "speech" and speech.meta.excerpt
    assert speech.meta.date is not None and speech.meta.date.iso() == "2006-05-22"
    assert [s.text[:2] for s in speech.sections] == ["一、", "二、", "三、", "四、"]
    assert isinstance(speech.blocks[0], Container) and speech.blocks[0].kind == "salutation"
    last = speech.blocks[-1]
    assert isinstance(last, Paragraph)
    assert last.children[-1].text.endswith("其次，要建立健全相应的保障制度，")  # type: ignore[union-attr]


def test_blocks_remember_their_source_line() -> None:
    speech = load_book(SAMPLE).chapters[1]
    heading = speech.sections[0]
    assert isinstance(heading, Heading)
    lines = (SAMPLE / speech.source).read_text(encoding="utf-8").splitlines()
    assert heading.line is not None
    assert lines[heading.line - 1].startswith("## 一、")


def _captioned_book(target: Path, **meta: object) -> Path:
    png = BytesIO()
    Image.new("RGB", (40, 30), "#336699").save(png, "PNG")
    body = ('![图](images/a.png "会场")\n\n: 论文数\n\n| 甲 | 乙 |\n|--|--|\n| 1 | 2 |\n\n'
            "![无题注的图](images/a.png)\n")
    chapters = [chapter("序", body, kind="preface"), chapter("一", body), chapter("二", body)]
    return write_book(target, chapters, {"images/a.png": png.getvalue()}, **meta)


def _numbers(book_dir: Path) -> list[list[str | None]]:
    return [[b.number for b in c.blocks if isinstance(b, Figure | Table)]
            for c in load_book(book_dir).chapters]


def test_captions_are_numbered_through_the_book_or_per_chapter(tmp_path: Path) -> None:
    assert _numbers(_captioned_book(tmp_path / "a")) == [
        ["1", "1", None], ["2", "2", None], ["3", "3", None]]
    assert _numbers(_captioned_book(tmp_path / "b", numbering={"captions": "chapter"})) == [
        ["1", "1", None], ["1-1", "1-1", None], ["2-1", "2-1", None]]
    assert _numbers(_captioned_book(tmp_path / "c", numbering={"captions": "none"})) == [
        [None, None, None]] * 3
