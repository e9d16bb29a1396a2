"""bookmaker import of a Word file made here with python-docx (a heading per chapter, a section,
emphasis, a footnote, lists, a table, an image): the book keeps each and builds EPUBCheck-clean.

python-docx has no footnote API: the footnotes part is written by hand and related to the
document, with a footnoteReference run in the text, as Word does."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from PIL import Image

from bookmaker.build import build
from bookmaker.cli import cli
from bookmaker.lint import lint_book
from bookmaker.load import load_book
from bookmaker.model import Emphasis, Figure, Heading, ListBlock, Paragraph, Table
from conftest import Epub, SessionEpubCheck
from test_import import body_text

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FOOTNOTES = (
    f'<w:footnotes xmlns:w="{W}">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
    '</w:r></w:p></w:footnote>'
    '<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r>'
    '<w:r><w:t xml:space="preserve"> 这是脚注的文字。</w:t></w:r></w:p></w:footnote>'
    "</w:footnotes>")


def make_docx(path: Path) -> None:
    doc = Document()
    doc.add_heading("第一章 总则", level=1)
    paragraph = doc.add_paragraph("这是正文，")
    paragraph.add_run("加粗").bold = True
    paragraph.add_run("和")
    paragraph.add_run("斜体").italic = True
    paragraph.add_run("。脚注在这里")
    paragraph.add_run()._r.append(parse_xml(f'<w:footnoteReference xmlns:w="{W}" w:id="1"/>'))
    paragraph.add_run("。")
    doc.add_heading("一、列表与表格", level=2)
    doc.add_paragraph("第一项", style="List Bullet")
    doc.add_paragraph("第二项", style="List Bullet")
    doc.add_paragraph("甲", style="List Number")
    doc.add_paragraph("乙", style="List Number")
    table = doc.add_table(rows=2, cols=2)
    for i, row in enumerate([["年份", "数量"], ["2006", "54"]]):
        for j, value in enumerate(row):
            table.cell(i, j).text = value
    picture = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(picture, "PNG")
    picture.seek(0)
    doc.add_picture(picture)
    doc.inline_shapes[0]._inline.docPr.set("descr", "红色方块")
    doc.add_heading("第二章 附则", level=1)
    doc.add_paragraph("第二章的正文。")
    part = Part(PackURI("/word/footnotes.xml"),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
                FOOTNOTES.encode(), doc.part.package)
    doc.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)
    doc.save(path)


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("docx")
    make_docx(folder / "book.docx")
    book = folder / "book"
    result = CliRunner().invoke(cli, ["import", str(folder / "book.docx"), "--into", str(book)])
    assert result.exit_code == 0, result.output
    return book


def test_the_word_file_keeps_its_structure(imported: Path) -> None:
    book = load_book(imported)
    first, second = book.chapters
    assert (first.meta.title, second.meta.title) == ("第一章 总则", "第二章 附则")
    kinds = [type(b) for b in first.blocks]
    assert kinds == [Paragraph, Heading, ListBlock, ListBlock, Table, Figure]
    assert body_text(first) == [
        ("p", "这是正文，加粗和斜体。脚注在这里。"), ("h2", "一、列表与表格"),
        ("li/p", "第一项"), ("li/p", "第二项"), ("li/p", "甲"), ("li/p", "乙"),
        ("tr", "年份|数量"), ("tr", "2006|54"), ("figure", "红色方块"),
        ("note1", "这是脚注的文字。")]
    emphasis = [(n.type, n.children[0].text) for n in first.blocks[0].children
                if isinstance(n, Emphasis)]
    assert emphasis == [("strong", "加粗"), ("em", "斜体")]
    assert [b.ordered for b in first.blocks[2:4]] == [False, True]
    assert len(book.images) == 1 and (imported / book.images[0]).read_bytes()[:4] == b"\x89PNG"
    assert body_text(second) == [("p", "第二章的正文。")]


def test_the_imported_word_file_lints_and_builds_epubcheck_clean(
        imported: Path, tmp_path: Path, epubcheck: SessionEpubCheck) -> None:
    assert [str(f.diagnostic) for f in lint_book(imported)] == []
    result = build(imported, tmp_path, formats=("epub",))
    assert result.diagnostics == []
    epub = Epub(result.outputs[0])
    assert "这是脚注的文字。" in epub.text() and "年份" in epub.text()
    assert epubcheck(result.outputs[0], "EPUBCheck on the EPUB of an imported Word file") == []


def test_a_file_that_is_not_word_is_refused_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "bad.docx").write_bytes(b"not a zip")
    result = CliRunner().invoke(cli, ["import", str(tmp_path / "bad.docx"), "--into",
                                      str(tmp_path / "b")])
    assert result.exit_code == 2 and "bad.docx: error I003" in result.output
    assert "Traceback" not in result.output
