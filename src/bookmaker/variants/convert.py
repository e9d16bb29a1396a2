"""Simplified -> Traditional Chinese text, through the official OpenCC binding.

OpenCC converts plain text with phrase-level disambiguation. On top of it:
- protected terms (the names the book declares, and the book's own dictionary) are taken out
  of the text before conversion and put back as their fixed Traditional form, so that no
  phrase around them can change them (姓于 must not become 姓於);
- “”‘’ become 「」『』 by nesting depth, where the edition asks for corner quotes; an
  apostrophe between Latin letters stays.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import opencc

# Private-use code points stand for protected terms while OpenCC converts the rest.
PLACEHOLDER_BASE = 0xF0000
LATIN = re.compile("[A-Za-z]")
OPENING = {"“": "”", "‘": "’"}
CORNERS = (("「", "」"), ("『", "』"))


@dataclass
class QuoteState:
    """Open quotation marks, carried from one text node of a paragraph to the next."""

    depth: int = 0


@dataclass
class Converter:
    config: str  # s2tw, s2twp, s2hk, s2t
    protected: dict[str, str] = field(default_factory=dict)  # source -> Traditional form
    corner_quotes: bool = True

    def __post_init__(self) -> None:
        self._opencc = opencc.OpenCC(f"{self.config}.json")
        terms = sorted(self.protected, key=len, reverse=True)
        self._terms = terms
        self._pattern = re.compile("|".join(map(re.escape, terms))) if terms else None

    def opencc(self, text: str) -> str:
        """OpenCC alone, without protection or quotes."""
        return self._opencc.convert(text)

    def convert(self, text: str, quotes: QuoteState | None = None) -> str:
        if not text:
            return text
        held: list[str] = []

        def hold(match: re.Match[str]) -> str:
            held.append(self.protected[match.group()])
            return chr(PLACEHOLDER_BASE + len(held) - 1)

        masked = self._pattern.sub(hold, text) if self._pattern else text
        converted = self._opencc.convert(masked)
        if held:
            converted = "".join(
                held[ord(c) - PLACEHOLDER_BASE] if PLACEHOLDER_BASE <= ord(c) < PLACEHOLDER_BASE
                + len(held) else c for c in converted)
        if self.corner_quotes:
            converted = corner_quotes(converted, quotes or QuoteState())
        return converted


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
