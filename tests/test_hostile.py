"""Malformed and hostile books: exit 2, one line naming the file, and the earlier outputs left
exactly as they were — never a traceback, never a read outside the book.

Each family breaks a private copy of the sample book the way a careless or a malicious sender
would, then runs the real command line (in-process, through click's runner) into a folder that
holds the outputs of an earlier good build.
"""

from __future__ import annotations

import io
import os
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from bookmaker import outputs as outputs_module
from bookmaker.cli import CRASH_REPORT, EXIT_BUG, cli
from bookmaker.load import load_book
from conftest import Epub, SessionEpubCheck

NAME = "beijing-xianjinxing-2006"
BUILD = ["--format", "epub", "--format", "pdf", "--profile", "screen"]
PREFACE = "chapters/01-preface.md"
SPEECH = "chapters/02-speech.md"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def add_to_preface(book: Path, markdown: str) -> None:
    edit(book / PREFACE, "第一，要认真", f"{markdown}\n\n第一，要认真")


def write(path: Path, text: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")


def png(width: int = 40, height: int = 30, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height), "white" if mode == "RGB" else 0).save(out, "PNG")
    return out.getvalue()


OUTSIDE_SECRET = "SECRET-OUTSIDE-THE-BOOK"


def outside_file(book: Path, name: str, text: str) -> Path:
    """A file beside the book directory, which the book must not be able to read."""
    target = book.parent / "outside" / name
    write(target, text)
    return target


def template(book: Path, name: str, text: str) -> None:
    write(book / "templates" / name, text)


PAGE = '{% extends "base.xhtml" %}{% block body %}\n'


def replacing(name: str, old: str, new: str) -> Callable[[Path], None]:
    """A breakage: ``old`` becomes ``new`` in the book's file ``name``."""
    return lambda book: edit(book / name, old, new)


def with_image(name: str, data: str | bytes) -> Callable[[Path], None]:
    """A breakage: an image file, shown in the preface (line 17)."""
    return lambda book: (write(book / name, data), add_to_preface(book, f"![图]({name})"))


@dataclass
class Family:
    name: str
    breakage: Callable[[Path], None]
    where: str  # the line starts with this (the file named)
    code: str
    env: dict[str, str] = field(default_factory=dict)


