"""Rebuild bench/hant-corpus/*.txt from a clone of kiang/www.president.gov.tw (not needed to run
the benchmark: the extracted text is committed). Usage::

    python bench/hant_corpus_extract.py /path/to/www.president.gov.tw [COMMIT]

dev.txt: every 3rd news article of 2023 (by id); heldout.txt: every 6th article of 2025. Each
article is a `#` line (id, date, address) followed by its paragraphs, one a line.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent / "hant-corpus"
SETS = {"dev.txt": ("2023", 3), "heldout.txt": ("2025", 6)}


def git(repo: str, *args: str) -> str:
    return subprocess.run(["git", "-C", repo, *args], check=True, capture_output=True,
                          text=True).stdout


def extract(repo: str, commit: str, year: str, step: int) -> str:
    names = git(repo, "ls-tree", "--name-only", f"{commit}:news_json/{year}").split()
    names.sort(key=lambda n: int(n.removesuffix(".json")))
    lines = []
    for name in names[::step]:
        article = json.loads(git(repo, "show", f"{commit}:news_json/{year}/{name}"))
        paragraphs = [" ".join(p.split()) for p in article["content_paragraphs"]]
        lines.append(f"# {article['id']} {article['date']} {article['url']}")
        lines += [p for p in paragraphs if p and not p.startswith("#")]
    return "\n".join(lines) + "\n"


def main() -> None:
    repo = sys.argv[1]
    commit = sys.argv[2] if len(sys.argv) > 2 else "HEAD"
    for filename, (year, step) in SETS.items():
        (OUT / filename).write_text(extract(repo, commit, year, step), encoding="utf-8")


if __name__ == "__main__":
    main()
