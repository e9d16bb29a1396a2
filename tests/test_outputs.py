"""Outputs as a set: a build puts all its outputs in place or none; Ctrl-C and SIGTERM leave the
earlier ones and no temporary file; two builds into one folder never mix their outputs."""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from bookmaker import outputs
from bookmaker.outputs import OutputSet
from conftest import SAMPLE, Epub

NAME = "beijing-xianjinxing-2006"
BUILD = ["--format", "epub", "--format", "pdf", "--profile", "screen"]
PREFACE = "chapters/01-preface.md"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def temporaries(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*") if p.name.endswith(outputs.TEMPORARY_SUFFIX)]


def test_nothing_is_put_in_place_when_the_block_fails(tmp_path: Path) -> None:
    (tmp_path / "a.epub").write_bytes(b"earlier")
    with pytest.raises(RuntimeError), OutputSet(tmp_path) as staged:
        staged.add("a.epub", b"new")
        staged.add("a.pdf", b"new")
        assert len(temporaries(tmp_path)) == 2
        raise RuntimeError("the PDF stage failed")
    assert snapshot(tmp_path) == {"a.epub": b"earlier"}
    assert temporaries(tmp_path) == []


def test_the_renames_happen_under_a_lock_on_the_folder(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """While one build renames its outputs, another cannot take the folder's lock (so it
    cannot rename its own in between)."""
    locked_during_rename: list[bool] = []
    real_replace = os.replace

    def replace(source: str, target: str) -> None:
        fd = os.open(tmp_path, os.O_RDONLY | os.O_DIRECTORY)  # another open file: another build
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            locked_during_rename.append(False)
        except BlockingIOError:
            locked_during_rename.append(True)
        finally:
            os.close(fd)
        real_replace(source, target)

    monkeypatch.setattr(outputs.os, "replace", replace)
    with OutputSet(tmp_path) as staged:
        staged.add("a.epub", b"1")
        staged.add("a.pdf", b"2")
        done = staged.commit()
    assert locked_during_rename == [True, True]
    assert done == [tmp_path / "a.epub", tmp_path / "a.pdf"]
    assert snapshot(tmp_path) == {"a.epub": b"1", "a.pdf": b"2"}


@pytest.fixture(scope="module")
def earlier(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("earlier")
    done = subprocess.run([sys.executable, "-m", "bookmaker", "build", str(SAMPLE), "--out",
                           str(out), *BUILD], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return out


def changed_book(tmp_path: Path, marker: str) -> Path:
    book = tmp_path / f"book-{marker}"
    shutil.copytree(SAMPLE, book)
    chapter = book / PREFACE
    chapter.write_text(chapter.read_text(encoding="utf-8").replace(
        "第一，要认真", f"{marker}。第一，要认真", 1), encoding="utf-8")
    return book


@pytest.mark.slow  # builds with PDFs, in other processes
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["Ctrl-C", "SIGTERM"])
def test_an_interrupted_build_leaves_the_earlier_outputs(earlier: Path, tmp_path: Path,
                                                         signum: int) -> None:
    out = tmp_path / "out"
    shutil.copytree(earlier, out)
    before = snapshot(out)
    book = changed_book(tmp_path, "甲")
    process = subprocess.Popen([sys.executable, "-m", "bookmaker", "build", str(book), "--out",
                                str(out), *BUILD], stderr=subprocess.PIPE, text=True)
    # the PDF is staged before the EPUB is made (it takes the PDF's page-list): interrupt
    # while the EPUB is being made
    while not temporaries(out) and process.poll() is None:
        time.sleep(0.02)
    assert process.poll() is None, "the build ended before its EPUB was staged"
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=600)
    assert process.returncode == 130, stderr
    assert stderr.strip().splitlines()[-1] == "interrupted: no output was changed"
    assert "Traceback" not in stderr
    assert snapshot(out) == before
    assert temporaries(out) == []


@pytest.mark.slow
def test_two_builds_into_one_folder_leave_one_complete_set(tmp_path: Path) -> None:
    """Two sources, built at once into one folder: the EPUB and the PDF left there come from
    the same source."""
    out = tmp_path / "out"
    books = {marker: changed_book(tmp_path, marker) for marker in ("甲版", "乙版")}
    processes = [subprocess.Popen([sys.executable, "-m", "bookmaker", "build", str(book),
                                   "--out", str(out), *BUILD], stderr=subprocess.PIPE, text=True)
                 for book in books.values()]
    for process in processes:
        _, stderr = process.communicate(timeout=900)
        assert process.returncode == 0, stderr
    epub_text = Epub(out / f"{NAME}.epub").text()
    pdf_text = "".join(page.extract_text() for page in PdfReader(out / f"{NAME}.pdf").pages)
    in_epub = {m for m in books if m in epub_text}
    in_pdf = {m for m in books if m in pdf_text}
    assert len(in_epub) == 1 and in_epub == in_pdf, (in_epub, in_pdf)
    assert temporaries(out) == []
