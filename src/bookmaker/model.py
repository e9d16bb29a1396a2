"""The document model: plain, frozen, typed data.

Nothing here knows about files, templates or output formats. ``load`` builds a ``Book`` from a
book directory; ``transform`` maps a ``Book`` to a ``Book``; ``render`` reads it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
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
    """An ISBN, verified: ISBN-13 digits (``9787200065282``) for metadata, and the form the
    book prints (``7-200-06528-5``: a book of 2006 carries an ISBN-10)."""

    digits: str
    printed: str

    @classmethod
    def parse(cls, value: object) -> Isbn:
        if isinstance(value, Isbn):
            return value
        text = str(value)
        try:
            valid = stdnum_isbn.validate(text)
        except Exception as exc:  # stdnum raises its own ValidationError subclasses
            raise ValueError(f"'{text}' is not a valid ISBN ({exc})") from None
        return cls(digits=stdnum_isbn.to_isbn13(valid),
                   printed=stdnum_isbn.format(valid, convert=False))

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


class Price(Frozen):
    """A price as printed: the amount and its currency (ISO 4217: CNY, TWD, HKD …)."""

    amount: Verbatim = Field(pattern=r"^\d+(\.\d{2})?$")
    currency: Verbatim = Field(default="CNY", pattern=r"^[A-Z]{3}$")


class Paper(Frozen):
    width: int = Field(gt=0, description="mm")
    height: int = Field(gt=0, description="mm")


class PrintRun(Frozen):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    first: int = Field(alias="from", ge=1)
    last: int = Field(alias="to", ge=1)


class Contact(Frozen):
    label: Prose
    value: Prose


# What only a printed book has: given for an e-book, they are an error.
PRINT_ONLY = ("printing", "distributor", "seller", "printer", "catalogue_code", "paper",
              "format", "sheets", "run", "pages", "signature")
# What an e-book takes from the print product of its own edition when it gives none of its own:
# what describes the work's publication, never what describes a printing, an ISBN or a price.
EBOOK_INHERITS = ("publisher", "edition", "cip", "words", "contacts", "rights")


class Product(Frozen):
    """One product of the work (the printed book or the e-book, in one script) as its copyright
    page and its metadata describe it. What a product does not give, it does not claim."""

    isbn: Isbn | None = None  # None: the product has no ISBN (an e-book is then a UUID)
    publisher: Publisher | None = None  # default: the work's `publisher`, in its own script
    edition: Issue | None = None  # 第1版
    printing: Issue | None = None  # 第1次印刷
    distributor: Prose | None = None  # 总发行
    seller: Prose | None = None  # 经销
    printer: Prose | None = None  # 印刷
    catalogue_code: Prose | None = None  # printed before the price (D·454)
    price: Price | None = None
    cip: Cip | None = None  # the CIP record as issued
    paper: Paper | None = None  # mm, the sheet
    format: int | None = Field(default=None, gt=0, description="开本: leaves per sheet")
    sheets: float | None = Field(default=None, gt=0, description="印张")
    words: int | None = Field(default=None, gt=0, description="字数 in thousands")
    run: PrintRun | None = None  # 印数
    pages: int | None = Field(default=None, gt=0, description="页数: the printed page count")
    signature: int | None = Field(default=None, gt=0, description="pages per folded section")
    contacts: list[Contact] = []
    rights: Prose | None = None  # the rights notice as the product prints it

    @property
    def pages_per_signature(self) -> int:
        """The folded section the binder sews: as given, else one 印张 of the format (16
        pages for a 16开 book), else 4 (a folded sheet)."""
        return self.signature or self.format or 4

    _isbn = field_validator("isbn", mode="before")(lambda v: None if v is None else Isbn.parse(v))
    _price = field_validator("price", mode="before")(
        lambda v: {"amount": v} if isinstance(v, str | int | float) else v)


class Products(Frozen):
    """The products of one script: the printed book and the e-book."""

    print: Product = Product()
    ebook: Product = Product()

    @field_validator("ebook")
    @classmethod
    def _not_printed(cls, ebook: Product) -> Product:
        given = [name for name in PRINT_ONLY if getattr(ebook, name) is not None]
        if given:
            raise ValueError(f"{', '.join(given)} describe a printed book: give them under "
                             "products.print")
        return ebook

    def isbns(self) -> list[tuple[str, Isbn]]:
        return [(kind, p.isbn) for kind, p in (("print", self.print), ("ebook", self.ebook))
                if p.isbn]


PartialKind = Literal["excerpt", "abridged"]


class Partial(Frozen):
    """A book that is not the whole work (an excerpt, 节选; or abridged, 有删节), with the
    figures of this edition where it gives them: the record's 字数 and 印张 describe the whole
    work, so without these the partial book shows none."""

    words: int | None = Field(default=None, gt=0, description="字数 in thousands")
    sheets: float | None = Field(default=None, gt=0, description="印张")


def _partial(value: object) -> object:
    """``excerpt: true`` is an excerpt without figures of its own; ``false`` none at all."""
    if value is True:
        return {}
    return None if value is False else value


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


class Numbering(Frozen):
    """How notes and captions are numbered (``numbering:`` in book.yaml)."""

    footnotes: Literal["page", "chapter"] = Field(
        default="page", description="print: ①② restart on every page, or run on per chapter")
    captions: Literal["book", "chapter", "none"] = Field(
        default="book", description="图1 表1 through the book, 图2-1 per chapter, or none")


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


def _not_blank(value: str) -> str:
    """A title of spaces would be an empty heading and an empty entry of the contents."""
    if not value.strip():
        raise ValueError("it has no words, only spaces")
    return value


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
    # The edition's own publication data, in its own script. Nothing is taken from the
    # source's products: a Traditional edition claims only what is given here.
    publisher: Publisher | None = None
    products: Products = Products()

    @property
    def language(self) -> str:
        return VARIANT_LANGUAGES[self.opencc]

    @property
    def corner_quotes(self) -> bool:
        return self.quotes if self.quotes is not None else self.opencc != "s2t"


FontRole = Literal["body", "heading"]


class BookFont(Frozen):
    """A font the book brings (``fonts:``): tried before the bundled faces for its role."""

    role: FontRole  # body: the text ("Book Serif"); heading: headings ("Book Sans")
    file: str | None = None  # a font file inside the book directory (.otf, .ttf, .ttc)
    family: str | None = None  # … or an installed family, found through fontconfig
    index: int = Field(default=0, ge=0, description="the face in a collection (.ttc)")
    weight: int = Field(default=400, ge=100, le=900)
    script: Literal["Hans", "Hant"] | None = None  # the edition it serves; default both

    @model_validator(mode="after")
    def _file_or_family(self) -> BookFont:
        if (self.file is None) == (self.family is None):
            raise ValueError("give either 'file' (a font in the book) or 'family' "
                             "(an installed family), not both or neither")
        return self


MIB = 1024 * 1024


class Limits(Frozen):
    """How much a build reads and decodes, so that no file of a book can make it run without
    end; a publisher raises them in ``book.yaml`` (``limits:``) for a book that needs more."""

    chapter_mb: float = Field(default=4, gt=0, description="MiB of Markdown per chapter")
    image_mb: float = Field(default=20, gt=0, description="MiB per image file")
    image_megapixels: float = Field(default=50, gt=0, description="decoded size per image")

    @property
    def chapter_bytes(self) -> int:
        return int(self.chapter_mb * MIB)

    @property
    def image_bytes(self) -> int:
        return int(self.image_mb * MIB)

    @property
    def image_pixels(self) -> int:
        return int(self.image_megapixels * 1_000_000)


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
    publisher: Publisher | None = None  # the work's publisher: its products' unless they say
    date: PartialDate  # of first publication
    products: Products = Products()
    editorial_board: EditorialBoard | None = None
    excerpt: Partial | None = None  # the book holds part of the work (节选)
    abridged: Partial | None = None  # the book holds the work with cuts (有删节)
    page: PageDesign = PageDesign()
    numbering: Numbering = Numbering()
    cover: CoverSpec = CoverSpec()
    variants: dict[Literal["zh-Hant"], VariantConfig] = {}
    fonts: list[BookFont] = []
    modified: datetime | None = None  # the outputs' timestamp; default: see build.source_date
    lint: LintConfig = LintConfig()
    accessibility_summary: Prose | None = None  # default: said from what the edition holds
    limits: Limits = Limits()
    chapters: list[str] = Field(min_length=1)

    _date = field_validator("date", mode="before")(_partial_date)
    _partial = field_validator("excerpt", "abridged", mode="before")(_partial)

    _title = field_validator("title")(_not_blank)

    @field_validator("modified", mode="before")
    @classmethod
    def _modified(cls, value: object) -> datetime | None:
        """A date (midnight UTC) or a date and time; without a zone, UTC."""
        if value is None or isinstance(value, datetime):
            moment = value
        elif isinstance(value, date):
            moment = datetime(value.year, value.month, value.day)
        else:
            try:
                moment = datetime.fromisoformat(str(value))
            except ValueError:
                raise ValueError(f"'{value}' is not a date: write YYYY-MM-DD or "
                                 "YYYY-MM-DDTHH:MM:SSZ") from None
        if moment is not None and moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment

    @model_validator(mode="after")
    def _title_lines_match(self) -> BookMeta:
        _check_title_lines(self.title, self.title_lines)
        if self.excerpt and self.abridged:
            raise ValueError("a book is an excerpt or abridged, not both: keep one")
        return self

    @property
    def partial(self) -> tuple[PartialKind, Partial] | None:
        if self.excerpt:
            return "excerpt", self.excerpt
        if self.abridged:
            return "abridged", self.abridged
        return None

    @property
    def script(self) -> Literal["Hans", "Hant"]:
        return "Hant" if self.language.startswith("zh-Hant") else "Hans"

    def isbns(self) -> list[tuple[tuple[str, ...], Isbn]]:
        """Every ISBN the book gives, with its key path in book.yaml."""
        found = [(("products", kind, "isbn"), isbn) for kind, isbn in self.products.isbns()]
        for name, variant in self.variants.items():
            found += [(("variants", name, "products", kind, "isbn"), isbn)
                      for kind, isbn in variant.products.isbns()]
        return found


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
    """A footnote call; ``number`` counts per chapter from 1, ``call`` counts the calls of one
    note (a note may be called more than once; its back-link leads to the first)."""

    type: Literal["noteref"] = "noteref"
    number: int
    call: int = 1


Inline = Annotated[
    Text | SoftBreak | LineBreak | Code | Emphasis | Link | Span | NoteRef,
    Field(discriminator="type"),
]
ProseRun = Annotated[list[Inline], ReaderText("run")]


def _run(value: object) -> object:
    """A run written as a plain string (YAML front matter, an image's title) is one text node:
    as a run it gets the typesetting of the body (the print spans) and its conversion."""
    if isinstance(value, str):
        return [Text(text=value)] if value else []
    return value


class Paragraph(Frozen):
    """``lead_in``: the paragraph introduces the block after it (it ends with "："), and print
    keeps the two on one page; set by a transform, never by the source."""

    type: Literal["paragraph"] = "paragraph"
    children: ProseRun
    line: int | None = None
    lead_in: bool = False


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
    """An image with its description and caption; ``number`` (图1, 图2-1) is given by the
    loader to a figure with a caption, as ``numbering.captions`` says."""

    type: Literal["figure"] = "figure"
    src: str
    alt: Prose
    caption: ProseRun = []
    number: Verbatim | None = None  # drawn as written: 1, 2-1
    line: int | None = None

    _caption = field_validator("caption", mode="before")(_run)


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
    """A table; ``caption`` and ``number`` (表1) as for a figure."""

    type: Literal["table"] = "table"
    head: list[list[TableCell]]
    body: list[list[TableCell]]
    caption: ProseRun = []
    number: Verbatim | None = None
    line: int | None = None

    _caption = field_validator("caption", mode="before")(_run)


class ThematicBreak(Frozen):
    type: Literal["hr"] = "hr"


class Omission(Frozen):
    """Text left out of an abridged chapter: a paragraph of only …… in the source, printed
    as a line of twelve dots (GB/T 15834: two ellipses mark an omitted paragraph)."""

    type: Literal["omission"] = "omission"
    line: int | None = None


Block = Annotated[
    Paragraph | Heading | Figure | Container | ListBlock | Table | ThematicBreak | Omission,
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
# Chapters of these kinds are front matter: before the contents, with Roman folios.
FRONT_MATTER_KINDS = frozenset({"preface", "foreword"})


class Author(Frozen):
    name: Prose
    offices: list[Prose] = []
    affiliation: Prose | None = None


class Epigraph(Frozen):
    """A quotation set at the head of a chapter, and where it comes from."""

    text: ProseRun = Field(min_length=1)
    source: ProseRun = []

    _runs = field_validator("text", "source", mode="before")(_run)


class ChapterMeta(Frozen):
    """What a chapter's front matter says. ``subtitle`` and ``occasion`` (the line that says
    when and where a speech was given) are set under the title; ``abridged`` says that text
    was left out (the places marked by omissions in the text)."""

    title: Prose = Field(min_length=1)
    title_lines: list[Prose] | None = None
    subtitle: ProseRun = []  # none: empty, as runs are walked whole
    kind: ChapterKind = "chapter"
    date: PartialDate | None = None
    occasion: ProseRun = []
    authors: list[Author] = []
    epigraph: Epigraph | None = None
    excerpt: bool = False  # the text is an excerpt that stops where the source stops
    abridged: bool = False  # the text has cuts

    @property
    def partial(self) -> PartialKind | None:
        return "excerpt" if self.excerpt else "abridged" if self.abridged else None

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, value: object) -> PartialDate | None:
        return None if value is None else PartialDate.parse(value)

    _title = field_validator("title")(_not_blank)

    _runs = field_validator("subtitle", "occasion", mode="before")(_run)

    @field_validator("epigraph", mode="before")
    @classmethod
    def _epigraph(cls, value: object) -> object:
        return {"text": value} if isinstance(value, str) else value

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


ProductKind = Literal["print", "ebook"]


class Book(Frozen):
    meta: BookMeta
    chapters: list[Chapter]
    cover: str | None = None  # path of the book's own cover image, if it has one
    images: list[str] = []  # paths of every image the chapters use, in first-use order
    # For an edition converted from another script: the source's print product, which the
    # edition is made from (named as such, never claimed as its own).
    converted_from: Product | None = None

    def product(self, kind: ProductKind) -> Product:
        """The product as its copyright page and metadata show it: the work's publisher unless
        it names its own; in a partial book, 字数 and 印张 only as the partial book gives them;
        an e-book takes from the print product of its own script what ``EBOOK_INHERITS`` names
        and gives none of its own."""
        printed = self.meta.products.print
        if printed.publisher is None:
            printed = printed.model_copy(update={"publisher": self.meta.publisher})
        if self.meta.partial:  # the record's figures are the whole work's, not this book's
            _kind, partial = self.meta.partial
            printed = printed.model_copy(update={"words": partial.words,
                                                 "sheets": partial.sheets})
        if kind == "print":
            return printed
        ebook = self.meta.products.ebook
        return ebook.model_copy(update={name: getattr(printed, name) for name in EBOOK_INHERITS
                                        if getattr(ebook, name) in (None, [])})
