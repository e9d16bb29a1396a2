"""The outputs of one build, written as a set.

Each output goes to a temporary file beside its final name as soon as it is made; only when
every requested output is made are they all renamed into place, under a lock on the output
folder, with Ctrl-C and SIGTERM held back for the few renames. A build that fails or is
interrupted leaves every earlier output as it was and no temporary file; two builds into one
folder each put a complete set in place, one after the other, never a mixture.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

from bookmaker.diagnostics import BookError, error

TEMPORARY_SUFFIX = ".part"


def folder_error(folder: Path, exc: OSError, what: str = "output folder") -> BookError:
    reason = exc.strerror or str(exc)
    return error("B003", f"cannot write the {what} '{folder}': {reason}", str(folder),
                 hint="choose a folder you can write to, with --out (or BOOKMAKER_CACHE_DIR)")


def prepare_folder(folder: Path, what: str = "output folder") -> None:
    """Creates ``folder`` and checks that a file can be made in it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".bookmaker-", suffix=TEMPORARY_SUFFIX)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise folder_error(folder, exc, what) from None


class OutputSet:
    """Use as a context manager: ``add`` each output, then ``commit``; leaving the block
    without a commit (an error, Ctrl-C) removes what was added."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.pending: list[tuple[Path, Path]] = []  # temporary file, final path

    def __enter__(self) -> OutputSet:
        prepare_folder(self.folder)
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.discard()

    def add(self, name: str, data: bytes) -> Path:
        """Writes ``data`` to a temporary file for the output ``name``; returns its final
        path."""
        final = self.folder / name
        try:
            with _signals_held():  # an interruption must not come between creating and noting
                fd, partial = tempfile.mkstemp(dir=self.folder, prefix=f".{name}.",
                                               suffix=TEMPORARY_SUFFIX)
                self.pending.append((Path(partial), final))
        except OSError as exc:
            raise folder_error(self.folder, exc) from None
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.chmod(partial, 0o644)
        except OSError as exc:
            raise folder_error(self.folder, exc) from None
        return final

    def commit(self) -> list[Path]:
        """Puts every output in place at once; returns their paths in the order added."""
        with self._locked(), _signals_held():
            try:
                for partial, final in self.pending:
                    os.replace(partial, final)
            except OSError as exc:
                raise folder_error(self.folder, exc) from None
        done = [final for _, final in self.pending]
        self.pending = []
        return done

    def discard(self) -> None:
        for partial, _ in self.pending:
            partial.unlink(missing_ok=True)
        self.pending = []

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """An exclusive lock on the folder itself (no lock file is left behind)."""
        fd = os.open(self.folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # releases the lock


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the renames are done (in the main thread, where Python
    handles signals)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def write_atomically(path: Path, data: bytes) -> None:
    """One file, replaced whole or not at all (a temporary file beside it, then a rename)."""
    fd, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                   suffix=TEMPORARY_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(partial, 0o644)
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
