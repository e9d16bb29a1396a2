"""The build cache: an output is made again only when something it is made from has changed.

Each output a build is asked for (``targets.Target``: an edition's EPUB, one PDF profile, the
cover …) has a key, the hash of everything it is made from:

- every file of the book directory — book.yaml, the chapters, images, the book's own styles/,
  templates/ and dictionaries; all of them, read by the build or not, so that none is missed
  (version-control folders aside);
- bookmaker's own files: its code, templates, stylesheets, fonts and data;
- the versions of Python, of every installed distribution (WeasyPrint, pydyf, OpenCC,
  fontTools, ebooklib, uharfbuzz … and what they use) and of the native libraries that lay text
  out (Pango, HarfBuzz, fontconfig; whether HarfBuzz's subsetter is there);
- the output asked for (edition, format, profile; for an EPUB, the PDF whose pages it lists)
  and what the outputs' date comes from (SOURCE_DATE_EPOCH, else the files' modification
  times).

After a build each output's key is recorded with the SHA-256 of the bytes written and the
diagnostics the build reported. A later build skips an output whose key has a record and whose
file in --out still holds exactly the recorded bytes: it is "unchanged", and its warnings are
reported again. Anything else — an edited chapter, style or font, a new library version, an
output deleted or touched by hand — builds it again. Only the records live in the cache
folder; the outputs themselves are the cached values.

Light to import: the command line checks the cache before loading the builder.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import platform
import re
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import cache
from importlib.metadata import Distribution, distributions
from pathlib import Path

from bookmaker.diagnostics import Diagnostic, Location, Severity
from bookmaker.targets import BuildResult, Target

METADATA_FIELD = re.compile(r"^(Name|Version): *(.*?) *$", re.MULTILINE)
# Bumped when the meaning of a record changes, so that older records are not trusted.
RECORD_FORMAT = "1"
IGNORED_FOLDERS = frozenset({".git", ".hg", ".svn", "__pycache__"})
DRAWN_COVERS = "covers"  # the kind of ``memo`` that keeps the EPUBs' drawn covers
PARSED_CHAPTERS = "chapters"  # the chapters as parsed (``load_book``'s ``parses``)
PACKAGE = Path(__file__).resolve().parent


def cache_dir(out_dir: Path) -> Path:
    """Where results keyed by content hash are kept: BOOKMAKER_CACHE_DIR, else <out>/.cache."""
    return Path(os.environ.get("BOOKMAKER_CACHE_DIR") or out_dir / ".cache")


def source_date_inputs(book_dir: Path) -> list[str]:
    """What the outputs' date can come from, besides book.yaml (hashed with the book):
    SOURCE_DATE_EPOCH, else the files' modification times (``build.source_date``)."""
    given = os.environ.get("SOURCE_DATE_EPOCH")
    if given is not None:
        return [f"SOURCE_DATE_EPOCH={given}"]
    return [f"{p.relative_to(book_dir).as_posix()} {p.stat().st_mtime_ns}"
            for p in files_under(book_dir)]


def files_under(folder: Path) -> list[Path]:
    """Every file below ``folder`` in a fixed order, version-control folders and byte-code
    caches left out."""
    found = []
    for root, folders, names in os.walk(folder, followlinks=True):
        folders[:] = sorted(f for f in folders if f not in IGNORED_FOLDERS)
        found += [Path(root, name) for name in sorted(names) if not name.endswith(".pyc")]
    return found


def digest_files(folder: Path, files: list[Path]) -> str:
    """One hash of the files' names (relative to ``folder``) and contents."""
    total = hashlib.sha256()
    for path in files:
        total.update(path.relative_to(folder).as_posix().encode() + b"\0")
        total.update(hashlib.sha256(path.read_bytes()).digest())
    return total.hexdigest()


def book_digest(book_dir: Path, leave_out: frozenset[str] = frozenset()) -> str:
    """The hash of the book's files, but those named in ``leave_out`` (relative paths)."""
    files = [p for p in files_under(book_dir)
             if p.relative_to(book_dir).as_posix() not in leave_out]
    return digest_files(book_dir, files)


