"""The Traditional-Chinese edition: a transform ``Book -> Book`` through OpenCC.

Only text is converted: titles, names, headings, paragraphs, captions, the data of the
copyright page. Never ids, hrefs, file names, code, URLs, the ISBN or Latin text (OpenCC leaves
Latin alone). The templates' own labels are converted when they are compiled (see
``render.documents.template_environment``).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from bookmaker.model import (
    Book,
    BookMeta,
    Code,
    Emphasis,
    Heading,
    Link,
    Paragraph,
    Span,
    TableCell,
    Text,
    VariantConfig,
)
from bookmaker.variants.convert import Converter, QuoteState
from bookmaker.variants.dictionary import load_dictionary
from bookmaker.variants.names import declared_names, personal_name

VARIANTS = ("zh-Hant",)
# Fields that hold paths, identifiers, codes or Latin text, never converted.
NOT_TEXT = frozenset({"src", "href", "source", "cover", "images", "id", "language", "website",
                      "postcode", "title_pinyin", "dictionary"})
NOT_TEXT_OF_BOOK_META = frozenset({"name", "chapters"})  # the output stem, the chapter paths
BLOCKS_WITH_TEXT = (Paragraph, Heading, TableCell)
INLINES = (Text, Emphasis, Link, Span)


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
        protected |= load_dictionary(book_dir, config.dictionary, "book.yaml")
    return Converter(config.opencc, protected, config.corner_quotes)


def convert_book(book: Book, converter: Converter, language: str) -> Book:
    converted = _convert(book, converter, QuoteState())
    meta = converted.meta.model_copy(update={"language": language})
    return converted.model_copy(update={"meta": meta})


def _convert(value: object, converter: Converter, quotes: QuoteState | None = None) -> object:
    if isinstance(value, str):
        return converter.convert(value, quotes or QuoteState())
    if isinstance(value, list):
        return [_convert(v, converter, quotes) for v in value]
    if isinstance(value, dict):
        return {k: _convert(v, converter, quotes) for k, v in value.items()}
    if isinstance(value, Code) or not isinstance(value, BaseModel):
        return value
    if isinstance(value, BLOCKS_WITH_TEXT):
        quotes = QuoteState()  # quotation marks pair up within a block, across its inlines
    elif not isinstance(value, INLINES):
        quotes = None  # each string of the metadata stands alone
    return value.model_copy(update={
        name: _convert(getattr(value, name), converter, quotes)
        for name in type(value).model_fields
        if name not in NOT_TEXT
        and not (isinstance(value, BookMeta) and name in NOT_TEXT_OF_BOOK_META)
    })
