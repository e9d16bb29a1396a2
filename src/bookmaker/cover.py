"""A cover image drawn from the metadata, for books that bring none.

The design (size, colours, faces, positions) is ``styles/cover.toml``; this module only lays the
text out in the boxes it describes.
"""

from __future__ import annotations

import io
import tomllib
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from bookmaker.model import Book
from bookmaker.resources import FontFace, styles_dirs


def cover_design(book_dir: Path) -> dict[str, Any]:
    for directory in styles_dirs(book_dir):
        if (directory / "cover.toml").is_file():
            with (directory / "cover.toml").open("rb") as f:
                return tomllib.load(f)
    raise FileNotFoundError("cover.toml")


def draw_cover(book: Book, design: dict[str, Any], faces: list[FontFace],
               role_words: dict[str, str]) -> bytes:
    """The cover as JPEG bytes; the same book and design give the same bytes."""
    width, height = design["width"], design["height"]
    image = Image.new("RGB", (width, height), design["background"])
    draw = ImageDraw.Draw(image)

    def font(part: dict[str, Any], scale: float = 1.0) -> ImageFont.FreeTypeFont:
        face = next(f for f in faces if f.family == part["family"] and f.weight == part["weight"])
        return ImageFont.truetype(str(face.path), round(part["size"] * scale), index=face.index)

    def lines(part: dict[str, Any], texts: list[str], top: float, scales: list[float]) -> None:
        y = top
        for text, scale in zip(texts, scales, strict=True):
            for piece in wrap(text, font(part, scale), width * 0.84, draw):
                draw.text((width / 2, y), piece, font=font(part, scale), fill=part["colour"],
                          anchor="mt")
                y += part["size"] * scale * part["line_spacing"]

    meta = book.meta
    title = meta.title_lines or [meta.title]
    title_part = design["title"]
    scales = [title_part["first_line_scale"] if i == 0 and len(title) > 1 else 1.0
              for i in range(len(title))]
    lines(title_part, title, title_part["top"], scales)

    credits = [f"{c.name}　{role_words[c.role]}" for c in meta.contributors]
    lines(design["contributors"], credits, design["contributors"]["top"], [1.0] * len(credits))

    publisher = design["publisher"]
    houses = [meta.publisher.group or meta.publisher.name]
    top = publisher["bottom"] - publisher["size"] * publisher["line_spacing"] * len(houses)
    lines(publisher, houses, top, [1.0])

    out = io.BytesIO()
    image.save(out, "JPEG", quality=design["quality"])
    return out.getvalue()


def wrap(text: str, font: ImageFont.FreeTypeFont, max_width: float,
         draw: ImageDraw.ImageDraw) -> list[str]:
    """Break ``text`` into lines no wider than ``max_width`` (Chinese breaks between any two
    characters)."""
    pieces: list[str] = []
    current = ""
    for char in text:
        if current and draw.textlength(current + char, font=font) > max_width:
            pieces.append(current)
            current = ""
        current += char
    return [*pieces, current] if current else pieces
