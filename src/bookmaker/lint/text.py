"""The text a lint rule reads: prose blocks with every character's place in the source file.

A chapter's Markdown is parsed by the loader's own parser (for the blocks and their lines); the
markup of each line (``## ``, ``> ``, ``**``, links, footnote calls, table pipes) is taken out
and each remaining character keeps its column, so that a finding names the line and column an
editor sees. Extracted plain text (``bookmaker import``) becomes the same blocks, one per run of
non-blank lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from bookmaker.load.markdown import parse_tokens

# Markup at the start of a line: block quote marks, a list marker, a heading's hashes, the label
# of a footnote definition.
LINE_PREFIX = re.compile(
    r"^[ \t]*(?:>[ \t]?)*(?:(?:[-+*]|\d+[.)])[ \t]+)?(?:#{1,6}[ \t]+)?(?:\[\^[^\]]+\]:[ \t]*)?"
)
# Markup inside a line: an image, a link target, a footnote call, emphasis, brackets of a link,
# backticks, backslash escapes. (Table pipes stay: they keep the cells of a row apart.)
INLINE_MARKUP = re.compile(r"!\[[^\]]*\]\([^)]*\)|\]\([^)]*\)|\[\^[^\]]+\]|[*_`\[\]]|\\(?=.)")
TABLE_DELIMITER = re.compile(r"^[ \t|:-]+$")


@dataclass(frozen=True)
class ProseLine:
    """One line of prose: its text without markup, and the 1-based source column of each
    character of it."""

    line: int
    text: str
    columns: tuple[int, ...]

    @classmethod
    def plain(cls, line: int, text: str) -> ProseLine:
        return cls(line, text, tuple(range(1, len(text) + 1)))

    @classmethod
    def from_markdown(cls, line: int, raw: str) -> ProseLine:
        prefix = LINE_PREFIX.match(raw)
        start = prefix.end() if prefix else 0
        text: list[str] = []
        columns: list[int] = []
        position = start
        for match in INLINE_MARKUP.finditer(raw, start):
            text.append(raw[position:match.start()])
            columns += range(position + 1, match.start() + 1)
            position = match.end()
        text.append(raw[position:])
        columns += range(position + 1, len(raw) + 1)
        return cls(line, "".join(text), tuple(columns))


@dataclass(frozen=True)
class TextBlock:
    """A paragraph, a heading or a table row: its prose lines, in order."""

    kind: str  # paragraph | heading | table-row | list-item | footnote | salutation
    lines: tuple[ProseLine, ...]
    level: int = 0  # of a heading

    @property
    def first_line(self) -> int:
        return self.lines[0].line

    @property
    def last_line(self) -> int:
        return self.lines[-1].line

    @property
    def text(self) -> str:
        """The block's text, lines joined as a reader sees them (a soft break is nothing)."""
        return "".join(line.text for line in self.lines)

    def place(self, index: int) -> tuple[int, int]:
        """The (line, column) of character ``index`` of ``text``; one past the end is the
        column after the last character."""
        for prose in self.lines:
            if index < len(prose.text):
                return prose.line, prose.columns[index]
            index -= len(prose.text)
        last = self.lines[-1]
        return last.line, (last.columns[-1] + 1) if last.columns else 1


@dataclass(frozen=True)
class SourceText:
    """The prose of one file of the book, as blocks in reading order."""

    path: str
    blocks: tuple[TextBlock, ...]
    excerpt: bool = False  # the text stops mid-sentence on purpose (chapter front matter)

    def gaps(self) -> Iterator[tuple[TextBlock, TextBlock, int]]:
        """Each pair of neighbouring blocks and the number of blank lines between them."""
        for before, after in zip(self.blocks, self.blocks[1:], strict=False):
            yield before, after, after.first_line - before.last_line - 1


def markdown_blocks(body: str, first_line: int) -> tuple[TextBlock, ...]:
    """The prose blocks of a chapter's Markdown body, which starts at line ``first_line``."""
    lines = body.split("\n")
    blocks: list[TextBlock] = []
    seen: set[tuple[int, int]] = set()
    opening = ""
    level = 0
    within: list[str] = []  # the containers open around the token
    for token in parse_tokens(body):
        if token.type.endswith("_open"):
            opening = token.type.removesuffix("_open")
            level = int(token.tag[1]) if opening == "heading" else 0
            within.append(opening)
        elif token.type.endswith("_close") and within:
            within.pop()
        if token.type != "inline" or not token.map or tuple(token.map) in seen:
            continue
        seen.add(tuple(token.map))
        kind = block_kind(opening, within)
        prose = tuple(
            ProseLine.from_markdown(first_line + n, lines[n])
            for n in range(token.map[0], token.map[1])
            if not (kind == "table-row" and TABLE_DELIMITER.match(lines[n]))
        )
        if prose:
            blocks.append(TextBlock(kind, prose, level))
    return tuple(blocks)


def block_kind(opening: str, within: list[str]) -> str:
    if opening in ("th", "td"):
        return "table-row"
    if opening == "heading":
        return "heading"
    if "footnote" in within:
        return "footnote"
    if "list_item" in within:
        return "list-item"
    return "paragraph"


def plain_blocks(text: str, first_line: int = 1) -> tuple[TextBlock, ...]:
    """Blocks of plain text: runs of non-blank lines, each line as it is."""
    blocks: list[TextBlock] = []
    current: list[ProseLine] = []
    for number, line in enumerate(text.split("\n"), start=first_line):
        if line.strip():
            current.append(ProseLine.plain(number, line.rstrip()))
        elif current:
            blocks.append(TextBlock("paragraph", tuple(current)))
            current = []
    if current:
        blocks.append(TextBlock("paragraph", tuple(current)))
    return tuple(blocks)
