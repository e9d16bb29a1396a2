"""The machine, not the book: what a bare machine lacks is no book diagnostic, and the pinned
versions are the ones installed."""

from __future__ import annotations

import logging
import re
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
import weasyprint.pdf.fonts

from bookmaker.fonts import subset_face
from bookmaker.pdf import typeset_pdf
from bookmaker.render.print_edition import PrintDocument
from bookmaker.resources import font_faces
from conftest import ROOT

TEXT = "北京出版社"


@pytest.fixture
def tiny(tmp_path: Path) -> tuple[PrintDocument, Path, Path]:
    """A print document of two lines in the serif, regular and bold, cut to their characters;
    its book folder and its fonts folder."""
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    faces = ""
    for face in font_faces("Hans")[:2]:
        path = fonts / face.file
        path.write_bytes(subset_face(face, TEXT, tmp_path / "cache").data)
        faces += f"@font-face {{ font-family: T; font-weight: {face.weight}; " \
                 f"src: url({path.as_uri()}) }}"
    document = PrintDocument(f'<html lang="zh-Hans"><p>{TEXT}</p><p><b>{TEXT}</b></p></html>',
                             (faces + "p { font-family: T }",))
    book = tmp_path / "book"
    book.mkdir()
    return document, book, fonts


def without_harfbuzz_subset(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on a bare machine: WeasyPrint finds no libharfbuzz-subset."""
    monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", None)


def test_the_pdf_is_the_same_with_or_without_the_systems_harfbuzz_subset(
        tiny: tuple[PrintDocument, Path, Path], monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    """bookmaker subsets the PDF's fonts with its pinned HarfBuzz (pdf/subset.py): a bare
    machine makes the same bytes, says nothing about it, and makes them again."""
    document, book, fonts = tiny
    typeset = typeset_pdf(document, book, fonts, "screen")
    with_it = typeset.data
    assert with_it.startswith(b"%PDF") and typeset.diagnostics == []
    without_harfbuzz_subset(monkeypatch)
    with caplog.at_level(logging.DEBUG, logger="bookmaker"):
        for _ in range(2):
            again = typeset_pdf(document, book, fonts, "screen")
            assert (again.data, again.diagnostics) == (with_it, [])
    assert [r for r in caplog.records if r.name.startswith("bookmaker")] == []


def test_weasyprints_own_notice_is_one_debug_line(tiny: tuple[PrintDocument, Path, Path],
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    """On a WeasyPrint bookmaker does not patch, a bare machine makes WeasyPrint subset with
    fontTools and say so for every font of every PDF: that is one debug line, no diagnostic."""
    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    monkeypatch.setattr("bookmaker.pdf._noticed", set())
    without_harfbuzz_subset(monkeypatch)
    with caplog.at_level(logging.DEBUG, logger="bookmaker"):
        for _ in range(2):
            typeset = typeset_pdf(*tiny, "screen")
            assert typeset.data.startswith(b"%PDF")
            assert [d.code for d in typeset.diagnostics] == ["P003"]
    notes = [r.getMessage() for r in caplog.records if r.name.startswith("bookmaker")]
    assert len(notes) == 1 and "Using fontTools instead of HarfBuzz-Subset" in notes[0]
    assert notes[0].startswith("environment:")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_the_pins_the_constraints_and_the_installed_versions_agree() -> None:
    """What pyproject.toml pins exactly, constraints.txt holds at the same version, and that
    version is the one installed: the tests ran on the versions the outputs depend on."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = dict(canonical_pin(d) for d in project["dependencies"] if "==" in d)
    assert {"weasyprint", "pydyf", "opencc", "fonttools", "ebooklib"} <= set(pins)
    lines = (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
    constrained = dict(canonical_pin(line) for line in lines if "==" in line)
    assert {name: constrained.get(name) for name in pins} == pins
    assert {name: version(name) for name in constrained} == constrained


def canonical_pin(requirement: str) -> tuple[str, str]:
    name, pinned = requirement.split("==")
    return canonical(name.strip()), pinned.strip()
