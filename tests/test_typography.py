"""transform.typography: the spans the print edition adds; no visible character is added."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bookmaker.load import load_book
from bookmaker.load.markdown import ChapterParser
from bookmaker.model import Emphasis, Heading, Inline, Span, Text, plain_text
from bookmaker.render.print_edition import space_han_and_latin
from bookmaker.transform.typography import (
    BREAK_OPPORTUNITY,
    _break_at_quotes,
    _keep_last,
    _mark_lead_ins,
    allow_breaks_at_quotes,
    halt_marks,
    space_latin,
    upright,
)


def shape(nodes: list[Inline]) -> list[str]:
    """Text nodes as their text, spans as role(text)."""
    return [f"{n.role}({plain_text(n.children)})" if isinstance(n, Span) else n.text
            for n in nodes if isinstance(n, Span | Text)]


def halt_hans(text: str) -> list[Inline]:
    return halt_marks(text, centred_points=False)


def halt_hant(text: str) -> list[Inline]:
    return halt_marks(text, centred_points=True)


CASES = [
    # adjacent punctuation (clreq 3.1.6): of the blank halves between two marks one goes; the
    # first mark's right half when it is blank, else the second's left half
    (halt_hans, "要求。”然后", ["要求", "halt(。)", "”然后"]),  # the stop, not the quote
    (halt_hans, "要求，”他说", ["要求", "halt(，)", "”他说"]),
    (halt_hans, "好！」他说", ["好", "halt(！)", "」他说"]),
    (halt_hans, "（文集）。", ["（文集", "halt(）)", "。"]),  # a bracket before a point
    (halt_hans, "提出：“提高", ["提出", "halt(：)", "“提高"]),  # a point before an opening
    (halt_hans, "《〈文〉》", ["《", "halt(〈)", "文", "halt(〉)", "》"]),  # nested brackets
    (halt_hans, "说”，“好", ["说", "halt(”)", "halt(，)", "“好"]),  # three marks in 2 em
    (halt_hans, "没有成对的标点。", ["没有成对的标点。"]),
    (halt_hans, "——破折号……省略号", ["——破折号……省略号"]),  # not pairs to compress
    # zh-Hant: the points are centred, a quarter em blank on each side, no blank half
    (halt_hant, "要求。」然後", ["要求。」然後"]),  # a quarter em between them already
    (halt_hant, "「文集」。", ["「文集", "halt(」)", "。"]),
    (halt_hant, "說，「好", ["說，", "halt(「)", "好"]),
    (halt_hant, "好」，「是", ["好", "halt(」)", "，", "halt(「)", "是"]),
    (halt_hant, "《〈文〉》", ["《", "halt(〈)", "文", "halt(〉)", "》"]),
    # a quarter em between Han and Latin
    (space_latin, "收录的54篇文章", ["收录的", "space-around(54)", "篇文章"]),
    (space_latin, "2008年奥运会", ["space-after(2008)", "年奥运会"]),
    (space_latin, "第（2006）号", ["第（2006）号"]),  # brackets, not Han, beside the digits
    (space_latin, "定价42.00元", ["定价", "space-around(42.00)", "元"]),
    # short numbers upright in vertical text
    (upright, "第54篇", ["第", "upright(54)", "篇"]),
    (upright, "2006年5月22日", ["2006年", "upright(5)", "月", "upright(22)", "日"]),
    (upright, "ISBN 978", ["ISBN 978"]),
]


@pytest.mark.parametrize(("function", "text", "expected"), CASES,
                         ids=[f"{f.__name__}-{t}" for f, t, _ in CASES])
def test_spans_around_existing_text(function: Callable[[str], list[Inline]], text: str,
                                    expected: list[str]) -> None:
    nodes = function(text)
    assert shape(nodes) == expected
    assert plain_text(nodes) == text  # no character added or lost


def test_a_paragraph_ending_with_a_colon_is_marked_as_introducing_the_next_block() -> None:
    blocks, _ = ChapterParser("c.md", 1, lambda src, line: src).parse(
        "他说：\n\n> 引文。\n\n正文。\n\n- 列表前：\n\n  1. 甲\n\n最后一段：\n")
    marked = _mark_lead_ins(blocks)
    leads = [getattr(b, "lead_in", None) for b in marked]
    assert leads == [True, None, False, None, False]  # the last has nothing to introduce
    assert marked[3].items[0][0].lead_in  # inside a list item too


@pytest.mark.parametrize(("text", "expected"), [
    ("全文完。", ["全", "keep(文完。)"]),
    ("写于1925年底", ["写", "keep(于1925年底)"]),  # the number stays by its Han neighbours
    ("示意图2题注", ["示意", "keep(图2题注)"]),
    ("共54篇", ["共54篇"]),  # nothing to hold apart from
])
def test_the_last_two_characters_are_held_together(text: str, expected: list[str]) -> None:
    assert shape(_keep_last([Text(text=text)])) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # UAX #14 keeps curly quotes to both neighbours; clreq lets a line break before an opening
    # quote and after a closing one, in Chinese text
    ("如“侘”“偭”；", "如|“侘”|“偭”；"),
    ("他说：“好。”然后", "他说：|“好。”|然后"),
    ("（“甲”）", "（“甲”）"),  # an opening bracket before, a closing one after: no break
    ("“甲”，“乙”。", "“甲”，|“乙”。"),  # never before a point
    ("叫作‘本’的书", "叫作|‘本’|的书"),
    ("it’s “fine” here", "it’s “fine” here"),  # Latin text is left to UAX #14
])
def test_breaks_are_allowed_beside_quotes(text: str, expected: str) -> None:
    marked = plain_text(_break_at_quotes([Text(text=text)]))
    assert marked.replace(BREAK_OPPORTUNITY, "|") == expected


def test_breaks_beside_quotes_are_found_across_spans() -> None:
    """The half-width closing quote is a span of its own: the break goes before the quote that
    follows it, in the next text node."""
    nodes = _break_at_quotes([Text(text="如“侘"), Span(role="halt", children=[Text(text="”")]),
                              Emphasis(type="em", children=[Text(text="“偭”")])])
    assert shape(nodes) == ["如\u200b“侘", "halt(”)"]
    assert nodes[2].children[0].text == "\u200b“偭”"


def test_headings_get_no_break_opportunity(book_copy: Path) -> None:
    """A heading's text is also the PDF's outline: the zero-width space stays out of it."""
    chapter = book_copy / "chapters" / "02-speech.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n## 释“仁”\n\n他说“仁”。\n",
                       encoding="utf-8")
    book = allow_breaks_at_quotes(load_book(book_copy))
    blocks = book.chapters[1].blocks
    heading = next(b for b in blocks if isinstance(b, Heading) and "仁" in plain_text(b.children))
    assert plain_text(heading.children) == "释“仁”"
    assert plain_text(blocks[-1].children) == "他说\u200b“仁”。"


def test_the_print_document_gets_the_quarter_em_in_every_text() -> None:
    """Text of the templates and plain strings too (a title, the copyright page), in element
    text and tails; not code; empty elements stay open-and-closed (WeasyPrint reads HTML)."""
    xhtml = ('<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml">'
             '<body><h1>2006年序</h1><p>中国版本图书馆CIP数据核字<span class="x"></span>第'
             '062531号<code>a中b</code></p></body></html>')
    spaced = space_han_and_latin(xhtml)
    assert spaced.startswith('<?xml version="1.0" encoding="utf-8"?>\n<html')
    assert '<h1><span class="space-after">2006</span>年序</h1>' in spaced
    assert '馆<span class="space-around">CIP</span>数据核字<span class="x"></span>第' in spaced
    assert '<span class="space-around">062531</span>号<code>a中b</code>' in spaced
