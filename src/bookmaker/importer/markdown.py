"""Text as Markdown of the chapter format: characters that would start markup escaped."""

from __future__ import annotations

import re

INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
BLOCK_START = re.compile(r"^(\s*)(\d*)([#>+\-=:.)])")


def escape(text: str, start: bool = True) -> str:
    """``text`` as literal Markdown; ``start``: also what would begin a block at a line start
    (``#``, ``>``, ``-``, ``1.``, ``:::``)."""
    text = INLINE_SPECIAL.sub(r"\\\1", text)
    if start:
        text = "\n".join(BLOCK_START.sub(r"\1\2\\\3", line) for line in text.split("\n"))
    return text
