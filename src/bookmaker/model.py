"""The document model: plain, frozen, typed data.

Nothing here knows about files, templates or output formats. ``load`` builds a ``Book`` from a
book directory; ``transform`` maps a ``Book`` to a ``Book``; ``render`` reads it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from stdnum import isbn as stdnum_isbn


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


@dataclass(frozen=True)
class ReaderText:
    """Marks a field whose text a reader sees; ``reader_text.py`` walks the marked fields.

    ``prose``: text in the book's language (converted to another script, reviewed, spaced);
    ``verbatim``: shown exactly as written (code, a web address, pinyin, a postcode), so only
    drawn; ``run``: a run of inline nodes read as one piece of prose (a paragraph, a heading,
    a table cell), whose ``prose`` strings belong together (quotation marks pair across them).
    Fields without a mark (ids, paths, hrefs, codes, numbers) are never reader text.
    """

    kind: Literal["prose", "verbatim", "run"]


Prose = Annotated[str, ReaderText("prose")]
Verbatim = Annotated[str, ReaderText("verbatim")]


# ---------------------------------------------------------------------------------------------
# Small values


class PartialDate(Frozen):
    """A date as publishers give it: a year, a year and month, or a full day."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, value: object) -> PartialDate:
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, date):
            return cls(year=value.year, month=value.month, day=value.day)
        text = str(value)
        match = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", text)
        problem = "" if match else "not a date"
        if match:
            year, month, day = (int(g) if g else None for g in match.groups())
            try:
                date(year, month or 1, day or 1)
            except ValueError as exc:  # 2006-13, 2006-02-30
                problem = str(exc)
        if problem:
            raise ValueError(f"'{text}': {problem}; write YYYY, YYYY-MM or YYYY-MM-DD")
        return cls(year=year, month=month, day=day)

    def iso(self) -> str:
        parts = [f"{self.year:04d}"]
        if self.month:
            parts.append(f"{self.month:02d}")
            if self.day:
                parts.append(f"{self.day:02d}")
        return "-".join(parts)


def _partial_date(value: object) -> PartialDate:
    return PartialDate.parse(value)


class Isbn(Frozen):
    """An ISBN, verified, kept as ISBN-13 digits (``9787200065282``)."""

    digits: str

    @classmethod
    def parse(cls, value: object) -> Isbn:
        if isinstance(value, Isbn):
            return value
        text = str(value)
        try:
            valid = stdnum_isbn.validate(text)
        except Exception as exc:  # stdnum raises its own ValidationError subclasses
            raise ValueError(f"'{text}' is not a valid ISBN ({exc})") from None
        return cls(digits=stdnum_isbn.to_isbn13(valid))

    @property
    def hyphenated(self) -> str:
        return stdnum_isbn.format(self.digits)

    @property
    def urn(self) -> str:
        return f"urn:isbn:{self.digits}"


# ---------------------------------------------------------------------------------------------
# book.yaml

# What each contributor did. The words a title page prints for them are the templates'
# (``macros.xhtml``), their MARC relator codes the EPUB packager's.
ContributorRole = Literal["author", "editor", "chief-editor", "compiler", "translator", "preface"]


class Contributor(Frozen):
    name: Prose
    role: ContributorRole
    corporate: bool = False


class Publisher(Frozen):
    name: Prose
    group: Prose | None = None
    place: Prose
    address: Prose | None = None
    postcode: Verbatim | None = None
    website: Verbatim | None = None


class Issue(Frozen):
    """An edition or a printing: its number and date."""

    number: int = Field(ge=1)
    date: PartialDate

    _date = field_validator("date", mode="before")(_partial_date)


class AccessPoints(Frozen):
    title: list[Prose] = []
    responsibility: list[Prose] = []
    subjects: list[Prose] = []
    classification: list[Prose] = []


class CipNumber(Frozen):
    year: int
    number: Verbatim


