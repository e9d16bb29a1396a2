"""Accessibility: what every EPUB declares (EPUB Accessibility 1.1), and Ace by DAISY's verdict
on every EPUB bookmaker makes (Simplified, Traditional, vertical).

Ace needs Node (``make ace`` installs it into tools/ace) and Chromium; without them the Ace tests
skip loudly, and fail in CI (BOOKMAKER_REQUIRE_EXTERNAL).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import NS, Epub, ExampleBuild, SessionAce

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture(scope="module")
def paged_epub(sample_build: Path) -> Epub:
    """The sample's EPUB built with its PDF: with page-break markers and a page-list."""
    return Epub(sample_build / "beijing-xianjinxing-2006.epub")


def metadata(epub: Epub) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for meta in epub.opf.iterfind("opf:metadata/opf:meta[@property]", NS):
        if not meta.get("refines"):
            found.setdefault(meta.get("property"), []).append(meta.text)
    return found


@pytest.mark.slow  # each EPUB built
@pytest.mark.parametrize("which", ["sample_epub", "paged_epub", "hant_epub", "vertical_epub"])
def test_every_epub_declares_its_language_and_conformance(which: str,
                                                          request: pytest.FixtureRequest) -> None:
    epub: Epub = request.getfixturevalue(which)
    language = epub.opf.findtext("opf:metadata/dc:language", namespaces=NS)
    assert epub.opf.get(XML_LANG) == language
    declared = metadata(epub)
    assert declared["dcterms:conformsTo"] == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]
    assert declared["schema:accessibilityHazard"] == ["none"]
    assert {"structuralNavigation", "tableOfContents", "readingOrder",
            "alternativeText"} <= set(declared["schema:accessibilityFeature"])


def test_the_summary_says_what_the_book_holds(sample_epub: Epub, hant_epub: Epub,
                                              vertical_epub: Epub) -> None:
    summary = metadata(sample_epub)["schema:accessibilitySummary"][0]
    assert "2篇及其4个小节" in summary  # the preface and the speech, its four sections
    assert "除封面外没有图像" in summary and "脚注" not in summary
    assert "阅读顺序与印刷版相同" in summary
    hant = metadata(hant_epub)["schema:accessibilitySummary"][0]
    assert "閱讀順序與印刷版相同" in hant  # in the edition's own script
    assert "竖排" not in summary and "豎排" in metadata(vertical_epub)[
        "schema:accessibilitySummary"][0]


def test_reading_order_is_the_print_editions(sample_epub: Epub) -> None:
    """The contents come after the preface, as in the PDF (preface, contents, body)."""
    names = [n.rsplit("/", 1)[-1] for n in sample_epub.spine_names()]
    assert names.index("c01.xhtml") < names.index("nav.xhtml") < names.index("c02.xhtml")


@pytest.mark.parametrize("which", ["sample_epub", "paged_epub", "hant_epub", "vertical_epub"])
def test_ace_reports_no_violation(which: str, request: pytest.FixtureRequest,
                                  ace: SessionAce) -> None:
    epub: Epub = request.getfixturevalue(which)
    assert ace(epub.path, f"Ace on the {which.removesuffix('_epub')} EPUB") == []


@pytest.mark.parametrize("suffix", ["", ".zh-Hant"])
def test_ace_reports_no_violation_in_the_second_book(suffix: str, example_build: ExampleBuild,
                                                     ace: SessionAce) -> None:
    """The second example book: footnotes, tables, figures, poems, rare characters."""
    assert ace(example_build.path(f"{suffix}.epub"), "Ace on the second example book") == []


def test_ace_does_find_a_missing_package_language(sample_epub: Epub, tmp_path: Path,
                                                  ace: SessionAce) -> None:
    """Ace is really checking: a copy without the package's xml:lang fails with epub-lang."""
    broken = sample_epub.damaged_copy(tmp_path / "broken.epub", ".opf", b' xml:lang="zh-Hans"',
                                      b"")
    assert [d.code for d in ace.diagnostics(broken, "Ace on a damaged EPUB")] == ["Ace epub-lang"]
