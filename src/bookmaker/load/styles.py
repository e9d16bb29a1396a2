"""A book's own stylesheets: read from inside the book, and refused when they would load
anything else.

The EPUB carries the book's stylesheets, chapters, images and fonts, nothing more; the PDF reads
only what the fetcher allows. A stylesheet that imports another file or names one in ``url()``
would break the EPUB and, aimed outside the book, read what the book has no right to: both are
diagnostics, found before anything is built. ``data:`` URLs are self-contained and allowed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import tinycss2
from tinycss2.ast import AtRule, FunctionBlock, Node, QualifiedRule, URLToken

from bookmaker.bookfiles import MIB, find_in_book, read_text
from bookmaker.diagnostics import error

STYLESHEET_LIMIT = 1 * MIB


def book_stylesheet(book_dir: Path, name: str) -> str | None:
    """The text of the book's own ``styles/<name>``, checked; None when it has none."""
    relative = f"styles/{name}"
    if find_in_book(book_dir, relative) is None:
        return None
    css = read_text(book_dir, relative, limit=STYLESHEET_LIMIT)
    check_references(css, relative)
    return css


def check_references(css: str, path: str) -> None:
    for node in _nodes(tinycss2.parse_stylesheet(css, skip_comments=True)):
        target = None
        if isinstance(node, AtRule) and node.lower_at_keyword == "import":
            target = tinycss2.serialize(node.prelude).strip()
        elif isinstance(node, URLToken):
            target = node.value
        elif isinstance(node, FunctionBlock) and node.lower_name in ("url", "src", "image-set"):
            target = tinycss2.serialize(node.arguments).strip().strip("'\"")
        if target is not None and not target.lower().startswith("data:"):
            raise error("S012", f"the stylesheet loads another file: {target}", path,
                        node.source_line,
                        "a book's stylesheet may not @import or url() files; put the rules "
                        "in this file")


def _nodes(nodes: list[Node] | None) -> Iterator[Node]:
    """Every node of the tree, without recursion (a stylesheet may nest blocks deeply)."""
    stack = list(reversed(nodes or []))
    while stack:
        node = stack.pop()
        yield node
        children: list[Node] = []
        if isinstance(node, AtRule | QualifiedRule):
            children = [*(node.prelude or []), *(node.content or [])]
        elif isinstance(node, FunctionBlock):
            children = node.arguments
        elif isinstance(getattr(node, "content", None), list):  # () [] {} blocks
            children = node.content
        stack.extend(reversed(children))
