"""Editions and PDF profiles in processes of their own: results in order, errors as they are,
and the same bytes as one process would make."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bookmaker.build import build, make_edition
from bookmaker.diagnostics import BookError, error
from bookmaker.load import load_book
from bookmaker.parallel import cores, halves, run_in_order
from bookmaker.pdf import TypesetPdf
from bookmaker.progress import Reporter, Step
from bookmaker.render import render_book
from bookmaker.render.documents import template_labels
from bookmaker.render.pagebreaks import PageStart
from conftest import SAMPLE

needs_two_cores = pytest.mark.skipif(cores() < 2, reason="one core: the tasks run in turn")


def slow_then(value: int, delay: float) -> object:
    def task(report: Reporter) -> tuple[int, int]:
        report(Step(f"task {value}", "sleep"))
        time.sleep(delay)
        return value, os.getpid()

    return task


@needs_two_cores
def test_results_come_back_in_the_order_of_the_tasks_from_other_processes() -> None:
    steps: list[Step] = []
    results = run_in_order([slow_then(1, 0.5), slow_then(2, 0.0)], steps.append)
    assert [value for value, _ in results] == [1, 2]
    assert os.getpid() not in {pid for _, pid in results}
    assert sorted(s.edition for s in steps) == ["task 1", "task 2"]


def test_a_book_error_in_a_task_arrives_with_its_diagnostics() -> None:
    def broken(report: Reporter) -> None:
        raise error("S001", "something is wrong", "book.yaml", 3, hint="fix it")

    with pytest.raises(BookError) as raised:
        run_in_order([broken, slow_then(2, 0.0)], lambda step: None)
    assert [str(d) for d in raised.value.diagnostics] == [
        "book.yaml:3: error S001: something is wrong — fix it"]


@pytest.mark.slow  # builds a whole book
@needs_two_cores
def test_editions_in_parallel_make_the_bytes_of_one_process(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1149120000")
    options = {"formats": ("epub", "pdf"), "profiles": ("screen", "press"),
               "variants": (None, "zh-Hant")}
    build(SAMPLE, tmp_path / "parallel", **options)
    monkeypatch.setenv("BOOKMAKER_JOBS", "1")
    build(SAMPLE, tmp_path / "serial", **options)
    names = sorted(p.name for p in (tmp_path / "serial").glob("*.*"))
    assert len(names) == 6
    for name in names:
        assert (tmp_path / "parallel" / name).read_bytes() == \
            (tmp_path / "serial" / name).read_bytes(), name


# Run in a fresh interpreter: the test process may have loaded jieba for other tests.
EDITION_PROCESS = """
import json, sys
from collections.abc import Callable
from pathlib import Path
from bookmaker.build import prepare_edition
from bookmaker.load import load_book
from bookmaker.progress import silent
from bookmaker.render import render_book
from bookmaker.render.documents import template_labels
from bookmaker.render.print_edition import render_print

sample = Path(sys.argv[1])
edition = prepare_edition(load_book(sample), sample, "zh-Hant", silent)
labels = {text: edition.labels(text) for text in template_labels(sample)}
titlepage = next(d.xhtml for d in render_book(edition.book, sample, edition.labels).documents
                 if d.name.endswith("titlepage.xhtml"))
