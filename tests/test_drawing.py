"""pdf/drawing.py: a PDF's later pages drawn in a forked process are the pages WeasyPrint draws
in one, byte for byte: what their drawing adds to the document (alpha states, fonts' glyphs)
is replayed in page order, and a page whose additions cannot be (a group, a glyph no font
has, a font the writer has not met yet) is drawn again by the writer. And the press's
writer, taking the pages as drawn for the screen, writes the press drawn again."""

from __future__ import annotations

import base64
import contextlib
from pathlib import Path

import pytest
import weasyprint
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from weasyprint.text.fonts import FontConfiguration

from bookmaker import parallel
from bookmaker.build import build
from bookmaker.pdf import drawing, font_configuration, for_profile, weasyprint_patched
from bookmaker.pdf.press import press_finisher
from bookmaker.render.print_edition import PrintDocument
from bookmaker.resources import fonts_dir
from conftest import SAMPLE

PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360606060000000050001a5f645400000000049454e44ae426082"
)).decode()

# What a page may hold, by what its drawing adds to the document.
PAGES = {
    "text": "<p>一二三四五六七八九十，春夏秋冬。</p>",
    "more text": "<p>东南西北，上下左右，天地人和。</p>",
    "bold": "<p><b>粗体的字只在这一页</b></p>",  # a font first met on this page
    "alpha": '<p style="color: rgba(0, 0, 0, 0.5)">半透明的字</p>',  # an alpha state
    "opacity": '<p style="opacity: 0.5">一个组</p>',  # a group, numbered by count
    "image": f'<p><img src="data:image/png;base64,{PNG}" style="width: 20mm"></p>',  # one
    "small image": f'<p><img src="data:image/png;base64,{PNG}" style="width: 5mm"></p>',
    "missing": "<p>没有字形\U000f0001的字</p>",  # .notdef, numbered by count, and a warning
}


def css() -> str:
    folder = fonts_dir().resolve().as_uri()
    return f"""
@font-face {{ font-family: Serif; src: url({folder}/NotoSerifCJKsc-Regular.otf); }}
@font-face {{ font-family: Serif; font-weight: bold;
              src: url({folder}/NotoSansCJKsc-Bold.otf); }}
@page {{ size: 100mm 80mm; margin: 10mm; @bottom-center {{ content: counter(page); }} }}
body {{ font-family: Serif; font-size: 12pt; }}
section {{ break-after: page; }}
"""


def document(kinds: list[str], fonts: FontConfiguration) -> weasyprint.Document:
    html = "".join(f"<section>{PAGES[kind]}</section>" for kind in kinds)
    sheet = weasyprint.CSS(string=css(), font_config=fonts)
    return weasyprint.HTML(string=html).render(stylesheets=[sheet], font_config=fonts)


def written(kinds: list[str], split: bool) -> tuple[bytes, int | None]:
    """The PDF of one page of each kind, and how many pages were taken from the other
    process (None: not split). Written as the build writes, with bookmaker's font subsetting:
    WeasyPrint's fontTools fallback (without libharfbuzz-subset) stamps each subset with the
    time, so that two PDFs written a second apart differ."""
    with font_configuration() as fonts, weasyprint_patched():
        laid_out = document(kinds, fonts)
        with drawing.on_two_cores(laid_out, split) as other:
            data = laid_out.write_pdf(pdf_variant="pdf/a-2b", pdf_identifier=b"0" * 16)
    return data, None if other is None else other.taken


def both_written(kinds: list[str], drawn_once: bool) -> tuple[bytes, bytes, int]:
    """The screen and the press PDF of one layout (the press with its bleed and finisher), and
    how many pages the press took; ``drawn_once``, it takes the pages drawn for the screen."""
    screen_document, press_document = PrintDocument("", ()), PrintDocument("", (), bleed=3)
    kept: list[drawing.Drawn] = []
    with font_configuration() as fonts, weasyprint_patched():
        laid_out = document(kinds, fonts)
        screen = for_profile(laid_out, "screen", screen_document)
        press = for_profile(laid_out, "press", press_document)
        with drawing.on_two_cores(screen, drawn_once, then=kept.append):
            screen_pdf = screen.write_pdf(pdf_variant="pdf/a-2b", pdf_identifier=b"0" * 16)
        if drawn_once:
            assert len(kept) == 1 and len(kept[0]) == len(kinds)
        pages = (drawing.replaying(press, kept[0], compress=False) if drawn_once
                 else contextlib.nullcontext())
        with pages as replay:
            press_pdf = press.write_pdf(finisher=press_finisher(3, 16), pdf_identifier=b"1" * 16)
    return screen_pdf, press_pdf, replay.taken if replay else 0


