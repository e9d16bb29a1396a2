"""Which characters' Traditional form depends on the word, and how risky each choice is, learnt
from OpenCC's own phrase dictionary: 里 is 裡 in 这里 and 里 in 公里, so 里 is ambiguous; a
lone 里 written 裡 is wrong in as many words as write it 里."""

from __future__ import annotations

from collections import Counter, defaultdict
from functools import cache

from bookmaker.variants.segment import opencc_phrases
from bookmaker.variants.tables import one_to_many, phrases, read_dictionary


@cache
def _variants() -> dict[str, str]:
    """OpenCC's Taiwan variants (裏 → 裡), to compare forms whatever the configuration."""
    return {key: values[0] for key, values in read_dictionary("TWVariants.txt").items()}


def normal(char: str) -> str:
    return _variants().get(char, char)


@cache
def readings() -> dict[str, Counter[str]]:
    """For each one-to-many character, how many of OpenCC's phrases write it in each form."""
    candidates = one_to_many()
    table = {**read_dictionary("STPhrases.txt"),
             **read_dictionary("STPhrases_GeneratedFromRegionalPhrases.txt")}
    found: dict[str, Counter[str]] = defaultdict(Counter)
    for key in phrases():
        value = table[key][0]
        if len(value) != len(key):
            continue
        for source, form in zip(key, value, strict=True):
            if source in candidates:
                found[source][normal(form)] += 1
    return dict(found)


def is_ambiguous(source: str) -> bool:
    """Known to depend on the word: OpenCC's phrases write it in two forms or more."""
    return len(readings().get(source, ())) >= 2


def risk(source: str, chosen: str) -> float:
    """The share of OpenCC's phrases with ``source`` that write it otherwise than ``chosen``:
    how often this choice, made without its word, would be wrong."""
    counts = readings().get(source)
    if not counts:
        return 0.0
    return 1 - counts[normal(chosen)] / sum(counts.values())


def phrase_covered(text: str) -> list[bool]:
    """For each character of ``text``, whether OpenCC's forward maximum matching over its
    phrases puts it in a phrase (decided by a word) rather than alone (by its table)."""
    words, longest = opencc_phrases()
    covered = [False] * len(text)
    i = 0
    while i < len(text):
        for length in range(min(longest, len(text) - i), 1, -1):
            if text[i:i + length] in words:
                covered[i:i + length] = [True] * length
                i += length
                break
        else:
            i += 1
    return covered
