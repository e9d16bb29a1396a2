"""Render the layout page images of docs/ (run by `make docs-images`): a page with a figure, a
page with lists and a page with footnotes, at 60 dpi, from the book that tests/test_layout.py
generates to measure them. Needs poppler's pdftoppm."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pdfplumber

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import test_layout  # noqa: E402  (the generated book and its chapters)
from bookgen import write_book  # noqa: E402
from bookmaker.build import build  # noqa: E402

Page = pdfplumber.page.Page


def has_figure(page: Page) -> bool:
    """A figure at the top of the page and text flowing on under it."""
    body = [c for c in page.chars if abs(c["size"] - test_layout.EM) < 0.05]
    return bool(page.images) and len(body) > 300 and min(i["top"] for i in page.images) < min(
        c["top"] for c in body)


def has_lists(page: Page) -> bool:
    text = "".join(c["text"] for c in page.chars)
    return "第2项" in text


def has_notes(page: Page) -> bool:
    notes = [c for c in page.chars if abs(c["size"] - test_layout.NOTE_SIZE) < 0.05]
    return sum(c["text"] in test_layout.CIRCLED for c in notes) >= 3


IMAGES: dict[str, Callable[[Page], bool]] = {
    "layout-figure.png": has_figure,
    "layout-lists.png": has_lists,
    "layout-notes.png": has_notes,
}


def main(docs: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        chapters = [test_layout.lists_chapter(), test_layout.notes_chapter(),
                    test_layout.floats_chapter()]
        book = write_book(Path(tmp) / "book", chapters, test_layout.IMAGES)
        pdf = build(book, Path(tmp) / "out", formats=("pdf",), profiles=("screen",)).outputs[0]
        with pdfplumber.open(pdf) as document:
            pages = list(document.pages)
            for name, wanted in IMAGES.items():
                number = next(i for i, page in enumerate(pages, start=1) if wanted(page))
                stem = Path(tmp) / name.removesuffix(".png")
                subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(number), "-l",
                                str(number), "-singlefile", str(pdf), str(stem)], check=True)
                (docs / name).write_bytes(stem.with_suffix(".png").read_bytes())
                print(f"wrote {docs / name} (page {number})")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs")
