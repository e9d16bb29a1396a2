"""cli: help that teaches, the check command end to end, and how a command ends."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bookmaker.cli import cli
from conftest import SAMPLE, SessionAce, SessionEpubCheck, require_ace, require_program


def test_help_names_the_commands_and_an_example() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "build" in result.output and "check" in result.output
    assert "bookmaker build source" in result.output


def test_build_help_explains_exit_codes_and_reproducibility() -> None:
    result = CliRunner().invoke(cli, ["build", "--help"])
    assert "exit code 2" in result.output and "SOURCE_DATE_EPOCH" in result.output


def test_check_passes_on_the_sample(tmp_path: Path, epubcheck: SessionEpubCheck,
                                    ace: SessionAce, monkeypatch: pytest.MonkeyPatch) -> None:
    require_program("java", "`bookmaker check` with EPUBCheck")
    require_ace("`bookmaker check` with Ace")
    monkeypatch.setattr("bookmaker.epubcheck.EpubCheck", epubcheck.shared)  # the session's JVM
    monkeypatch.setattr("bookmaker.ace.Ace", ace.shared)  # the session's Node and Chromium
    result = CliRunner().invoke(cli, ["check", str(SAMPLE), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "0 errors, 0 warnings" in result.output and "0 violations" in result.output


QUICK_END = """
import atexit, sys
from bookmaker import cli
atexit.register(lambda: print("torn down", file=sys.stderr))
cli.cli = lambda: (print("the last line"), sys.exit(2))  # the line still in stdout's buffer
cli.main()
"""


def test_a_command_ends_without_the_teardown_and_with_all_its_output() -> None:
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    ended = subprocess.run([sys.executable, "-c", QUICK_END], capture_output=True, text=True,
                           env=buffered, timeout=60)
    assert ended.returncode == 2
    assert ended.stdout == "the last line\n"
    assert "torn down" not in ended.stderr  # nothing left to wait for: no teardown


WAITED_END = """
import multiprocessing, sys, time
from pathlib import Path
from bookmaker import cli

def late(path):
    time.sleep(0.5)
    Path(path).write_text("done")

def command():
    multiprocessing.get_context("fork").Process(target=late, args=(sys.argv[1],)).start()
    sys.exit(0)

if __name__ == "__main__":
    cli.cli = command
    cli.main()
"""


def test_a_command_whose_child_still_runs_ends_the_normal_way(tmp_path: Path) -> None:
    """The normal exit waits for the child (multiprocessing's own ending): its work is done
    when the command has ended."""
    done = tmp_path / "done"
    ended = subprocess.run([sys.executable, "-c", WAITED_END, str(done)],
                           stdout=subprocess.DEVNULL, timeout=60)
    assert ended.returncode == 0
    assert done.read_text() == "done"
