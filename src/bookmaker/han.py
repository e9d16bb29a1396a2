"""Which characters are Han (CJK ideographs): one definition for the whole tool.

The unified ideographs with extension A, the compatibility ideographs, and the supplementary
planes (extensions B and on). Punctuation, kana and full-width Latin are not Han.
"""

from __future__ import annotations

import re

HAN_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
HAN = re.compile(f"[{HAN_RANGES}]")


def is_han(char: str) -> bool:
    return bool(char) and HAN.fullmatch(char) is not None
