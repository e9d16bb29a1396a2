"""An imported book written as a book directory: book.yaml, chapters/, images/,
CORRECTIONS.md and, when the input had title and copyright pages, front-matter.txt."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bookmaker.importer.model import Correction, ImportedBook, ImportedChapter
from bookmaker.scaffold import book_name

# What book.yaml needs and an input may not say: examples the editor replaces (the ISBN has a
# valid check digit, so that the book builds; it is nobody's).
EXAMPLES: dict[str, object] = {
    "title": "书名",
    "contributors": [{"name": "作者姓名", "role": "author"}],
    "publisher": {"name": "出版社名称", "place": "北京"},
    "date": "2024",
    "isbn": "978-7-00-000000-1",
}


def dump(data: object) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


def book_yaml(books: list[ImportedBook], name: str, chapters: list[str]) -> str:
    found: dict[str, object] = {}
    for book in books:
        found = {**book.meta, **found}
    if "title" not in found:
        found["title"] = books[0].chapters[0].title
    missing = [key for key in EXAMPLES if key not in found]
    data = {"name": name, "language": "zh-Hans",
            **{key: found.get(key, EXAMPLES[key]) for key in EXAMPLES if key != "isbn"}}
    # the ISBN the input prints is the print book's: the e-book has its own, or none
    data["products"] = {"print": {"isbn": found.get("isbn", EXAMPLES["isbn"]),
                                  "edition": {"number": 1, "date": data["date"]}}}
    data["chapters"] = chapters
    sources = ", ".join(b.source for b in books)
    header = [f"# Imported from {sources} by `bookmaker import`. Check every value against the",
              "# book (docs/source-format.md); front-matter.txt has the text of its title and",
              "# copyright pages, CORRECTIONS.md every change made to the text."]
    if missing:
        header.append(f"# EXAMPLES TO REPLACE (the input does not say): {', '.join(missing)}")
    return "\n".join(header) + "\n" + dump(data)


def chapter_file(chapter: ImportedChapter) -> str:
    meta: dict[str, object] = {"title": chapter.title}
    if chapter.title_lines:
        meta["title_lines"] = chapter.title_lines
    meta["kind"] = chapter.kind
    if chapter.date:
        meta["date"] = chapter.date
    if chapter.authors:
        meta["authors"] = chapter.authors
    if chapter.excerpt:
        meta["excerpt"] = True
    return f"---\n{dump(meta)}---\n\n{chapter.body}"


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ⏎ ")


def first_line(correction: Correction) -> int:
    found = re.search(r"\d+", correction.lines)
    return int(found.group()) if found else 0


def corrections_md(books: list[ImportedBook]) -> str:
    out = ["# Corrections made by `bookmaker import`", "",
           "Line numbers (L…) are those of the input file. *Changed* lists what the import "
           "changed; *Uncertain* what it left as it was, for the editor to decide: "
           "`bookmaker lint` warns about each (the rule is named).", ""]
    for book in books:
        changes = sorted(book.corrections, key=first_line)
        out += [f"## {book.source}", "", "### Changed", "",
                "| lines | what | before | after | rule |", "|---|---|---|---|---|"]
        out += [f"| {c.lines} | {c.what} | {cell(c.before)} | {cell(c.after)} | {c.code} |"
                for c in changes if c.certain]
        uncertain = [c for c in changes if not c.certain]
        out += ["", "### Uncertain — left as written", ""]
        if uncertain:
            out += ["| lines | what | as written | possible reading | rule |",
                    "|---|---|---|---|---|"]
            out += [f"| {c.lines} | {c.what} | {cell(c.before)} | {cell(c.after)} | {c.code} |"
                    for c in uncertain]
        else:
            out.append("None.")
        out.append("")
    return "\n".join(out)


def write_book(books: list[ImportedBook], into: Path) -> list[Path]:
    files: dict[str, bytes] = {}
    chapters: list[str] = []
    for book in books:
        for chapter in book.chapters:
            relative = f"chapters/{len(chapters) + 1:02d}-{chapter.kind}.md"
            chapters.append(relative)
            files[relative] = chapter_file(chapter).encode("utf-8")
        for image in book.images:
            files[f"images/{image.name}"] = image.data
    files["book.yaml"] = book_yaml(books, book_name(into), chapters).encode("utf-8")
    files["CORRECTIONS.md"] = corrections_md(books).encode("utf-8")
    front = "\n".join(b.front_matter for b in books if b.front_matter)
    if front:
        files["front-matter.txt"] = front.encode("utf-8")
    written = []
    for relative, data in files.items():
        path = into / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    return written