render_print(edition.book, sample, "screen", "2006-06-01T00:00:00Z", edition.labels)
print(json.dumps({"jieba": "jieba" in sys.modules, "labels": labels, "titlepage": titlepage}))
"""


def test_a_typeset_pdf_comes_back_to_the_edition_without_weasyprint() -> None:
    """Each PDF is typeset in a process of its own and sent back pickled to its edition's
    process, which renders and packages but never lays out: unpickling what comes back must
    not import WeasyPrint there (0.5 s on every PDF's way out)."""
    typeset = TypesetPdf(b"%PDF-1.7", [], (PageStart("1", "c01", 0),))
    code = ("import pickle, sys; import bookmaker.build; "
            f"print(pickle.loads({pickle.dumps(typeset)!r}).pages[0].folio, "
            "'weasyprint' in sys.modules)")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout.split()
    assert found == ["1", "False"]


@pytest.mark.slow  # the sample's Traditional edition made twice, once in a Python of its own
def test_the_edition_process_converts_nothing_itself() -> None:
    """The Traditional edition's text, its templates' labels and its names' word breaks are
    made by a process that loads OpenCC and jieba and leaves: the edition's process, which
    renders its documents and forks its PDF processes, never loads jieba's dictionaries
    (120 MB), and its labels are the converter's."""
    found = json.loads(subprocess.run([sys.executable, "-c", EDITION_PROCESS, str(SAMPLE)],
                                      capture_output=True, text=True, check=True).stdout)
    assert found["jieba"] is False
    here = make_edition(load_book(SAMPLE), SAMPLE, "zh-Hant")
    assert found["labels"] == {text: here.labels(text) for text in template_labels(SAMPLE)}
    assert found["labels"]["目录"] == "目錄"
    titlepage = next(d.xhtml for d in render_book(here.book, SAMPLE, here.labels).documents
                     if d.name.endswith("titlepage.xhtml"))
    assert "<wbr/>" in titlepage and found["titlepage"] == titlepage


def test_a_missing_character_is_located_through_one_conversion_of_the_lines(
        tmp_path: Path) -> None:
    """The edition's labels convert what their table lacks in one batch (a process of its
    own, in a build): a character of the Traditional edition is found in the first line whose
    conversion has it, before a later line that has it as it is."""
    from bookmaker.build import LabelTable, first_use
    from bookmaker.diagnostics import Location

    (tmp_path / "chapter.md").write_text("一行\n台湾\n第三行臺\n", encoding="utf-8")
    batches: list[list[str]] = []

    def convert(texts: list[str]) -> list[str]:
        batches.append(texts)
        return [text.replace("台", "臺") for text in texts]

    labels = LabelTable({"目录": "目錄"}, convert)
    locate = first_use(tmp_path, labels)
    assert locate("臺", Location("chapter.md")) == Location("chapter.md", 2)
    assert batches == [["一行", "台湾"]]  # the lines before the one that has it as it is
    assert labels("目录") == "目錄" and labels("台湾") == "臺湾" and len(batches) == 1
    assert locate("湾", Location("chapter.md")) == Location("chapter.md", 2)
    assert len(batches) == 1  # converted once


def test_a_task_in_the_background_returns_its_result_or_raises_its_error() -> None:
    from bookmaker.parallel import in_background

    def where() -> int:
        return os.getpid()

    def broken() -> None:
        raise error("S001", "something is wrong", "book.yaml", 3, hint="fix it")

    started = in_background(where)
    failing = in_background(broken)
    assert started() == started()
    if cores() > 1:
        assert started() != os.getpid()  # it ran in another process
    with pytest.raises(BookError) as raised:
        failing()
    assert [str(d) for d in raised.value.diagnostics] == [
        "book.yaml:3: error S001: something is wrong — fix it"]


def imported_before(module: str) -> tuple[bool, int]:
    """Whether ``module`` was imported when this ran, and where it ran."""
    return module in sys.modules, os.getpid()


def failing_task() -> None:
    raise error("S001", "something is wrong", "book.yaml", 3, hint="fix it")


@needs_two_cores
def test_a_standby_runs_its_task_with_its_modules_imported_in_a_process_of_its_own(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from functools import partial

    from bookmaker.parallel import Standby, in_background

    (tmp_path / "standby_probe.py").write_text("", encoding="utf-8")  # imported by none else
    monkeypatch.syspath_prepend(str(tmp_path))
    standby = Standby.start(("standby_probe",))
    assert standby is not None
    try:
        answer = in_background(partial(imported_before, "standby_probe"), standby)
        was_imported, pid = answer()
    finally:
        standby.close()
    assert was_imported and pid != os.getpid()
    assert "standby_probe" not in sys.modules  # nothing leaked into this process


@needs_two_cores
def test_a_standby_sends_back_the_error_of_its_task_and_takes_a_task_from_a_forked_process(
) -> None:
    from bookmaker.parallel import Standby, in_background

    standby = Standby.start(())
    assert standby is not None
    # as a build's edition does: the task is sent from a process forked after the standby
    results = run_in_order([lambda report: _raised_by(in_background(failing_task, standby)),
                            lambda report: "other"], lambda step: None, isolate=True)
    standby.close()
    assert results == ["book.yaml:3: error S001: something is wrong — fix it", "other"]


def _raised_by(result: object) -> str:
    try:
        result()  # type: ignore[operator]
    except BookError as raised:
        return str(raised.diagnostics[0])
    return "nothing raised"


def reports_where_it_ran(report: Reporter) -> tuple[int, bool]:
    report(Step("zh-Hans", "layout", 1, 0, "pages"))
    report(Step("zh-Hans", "write"))
    return os.getpid(), "standby_probe" in sys.modules


@needs_two_cores
def test_run_in_order_gives_its_first_task_to_a_standby_whose_steps_reach_the_reporter(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As an edition lays out its first PDF: in a standby started with the edition, which
    has imported WeasyPrint meanwhile; the other layouts run in processes of their own."""
    import multiprocessing

    from bookmaker.parallel import standing_by

    (tmp_path / "standby_probe.py").write_text("", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    before = set(multiprocessing.active_children())
    steps: list[Step] = []
    with standing_by(("standby_probe",), steps.append) as standby:
        assert standby is not None
        (pid, imported), other = run_in_order(
            [reports_where_it_ran, lambda report: os.getpid()], steps.append, isolate=True,
            standby=standby)
        assert [(s.task, s.done) for s in steps] == [("layout", 1), ("write", 0)]
    assert imported and "standby_probe" not in sys.modules
    assert len({pid, other, os.getpid()}) == 3
    assert set(multiprocessing.active_children()) == before


@needs_two_cores
def test_an_unused_standby_ends_at_close_and_leaves_no_process() -> None:
    import multiprocessing

    from bookmaker.parallel import Standby

    before = set(multiprocessing.active_children())
    standby = Standby.start(("json",))
    assert standby is not None
    assert len(set(multiprocessing.active_children()) - before) == 1
    standby.close()
    assert set(multiprocessing.active_children()) == before


def collector_after_a_paused_call(report: Reporter) -> tuple[bool, bool]:
    """Whether the collector was on when this task began, and after a call that pauses it."""
    import gc

    from bookmaker.pdf import _collector_paused

    began = gc.isenabled()
    _collector_paused(lambda: None)()
    return began, gc.isenabled()


def test_the_collector_stays_off_after_typesetting_only_in_a_worker_that_ends() -> None:
    """A PDF's worker leaves Python's collector off after the layout (its exit frees what the
    layout left, where a collection cost 0.6 s); the build's own process turns it back on, and
    so does a worker's next task — but not the task of a pool started with it off (the
    writes forked from a layout)."""
    import gc

    assert collector_after_a_paused_call(lambda step: None) == (True, True)
    assert gc.isenabled()
    results = run_in_order([collector_after_a_paused_call] * 3, lambda step: None,
                           isolate=True)
    assert results == [(True, False)] * 3  # however the tasks fell to the workers
    assert gc.isenabled()
    gc.disable()  # as in a layout's process, whose writes are forked with the collector off
    try:
        off = run_in_order([collector_after_a_paused_call] * 3, lambda step: None,
                           isolate=True)
    finally:
        gc.enable()
    assert off == [(False, False)] * 3


def waits_then_cleans_up(folder: Path) -> None:
    """Says it has started, then waits to be ended; its clean-up leaves a mark."""
    from bookmaker.parallel import clean_up_when_ended

    with clean_up_when_ended((folder / "cleaned up").touch):
        (folder / "started").touch()
        time.sleep(30)


def answers_at_length(folder: Path) -> bytes:
    """An answer larger than a pipe holds, which nobody reads: sending it blocks."""
    (folder / "started").touch()
    return bytes(4_000_000)


@needs_two_cores
@pytest.mark.parametrize("where", ["background", "standby"])
@pytest.mark.parametrize("task", [waits_then_cleans_up, answers_at_length],
                         ids=["while it works", "while it sends"])
def test_a_background_task_ended_by_sigterm_cleans_up_and_ends_without_a_word(
        tmp_path: Path, capfd: pytest.CaptureFixture[str], where: str,
        task: Callable[[Path], object]) -> None:
    """As a failed build's process ends the one drawing its cover: the cover's temporary
    fonts are removed, and a process blocked sending an answer nobody will read ends too (the
    suite once hung there)."""
    import multiprocessing
    from functools import partial

    from bookmaker.parallel import Standby, in_background

    before = set(multiprocessing.active_children())
    standby = Standby.start(()) if where == "standby" else None
    in_background(partial(task, tmp_path), standby)
    [process] = set(multiprocessing.active_children()) - before
    deadline = time.monotonic() + 10
    while not (tmp_path / "started").exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.2)  # at work, or blocked sending
    process.terminate()
    process.join(10)
    assert process.exitcode == 128 + 15
    assert (tmp_path / "cleaned up").exists() == (task is waits_then_cleans_up)
    assert capfd.readouterr().err == ""


def _interrupted(_signal: int, _frame: object) -> None:
    raise KeyboardInterrupt


@needs_two_cores
@pytest.mark.parametrize("where", ["background", "standby"])
def test_waiting_for_a_background_task_interrupted_ends_it_at_once(
        tmp_path: Path, where: str) -> None:
    """Ctrl-C while an edition waits for its PDF's standby (or its cover's process): the
    process is ended, its clean-ups done, and the wait ends — it once waited for the task,
    which was blocked sending its answer, and the command hung."""
    import multiprocessing
    import signal
    from functools import partial

    from bookmaker.parallel import Standby, in_background

    before = set(multiprocessing.active_children())
    standby = Standby.start(()) if where == "standby" else None
    answer = in_background(partial(waits_then_cleans_up, tmp_path), standby)
    [process] = set(multiprocessing.active_children()) - before
    previous = signal.signal(signal.SIGALRM, _interrupted)
    started = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, 1.0)
    try:
        with pytest.raises(KeyboardInterrupt):
            answer()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert time.monotonic() - started < 10  # not the task's 30 s
    assert process.exitcode == 128 + 15 and (tmp_path / "cleaned up").exists()
    if standby is not None:
        standby.close()
    assert set(multiprocessing.active_children()) == before


@pytest.mark.slow  # builds the sample's EPUB twice
@needs_two_cores
def test_a_cover_drawn_by_the_standby_is_the_cover_drawn_in_place(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line's first EPUB build draws its cover in a standby (forked before the
    builder was imported); the EPUB is the one a build on one core makes, drawing it itself."""
    from click.testing import CliRunner

    from bookmaker import parallel
    from bookmaker.cli import cli

    used = tmp_path / "standby used"
    real = parallel.Standby.run

    def run(self: parallel.Standby, task: Callable[[], object]) -> Callable[[], object]:
        used.touch()  # in the edition's process: a file says so
        return real(self, task)

    monkeypatch.setattr(parallel.Standby, "run", run)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1149120000")
    epubs = []
    for jobs in ("2", "1"):
        monkeypatch.setenv("BOOKMAKER_JOBS", jobs)
        monkeypatch.setenv("BOOKMAKER_CACHE_DIR", str(tmp_path / f"cache-{jobs}"))
        out = tmp_path / f"out-{jobs}"
        result = CliRunner().invoke(cli, ["build", str(SAMPLE), "--out", str(out),
                                          "--format", "epub"])
        assert result.exit_code == 0, result.output
        epubs.append(next(out.glob("*.epub")).read_bytes())
        assert used.exists() == (jobs == "2")
        used.unlink(missing_ok=True)
    assert epubs[0] == epubs[1]


def squares_and_pids(items: list[int]) -> list[tuple[int, int]]:
    return [(item * item, os.getpid()) for item in items]


@needs_two_cores
def test_halves_work_the_later_half_by_weight_in_another_process() -> None:
    results = halves(squares_and_pids, [5, 1, 1, 1, 1, 1], weight=lambda item: item)
    assert [square for square, _ in results] == [25, 1, 1, 1, 1, 1]
    # the first item weighs half of all: the rest are worked elsewhere
    assert results[0][1] == os.getpid()
    assert {pid for _, pid in results[1:]} != {os.getpid()}
    assert len({pid for _, pid in results[1:]}) == 1


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 50), max_size=12))
def test_halves_give_what_the_work_gives_on_the_whole(items: list[int]) -> None:
    results = halves(squares_and_pids, items, weight=lambda item: item)
    assert [square for square, _ in results] == [item * item for item in items]
