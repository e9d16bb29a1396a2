"""A cover image drawn from the metadata, for books that bring none.

The design (size, colours, faces, positions) is ``styles/cover.toml``; this module only lays the
text out in the boxes it describes.
"""

from __future__ import annotations

import io
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any

from PIL import Image, ImageColor, ImageDraw, ImageFont
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from bookmaker.diagnostics import BookError, Diagnostic, Location, error
from bookmaker.load.files import find_in_book, read_text
from bookmaker.model import Book
from bookmaker.resources import FontFace, data_dir

DESIGN = "styles/cover.toml"


def _colour(value: str) -> str:
    ImageColor.getrgb(value)  # ValueError: unknown color specifier
    return value


Colour = Annotated[str, AfterValidator(_colour)]
Pixels = Annotated[float, Field(ge=0, le=10_000)]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")

    family: str
    weight: int
    size: float = Field(gt=0, le=1000)
    colour: Colour
    line_spacing: float = Field(gt=0, le=10)


class _Title(_Part):
    top: Pixels
    first_line_scale: float = Field(default=1.0, gt=0, le=10)


class _Contributors(_Part):
    top: Pixels


class _Publisher(_Part):
    bottom: Pixels


class CoverDesign(BaseModel):
    """What ``cover.toml`` may say; a book's own design is checked like its book.yaml."""

    model_config = ConfigDict(extra="forbid")

    width: int = Field(gt=0, le=10_000)
    height: int = Field(gt=0, le=10_000)
    background: Colour
    quality: int = Field(ge=1, le=100)
    title: _Title
    contributors: _Contributors
    publisher: _Publisher


def cover_design(book_dir: Path) -> dict[str, Any]:
    """The book's ``styles/cover.toml`` when it has one, else bookmaker's, validated."""
    if find_in_book(book_dir, DESIGN) is not None:
        text, path = read_text(book_dir, DESIGN), DESIGN
    else:
        text, path = (data_dir() / DESIGN).read_text(encoding="utf-8"), DESIGN
    try:
        design = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"at line (\d+)", str(exc))
        raise error("S001", f"TOML syntax error: {exc}", path,
                    int(where.group(1)) if where else None,
                    "check the quotes, brackets and '=' on this line") from None
    try:
        return CoverDesign.model_validate(design).model_dump()
    except ValidationError as exc:
        raise BookError(_diagnostics(exc, path)) from None


def _diagnostics(exc: ValidationError, path: str) -> list[Diagnostic]:
    """One line for the keys missing (an incomplete design lacks many), one for each other
    problem."""
    hint = "see bookmaker's own styles/cover.toml for every key"
    problems = exc.errors(include_url=False)
    missing = [".".join(str(p) for p in e["loc"]) for e in problems if e["type"] == "missing"]
    found = []
    if missing:
        found.append(Diagnostic("S009", f"missing keys: {', '.join(missing)}", Location(path),
                                hint))
    for problem in problems:
        key = ".".join(str(p) for p in problem["loc"])
        if problem["type"] == "missing":
            continue
        if problem["type"] == "extra_forbidden":
            code, message = "S002", f"unknown key '{key}'"
        else:
            code = "S003"
            message = f"bad value for '{key}': {str(problem['msg']).removeprefix('Value error, ')}"
        found.append(Diagnostic(code, message, Location(path), hint))
    return found


def draw_cover(book: Book, design: dict[str, Any], faces: list[FontFace],
               role_words: dict[str, str]) -> bytes:
    """The cover as JPEG bytes; the same book and design give the same bytes."""
    width, height = design["width"], design["height"]
    image = Image.new("RGB", (width, height), design["background"])
    draw = ImageDraw.Draw(image)

    def font(part: dict[str, Any], scale: float = 1.0) -> ImageFont.FreeTypeFont:
        face = next((f for f in faces
                     if f.family == part["family"] and f.weight == part["weight"]), None)
        if face is None:
            raise error("S003", f"no face '{part['family']}' of weight {part['weight']}",
                        DESIGN, hint="name a family and weight of data/fonts/fonts.toml")
        return ImageFont.truetype(str(face.path), max(1, round(part["size"] * scale)))

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
