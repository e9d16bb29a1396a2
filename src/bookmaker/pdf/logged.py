"""What WeasyPrint logs while it lays out, draws or writes: collected, to become diagnostics
(``pdf.diagnostics_of``) or to tell a page drawn in another process from one that warned
(``drawing``)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager


class Collected(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def weasyprint_log() -> Iterator[Collected]:
    """WeasyPrint's warnings while the block runs."""
    logger = logging.getLogger("weasyprint")
    handler = Collected()
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
