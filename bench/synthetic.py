"""A full-size synthetic book for benchmarks: the sample's metadata, 56 chapters, ~446,000 Han
characters of the sample's own paragraphs in a fixed shuffled order (no randomness between runs).
"""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "source"
HAN = re.compile(r"[\u3400-\u9fff]")


def sample_paragraphs() -> list[str]:
    paragraphs = []
    for chapter in sorted((SAMPLE / "chapters").glob("*.md")):
        body = chapter.read_text(encoding="utf-8").split("\n---\n", 1)[1]
        paragraphs += [p for p in body.split("\n\n") if len(HAN.findall(p)) > 40]
    return paragraphs


def make_synthetic_book(target: Path, chapters: int = 56, han_total: int = 446_000) -> Path:
    if target.exists():
        shutil.rmtree(target)
    (target / "chapters").mkdir(parents=True)
    pool = sample_paragraphs()
    rng = random.Random(843117)
    per_chapter = han_total // chapters
    names = []
    for n in range(1, chapters + 1):
        body, count, section = [], 0, 0
        while count < per_chapter:
            if count >= section * per_chapter // 4:
                section += 1
                body.append(f"## {'一二三四五'[section - 1]}、第{n}篇第{section}节")
            paragraph = rng.choice(pool)
            body.append(paragraph)
            count += len(HAN.findall(paragraph))
        name = f"chapters/{n:02d}.md"
        names.append(name)
        front = f"---\ntitle: 入选论文第{n}篇\nkind: paper\nauthors:\n  - name: 作者{n}\n---\n\n"
        (target / name).write_text(front + "\n\n".join(body) + "\n", encoding="utf-8")
    book = (SAMPLE / "book.yaml").read_text(encoding="utf-8")
    head, _ = book.split("\nchapters:", 1)
    listing = "".join(f"  - {name}\n" for name in names)
    (target / "book.yaml").write_text(f"{head}\nchapters:\n{listing}", encoding="utf-8")
    return target
