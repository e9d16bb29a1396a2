"""A build reads the book, bookmaker and Python, and writes only its outputs and its cache: a
watcher on every file the build opens (an audit hook, ``sys.addaudithook``) fails the test on
any other read or write, on any socket connection, and on any program it starts.

What is allowed, and why:
- the book directory (read only: never a write into the source);
- bookmaker's own package (templates, styles, fonts) and Python's installation (the standard
  library, the virtual environment's site-packages: WeasyPrint's, OpenCC's and jieba's data),
  and the metadata of installed distributions;
- the output folder and the cache folder (read and write);
- temporary files and folders the build itself created (WeasyPrint writes its font files
  there, ctypes compiles probes there) — a temporary path created by someone else is not;
- /dev/null, and the MIME tables Python's ``mimetypes`` reads for file: URLs;
- the programs ``ctypes.util.find_library`` runs (ldconfig, gcc, ld) to locate Pango and
  HarfBuzz when WeasyPrint loads them: Python's library lookup, started from ctypes;
- fontconfig's ``fc-list``, which ``resources.py`` asks for the installed Noto CJK faces that
  draw what the bundled fonts lack: a fixed program with fixed arguments, nothing from the book.

Pango, fontconfig, PDFium and OpenCC read system fonts, their configuration and their data
from C, which an audit hook does not see; bookmaker hands WeasyPrint only its own fonts
(``@font-face`` from the package), and the fetcher refuses every other URL (tests in
test_hostile.py).
"""

from __future__ import annotations

import json
import mimetypes
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

import pytest

import bookmaker
from conftest import SAMPLE

pytestmark = pytest.mark.slow  # a whole build, both editions, PDF included

WATCHED_BUILD = r"""
import json, os, sys

report, book, out = sys.argv[1:4]
# Each process writes its own events, one JSON line each, as they happen: the editions and PDF
# profiles run in forked processes, which inherit this hook and leave through os._exit.
log = {"pid": None, "fd": -1, "opening": False}
WRITE = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def from_ctypes_lookup():
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_filename.endswith(os.path.join("ctypes", "util.py")):
            return True
        frame = frame.f_back
    return False


def is_font_lookup(args) -> bool:
    program = args[0] if args else ""
    return os.path.basename(os.fsdecode(program)) == "fc-list"


def record(kind, value):
    if log["pid"] != os.getpid():
        log["opening"] = True  # the log's own open is not the build's
        log["fd"] = os.open(f"{report}.{os.getpid()}", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        log["pid"], log["opening"] = os.getpid(), False
    os.write(log["fd"], (json.dumps([kind, value]) + "\n").encode())


def watch(event, args):
    if log["opening"]:
        return
    if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        mode, flags = args[1], args[2]
        writes = any(c in str(mode or "") for c in "wax+") or bool((flags or 0) & WRITE)
        record("write" if writes else "read", os.path.abspath(os.fsdecode(args[0])))
    elif event == "os.mkdir":
        record("mkdir", os.path.abspath(os.fsdecode(args[0])))
    elif event in ("socket.connect", "socket.sendto", "socket.getaddrinfo"):
        record("network", repr(args))
    elif event in ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn"):
        lookup = from_ctypes_lookup() or is_font_lookup(args)
        record("lookup" if lookup else "program", repr(args)[:200])
    elif event == "urllib.Request":
        record("url", str(args[0]))


sys.addaudithook(watch)
from pathlib import Path
from bookmaker.build import build

build(Path(book), Path(out), formats=("epub", "pdf"), profiles=("screen",),
      variants=(None, "zh-Hant"))
"""


def inside(path: str, roots: list[Path]) -> bool:
    resolved = Path(path).resolve()
    return any(resolved == root or resolved.is_relative_to(root) for root in roots)


def test_a_build_reads_and_writes_only_where_it_may(tmp_path: Path) -> None:
    book = tmp_path / "book"
    shutil.copytree(SAMPLE, book)
    (book / "images").mkdir()
    shutil.copy(SAMPLE.parent / "docs" / "title-leaf.png", book / "images" / "leaf.png")
    chapter = book / "chapters" / "01-preface.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace(
        "第一，要认真", "![书名页](images/leaf.png)\n\n第一，要认真", 1), encoding="utf-8")
    (tmp_path / "beside-the-book.txt").write_text("not the book's")
    out, report = tmp_path / "out", tmp_path / "events.json"
    cache = Path(os.environ["BOOKMAKER_CACHE_DIR"])  # the session's, set in conftest
    script = tmp_path / "watched_build.py"
    script.write_text(WATCHED_BUILD, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), str(report), str(book), str(out)],
                          cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    logs = sorted(tmp_path.glob("events.json.*"))
    assert len(logs) > 1, "the forked editions' and profiles' events were not gathered"
    events = [json.loads(line) for log in logs
              for line in log.read_text(encoding="utf-8").splitlines()]

    python = sorted({Path(p).resolve() for p in (sys.prefix, sys.base_prefix, sys.exec_prefix,
                                                  *sysconfig.get_paths().values())})
    # the metadata of installed distributions (read by importlib.metadata, e.g. pydantic's
    # plugin lookup), bookmaker's own included when it is installed from a checkout
    metadata = [p.resolve() for entry in sys.path if Path(entry).is_dir()
                for p in (*Path(entry).glob("*.egg-info"), *Path(entry).glob("*.dist-info"))]
    readable = [book.resolve(), Path(bookmaker.__file__).parent.resolve(), *python, *metadata]
    writable = [out.resolve(), cache.resolve()]
    temp = Path(tempfile.gettempdir()).resolve()
    created = [Path(path).resolve() for kind, path in events if kind in ("write", "mkdir")
               and Path(path).resolve().parent == temp
               and not inside(path, [tmp_path.resolve()])]
    # /dev/null; Python's MIME tables; the temporary folder itself, opened for an anonymous
    # temporary file (O_TMPFILE)
    allowed_files = {"/dev/null", *mimetypes.knownfiles, str(temp)}

    def allowed(kind: str, path: str) -> bool:
        if inside(path, writable) or path in allowed_files:
            return True
        if inside(path, created):
            return True  # a temporary file or folder of the build's own
        return kind == "read" and inside(path, readable)

    refused = [(kind, path) for kind, path in events
               if kind in ("read", "write", "mkdir") and not allowed(kind, path)]
    assert refused == [], refused
    assert [e for e in events if e[0] in ("network", "program")] == []
    urls = [url for kind, url in events if kind == "url"]
    assert urls and all(url.startswith("file://") for url in urls)
    assert all(inside(url.removeprefix("file://"), readable) for url in urls)
    # the watcher sees what it should: the book's files, and the build's outputs
    assert any(inside(path, [book.resolve()]) for kind, path in events if kind == "read")
    assert any(path.endswith(".epub.part") or ".epub." in path
               for kind, path in events if kind == "write")
