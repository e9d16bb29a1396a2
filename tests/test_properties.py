"""Generated chapters: whatever a chapter holds, a build gives a well-formed EPUB or clean
diagnostics (a code, a file of the book, one line each), never a traceback; and a few of the
generated books pass EPUBCheck, one after another in one EPUBCheck process.

The budget is bounded (``MAX_EXAMPLES`` examples, EPUB only); the fonts are subset once to a
fixed repertoire that holds every character the strategies can draw, so that each example
reuses the cached subsets.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from PIL import Image

from bookmaker import build as build_module
from bookmaker.build import build
from bookmaker.diagnostics import BookError, Diagnostic
from bookmaker.load import load_book
from conftest import ROOT, SAMPLE, SessionEpubCheck
from test_load import Shelf

# the budget of `make test`; BOOKMAKER_PROPERTY_EXAMPLES=500 for a deeper search by hand
MAX_EXAMPLES = int(os.environ.get("BOOKMAKER_PROPERTY_EXAMPLES", "30"))
BOOKS_CHECKED = 4  # the last generated books that built, read by EPUBCheck
CJK = ("的一是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要她出也得里后自以会家可"
       "下而过天去能对小多然于心学之都好看起发当没成只如事把还用第样道想作种开美总从无情己面")
PUNCTUATION = "，。、；：？！“”‘’（）《》——……·"
LATIN = "abcdefghXYZ0123456789 "
# Strings a careless or hostile author types: markup, template syntax, character references,
# controls, noncharacters, private use, characters no font has, stray Markdown.
HOSTILE = [
    "<script>alert(1)</script>", "<b>粗</b>", "&#12;", "&#0;", "&amp;", "&nbsp;", "]]>",
    "{{ 7*7 }}", "{% include 'x' %}", "\x01", "\x0b", "\ufffe", "\U0010ffff", "\ue000",
    "\u202e", "\ufeff", "👍", "𠀀", "\\", "`", "*", "**", "_", "[^9]", "[^1]",
    "![无](images/none.png)", "[坏](javascript:alert(1))", "[外](https://example.com/a?b=1&c)",
    "[本](../book.yaml)", "<!-- 注 -->", "& <", "\t", "|", "#", "\r", ":::", "$", "~~删~~",
]
FIRST, SECOND = "chapters/01.md", "chapters/02.md"
CODE = re.compile(r"^[A-Z]\d{3}$")


def words(alphabet: str, most: int = 12) -> st.SearchStrategy[str]:
    return st.text(alphabet=alphabet, min_size=1, max_size=most)


def inline() -> st.SearchStrategy[str]:
    plain = st.one_of(words(CJK + PUNCTUATION), words(LATIN), words(CJK + LATIN))
    marked = st.one_of(
        plain.map(lambda t: f"*{t}*"), plain.map(lambda t: f"**{t}**"),
        plain.map(lambda t: f"`{t}`"),
        st.tuples(plain, st.sampled_from(["https://example.com/", "mailto:a@example.com",
                                          "02.md", "01.md"])).map(lambda p: f"[{p[0]}]({p[1]})"),
        st.integers(1, 3).map(lambda n: f"[^{n}]"),
    )
    hostile = st.sampled_from(HOSTILE)
    return st.lists(st.one_of(plain, marked, hostile, hostile), min_size=1,
                    max_size=8).map("".join)


def block() -> st.SearchStrategy[str]:
    text = inline()
    return st.one_of(
        text,
        st.tuples(st.integers(1, 5), text).map(lambda p: f"{'#' * p[0]} {p[1]}"),
        st.lists(text, min_size=1, max_size=4).map(lambda items: "\n".join(f"- {i}"
                                                                            for i in items)),
        st.lists(text, min_size=1, max_size=4).map(
            lambda items: "\n".join(f"{n}. {i}" for n, i in enumerate(items, 1))),
        text.map(lambda t: f"> {t}"),
        st.tuples(text, text, text, text).map(
            lambda c: f"| {c[0]} | {c[1]} |\n| --- | :-: |\n| {c[2]} | {c[3]} |"),
        st.tuples(st.sampled_from(["verse", "signature", "salutation"]), text).map(
            lambda p: f"::: {p[0]}\n{p[1]}\n:::"),
        st.tuples(st.integers(1, 3), text).map(lambda p: f"[^{p[0]}]: {p[1]}"),
        st.just("---"),
    )


def chapter() -> st.SearchStrategy[tuple[str, str]]:
    """A title and a Markdown body."""
    title = st.one_of(words(CJK + LATIN, 10), st.sampled_from(HOSTILE))
    body = st.lists(block(), min_size=1, max_size=8).map("\n\n".join)
    return st.tuples(title, body)


def chapter_file(title: str, body: str) -> str:
    return f"---\ntitle: {json.dumps(title)}\nkind: chapter\n---\n\n{body}\n"


def repertoire() -> str:
    """Every character a generated book can show: the strategies' alphabets and hostile
    strings, the sample's metadata and the templates' labels."""
    texts = [CJK, PUNCTUATION, LATIN, *HOSTILE, (SAMPLE / "book.yaml").read_text("utf-8")]
    texts += [p.read_text("utf-8") for p in (ROOT / "src/bookmaker/render/templates").rglob("*")
              if p.is_file()]
    printable = "".join(chr(c) for c in range(0x20, 0x7F))
    return "".join(sorted(set("".join(texts) + printable)))


def make_book(folder: Path, chapters: list[tuple[str, str]]) -> Path:
    """The sample's book.yaml and a cover of its own (so no cover is drawn), with the given
    chapters and a fixed last one."""
    book = folder / "book"
    book.mkdir(parents=True)
    text = (SAMPLE / "book.yaml").read_text("utf-8")
    names = [f"chapters/{i:02d}.md" for i in range(1, len(chapters) + 2)]
    text = text.replace("  - chapters/01-preface.md\n  - chapters/02-speech.md\n",
                        "".join(f"  - {n}\n" for n in names))
    (book / "book.yaml").write_text(text, encoding="utf-8")
    (book / "chapters").mkdir()
    for name, (title, body) in zip(names, chapters, strict=False):
        (book / name).write_text(chapter_file(title, body), encoding="utf-8")
    (book / names[-1]).write_text(chapter_file("结语", "全书完。"), encoding="utf-8")
    cover = io.BytesIO()
    Image.new("RGB", (160, 226), "maroon").save(cover, "JPEG")
    (book / "cover.jpg").write_bytes(cover.getvalue())
    return book


@pytest.fixture(scope="module")
def stable_subsets() -> Iterator[None]:
    """Subsets to one repertoire, whatever an example uses: one subsetting, then the cache."""
    real = build_module.subset_face
    fixed = repertoire()
    patch = pytest.MonkeyPatch()
    patch.setattr(build_module, "subset_face",
                  lambda face, chars, cache: real(face, "".join(sorted(set(fixed + chars))),
                                                  cache))
    yield
    patch.undo()


def check_epub(path: Path) -> None:
    with zipfile.ZipFile(path) as epub:
        assert epub.namelist()[0] == "mimetype"
        names = epub.namelist()
        assert len(names) == len(set(names))
        for name in names:
            if name.endswith((".xhtml", ".opf", ".ncx", ".xml")):
                root = etree.fromstring(epub.read(name))  # well-formed, or the test fails here
                ids = set(root.xpath("//@id"))
                # every link within a document finds its target (a footnote and its reference)
                dangling = [href for href in root.xpath("//@href")
                            if href.startswith("#") and href[1:] not in ids]
                assert dangling == [], (name, dangling)


def check_diagnostics(error: BookError) -> None:
    assert error.diagnostics
    for d in error.diagnostics:
        assert CODE.match(d.code), d
        assert d.location is not None and d.location.path in (FIRST, SECOND, "book.yaml"), d
        assert "\n" not in str(d), d


@pytest.fixture(scope="module")
def generated(stable_subsets: None, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Runs the property over ``MAX_EXAMPLES`` generated chapters; returns the EPUBs of the
    last ``BOOKS_CHECKED`` that built."""
    kept = tmp_path_factory.mktemp("kept")
    built: list[Path] = []
    counter = iter(range(10**6))

    @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(chapter())
    def build_or_diagnose(generated_chapter: tuple[str, str]) -> None:
        number = next(counter)
        folder = tmp_path_factory.mktemp(f"example{number}")
        book = make_book(folder, [generated_chapter])
        try:
            result = build(book, folder / "out", formats=("epub",))
        except BookError as error:
            check_diagnostics(error)
        else:
            check_epub(result.outputs[0])
            built.append(shutil.copy(result.outputs[0], kept / f"example{number}.epub"))
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    build_or_diagnose()
    return built[-BOOKS_CHECKED:]


