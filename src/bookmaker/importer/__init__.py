"""``bookmaker import``: Word files and text extracted from print -> a book directory.

``.docx`` through mammoth (headings, emphasis, footnotes, lists, tables, images); ``.txt`` (and
``.md`` read as plain text) through ``importer.text``. Every change is listed in the
book's ``CORRECTIONS.md``, the uncertain ones left as they were for ``bookmaker lint`` to warn
about. The book builds at once: what the input does not say, book.yaml fills with marked
examples for the editor to replace.
"""

from __future__ import annotations

from pathlib import Path

from bookmaker.diagnostics import error
from bookmaker.importer.model import ImportedBook
from bookmaker.importer.text import import_text
from bookmaker.importer.write import write_book

SUFFIXES = (".txt", ".docx")

__all__ = ["import_files", "read_input"]


def read_input(path: Path, title: str | None = None) -> ImportedBook:
    suffix = path.suffix.lower()
    if suffix == ".docx":
        from bookmaker.importer.docx import import_docx  # mammoth is read only for Word files

        return import_docx(path, title)
    if suffix not in SUFFIXES or not path.is_file():
        raise error("I001", f"cannot import '{path}'", str(path),
                    hint=f"give an existing {' or '.join(SUFFIXES)} file")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise error("S006", "the file is not UTF-8", path.name, line,
                    "convert it first, e.g. `iconv -f GB18030 -t UTF-8`") from None
    return import_text(text, path.name, title)


def import_files(paths: list[Path], into: Path, title: str | None = None) -> list[Path]:
    """Read each input in turn, and write them as one book into ``into`` (new or empty)."""
    if into.exists() and (not into.is_dir() or any(into.iterdir())):
        raise error("I002", f"'{into}' exists and is not empty", str(into),
                    hint="import into a new directory; bookmaker never overwrites a book")
    books = [read_input(path, title) for path in paths]
    return write_book(books, into)
