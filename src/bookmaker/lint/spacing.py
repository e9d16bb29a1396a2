"""Spacing: none between Chinese characters; between Han and Latin letters or digits, the
book's chosen style (``lint.han_latin_space``: none, the renderer adds a quarter em; or space)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from bookmaker.han import HAN_RANGES
from bookmaker.lint.punctuation import CJK_MARKS
from bookmaker.lint.registry import Context, Finding, at, span_fix, text_check
from bookmaker.lint.text import SourceText

CHINESE_CLASS = f"{HAN_RANGES}{CJK_MARKS}"
SPACE_BETWEEN_CHINESE = re.compile(f"(?<=[{CHINESE_CLASS}])[ \t\u3000]+(?=[{CHINESE_CLASS}])")
LATIN = "A-Za-z0-9"
SPACE_HAN_LATIN = re.compile(
    f"(?<=[{HAN_RANGES}])[ \t]+(?=[{LATIN}])|(?<=[{LATIN}%])[ \t]+(?=[{HAN_RANGES}])")
NO_SPACE_HAN_LATIN = re.compile(
    f"(?<=[{HAN_RANGES}])(?=[{LATIN}])|(?<=[{LATIN}%])(?=[{HAN_RANGES}])")


@text_check("SP001")
def space_between_chinese(source: SourceText, context: Context) -> Iterator[Finding]:
    for block in source.blocks:
        text = block.text
        for match in SPACE_BETWEEN_CHINESE.finditer(text):
            pair = f"{text[match.start() - 1]} {text[match.end()]}"
            yield at("SP001", source, block, match.start(), f"space in '{pair}'",
                     span_fix(block, match.start(), match.end(), ""))


@text_check("SP002")
def han_latin_spacing(source: SourceText, context: Context) -> Iterator[Finding]:
    spaced = context.config.han_latin_space == "space"
    pattern = NO_SPACE_HAN_LATIN if spaced else SPACE_HAN_LATIN
    for block in source.blocks:
        text = block.text
        for match in pattern.finditer(text):
            around = text[max(match.start() - 2, 0):match.end() + 2]
            message = (f"no space between Han and Latin in '{around}'" if spaced
                       else f"space between Han and Latin in '{around}'")
            yield at("SP002", source, block, match.start(), message,
                     span_fix(block, match.start(), match.end(), " " if spaced else ""))
