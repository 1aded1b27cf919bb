"""Publishing a results folder so that a crash, a kill or a second run never leaves it half-written.

``with publishing(folder) as staging:`` checks that ``folder`` can be written
(before anything is computed), takes a lock beside it (a second run to the
same folder stops with a clear message), recovers what an earlier crash left,
and yields an empty staging folder. When the block succeeds the staging folder
takes the place of ``folder`` in one atomic exchange (Linux ``renameat2``), so
at every instant ``folder`` holds the complete earlier result or the complete
new one; where the system has no exchange, two renames are used and a crash
between them is recovered at the next run. When the block fails, the staging
folder is removed and ``folder`` is as it was.

Helper files sit beside ``folder`` under short names (``.NAME~hash.lock``,
``.NAME~hash.old``, ``.NAME~hash.xxxxxx``), so any legal folder name works, and
folders are made with the user's umask, so colleagues can read the results.
"""

import ctypes
import hashlib
import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from ..scenarios.errors import ScenarioError

RENAME_EXCHANGE, AT_FDCWD = 2, -100


def _key(folder: Path) -> str:
    """A short name for ``folder``'s helpers: its first 32 characters and a hash of all of it."""
    return f"{folder.name[:32]}~{hashlib.sha1(folder.name.encode()).hexdigest()[:8]}"


def check_writable(folder: Path, what: str = "--out", file: bool = False) -> None:
    """Fail now, before any computing, unless ``folder`` (or with ``file``, a file) can be made or replaced."""
    parent = folder.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise ScenarioError(f"{what} {folder}: {_blocking_file(parent)} is a file, not a folder") from None
    except NotADirectoryError:
        raise ScenarioError(f"{what} {folder}: {_blocking_file(parent)} is a file, not a folder") from None
    except PermissionError:
        raise ScenarioError(f"{what} {folder}: cannot make {parent} (permission denied)") from None
    if folder.exists() and folder.is_dir() == file:
        raise ScenarioError(
            f"{what} {folder}: is a {'folder' if file else 'file'}; give a {'file' if file else 'folder'}"
        )
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ScenarioError(f"{what} {folder}: cannot write in {parent} (permission denied)")


def _blocking_file(path: Path) -> Path:
    """The first part of ``path`` that exists and is not a folder."""
    for part in reversed([path, *path.parents]):
        if part.exists() and not part.is_dir():
            return part
    return path


@contextmanager
def _locked(folder: Path, what: str) -> Iterator[None]:
    """Hold the lock file of ``folder``, removed when done (the system releases it if the process dies)."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; runs to one folder are not serialised
        yield
        return
    path = folder.parent / f".{_key(folder)}.lock"
    while True:
        lock: IO[str] = open(path, "a")  # noqa: SIM115
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            raise ScenarioError(
                f"{what} {folder}: another placeplan run is writing it now; wait for it or choose another folder"
            ) from None
        if path.exists() and os.stat(path).st_ino == os.fstat(lock.fileno()).st_ino:
            break  # not a file the run before us removed while we opened it
        lock.close()
    try:
        yield
    finally:
        path.unlink(missing_ok=True)
        lock.close()


def recover(folder: Path) -> None:
    """Put back an earlier result a crash left hidden, and remove stale staging folders (under the lock)."""
    key = _key(folder)
    old = folder.parent / f".{key}.old"
    if old.is_dir() and not folder.exists():
        old.rename(folder)
    for path in folder.parent.iterdir():
        if path.name.startswith(f".{key}.") and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)


def exchange(one: Path, other: Path) -> None:
    """Swap two folders atomically (Linux ``renameat2``); ``OSError`` where the system cannot."""
    libc = ctypes.CDLL(None, use_errno=True)
    swap = getattr(libc, "renameat2", None)
    if swap is None:
        raise OSError("renameat2 is not available")
    if swap(AT_FDCWD, os.fsencode(one), AT_FDCWD, os.fsencode(other), RENAME_EXCHANGE) != 0:
        error = ctypes.get_errno()
        raise OSError(error, os.strerror(error))


def _carry(folder: Path, staging: Path, files: list[Path]) -> None:
    """Copy ``files`` of ``folder`` into ``staging`` at the same place, where the new result has none."""
    for file in files:
        target = staging / file.relative_to(folder)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(file, target)


def _put_in_place(staging: Path, folder: Path) -> None:
    if not folder.exists():
        staging.rename(folder)
        return
    try:
        exchange(staging, folder)
    except OSError:  # no atomic exchange here: two renames, recovered by the next run if cut between them
        old = folder.parent / f".{_key(folder)}.old"
        folder.rename(old)
        staging.rename(folder)
        shutil.rmtree(old, ignore_errors=True)
    else:
        shutil.rmtree(staging, ignore_errors=True)


@contextmanager
def publishing(folder: Path, what: str = "--out", keep: Callable[[Path], list[Path]] | None = None) -> Iterator[Path]:
    """Check, lock and recover ``folder``; yield a staging folder that replaces it when the block succeeds.

    ``keep`` names files of the earlier ``folder`` to carry into the new one (unless it wrote them again).
    """
    folder = Path(os.path.abspath(folder))
    check_writable(folder, what)
    with _locked(folder, what):
        recover(folder)
        staging = folder.parent / f".{_key(folder)}.{secrets.token_hex(3)}"
        staging.mkdir()  # the user's umask applies, unlike mkdtemp's 0700
        try:
            yield staging
            if keep is not None and folder.is_dir():
                _carry(folder, staging, keep(folder))
            _put_in_place(staging, folder)
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def publish(folder: Path, fill: Callable[[Path], None]) -> Path:
    """Let ``fill`` write into a staging folder, then put it in place of ``folder``: all or nothing."""
    with publishing(folder) as staging:
        fill(staging)
    return Path(folder)


@contextmanager
def staged(target: Path) -> Iterator[Path]:
    """A temporary path beside the file ``target`` that replaces it only when the block succeeds."""
    check_writable(target, file=True)
    staging = target.parent / f".{_key(target)}.{secrets.token_hex(3)}"
    staging.mkdir()
    try:
        yield staging / target.name
        (staging / target.name).replace(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
