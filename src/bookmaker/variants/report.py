"""The review aid: every place where a character with more than one Traditional form was
converted, with the form chosen and its context, so an editor can check the choices and add
dictionary entries where OpenCC chose wrong."""

from __future__ import annotations

from dataclasses import dataclass

from bookmaker.diagnostics import Location
from bookmaker.model import Book
from bookmaker.reader_text import reader_passages
from bookmaker.variants.convert import Converter
from bookmaker.variants.ocd2 import one_to_many

CONTEXT = 6  # characters on each side
# The characters whose Traditional form most often depends on the word (发 發/髮, 干 幹/乾/干,
# 后 後/后 …): reported by default; every one-to-many character with --all.
AMBIGUOUS = frozenset(
    "发干后里系只台面余于历复钟制云冲尽征采卷松斗丰须借游占伙折曲周注蒙咸准胡几划范谷郁沈"
    "姜才苏向致涂坛团累秋困饥舍朴扎纤吊佣柜荡网彩汇志御"
)


@dataclass(frozen=True)
class Choice:
    location: Location
    source: str  # the Simplified character
    chosen: str  # its Traditional form here
    candidates: tuple[str, ...]
    context: str  # the converted text around it, the character in 【】

    def __str__(self) -> str:
        return (f"{self.location}: {self.source}→{self.chosen} "
                f"({'|'.join(self.candidates)}) {self.context}")


def choices(book: Book, converter: Converter, every: bool = False) -> list[Choice]:
    """The conversions of one-to-many characters: the AMBIGUOUS ones, or ``every`` one."""
    candidates = one_to_many()
    found = []
    for passage in reader_passages(book):
        location, text = passage.location, passage.text
        converted = converter.convert(text)
        if len(converted) != len(text):  # a vocabulary swap (s2twp): no character alignment
            continue
        for i, (source, chosen) in enumerate(zip(text, converted, strict=True)):
            options = candidates.get(converter.opencc(source))
            if options and (every or source in AMBIGUOUS):
                context = (converted[max(0, i - CONTEXT):i] + f"【{chosen}】"
                           + converted[i + 1:i + 1 + CONTEXT])
                found.append(Choice(location, source, chosen, options, context))
    return found
