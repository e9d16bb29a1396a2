"""Chinese justification on three lines, measured in the PDF as WeasyPrint's own
``test_text_align_justify`` measures its lines: every line but the last ends on the right edge."""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pytest
import weasyprint
from weasyprint.draw import text as draw_text
from weasyprint.layout import inline
from weasyprint.text import line_break
from weasyprint.text.fonts import FontConfiguration

from bookmaker.fonts import subset_face
from bookmaker.pdf import justify
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


def render(font: Path) -> list[tuple[float, float]]:
    """The paragraph typeset; each line's left and right ends, in px."""
    css = f"""@font-face {{ font-family: T; src: url({font.as_uri()}); }}
              @page {{ size: 400px 300px; margin: 0 }} body {{ margin: 0 }}
              p {{ font: {SIZE}px/2 T; margin: 0 {LEFT}px; width: {WIDTH}px;
                   text-align: justify }}"""
    fonts = FontConfiguration()
    html = weasyprint.HTML(string=f'<html lang="zh-Hans"><p>{TEXT}</p></html>')
    data = html.write_pdf(stylesheets=[weasyprint.CSS(string=css, font_config=fonts)],
                          font_config=fonts)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        chars = pdf.pages[0].chars
    rows: dict[int, list[dict]] = {}
    for char in chars:
        rows.setdefault(round(char["top"]), []).append(char)
    scale = 400 / float(pdf.pages[0].width)  # pt to px
    return [(min(c["x0"] for c in row) * scale, max(c["x1"] for c in row) * scale)
            for _, row in sorted(rows.items())]


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
    before = (inline.justify_line, line_break.Layout.set_text)
    with justify.chinese_justification():
        assert inline.justify_line is justify.justify_line
        assert line_break.Layout.set_text is not before[1]
        assert "int" not in vars(draw_text)  # no builtin shadowed in WeasyPrint's modules
    assert (inline.justify_line, line_break.Layout.set_text) == before
    with pytest.raises(ZeroDivisionError), justify.chinese_justification():
        1 / 0  # noqa: B018
    assert (inline.justify_line, line_break.Layout.set_text) == before


def test_another_weasyprint_is_left_alone(font: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    before = inline.justify_line
    with justify.chinese_justification() as justified:
        assert not justified and inline.justify_line is before
        lines = render(font)
    assert all(end < LEFT + WIDTH - 1 for _, end in lines)
    warning = str(justify.fallback_warning())
    assert "warning P003: WeasyPrint 71.0 is not the version" in warning and "70.0" in warning


def test_the_drawn_width_is_what_weasyprint_writes() -> None:
    """The model of WeasyPrint's arithmetic: a middle glyph gets both halves, the first only
    the trailing one, and the trailing half is cut to whole thousandths."""
    per_thousandth = TO_UNITS_PER_PX * SIZE / 1000  # Pango units in a thousandth of an em
    extra, trailing = justify.drawn(round(20.5 * per_thousandth), SIZE, first=False)
    assert 10 < trailing < 11 and extra == pytest.approx(10.25 * 1.024 + 10, abs=0.1)
    extra, trailing = justify.drawn(round(20.5 * per_thousandth), SIZE, first=True)
    assert extra == 10


TO_UNITS_PER_PX = 1024
