"""load: the sample book becomes the model the source says; a chapter parsed before is the
same when it is taken from the build cache, and its images and links are checked again."""

from __future__ import annotations

import json
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

from bookgen import chapter, write_book
from bookmaker.diagnostics import BookError, Diagnostic
from bookmaker.load import load_book
from bookmaker.model import Container, Figure, Heading, Paragraph, Table
from conftest import ROOT, SAMPLE

EXAMPLE = ROOT / "examples/jingdian-sanzhong"


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


class Shelf:
    """Parsed chapters kept in memory, as the build keeps them in its cache folder
    (``cache.Kept``)."""

    def __init__(self) -> None:
        self.kept: dict[str, bytes] = {}
        self.recalled = self.parsed = 0

    def recall(self, inputs: list[str]) -> bytes | None:
        data = self.kept.get(json.dumps(inputs))
        self.recalled += data is not None
        return data

    def keep(self, inputs: list[str], data: bytes) -> None:
        self.kept[json.dumps(inputs)] = data
        self.parsed += 1


def _loaded(book_dir: Path, shelf: Shelf | None = None) -> tuple[object, list[Diagnostic]]:
    warnings: list[Diagnostic] = []
    return load_book(book_dir, warn=warnings.append, parses=shelf), warnings


@pytest.mark.parametrize("book_dir", [SAMPLE, EXAMPLE], ids=["sample", "example"])
def test_a_kept_parse_gives_the_book_a_parse_gives(book_dir: Path) -> None:
    shelf = Shelf()
    parsed = _loaded(book_dir)
    assert _loaded(book_dir, shelf) == parsed  # the first time: parsed, and kept
    kept = _loaded(book_dir, shelf)
    assert shelf.recalled == len(parsed[0].chapters) > 1  # type: ignore[attr-defined]
    assert kept == parsed


def _two_chapters(target: Path) -> Path:
    png = BytesIO()
    Image.new("RGB", (40, 30), "#336699").save(png, "PNG")
    first = chapter("甲", "见[下一篇](02.md)。\n\n![图](images/a.png)\n\n正文[^1]。\n\n"
                          "[^1]: 注一[^2]。\n\n[^2]: 注二。\n\n[^3]: 注三[^2]。")
    return write_book(target, [first, chapter("乙", "正文。")],
                      files={"images/a.png": png.getvalue()})


def test_a_kept_chapter_gives_its_warnings_again(tmp_path: Path) -> None:
    book_dir, shelf = _two_chapters(tmp_path), Shelf()
    first = _loaded(book_dir, shelf)
    assert [w.code for w in first[1]] == ["M004"]  # the note only a note never referred to
    assert _loaded(book_dir, shelf) == first and shelf.recalled == 2


def _changed_after_the_parse(tmp_path: Path, change: Callable[[Path], object]
                             ) -> list[Diagnostic]:
    """The error of the two-chapter book changed by ``change`` once its chapters were kept;
    the same as the error of a fresh parse."""
    book_dir, shelf = _two_chapters(tmp_path), Shelf()
    _loaded(book_dir, shelf)
    change(book_dir)
    with pytest.raises(BookError) as parsed:
        _loaded(book_dir)
    with pytest.raises(BookError) as kept:
        _loaded(book_dir, shelf)
    assert kept.value.diagnostics == parsed.value.diagnostics
    return kept.value.diagnostics


def test_an_image_deleted_since_the_parse_is_still_an_error(tmp_path: Path) -> None:
    found = _changed_after_the_parse(tmp_path, lambda book: (book / "images/a.png").unlink())
    assert [d.code for d in found] == ["S004"]


def _leave_out_the_second_chapter(book_dir: Path) -> None:
    yaml_file = book_dir / "book.yaml"
    yaml_file.write_text(yaml_file.read_text(encoding="utf-8").replace("- chapters/02.md\n", ""),
                         encoding="utf-8")


def test_a_link_to_a_chapter_left_out_since_the_parse_is_still_an_error(tmp_path: Path) -> None:
    found = _changed_after_the_parse(tmp_path, _leave_out_the_second_chapter)
    assert [d.code for d in found] == ["S017"]


def test_an_image_that_now_leads_elsewhere_is_parsed_again(tmp_path: Path) -> None:
    """A symbolic link turned to another file: the chapter shows the file it now leads to."""
    book_dir, shelf = _two_chapters(tmp_path), Shelf()
    (book_dir / "images/a.png").rename(book_dir / "images/b.png")
    (book_dir / "images/c.png").write_bytes((book_dir / "images/b.png").read_bytes())
    (book_dir / "images/a.png").symlink_to("b.png")
    _loaded(book_dir, shelf)
    (book_dir / "images/a.png").unlink()
    (book_dir / "images/a.png").symlink_to("c.png")
    book, _ = _loaded(book_dir, shelf)
    assert shelf.parsed == 3  # the first chapter parsed again, the second taken
    assert book == _loaded(book_dir)[0]
    assert book.images == ["images/c.png"]  # type: ignore[attr-defined]


def test_chapters_put_in_another_order_take_their_new_places(tmp_path: Path) -> None:
    """The same files and texts, listed the other way round: each chapter's id (its place,
    which names its notes and anchors) is the new one."""
    book_dir, shelf = _two_chapters(tmp_path), Shelf()
    _loaded(book_dir, shelf)
    yaml_file = book_dir / "book.yaml"
    text = yaml_file.read_text(encoding="utf-8")
    yaml_file.write_text(text.replace("- chapters/01.md\n- chapters/02.md\n",
                                      "- chapters/02.md\n- chapters/01.md\n"), encoding="utf-8")
    book, _ = _loaded(book_dir, shelf)
    assert [c.source for c in book.chapters] == ["chapters/02.md", "chapters/01.md"]  # type: ignore[attr-defined]
    assert book == _loaded(book_dir)[0]


def test_a_damaged_kept_parse_is_parsed_again(tmp_path: Path) -> None:
    book_dir, shelf = _two_chapters(tmp_path), Shelf()
    _loaded(book_dir, shelf)
    shelf.kept = {key: data[: len(data) // 2] for key, data in shelf.kept.items()}
    assert _loaded(book_dir, shelf) == _loaded(book_dir)
