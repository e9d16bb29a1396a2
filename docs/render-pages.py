"""Render the two page images of docs/ from the built screen PDF (run by `make docs-images`):
the title leaf (title page and copyright page) and a spread of body text, as a reader sees
them side by side. Needs poppler's pdftoppm."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

# left and right page, 1-based: the title page beside its verso; a verso and recto of text
SPREADS = {"title-leaf.png": (3, 4), "body-spread.png": (12, 13)}


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


def main(pdf: Path, docs: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for name, (left, right) in SPREADS.items():
            image = spread(render(pdf, left, Path(tmp)), render(pdf, right, Path(tmp)))
            image.save(docs / name, optimize=True)
            print(f"wrote {docs / name}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
