"""The Traditional-Chinese edition of a book: its converter (OpenCC with the book's names and
dictionary protected) and the ``Book -> Book`` conversion.

Only reader text is converted, as the model marks it (``reader_text``): titles, names, headings,
paragraphs, notes, table cells, captions, the data of the copyright page. Never ids, hrefs, file
names, code, web addresses, the ISBN or pinyin. The templates' own labels are converted when
they are compiled (see ``render.documents.template_environment``).
"""

from __future__ import annotations

from pathlib import Path

from bookmaker.bookfiles import BOOK_FILE
from bookmaker.model import Book, BookMeta, Inline, VariantConfig
from bookmaker.reader_text import map_reader_text, map_run_text
from bookmaker.variants.convert import Converter, QuoteState
from bookmaker.variants.dictionary import load_dictionary
from bookmaker.variants.names import declared_names, personal_name


def variant_config(meta: BookMeta, variant: str) -> VariantConfig:
    return meta.variants.get(variant, VariantConfig())  # type: ignore[call-overload]


def make_converter(book: Book, book_dir: Path, variant: str) -> Converter:
    """OpenCC for the edition, with the book's names and dictionary protected."""
    config = variant_config(book.meta, variant)
    plain = Converter(config.opencc, corner_quotes=False)
    people, corporate = declared_names(book)
    protected = {name: personal_name(name, plain.opencc) for name in people}
    protected |= {name: plain.convert(name) for name in corporate}
    if config.dictionary:
        protected |= load_dictionary(book_dir, config.dictionary, BOOK_FILE)
    return Converter(config.opencc, protected, config.corner_quotes)


def runs_of(book: Book) -> list[list[str]]:
    """The text nodes of each run of the book's reader text (a paragraph, a heading, a table
    cell), in the order ``convert_book`` converts them."""
    runs: list[list[str]] = []

    def record(inlines: list[Inline]) -> list[Inline]:
        texts: list[str] = []
        runs.append(texts)

        def keep(text: str) -> str:
            texts.append(text)
            return text
        return map_run_text(inlines, keep)

    map_reader_text(book, run=record)
    return runs


def convert_runs(converter: Converter, runs: list[list[str]]) -> list[list[str]]:
    """Each run's text nodes converted together, so that quotation marks pair up across them;
    each run on its own (a run converts the same whatever is converted before it)."""
    converted = []
    for texts in runs:
        quotes = QuoteState()
        converted.append([converter.convert(text, quotes) for text in texts])
    return converted


def convert_book(book: Book, converter: Converter, language: str,
                 config: VariantConfig | None = None,
                 runs: list[list[str]] | None = None) -> Book:
    """The book's reader text converted (``reader_text``): each string of the metadata on its
    own, the text nodes of a run together (``convert_runs``; ``runs``: converted already, of
    ``runs_of(book)``). Its publication data are the edition's own (``config``), never the
    source's: the source's print product is kept only as what the edition was made from."""
    converted_runs = iter(runs if runs is not None else convert_runs(converter, runs_of(book)))

    def run(inlines: list[Inline]) -> list[Inline]:
        texts = iter(next(converted_runs))
        return map_run_text(inlines, lambda text: next(texts))

    config = config or VariantConfig()
    converted = map_reader_text(book, text=converter.convert, run=run)
    meta = converted.meta.model_copy(update={"language": language, "publisher": config.publisher,
                                             "products": config.products})
    return converted.model_copy(update={"meta": meta,
                                        "converted_from": converted.product("print")})
