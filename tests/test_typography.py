"""transform.typography: the spans the print edition adds, and that no character is added."""

from __future__ import annotations

import pytest

from bookmaker.model import Inline, Span, Text, plain_text
from bookmaker.transform.typography import halt_marks, space_latin, upright


def shape(nodes: list[Inline]) -> list[str]:
    """Text nodes as their text, spans as role(text)."""
    return [f"{n.role}({plain_text(n.children)})" if isinstance(n, Span) else n.text
            for n in nodes if isinstance(n, Span | Text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("要求。”然后", ["要求。", "halt(”)", "然后"]),  # the quote: its right half is blank
    ("要求。」然后", ["要求。", "halt(」)", "然后"]),  # the same in zh-Hant, where 。 is centred
    ("《文集》。", ["《文集", "halt(》)", "。"]),  # a bracket before a point
    ("提出：“提高", ["提出：", "halt(“)", "提高"]),  # opening mark after a point
    ("一是”、“二是", ["一是", "halt(”)", "、", "halt(“)", "二是"]),  # three in a row: 2 em
    ("没有成对的标点。", ["没有成对的标点。"]),
    ("——破折号……省略号", ["——破折号……省略号"]),  # not punctuation pairs to compress
])
def test_halt_marks(text: str, expected: list[str]) -> None:
    nodes = halt_marks(text)
    assert shape(nodes) == expected
    assert plain_text(nodes) == text


@pytest.mark.parametrize(("text", "expected"), [
    ("收录的54篇文章", ["收录的", "space-around(54)", "篇文章"]),
    ("2008年奥运会", ["space-after(2008)", "年奥运会"]),
    ("第（2006）号", ["第（2006）号"]),  # brackets, not Han, beside the digits
    ("定价42.00元", ["定价", "space-around(42.00)", "元"]),
])
def test_space_between_han_and_latin(text: str, expected: list[str]) -> None:
    nodes = space_latin(text)
    assert shape(nodes) == expected
    assert plain_text(nodes) == text


@pytest.mark.parametrize(("text", "expected"), [
    ("第54篇", ["第", "upright(54)", "篇"]),
    ("2006年5月22日", ["2006年", "upright(5)", "月", "upright(22)", "日"]),
    ("ISBN 978", ["ISBN 978"]),
])
def test_short_numbers_upright(text: str, expected: list[str]) -> None:
    nodes = upright(text)
    assert shape(nodes) == expected
    assert plain_text(nodes) == text