def package_digest(cache: Path) -> str:
    """The hash of bookmaker's own files (some 40 MB, most of them fonts). Hashed once per
    change of their sizes and modification times, then remembered in ``cache``/package."""
    files = files_under(PACKAGE)
    stats = [(p.relative_to(PACKAGE).as_posix(), s.st_size, s.st_mtime_ns)
             for p in files for s in [p.stat()]]
    stat_key = hashlib.sha256(json.dumps([str(PACKAGE), stats]).encode()).hexdigest()
    memo = cache / "package" / stat_key
    if memo.is_file():
        return memo.read_text()
    digest = digest_files(PACKAGE, files)
    write_text_atomically(memo, digest)
    return digest


@cache
def library_versions() -> list[str]:
    """Python, every installed distribution, and the native text libraries (once a process)."""
    found = [sys.version, platform.machine()]
    found += sorted(name_and_version(d) for d in distributions())
    found += native_versions()
    return found


def name_and_version(distribution: Distribution) -> str:
    """"Name==Version" from the head of the distribution's metadata file, read as text: its
    ``metadata`` and ``version`` each parse the whole file as an e-mail message (twice the
    time, for the 66 packages of bookmaker's environment)."""
    text = distribution.read_text("METADATA") or distribution.read_text("PKG-INFO") or ""
    fields = dict(METADATA_FIELD.findall(text.split("\n\n", 1)[0]))
    return f"{fields.get('Name')}=={fields.get('Version')}"


def native_versions() -> list[str]:
    """Pango shapes and breaks the lines, HarfBuzz shapes, fontconfig finds faces; with
    HarfBuzz's subsetter installed, WeasyPrint subsets the PDF's fonts with it instead of
    fontTools (other bytes)."""
    probes = {
        "libpango-1.0.so.0": "pango_version_string",
        "libharfbuzz.so.0": "hb_version_string",
        "libfontconfig.so.1": "FcGetVersion",
        "libharfbuzz-subset.so.0": "hb_subset_or_fail",
    }
    found = []
    for library, symbol in probes.items():
        try:
            function = getattr(ctypes.CDLL(library), symbol)
        except (OSError, AttributeError):
            found.append(f"{library}: absent")
            continue
        if symbol.endswith("_string"):
            function.restype = ctypes.c_char_p
            found.append(f"{library}: {function().decode()}")
        elif symbol == "FcGetVersion":
            found.append(f"{library}: {function()}")
        else:
            found.append(f"{library}: present")
    return found


def write_text_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