@pytest.mark.slow  # a hundred generated books built
def test_generated_chapters_build_or_give_clean_diagnostics(generated: list[Path]) -> None:
    assert generated, "no generated chapter built: the strategies only make broken books"


def test_a_few_generated_books_pass_epubcheck(generated: list[Path],
                                              epubcheck: SessionEpubCheck) -> None:
    """The last few generated books that built, one after another in the session's EPUBCheck
    process."""
    for path in generated:
        assert epubcheck(path, "EPUBCheck on generated books") == [], path


def loaded(book: Path, shelf: Shelf | None) -> object:
    """The book and its warnings, or the diagnostics of its error."""
    warnings: list[Diagnostic] = []
    try:
        return load_book(book, warn=warnings.append, parses=shelf), warnings
    except BookError as error:
        return error.diagnostics


SHARED = Shelf()  # kept parses of every generated book: a key that misses an input shows


@settings(max_examples=40, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(chapter(), min_size=1, max_size=3))
def test_a_kept_parse_gives_what_a_parse_gives(chapters: list[tuple[str, str]]) -> None:
    """Generated chapters loaded from their kept parse: the same book, warnings or error,
    with the parses of every earlier book kept beside them (the last chapter, the same in
    each, stands at another place in a book of another length)."""
    with tempfile.TemporaryDirectory() as folder:
        book = make_book(Path(folder), chapters)
        parsed = loaded(book, None)
        assert loaded(book, SHARED) == parsed
        assert loaded(book, SHARED) == parsed
