"""Punctuation per GB/T 15834-2011: full-width marks in Chinese text, one quotation style,
balanced pairs, the ellipsis and the dash."""

from __future__ import annotations

import re
from collections.abc import Iterator

from bookmaker.han import HAN, HAN_RANGES, is_han
from bookmaker.lint.registry import Context, Finding, at, span_fix, text_check
from bookmaker.lint.text import SourceText, TextBlock

CJK_MARKS = "、，。；：？！“”‘’（）《》〈〉【】「」『』〔〕—…·"
FULL_WIDTH = {",": "，", ".": "。", ";": "；", ":": "：", "?": "？", "!": "！",
              "(": "（", ")": "）"}
PAIRS = {"“": "”", "‘": "’", "《": "》", "〈": "〉", "（": "）", "【": "】", "「": "」",
         "『": "』", "〔": "〕"}
CLOSERS = {close: open_ for open_, close in PAIRS.items()}
CURLY, CORNER = set("“”‘’"), set("「」『』")

# A half-width point, not part of a run (an ellipsis written with dots is PN006), with the
# spaces after it that a full-width mark makes unnecessary.
HALF_WIDTH_POINT = re.compile(r"(?<![.])[,.;:?!](?![.])[ \t]*")
HALF_WIDTH_PARENS = re.compile(r"\(([^()]*)\)")
STRAIGHT_QUOTE = re.compile("[\"']")
ELLIPSIS = re.compile(r"\.{2,}|。{2,}|．{2,}|…+|·{3,}")
DASH = re.compile(r"-{2,}|－{2,}|—{3,}|―+|─+")
SINGLE_DASH = re.compile(f"(?<=[{HAN_RANGES}])—(?=[{HAN_RANGES}])")


def is_chinese(char: str) -> bool:
    """A Han character or a full-width Chinese mark."""
    return is_han(char) or (bool(char) and char in CJK_MARKS)


def neighbours(text: str, start: int, end: int) -> tuple[str, str]:
    return text[start - 1] if start > 0 else "", text[end] if end < len(text) else ""


def blocks(source: SourceText) -> Iterator[tuple[TextBlock, str]]:
    for block in source.blocks:
        yield block, block.text


@text_check("PN001")
def half_width_points(source: SourceText, context: Context) -> Iterator[Finding]:
    for block, text in blocks(source):
        for match in HALF_WIDTH_POINT.finditer(text):
            mark = text[match.start()]
            before = text[match.start() - 1] if match.start() else ""
            following = text[match.end()] if match.end() < len(text) else ""
            if not (is_chinese(before) or (is_han(following) and not before.isascii())):
                continue
            full = FULL_WIDTH[mark]
            yield at("PN001", source, block, match.start(),
                     f"half-width '{mark}' in Chinese text: '{full}'",
                     span_fix(block, match.start(), match.end(), full))


@text_check("PN002")
def half_width_parentheses(source: SourceText, context: Context) -> Iterator[Finding]:
    for block, text in blocks(source):
        for match in HALF_WIDTH_PARENS.finditer(text):
            before = text[match.start() - 1] if match.start() else ""
            if HAN.search(match.group(1)) or is_chinese(before):
                fixed = f"（{match.group(1)}）"
                yield at("PN002", source, block, match.start(),
                         f"half-width parentheses in Chinese text: '{fixed}'",
                         span_fix(block, match.start(), match.end(), fixed))


@text_check("PN003")
def straight_quotes(source: SourceText, context: Context) -> Iterator[Finding]:
    for block, text in blocks(source):
        for match in STRAIGHT_QUOTE.finditer(text):
            before, after = neighbours(text, match.start(), match.end())
            if is_chinese(before) or is_chinese(after):
                yield at("PN003", source, block, match.start(),
                         f"straight quotation mark {match.group()} in Chinese text")


@text_check("PN004")
def mixed_quotes(source: SourceText, context: Context) -> Iterator[Finding]:
    curly = sum(block.text.count(c) for block in source.blocks for c in CURLY)
    corner = sum(block.text.count(c) for block in source.blocks for c in CORNER)
    if not (curly and corner):
        return
    # the less used style is the stray one; on a tie, the one the book's script does not use
    hant = context.language.startswith("zh-Hant")
    stray = CORNER if corner < curly or (corner == curly and not hant) else CURLY
    kept = "“ ”" if stray is CORNER else "「 」"
    for block, text in blocks(source):
        for index, char in enumerate(text):
            if char in stray and char in PAIRS:
                yield at("PN004", source, block, index,
                         f"'{char}' where this file mostly uses {kept}")


@text_check("PN005")
def unbalanced_pairs(source: SourceText, context: Context) -> Iterator[Finding]:
    for number, (block, text) in enumerate(blocks(source)):
        following = source.blocks[number + 1].text if number + 1 < len(source.blocks) else ""
        unclosed: list[int] = []
        for index, char in enumerate(text):
            if char in PAIRS:
                unclosed.append(index)
            elif char in CLOSERS:
                partner = CLOSERS[char]
                if char == "’" and is_apostrophe(text, index):
                    continue
                opened = [i for i in unclosed if text[i] == partner]
                if not opened:
                    yield at("PN005", source, block, index, f"'{char}' closes nothing")
                    continue
                last = opened[-1]
                for inner in [i for i in unclosed if i > last]:
                    yield at("PN005", source, block, inner,
                             f"'{text[inner]}' is not closed before '{char}'")
                unclosed = [i for i in unclosed if i < last]
        for index in unclosed:
            mark = text[index]
            # a quotation running over paragraphs opens each and closes only the last
            if mark in "“‘「『" and following.startswith(mark):
                continue
            yield at("PN005", source, block, index,
                     f"'{mark}' is not closed with '{PAIRS[mark]}' in this paragraph")


def is_apostrophe(text: str, index: int) -> bool:
    before, after = neighbours(text, index, index + 1)
    return before.isascii() and before.isalpha() and (not after or after.isascii())


@text_check("PN006")
def ellipses(source: SourceText, context: Context) -> Iterator[Finding]:
    for block, text in blocks(source):
        for match in ELLIPSIS.finditer(text):
            written = match.group()
            if written == "……" or (written == "…" * 4 and text.strip() == written):
                continue  # two units; four alone on a line mark omitted paragraphs
            if written.startswith(".") and not any(is_chinese(c) for c in neighbours(
                    text, match.start(), match.end())):
                continue  # dots in Latin text
            yield at("PN006", source, block, match.start(),
                     f"ellipsis written '{written}': '……'",
                     span_fix(block, match.start(), match.end(), "……"))


@text_check("PN007")
def dashes(source: SourceText, context: Context) -> Iterator[Finding]:
    for block, text in blocks(source):
        for match in DASH.finditer(text):
            if match.group().startswith("-") and not any(
                    is_chinese(c) for c in neighbours(text, match.start(), match.end())):
                continue  # hyphens in Latin text, an ASCII rule
            yield at("PN007", source, block, match.start(),
                     f"dash written '{match.group()}': '——'",
                     span_fix(block, match.start(), match.end(), "——"))


@text_check("PN008")
def single_dashes(source: SourceText, context: Context) -> Iterator[Finding]:
    for block, text in blocks(source):
        for match in SINGLE_DASH.finditer(text):
            around = text[max(0, match.start() - 3):match.end() + 3]
            yield at("PN008", source, block, match.start(),
                     f"one — in '{around}': a dash is —— (a connector is one)")
