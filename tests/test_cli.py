"""cli: help that teaches, and the check command end to end."""

from __future__ import annotations

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
