"""``bookmaker new``: a minimal valid book to start from (book.yaml with comments, two
chapters), from the package's ``data/scaffold/``."""

from __future__ import annotations

import re
from datetime import date
from importlib.resources import files
from pathlib import Path

from bookmaker.diagnostics import error

NAME = re.compile(r"[a-z0-9][a-z0-9-]*")


def book_name(directory: Path) -> str:
    """The output file stem: the directory's name when it has the allowed form."""
    name = directory.resolve().name.lower()
    return name if NAME.fullmatch(name) else "book"


def scaffold_files() -> dict[str, str]:
    """The scaffold's files, relative path -> text (a template with {name}, {title}, {year})."""
    root = files("bookmaker") / "data" / "scaffold"
    found: dict[str, str] = {"book.yaml": (root / "book.yaml").read_text(encoding="utf-8")}
    for chapter in sorted((root / "chapters").iterdir(), key=lambda p: p.name):
        found[f"chapters/{chapter.name}"] = chapter.read_text(encoding="utf-8")
    return found


def new_book(directory: Path, title: str = "书名", year: int | None = None) -> list[Path]:
    """Write the scaffold into ``directory``, which must not exist or be empty."""
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise error("N001", f"'{directory}' exists and is not empty", str(directory),
                    hint="give a new directory")
    values = {"name": book_name(directory), "title": title, "year": year or date.today().year}
    written = []
    for relative, template in scaffold_files().items():
        path = directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        text = template.format(**values) if relative == "book.yaml" else template
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
