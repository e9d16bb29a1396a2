"""bookmaker new: a minimal book that builds (EPUB EPUBCheck-clean, and the PDF) and lints
clean at once."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from bookmaker.build import build
from bookmaker.cli import cli
from bookmaker.load import load_book
from conftest import Epub, SessionEpubCheck


def test_new_book_builds_and_lints_clean(tmp_path: Path, epubcheck: SessionEpubCheck) -> None:
    runner = CliRunner()
    book = tmp_path / "my-book"
    made = runner.invoke(cli, ["new", str(book), "--title", "试验之书"])
    assert made.exit_code == 0, made.output
    assert "# " in (book / "book.yaml").read_text(encoding="utf-8")  # it explains itself
    linted = runner.invoke(cli, ["lint", str(book)])
    assert linted.exit_code == 0 and "0 errors, 0 warnings" in linted.output, linted.output
    loaded = load_book(book)
    assert loaded.meta.name == "my-book" and loaded.meta.title == "试验之书"
    assert len(loaded.chapters) == 2
    result = build(book, tmp_path / "out")
    assert result.diagnostics == []
    assert sorted(p.name for p in result.outputs) == [
        "my-book.epub", "my-book.pdf", "my-book.press.pdf"]
    assert "脚注的文字" in Epub(tmp_path / "out/my-book.epub").text()
    assert epubcheck(tmp_path / "out/my-book.epub", "EPUBCheck on the EPUB of a new book") == []


def test_new_refuses_a_directory_with_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(cli, ["new", str(tmp_path)])
    assert result.exit_code == 2 and "error N001" in result.output
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "x"
