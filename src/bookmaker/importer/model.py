"""What an import produces before it is written: chapters as Markdown, the book's data as far
as the input tells it, and the list of corrections."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Correction:
    """One change to the input (or one doubt left for the editor), at the input's lines."""

    lines: str  # "L100/L104", "L178"
    what: str  # what kind of change: "page-break join", "OCR slip", …
    before: str
    after: str
    certain: bool = True  # False: not changed; a lint warning (``code``) says the same
    code: str = ""  # the lint rule that finds it


@dataclass
class ImportedChapter:
    title: str
    body: str  # Markdown
    kind: str = "chapter"
    title_lines: list[str] | None = None
    date: str | None = None
    authors: list[dict[str, object]] = field(default_factory=list)
    excerpt: bool = False


@dataclass
class ImportedImage:
    name: str  # images/<name>
    data: bytes


@dataclass
class ImportedBook:
    source: str  # the input file's name
    chapters: list[ImportedChapter]
    corrections: list[Correction] = field(default_factory=list)
    images: list[ImportedImage] = field(default_factory=list)
    front_matter: str = ""  # input text before the first chapter, for the editor
    meta: dict[str, object] = field(default_factory=dict)  # book.yaml values found in the input