@pytest.fixture
def two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    """A second process even on a machine of one core (where the build would not split)."""
    monkeypatch.setattr(parallel, "cores", lambda: 2)


def test_pages_drawn_on_two_cores_are_the_bytes_of_one(two_cores: None) -> None:
    kinds = ["text", "alpha", "text", "image", "bold", "more text", "alpha", "opacity",
             "missing", "image", "bold", "text"]
    one, _ = written(kinds, split=False)
    two, taken = written(kinds, split=True)
    assert two == one
    # of the later pages, all are taken (the alpha state, bold met by the writer before, the
    # image found on its page) but the group and the missing glyph, drawn again
    later = kinds[drawing.share_of_the_other(len(kinds)):]
    assert {"alpha", "bold", "image"} <= set(later)
    assert taken == len(later) - 2


def test_pages_taken_without_their_glyphs_would_differ(
        monkeypatch: pytest.MonkeyPatch, two_cores: None) -> None:
    """The check can fail: pages taken without the glyphs their drawing added to the fonts
    (their text in the PDF's ToUnicode maps, their widths) make another PDF."""
    kinds = ["text", "text", "text", "more text"]
    one, _ = written(kinds, split=False)
    monkeypatch.setattr(drawing, "_add_glyphs", lambda *args: None)
    two, taken = written(kinds, split=True)
    assert taken == len(kinds) - drawing.share_of_the_other(len(kinds))
    assert two != one


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(sorted(PAGES)), min_size=4, max_size=9))
def test_any_pages_drawn_on_two_cores_are_the_bytes_of_one(two_cores: None,
                                                           kinds: list[str]) -> None:
    one, _ = written(kinds, split=False)
    two, _ = written(kinds, split=True)
    assert two == one


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(sorted(PAGES)), min_size=4, max_size=9))
def test_the_press_taking_the_screens_pages_is_the_press_drawn_again(
        two_cores: None, kinds: list[str]) -> None:
    """Written from one layout, the press takes the pages as drawn for the screen, but for
    its bleed (its page rectangle) and its finisher (black as K, marks), which read no
    drawing; a page that drew a group (whose box is the page rectangle) it draws again."""
    *once, taken = both_written(kinds, drawn_once=True)
    *twice, _ = both_written(kinds, drawn_once=False)
    assert once == twice
    # every page of text but the first, which introduces the font to the press's writer
    assert taken >= sum(kind in ("text", "more text") for kind in kinds[1:])


def test_one_page_too_few_draws_in_one_process(two_cores: None) -> None:
    _, taken = written(["text", "text", "text"], split=True)
    assert taken is None


@pytest.mark.slow  # builds a book twice
def test_a_book_on_two_cores_is_the_pdf_of_one(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The sample's screen PDF, written alone (its pages drawn on two cores) and on one core.
    (The second book's screen PDFs, ``conftest.example_build``, are drawn on two cores too,
    and read back by ``test_example.py``.)"""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1149120000")
    taken = tmp_path / "taken"  # written by the process that writes the PDF
    real = drawing._take

    def take(drawn: drawing.DrawnPage, page: object, stream: object, compress: bool) -> bool:
        with taken.open("a") as record:
            record.write("taken\n")
        return real(drawn, page, stream, compress)

    monkeypatch.setattr(drawing, "_take", take)
    pdfs = []
    for cores in (2, 1):
        monkeypatch.setattr(parallel, "cores", lambda cores=cores: cores)
        build(SAMPLE, tmp_path / str(cores), formats=("pdf",), profiles=("screen",))
        pdfs.append(next((tmp_path / str(cores)).glob("*.pdf")).read_bytes())
        assert taken.exists() == (cores == 2)
        taken.unlink(missing_ok=True)
    assert pdfs[0] == pdfs[1]
