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
from bookmaker.parallel import cores
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


def changed_book(tmp_path: Path, marker: str) -> Path:
    book = tmp_path / f"book-{marker}"
    shutil.copytree(SAMPLE, book)
    chapter = book / PREFACE
    chapter.write_text(chapter.read_text(encoding="utf-8").replace(
        "第一，要认真", f"{marker}。第一，要认真", 1), encoding="utf-8")
    return book


# The command line, with a signal sent to itself as soon as the first output is staged: the
# interruption comes while the build is under way, at the same point every run.
SIGNALLED_BUILD = """
import os, signal, sys
from bookmaker import outputs
from bookmaker.cli import main

signum = int(sys.argv.pop(1))
staged = outputs.OutputSet.add


def add(self, name, data):
    path = staged(self, name, data)
    os.kill(os.getpid(), signum)
    return path


outputs.OutputSet.add = add
main()
"""


@pytest.mark.slow  # builds with PDFs, in another process
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["Ctrl-C", "SIGTERM"])
def test_an_interrupted_build_leaves_the_earlier_outputs(earlier: Path, tmp_path: Path,
                                                         signum: int) -> None:
    out = tmp_path / "out"
    shutil.copytree(earlier, out)
    before = snapshot(out)
    book = changed_book(tmp_path, "甲")
    script = tmp_path / "signalled_build.py"
    script.write_text(SIGNALLED_BUILD, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), str(int(signum)), "build", str(book),
                           "--out", str(out), *BUILD], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 130, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "interrupted: no output was changed"
    assert "Traceback" not in done.stderr
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


# The command line, with a signal sent to itself as soon as the process that imports WeasyPrint
# for the cover (``parallel.Standby``) is started: it is interrupted while importing.
SIGNALLED_STANDBY = """
import os, signal, sys, time
from bookmaker import parallel
from bookmaker.cli import main

signum = int(sys.argv.pop(1))
started = parallel.Standby.__init__


def start(self, modules, report=None):
    started(self, modules, report)
    print(f"standby {self._process.pid}", file=sys.stderr, flush=True)
    time.sleep(0.2)  # it is importing
    os.kill(os.getpid(), signum)


parallel.Standby.__init__ = start
main()
"""


@pytest.mark.skipif(cores() < 2, reason="one core: no standby is started")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["Ctrl-C", "SIGTERM"])
def test_an_interruption_ends_the_cover_standby_quietly(tmp_path: Path, signum: int) -> None:
    script = tmp_path / "signalled_standby.py"
    script.write_text(SIGNALLED_STANDBY, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), str(int(signum)), "build", str(SAMPLE),
                           "--out", str(tmp_path / "out"), "--format", "epub"],
                          capture_output=True, text=True, check=False, timeout=120,
                          env={**os.environ, "BOOKMAKER_CACHE_DIR": str(tmp_path / "cache")})
    assert done.returncode == 130, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "interrupted: no output was changed"
    assert "Traceback" not in done.stderr
    pid = int(done.stderr.split("standby ", 1)[1].split()[0])
    assert not alive_after(pid, seconds=3.0)  # no process is left behind


def alive_after(pid: int, seconds: float) -> bool:
    """Whether process ``pid`` is still there after ``seconds`` (an orphan that has ended may
    take a moment to be reaped)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        time.sleep(0.05)
    return True


@pytest.mark.slow  # builds the sample's EPUB, PDF and cover, in other processes
def test_a_build_leaves_nothing_in_the_temporary_folder(tmp_path: Path) -> None:
    """WeasyPrint copies the fonts of a document's @font-face rules into a temporary folder
    that only the garbage collector would remove: a build's forked processes end without it."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    done = subprocess.run([sys.executable, "-m", "bookmaker", "build", str(SAMPLE), "--out",
                           str(tmp_path / "out"), "--format", "epub", "--format", "pdf",
                           "--format", "cover"], capture_output=True, text=True, check=False,
                          env={**os.environ, "TMPDIR": str(temporary),
                               "BOOKMAKER_CACHE_DIR": str(tmp_path / "cache")})  # all drawn
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in temporary.iterdir()) == []


# The command line, interrupted as the press's writer starts: a process forked from the
# screen's writer as its last page is drawn (``pdf.drawing.replaying``), which sends the
# signal — to the whole process group for Ctrl-C, to the command for SIGTERM.
SIGNALLED_PRESS = """
import os, signal, sys
from bookmaker.cli import main
from bookmaker.pdf import drawing

signum = int(sys.argv.pop(1))
command = os.getpid()
replaying = drawing.replaying


def replay(document, drawn, compress=True):
    print(f"press writer {os.getpid()}", file=sys.stderr, flush=True)
    if signum == signal.SIGINT:
        os.killpg(os.getpgid(command), signum)
    else:
        os.kill(command, signum)
    return replaying(document, drawn, compress)


drawing.replaying = replay
main()
"""


@pytest.mark.slow  # builds both PDFs, in other processes
@pytest.mark.skipif(cores() < 2, reason="one core: the press is drawn on its own")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["Ctrl-C", "SIGTERM"])
def test_an_interruption_while_the_press_takes_the_screens_pages(tmp_path: Path,
                                                                 signum: int) -> None:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    script = tmp_path / "signalled_press.py"
    script.write_text(SIGNALLED_PRESS, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), str(int(signum)), "build", str(SAMPLE),
                           "--out", str(tmp_path / "out"), "--format", "pdf"],
                          capture_output=True, text=True, check=False, start_new_session=True,
                          timeout=120, env={**os.environ, "TMPDIR": str(temporary),
                                            "BOOKMAKER_CACHE_DIR": str(tmp_path / "cache")})
    assert done.returncode == 130, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "interrupted: no output was changed"
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.pdf"))
    pid = int(done.stderr.split("press writer ", 1)[1].split()[0])
    assert not alive_after(pid, seconds=3.0)
    assert sorted(p.name for p in temporary.iterdir()) == []
