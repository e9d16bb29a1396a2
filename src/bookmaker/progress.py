"""What a build reports as it goes: which edition, which task, how far.

The library only calls a ``Reporter`` with ``Step`` values; the command line draws them (a
progress display) and adds up where the time went (``--timings``). A step is plain, picklable
data stamped where it happens, so an edition built in another process reports the same way:
its steps travel to the parent, and their clocks still compare.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Step:
    """A task begins (``done`` 0) or moves on (``done`` of ``total`` ``unit``)."""

    edition: str  # the edition's language tag ("zh-Hans", "zh-Hant"); "" for the whole build
    task: str  # "load", "render", "fonts", "epub", "pdf (screen): layout", …
    done: int = 0
    total: int = 0  # 0 when the count is not known in advance (pages)
    unit: str = ""  # "chapters", "pages"
    at: float = field(default_factory=time.perf_counter)  # the system's monotonic clock
    cpu: float = field(default_factory=time.process_time)  # this process's CPU seconds


Reporter = Callable[[Step], None]


def silent(step: Step) -> None:
    """The reporter of a build nobody watches."""


def for_edition(report: Reporter, edition: str) -> Callable[..., None]:
    """``report`` with the edition filled in: ``stage("render")``,
    ``stage("render", done=3, total=56, unit="chapters")``."""

    def stage(task: str, done: int = 0, total: int = 0, unit: str = "") -> None:
        report(Step(edition, task, done, total, unit))

    return stage


@dataclass
class Timing:
    edition: str
    task: str
    wall: float = 0.0  # seconds between the task's first step and the next task's
    cpu: float = 0.0  # CPU seconds of the process that ran it, over the same span


class Timings:
    """Where the time went: a task's time runs from its first step to the next step of another
    task of the same edition (an edition's steps all come from one process, so their CPU clocks
    compare). A task that waits for others (the book's "editions", an edition's "pdf", when
    they run in processes of their own) lasts as long as they do."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], Timing] = {}  # in the order the tasks started
        self.running: dict[str, Step] = {}  # edition -> the first step of its running task
        self.first: float | None = None
        self.last: float | None = None

    def add(self, step: Step) -> None:
        self.first = step.at if self.first is None else self.first
        self.last = step.at
        running = self.running.get(step.edition)
        if running is not None and running.task == step.task:
            return  # the same task moving on
        self._end(step.edition, step)
        self.running[step.edition] = step
        self.rows.setdefault((step.edition, step.task), Timing(step.edition, step.task))

    def _end(self, edition: str, step: Step) -> None:
        running = self.running.pop(edition, None)
        if running is None:
            return
        row = self.rows[running.edition, running.task]
        row.wall += step.at - running.at
        row.cpu += step.cpu - running.cpu

    @property
    def total(self) -> float:
        return 0.0 if self.first is None or self.last is None else self.last - self.first

    def table(self) -> list[Timing]:
        """The tasks in the order they started; "done" only marks an end."""
        return [row for row in self.rows.values() if row.task != "done"]
