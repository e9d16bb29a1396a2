"""The EPUB package stage: ``Rendered`` documents, fonts and images -> EPUB 3 bytes.

ebooklib writes the package document (OPF), the NCX and the archive; our own documents go in as
plain items so that ebooklib does not rebuild their markup. The archive is then rewritten with
fixed timestamps so that the same source gives the same bytes.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from dataclasses import dataclass
from datetime import datetime

from ebooklib import epub
from lxml import etree

from bookmaker import __version__
from bookmaker.epub_names import font_name, stylesheet_name
from bookmaker.fonts import EmbeddedFont
from bookmaker.model import Book
from bookmaker.render import Document, Rendered, TocEntry

MEDIA_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
               ".gif": "image/gif", ".svg": "image/svg+xml"}
# Apple Books uses embedded fonts only when the book asks it to.
APPLE_DISPLAY_OPTIONS = b"""<?xml version="1.0" encoding="UTF-8"?>
<display_options>
<platform name="*">
<option name="specified-fonts">true</option>
</platform>
</display_options>
"""
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# The range of a ZIP entry's date: a source file dated 1970 or 2200 still builds.
ZIP_FIRST = (1980, 1, 1, 0, 0, 0)
ZIP_LAST = (2107, 12, 31, 23, 59, 58)
ONIX_ISBN13 = "15"  # ONIX code list 5: ISBN-13
ONIX_PROPRIETARY = "01"  # ONIX code list 5: the publisher's own product identifier
# The scheme of the product identifier: the e-book's file name in the book's bookmaker project.
# Calibre and stores list identifiers of the form scheme:value, and hide a UUID, so this is
# what tells an edition without an ISBN of its own from its siblings there.
PRODUCT_SCHEME = "bookmaker"
# The MARC relator code of each contributor role (model.ContributorRole).
MARC_RELATORS: dict[str, str] = {"author": "aut", "editor": "edt", "chief-editor": "edt",
                                 "compiler": "com", "translator": "trl", "preface": "aui"}
# A fixed namespace for the identifiers of editions without an e-book ISBN of their own.
EDITION_NAMESPACE = uuid.UUID("6f1c6a0e-2d1b-5b0c-9a55-8f3f2a1de7b1")


@dataclass(frozen=True)
class Image:
    name: str  # in the package, e.g. images/cover.jpg
    data: bytes

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.name[self.name.rfind("."):].lower()]


def edition_identifier(book: Book, variant: str) -> str:
    """The e-book's own identifier: its ISBN, or a UUID fixed by the print edition it is made
    from (its ISBN and edition number) and the variant: never another product's ISBN."""
    ebook = book.product("ebook")
    if ebook.isbn:
        return ebook.isbn.urn
    source = book.converted_from or book.product("print")
    key = source.isbn.digits if source.isbn else book.meta.name
    edition = source.edition.number if source.edition else 1
    name = f"{key}/edition-{edition}/{variant}/epub"
    return f"urn:uuid:{uuid.uuid5(EDITION_NAMESPACE, name)}"


def package_epub(book: Book, rendered: Rendered, fonts: list[EmbeddedFont], cover: Image,
                 images: list[Image], modified: datetime, variant: str, product: str) -> bytes:
    """The EPUB of one edition; ``product`` is its file name without ``.epub``."""
    eb = epub.EpubBook()
    eb.metadata[epub.NAMESPACES["OPF"]]["generator"] = [
        ("", {"name": "generator", "content": f"bookmaker {__version__}"})
    ]
    add_metadata(eb, book, rendered, edition_identifier(book, variant), product)

    eb.set_cover(cover.name, cover.data, create_page=False)
    items = [_document_item(i, d) for i, d in enumerate(rendered.documents)]
    for item in items:
        eb.add_item(item)
    for name, css in rendered.stylesheets.items():
        eb.add_item(epub.EpubItem(uid=f"css-{name.removesuffix('.css')}",
                                  file_name=stylesheet_name(name), media_type="text/css",
                                  content=css.encode("utf-8")))
    for i, font in enumerate(fonts):
        eb.add_item(epub.EpubItem(uid=f"font-{i}", file_name=font_name(font.file),
                                  media_type=font.media_type, content=font.data))
    for i, image in enumerate(images):
        eb.add_item(epub.EpubItem(uid=f"img-{i}", file_name=image.name,
                                  media_type=image.media_type, content=image.data))
    eb.add_item(epub.EpubItem(file_name="META-INF/com.apple.ibooks.display-options.xml",
                              content=APPLE_DISPLAY_OPTIONS, manifest=False))
    eb.add_item(epub.EpubNcx())

    eb.toc = _ncx_entries(rendered.toc)
    eb.spine = items
    eb.guide = [{"type": lm.type if lm.type != "bodymatter" else "text", "href": lm.href,
                 "title": lm.type} for lm in rendered.landmarks]

    raw = io.BytesIO()
    # stored, not compressed: normalise_archive compresses once, into the bytes that are kept
    writer = LanguageTaggedWriter(raw, eb, {"mtime": modified, "raise_exceptions": True,
                                            "epub3_pages": False, "compresslevel": 0})
    writer.process()
    writer.write()
    return normalise_archive(raw.getvalue(), modified)


class LanguageTaggedWriter(epub.EpubWriter):
    """ebooklib's writer, with the package document's own language (``xml:lang`` on
    ``package``): reading systems and Ace take it for the language of the metadata."""

    def _write_opf_file(self, root: etree._Element) -> None:
        root.set(XML_LANG, self.book.language)
        super()._write_opf_file(root)


