"""Chinese justification on three lines, measured in the PDF as WeasyPrint's own
``test_text_align_justify`` measures its lines: every line but the last ends on the right edge."""

from __future__ import annotations

import io
import itertools
from pathlib import Path

import pdfplumber
import pytest
import weasyprint
from weasyprint.draw import text as draw_text
from weasyprint.layout import inline
from weasyprint.text import line_break

from bookmaker.fonts import subset_face
from bookmaker.pdf import font_configuration, justify
from bookmaker.resources import font_faces

# 52 characters in a measure of 20.4 em: three lines, each with a fraction of an em to spread
TEXT = "北京市保持共产党员先进性教育活动领导小组和北京市党的建设研究会，共同举办了理论研讨会。" \
       "会议收到论文二百"
SIZE = 14  # px
WIDTH = 20.4 * SIZE
LEFT = 20  # px


@pytest.fixture(scope="module")
def font(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The body face cut down to the test's characters (by HarfBuzz: milliseconds)."""
    face = font_faces("Hans")[0]
    embedded = subset_face(face, TEXT, tmp_path_factory.mktemp("fonts"))
    path = tmp_path_factory.mktemp("font") / "serif.otf"
    path.write_bytes(embedded.data)
    return path


def render(font: Path, paragraph: str = TEXT) -> list[tuple[float, float]]:
    """The paragraph typeset; each line's left and right ends, in px."""
    return [(row[0]["x0"], row[-1]["x1"]) for row in rows(font, paragraph)]


def rows(font: Path, paragraph: str = TEXT) -> list[list[dict]]:
    """The paragraph (HTML) typeset; each line's characters, left to right, positions in px."""
    css = f"""@font-face {{ font-family: T; src: url({font.as_uri()}); }}
              @page {{ size: 400px 300px; margin: 0 }} body {{ margin: 0 }}
              p {{ font: {SIZE}px/2 T; margin: 0 {LEFT}px; width: {WIDTH}px;
                   text-align: justify }}"""
    html = weasyprint.HTML(string=f'<html lang="zh-Hans"><p>{paragraph}</p></html>')
    with font_configuration() as fonts:  # its copy of the font removed after
        data = html.write_pdf(stylesheets=[weasyprint.CSS(string=css, font_config=fonts)],
                              font_config=fonts)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        chars = pdf.pages[0].chars
    lines: dict[int, list[dict]] = {}
    scale = 400 / float(pdf.pages[0].width)  # pt to px
    for char in chars:
        lines.setdefault(round(char["top"]), []).append(
            {"text": char["text"], "x0": char["x0"] * scale, "x1": char["x1"] * scale})
    return [sorted(row, key=lambda c: c["x0"]) for _, row in sorted(lines.items())]


def test_every_line_but_the_last_ends_on_the_right_edge(font: Path) -> None:
    with justify.chinese_justification() as justified:
        lines = render(font)
    assert justified and len(lines) == 3
    right = LEFT + WIDTH
    assert [end for _, end in lines[:-1]] == [pytest.approx(right, abs=0.02)] * 2
    assert all(abs(start - LEFT) < 0.01 for start, _ in lines)
    assert lines[-1][1] < right - SIZE  # the last line is not stretched


def test_without_it_chinese_lines_end_ragged(font: Path) -> None:
    """WeasyPrint alone stretches spaces only: the test above could fail."""
    lines = render(font)
    assert all(end < LEFT + WIDTH - 1 for _, end in lines)


def test_the_patches_hold_only_inside_the_block() -> None:
    before = (inline.justify_line, line_break.Layout.reactivate)
    with justify.chinese_justification():
        assert inline.justify_line is justify.justify_line
        assert line_break.Layout.reactivate is not before[1]
        assert "int" not in vars(draw_text)  # no builtin shadowed in WeasyPrint's modules
    assert (inline.justify_line, line_break.Layout.reactivate) == before
    with pytest.raises(ZeroDivisionError), justify.chinese_justification():
        1 / 0  # noqa: B018
    assert (inline.justify_line, line_break.Layout.reactivate) == before


def test_another_weasyprint_is_left_alone(font: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    before = inline.justify_line
    with justify.chinese_justification() as justified:
        assert not justified and inline.justify_line is before
        lines = render(font)
    assert all(end < LEFT + WIDTH - 1 for _, end in lines)
    warning = str(justify.fallback_warning())
    assert "warning P003: WeasyPrint 71.0 is not the version" in warning and "70.0" in warning


def han_gaps(row: list[dict]) -> list[float]:
    """The gaps between consecutive Han characters of a line (px)."""
    return [b["x0"] - a["x1"] for a, b in itertools.pairwise(row)
            if justify.CJK.match(a["text"]) and justify.CJK.match(b["text"])]


def test_the_gaps_between_han_characters_are_even(font: Path) -> None:
    """Each share goes whole after its character: the gap after a text box's first character
    (here every fourth character starts a span) is the gap inside a box, not one and a half
    of it, and the gap before a box's first character not a half."""
    spans = "".join(f"<span>{TEXT[i:i + 4]}</span>" for i in range(0, len(TEXT), 4))
    with justify.chinese_justification():
        lines = rows(font, spans)
    assert len(lines) == 3
    for row in lines[:-1]:
        gaps = han_gaps(row)
        assert len(gaps) > 15 and min(gaps) > 0.1
        assert max(gaps) - min(gaps) < 0.03, gaps  # whole thousandths of an em (0.014 px)
        assert row[-1]["x1"] == pytest.approx(LEFT + WIDTH, abs=0.02)
    assert max(han_gaps(lines[-1])) < 0.01  # the last line is not stretched


def test_the_extra_width_is_drawn_in_whole_thousandths() -> None:
    """WeasyPrint writes a glyph's extra advance cut to whole thousandths of the em: the
    spacings are chosen in those units, their running total on the shares' running total."""
    chosen, total = justify.spacings([0, 1, 2, 5], 0.05, SIZE)  # 3.57 thousandths each
    assert chosen == {0: 4, 1: 3, 2: 4, 5: 3} and total == pytest.approx(14 * SIZE / 1000)
    units = justify.glyph_units(4, SIZE)
    assert 4 < units * 1000 / (TO_UNITS_PER_PX * SIZE) < 5  # cut to 4 by int()


TO_UNITS_PER_PX = 1024
