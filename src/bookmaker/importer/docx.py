"""Word files (.docx) -> chapters, through mammoth (headings, emphasis, footnotes, lists,
tables, images) and its clean HTML, which becomes the chapter format's Markdown here.

Each ``Heading 1`` starts a chapter (its text the title); ``Heading 2``-``4`` are sections;
a footnote goes with the chapter that calls it; images are written to ``images/``.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import mammoth
from lxml import html as lxml_html
from lxml.html import HtmlElement

from bookmaker.diagnostics import error
from bookmaker.importer.markdown import escape
from bookmaker.importer.model import Correction, ImportedBook, ImportedChapter, ImportedImage
from bookmaker.importer.text import chapter_kind

IMAGE_SUFFIXES = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif"}
FOOTNOTE_CALL = re.compile(r"^#footnote-(\d+)$")
BLOCK_START = re.compile(r"^(\s*)(\d*)([#>+\-=:.)])")


class DocxConverter:
    """mammoth's HTML walked into Markdown blocks, chapter by chapter."""

    def __init__(self, source: str, default_title: str) -> None:
        self.source = source
        self.default_title = default_title
        self.images: list[ImportedImage] = []
        self.corrections: list[Correction] = []
        self.chapters: list[tuple[ImportedChapter, list[str], list[int]]] = []
        self.notes: dict[int, str] = {}

    def image(self, image: mammoth.documents.Image) -> dict[str, str]:
        with image.open() as f:
            data = f.read()
        suffix = IMAGE_SUFFIXES.get(image.content_type or "", "png")
        name = f"{hashlib.sha256(data).hexdigest()[:12]}.{suffix}"
        if name not in {i.name for i in self.images}:
            self.images.append(ImportedImage(name, data))
        return {"src": f"images/{name}"}

    def chapter(self) -> tuple[ImportedChapter, list[str], list[int]]:
        if not self.chapters:
            self.chapters.append((ImportedChapter(title=self.default_title, body=""), [], []))
        return self.chapters[-1]

    def convert(self, root: HtmlElement) -> None:
        for element in root:
            tag = element.tag
            if tag == "h1":
                title = text_of(element)
                self.chapters.append((ImportedChapter(title=title, body="",
                                                      kind=chapter_kind(title)), [], []))
            elif tag in ("h2", "h3", "h4", "h5", "h6"):
                level = min(int(tag[1]), 4)
                self.add(f"{'#' * level} {self.inline(element).strip()}")
            elif tag == "p":
                self.paragraph(element)
            elif tag in ("ul", "ol") and element.get("id") is None and self.footnotes(element):
                continue
            elif tag in ("ul", "ol"):
                self.add(self.list(element, 0))
            elif tag == "table":
                self.add(self.table(element))
            elif tag == "blockquote":
                for child in element:
                    self.add("> " + self.inline(child).strip())
            else:
                self.add(self.inline(element).strip())

    def add(self, markdown: str) -> None:
        if markdown.strip():
            self.chapter()[1].append(markdown)

    def paragraph(self, element: HtmlElement) -> None:
        images = element.findall(".//img")
        text = self.inline(element, skip_images=True).strip()
        if text:
            self.add(BLOCK_START.sub(r"\1\2\\\3", text))
        for img in images:
            alt = (img.get("alt") or "").strip()
            if not alt:
                alt = f"图{len(self.images)}"
                self.corrections.append(Correction(
                    "—", "image without a description", img.get("src", ""),
                    f"alt text '{alt}': describe the picture", False))
            self.add(f"![{escape(alt, start=False)}]({img.get('src')})")

    def inline(self, element: HtmlElement, skip_images: bool = False) -> str:
        parts = [escape(element.text or "", start=False)]
        for child in element:
            parts.append(self.inline_child(child, skip_images))
            parts.append(escape(child.tail or "", start=False))
        return "".join(parts)

    def inline_child(self, child: HtmlElement, skip_images: bool) -> str:
        tag = child.tag
        if tag in ("strong", "b"):
            return f"**{self.inline(child).strip()}**"
        if tag in ("em", "i"):
            return f"*{self.inline(child).strip()}*"
        if tag == "a":
            call = FOOTNOTE_CALL.match(child.get("href", ""))
            if call:
                number = int(call.group(1))
                self.chapter()[2].append(number)
                return f"[^{number}]"
            href = child.get("href", "")
            return f"[{self.inline(child)}]({href})" if href else self.inline(child)
        if tag == "br":
            return "\\\n"
        if tag == "img":
            return "" if skip_images else f"![{child.get('alt', '')}]({child.get('src')})"
        if tag == "sup" and len(child) == 1 and child[0].tag == "a":
            return self.inline_child(child[0], skip_images)
        return self.inline(child, skip_images)

    def list(self, element: HtmlElement, depth: int) -> str:
        lines = []
        for number, item in enumerate(element.findall("li"), start=1):
            marker = f"{number}." if element.tag == "ol" else "-"
            nested = [sub for sub in item if sub.tag in ("ul", "ol")]
            for sub in nested:
                item.remove(sub)
            text = " ".join(self.inline(p).strip() for p in item.findall("p")) or self.inline(
                item).strip()
            lines.append(f"{'   ' * depth}{marker} {text}")
            lines += [self.list(sub, depth + 1) for sub in nested]
        return "\n".join(lines)

    def table(self, element: HtmlElement) -> str:
        rows = [[self.inline(cell).strip().replace("\n", " ") for cell in row]
                for row in element.iter("tr")]
        width = max((len(r) for r in rows), default=0)
        rows = [r + [""] * (width - len(r)) for r in rows]
        if not rows:
            return ""
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width]
        lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
        return "\n".join(lines)

    def footnotes(self, element: HtmlElement) -> bool:
        """mammoth's list of footnotes (``li id=footnote-N``), without the back links."""
        items = element.findall("li")
        if not items or not all((li.get("id") or "").startswith("footnote-") for li in items):
            return False
        for li in items:
            for back in li.findall(".//a"):
                if (back.get("href") or "").startswith("#footnote-ref-"):
                    back.drop_tree()
            number = int(li.get("id").removeprefix("footnote-"))
            self.notes[number] = " ".join(self.inline(p).strip() for p in li.findall("p"))
        return True

    def result(self) -> list[ImportedChapter]:
        chapters = []
        for chapter, blocks, calls in self.chapters:
            notes = [f"[^{n}]: {self.notes[n]}" for n in calls if n in self.notes]
            if not blocks:
                blocks = [escape(chapter.title)]
            chapter.body = "\n\n".join([*blocks, *notes]) + "\n"
            chapters.append(chapter)
        return chapters


def text_of(element: HtmlElement) -> str:
    return re.sub(r"\s+", " ", element.text_content()).strip()


def import_docx(path: Path, title: str | None = None) -> ImportedBook:
    if not path.is_file():
        raise error("I001", f"cannot import '{path}'", str(path), hint="give an existing file")
    converter = DocxConverter(path.name, title or path.stem)
    try:
        with path.open("rb") as f:
            converted = mammoth.convert_to_html(
                f, convert_image=mammoth.images.img_element(converter.image))
    except Exception as exc:  # a damaged or not-Word file: mammoth raises many kinds
        raise error("I003", f"cannot read the Word file: {exc}", path.name,
                    hint="save it again from Word as .docx") from None
    root = lxml_html.fragment_fromstring(converted.value or "<p></p>", create_parent="div")
    converter.convert(root)
    book = ImportedBook(path.name, converter.result(), converter.corrections, converter.images)
    for message in converted.messages:
        book.corrections.append(Correction("—", f"mammoth: {message.type}", message.message,
                                           "check the chapter", False))
    if title:
        book.meta["title"] = title
    return book
