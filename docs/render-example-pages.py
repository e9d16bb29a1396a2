"""Render page images of the second example book (run by `make example-images`): the page of
its editor's note with the figure and the table, the page with its lists, and a page of 幽梦影
with its notes, at 60 dpi, from the screen PDF that `make examples` builds. Needs poppler's
pdftoppm.

    python docs/render-example-pages.py build/examples/jingdian-sanzhong.pdf docs
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pdfplumber

Page = pdfplumber.page.Page
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"


def has_figure(page: Page) -> bool:
    return bool(page.images) and "表1" in (page.extract_text() or "")


def has_lists(page: Page) -> bool:
    text = page.extract_text() or ""
    return "编辑体例" in text and "lunyu.json" in text


def has_notes(page: Page) -> bool:
    """A page of 幽梦影 whose foot holds at least four notes."""
    text = page.extract_text() or ""
    small = [c for c in page.chars if c["size"] < 9 and c["text"] in CIRCLED]
    return "曰：" in text and len(small) >= 4


IMAGES: dict[str, Callable[[Page], bool]] = {
    "example-figure.png": has_figure,
    "example-lists.png": has_lists,
    "example-notes.png": has_notes,
}


def main() -> None:
    pdf_path, out = Path(sys.argv[1]), Path(sys.argv[2])
    with pdfplumber.open(pdf_path) as pdf:
        found = {name: next(i for i, page in enumerate(pdf.pages, start=1) if wanted(page))
                 for name, wanted in IMAGES.items()}
    for name, number in found.items():
        stem = out / name.removesuffix(".png")
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", "-f", str(number),
                        "-l", str(number), str(pdf_path), str(stem)], check=True)
        print(f"{name}: page {number}")


if __name__ == "__main__":
    main()
