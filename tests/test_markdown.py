"""load.markdown: every construct of the chapter format becomes the right node."""

from __future__ import annotations

import pytest

from bookmaker.diagnostics import BookError
from bookmaker.load.markdown import ChapterParser
from bookmaker.model import Container, Figure, Heading, ListBlock, NoteRef, Paragraph, Table


def parse(text: str) -> tuple[list, list]:
    return ChapterParser("c.md", 5, lambda src, line: src).parse(text)


def test_footnotes_are_numbered_per_chapter() -> None:
    blocks, notes = parse("正文[^a]，又一处[^b]。\n\n[^a]: 第一条注。\n[^b]: 第二条注。\n")
    refs = [n for n in blocks[0].children if isinstance(n, NoteRef)]
    assert [r.number for r in refs] == [1, 2]
    assert [n.number for n in notes] == [1, 2]
    assert notes[1].children[0].children[0].text == "第二条注。"


def test_image_alone_in_a_paragraph_is_a_figure_with_caption() -> None:
    blocks, _ = parse('![会场全景](images/hall.png "图1 会场")\n')
    assert blocks == [Figure(src="images/hall.png", alt="会场全景", caption="图1 会场", line=5)]


def test_containers_tables_lists_and_headings() -> None:
    text = (
        "::: verse\n床前明月光\n疑是地上霜\n:::\n\n"
        "::: signature\n编者\n2006年6月\n:::\n\n"
        "> 引文\n\n"
        "| 项目 | 数量 |\n|:--|--:|\n| 论文 | 54 |\n\n"
        "1. 甲\n2. 乙\n\n"
        "## 一、标题\n"
    )
    blocks, _ = parse(text)
    kinds = [b.kind if isinstance(b, Container) else type(b).__name__ for b in blocks]
    assert kinds == ["verse", "signature", "blockquote", "Table", "ListBlock", "Heading"]
    table = blocks[3]
    assert isinstance(table, Table)
    assert [c.align for c in table.body[0]] == ["left", "right"]
    assert isinstance(blocks[4], ListBlock) and blocks[4].ordered
    heading = blocks[5]
    assert isinstance(heading, Heading) and heading.id == "s1"  # no prefix given
    assert heading.line == 5 + 19  # the body's 20th line; the body starts on line 5


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("段落\n\n<div>块</div>\n", 7, "raw HTML"),
        ("一行<b>粗</b>\n", 5, "raw HTML"),
        ("# 一级标题\n", 5, "'#' heading"),
        ("![](a.png)\n", 5, "alt text"),
        ("    缩进代码\n", 5, "code blocks"),
    ],
)
def test_what_the_format_refuses_is_reported_with_its_line(text: str, line: int,
                                                           words: str) -> None:
    with pytest.raises(BookError) as caught:
        parse(text)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.location is not None
    assert (diagnostic.location.path, diagnostic.location.line) == ("c.md", line)
    assert words in diagnostic.message


def test_paragraph_is_plain_text_nodes() -> None:
    blocks, _ = parse("同志们：\n")
    assert isinstance(blocks[0], Paragraph)
    assert blocks[0].children[0].text == "同志们："  # type: ignore[union-attr]
