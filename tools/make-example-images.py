"""Draw the two figures of the second example book (made for the test, not from any source).

Usage::

    python tools/make-example-images.py [examples/jingdian-sanzhong]

- ``images/seal.png``: a square seal in red, its four characters 经典三种 in the bundled serif,
  two to a column, read right column first, as seals are.
- ``images/counts.png``: a bar chart of the Han characters of the book's three parts, counted
  from its chapters (text and notes apart), so that the figure says what the book holds.

The same book gives the same bytes (Pillow writes PNG without a timestamp).
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from bookmaker.load import load_book
from bookmaker.model import Container, ListBlock, Paragraph, plain_text
from bookmaker.resources import fonts_dir

RED = (178, 34, 34)
PAPER = (255, 255, 255)
INK = (40, 40, 40)
PARTS = {"论语": ("02", "03"), "屈原赋": ("04", "05", "06", "07", "08"),
         "幽梦影": ("09", "10", "11", "12", "13")}


def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "NotoSerifCJKsc-Bold.otf" if bold else "NotoSerifCJKsc-Regular.otf"
    return ImageFont.truetype(str(fonts_dir() / name), size)


def seal(path: Path) -> None:
    size, border = 600, 22
    image = Image.new("RGB", (size, size), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle([border, border, size - border, size - border], outline=RED, width=18)
    draw.rectangle([border + 30, border + 30, size - border - 30, size - border - 30],
                   outline=RED, width=5)
    glyphs = font(205, bold=True)
    cells = {"经": (1, 0), "典": (1, 1), "三": (0, 0), "种": (0, 1)}  # right column first
    inner, step = border + 45, (size - 2 * (border + 45)) / 2
    for char, (column, row) in cells.items():
        centre = (inner + step * (column + 0.5), inner + step * (row + 0.5))
        draw.text(centre, char, font=glyphs, fill=RED, anchor="mm")
    image.save(path, optimize=False)


def han(text: str) -> int:
    return sum(1 for c in text if "\u3400" <= c <= "\u9fff" or 0x20000 <= ord(c) <= 0x3FFFF)


def text_of(blocks: list) -> str:
    parts = []
    for block in blocks:
        if isinstance(block, Paragraph):
            parts.append(plain_text(block.children))
        elif isinstance(block, Container):
            parts.append(text_of(block.children))
        elif isinstance(block, ListBlock):
            parts += [text_of(item) for item in block.items]
    return "".join(parts)


def counts(book_dir: Path) -> dict[str, tuple[int, int]]:
    """Han characters of each part: (text, notes)."""
    book = load_book(book_dir)
    found = {}
    for part, numbers in PARTS.items():
        chapters = [c for c in book.chapters if Path(c.source).name[:2] in numbers]
        found[part] = (sum(han(text_of(c.blocks)) for c in chapters),
                       sum(han(text_of(n.children)) for c in chapters for n in c.footnotes))
    return found


def chart(path: Path, found: dict[str, tuple[int, int]]) -> None:
    width, height, left, top, bar, gap = 1200, 600, 200, 60, 90, 60
    scale = (width - left - 220) / max(text + notes for text, notes in found.values())
    image = Image.new("RGB", (width, height), PAPER)
    draw = ImageDraw.Draw(image)
    labels, small = font(40), font(30)
    for i, (part, (text, notes)) in enumerate(found.items()):
        y = top + i * (bar + gap)
        draw.text((left - 30, y + bar / 2), part, font=labels, fill=INK, anchor="rm")
        draw.rectangle([left, y, left + text * scale, y + bar], fill=RED)
        if notes:
            draw.rectangle([left + text * scale, y, left + (text + notes) * scale, y + bar],
                           fill=(230, 160, 150))
        draw.text((left + (text + notes) * scale + 20, y + bar / 2), f"{text + notes:,}",
                  font=small, fill=INK, anchor="lm")
    draw.line([left, top - 20, left, top + 3 * (bar + gap) - gap + 20], fill=INK, width=3)
    y = top + 3 * (bar + gap) + 10
    draw.rectangle([left, y, left + 40, y + 30], fill=RED)
    draw.text((left + 55, y + 15), "正文", font=small, fill=INK, anchor="lm")
    draw.rectangle([left + 200, y, left + 240, y + 30], fill=(230, 160, 150))
    draw.text((left + 255, y + 15), "评语（脚注）", font=small, fill=INK, anchor="lm")
    image.save(path, optimize=False)


def main() -> None:
    book_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "examples/jingdian-sanzhong")
    images = book_dir / "images"
    images.mkdir(exist_ok=True)
    seal(images / "seal.png")
    found = counts(book_dir)
    chart(images / "counts.png", found)
    for part, (text, notes) in found.items():
        print(f"{part}: {text} + {notes}")


if __name__ == "__main__":
    main()
