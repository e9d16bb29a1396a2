"""Reading the value lists of OpenCC's compiled dictionaries (.ocd2), to know which Simplified
characters have more than one Traditional form."""

from __future__ import annotations

import struct
from functools import cache
from pathlib import Path

import opencc


def dictionary_dir() -> Path:
    return Path(opencc.__file__).resolve().parent / "clib" / "share" / "opencc"


def opencc_values(path: Path) -> list[list[str]]:
    """The value lists of an .ocd2 dictionary.

    The file is a header, a marisa trie of the keys and then the serialized values: uint32
    item count, uint32 pool size, the pool of NUL-terminated strings, and per item a uint16
    value count and uint16 byte lengths. The values block is the only offset whose parse ends
    exactly at the end of the file.
    """
    data = path.read_bytes()
    for start in range(len(data) - 8):
        items = _parse_values_at(data, start)
        if items is not None:
            return items
    raise ValueError(f"no value table found in {path}")


def _parse_values_at(data: bytes, start: int) -> list[list[str]] | None:
    count, pool_size = struct.unpack_from("<II", data, start)
    pool = start + 8
    pos = pool + pool_size
    if not 0 < count < 1_000_000 or pos > len(data):
        return None
    items: list[list[str]] = []
    try:
        for _ in range(count):
            (n_values,) = struct.unpack_from("<H", data, pos)
            lengths = struct.unpack_from(f"<{n_values}H", data, pos + 2)
            pos += 2 + 2 * n_values
            values = []
            for length in lengths:
                values.append(data[pool : pool + length - 1].decode("utf-8"))
                pool += length
            items.append(values)
    except (struct.error, UnicodeDecodeError):
        return None
    return items if pos == len(data) and pool == start + 8 + pool_size else None


@cache
def one_to_many() -> dict[str, tuple[str, ...]]:
    """Traditional candidates by their default (first) form, for the characters of
    STCharacters that have more than one: 發 → (發, 髮)."""
    return {values[0]: tuple(values) for values in opencc_values(
        dictionary_dir() / "STCharacters.ocd2") if len(values) > 1}
