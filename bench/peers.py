"""The benchmark's peers and the machine it ran on.

- pandoc (Debian's package) to EPUB 3 on the book's own Markdown chapters, in reading order;
- raw WeasyPrint on equivalent HTML: the same chapters rendered by markdown-it-py as plain
  sections, the same page size, margins, body size and leading, the same four font files through
  @font-face, a folio — and none of bookmaker's typesetting (no justification of Chinese lines,
  no running heads, no spans).
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import yaml
from markdown_it import MarkdownIt
from measure import Figure, run

from bookmaker.load import load_book
from bookmaker.resources import font_faces, fonts_dir

HAN = re.compile(r"[\u3400-\u9fff]")
skipped: dict[str, str] = {}  # row -> why it did not run


def is_han(char: str) -> bool:
    return bool(HAN.fullmatch(char))


def chapters(book_dir: Path) -> list[tuple[str, str]]:
    """(title, Markdown body) of each chapter, in reading order."""
    found = []
    for name in yaml.safe_load((book_dir / "book.yaml").read_text(encoding="utf-8"))["chapters"]:
        text = (book_dir / name).read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)
        found.append((str(yaml.safe_load(front)["title"]), body))
    return found


def equivalent_html(book_dir: Path, folder: Path) -> Path:
    """The book as one plain HTML file with bookmaker's fonts and page geometry."""
    book = load_book(book_dir)
    page = book.meta.page
    faces = "".join(
        f'@font-face {{ font-family: "{f.family}"; font-weight: {f.weight}; '
        f'src: url("{(fonts_dir() / f.file).as_uri()}") format("opentype"); }}\n'
        for f in font_faces(book.meta.script))
    css = faces + f"""
@page {{ size: {page.trim.width}mm {page.trim.height}mm;
  margin: {page.top}mm {page.outer}mm {page.bottom}mm {page.inner}mm;
  @bottom-center {{ content: counter(page); font-size: 9pt; }} }}
html {{ font-family: "Book Serif"; font-size: {page.body_size}pt; line-height: {page.leading}; }}
h1, h2 {{ font-family: "Book Sans"; font-weight: 700; }}
p {{ margin: 0; text-indent: 2em; text-align: justify; }}
section {{ break-before: page; }}
"""
    markdown = MarkdownIt("commonmark")
    body = "".join(f"<section><h1>{title}</h1>{markdown.render(text)}</section>\n"
                   for title, text in chapters(book_dir))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "book.html"
    path.write_text(f'<!DOCTYPE html><html lang="{book.meta.language}"><head><meta charset="utf-8">'
                    f"<style>{css}</style></head><body>{body}</body></html>", encoding="utf-8")
    return path


def pandoc_epub(book_dir: Path, folder: Path) -> Figure | None:
    pandoc = shutil.which("pandoc")
    if pandoc is None:
        skipped["pandoc"] = ("pandoc is not installed (Debian: apt-get install pandoc, "
                             "or make system-deps): no EPUB peer")
        return None
    names = yaml.safe_load((book_dir / "book.yaml").read_text(encoding="utf-8"))["chapters"]
    title = yaml.safe_load((book_dir / "book.yaml").read_text(encoding="utf-8"))["title"]
    return run([pandoc, "--from", "markdown", "--to", "epub3", "--metadata", f"title={title}",
                "--metadata", "lang=zh-Hans", "--output", str(folder / "book.epub"),
                *(str(book_dir / n) for n in names)])


def raw_weasyprint(html: Path, folder: Path) -> Figure:
    return run([sys.executable, "-m", "weasyprint", str(html), str(folder / "book.pdf")])


def machine() -> str:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        model = found.group(1) if found else ""
    load = "load " + " ".join(f"{n:.1f}" for n in os.getloadavg())
    return f"{platform.node()}: {os.cpu_count()} cores {model}, {load}, {platform.platform()}"


def versions() -> str:
    from weasyprint.text.ffi import pango

    names = ("bookmaker", "weasyprint", "pydyf", "fonttools", "ebooklib", "opencc")
    found = [f"Python {platform.python_version()}"]
    found += [f"{name} {version(name)}" for name in names]
    major, rest = divmod(pango.pango_version(), 10000)
    found.append(f"Pango {major}.{rest // 100}.{rest % 100}")
    pandoc = shutil.which("pandoc")
    if pandoc:
        first = subprocess.run([pandoc, "--version"], capture_output=True, text=True).stdout
        found.append(first.splitlines()[0])
    return ", ".join(found)
