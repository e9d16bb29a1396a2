"""bookmaker serve, tested in headless Chromium: the page shows the chapter, changes by itself
when the chapter is edited (server-sent events, watchfiles), shows the new diagnostics, and
switches between the EPUB and the print stylesheets."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cdp import Browser
from conftest import require_program

pytestmark = pytest.mark.slow  # a server and a headless Chromium per test

NEW_SENTENCE = "这是预览测试加上的新句子"


@pytest.fixture
def server(book_copy: Path) -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "bookmaker", "serve", str(book_copy), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        assert " at http://127.0.0.1:" in line, line + process.stderr.read()
        yield line.split(" at ", 1)[1].split()[0]
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Browser]:
    chromium = require_program("chromium", "the live preview in a browser")
    opened = Browser(chromium, tmp_path / "profile")
    yield opened
    opened.close()


def test_an_edited_chapter_shows_in_the_open_page(server: str, browser: Browser,
                                                  book_copy: Path) -> None:
    browser.open(server + "epub/text/c02.xhtml")
    browser.wait_for("document.body && document.body.innerText.includes('历时一年半')")
    assert browser.evaluate("document.getElementById('bookmaker-diagnostics')") is None
    assert NEW_SENTENCE not in browser.evaluate("document.body.innerText")

    chapter = book_copy / "chapters/02-speech.md"
    text = chapter.read_text(encoding="utf-8")
    edited = text.replace("历时一年半", f"{NEW_SENTENCE}，怎么能搞得?历时一年半", 1)
    chapter.write_text(edited, encoding="utf-8")

    browser.wait_for(f"document.body.innerText.includes('{NEW_SENTENCE}')")
    diagnostics = browser.wait_for(
        "document.getElementById('bookmaker-diagnostics')?.innerText")
    line = edited[:edited.index("搞得?")].count("\n") + 1
    assert f"chapters/02-speech.md:{line}:" in diagnostics and "PN001" in diagnostics


def test_the_views_switch_between_the_epub_and_the_print_stylesheets(
        server: str, browser: Browser) -> None:
    browser.open(server + "epub/text/c01.xhtml")
    browser.wait_for("location.pathname === '/epub/text/c01.xhtml' "
                     "&& document.readyState === 'complete'")
    sheets = "Array.from(document.styleSheets).map(s => s.href || 'inline').join(' ')"
    assert "styles/book.css" in browser.evaluate(sheets)
    assert browser.evaluate("document.body.classList.contains('print')") is False

    browser.evaluate("document.getElementById('bookmaker-view-print').click()")
    browser.wait_for("location.pathname === '/print' && document.readyState === 'complete'")
    assert browser.evaluate("document.body.classList.contains('print')") is True
    page_rules = ("Array.from(document.styleSheets).flatMap(s => Array.from(s.cssRules))"
                  ".filter(r => r.cssText.startsWith('@page')).length")
    assert browser.evaluate(page_rules) > 0  # print.css and the page geometry of book.yaml
    assert "全市各级党组织坚决贯彻" in browser.evaluate("document.body.innerText")

    browser.evaluate("document.getElementById('bookmaker-view-epub').click()")
    browser.wait_for("location.pathname === '/epub/text/nav.xhtml'")
