"""Artifacts of print and of text extraction: a paragraph broken by a page break or a wrapped
line, a character repeated across the break (a catchword, or a slip of the extraction), and the
characters OCR takes one for another.

``paragraph_breaks`` and ``ocr_suspects`` are also what ``bookmaker import`` corrects with:
what they are sure of, it changes; the rest it leaves for these warnings.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from bookmaker.han import HAN, is_han
from bookmaker.lint.frequency import in_word, log_likelihood, word_counts
from bookmaker.lint.registry import Context, Finding, at, span_fix, text_check
from bookmaker.lint.text import SourceText, TextBlock

# Chinese section numbering at the start of a line: 一、 （一） 第一章 1. 1.1
ENUMERATED_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十百]+、|[（(][一二三四五六七八九十百]+[）)]"
    r"|第[一二三四五六七八九十百\d]+[章节篇部讲编卷]|\d+(?:\.\d+)*[、.．][^\d])")
# The end of a paragraph that stops mid-sentence: a character, a comma, a 顿号, an opening mark.
MID_SENTENCE_END = re.compile(f"(?:{HAN.pattern}|[，、“‘（《〈【「『A-Za-z0-9])$")
CONTEXT = 4  # characters either side of a suspect that decide its likelihood
FLAG_GAIN = math.log(20)  # the other reading is at least 20 times as likely: warn
CERTAIN_GAIN = math.log(100)  # … 100 times, and the character stands in no word: sure


def looks_like_heading(text: str) -> bool:
    return bool(ENUMERATED_HEADING.match(text)) and not text.endswith("。")


def ends_mid_sentence(text: str) -> bool:
    return bool(MID_SENTENCE_END.search(text))


@dataclass(frozen=True)
class ParagraphBreak:
    """Two paragraphs that are one: the first stops mid-sentence and the second goes on."""

    before: TextBlock
    after: TextBlock
    gap: int  # blank lines between them: two or more is a page break of the original
    repeated: bool  # the last character of ``before`` begins ``after`` again
    certain: bool  # sure enough to join (and to drop the repeated character)

    @property
    def page_break(self) -> bool:
        return self.gap >= 2


def paragraph_breaks(source: SourceText) -> Iterator[ParagraphBreak]:
    for before, after, gap in source.gaps():
        if before.kind != "paragraph" or after.kind != "paragraph":
            continue
        first, second = before.text.rstrip(), after.text.lstrip()
        if not (first and second) or looks_like_heading(first) or looks_like_heading(second):
            continue
        if not ends_mid_sentence(first):
            continue
        last = first[-1]
        repeated = is_han(last) and second.startswith(last) and not in_dictionary(last * 2)
        # a paragraph never ends with a comma; a page break of the original inside a sentence
        # leaves a gap of blank lines
        certain = gap >= 2 or last in "，、"
        yield ParagraphBreak(before, after, gap, repeated, certain)


def in_dictionary(word: str) -> bool:
    """A doubled character that is a word (谢谢, 常常) is no catchword."""
    return word in word_counts()


@text_check("AR001", "AR002")
def broken_paragraphs(source: SourceText, context: Context) -> Iterator[Finding]:
    for found in paragraph_breaks(source):
        end = len(found.before.text.rstrip()) - 1
        where = "a page break" if found.page_break else "a blank line"
        yield at("AR002", source, found.before, end,
                 f"the paragraph stops mid-sentence and goes on after {where} at line "
                 f"{found.after.first_line}", certain=found.certain)
        if found.repeated:
            char = found.after.text.lstrip()[0]
            start = len(found.after.text) - len(found.after.text.lstrip())
            yield at("AR001", source, found.after, start,
                     f"'{char}' ends line {found.before.last_line} and begins this one again",
                     span_fix(found.after, start, start + 1, ""), certain=found.certain)


@dataclass(frozen=True)
class Suspect:
    block: TextBlock
    index: int
    char: str
    reading: str  # the likelier character
    gain: float  # natural log of how many times likelier the reading makes the context
    certain: bool

    @property
    def context(self) -> str:
        text = self.block.text
        return text[max(0, self.index - CONTEXT):self.index + CONTEXT + 1]


@cache
def builtin_confusions() -> tuple[str, ...]:
    return confusion_sets((files("bookmaker.lint") / "confusions.txt").read_text("utf-8"))


def confusion_sets(text: str) -> tuple[str, ...]:
    """Sets of characters, one a line; ``#`` starts a comment."""
    sets = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return tuple(s.replace(" ", "") for s in sets if s)


def alternatives(sets: tuple[str, ...]) -> dict[str, set[str]]:
    others: dict[str, set[str]] = {}
    for members in sets:
        for char in members:
            others.setdefault(char, set()).update(c for c in members if c != char)
    return others


def ocr_suspects(source: SourceText, extra_sets: tuple[str, ...] = ()) -> Iterator[Suspect]:
    others = alternatives(builtin_confusions() + extra_sets)
    for block in source.blocks:
        text = block.text
        for index, char in enumerate(text):
            if char not in others:
                continue
            start, end = han_window(text, index)
            window, at_ = text[start:end], index - start
            base = log_likelihood(window)
            readings = sorted(
                ((log_likelihood(window[:at_] + other + window[at_ + 1:]) - base, other)
                 for other in others[char]), reverse=True)
            gain, reading = readings[0]
            if gain >= FLAG_GAIN:
                certain = gain >= CERTAIN_GAIN and not in_word(window, at_)
                yield Suspect(block, index, char, reading, gain, certain)


def han_window(text: str, index: int) -> tuple[int, int]:
    """The run of Han characters around ``index``, at most CONTEXT either side."""
    start = index
    while start > 0 and index - start < CONTEXT and is_han(text[start - 1]):
        start -= 1
    end = index + 1
    while end < len(text) and end - index <= CONTEXT and is_han(text[end]):
        end += 1
    return start, end


@text_check("AR003")
def ocr_confusions(source: SourceText, context: Context) -> Iterator[Finding]:
    for suspect in ocr_suspects(source, context.confusions):
        times = math.exp(suspect.gain)
        yield at("AR003", source, suspect.block, suspect.index,
                 f"'{suspect.char}' in '{suspect.context}' may be '{suspect.reading}' "
                 f"(the context is {times:,.0f} times likelier with it)",
                 span_fix(suspect.block, suspect.index, suspect.index + 1, suspect.reading),
                 certain=suspect.certain)
