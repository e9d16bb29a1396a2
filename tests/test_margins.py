"""pdf/margins.py: margin boxes not generated are left out of WeasyPrint's percentages, their styles
are looked up instead of searched for, and every margin box still lands where WeasyPrint puts it
unpatched, with its text and its size."""

from __future__ import annotations

import pytest
import weasyprint
from weasyprint.formatting_structure import boxes

from bookmaker.pdf.margins import margin_boxes_spared

# Neighbours of every kind: auto widths beside boxes not generated, a percentage width, a
# percentage margin and padding (resolved against the page), corners, and sides left empty.
HTML = """<style>
@page { size: 120mm 90mm; margin: 20mm 25mm;
  @top-left { content: "左边的页眉"; width: auto; padding-left: 5%; font-size: 14pt; }
  @top-center { content: none; }
  @top-right { content: "右"; margin-right: 10%; }
  @bottom-center { content: counter(page); width: 30%; }
  @left-middle { content: "中"; }
  @top-left-corner { content: "角"; }
}
@page :left { @top-right { content: none; } @bottom-left { content: "双"; } }
p { break-after: page; }
</style><p>一</p><p>二</p><p>三</p>"""


def margin_boxes() -> list[tuple[str, float, float, float, float, str]]:
    document = weasyprint.HTML(string=HTML).render()
    found = []
    for page in document.pages:
        for box in page._page_box.children:
            if isinstance(box, boxes.MarginBox):
                text = "".join(b.text for b in box.descendants() if isinstance(b, boxes.TextBox))
                found.append((box.at_keyword, box.position_x, box.position_y, box.width,
                              box.height, text))
    return found


def test_margin_boxes_are_placed_as_unpatched() -> None:
    unpatched = margin_boxes()
    with margin_boxes_spared():
        spared = margin_boxes()
    assert spared == unpatched
    assert {at for at, *_ in spared} >= {"@top-left", "@top-right", "@bottom-center",
                                         "@bottom-left", "@left-middle", "@top-left-corner"}


def test_boxes_not_generated_skip_their_percentages(monkeypatch: pytest.MonkeyPatch) -> None:
    from weasyprint.layout import page

    resolved = []
    original = page.resolve_percentages
    monkeypatch.setattr(page, "resolve_percentages",
                        lambda box, block: (resolved.append(box), original(box, block)))
    with margin_boxes_spared():
        weasyprint.HTML(string=HTML).render()
    margin = [box for box in resolved if isinstance(box, boxes.MarginBox)]
    assert margin and all(box.is_generated for box in margin)
