"""Ace by DAISY, the EPUB accessibility checker, run on a built EPUB; its violations become
diagnostics.

Ace is a Node program (``@daisy/ace-cli``, installed into ``tools/ace/`` by ``make ace``) that
drives a headless Chromium. It is run with the system's Chromium (``PUPPETEER_EXECUTABLE_PATH``)
and a private, temporary configuration folder, so that it neither downloads a browser nor
writes into the user's home. ``Ace`` keeps one Node process and one Chromium for as many EPUBs
as it is given (``ace_batch.js``, with the modules of that Ace installation).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from importlib.resources import files
from pathlib import Path

from bookmaker.checker_process import CheckerProcess
from bookmaker.diagnostics import Diagnostic, Location, Severity

# The project's own installation: tools/ace/ of the repository this package is run from.
PROJECT_ACE = Path(__file__).resolve().parents[2] / "tools" / "ace" / "node_modules" / ".bin"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")


class AceUnavailable(RuntimeError):
    """Ace or a Chromium for it is missing: the check could not run at all."""


def ace_program() -> str:
    """BOOKMAKER_ACE, else the project's tools/ace installation, else ``ace`` on the PATH."""
    for candidate in (os.environ.get("BOOKMAKER_ACE"), str(PROJECT_ACE / "ace-cli"),
                      shutil.which("ace")):
        if candidate and Path(candidate).is_file():
            return candidate
    raise AceUnavailable("Ace by DAISY is not installed (run `make ace`: it needs npm)")


def chromium_program() -> str:
    configured = os.environ.get("PUPPETEER_EXECUTABLE_PATH")
    if configured and Path(configured).is_file():
        return configured
    for name in CHROMIUM_NAMES:
        if found := shutil.which(name):
            return found
    raise AceUnavailable("Ace needs Chromium (Debian: apt-get install chromium)")


class Ace(CheckerProcess):
    """One Node process and one Chromium for several EPUBs (``ace_batch.js``; ace-cli starts
    both for each): ``check(path)`` as often as needed, then ``close()`` (or use it as a context
    manager)."""

    name = "Ace"
    unavailable = AceUnavailable

    def __init__(self) -> None:
        program, chromium = ace_program(), chromium_program()
        node = shutil.which("node")
        if node is None:
            raise AceUnavailable("Ace needs Node (Debian: apt-get install nodejs)")
        config = Path(tempfile.mkdtemp(prefix="bookmaker-ace-config-"))
        env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": chromium,
               "PUPPETEER_SKIP_DOWNLOAD": "1", "XDG_CONFIG_HOME": str(config)}
        batch = Path(str(files("bookmaker") / "ace_batch.js"))
        super().__init__([node, str(batch), str(Path(program).resolve())], env)
        self._config = config

    def check(self, path: Path) -> list[Diagnostic]:
        """Every violation Ace reports for ``path``, whatever its impact (none: it passes)."""
        report_dir = self.report(path)
        report_file = report_dir / "report.json"
        if not report_file.is_file():
            raise AceUnavailable(f"Ace wrote no report.json on {path.name}")
        report = json.loads(report_file.read_text(encoding="utf-8"))
        shutil.rmtree(report_dir, ignore_errors=True)
        return violations(report, path.name)

    def close(self) -> None:
        super().close()
        shutil.rmtree(self._config, ignore_errors=True)


def run_ace(path: Path) -> list[Diagnostic]:
    """Ace on one EPUB, in a process of its own (for several, ``Ace``)."""
    with Ace() as ace:
        return ace.check(path)


def violations(report: dict, epub_name: str) -> list[Diagnostic]:
    """The failed assertions of an Ace report, one diagnostic each."""
    found: list[Diagnostic] = []
    for subject in report.get("assertions", []):
        where = subject.get("earl:testSubject", {}).get("url", "")
        for assertion in subject.get("assertions", []):
            if assertion.get("earl:result", {}).get("earl:outcome") != "fail":
                continue
            test = assertion["earl:test"]
            result = assertion["earl:result"]
            message = f"{result.get('dct:description', '').strip()} ({test['earl:impact']})"
            pointer = result.get("earl:pointer", {}).get("css", [])
            hint = f"at {pointer[0]}" if pointer else test.get("help", {}).get("dct:title", "")
            found.append(Diagnostic(f"Ace {test['dct:title']}", message,
                                    Location(f"{epub_name}/{where}" if where else epub_name),
                                    hint=hint, severity=Severity.ERROR))
    return found
