"""bookmaker import of text extracted from print: the raw seed becomes source/'s chapters,
and CORRECTIONS.md lists every change at the seed's lines."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from bookmaker.build import build
from bookmaker.cli import cli
from bookmaker.importer.text import import_text
from bookmaker.lint import lint_book
from bookmaker.load import load_book
from bookmaker.model import (
    Block,
    Chapter,
    Container,
    Figure,
    Heading,
    ListBlock,
    Paragraph,
    Table,
    plain_text,
)
from conftest import FIXTURES, SAMPLE


def block_texts(block: Block) -> list[tuple[str, str]]:
    """A block as (what it is, its text as a reader sees it)."""
    if isinstance(block, Paragraph):
        return [("p", plain_text(block.children))]
    if isinstance(block, Heading):
        return [(f"h{block.level}", block.text)]
    if isinstance(block, Container):
        return [(f"{block.kind}/{k}", t) for child in block.children
                for k, t in block_texts(child)]
    if isinstance(block, ListBlock):
        return [(f"li/{k}", t) for item in block.items for child in item
                for k, t in block_texts(child)]
    if isinstance(block, Table):
        return [("tr", "|".join(plain_text(c.children) for c in row))
                for row in [*block.head, *block.body]]
    if isinstance(block, Figure):
        return [("figure", block.alt)]
    return [(block.type, "")]


def body_text(chapter: Chapter) -> list[tuple[str, str]]:
    """The chapter's body text, the comparison of the acceptance test: every block in order
    with its kind (paragraph, heading level, container) and its plain text; and the footnotes."""
    blocks = [t for block in chapter.blocks for t in block_texts(block)]
    notes = [(f"note{n.number}", t) for n in chapter.footnotes for block in n.children
             for _, t in block_texts(block)]
    return blocks + notes


def chapter_meta(chapter: Chapter) -> dict:
    return chapter.meta.model_dump()


def uncertain_rows(corrections: str) -> list[tuple[str, str]]:
    """(as written, possible reading) of each row of the Uncertain tables."""
    rows = []
    for section in corrections.split("### Uncertain")[1:]:
        for line in section.split("\n## ")[0].splitlines():
            cells = [c.strip() for c in line.strip("|").split(" | ")]
            if len(cells) == 5 and cells[2].startswith("`") and cells[3].startswith("`"):
                rows.append((cells[2].strip("`"), cells[3].strip("`")))
    return rows


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    book = tmp_path_factory.mktemp("import") / "book"
    result = CliRunner().invoke(cli, ["import", str(FIXTURES / "seed.txt"), "--into", str(book)])
    assert result.exit_code == 0, result.output
    return book


def test_imported_chapters_equal_the_hand_made_source(imported: Path) -> None:
    ours, theirs = load_book(imported), load_book(SAMPLE)
    assert [c.meta.title for c in ours.chapters] == [c.meta.title for c in theirs.chapters]
    corrections = (imported / "CORRECTIONS.md").read_text(encoding="utf-8")
    uncertain = uncertain_rows(corrections)
    for mine, hand_made in zip(ours.chapters, theirs.chapters, strict=True):
        texts = body_text(mine)
        for written, reading in uncertain:  # what the import left for the editor
            texts = [(kind, text.replace(written, reading)) for kind, text in texts]
        assert texts == body_text(hand_made), mine.source
        assert chapter_meta(mine) == chapter_meta(hand_made)


def correction_rows(corrections: str) -> list[list[str]]:
    changed = corrections.split("### Changed")[1].split("### Uncertain")[0]
    return [[c.strip() for c in line.strip("|").split(" | ")]
            for line in changed.splitlines() if line.startswith("| L")]


def test_corrections_list_the_joins_the_repeated_character_and_the_ocr_slip(
        imported: Path) -> None:
    rows = correction_rows((imported / "CORRECTIONS.md").read_text(encoding="utf-8"))
    joins = {r[0] for r in rows if r[1] == "page-break join"}
    assert joins == {"L100/L104", "L110/L114", "L138/L142", "L146/L150", "L168/L172",
                     "L174/L178", "L188/L192"}
    assert next(
        r[:2] for r in rows if r[0] == "L162/L164") == ["L162/L164", "paragraph split mid-sentence"]
    repeated = [r for r in rows if r[1] == "repeated character"]
    assert [(r[0], r[2]) for r in repeated] == [("L174/L178", "`始` ⏎ `始`")]
    ocr = [r for r in rows if r[4] == "AR003"]
    assert [(r[0], "巾" in r[2], "中" in r[3]) for r in ocr] == [("L178", True, True)]
    assert any(r[0] == "L208" and "?" in r[2] and "？" in r[3] for r in rows)
    assert any(r[0] == "L180" and r[4] == "SP001" for r in rows)


@pytest.mark.slow  # builds a whole book
def test_the_imported_book_builds_and_lints_clean(imported: Path, tmp_path: Path) -> None:
    assert [str(f.diagnostic) for f in lint_book(imported)] == []
    result = build(imported, tmp_path, formats=("epub",))
    assert result.diagnostics == []
    book = load_book(imported)
    meta = book.meta
    assert book.product("print").isbn.hyphenated == "978-7-200-06528-2"
    assert meta.publisher.name == "北京出版社"
    assert (imported / "front-matter.txt").read_text(encoding="utf-8").startswith("北京市")


def test_uncertain_changes_are_left_and_listed() -> None:
    text = ("序\n\n\n这是第一段很长的文字，用来说明问题，还要再长一些才算是正文的段落，谢\n\n"
            "谢大家的支持，我们一定会继续努力下去，把工作做得更好。\n\n"
            "我们要认真学习自已的经验和别人的经验，这是工作中很重要的一条原则。\n")
    book = import_text(text, "t.txt")
    uncertain = {(c.code, c.lines) for c in book.corrections if not c.certain}
    # 谢谢 is a word: the doubled character across the break may be right; one blank line
    # after a character is no page break: the paragraphs stay apart
    assert ("AR002", "L4/L6") in uncertain and ("AR001", "L4/L6") not in uncertain
    assert ("AR003", "L8") in uncertain  # 自已 is in the dictionary: not sure enough
    assert "谢\n\n谢大家" in book.chapters[0].body and "自已" in book.chapters[0].body


def test_markdown_characters_in_the_text_stay_text(tmp_path: Path) -> None:
    text = "序\n\n\n1. 第一条是*重要*的，[注]不是链接，<b>也不是标签</b>，这是一段足够长的正文。\n"
    (tmp_path / "in.txt").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", str(tmp_path / "in.txt"), "--into",
                                      str(tmp_path / "book")])
    assert result.exit_code == 0, result.output
    [chapter] = load_book(tmp_path / "book").chapters
    assert body_text(chapter) == [
        ("p", "1. 第一条是*重要*的，[注]不是链接，<b>也不是标签</b>，这是一段足够长的正文。")]


def test_import_refuses_a_book_that_exists_and_bad_input(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["import", str(FIXTURES / "seed.txt"), "--into", str(SAMPLE)])
    assert result.exit_code == 2 and "exists and is not empty" in result.output
    (tmp_path / "gbk.txt").write_bytes("中文\n第二行".encode("gb18030"))
    result = runner.invoke(cli, ["import", str(tmp_path / "gbk.txt"), "--into",
                                 str(tmp_path / "b")])
    assert result.exit_code == 2 and re.search(r"gbk\.txt:1: error S006", result.output)
    assert "Traceback" not in result.output
