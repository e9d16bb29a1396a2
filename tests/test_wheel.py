"""The wheel: built, installed into a fresh virtual environment outside the checkout, and run
from elsewhere, it makes the same EPUB as the checkout does. Slow: it installs every dependency
at the versions of constraints.txt (downloaded from the package index once, then kept in a
wheelhouse under ~/.cache/bookmaker-tests for the same constraints and dependencies)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from bookmaker.build import build
from conftest import ROOT, SAMPLE, Epub

pytestmark = pytest.mark.slow  # builds a wheel, and installs it with every dependency

EPOCH = "1149120000"  # both builds get the same timestamps
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "bookmaker-tests"


def run(*command: str | Path, cwd: Path | None = None) -> str:
    done = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True,
                          check=False, env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH})
    assert done.returncode == 0, f"{command}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of the project (building writes next to its sources)."""
    project = tmp_path_factory.mktemp("project")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, project / name)
    shutil.copytree(ROOT / "src", project / "src",
                    ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"))
    wheels = tmp_path_factory.mktemp("wheels")
    # with the test environment's setuptools (the test extra), not a freshly downloaded one
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
        "--disable-pip-version-check", "--wheel-dir", wheels, project)
    (path,) = wheels.glob("bookmaker-*.whl")
    return path


def test_the_wheel_carries_every_file_of_the_package(wheel: Path) -> None:
    """Styles, fonts, templates, dictionaries, the EPUBCheck and Ace batch programs: whatever the
    package holds besides its code is package data, in the wheel."""
    package = ROOT / "src"
    files = {p.relative_to(package).as_posix() for p in (package / "bookmaker").rglob("*")
             if p.is_file() and "__pycache__" not in p.parts}
    assert {"bookmaker/data/styles/book.css", "bookmaker/data/fonts/fonts.toml",
            "bookmaker/render/templates/print.xhtml", "bookmaker/EpubCheckBatch.java",
            "bookmaker/ace_batch.js"} <= files
    assert files - set(zipfile.ZipFile(wheel).namelist()) == set()


@pytest.fixture(scope="module")
def wheelhouse(wheel: Path) -> Path:
    """Every dependency of the wheel as a wheel file, at the constrained versions."""
    constraints = ROOT / "constraints.txt"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    key = hashlib.sha256(constraints.read_bytes() + repr(project["dependencies"]).encode())
    house = CACHE / f"wheelhouse-{key.hexdigest()[:16]}"
    if not (house / "complete").is_file():
        for older in CACHE.glob("wheelhouse-*"):
            shutil.rmtree(older)
        # wheels, not downloads: a dependency published only as source (jieba) is built here
        run(sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check",
            "-c", constraints, "--wheel-dir", house, wheel)
        (house / wheel.name).unlink()
        (house / "complete").touch()
    return house


def test_the_installed_wheel_builds_the_sample_from_elsewhere(wheel: Path, wheelhouse: Path,
                                                              tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv)  # this pip installs into it
    python = venv / "bin" / "python"
    run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-compile",
        "--disable-pip-version-check", "--no-index", "--find-links", wheelhouse,
        "-c", ROOT / "constraints.txt", wheel)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    installed = run(python, "-c", "import bookmaker; print(bookmaker.__file__)", cwd=elsewhere)
    assert Path(installed.strip()).is_relative_to(venv)
    run(venv / "bin" / "bookmaker", "build", SAMPLE, "--out", "out", "--format", "epub",
        cwd=elsewhere)
    from_wheel = elsewhere / "out" / "beijing-xianjinxing-2006.epub"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    (from_checkout,) = build(SAMPLE, tmp_path / "checkout", formats=("epub",)).outputs
    assert len(Epub(from_wheel).spine_names()) > 5
    assert from_wheel.read_bytes() == from_checkout.read_bytes()