FAMILIES = [
    # --- book.yaml ---------------------------------------------------------------------------
    Family("impossible date", replacing("book.yaml", "date: 2006-06\n", "date: 2006-02-30\n"),
           "book.yaml:27:", "S003"),
    Family("unknown YAML tag",
           replacing("book.yaml", "printer: ", "printer: !!python/name:os.system "),
           "book.yaml:", "S001"),
    Family("deep nesting", lambda b: edit(
        b / "book.yaml", "editorial_board:\n",
        "extra: " + "[" * 5000 + "]" * 5000 + "\neditorial_board:\n"),
           "book.yaml:", "S001"),
    Family("billion laughs", lambda b: edit(b / "book.yaml", "editorial_board:\n", "laughs:\n" + "".join(  # noqa: E501
        f"  {chr(97 + i)}: &{chr(97 + i)} [" + ", ".join(
            [f"*{chr(96 + i)}"] * 9 if i else ["lol"] * 9) + "]\n" for i in range(10))
        + "editorial_board:\n"), "book.yaml:", "S001"),
    Family("control character in book.yaml", replacing("book.yaml", "printer: ", "printer: \x01"),
           "book.yaml:36:", "S011"),
    Family("U+FFFE in book.yaml", replacing("book.yaml", "printer: ", "printer: \ufffe"),
           "book.yaml:36:", "S011"),
    Family("empty book.yaml", lambda b: write(b / "book.yaml", ""), "book.yaml:1:", "S009"),
    Family("book.yaml a link to outside", lambda b: (
        (b / "book.yaml").rename(b.parent / "elsewhere.yaml"),
        (b / "book.yaml").symlink_to(b.parent / "elsewhere.yaml")), "book.yaml", "S008"),
    # --- chapters ----------------------------------------------------------------------------
    Family("control character in a chapter", replacing(PREFACE, "第一，", "第一\x01，"),
           PREFACE + ":17:", "S011"),
    Family("vertical tab in a chapter", replacing(PREFACE, "第一，", "第一\x0b，"),
           PREFACE + ":17:", "S011"),
    Family("U+FFFE in a chapter", replacing(PREFACE, "第一，", "第一\ufffe，"),
           PREFACE + ":17:", "S011"),
    Family("5000 nested emphasis markers",
           lambda b: add_to_preface(b, "*" * 5000 + "深" + "*" * 5000), PREFACE + ":17:", "S015"),
    Family("a chapter over the size limit",
           replacing(PREFACE, "第一，要认真", "长" * (4 * 1024 * 1024 // 3 + 10)),
           PREFACE + ":", "S016"),
    Family("javascript: link", lambda b: add_to_preface(b, "[点此](javascript:alert(1))"),
           PREFACE + ":17:", "S017"),
    Family("link to a file that is no chapter", lambda b: add_to_preface(b, "[见](../book.yaml)"),
           PREFACE + ":17:", "S017"),
    # --- images ------------------------------------------------------------------------------
    Family("SVG with a script", with_image(
        "images/a.svg", '<svg xmlns="http://www.w3.org/2000/svg" onload="x()">'
        "<script>alert(1)</script></svg>"), PREFACE + ":17:", "S013"),
    Family("SVG with an external reference", with_image(
        "images/a.svg", '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/'
        '1999/xlink"><image xlink:href="http://example.com/x.png" width="1" height="1"/></svg>'),
        PREFACE + ":17:", "S013"),
    Family("SVG with an external entity", with_image(
        "images/a.svg", '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>'),
        PREFACE + ":17:", "S013"),
    Family("truncated PNG", with_image("images/a.png", png()[:-30]), PREFACE + ":17:", "S014"),
    Family("text file named .png", with_image("images/a.png", "not a picture"),
           PREFACE + ":17:", "S014"),
    Family("PNG decompression bomb", with_image("images/a.png", png(12_000, 12_000, "1")),
           PREFACE + ":17:", "S016"),
    Family("image a link to outside", lambda b: (
        (b / "images").mkdir(),
        (b / "images/a.png").symlink_to(outside_file(b, "a.png", OUTSIDE_SECRET)),
        add_to_preface(b, "![图](images/a.png)")), PREFACE + ":17:", "S008"),
    # --- the book's design -------------------------------------------------------------------
    Family("cover design loading a file", lambda b: write(
        b / "styles/cover.css", ".front { background: url(/etc/passwd) }\n"),
        "styles/cover.css:1:", "S012"),
    Family("cover template undefined variable", lambda b: template(
        b, "parts/cover-front.xhtml", "<div>\n{{ book.meta.no_such_key }}</div>"),
        "templates/parts/cover-front.xhtml:2:", "T001"),
    Family("template syntax error", lambda b: template(b, "halftitle.xhtml", "{% if %}\n"),
           "templates/halftitle.xhtml:1:", "T001"),
    Family("template undefined variable",
           lambda b: template(b, "halftitle.xhtml", PAGE + "{{ nothing.here }}{% endblock %}"),
           "templates/halftitle.xhtml:2:", "T001"),
    Family("template missing include",
           lambda b: template(b, "halftitle.xhtml", '{% include "nope.xhtml" %}'),
           "templates/halftitle.xhtml:1:", "T001"),
    Family("template malformed XHTML",
           lambda b: template(b, "halftitle.xhtml", PAGE + "<p>open{% endblock %}"),
           "templates/halftitle.xhtml:", "T002"),
    Family("template escaping the sandbox", lambda b: template(
        b, "halftitle.xhtml", PAGE + '{{ cycler.__init__.__globals__.os.popen("touch '
        f'{b.parent}/PWNED").read() }}{{% endblock %}}'), "templates/halftitle.xhtml:2:", "T001"),
    Family("template including a link to outside", lambda b: (
        template(b, "halftitle.xhtml", PAGE + '{% include "parts/secret.xhtml" %}{% endblock %}'),
        (b / "templates/parts").mkdir(),
        (b / "templates/parts/secret.xhtml").symlink_to(
            outside_file(b, "secret.xhtml", OUTSIDE_SECRET))),
        "templates/parts/secret.xhtml", "S008"),
    Family("template reaching outside in the print edition", lambda b: template(
        b, "parts/halftitle.xhtml", '<section><img src="file:///etc/passwd" alt=""/></section>'),
        "templates/ or styles/:", "P002"),
    Family("stylesheet a link to outside", lambda b: (
        (b / "styles").mkdir(),
        (b / "styles/book.css").symlink_to(outside_file(b, "book.css", f"/* {OUTSIDE_SECRET} */"))),
        "styles/book.css", "S008"),
    Family("stylesheet @import refused",
           lambda b: write(b / "styles/print.css", '@import url("file:///etc/passwd");\n'),
           "styles/print.css:1:", "S012"),
    Family("stylesheet url() to outside",
           lambda b: write(b / "styles/book.css", "body { background: url(../../x.png) }\n"),
           "styles/book.css:1:", "S012"),
    # --- settings and the machine ------------------------------------------------------------
    Family("SOURCE_DATE_EPOCH=yesterday", lambda b: None, "SOURCE_DATE_EPOCH:", "B004",
           {"SOURCE_DATE_EPOCH": "yesterday"}),
    Family("cache inside the book", lambda b: None, "BOOKMAKER_CACHE_DIR:", "B001",
           {"BOOKMAKER_CACHE_DIR": "{book}/cache"}),
]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def run(book: Path, out: Path, env: dict[str, str | None] | None = None,
        args: list[str] = BUILD) -> tuple[int, list[str], str]:
    result = CliRunner().invoke(cli, ["build", str(book), "--out", str(out), *args], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result.exit_code, result.stderr.strip().splitlines(), result.output


def assert_one_clean_line(lines: list[str], output: str, where: str, code: str) -> None:
    assert len(lines) == 1, lines
    assert lines[0].startswith(where), lines[0]
    assert f"error {code}:" in lines[0], lines[0]
    assert " — " in lines[0], f"no hint: {lines[0]}"
    assert "Traceback" not in output


@pytest.mark.parametrize("family", FAMILIES, ids=[f.name for f in FAMILIES])
def test_each_family_gives_one_line_and_leaves_earlier_outputs(
        family: Family, book_copy: Path, earlier: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(earlier, out)
    before = snapshot(out)
    family.breakage(book_copy)
    env = {k: v.format(book=book_copy) for k, v in family.env.items()}
    code, lines, output = run(book_copy, out, env)
    assert code == 2, output
    assert_one_clean_line(lines, output, family.where, family.code)
    assert snapshot(out) == before
    assert OUTSIDE_SECRET not in output
    assert not (book_copy.parent / "PWNED").exists()
    assert not (book_copy / "cache").exists()


def test_output_below_a_regular_file(book_copy: Path, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("a file, not a folder")
    code, lines, output = run(book_copy, tmp_path / "file" / "out")
    assert code == 2
    assert_one_clean_line(lines, output, f"{tmp_path}/file/out:", "B003")


def test_read_only_output_folder(book_copy: Path, earlier: Path, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    shutil.copytree(earlier, out)
    before = snapshot(out)
    chapter = book_copy / "chapters" / "01-preface.md"  # a change, so that there is a write
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n甲。\n", encoding="utf-8")
    out.chmod(0o555)
    if os.geteuid() == 0:  # root writes anywhere: make the folder refuse as a read-only one would
        def refuse(*args: object, dir: object = None, **kwargs: object) -> object:
            if Path(str(dir)) == out:
                raise PermissionError(13, "Permission denied")
            return real(*args, dir=dir, **kwargs)

        real = outputs_module.tempfile.mkstemp
        monkeypatch.setattr(outputs_module.tempfile, "mkstemp", refuse)
    try:
        code, lines, output = run(book_copy, out)
    finally:
        out.chmod(0o755)
    assert code == 2
    assert_one_clean_line(lines, output, f"{out}:", "B003")
    assert "Permission denied" in lines[0]
    assert snapshot(out) == before


def test_a_failing_pdf_stage_leaves_the_earlier_epub(book_copy: Path, earlier: Path,
                                                     tmp_path: Path) -> None:
    """The EPUB is made first; the PDF stage fails after it: the folder keeps the earlier set,
    not a new EPUB beside an old PDF."""
    out = tmp_path / "out"
    shutil.copytree(earlier, out)
    before = snapshot(out)
    edit(book_copy / PREFACE, "第一，要认真", "第一，要很认真")
    template(book_copy, "print.xhtml", "{{ nothing.here }}")
    code, lines, output = run(book_copy, out)
    assert code == 2
    assert_one_clean_line(lines, output, "templates/print.xhtml:1:", "T001")
    assert snapshot(out) == before


def test_a_bug_is_one_line_and_a_report_file(book_copy: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("an invented bug")

    monkeypatch.setattr("bookmaker.build.load_book", broken)
    result = CliRunner().invoke(cli, ["build", str(book_copy), "--out", str(tmp_path)])
    assert result.exit_code == EXIT_BUG
    (line,) = result.stderr.strip().splitlines()
    assert "bug" in line and str(tmp_path / CRASH_REPORT) in line
    assert "Traceback" not in result.output
    report = (tmp_path / CRASH_REPORT).read_text(encoding="utf-8")
    assert "RuntimeError: an invented bug" in report and "Traceback" in report


# --- valid books that were refused or broke -------------------------------------------------


@pytest.mark.slow  # builds a whole book
def test_merge_key_is_read(book_copy: Path, tmp_path: Path) -> None:
    edit(book_copy / "book.yaml", "edition: {number: 1, date: 2006-06}",
         "edition: &first {number: 1, date: 2006-06}")
    edit(book_copy / "book.yaml", "printing: {number: 1, date: 2006-06}",
         "printing:\n      <<: *first\n      number: 2")
    code, _, output = run(book_copy, tmp_path, args=["--format", "epub"])
    assert code == 0, output
    # the printing is the print book's (the EPUB's copyright page shows none)
    printing = load_book(book_copy).product("print").printing
    assert (printing.number, printing.date.iso()) == (2, "2006-06")


@pytest.mark.slow  # builds a whole book
def test_a_chapter_dated_2200_builds(book_copy: Path, tmp_path: Path) -> None:
    in_2200 = 7258118400
    os.utime(book_copy / PREFACE, (in_2200, in_2200))
    code, _, output = run(book_copy, tmp_path, env={"SOURCE_DATE_EPOCH": None},
                              args=["--format", "epub"])
    assert code == 0, output
    with zipfile.ZipFile(tmp_path / f"{NAME}.epub") as epub:
        assert {i.date_time[0] for i in epub.infolist()} <= set(range(1980, 2108))


@pytest.mark.slow  # builds a whole book
def test_eleven_cip_subjects(book_copy: Path, tmp_path: Path) -> None:
    subjects = "".join(f"          - 主题{i}\n" for i in range(1, 12))
    edit(book_copy / "book.yaml", "          - 中国共产党—党的建设—学术会议—文集\n",
         "          - 中国共产党—党的建设—学术会议—文集\n" + subjects)
    code, _, output = run(book_copy, tmp_path, args=["--format", "epub"])
    assert code == 0, output
    page = Epub(tmp_path / f"{NAME}.epub").zip.read("EPUB/text/copyright.xhtml").decode()
    assert "⑪主题9" in page and "⑬主题11" in page


@pytest.mark.slow  # builds a whole book
def test_private_use_character_is_a_diagnostic(book_copy: Path, tmp_path: Path) -> None:
    edit(book_copy / PREFACE, "第一，要认真", "第一\ue000，要认真")
    code, lines, output = run(book_copy, tmp_path, args=["--format", "epub"])
    assert code == 0 and any("F001" in line and "U+E000" in line for line in lines), output
    code, lines, output = run(book_copy, tmp_path, args=["--format", "pdf"])
    assert code == 2
    assert_one_clean_line(lines, output, PREFACE, "F001")


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 40), "navy").save(out, "JPEG")
    return out.getvalue()


PASSIVE_SVG = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40"
 height="20" viewBox="0 0 40 20"><defs><rect id="r" width="10" height="10"/></defs>
<use xlink:href="#r" fill="teal"/><circle cx="30" cy="10" r="8" style="fill: olive"/></svg>
"""


def test_what_valid_books_contain_is_accepted_and_epubcheck_clean(
        book_copy: Path, tmp_path: Path, epubcheck: SessionEpubCheck) -> None:
    """CRLF line ends and a BOM, image names with a space and Chinese characters, a chapter
    image called images/cover.jpg, a passive SVG, a link to another chapter's .md: one build
    of the EPUB and the PDF, one EPUBCheck run."""
    speech = book_copy / SPEECH
    speech.write_bytes(b"\xef\xbb\xbf" + speech.read_bytes().replace(b"\n", b"\r\n"))
    write(book_copy / "images/图 一.png", png())
    write(book_copy / "images/cover.jpg", jpeg())
    write(book_copy / "images/plan.svg", PASSIVE_SVG)
    add_to_preface(book_copy, "![图一](<images/图 一.png>)\n\n![封面](images/cover.jpg)\n\n"
                   "![平面图](images/plan.svg)\n\n见[讲话](02-speech.md)。")
    code, lines, output = run(book_copy, tmp_path, args=BUILD)
    assert code == 0, output
    assert lines == [], "the PDF drew every image without a warning"
    epub = Epub(tmp_path / f"{NAME}.epub")
    names = epub.zip.namelist()
    assert len(names) == len(set(names)), "an entry twice"
    images = [n for n in names if n.startswith("EPUB/images/")]
    assert len(images) == 4 and all(n.isascii() and " " not in n for n in images), images
    preface = epub.xml("EPUB/text/c01.xhtml")
    links = [a.get("href") for a in preface.iter("{http://www.w3.org/1999/xhtml}a")]
    assert "c02.xhtml" in links
    speech_doc = epub.xml("EPUB/text/c02.xhtml")
    assert "历时一年半" in "".join(speech_doc.itertext())
    assert epubcheck(tmp_path / f"{NAME}.epub", "EPUBCheck on a book of unusual files") == []
