"""An outside checker kept running for several EPUBs (EPUBCheck's JVM, Ace's Node and Chromium):
their start-up costs seconds, a check after that much less.

The program reads one request a line on its standard input, ``EPUB<TAB>REPORT``, writes its
report to REPORT and answers ``done`` on its standard output (``EpubCheckBatch.java``,
``ace_batch.js``). Its reports and its error output live in a temporary folder of its own,
removed on ``close()``.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Self

from bookmaker.diagnostics import Diagnostic


class CheckerProcess:
    """One checker process: ``report(path)`` as often as needed, then ``close()`` (or use it as
    a context manager). ``unavailable`` is raised when the checker gives no report."""

    name = "the checker"
    unavailable: type[RuntimeError] = RuntimeError

    def __init__(self, command: list[str], env: Mapping[str, str] | None = None) -> None:
        self.work = Path(tempfile.mkdtemp(prefix="bookmaker-check-"))
        self._stderr = (self.work / "stderr.txt").open("w+b")
        self._process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=self._stderr, env=env, text=True,
                                         encoding="utf-8")
        self._count = 0

    def check(self, path: Path) -> list[Diagnostic]:
        """What the checker finds in ``path`` (none: the EPUB passes)."""
        raise NotImplementedError

    def report(self, path: Path) -> Path:
        """Where the checker wrote its report on ``path`` (a fresh name in the work folder)."""
        self._count += 1
        report = self.work / f"report-{self._count}"
        assert self._process.stdin and self._process.stdout
        try:
            self._process.stdin.write(f"{path.resolve()}\t{report}\n")
            self._process.stdin.flush()
            answer = self._process.stdout.readline()
        except BrokenPipeError:
            answer = ""
        if not answer.startswith("done") or not report.exists():
            raise self.unavailable(f"{self.name} gave no report on {path.name}: "
                                   f"{answer.strip() or self._errors()}")
        return report

    def _errors(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read().decode(errors="replace")[-500:]

    def close(self) -> None:
        if self._process.poll() is None:
            assert self._process.stdin
            self._process.stdin.close()
            try:
                self._process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if self._process.stdout:
            self._process.stdout.close()
        self._stderr.close()
        shutil.rmtree(self.work, ignore_errors=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()
