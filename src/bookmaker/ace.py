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
import subprocess
import tempfile
from importlib.resources import files
from pathlib import Path
from types import TracebackType

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


class Ace:
    """One Node process and one Chromium for several EPUBs (``ace_batch.js``; ace-cli starts
    both for each): ``check(path)`` as often as needed, then ``close()`` (or use it as a context
    manager)."""

    def __init__(self) -> None:
        program, chromium = ace_program(), chromium_program()
        node = shutil.which("node")
        if node is None:
            raise AceUnavailable("Ace needs Node (Debian: apt-get install nodejs)")
        self._work = Path(tempfile.mkdtemp(prefix="bookmaker-ace-"))
        self._stderr = (self._work / "stderr.txt").open("w+b")
        env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": chromium,
               "PUPPETEER_SKIP_DOWNLOAD": "1", "XDG_CONFIG_HOME": str(self._work / "config")}
        batch = Path(str(files("bookmaker") / "ace_batch.js"))
        self._process = subprocess.Popen([node, str(batch), str(Path(program).resolve())],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=self._stderr, env=env, text=True,
                                         encoding="utf-8")
        self._count = 0

    def check(self, path: Path) -> list[Diagnostic]:
        """Every violation Ace reports for ``path``, whatever its impact (none: it passes)."""
        self._count += 1
        report_dir = self._work / f"report-{self._count}"
        assert self._process.stdin and self._process.stdout
        try:
            self._process.stdin.write(f"{path.resolve()}\t{report_dir}\n")
            self._process.stdin.flush()
            answer = self._process.stdout.readline()
        except BrokenPipeError:
            answer = ""
        report_file = report_dir / "report.json"
        if not answer.startswith("done") or not report_file.is_file():
            raise AceUnavailable(f"Ace gave no report on {path.name}: "
                                 f"{answer.strip() or self._errors()}")
        report = json.loads(report_file.read_text(encoding="utf-8"))
        shutil.rmtree(report_dir, ignore_errors=True)
        return violations(report, path.name)

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
        shutil.rmtree(self._work, ignore_errors=True)

    def __enter__(self) -> Ace:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()


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