class Cip(Frozen):
    """The CIP record (图书在版编目数据) as issued by the National Library."""

    description: Prose
    imprint: Prose
    access_points: AccessPoints
    record: CipNumber


class Paper(Frozen):
    width: int = Field(gt=0, description="mm")
    height: int = Field(gt=0, description="mm")


class PrintRun(Frozen):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    first: int = Field(alias="from", ge=1)
    last: int = Field(alias="to", ge=1)


class PrintSpec(Frozen):
    paper: Paper
    format: int = Field(gt=0, description="开本: the sheet is folded into this many leaves")
    sheets: float = Field(gt=0, description="印张")
    words: int = Field(gt=0, description="字数 in thousands")
    run: PrintRun | None = None
    pages: int | None = Field(default=None, gt=0, description="页数: the printed page count")


class Contact(Frozen):
    label: Prose
    value: Prose


class BoardGroup(Frozen):
    role: Prose
    names: list[Prose]


class EditorialBoard(Frozen):
    title: Prose
    groups: list[BoardGroup]


MM_PER_PT = 25.4 / 72


class PageDesign(Frozen):
    """The printed page: trim size, the type area as a grid of characters, and the head and
    gutter margins that place it (the outer and foot margins follow). Chinese designers give
    the type area (版心) as characters per line × lines per page of the body size."""

    trim: Paper = Paper(width=184, height=260)  # 787×1092 mm 1/16, trimmed
    body_size: float = Field(default=10.5, gt=0, description="pt; 10.5 pt is 五号")
    leading: float = Field(default=1.6, ge=1, le=2.5, description="line height / body size")
    chars_per_line: int = Field(default=38, gt=0)
    lines_per_page: int = Field(default=35, gt=0)
    top: float = Field(default=26, gt=0, description="mm, head margin (天头)")
    inner: float = Field(default=20, gt=0, description="mm, gutter margin (订口)")
    bleed: float = Field(default=3, ge=0, description="mm, beyond the trim, press profile")

    @property
    def text_width(self) -> float:
        """mm"""
        return self.chars_per_line * self.body_size * MM_PER_PT

    @property
    def text_height(self) -> float:
        """mm"""
        return self.lines_per_page * self.body_size * self.leading * MM_PER_PT

    @property
    def outer(self) -> float:
        return self.trim.width - self.inner - self.text_width

    @property
    def bottom(self) -> float:
        return self.trim.height - self.top - self.text_height

    @model_validator(mode="after")
    def _type_area_fits(self) -> PageDesign:
        if self.outer < 5 or self.bottom < 5:
            raise ValueError(
                f"the type area ({self.text_width:.1f}×{self.text_height:.1f} mm) leaves outer "
                f"{self.outer:.1f} mm and foot {self.bottom:.1f} mm: fewer characters or lines"
            )
        return self


class CoverSpec(Frozen):
    """The printed cover (``cover:`` in book.yaml): the paper and binding that decide the
    spine's width, and the text of the back. The interior's page count comes from the built
    PDF, never from here."""

    binding: Literal["perfect", "sewn"] = "perfect"  # 胶装 / 锁线胶装: both have a square spine
    caliper: float = Field(default=0.1, gt=0, le=1,
                           description="mm per leaf (two pages): 0.1 for 70 g/m² offset")
    board: float = Field(default=0, ge=0, description="mm the cover board adds to the spine")
    min_spine: float = Field(default=5, ge=0,
                             description="mm: a narrower spine carries no text")
    spine_title: Prose | None = None  # a shorter title for the spine, one character a line
    blurb: list[Prose] = []  # paragraphs on the back cover


def _check_title_lines(title: str, lines: list[str] | None) -> None:
    if lines is not None and "".join(lines) != title:
        raise ValueError("title_lines joined must equal the title, character for character")


OpenccConfig = Literal["s2tw", "s2twp", "s2hk", "s2t"]
# The language tag each OpenCC configuration produces.
VARIANT_LANGUAGES: dict[str, str] = {"s2tw": "zh-Hant-TW", "s2twp": "zh-Hant-TW",
                                     "s2hk": "zh-Hant-HK", "s2t": "zh-Hant"}


