"""The transforms each output gets: named, ordered lists of ``Book -> Book`` functions."""

from __future__ import annotations

from collections.abc import Callable

from bookmaker.model import Book
from bookmaker.transform.typography import (
    allow_breaks_at_quotes,
    halt_adjacent_punctuation,
    keep_last_characters,
    mark_lead_ins,
    upright_short_numbers,
)

Transform = Callable[[Book], Book]

# For the print edition. (Reading systems reflow the EPUB themselves.) The quarter em between
# Han and Latin is set on the rendered print document, titles and copyright page included
# (``render.print_edition.space_han_and_latin``).
PRINT: list[tuple[str, Transform]] = [
    ("halt-adjacent-punctuation", halt_adjacent_punctuation),
    ("keep-last-characters", keep_last_characters),
    ("mark-lead-ins", mark_lead_ins),
    ("allow-breaks-at-quotes", allow_breaks_at_quotes),  # last: the others see the text alone
]


# For a vertical EPUB.
VERTICAL: list[tuple[str, Transform]] = [
    ("upright-short-numbers", upright_short_numbers),
]


def apply(book: Book, transforms: list[tuple[str, Transform]]) -> Book:
    for _name, transform in transforms:
        book = transform(book)
    return book
