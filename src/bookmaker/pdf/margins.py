"""WeasyPrint 70's page margin boxes without the work that a box not drawn costs.

On every page WeasyPrint makes all sixteen margin boxes (``make_margin_boxes`` in
``layout/page.py``), resolves the percentages of each from its style (nineteen properties,
each computed from the cascade afresh), and then sets every size and spacing of a box whose
content is ``none`` (not generated) to zero, which is all its neighbours read of it. bookmaker's
pages have two or three generated boxes; the others' percentages cost 0.35 s of CPU on a
490-page book. ``resolve_percentages`` here leaves them out. ``justify.chinese_justification``'s
caller puts it in place, with the other patches, only on the WeasyPrint it was written for.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from weasyprint.formatting_structure import boxes
from weasyprint.layout import page


@contextmanager
def margin_boxes_spared() -> Iterator[None]:
    original = page.resolve_percentages

    def resolve_percentages(box: Any, containing_block: Any) -> None:
        if isinstance(box, boxes.MarginBox) and not box.is_generated:
            return  # its sizes and spacings are set to zero next, and nothing else is read
        original(box, containing_block)

    with mock.patch.object(page, "resolve_percentages", resolve_percentages):
        yield
