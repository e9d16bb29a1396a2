"""Editions and PDF profiles in processes of their own: results in order, errors as they are,
and the same bytes as one process would make."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from bookmaker.build import build
from bookmaker.diagnostics import BookError, error
from bookmaker.parallel import cores, run_in_order
from bookmaker.progress import Reporter, Step

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
    from conftest import SAMPLE

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