def sha256_of(path: Path) -> str | None:
    try:
        with path.open("rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except FileNotFoundError:
        return None


@dataclass(frozen=True)
class Record:
    """What a build made for one target: output names, their bytes' hashes, its diagnostics."""

    files: dict[str, str]  # output file name -> SHA-256 of its bytes
    diagnostics: tuple[Diagnostic, ...]

    def to_json(self) -> str:
        return json.dumps({"format": RECORD_FORMAT, "files": self.files,
                           "diagnostics": [asdict(d) for d in self.diagnostics]},
                          ensure_ascii=False, indent=1)

    @staticmethod
    def from_json(text: str) -> Record | None:
        data = json.loads(text)
        if data.get("format") != RECORD_FORMAT:
            return None
        return Record(data["files"], tuple(_diagnostic(d) for d in data["diagnostics"]))


def _diagnostic(data: dict) -> Diagnostic:
    location = Location(**data["location"]) if data["location"] else None
    return Diagnostic(data["code"], data["message"], location, data["hint"],
                      Severity(data["severity"]))


def environment_digest(cache: Path) -> str:
    """What every result depends on besides its own inputs: bookmaker's own files, the
    libraries' versions."""
    return hashlib.sha256(json.dumps([package_digest(cache), library_versions()]).encode()
                          ).hexdigest()


def memo(out_dir: Path, kind: str, inputs: list[str], make: Callable[[], bytes]) -> bytes:
    """``make()``, or what it made before for the same ``inputs`` in the same environment
    (``environment_digest``), kept under <cache>/<kind>/."""
    kept = Kept(out_dir, kind)
    data = kept.recall(inputs)
    if data is None:
        data = make()
        kept.keep(inputs, data)
    return data


def recall(out_dir: Path, kind: str, inputs: list[str]) -> bytes | None:
    """What ``memo`` made before for these ``inputs``, if it did."""
    return Kept(out_dir, kind).recall(inputs)


class Kept:
    """The results of one kind kept under <cache>/<kind>/, each under the hash of its inputs
    and the environment (hashed once, for the many results of one build: a chapter's parse)."""

    def __init__(self, out_dir: Path, kind: str) -> None:
        cache = cache_dir(out_dir)
        self.folder = cache / kind
        self.environment = environment_digest(cache)

    def recall(self, inputs: list[str]) -> bytes | None:
        try:
            return self._path(inputs).read_bytes()
        except FileNotFoundError:
            return None

    def keep(self, inputs: list[str], data: bytes) -> None:
        path = self._path(inputs)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.part")
        partial.write_bytes(data)
        partial.replace(path)

    def _path(self, inputs: list[str]) -> Path:
        key = hashlib.sha256(json.dumps([self.environment, *inputs]).encode()).hexdigest()
        return self.folder / key


class BuildCache:
    """The keys of one build's targets, and their records in the cache folder."""

    def __init__(self, book_dir: Path, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.folder = cache_dir(out_dir) / "outputs"
        # a book that links outside itself, or an out or cache folder inside the book: the
        # cache neither reads nor answers, and the build's own checks say what is wrong
        self.safe = safe_to_skip(book_dir, out_dir)
        if not self.safe:
            self.inputs = ""
            return
        inputs = {
            "book": book_digest(book_dir),
            "bookmaker": package_digest(cache_dir(out_dir)),
            "libraries": library_versions(),
            "source date": source_date_inputs(book_dir),
        }
        self.inputs = hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()

    def key(self, target: Target) -> str:
        asked = json.dumps([self.inputs, target.variant, target.output, target.pages_from])
        return hashlib.sha256(asked.encode()).hexdigest()

    def unchanged(self, target: Target) -> Record | None:
        """The target's record when every file it made is in --out with the recorded bytes."""
        path = self.folder / self.key(target)
        try:
            record = Record.from_json(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if record is None:
            return None
        if any(sha256_of(self.out_dir / name) != digest for name, digest in record.files.items()):
            return None
        return record

    def sort(self, asked: list[Target]) -> tuple[BuildResult, list[Target]]:
        """What is unchanged (its files, its diagnostics again) and what is to be built."""
        if not self.safe:
            return BuildResult(), list(asked)  # the build's own checks say what is wrong
        records = {target: self.unchanged(target) for target in asked}
        found = [r for r in records.values() if r]
        unchanged = BuildResult(unchanged=[self.out_dir / name for r in found for name in r.files],
                                diagnostics=[d for r in found for d in r.diagnostics])
        return unchanged, [target for target, record in records.items() if record is None]

    def store(self, target: Target, files: dict[str, bytes],
              diagnostics: list[Diagnostic]) -> None:
        """Record what was made for ``target``, once its files are in place."""
        if not self.safe:
            return
        hashes = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
        record = Record(hashes, tuple(dict.fromkeys(diagnostics)))
        write_text_atomically(self.folder / self.key(target), record.to_json())


def safe_to_skip(book_dir: Path, out_dir: Path) -> bool:
    """Whether the cache may answer before the builder's own checks: never when a book file
    leads outside the book (a link), nor when the output or cache folder is inside it."""
    nearest = next(p for p in (out_dir.absolute(), *out_dir.absolute().parents) if p.exists())
    if not nearest.is_dir():
        return False  # --out below a regular file: the output stage says so
    root = book_dir.resolve()
    if any(folder.resolve().is_relative_to(root) for folder in (out_dir, cache_dir(out_dir))):
        return False
    return all(path.resolve().is_relative_to(root) for path in files_under(book_dir))


def unchanged_build(book_dir: Path, out_dir: Path, asked: list[Target]) -> BuildResult | None:
    """The build's result when every output asked for is unchanged, else None: what the
    command line checks before it loads the builder."""
    if not out_dir.is_dir() or not safe_to_skip(book_dir, out_dir):
        return None  # the builder checks these and says what is wrong
    unchanged, todo = BuildCache(book_dir, out_dir).sort(asked)
    return None if todo else unchanged
