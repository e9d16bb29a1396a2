"""The load stage: a book directory -> a validated ``Book``.

``load_book`` reads ``book.yaml`` and every chapter it names, and raises ``BookError`` with
diagnostics that name the file and line of the first problem found in each file.
"""

from bookmaker.load.book import load_book

__all__ = ["load_book"]
