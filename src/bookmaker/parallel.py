"""Independent parts of a build (editions; the PDF profiles of one edition) on every core.

Each task runs in a forked process: it inherits what the parent has already made (the loaded
book, the converted edition, the imported libraries), so nothing is loaded twice and nothing
but its result is sent back. Results come back in the order of the tasks, whatever order they
finish in, so the build's outputs do not depend on the schedule. The steps a task reports travel
back through a queue to the parent's reporter. With one task, or one core, the tasks run one
after the other in this process, unless they are to be isolated.

A task may also run in the background (``in_background``: the drawn cover), in a process of
its own or in a ``Standby`` started earlier that has imported what the task needs (which may
also take the first task of ``run_in_order``: an edition's first PDF). Such a process leaves
Ctrl-C to the build, and ends quietly when the build ends it (SIGTERM), after the clean-ups it
was in the middle of (``clean_up_when_ended``).
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import cache, partial
from typing import Any, TypeVar

from bookmaker.progress import Reporter, Step

T = TypeVar("T")
U = TypeVar("U")
Task = Callable[[Reporter], T]

_tasks: Sequence[Task[Any]] = ()  # the tasks of the pool being started, inherited by fork
_queue: Any = None  # the queue a worker's steps go to
_in_worker = False  # this process was forked to run tasks of a pool, and ends with it
_collecting = True  # whether the process that started the pool had the collector on
STOP_WAIT = 5.0  # seconds a relay's end waits for a queue whose lock an ended process holds


def cores() -> int:
    """The cores this process may run on (BOOKMAKER_JOBS caps them: 1 runs one at a time)."""
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    asked = os.environ.get("BOOKMAKER_JOBS", "")
    return max(1, min(available, int(asked))) if asked.isdigit() else available


def run_in_order(tasks: Sequence[Task[T]], report: Reporter, isolate: bool = False,
                 standby: Standby | None = None) -> list[T]:
    """Each task's result, in order; ``report`` receives the steps of all of them. With
    ``isolate``, even one task (or tasks on one core) runs in a forked process, so that what
    it loads (an edition's converter) leaves with it instead of swelling this process and
    every process forked from it later. A ``standby`` (started with ``report``) runs the
    first task, the others run meanwhile as without it."""
    if standby is not None and tasks:
        first = standby.run_reporting(tasks[0])
        rest = run_in_order(tasks[1:], report, isolate)
        return [first(), *rest]
    workers = min(len(tasks), cores())
    if not tasks or "fork" not in multiprocessing.get_all_start_methods() or (
            workers <= 1 and not isolate):
        return [task(report) for task in tasks]
    global _tasks
    context = multiprocessing.get_context("fork")
    relay = _Relay(context, report)
    relay.start()
    # run from a task of an outer pool, whose worker may run more of that pool's tasks later
    outer = _tasks
    _tasks = tasks
    try:
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                                 initargs=(relay.queue, gc.isenabled())) as pool:
            futures = [pool.submit(_run, index) for index in range(len(tasks))]
            return [future.result() for future in futures]
    finally:
        _tasks = outer
        relay.stop()


class _Relay:
    """A queue for the steps that forked processes report, and a thread of this process that
    passes them on to ``report`` from ``start`` to ``stop``."""

    def __init__(self, context: Any, report: Reporter) -> None:
        self.queue = context.SimpleQueue()
        self._report = report
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._pass_on, daemon=True)
        self._thread.start()

    def _pass_on(self) -> None:
        while (step := self.queue.get()) is not None:
            self._report(step)

    def stop(self) -> None:
        """Once every step sent before is passed on: they are ahead of this end in the
        queue. A process ended while it put a step (by SIGTERM, which ends it at once)
        leaves the queue's lock held: the end is then put by a thread of its own, and after
        ``STOP_WAIT`` seconds the relay is left to end with this process."""
        if self._thread is not None:
            end = threading.Thread(target=self.queue.put, args=(None,), daemon=True)
            end.start()
            end.join(STOP_WAIT)
            self._thread.join(STOP_WAIT)
            self._thread = None


def second_core() -> bool:
    """Whether a task may run at once in a forked process, on another core."""
    return cores() > 1 and "fork" in multiprocessing.get_all_start_methods()


def _start_worker(queue: Any, collecting: bool) -> None:
    global _queue, _in_worker, _collecting
    _queue = queue
    _in_worker = True
    _collecting = collecting


def disposable() -> bool:
    """Whether this process is a pool's worker, forked for the tasks of one
    ``run_in_order``, or a ``Standby``, forked for one task: it ends when they are done, and
    its exit frees all it holds."""
    return _in_worker


def _forward(step: Step) -> None:
    if _queue is not None:  # none in a background process: it reports nothing
        _queue.put(step)


def _run(index: int) -> Any:
    # each task begins with the collector as the pool's starter had it: an earlier task of
    # this worker may have left it off (``disposable``), and the PDF's writes, forked from a
    # layout made with it off, would otherwise walk that whole layout
    if _collecting:
        gc.enable()
    else:
        gc.disable()
    return _tasks[index](_forward)


def in_background(task: Callable[[], T], standby: Standby | None = None) -> Callable[[], T]:
    """``task`` started now in a forked process, on a core of its own — in ``standby``'s when
    one is given — and what is returned waits for its result (or raises what it raised). With
    one core, the task runs when its result is first asked for, in this process."""
    if standby is not None:
        return standby.run(task)
    if not second_core():
        return cache(task)
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_in_background, args=(task, send), daemon=True)
    process.start()
    send.close()
    return _answer(receive, process.pid, process.join)  # type: ignore[arg-type]


def halves(work: Callable[[list[T]], list[U]], items: list[T],
           weight: Callable[[T], int]) -> list[U]:
    """``work(items)``, whose result has an item for each of ``items`` and where each item's
    does not depend on the others: the later half (by ``weight``) worked in a forked process
    while this one works the first (in turn, with one core)."""
    total, cut, reached = sum(map(weight, items)), 0, 0
    while cut < len(items) and reached < total / 2:
        reached += weight(items[cut])
        cut += 1
    later = in_background(partial(work, items[cut:])) if cut < len(items) else lambda: []
    return work(items[:cut]) + later()


def _answer(receive: Any, pid: int, reap: Callable[[], object]) -> Callable[[], Any]:
    """What waits for the answer of the background process ``pid`` on ``receive``, then
    ``reap``s it. Waiting interrupted (Ctrl-C), it ends the process first: it may be blocked
    sending an answer larger than the pipe holds, which nobody will read."""
    @cache
    def result() -> Any:
        try:
            failed, value = receive.recv()
        except EOFError:  # killed before it answered (SIGKILL, out of memory)
            raise RuntimeError("a background task ended without a result") from None
        except BaseException:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
            raise
        finally:
            receive.close()
            reap()
        if failed:
            raise value
        return value
    return result


class Standby:
    """A process forked now that imports ``modules`` while this one goes on, then runs the one
    task it is sent (``in_background``, or ``run_in_order``'s first): a task that needs a
    library slow to import (WeasyPrint: half a second) finds it imported. The steps a task
    reports (``run_reporting``) go to ``report``, relayed by a thread of the process that
    started it. Processes forked from this one later inherit its pipe, so any one of them may
    send the task. Unused, it ends when the last process holding its pipe has closed it, or
    at ``close``."""

    def __init__(self, modules: tuple[str, ...], report: Reporter | None = None) -> None:
        context = multiprocessing.get_context("fork")
        self._tasks, self._send_task = context.Pipe(duplex=False)
        self._results, send_result = context.Pipe(duplex=False)
        self._relay = _Relay(context, report) if report is not None else None
        self._process = context.Process(
            target=_stand_by, args=(modules, self._tasks, self._send_task, send_result,
                                    self._relay.queue if self._relay else None))
        # not daemonic: its task may fork (a PDF's pages drawn on two cores, the press's
        # writer); ``close`` ends it
        self._process.start()
        self._parent = os.getpid()
        self._tasks.close()
        send_result.close()
        if self._relay is not None:
            self._relay.start()

    @staticmethod
    def start(modules: tuple[str, ...], report: Reporter | None = None) -> Standby | None:
        """A standby, where a second core and fork make one worth having."""
        return Standby(modules, report) if second_core() else None

    def run(self, task: Callable[[], T]) -> Callable[[], T]:
        self._send_task.send(task)
        self._send_task.close()
        return _answer(self._results, self._process.pid, self._join)  # type: ignore[arg-type]

    def run_reporting(self, task: Task[T]) -> Callable[[], T]:
        """``task`` run with a reporter whose steps reach the standby's ``report``."""
        return self.run(partial(_reporting, task))

    def _join(self) -> None:
        if os.getpid() != self._parent:  # the process that started it; a later fork may not
            return
        self._process.join()
        if self._relay is not None:
            self._relay.stop()

    def close(self) -> None:
        """Ends it, used or not (in the process that started it: when the build is done)."""
        self._send_task.close()
        self._results.close()
        if self._process.is_alive():
            self._process.terminate()
        self._join()


@contextlib.contextmanager
def standing_by(modules: tuple[str, ...], report: Reporter | None = None,
                wanted: bool = True) -> Iterator[Standby | None]:
    """A ``Standby`` (where ``wanted`` and worth having) for the block, ended on leaving it."""
    standby = Standby.start(modules, report) if wanted else None
    try:
        yield standby
    finally:
        if standby is not None:
            standby.close()


_clean_ups: list[tuple[int, Callable[[], object]]] = []  # (process, what it must still do)


@contextlib.contextmanager
def clean_up_when_ended(clean_up: Callable[[], object]) -> Iterator[None]:
    """While the block runs, ``clean_up`` is done if a background process running it is ended
    (SIGTERM) — an exception cannot be trusted to unwind it there: raised in a destructor or
    in a C library's callback, Python prints and drops it, and the process goes on."""
    entry = (os.getpid(), clean_up)  # a process forked inside the block does not inherit it
    _clean_ups.append(entry)
    try:
        yield
    finally:
        _clean_ups.remove(entry)


def _end(_signal: int, _frame: object) -> None:
    """SIGTERM in a background process: the process that started it is done with it (an
    interruption, a failed build, or its exit). Its pending clean-ups are done, and it ends at
    once, without a word — also when it was blocked sending an answer nobody will read."""
    for owner, clean_up in reversed(_clean_ups):
        if owner == os.getpid():
            with contextlib.suppress(Exception):
                clean_up()
    for child in multiprocessing.active_children():  # a standby's pool (a PDF's writes)
        with contextlib.suppress(Exception):
            child.terminate()
    os._exit(128 + signal.SIGTERM)


def _leave_interruptions_to_the_parent() -> None:
    """Ctrl-C is the build's to handle; the build then ends this process by SIGTERM (at its
    exit, multiprocessing terminates its daemonic children)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _end)


def _in_background(task: Callable[[], Any], send: Any) -> None:
    global _queue
    # a background process forked from a pool's worker or a standby reports nothing: ended
    # while it put a step into their queue (the build's end, Ctrl-C), it would leave the
    # queue's lock held, and the process relaying that queue waiting for it
    _queue = None
    _leave_interruptions_to_the_parent()
    _send_result(task, send)


def _stand_by(modules: tuple[str, ...], tasks: Any, send_task: Any, send_result: Any,
              steps: Any) -> None:
    global _queue, _in_worker
    send_task.close()  # else the pipe never ends while this process waits on it
    _leave_interruptions_to_the_parent()
    _queue, _in_worker = steps, True  # it ends after its one task
    for module in modules:
        with contextlib.suppress(Exception):  # the task, importing it again, says why
            importlib.import_module(module)
    try:
        task = tasks.recv()
    except EOFError:  # the build needed no task of it
        return
    except Exception as failure:  # a task that would not unpickle: the sender's to raise
        send_result.send((True, failure))
        return
    _send_result(task, send_result)


def _reporting(task: Task[T]) -> T:
    return task(_forward if _queue is not None else lambda step: None)


def _send_result(task: Callable[[], Any], send: Any) -> None:
    # whatever the task raises goes to the waiting process: a forked child must not unwind
    # into the code of the parent it was forked from (its cleanups are the parent's)
    try:
        answer = (False, task())
    except BaseException as failure:  # re-raised in the parent
        answer = (True, failure)
    send.send(answer)
    send.close()
