"""Independent parts of a build (editions; the PDF profiles of one edition) on every core.

Each task runs in a forked process: it inherits what the parent has already made (the loaded
book, the converted edition, the imported libraries), so nothing is loaded twice and nothing
but its result is sent back. Results come back in the order of the tasks, whatever order they
finish in, so the build's outputs do not depend on the schedule. The steps a task reports travel
back through a queue to the parent's reporter. With one task, or one core, the tasks run one
after the other in this process, unless they are to be isolated.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from typing import Any, TypeVar

from bookmaker.progress import Reporter, Step

T = TypeVar("T")
Task = Callable[[Reporter], T]

_tasks: Sequence[Task[Any]] = ()  # the tasks of the pool being started, inherited by fork
_queue: Any = None  # the queue a worker's steps go to


def cores() -> int:
    """The cores this process may run on (BOOKMAKER_JOBS caps them: 1 runs one at a time)."""
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    asked = os.environ.get("BOOKMAKER_JOBS", "")
    return max(1, min(available, int(asked))) if asked.isdigit() else available


def run_in_order(tasks: Sequence[Task[T]], report: Reporter, isolate: bool = False) -> list[T]:
    """Each task's result, in order; ``report`` receives the steps of all of them. With
    ``isolate``, even one task (or tasks on one core) runs in a forked process, so that what
    it loads (an edition's converter) leaves with it instead of swelling this process and
    every process forked from it later."""
    workers = min(len(tasks), cores())
    if not tasks or "fork" not in multiprocessing.get_all_start_methods() or (
            workers <= 1 and not isolate):
        return [task(report) for task in tasks]
    global _tasks
    context = multiprocessing.get_context("fork")
    queue = context.SimpleQueue()
    relay = threading.Thread(target=_relay, args=(queue, report), daemon=True)
    relay.start()
    # run from a task of an outer pool, whose worker may run more of that pool's tasks later
    outer = _tasks
    _tasks = tasks
    try:
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                                 initargs=(queue,)) as pool:
            futures = [pool.submit(_run, index) for index in range(len(tasks))]
            return [future.result() for future in futures]
    finally:
        _tasks = outer
        queue.put(None)
        relay.join()


def _relay(queue: Any, report: Reporter) -> None:
    while (step := queue.get()) is not None:
        report(step)


def _start_worker(queue: Any) -> None:
    global _queue
    _queue = queue


def _forward(step: Step) -> None:
    _queue.put(step)


def _run(index: int) -> Any:
    return _tasks[index](_forward)


def in_background(task: Callable[[], T]) -> Callable[[], T]:
    """``task`` started now in a forked process, on a core of its own; what is returned waits
    for its result (or raises what it raised). With one core, the task runs when its result
    is first asked for, in this process."""
    if cores() <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return cache(task)
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_send_result, args=(task, send), daemon=True)
    process.start()
    send.close()

    @cache
    def result() -> T:
        try:
            failed, value = receive.recv()
        except EOFError:  # killed before it answered (SIGKILL, out of memory)
            raise RuntimeError(f"a background task ended without a result "
                               f"(exit code {process.exitcode})") from None
        finally:
            receive.close()
            process.join()
        if failed:
            raise value
        return value
    return result


def _send_result(task: Callable[[], Any], send: Any) -> None:
    # whatever the task raises goes to the waiting process: a forked child must not unwind
    # into the code of the parent it was forked from (its cleanups are the parent's)
    try:
        answer = (False, task())
    except BaseException as failure:  # re-raised in the parent
        answer = (True, failure)
    send.send(answer)
    send.close()
