"""Render the page images of docs/ from the built PDFs (run by `make docs-images`): the title
leaf (title page and copyright page) and a spread of body text from the screen PDF, as a reader
sees them side by side; and, given the press PDF too, the top outer corner of a verso as the
printer gets it, with the trim (red) and the bleed (blue) drawn over it. Needs pdftoppm."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw

# left and right page, 1-based: the title page beside its verso; a verso and recto of text
SPREADS = {"title-leaf.png": (3, 4), "body-spread.png": (14, 15)}


def render(pdf: Path, page: int, folder: Path, dpi: int = 80) -> Image.Image:
    stem = folder / f"p{page}"
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page),
                    "-singlefile", str(pdf), str(stem)], check=True)
    return Image.open(f"{stem}.png").convert("RGB")


def spread(left: Image.Image, right: Image.Image, gutter: int = 12) -> Image.Image:
    out = Image.new("RGB", (left.width + right.width + gutter, left.height), "#8a8a8a")
    out.paste(left, (0, 0))
    out.paste(right, (left.width + gutter, 0))
    return out


CORNER_PAGE = 14  # a verso of body text: its top left corner is the outer one
CORNER = 50  # mm of the MediaBox shown, from its top left corner
MEDIA_MARGIN, BLEED = 10, 3  # mm: the press PDF's MediaBox beyond the trim, and the bleed


def press_corner(press: Path, folder: Path, dpi: int = 200) -> Image.Image:
    page = render(press, CORNER_PAGE, folder, dpi)
    px = dpi / 25.4
    corner = page.crop((0, 0, round(CORNER * px), round(CORNER * px)))
    draw = ImageDraw.Draw(corner)
    for inset, colour in ((MEDIA_MARGIN, "#d0342c"), (MEDIA_MARGIN - BLEED, "#2c6fd0")):
        at = round(inset * px)
        draw.line([(at, at), (corner.width, at)], fill=colour, width=1)
        draw.line([(at, at), (at, corner.height)], fill=colour, width=1)
    return corner


def main(pdf: Path, docs: Path, press: Path | None = None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for name, (left, right) in SPREADS.items():
            image = spread(render(pdf, left, Path(tmp)), render(pdf, right, Path(tmp)))
            image.save(docs / name, optimize=True)
            print(f"wrote {docs / name}")
        if press:
            press_corner(press, Path(tmp)).save(docs / "press-corner.png", optimize=True)
            print(f"wrote {docs / 'press-corner.png'}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]) if len(sys.argv) > 3 else None)
