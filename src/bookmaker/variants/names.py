"""Names declared by the book are converted once, carefully, and then protected.

A personal name is converted character by character, without phrase context (OpenCC's phrases
would read 于均波 as 於均波), and a surname that is written the same in Traditional Chinese
keeps its form. A corporate name is converted as a whole, like any text.
"""

from __future__ import annotations

from collections.abc import Callable

from bookmaker.model import Book

# Surnames whose Simplified form is also the Traditional one, although OpenCC maps the
# character elsewhere in running text (于→於, 余→餘, 范→範, 沈→瀋, 谷→穀, 郁→鬱, 胡→鬍, 游→遊 …).
SURNAMES_KEPT = frozenset("于余范沈谷郁卜朴姜党胡游")


def declared_names(book: Book) -> tuple[list[str], list[str]]:
    """Personal and corporate names from book.yaml and the chapters' front matter."""
    meta = book.meta
    people = [c.name for c in meta.contributors if not c.corporate]
    corporate = [c.name for c in meta.contributors if c.corporate]
    printed = book.product("print")
    publisher = printed.publisher
    corporate += [n for n in (publisher and publisher.name, publisher and publisher.group,
                              printed.distributor, printed.seller, printed.printer) if n]
    if meta.editorial_board:
        people += [n for group in meta.editorial_board.groups for n in group.names]
    people += [a.name for chapter in book.chapters for a in chapter.meta.authors]
    return list(dict.fromkeys(people)), list(dict.fromkeys(corporate))


def personal_name(name: str, convert_alone: Callable[[str], str]) -> str:
    """The surname (the first character) kept where it is one of SURNAMES_KEPT; every
    character otherwise converted alone."""
    return surname(name, convert_alone) + "".join(convert_alone(c) for c in name[1:])


def surname(name: str, convert_alone: Callable[[str], str]) -> str:
    """The Traditional form of a personal name's first character, its surname."""
    return name[:1] if name[:1] in SURNAMES_KEPT else convert_alone(name[:1])
