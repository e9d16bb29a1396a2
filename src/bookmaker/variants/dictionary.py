"""A book's own conversion dictionary: terms and overrides for the Traditional edition.

One entry a line, UTF-8; `#` starts a comment:

    于均波<TAB>于均波      a source and the Traditional form to use
    公里                  a term to keep exactly as written
"""

from __future__ import annotations

from pathlib import Path

from bookmaker.bookfiles import read_text, resolve_inside
from bookmaker.diagnostics import error


def load_dictionary(book_dir: Path, relative: str, referrer: str) -> dict[str, str]:
    path = resolve_inside(book_dir, relative, referrer)
    if not path.is_file():
        raise error("S004", f"conversion dictionary '{relative}' does not exist", referrer,
                    hint="create it or correct variants.zh-Hant.dictionary")
    return parse_dictionary(read_text(book_dir, relative), relative)


def parse_dictionary(text: str, path: str) -> dict[str, str]:
    """Entries of a dictionary's text; ``path`` names the file in errors."""
    entries: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].rstrip(" \r")  # a trailing tab is an empty form, kept
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) > 2 or any(not f or " " in f or "\u3000" in f for f in fields):
            raise error("V001", "a dictionary line is a term, or a term, a tab and its form",
                        path, number, "separate the two with one tab, no spaces")
        source = fields[0]
        if source in entries:
            raise error("V002", f"'{source}' is in the dictionary twice", path, number,
                        "keep one entry")
        entries[source] = fields[-1]
    return entries