class VariantConfig(Frozen):
    """How the Traditional-Chinese edition is made (``variants: {zh-Hant: …}``)."""

    opencc: OpenccConfig = "s2tw"
    quotes: bool | None = None  # “”‘’ → 「」『』; default: on for Taiwan and Hong Kong
    dictionary: str | None = None  # a file of the book: terms and overrides, one a line

    @property
    def language(self) -> str:
        return VARIANT_LANGUAGES[self.opencc]

    @property
    def corner_quotes(self) -> bool:
        return self.quotes if self.quotes is not None else self.opencc != "s2t"


class LintConfig(Frozen):
    """How ``bookmaker lint`` checks this book (``lint:`` in book.yaml)."""

    select: list[str] = []  # rule codes or prefixes to check; empty: every rule
    ignore: list[str] = []  # rule codes or prefixes not to check
    han_latin_space: Literal["none", "space"] = "none"  # between Han and Latin letters/digits
    confusions: str | None = None  # a file of the book: more OCR confusion sets, one a line


class BookMeta(Frozen):
    """Everything ``book.yaml`` says."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    language: str = Field(pattern=r"^zh-(Hans|Hant)(-[A-Z]{2})?$")
    title: Prose = Field(min_length=1)
    title_lines: list[Prose] | None = None
    subtitle: Prose | None = None
    title_pinyin: Verbatim | None = None
    contributors: list[Contributor] = Field(min_length=1)
    publisher: Publisher
    distributor: Prose | None = None
    seller: Prose | None = None
    printer: Prose | None = None
    date: PartialDate
    edition: Issue
    printing: Issue | None = None
    isbn: Isbn
    ebook_isbn: Isbn | None = None
    catalogue_code: Prose | None = None
    price: Verbatim | None = Field(default=None, pattern=r"^\d+(\.\d{2})?$")
    cip: Cip | None = None
    print: PrintSpec | None = None
    contacts: list[Contact] = []
    editorial_board: EditorialBoard | None = None
    page: PageDesign = PageDesign()
    cover: CoverSpec = CoverSpec()
    variants: dict[Literal["zh-Hant"], VariantConfig] = {}
    lint: LintConfig = LintConfig()
    accessibility_summary: Prose = (
        "本书为可重排的文本电子书：章节标题、目录与导览地标齐全，阅读顺序与印刷版一致；"
        "文字可由阅读软件调整字号与朗读，图像均附替代文字，无闪烁、声音或动态风险。"
    )
    chapters: list[str] = Field(min_length=1)

    _date = field_validator("date", mode="before")(_partial_date)

    @field_validator("isbn", "ebook_isbn", mode="before")
    @classmethod
    def _isbn(cls, value: object) -> Isbn | None:
        return None if value is None else Isbn.parse(value)

    @model_validator(mode="after")
    def _title_lines_match(self) -> BookMeta:
        _check_title_lines(self.title, self.title_lines)
        return self

    @property
    def script(self) -> Literal["Hans", "Hant"]:
        return "Hant" if self.language.startswith("zh-Hant") else "Hans"


# ---------------------------------------------------------------------------------------------
# Chapter text: blocks and inlines


class Text(Frozen):
    type: Literal["text"] = "text"
    text: Prose


class SoftBreak(Frozen):
    type: Literal["softbreak"] = "softbreak"


class LineBreak(Frozen):
    type: Literal["linebreak"] = "linebreak"


class Code(Frozen):
    type: Literal["code"] = "code"
    text: Verbatim


class Emphasis(Frozen):
    type: Literal["em", "strong"]
    children: list[Inline]


class Link(Frozen):
    type: Literal["link"] = "link"
    href: str
    children: list[Inline]


class Span(Frozen):
    """Text set apart for typesetting, added by transforms, never by the source: ``keep``
    holds together (the last characters of a paragraph), ``halt`` is a punctuation mark set
    in half width (one of two adjacent marks), ``space-*`` is a run of Latin letters or
    digits with a quarter em towards the Han text before, after or around it, ``upright``
    a short number set across the column in vertical text."""

    type: Literal["span"] = "span"
    role: Literal["keep", "halt", "space-before", "space-after", "space-around", "upright"]
    children: list[Inline]


class NoteRef(Frozen):
    """A footnote call; ``number`` counts per chapter from 1."""

    type: Literal["noteref"] = "noteref"
    number: int


Inline = Annotated[
    Text | SoftBreak | LineBreak | Code | Emphasis | Link | Span | NoteRef,
    Field(discriminator="type"),
]
ProseRun = Annotated[list[Inline], ReaderText("run")]


class Paragraph(Frozen):
    type: Literal["paragraph"] = "paragraph"
    children: ProseRun
    line: int | None = None


class Heading(Frozen):
    type: Literal["heading"] = "heading"
    level: int = Field(ge=2, le=4)
    id: str
    children: ProseRun
    line: int | None = None

    @property
    def text(self) -> str:
        return plain_text(self.children)


class Figure(Frozen):
    type: Literal["figure"] = "figure"
    src: str
    alt: Prose
    caption: Prose = ""
    line: int | None = None


class Container(Frozen):
    """A fenced block: verse, a signature, a salutation, or a block quote."""

    type: Literal["container"] = "container"
    kind: Literal["verse", "signature", "salutation", "blockquote"]
    children: list[Block]


class ListBlock(Frozen):
    type: Literal["list"] = "list"
    ordered: bool
    start: int = 1
    items: list[list[Block]]


class TableCell(Frozen):
    header: bool
    align: Literal["left", "center", "right"] | None = None
    children: ProseRun


class Table(Frozen):
    type: Literal["table"] = "table"
    head: list[list[TableCell]]
    body: list[list[TableCell]]
    line: int | None = None


class ThematicBreak(Frozen):
    type: Literal["hr"] = "hr"


Block = Annotated[
    Paragraph | Heading | Figure | Container | ListBlock | Table | ThematicBreak,
    Field(discriminator="type"),
]


class Footnote(Frozen):
    number: int
    children: list[Block]


def plain_text(inlines: list[Inline]) -> str:
    """The text of inline nodes, as a reader would copy it."""
    parts: list[str] = []
    for node in inlines:
        if isinstance(node, Text | Code):
            parts.append(node.text)
        elif isinstance(node, Emphasis | Link | Span):
            parts.append(plain_text(node.children))
    return "".join(parts)


ChapterKind = Literal[
    "preface", "foreword", "introduction", "chapter", "paper", "speech", "afterword", "appendix"
]


class Author(Frozen):
    name: Prose
    offices: list[Prose] = []
    affiliation: Prose | None = None


class ChapterMeta(Frozen):
    """What a chapter's front matter says."""

    title: Prose = Field(min_length=1)
    title_lines: list[Prose] | None = None
    kind: ChapterKind = "chapter"
    date: PartialDate | None = None
    authors: list[Author] = []
    excerpt: bool = False

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, value: object) -> PartialDate | None:
        return None if value is None else PartialDate.parse(value)

    @model_validator(mode="after")
    def _title_lines_match(self) -> ChapterMeta:
        _check_title_lines(self.title, self.title_lines)
        return self


class Chapter(Frozen):
    id: str  # stable, used for file names and anchors: "c01"
    source: str  # path relative to the book directory
    meta: ChapterMeta
    blocks: list[Block]
    footnotes: list[Footnote] = []

    @property
    def sections(self) -> list[Heading]:
        return [b for b in self.blocks if isinstance(b, Heading) and b.level == 2]


class Book(Frozen):
    meta: BookMeta
    chapters: list[Chapter]
    cover: str | None = None  # path of the book's own cover image, if it has one
    images: list[str] = []  # paths of every image the chapters use, in first-use order
