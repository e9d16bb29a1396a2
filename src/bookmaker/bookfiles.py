"""Reading files of a book directory: paths that stay inside it, text that is UTF-8.

Every stage that reads a file the book names (the loader, the variants' dictionary) goes
through here, so that nothing reads outside the book."""

from __future__ import annotations

from pathlib import Path

from bookmaker.diagnostics import error

BOOK_FILE = "book.yaml"  # the book's metadata and reading order, at the top of its directory


def resolve_inside(book_dir: Path, relative: str, referrer: str, line: int | None = None) -> Path:
    """The absolute path of ``relative``, which must name a place inside ``book_dir``.

    Symbolic links are followed before the check, so a link cannot lead outside either.
    """
    root = book_dir.resolve()
    candidate = Path(relative)
    target = (root / candidate).resolve()
    if candidate.is_absolute() or not target.is_relative_to(root):
        raise error(
            "S008",
            f"path '{relative}' leads outside the book directory",
            referrer, line,
            "use a path relative to the book directory, inside it",
        )
    return target


def read_text(book_dir: Path, relative: str) -> str:
    """The text of a file of the book, which must be UTF-8."""
    data = (book_dir / relative).read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise error(
            "S006",
            f"the file is not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            relative, line,
            "save it as UTF-8, e.g. `iconv -f GB18030 -t UTF-8`",
        ) from None
    return text.removeprefix("\ufeff")
