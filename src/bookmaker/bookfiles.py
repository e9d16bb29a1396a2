"""Reading files of a book directory: paths that stay inside it, sizes that stay bounded, text
that is UTF-8 and holds only characters a book can show.

Every file a build reads from a book goes through these functions, in every stage: chapters,
book.yaml, images, the variants' dictionaries, and the book's own styles, templates and cover
design. A path is resolved (symbolic links followed) before it is checked, so a link cannot
lead outside either.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from bookmaker.diagnostics import error

BOOK_FILE = "book.yaml"  # the book's metadata and reading order, at the top of its directory
MIB = 1024 * 1024
# Code points that are not text: C0 and C1 controls (but tab and line ends), DEL, and the
# noncharacters (U+FDD0–U+FDEF and the last two of every plane). XML refuses most of them;
# none of them means anything on a page.
NOT_TEXT = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef"
    + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}"
              for plane in range(17))
    + "]"
)


def resolve_inside(book_dir: Path, relative: str, referrer: str, line: int | None = None) -> Path:
    """The absolute path of ``relative``, which must name a place inside ``book_dir``.

    Symbolic links are followed before the check, so a link cannot lead outside either.
    """
    root = book_dir.resolve()
    candidate = Path(relative)
    try:
        target = (root / candidate).resolve()
    except (OSError, RuntimeError):  # a loop of links
        target = None
    if candidate.is_absolute() or target is None or not target.is_relative_to(root):
        raise error(
            "S008",
            f"path '{relative}' leads outside the book directory",
            referrer, line,
            "use a path relative to the book directory, inside it",
        )
    return target


def find_in_book(book_dir: Path, relative: str) -> Path | None:
    """The resolved path of an optional file of the book (an override of a style or a
    template), or None when the book has no such file; a link leading outside is an error
    named at the file itself."""
    if not (book_dir / relative).exists() and not (book_dir / relative).is_symlink():
        return None
    path = resolve_inside(book_dir, relative, relative)
    return path if path.is_file() else None


def read_bytes(book_dir: Path, relative: str, referrer: str | None = None,
               line: int | None = None, limit: int | None = None, what: str = "file") -> bytes:
    """The bytes of a file of the book; ``referrer`` and ``line`` say where it is named.

    ``limit`` (bytes) is checked before reading: a book cannot make the build read without end.
    """
    referrer = referrer or relative
    path = resolve_inside(book_dir, relative, referrer, line)
    if not path.is_file():
        raise error("S004", f"{what} '{relative}' does not exist", referrer, line,
                    "create the file or correct the path")
    size = path.stat().st_size
    if limit is not None and size > limit:
        raise error("S016", f"{what} '{relative}' is {size / MIB:.1f} MiB, more than the limit "
                    f"of {limit / MIB:.1f} MiB", referrer, line,
                    "split it, make it smaller, or raise the limit under 'limits:' in book.yaml")
    try:
        return path.read_bytes()
    except OSError as exc:  # no permission, a disk error
        raise error("S004", f"{what} '{relative}' cannot be read: {exc.strerror or exc}",
                    referrer, line, "check the file's permissions") from None


def read_text(book_dir: Path, relative: str, referrer: str | None = None,
              line: int | None = None, limit: int | None = None, what: str = "file") -> str:
    """The text of a file of the book, which must be UTF-8 (a byte-order mark is dropped,
    Windows and old Mac line ends become \\n) and hold no control characters or
    noncharacters."""
    data = read_bytes(book_dir, relative, referrer, line, limit, what)
    return decode_text(data, relative)


def decode_text(data: bytes, path: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise error(
            "S006",
            f"the file is not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            path, line,
            "save it as UTF-8, e.g. `iconv -f GB18030 -t UTF-8`",
        ) from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    check_characters(text, path)
    return text


def check_characters(text: str, path: str, first_line: int = 1) -> None:
    """Refuses control characters and noncharacters, naming the line and column of the first."""
    found = NOT_TEXT.search(text)
    if found is None:
        return
    char = found.group()
    line = text.count("\n", 0, found.start()) + first_line
    column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
    name = unicodedata.name(char, "a control character or noncharacter")
    raise error("S011", f"character U+{ord(char):04X} ({name}) at column {column} is not text",
                path, line, "delete it: controls and noncharacters cannot be shown in a book")
