"""The EPUB's generated pages on small screens, in headless Chromium: at 390×844 (a phone) and
820×1180 (a tablet), horizontal and vertical, no text runs out of the viewport, the title
wraps only where its title_lines break (never a lone character on a line), and the cover fits.
Screenshots of each page are saved beside the test's files for a look."""

from __future__ import annotations

import base64
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from cdp import Browser
from conftest import Epub, require_program

pytestmark = pytest.mark.slow  # typesets the book, or runs Chromium

VIEWPORTS = [(390, 844), (820, 1180)]
PAGES = ["cover", "halftitle", "titlepage", "copyright", "board", "nav", "c01", "c02"]

# Every element's text box inside the viewport across the lines (the inline axis: the width
# in horizontal text, the height in vertical text); the number of rendered lines of each title
# line, and the fewest characters any of them holds; the cover image's box.
MEASURE = """(() => {
  const vertical = getComputedStyle(document.documentElement).writingMode.startsWith('vertical');
  const [size, near, far] = vertical ? [innerHeight, 'top', 'bottom']
                                     : [innerWidth, 'left', 'right'];
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode());) {
    if (!node.textContent.trim() || node.parentElement.closest('[hidden]')) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      if (r[near] < -1 || r[far] > size + 1) out.push(node.textContent.trim().slice(0, 12));
    }
  }
  const lines = [...document.querySelectorAll('.title .line')].map(span => {
    const text = span.textContent, rows = new Map();
    for (let i = 0; i < text.length; i++) {
      const range = document.createRange();
      range.setStart(span.firstChild, i); range.setEnd(span.firstChild, i + 1);
      const r = range.getClientRects()[0];
      if (!r) continue;
      const key = Math.round(vertical ? r.left : r.top);
      rows.set(key, (rows.get(key) || 0) + 1);
    }
    return [text, rows.size, Math.min(...rows.values())];
  });
  const img = document.querySelector('section.cover img');
  const cover = img && img.complete ? [img.getBoundingClientRect().width,
                                       img.getBoundingClientRect().height] : null;
  return {vertical, overflow: out, lines, cover, width: innerWidth, height: innerHeight};
})()"""


# What a reading system adds: a margin around the page (Apple Books and Readium keep about this).
READING_SYSTEM = """(() => {
  const style = document.createElement('style');
  style.textContent = 'body { margin: 16px !important; }';
  document.head.append(style);
  return true;
})()"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    chromium = require_program("chromium", "the EPUB's pages on small screens")
    browser = Browser(chromium, tmp_path_factory.mktemp("chromium-profile"))
    yield browser
    browser.close()


def unpack(epub: Epub, folder: Path) -> Path:
    with zipfile.ZipFile(epub.path) as archive:
        archive.extractall(folder)
    return folder / epub.base


def look(browser: Browser, page: Path, width: int, height: int, shot: Path) -> dict:
    browser.open(page.as_uri())
    browser.call("Emulation.setDeviceMetricsOverride", browser.session, width=width,
                 height=height, deviceScaleFactor=1, mobile=False)
    browser.wait_for("document.readyState === 'complete' && document.fonts.status === 'loaded'"
                     " && [...document.images].every(i => i.complete)")
    browser.evaluate(READING_SYSTEM)
    data = browser.call("Page.captureScreenshot", browser.session, format="png")["data"]
    shot.write_bytes(base64.b64decode(data))
    found = browser.evaluate(MEASURE)
    assert found is not None, f"the measuring script failed on {page.name}"
    return found


@pytest.mark.parametrize("which", ["sample_epub", "vertical_epub"])
@pytest.mark.parametrize(("width", "height"), VIEWPORTS)
def test_generated_pages_fit_small_screens(which: str, width: int, height: int,
                                           browser: Browser, tmp_path: Path,
                                           request: pytest.FixtureRequest) -> None:
    epub: Epub = request.getfixturevalue(which)
    base = unpack(epub, tmp_path / "epub")
    problems = []
    for name in PAGES:
        found = look(browser, base / f"text/{name}.xhtml", width, height,
                     tmp_path / f"{name}-{width}x{height}.png")
        assert found["vertical"] == (which == "vertical_epub")
        if found["overflow"]:
            problems.append((name, "runs out of the viewport", found["overflow"]))
        for text, rows, fewest in found["lines"]:
            if rows != 1 or fewest < 2:
                problems.append((name, f"title line in {rows} lines, {fewest} alone", text))
        if name == "titlepage":
            assert found["lines"], "the title page's lines were measured"
        if name == "cover":
            cover_width, cover_height = found["cover"]
            if cover_width > width + 1 or cover_height > height + 1:
                problems.append((name, "cover larger than the viewport", found["cover"]))
    assert problems == []
