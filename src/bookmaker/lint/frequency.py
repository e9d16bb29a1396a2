"""How likely a run of Chinese text is, from word frequencies: jieba's dictionary (349,046
words with their counts in a large corpus), read as data; jieba itself is not run.

The likelihood of a run is that of its most probable segmentation into dictionary words (a
character not in the dictionary counts once), as jieba computes its route.
"""

from __future__ import annotations

import math
from functools import cache
from importlib.util import find_spec
from pathlib import Path

LONGEST_WORD = 6


@cache
def word_counts() -> dict[str, int]:
    spec = find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("jieba is not installed: it is a dependency of bookmaker")
    path = Path(spec.submodule_search_locations[0]) / "dict.txt"
    counts: dict[str, int] = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            word, count, *_ = line.split(" ")
            counts[word] = int(count)
    return counts


@cache
def total_count() -> int:
    return sum(word_counts().values())


def log_likelihood(text: str) -> float:
    """The natural log of the probability of the best segmentation of ``text``."""
    counts, log_total = word_counts(), math.log(total_count())
    best = [0.0] + [-math.inf] * len(text)
    for end in range(1, len(text) + 1):
        for start in range(max(0, end - LONGEST_WORD), end):
            word = text[start:end]
            count = counts.get(word, 1 if end - start == 1 else 0)
            if count:
                best[end] = max(best[end], best[start] + math.log(count) - log_total)
    return best[-1]


def in_word(text: str, index: int) -> bool:
    """Whether character ``index`` of ``text`` belongs to a dictionary word of two or more
    characters there."""
    counts = word_counts()
    starts = range(max(0, index - LONGEST_WORD + 1), index + 1)
    return any(text[start:end] in counts for start in starts
               for end in range(max(index + 1, start + 2),
                                min(len(text), start + LONGEST_WORD) + 1))
