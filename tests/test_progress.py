"""Progress and timings: where the time went, per edition and stage, and a display that stays
quiet off a terminal."""

from __future__ import annotations

import io

from rich.console import Console

from bookmaker.cli import BuildDisplay
from bookmaker.progress import Step, Timings


def step(edition: str, task: str, at: float, cpu: float, done: int = 0) -> Step:
    return Step(edition, task, done, 0, "pages" if done else "", at, cpu)


def test_timings_add_up_each_task_until_the_next_one() -> None:
    timings = Timings()
    for s in [step("", "load", 0, 0), step("", "editions", 1, 0.5),
              step("zh-Hans", "render", 1, 1),
              step("zh-Hans", "pdf (screen): layout", 3, 2.5, done=1),
              step("zh-Hans", "pdf (screen): layout", 7, 6, done=300),
              step("zh-Hans", "done", 8, 7), step("", "write", 8.5, 1), step("", "done", 9, 1.2)]:
        timings.add(s)
    rows = {(t.edition, t.task): (t.wall, t.cpu) for t in timings.table()}
    assert list(rows) == [("", "load"), ("", "editions"), ("zh-Hans", "render"),
                          ("zh-Hans", "pdf (screen): layout"), ("", "write")]
    assert rows["", "load"] == (1, 0.5)
    assert rows["", "editions"] == (7.5, 0.5)  # as long as the editions took
    assert rows["zh-Hans", "render"] == (2, 1.5)
    assert rows["zh-Hans", "pdf (screen): layout"] == (5, 4.5)  # the pages are one task
    assert timings.total == 9


def test_the_display_is_quiet_when_stderr_is_not_a_terminal() -> None:
    captured = io.StringIO()
    display = BuildDisplay(Console(file=captured, force_terminal=False))
    display.started -= 5  # a long build
    display(Step("zh-Hans", "pdf (screen): layout", 12, 0, "pages"))
    display.close()
    assert captured.getvalue() == ""


def test_the_display_shows_edition_task_and_pages_on_a_terminal() -> None:
    captured = io.StringIO()
    display = BuildDisplay(Console(file=captured, force_terminal=True, width=100))
    display.started -= 5
    display(Step("zh-Hant", "pdf (press): layout", 12, 0, "pages"))
    display.bars.refresh()
    shown = captured.getvalue()
    display.close()
    assert "zh-Hant: pdf (press): layout" in shown and "page 12" in shown
