"""Reading the lines of a typeset PDF back, to measure Chinese line composition.

Body lines are found by matching the PDF's text, line by line, against the source paragraphs in
reading order, so each line is known as first, middle or last of its paragraph. That matching
also proves that the extracted text is the source text, with no inserted character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from statistics import median

import pdfplumber

from bookmaker.model import Book, PageDesign, Paragraph, plain_text

MM = 72 / 25.4
LINE_START_FORBIDDEN = set("、，。；：？！）》」』”’")
LINE_END_FORBIDDEN = set("（《「『“‘")
PAIRED = ("——", "……")
HAN = re.compile("[\u3400-\u9fff]")


@dataclass
class Line:
    page: int  # 0-based
    text: str
    x0: float
    x1: float
    first: bool = False
    last: bool = False
    glyphs: tuple[tuple[str, float, float], ...] = ()  # character, x0, x1

    def gaps(self) -> list[tuple[str, str, float]]:
        """Each two neighbouring characters and the gap between them."""
        return [(a[0], b[0], b[1] - a[2])
                for a, b in zip(self.glyphs, self.glyphs[1:], strict=False)]

    def pair_advances(self, marks: set[str]) -> list[tuple[str, float]]:
        """Each two adjacent ``marks`` inside the line and the room they take: from the end of
        the glyph before them to the start of the glyph after them, less the line's usual
        justification gap. (A glyph's own box cannot tell: a half-width mark keeps its full
        width in the PDF's font metrics, and may be drawn shifted.)"""
        usual = median([g for a, b, g in self.gaps() if HAN.match(a) and HAN.match(b)] or [0])
        glyphs = self.glyphs
        return [(glyphs[i][0] + glyphs[i + 1][0], glyphs[i + 2][1] - glyphs[i - 1][2] - usual)
                for i in range(1, len(glyphs) - 2)
                if glyphs[i][0] in marks and glyphs[i + 1][0] in marks]


def body_paragraphs(book: Book) -> list[str]:
    return [plain_text(b.children) for c in book.chapters for b in c.blocks
            if isinstance(b, Paragraph) and plain_text(b.children)]


def pdf_lines(path: Path, size: float) -> list[Line]:
    """Every line of text set at ``size`` pt, in reading order."""
    lines: list[Line] = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages):
            rows: list[list[dict]] = []
            chars = [c for c in page.chars if abs(c["size"] - size) < 0.05 and c["text"].strip()]
            for char in sorted(chars, key=lambda c: c["top"]):
                # glyphs of one line share a baseline; their boxes' tops differ by < 1 pt
                if rows and abs(rows[-1][0]["top"] - char["top"]) < 1:
                    rows[-1].append(char)
                else:
                    rows.append([char])
            for row in rows:
                chars = sorted(row, key=lambda c: c["x0"])
                lines.append(Line(number, "".join(c["text"] for c in chars),
                                  chars[0]["x0"], chars[-1]["x1"],
                                  glyphs=tuple((c["text"], c["x0"], c["x1"]) for c in chars)))
    return lines


def match_body_lines(lines: list[Line], paragraphs: list[str]) -> tuple[list[Line], int]:
    """The lines that make up the paragraphs, marked first/last; and how many paragraphs were
    found whole, in order."""
    found: list[Line] = []
    index, offset = 0, 0
    for line in lines:
        if index == len(paragraphs):
            break
        rest = paragraphs[index][offset:]
        if not rest.startswith(line.text):
            continue
        line.first = offset == 0
        offset += len(line.text)
        line.last = offset == len(paragraphs[index])
        if line.last:
            index, offset = index + 1, 0
        found.append(line)
    return found, index


def ragged(lines: list[Line], page: PageDesign, tolerance: float) -> list[str]:
    """Lines that are not flush with the type area: every line's start (after the two-em
    indent of a first line) and every line's end but a paragraph's last."""
    width, indent = page.text_width * MM, 2 * page.body_size
    problems = []
    for line in lines:
        # page 0 is a recto: the gutter is on the left of rectos, on the right of versos
        left = (page.inner if line.page % 2 == 0 else page.outer) * MM
        start = left + (indent if line.first else 0)
        if abs(line.x0 - start) > tolerance:
            problems.append(f"p.{line.page + 1} starts {line.x0 - start:+.2f} pt: "
                            f"{line.text[:10]}")
        if not line.last and abs(line.x1 - (left + width)) > tolerance:
            problems.append(f"p.{line.page + 1} ends {line.x1 - left - width:+.2f} pt: "
                            f"…{line.text[-10:]}")
    return problems


def violations(lines: list[Line]) -> list[str]:
    problems = []
    for line, following in zip(lines, [*lines[1:], None], strict=True):
        if line.text[0] in LINE_START_FORBIDDEN:
            problems.append(f"p.{line.page + 1} line starts with {line.text[0]}: {line.text[:12]}")
        if line.text[-1] in LINE_END_FORBIDDEN:
            problems.append(f"p.{line.page + 1} line ends with {line.text[-1]}: …{line.text[-12:]}")
        if following is not None and not line.last:
            joint = line.text[-1] + following.text[0]
            if joint in PAIRED:
                problems.append(f"p.{line.page + 1} {joint} split across lines")
    return problems
