"""The build cache: an unchanged output is skipped, a cached build is byte for byte a clean one,
and every kind of input — a chapter, a style, a template, a font, a library version, the
output itself — invalidates it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bookmaker import cache
from bookmaker.build import build
from bookmaker.cli import cli
from bookmaker.resources import data_dir
from bookmaker.targets import EPUB, Target
from conftest import SAMPLE, Epub

NAME = "beijing-xianjinxing-2006"


@pytest.fixture
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of the test's own, and a fixed source date."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("BOOKMAKER_CACHE_DIR", str(folder))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1149120000")
    return folder


def edit_chapter(book: Path) -> None:
    chapter = book / "chapters" / "02-speech.md"
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(text.replace("同志们：", "同志们，朋友们："), encoding="utf-8")


@pytest.mark.slow  # builds a whole book
def test_nothing_changed_skips_every_output(book_copy: Path, tmp_path: Path,
                                            own_cache: Path) -> None:
    out = tmp_path / "out"
    first = build(book_copy, out, ("epub",), variants=(None, "zh-Hant"))
    assert [p.name for p in first.outputs] == [f"{NAME}.epub", f"{NAME}.zh-Hant.epub"]
    written = {p: p.stat().st_mtime_ns for p in first.outputs}
    second = build(book_copy, out, ("epub",), variants=(None, "zh-Hant"))
    assert second.outputs == []
    assert second.unchanged == first.outputs
    assert {p: p.stat().st_mtime_ns for p in first.outputs} == written  # not even rewritten


@pytest.mark.slow  # builds a whole book
def test_a_cached_rebuild_is_byte_identical_to_a_clean_build(book_copy: Path, tmp_path: Path,
                                                             own_cache: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    formats, profiles = ("epub", "pdf"), ("screen",)
    cached = tmp_path / "cached"
    build(book_copy, cached, formats, profiles=profiles)
    edit_chapter(book_copy)
    rebuilt = build(book_copy, cached, formats, profiles=profiles)
    assert sorted(p.name for p in rebuilt.outputs) == [f"{NAME}.epub", f"{NAME}.pdf"]
    # a clean build of the edited book: another output folder, an empty cache
    monkeypatch.setenv("BOOKMAKER_CACHE_DIR", str(tmp_path / "empty-cache"))
    clean = tmp_path / "clean"
    build(book_copy, clean, formats, profiles=profiles)
    for name in (f"{NAME}.epub", f"{NAME}.pdf"):
        assert (cached / name).read_bytes() == (clean / name).read_bytes(), name
    assert "同志们，朋友们：" in Epub(cached / f"{NAME}.epub").text()


@pytest.mark.slow  # builds a whole book
def test_a_changed_chapter_or_book_style_rebuilds(book_copy: Path, tmp_path: Path,
                                                  own_cache: Path) -> None:
    out = tmp_path / "out"
    build(book_copy, out, ("epub",))
    edit_chapter(book_copy)
    assert build(book_copy, out, ("epub",)).outputs == [out / f"{NAME}.epub"]
    (book_copy / "styles").mkdir()
    (book_copy / "styles" / "book.css").write_text(
        (data_dir() / "styles" / "book.css").read_text(encoding="utf-8")
        + "\np { text-indent: 3em; }\n", encoding="utf-8")
    assert build(book_copy, out, ("epub",)).outputs == [out / f"{NAME}.epub"]
    assert build(book_copy, out, ("epub",)).outputs == []


@pytest.mark.slow  # builds a whole book
def test_an_output_changed_or_removed_in_out_is_built_again(book_copy: Path, tmp_path: Path,
                                                            own_cache: Path) -> None:
    out = tmp_path / "out"
    epub = build(book_copy, out, ("epub",)).outputs[0]
    original = epub.read_bytes()
    epub.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))  # one bit of one byte
    assert build(book_copy, out, ("epub",)).outputs == [epub]
    assert epub.read_bytes() == original
    epub.unlink()
    assert build(book_copy, out, ("epub",)).outputs == [epub]
    assert epub.read_bytes() == original


@pytest.mark.parametrize("change", ["data/styles/print.css", "render/templates/chapter.xhtml",
                                    "data/fonts/NotoSerifCJKsc-Regular.otf", "build.py"])
def test_a_change_to_bookmakers_own_files_changes_every_key(change: str, tmp_path: Path,
                                                            own_cache: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    """bookmaker's styles, templates, fonts and code are inputs: a copy of the package with one
    byte changed gives other keys."""
    package = tmp_path / "bookmaker"
    shutil.copytree(cache.PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "PACKAGE", package)
    target = Target(None, EPUB)
    before = cache.BuildCache(SAMPLE, tmp_path / "out").key(target)
    assert cache.BuildCache(SAMPLE, tmp_path / "out").key(target) == before
    with (package / change).open("ab") as f:
        f.write(b" ")
    assert cache.BuildCache(SAMPLE, tmp_path / "out").key(target) != before


def test_a_library_version_and_the_source_date_are_inputs(tmp_path: Path, own_cache: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    target = Target(None, EPUB)
    before = cache.BuildCache(SAMPLE, tmp_path).key(target)
    monkeypatch.setattr(cache, "library_versions", lambda: ["weasyprint==71.0"])
    assert cache.BuildCache(SAMPLE, tmp_path).key(target) != before
    monkeypatch.undo()
    monkeypatch.setenv("BOOKMAKER_CACHE_DIR", str(own_cache))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1149120001")
    assert cache.BuildCache(SAMPLE, tmp_path).key(target) != before


def test_the_versions_name_the_libraries_that_make_the_bytes() -> None:
    versions = "\n".join(cache.library_versions()).lower()
    for name in ("weasyprint==", "pydyf==", "opencc==", "fonttools==", "ebooklib==",
                 "libpango-1.0.so.0"):
        assert name in versions


@pytest.mark.slow  # builds a whole book
def test_building_twice_says_nothing_changed(book_copy: Path, tmp_path: Path,
                                             own_cache: Path) -> None:
    out = tmp_path / "out"
    args = ["build", str(book_copy), "--out", str(out), "--format", "epub"]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert f"wrote {out / NAME}.epub" in first.output
    second = CliRunner().invoke(cli, [*args, "--timings"])
    assert second.exit_code == 0, second.output
    assert f"unchanged {out / NAME}.epub" in second.output
    assert "nothing changed: 1 output(s) up to date" in second.output
    assert "where the time went" in second.output and "check the cache" in second.output


@pytest.mark.slow  # builds a whole book
def test_the_epub_cover_image_is_drawn_again_only_when_its_inputs_change(
        book_copy: Path, tmp_path: Path, own_cache: Path) -> None:
    """The drawn cover is kept in the cache: a chapter edit reuses it, a cover style redraws."""
    out = tmp_path / "out"

    def cover_image() -> bytes:
        epub = Epub(out / f"{NAME}.epub")
        return epub.zip.read(epub.item_named("cover-image"))

    build(book_copy, out, ("epub",))
    first = cover_image()
    edit_chapter(book_copy)
    build(book_copy, out, ("epub",))
    assert cover_image() == first
    assert len(list((own_cache / "covers").iterdir())) == 1
    (book_copy / "styles").mkdir()
    (book_copy / "styles" / "cover.css").write_text(
        (data_dir() / "styles" / "cover.css").read_text(encoding="utf-8")
        + "\n.sheet { background: device-cmyk(0.9 0 0 0); }\n", encoding="utf-8")
    build(book_copy, out, ("epub",))
    assert cover_image() != first


def test_the_command_line_starts_without_loading_the_builder() -> None:
    """`bookmaker build` with nothing changed answers before WeasyPrint, OpenCC or the builder
    are imported: importing the command line loads none of them."""
    import subprocess
    import sys

    heavy = ("bookmaker.build", "weasyprint", "opencc", "jieba", "bookmaker.model")
    probe = ("import sys, bookmaker.cli; "
             f"print(' '.join(m for m in {heavy!r} if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True).stdout.split()
    assert loaded == []


class Table:
    """Labels converted ahead, as an edition in another script has them."""

    def __init__(self, table: dict[str, str]) -> None:
        self.table = table

    def __call__(self, text: str) -> str:
        return self.table.get(text, text)


def test_a_template_compiled_for_one_edition_is_never_used_for_another(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Compiled templates are kept in the cache and loaded by the next build; a template's
    labels are converted when it is compiled, so an edition in another script (or another
    conversion table) never gets the code compiled for the source's script."""
    import jinja2

    from bookmaker.render import documents

    book = tmp_path / "book"
    (book / "templates").mkdir(parents=True)
    (book / "templates" / "label.txt").write_text("目录 {{ 1 + 1 }}", encoding="utf-8")
    monkeypatch.setattr(documents, "_compiled_in", [tmp_path / "compiled"])

    def render(labels: documents.Labels) -> str:
        return documents.template_environment(book, labels).get_template("label.txt").render()

    hant, other = Table({"目录": "目錄"}), Table({"目录": "目次"})
    assert [render(documents.same), render(hant), render(other)] == [
        "目录 2", "目錄 2", "目次 2"]
    assert len(list((tmp_path / "compiled").iterdir())) == 3

    def no_compiling(*args: object, **kwargs: object) -> None:
        raise AssertionError("compiled again")

    monkeypatch.setattr(jinja2.Environment, "compile", no_compiling)
    assert [render(hant), render(documents.same), render(other)] == [
        "目錄 2", "目录 2", "目次 2"]
