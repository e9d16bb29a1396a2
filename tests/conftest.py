"""Shared fixtures: the sample book in source/, built once per session, read back for real."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pytest
from lxml import etree

from bookmaker.ace import Ace, AceUnavailable, ace_program, chromium_program
from bookmaker.build import build
from bookmaker.checker_process import CheckerProcess
from bookmaker.diagnostics import Diagnostic
from bookmaker.epubcheck import EpubCheck, EpubCheckUnavailable
from bookmaker.resources import installed_faces

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "source"
EXAMPLE = ROOT / "examples" / "jingdian-sanzhong"  # the second book: classics, rare characters
FIXTURES = Path(__file__).parent / "fixtures"
NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
}
REQUIRE_EXTERNAL = "BOOKMAKER_REQUIRE_EXTERNAL"
_skipped_external: list[str] = []


def _session_cache() -> None:
    """One build cache for the whole session: the first build subsets, later builds reuse.
    Made only when none is given, and removed when the session's process ends (a suite
    left one behind in /tmp per run)."""
    if "BOOKMAKER_CACHE_DIR" in os.environ:
        return
    folder = tempfile.mkdtemp(prefix="bookmaker-test-cache-")
    os.environ["BOOKMAKER_CACHE_DIR"] = folder
    owner = os.getpid()  # a forked build worker must not remove the session's cache

    def remove() -> None:
        if os.getpid() == owner:
            shutil.rmtree(folder, ignore_errors=True)

    atexit.register(remove)


_session_cache()


def require_program(name: str, why: str) -> str:
    """The path of an outside program; without it, skip loudly — or fail where CI demands it."""
    path = shutil.which(name)
    if path:
        return path
    missing(f"'{name}' is not installed: {why} was NOT tested")


def require_ace(why: str) -> None:
    """Ace by DAISY and a Chromium for it (``make ace``), or skip loudly / fail in CI."""
    try:
        ace_program()
        chromium_program()
    except AceUnavailable as exc:
        missing(f"{exc}: {why} was NOT tested")


def missing(message: str) -> NoReturn:
    if os.environ.get(REQUIRE_EXTERNAL):
        pytest.fail(f"{message} ({REQUIRE_EXTERNAL} is set)")
    _skipped_external.append(message)
    pytest.skip(message)


def require_installed_font(family: str, why: str) -> None:
    """Skip loudly without an installed font family (fonts-noto-cjk), or fail where CI
    demands it."""
    if installed_faces(family):
        return
    message = f"the font family '{family}' is not installed (fonts-noto-cjk): {why} was NOT tested"
    if os.environ.get(REQUIRE_EXTERNAL):
        pytest.fail(f"{message} ({REQUIRE_EXTERNAL} is set)")
    _skipped_external.append(message)
    pytest.skip(message)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _skipped_external:
        terminalreporter.section("OUTSIDE PROGRAMS MISSING — these checks did not run", sep="!")
        for line in sorted(set(_skipped_external)):
            terminalreporter.write_line(f"  {line}")
        terminalreporter.write_line("  install them with `sudo make system-deps` and `make ace`")


class SessionChecker:
    """One checker process for every EPUB of a test run (EPUBCheck's JVM; Ace's Node and
    Chromium), started on first use."""

    def __init__(self, make: Callable[[], CheckerProcess],
                 require: Callable[[str], None]) -> None:
        self._make, self._require = make, require
        self._process: CheckerProcess | None = None

    def __call__(self, path: Path, what: str) -> list[str]:
        """The checker's findings in ``path``, as lines; ``what`` names the check for the
        banner when the checker is missing."""
        return [str(d) for d in self.diagnostics(path, what)]

    def diagnostics(self, path: Path, what: str) -> list[Diagnostic]:
        self._require(what)
        return self.process().check(path)

    def process(self) -> CheckerProcess:
        if self._process is None:
            try:
                self._process = self._make()
            except (EpubCheckUnavailable, AceUnavailable) as exc:
                missing(f"{exc}: the check was NOT run")
        return self._process

    @contextmanager
    def shared(self) -> Iterator[CheckerProcess]:
        """In place of ``EpubCheck()`` or ``Ace()`` for code that opens its own: the session's
        process, left open."""
        yield self.process()

    def close(self) -> None:
        if self._process is not None:
            self._process.close()


SessionEpubCheck = SessionAce = SessionChecker  # the fixtures' types, by what they check


@pytest.fixture(scope="session")
def epubcheck() -> Iterator[SessionChecker]:
    session = SessionChecker(EpubCheck, lambda what: require_program("java", what))
    yield session
    session.close()


@pytest.fixture(scope="session")
def ace() -> Iterator[SessionChecker]:
    session = SessionChecker(Ace, require_ace)
    yield session
    session.close()


@dataclass
class Epub:
    """An EPUB opened for reading: the archive, the package document and its documents."""

    path: Path

    def __post_init__(self) -> None:
        self.zip = zipfile.ZipFile(self.path)
        container = etree.fromstring(self.zip.read("META-INF/container.xml"))
        self.opf_name = container.find(".//{*}rootfile").get("full-path")
        self.opf = etree.fromstring(self.zip.read(self.opf_name))
        self.base = self.opf_name.rsplit("/", 1)[0] + "/"

    def manifest(self) -> dict[str, etree._Element]:
        return {i.get("id"): i for i in self.opf.iterfind("opf:manifest/opf:item", NS)}

    def spine_names(self) -> list[str]:
        items = self.manifest()
        return [self.base + items[ref.get("idref")].get("href")
                for ref in self.opf.iterfind("opf:spine/opf:itemref", NS)]

    def xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.zip.read(name))

    def damaged_copy(self, to: Path, entry: str, old: bytes, new: bytes) -> Path:
        """A copy with ``old`` replaced by ``new`` once in the entry whose name ends with
        ``entry``: a broken EPUB, to show that a validator really checks."""
        # an archive of its own: writing an entry changes its ZipInfo, which must not be the
        # shared archive's
        with zipfile.ZipFile(self.path) as source, zipfile.ZipFile(to, "w") as copy:
            for info in source.infolist():
                data = source.read(info.filename)
                if info.filename.endswith(entry):
                    data = data.replace(old, new, 1)
                copy.writestr(info, data)
        return to

    def item_named(self, properties: str) -> str:
        item = next(i for i in self.manifest().values()
                    if properties in (i.get("properties") or "").split())
        return self.base + item.get("href")

    def text(self) -> str:
        """The text of every spine document in reading order."""
        return "".join("".join(self.xml(n).find("x:body", NS).itertext())
                       for n in self.spine_names())


# What makes a test slow (`make test-fast` leaves it out): any whole book built — the session
# builds of the sample (its EPUBs alone take a second or more each, with its PDFs several), of the
# second example book — EPUBCheck (a JVM, seconds to start) and Ace (Node and a Chromium, seconds
# for each EPUB). A test that builds a book itself is marked `@pytest.mark.slow` where it is.
SLOW_FIXTURES = {"sample_build", "sample_epub", "hant_build", "hant_epubs", "example_build",
                 "epubcheck", "ace"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def whole_builds_are_marked_slow(request: pytest.FixtureRequest,
                                 monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A test not marked slow that builds a whole book in this process (its editions are all
    made; a build refused on the way is fast) fails, so that `make test-fast` stays fast: mark
    it `@pytest.mark.slow`."""
    if request.node.get_closest_marker("slow"):
        yield
        return
    import bookmaker.build as build_module

    editions_made: list[int] = []
    real = build_module.run_in_order

    def counted(tasks: list, *args: object, **kwargs: object) -> object:
        made = real(tasks, *args, **kwargs)
        editions_made.append(len(tasks))
        return made

    monkeypatch.setattr(build_module, "run_in_order", counted)
    yield
    if editions_made:
        pytest.fail(f"{request.node.nodeid} builds a whole book: mark it @pytest.mark.slow "
                    "(`make test-fast` leaves such tests out)", pytrace=False)


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every output of the sample: its EPUB, the screen and the press PDF."""
    out = tmp_path_factory.mktemp("build")
    result = build(SAMPLE, out)
    assert [d for d in result.diagnostics] == []
    yield out


@pytest.fixture(scope="session")
def earlier(sample_build: Path) -> Path:
    """The outputs of an earlier good build (the sample's EPUB and PDFs), for the tests of a
    failed or interrupted build leaving them as they were. Read-only: copy them first."""
    return sample_build


@pytest.fixture(scope="session")
def sample_epub(tmp_path_factory: pytest.TempPathFactory) -> Epub:
    out = tmp_path_factory.mktemp("epub")
    result = build(SAMPLE, out, formats=("epub",))
    assert result.diagnostics == []
    return Epub(out / "beijing-xianjinxing-2006.epub")


@pytest.fixture(scope="session")
def hant_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Traditional-Chinese edition of the sample: EPUB and the screen PDF."""
    out = tmp_path_factory.mktemp("hant")
    result = build(SAMPLE, out, profiles=("screen",), variants=("zh-Hant",))
    assert result.diagnostics == []
    return out


@pytest.fixture(scope="session")
def hant_epubs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Traditional edition's EPUBs, horizontal and vertical, from one build (the horizontal
    one has the bytes of a build without the vertical one)."""
    out = tmp_path_factory.mktemp("hant-epubs")
    result = build(SAMPLE, out, formats=("epub",), variants=("zh-Hant",), vertical=True)
    assert result.diagnostics == []
    return out


@pytest.fixture(scope="session")
def hant_epub(hant_epubs: Path) -> Epub:
    return Epub(hant_epubs / "beijing-xianjinxing-2006.zh-Hant.epub")


@pytest.fixture(scope="session")
def vertical_epub(hant_epubs: Path) -> Epub:
    """The vertical EPUB of the Traditional edition."""
    return Epub(hant_epubs / "beijing-xianjinxing-2006.zh-Hant.vertical.epub")


@pytest.fixture
def book_copy(tmp_path: Path) -> Path:
    """A private copy of the sample book, for tests that break it."""
    target = tmp_path / "book"
    shutil.copytree(SAMPLE, target)
    return target


@dataclass
class ExampleBuild:
    """The second example book built once: both editions' EPUB and screen PDF."""

    out: Path
    diagnostics: list

    def path(self, suffix: str) -> Path:
        return self.out / f"jingdian-sanzhong{suffix}"


@pytest.fixture(scope="session")
def example_build(tmp_path_factory: pytest.TempPathFactory) -> ExampleBuild:
    for family in ("Noto Serif CJK SC", "Noto Serif CJK TC"):
        require_installed_font(family, "the second example book (characters the bundled fonts "
                               "lack)")
    out = tmp_path_factory.mktemp("example")
    result = build(EXAMPLE, out, profiles=("screen",), variants=(None, "zh-Hant"))
    return ExampleBuild(out, result.diagnostics)
