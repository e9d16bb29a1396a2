"""Bad input: exit code 2 and one line naming the file, the line and the fix; no traceback.

Each case breaks a private copy of the sample book the way a user might, then runs the real
command line.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from bookmaker.cli import cli


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def broken_yaml(book: Path) -> None:
    edit(book / "book.yaml", "language: zh-Hans", "language: [zh-Hans")


def unknown_key(book: Path) -> None:
    edit(book / "book.yaml", "title_pinyin:", "title_pinyn:")


def missing_chapter(book: Path) -> None:
    (book / "chapters" / "02-speech.md").unlink()


def invalid_isbn(book: Path) -> None:
    edit(book / "book.yaml", "isbn: 7-200-06528-5", "isbn: 7-200-06528-4")


def reused_isbn(book: Path) -> None:
    """The e-book given the print book's ISBN (in its ISBN-13 form)."""
    edit(book / "book.yaml", "    isbn: ~", "    isbn: 978-7-200-06528-2")


def printed_ebook(book: Path) -> None:
    edit(book / "book.yaml", "    isbn: ~", "    isbn: ~\n    sheets: 2.5")


def not_utf8(book: Path) -> None:
    path = book / "chapters" / "01-preface.md"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))


def raw_html(book: Path) -> None:
    edit(book / "chapters" / "01-preface.md", "第一，要认真", "<b>第一</b>，要认真")


def path_outside(book: Path) -> None:
    edit(book / "book.yaml", "- chapters/02-speech.md", "- ../../outside.md")


def image_outside(book: Path) -> None:
    edit(book / "chapters" / "01-preface.md", "第一，要认真", "![图](/etc/passwd)\n\n第一，要认真")


def bad_date(book: Path) -> None:
    edit(book / "chapters" / "02-speech.md", "date: 2006-05-22", "date: 2006-13")


def add_to_book_yaml(book: Path, text: str) -> None:
    with (book / "book.yaml").open("a", encoding="utf-8") as f:
        f.write(text)


def missing_font_file(book: Path) -> None:
    add_to_book_yaml(book, "fonts:\n  - {role: body, file: fonts/shusong.otf}\n")


def not_a_font(book: Path) -> None:
    (book / "fonts").mkdir()
    (book / "fonts" / "shusong.otf").write_text("not a font", encoding="utf-8")
    add_to_book_yaml(book, "fonts:\n  - {role: body, file: fonts/shusong.otf}\n")


def font_outside(book: Path) -> None:
    add_to_book_yaml(book, "fonts:\n  - {role: body, file: /usr/share/fonts/x.otf}\n")


def font_not_installed(book: Path) -> None:
    add_to_book_yaml(book, "fonts:\n  - {role: heading, family: No Such Family Sans}\n")


def font_file_and_family(book: Path) -> None:
    add_to_book_yaml(book, "fonts:\n  - {role: body, file: a.otf, family: Noto Serif CJK SC}\n")


def bad_modified(book: Path) -> None:
    add_to_book_yaml(book, "modified: yesterday\n")


CASES: list[tuple[Callable[[Path], None], str, str, str]] = [
    # breakage, file named, code, words of the message or hint
    (broken_yaml, "book.yaml:", "S001", "on line 2"),
    (unknown_key, "book.yaml:", "S002", "did you mean 'title_pinyin'"),
    (missing_chapter, "book.yaml:", "S004", "chapters/02-speech.md' does not exist"),
    (invalid_isbn, "book.yaml:", "S003", "not a valid ISBN"),
    (reused_isbn, "book.yaml:", "E001", "products.ebook.isbn repeats the ISBN of products.print"),
    (printed_ebook, "book.yaml:", "S003", "sheets describe a printed book"),
    (not_utf8, "chapters/01-preface.md:", "S006", "UTF-8"),
    (raw_html, "chapters/01-preface.md:", "S007", "raw HTML"),
    (path_outside, "book.yaml:", "S008", "outside the book directory"),
    (image_outside, "chapters/01-preface.md:", "S008", "outside the book directory"),
    (bad_date, "chapters/02-speech.md:", "S003", "YYYY-MM"),
    (missing_font_file, "book.yaml:", "S004", "font file 'fonts/shusong.otf' does not exist"),
    (not_a_font, "book.yaml:", "S003", "not a font that can be read"),
    (font_outside, "book.yaml:", "S008", "outside the book directory"),
    (font_not_installed, "book.yaml:", "S004", "no installed font family 'No Such Family Sans'"),
    (font_file_and_family, "book.yaml:", "S003", "either 'file'"),
    (bad_modified, "book.yaml:", "S003", "'yesterday' is not a date"),
]


@pytest.mark.parametrize(("breakage", "where", "code", "words"), CASES,
                         ids=[c[0].__name__ for c in CASES])
def test_bad_input_gives_exit_2_and_one_line(book_copy: Path, tmp_path: Path,
                                             breakage: Callable[[Path], None], where: str,
                                             code: str, words: str) -> None:
    breakage(book_copy)
    result = CliRunner().invoke(cli, ["build", str(book_copy), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(where) and f"error {code}" in lines[0] and words in lines[0]
    assert "Traceback" not in result.output
    assert not (tmp_path / "out" / "beijing-xianjinxing-2006.epub").exists()


@pytest.mark.slow  # a Python process of its own
def test_the_installed_command_prints_no_traceback(book_copy: Path, tmp_path: Path) -> None:
    invalid_isbn(book_copy)
    done = subprocess.run(
        [sys.executable, "-m", "bookmaker", "build", str(book_copy), "--out", str(tmp_path)],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert "book.yaml:" in line and "978" not in line and "7-200-06528-4" in line


@pytest.mark.slow  # builds a whole book
def test_a_failed_build_leaves_the_earlier_output_intact(book_copy: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "out"
    command = ["build", str(book_copy), "--out", str(out), "--format", "epub"]
    assert runner.invoke(cli, command).exit_code == 0
    epub = out / "beijing-xianjinxing-2006.epub"
    before = epub.read_bytes()
    raw_html(book_copy)
    assert runner.invoke(cli, command).exit_code == 2
    assert epub.read_bytes() == before
    assert [p.name for p in out.iterdir() if p.name.endswith(".part")] == []


def test_output_inside_the_source_is_refused(book_copy: Path) -> None:
    before = sorted(p.relative_to(book_copy) for p in book_copy.rglob("*"))
    result = CliRunner().invoke(cli, ["build", str(book_copy), "--out", str(book_copy / "b")])
    assert result.exit_code == 2
    assert "never writes into the source" in result.stderr
    assert sorted(p.relative_to(book_copy) for p in book_copy.rglob("*")) == before
