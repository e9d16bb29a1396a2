"""Simplified -> Traditional Chinese text, through the official OpenCC binding, word by word.

OpenCC converts plain text with phrase-level disambiguation. On top of it:
- protected terms (the names the book declares, and the book's own dictionary) are taken out
  of the text before conversion and put back as their fixed Traditional form, so that no
  phrase around them can change them (姓于 must not become 姓於);
- the rest is cut into words with jieba and OpenCC's phrases are matched on word boundaries
  only (``segment``); bookmaker's own words and context rules (``rules``) decide before OpenCC;
- “”‘’ become 「」『』 by nesting depth, where the edition asks for corner quotes; an
  apostrophe between Latin letters stays.

``Converter.trace`` tells, piece by piece, what decided each form: the report is made from it.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

import opencc

from bookmaker.variants import segment
from bookmaker.variants.names import surname
from bookmaker.variants.rules import builtin_words, context_rule, standard_form

# Private-use code points stand for protected terms while OpenCC converts the rest.
PLACEHOLDER_BASE = 0xF0000
# A noncharacter between pieces: OpenCC passes it through and matches no phrase across it.
SEPARATOR = "\ufdd0"
LATIN = re.compile("[A-Za-z]")
OPENING = {"“": "”", "‘": "’"}
CORNERS = (("「", "」"), ("『", "』"))


class How(StrEnum):
    """What decided the Traditional form of a piece of text."""

    BOOK = "book"  # a name the book declares, or the book's dictionary
    WORD = "word"  # bookmaker's dictionary (publishing.txt, taiwan.txt)
    RULE = "rule"  # a context rule (a measure word after a numeral)
    NAME = "name"  # the surname of a word jieba tags as a personal name
    OPENCC = "opencc"  # OpenCC: its phrases, else its character table


@dataclass(frozen=True)
class Piece:
    source: str  # Simplified
    output: str  # Traditional
    how: How
    why: str = ""  # the rule's name, for RULE and NAME


@dataclass
class QuoteState:
    """Open quotation marks, carried from one text node of a paragraph to the next."""

    depth: int = 0


@dataclass
class Converter:
    config: str  # s2tw, s2twp, s2hk, s2t
    protected: dict[str, str] = field(default_factory=dict)  # source -> Traditional form
    corner_quotes: bool = True
    words: dict[str, str] | None = None  # bookmaker's words; None: the built-in ones

    def __post_init__(self) -> None:
        self._opencc = opencc.OpenCC(f"{self.config}.json")
        if self.words is None:
            self.words = builtin_words(self.config)
        segment.add_words(self.words)
        terms = sorted(self.protected, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, terms))) if terms else None

    @cached_property
    def _phrases(self) -> tuple[frozenset[str], int]:
        opencc_words, longest = segment.opencc_phrases()
        words = opencc_words | frozenset(self.words or ())
        return words, max(longest, *map(len, self.words or {"": ""}))

    def opencc(self, text: str) -> str:
        """OpenCC alone, without protection, words or quotes."""
        return self._opencc.convert(text)

    def convert(self, text: str, quotes: QuoteState | None = None) -> str:
        if not text:
            return text
        converted = "".join(piece.output for piece in self.trace(text))
        if self.corner_quotes:
            converted = corner_quotes(converted, quotes or QuoteState())
        return converted

    def trace(self, text: str) -> list[Piece]:
        """``text`` converted, as the pieces that were decided one at a time."""
        held: list[str] = []

        def hold(match: re.Match[str]) -> str:
            held.append(match.group())
            return chr(PLACEHOLDER_BASE + len(held) - 1)

        masked = self._pattern.sub(hold, text) if self._pattern else text
        words, longest = self._phrases
        cuts = segment.boundaries(masked)
        sources = segment.pieces(masked, cuts, words, longest)
        decided: list[Piece | None] = []
        for index, source in enumerate(sources):
            rule = context_rule(sources[index - 1] if index else "", source,
                                sources[index + 1] if index + 1 < len(sources) else "")
            if len(source) == 1 and PLACEHOLDER_BASE <= ord(source) < PLACEHOLDER_BASE + \
                    len(held):
                term = held[ord(source) - PLACEHOLDER_BASE]
                decided.append(Piece(term, self.protected[term], How.BOOK))
            elif source in self.words:  # type: ignore[operator]
                decided.append(Piece(source, self.words[source], How.WORD))  # type: ignore[index]
            elif rule is not None:
                decided.append(Piece(source, rule.form, How.RULE, rule.name))
            else:
                decided.append(None)
        outputs = iter(self._opencc.convert(SEPARATOR.join(
            s for s, d in zip(sources, decided, strict=True) if d is None)).split(SEPARATOR))
        pieces = []
        offset = 0
        names = self._names(masked)
        for source, piece in zip(sources, decided, strict=True):
            if piece is None:
                pieces += self._refine(Piece(source, next(outputs), How.OPENCC), offset, cuts,
                                       names)
            else:
                pieces.append(piece)
            offset += len(source)
        return pieces

    def _words_in(self, word: str) -> list[tuple[int, str]]:
        """bookmaker's words of two characters or more inside one of jieba's words, longest
        first from the left (行动计划 → 行动/计划 → 計畫; 北回归线 → 回归线 → 迴歸線)."""
        found = []
        longest = max(map(len, self.words or {"": ""}))
        i = 0
        while i < len(word) - 1:
            for length in range(min(longest, len(word) - i), 1, -1):
                form = self.words.get(word[i:i + length])  # type: ignore[union-attr]
                if form is not None and len(form) == length:
                    found.append((i, form))
                    i += length
                    break
            else:
                i += 1
        return found

    def _names(self, masked: str) -> dict[int, str]:
        """Personal names by offset, where one may hold a character OpenCC writes otherwise."""
        if not any(c in masked for c in NAME_CHARACTERS):
            return {}
        # only a name with one of them changes anything (``_refine``)
        return dict(segment.personal_names(masked, NAME_CHARACTERS))

    def _refine(self, piece: Piece, offset: int, cuts: list[int],
                names: dict[int, str]) -> list[Piece]:
        """OpenCC's conversion of a piece, with bookmaker's decisions inside it: its own words
        where OpenCC's phrase joined them to others (合作伙伴 → 合作夥伴), the standard form of
        a character (佈 → 布), the characters of a personal name (范云 → 范雲)."""
        if len(piece.output) != len(piece.source):  # a vocabulary swap (s2twp): leave it whole
            return [piece]
        decisions: dict[int, tuple[str, How, str]] = {}
        # jieba's boundaries within the piece (``cuts`` ascend: found by halving, not by
        # reading all of a paragraph's for each of its pieces)
        within = cuts[bisect.bisect_left(cuts, offset):
                      bisect.bisect_right(cuts, offset + len(piece.source))]
        inner = [c - offset for c in within]
        for a, b in itertools.pairwise(inner):
            for start, form in self._words_in(piece.source[a:b]):
                for i, char in enumerate(form):
                    decisions[a + start + i] = (char, How.WORD, "")
        for i, (source, output) in enumerate(zip(piece.source, piece.output, strict=True)):
            form = standard_form(self.config, source, output)
            if form and i not in decisions:
                decisions[i] = (form, How.RULE, f"standard form {form}")
        for start, name in names.items():
            for i, char in enumerate(name):
                at = start + i - offset
                kept = SURNAMES if i == 0 else GIVEN_NAMES
                if 0 <= at < len(piece.source) and char in kept and at not in decisions:
                    form = surname(char, self.opencc)
                    if form != piece.output[at]:
                        decisions[at] = (form, How.NAME, f"personal name {name}")
        return split_piece(piece, decisions)


def split_piece(piece: Piece, decisions: dict[int, tuple[str, How, str]]) -> list[Piece]:
    """``piece`` with the characters at the decided indexes replaced, each decided character a
    piece of its own."""
    if not decisions:
        return [piece]
    out: list[Piece] = []
    run = 0
    for i in sorted(decisions):
        if i > run:
            out.append(Piece(piece.source[run:i], piece.output[run:i], piece.how, piece.why))
        form, how, why = decisions[i]
        out.append(Piece(piece.source[i], form, how, why))
        run = i + 1
    if run < len(piece.source):
        out.append(Piece(piece.source[run:], piece.output[run:], piece.how, piece.why))
    return out


# Characters of personal names that OpenCC's table writes otherwise in running text: surnames
# (范 → 範), and in a given name 郁 (→ 鬱, never a name's); 余 may be 餘 there (蔡易餘).
SURNAMES = frozenset("于余范沈谷郁卜朴姜党胡游钟")
GIVEN_NAMES = frozenset("郁")
NAME_CHARACTERS = SURNAMES | GIVEN_NAMES


def corner_quotes(text: str, state: QuoteState) -> str:
    """“”‘’ as 「」『』: the outer pair 「」, the next 『』, and so on by nesting depth."""
    out = []
    for i, char in enumerate(text):
        if char == "’" and 0 < i < len(text) - 1 and LATIN.match(text[i - 1]) \
                and LATIN.match(text[i + 1]):
            out.append(char)  # an apostrophe: Xi’an, don’t
        elif char in OPENING:
            out.append(CORNERS[state.depth % 2][0])
            state.depth += 1
        elif char in ("”", "’") and state.depth > 0:
            state.depth -= 1
            out.append(CORNERS[state.depth % 2][1])
        else:
            out.append(char)
    return "".join(out)
