"""Text a reader sees: the one walk over the fields the model marks as reader text.

``model.py`` marks each field a reader sees (``Prose``, ``Verbatim``, ``ProseRun``; see
``model.ReaderText``); every other field (ids, paths, hrefs, codes, numbers) is never touched.
Variant conversion, the variants report, the typography transforms and font coverage all go
through here, so that they agree on what is text: block quotes, lists, footnotes, table cells,
captions, chapter front matter and the data of ``book.yaml`` included.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel

from bookmaker.bookfiles import BOOK_FILE
from bookmaker.diagnostics import Location
from bookmaker.model import Book, Chapter, Inline, ReaderText

TextMap = Callable[[str], str]
RunMap = Callable[[list[Inline]], list[Inline]]


@dataclass(frozen=True)
class Passage:
    """One piece of reader text, with the place in the source it comes from."""

    location: Location
    text: str
    verbatim: bool = False  # shown exactly as written: code, a web address, pinyin


def reader_passages(book: Book, verbatim: bool = False) -> Iterator[Passage]:
    """The book's reader text in reading order: each prose string, and each run of inline
    text (a paragraph, a heading, a table cell) as the plain text of its prose; with
    ``verbatim``, the verbatim strings too (code, web addresses, pinyin)."""
    yield from _passages(book.meta, Location(BOOK_FILE), verbatim)
    for chapter in book.chapters:
        yield from _passages(chapter, Location(chapter.source), verbatim)


def map_reader_text(book: Book, text: TextMap | None = None, run: RunMap | None = None) -> Book:
    """The book with ``text`` applied to every prose string outside runs (titles, names,
    captions, the metadata), and ``run`` to the inline nodes of every run. Verbatim strings
    and unmarked fields are left as they are."""
    return _map(book, text, run)


def map_run_text(inlines: list[Inline], text: TextMap) -> list[Inline]:
    """The inline nodes of one run with ``text`` applied to each prose string (text nodes,
    inside emphasis, links and spans too; never code)."""
    return _map(inlines, text, None)


@cache
def reader_fields(model: type[BaseModel]) -> dict[str, str]:
    """The marked fields of ``model``, with their kind: prose, verbatim or run."""
    marks = {}
    for name, info in model.model_fields.items():
        kind = _mark(info.annotation, tuple(info.metadata))
        if kind:
            marks[name] = kind
    return marks


# ---------------------------------------------------------------------------------------------


def _mark(annotation: Any, metadata: tuple[Any, ...] = ()) -> str | None:
    """The ``ReaderText`` kind in an annotation: on the field itself, or on the items of a
    list or an optional (``list[Prose]``, ``Prose | None``)."""
    for item in metadata:
        if isinstance(item, ReaderText):
            return item.kind
    if get_origin(annotation) is Annotated:
        inner, *extra = get_args(annotation)
        return _mark(inner, tuple(extra))
    return next((kind for arg in get_args(annotation) if (kind := _mark(arg))), None)


def _strings(value: object) -> Iterator[str]:
    """The strings of a marked field's value: a string, a list of them, or None."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _located(value: BaseModel, where: Location) -> Location:
    if isinstance(value, Chapter):
        return Location(value.source)
    line = getattr(value, "line", None)
    return Location(where.path, line) if isinstance(line, int) else where


def _passages(value: object, where: Location, verbatim: bool) -> Iterator[Passage]:
    if isinstance(value, list | tuple):
        for item in value:
            yield from _passages(item, where, verbatim)
    elif isinstance(value, dict):
        yield from _passages(list(value.values()), where, verbatim)
    elif isinstance(value, BaseModel):
        where = _located(value, where)
        marks = reader_fields(type(value))
        for name in type(value).model_fields:
            kind, field = marks.get(name), getattr(value, name)
            if kind is None:
                yield from _passages(field, where, verbatim)
            elif kind == "run":
                parts = list(_passages(field, where, verbatim=True))
                prose = "".join(p.text for p in parts if not p.verbatim)
                if prose:
                    yield Passage(where, prose)
                if verbatim:
                    yield from (p for p in parts if p.verbatim)
            elif kind == "prose" or verbatim:
                yield from (Passage(where, s, kind == "verbatim") for s in _strings(field) if s)


def _map(value: Any, text: TextMap | None, run: RunMap | None) -> Any:
    """``value`` with the maps applied; the same object where nothing changed."""
    if isinstance(value, list):
        items = [_map(item, text, run) for item in value]
        return items if any(a is not b for a, b in zip(items, value, strict=True)) else value
    if isinstance(value, dict):
        mapped = {key: _map(item, text, run) for key, item in value.items()}
        return mapped if any(mapped[k] is not value[k] for k in value) else value
    if not isinstance(value, BaseModel):
        return value
    marks = reader_fields(type(value))
    update = {}
    for name in type(value).model_fields:
        kind, field = marks.get(name), getattr(value, name)
        if kind is None:
            new = _map(field, text, run)
        elif kind == "run" and run is not None:
            new = run(field)
        elif kind == "prose" and text is not None:
            new = _map_strings(field, text)
        else:
            new = field
        if new is not field:
            update[name] = new
    return value.model_copy(update=update) if update else value


def _map_strings(value: Any, text: TextMap) -> Any:
    if isinstance(value, str):
        return text(value)
    if isinstance(value, list):
        return [_map_strings(item, text) for item in value]
    return value  # None
