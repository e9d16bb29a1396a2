"""Small books written for a test: a minimal book.yaml and chapters given as Markdown.

The filler text is the sample book's own speech, paragraph by paragraph, so that generated
chapters read (and break into lines) like real Chinese prose.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from conftest import SAMPLE

BOOK_YAML = {
    "name": "testbook",
    "language": "zh-Hans",
    "title": "排版测试文集",
    "contributors": [{"name": "测试编者", "role": "editor"}],
    "publisher": {"name": "测试出版社", "place": "北京"},
    "date": "2006-06",
    "products": {"print": {"isbn": "7-200-06528-5", "edition": {"number": 1, "date": "2006-06"}}},
}


def sample_paragraphs() -> list[str]:
    """The body paragraphs of the sample's speech: no headings, containers or blank lines."""
    text = (SAMPLE / "chapters" / "02-speech.md").read_text(encoding="utf-8")
    body = text.split("\n---\n", 1)[1]
    blocks = [p.strip() for p in body.split("\n\n")]
    return [p for p in blocks if p and not p.startswith(("#", ":::"))]


def filler(count: int, start: int = 0) -> str:
    """``count`` paragraphs of the sample, from ``start``, wrapping round."""
    paragraphs = sample_paragraphs()
    return "\n\n".join(paragraphs[(start + i) % len(paragraphs)] for i in range(count))


def chapter(title: str, body: str, **front: object) -> str:
    """A chapter file: front matter with ``title`` and ``front``, then ``body``."""
    meta = yaml.safe_dump({"title": title, **front}, allow_unicode=True, sort_keys=False)
    return f"---\n{meta}---\n\n{body.strip()}\n"


def write_book(target: Path, chapters: list[str], files: dict[str, bytes] | None = None,
               **meta: object) -> Path:
    """A book directory at ``target`` with ``chapters`` (files of :func:`chapter`), further
    ``files`` (images) and book.yaml keys ``meta`` over the minimal ones."""
    names = [f"chapters/{i:02d}.md" for i in range(1, len(chapters) + 1)]
    for name, text in zip(names, chapters, strict=True):
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        (target / name).write_text(text, encoding="utf-8")
    for name, data in (files or {}).items():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        (target / name).write_bytes(data)
    book = {**BOOK_YAML, **meta, "chapters": names}
    (target / "book.yaml").write_text(yaml.safe_dump(book, allow_unicode=True, sort_keys=False),
                                      encoding="utf-8")
    return target