def add_metadata(eb: epub.EpubBook, book: Book, rendered: Rendered, identifier: str,
                 product: str) -> None:
    meta = book.meta
    eb.set_identifier(identifier)
    eb.add_metadata("DC", "identifier", f"{PRODUCT_SCHEME}:{product}", {"id": "product"})
    eb.add_metadata(None, "meta", ONIX_PROPRIETARY, {"refines": "#product",
                                                     "property": "identifier-type",
                                                     "scheme": "onix:codelist5"})
    eb.set_language(rendered.language)
    eb.set_direction("rtl" if rendered.vertical else "ltr")
    if rendered.vertical:  # Kindle's and Kobo's hint for the writing mode of the whole book
        eb.add_metadata(None, "meta", "", {"name": "primary-writing-mode",
                                           "content": "vertical-rl"})
    eb.title = meta.title
    eb.add_metadata("DC", "title", meta.title, {"id": "title"})
    eb.add_metadata(None, "meta", "main", {"refines": "#title", "property": "title-type"})
    if meta.subtitle:
        eb.add_metadata("DC", "title", meta.subtitle, {"id": "subtitle"})
        eb.add_metadata(None, "meta", "subtitle",
                        {"refines": "#subtitle", "property": "title-type"})

    for i, person in enumerate(meta.contributors, start=1):
        element = "creator" if person.role not in ("translator", "preface") else "contributor"
        eb.add_metadata("DC", element, person.name, {"id": f"contributor-{i}"})
        eb.add_metadata(None, "meta", MARC_RELATORS[person.role],
                        {"refines": f"#contributor-{i}", "property": "role",
                         "scheme": "marc:relators"})

    ebook, printed = book.product("ebook"), book.product("print")
    if printed.isbn:  # the print book of the same script: a related product
        eb.add_metadata("DC", "identifier", printed.isbn.urn, {"id": "isbn-print"})
        eb.add_metadata(None, "meta", ONIX_ISBN13, {"refines": "#isbn-print",
                                                    "property": "identifier-type",
                                                    "scheme": "onix:codelist5"})
    if ebook.isbn:
        eb.add_metadata(None, "meta", ONIX_ISBN13, {"refines": "#id",
                                                    "property": "identifier-type",
                                                    "scheme": "onix:codelist5"})
    source = book.converted_from or printed  # the printed book whose text this is
    if source.isbn:
        eb.add_metadata("DC", "source", source.isbn.urn)
    if ebook.publisher:
        eb.add_metadata("DC", "publisher", ebook.publisher.name)
    eb.add_metadata("DC", "date", meta.date.iso())
    if rendered.page_source:  # what the page-list follows
        eb.add_metadata(None, "meta", rendered.page_source, {"property": "pageBreakSource"})
    if rendered.description:  # a partial book says so
        eb.add_metadata("DC", "description", rendered.description)
        eb.add_metadata(None, "meta", "true", {"property": "schema:abridged"})
    if ebook.cip:
        for subject in ebook.cip.access_points.subjects:
            eb.add_metadata("DC", "subject", subject)

    for key, value in accessibility(book, rendered).items():
        for v in value if isinstance(value, list) else [value]:
            eb.add_metadata(None, "meta", v, {"property": key})


# The conformance the EPUB claims, as EPUB Accessibility 1.1 spells it (Ace checks the string).
CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"


def accessibility(book: Book, rendered: Rendered) -> dict[str, str | list[str]]:
    """Accessibility metadata (EPUB Accessibility 1.1, schema.org), from what the book holds.

    Every book has at least one image, its cover, and every image has alt text (the loader
    refuses one without), hence 'visual' and 'alternativeText'; the text alone suffices.
    """
    features = ["structuralNavigation", "tableOfContents", "readingOrder",
                "displayTransformability", "alternativeText"]
    if rendered.page_source:  # page-break markers and a page-list from the print edition
        features += ["pageBreakMarkers", "pageNavigation"]
    publisher = book.product("ebook").publisher
    claims: dict[str, str | list[str]] = {
        "schema:accessMode": ["textual", "visual"],
        "schema:accessModeSufficient": "textual",
        "schema:accessibilityFeature": features,
        "schema:accessibilityHazard": "none",
        "schema:accessibilitySummary": rendered.accessibility_summary,
        "dcterms:conformsTo": CONFORMANCE,
    }
    if publisher:  # who makes the claim: the publisher, who answers for the edition
        claims["a11y:certifiedBy"] = publisher.name
    return claims


def _document_item(index: int, document: Document) -> epub.EpubItem:
    stem = document.name.rsplit("/", 1)[-1].removesuffix(".xhtml")
    item = epub.EpubItem(uid=f"doc-{index:02d}-{stem}",
                         file_name=document.name, media_type="application/xhtml+xml",
                         content=document.xhtml.encode("utf-8"))
    item.properties = list(document.properties)
    return item


def _ncx_entries(entries: tuple[TocEntry, ...], prefix: str = "nav") -> list[object]:
    result: list[object] = []
    for i, entry in enumerate(entries, start=1):
        link = epub.Link(entry.href, entry.title, f"{prefix}-{i}")
        result.append((link, _ncx_entries(entry.children, f"{prefix}-{i}"))
                      if entry.children else link)
    return result


def normalise_archive(data: bytes, modified: datetime) -> bytes:
    """The same archive with fixed timestamps and permissions; mimetype first and stored."""
    stamp = min(max(modified.timetuple()[:6], ZIP_FIRST), ZIP_LAST)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
            fixed.external_attr = 0o644 << 16
            fixed.create_system = 3
            if info.filename == "mimetype":
                fixed.compress_type = zipfile.ZIP_STORED
            else:
                fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename), compresslevel=9)
    return out.getvalue()
