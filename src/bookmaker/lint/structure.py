"""Structure and metadata: section numbering, empty chapters, the ISBN and CIP numbers quoted in
the text, and the print data of book.yaml (印张 against 开本 and the page count; the trim size
against the folded paper)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from stdnum import isbn as stdnum_isbn

from bookmaker.lint.artifacts import looks_like_heading
from bookmaker.lint.registry import (
    Context,
    Finding,
    at,
    book_check,
    finding,
    text_check,
)
from bookmaker.lint.text import SourceText, TextBlock
from bookmaker.model import Book

NUMERALS = "一二三四五六七八九"
NUMBERED_HEADING = re.compile(
    r"^(?:([一二三四五六七八九十百]+)、|[（(]([一二三四五六七八九十百]+)[）)])")
ISBN_IN_TEXT = re.compile(r"ISBN[:：]?\s*([0-9][0-9Xx \-－]{8,22}[0-9Xx])")
CIP_IN_TEXT = re.compile(r"CIP\s*数据核字\s*[（(]\s*(\d+)\s*[）)]\s*第\s*(\S*?)\s*号")
CIP_NUMBER = re.compile(r"\d{6}")
BOOK_FILE = "book.yaml"
TRIM_ALLOWANCE = 20  # mm: a trimmed page is at most this much smaller than its folded leaf


def chinese_number(numeral: str) -> int:
    """一 … 九十九, 一百 …: the value of a Chinese numeral as headings use it."""
    value, digit = 0, 0
    for char in numeral:
        if char in NUMERALS:
            digit = NUMERALS.index(char) + 1
        elif char == "十":
            value += (digit or 1) * 10
            digit = 0
        elif char == "百":
            value += (digit or 1) * 100
            digit = 0
    return value + digit


def numbered(block: TextBlock) -> tuple[int, int] | None:
    """(level, number) of a numbered heading: 一、 at its level, （一） one below."""
    if block.kind != "heading" and not looks_like_heading(block.text):
        return None
    match = NUMBERED_HEADING.match(block.text)
    if not match:
        return None
    level = block.level or 2
    return (level, chinese_number(match.group(1))) if match.group(1) else (
        level + 1, chinese_number(match.group(2)))


@text_check("ST001")
def heading_sequence(source: SourceText, context: Context) -> Iterator[Finding]:
    last: dict[int, int] = {}
    for block in source.blocks:
        found = numbered(block)
        if found is None:
            continue
        level, number = found
        for deeper in [k for k in last if k > level]:
            del last[deeper]
        expected = last.get(level, 0) + 1
        if number != expected:
            yield at("ST001", source, block, 0,
                     f"heading numbered {number} where {expected} is next")
        last[level] = number


@text_check("ST002")
def empty_chapter(source: SourceText, context: Context) -> Iterator[Finding]:
    if not any(block.text.strip() for block in source.blocks):
        yield finding("ST002", source.path, 1, None, "the chapter has no text")


@text_check("ST003", "ST004")
def numbers_in_text(source: SourceText, context: Context) -> Iterator[Finding]:
    for block in source.blocks:
        for match in ISBN_IN_TEXT.finditer(block.text):
            digits = re.sub(r"[ \-－]", "", match.group(1))
            if len(digits) in (10, 13) and not stdnum_isbn.is_valid(digits):
                yield at("ST003", source, block, match.start(1),
                         f"ISBN {match.group(1)}: the check digit is wrong")
        for match in CIP_IN_TEXT.finditer(block.text):
            year, number = match.groups()
            if len(year) != 4 or not CIP_NUMBER.fullmatch(number):
                yield at("ST004", source, block, match.start(),
                         f"CIP record ({year}) 第{number}号: a four-digit year and a "
                         "six-digit number")


@book_check("ST004")
def cip_record(book: Book, context: Context) -> Iterator[Finding]:
    cip = book.meta.products.print.cip  # the record as written, of the print product
    if cip is None:
        return
    year, number = cip.record.year, cip.record.number
    line = context.yaml_lines.get(("products", "print", "cip", "record"))
    if not CIP_NUMBER.fullmatch(number):
        yield finding("ST004", BOOK_FILE, line, None,
                      f"cip.record.number '{number}' is not six digits")
    if not book.meta.date.year - 3 <= year <= book.meta.date.year:
        yield finding("ST004", BOOK_FILE, line, None,
                      f"cip.record.year {year} is not in the three years before the "
                      f"publication ({book.meta.date.year})")


@book_check("ST005")
def sheets(book: Book, context: Context) -> Iterator[Finding]:
    spec = book.meta.products.print
    if spec.sheets is None or spec.format is None:
        return
    line = context.yaml_lines.get(("products", "print", "sheets"))
    pages = spec.sheets * spec.format
    if spec.pages is not None and abs(spec.sheets - spec.pages / spec.format) > 0.01:
        yield finding("ST005", BOOK_FILE, line, None,
                      f"{spec.sheets} 印张 × {spec.format} 开 = {pages:g} pages, but "
                      f"products.print.pages is {spec.pages}: {spec.pages / spec.format:g} 印张")
    elif abs(pages - round(pages)) > 0.01 or round(pages) % 2:
        yield finding("ST005", BOOK_FILE, line, None,
                      f"{spec.sheets} 印张 × {spec.format} 开 = {pages:g} pages, not a whole "
                      "number of leaves")


@book_check("ST006")
def trim_fits(book: Book, context: Context) -> Iterator[Finding]:
    spec = book.meta.products.print
    if spec.paper is None or spec.format is None:
        return
    trim = book.meta.page.trim
    leaves = folded_leaves(spec.paper.width, spec.paper.height, spec.format)
    if not any(width - TRIM_ALLOWANCE <= trim.width <= width
               and height - TRIM_ALLOWANCE <= trim.height <= height
               for width, height in leaves):
        sizes = " or ".join(f"{w:.0f}×{h:.0f}" for w, h in leaves) or "none"
        yield finding("ST006", BOOK_FILE, context.yaml_lines.get(("page", "trim"))
                      or context.yaml_lines.get(("products", "print", "format")), None,
                      f"trim {trim.width}×{trim.height} mm does not fit a {spec.format}开 leaf "
                      f"of {spec.paper.width}×{spec.paper.height} mm paper ({sizes} mm)")


def folded_leaves(width: float, height: float, count: int) -> list[tuple[float, float]]:
    """The portrait sizes of a sheet cut into ``count`` leaves on a grid."""
    sizes: set[tuple[float, float]] = set()
    for across in range(1, count + 1):
        if count % across:
            continue
        down = count // across
        w, h = width / across, height / down
        sizes.add((min(w, h), max(w, h)))
    return sorted(sizes)


