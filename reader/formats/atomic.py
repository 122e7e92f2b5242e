"""Write an export so that a crash or a kill half way never leaves a truncated file (or
folder) where the previous one was: write beside it, then rename over it."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from reader.errors import ReaderError


def _default_mode(path: Path, base: int) -> int:
    """The permissions a plain `open()` would give (mkstemp and mkdtemp make private 0600
    and 0700 ones), or the replaced file's own."""
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return base & ~umask


def _check_parent(path: Path) -> Path:
    parent = path.parent
    if not parent.is_dir():
        raise ReaderError(f"{path}: folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise ReaderError(f"{path}: folder {parent} is not writable")
    if path.is_dir():
        raise ReaderError(f"{path}: is a folder; give a file name")
    return parent


@contextlib.contextmanager
def atomic_file(path: Path, binary: bool = False) -> Iterator[IO[str] | IO[bytes]]:
    """A temporary file in `path`'s folder that replaces `path` only when the block ends
    without an error (flushed and fsynced first); on error it is removed."""
    parent = _check_parent(path)
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
    temp = Path(temp_name)
    try:
        handle: IO[str] | IO[bytes] = (
            os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")
        )
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, _default_mode(path, 0o666))
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def atomic_folder(path: Path, is_replaceable: Callable[[Path], bool]) -> Iterator[Path]:
    """A temporary folder beside `path` that takes its place when the block succeeds.

    An existing folder is replaced only if `is_replaceable` says it holds a previous export
    (never a folder of the user's own files); it is moved aside, the new one renamed in, then
    the old one removed, so `path` is always either the old export or the new one."""
    if path.exists() and not path.is_dir():
        raise ReaderError(f"{path}: exists and is not a folder")
    if path.is_dir() and not is_replaceable(path):
        raise ReaderError(
            f"{path}: folder exists and holds files that are not a previous export;"
            " choose a new folder"
        )
    parent = path.parent
    if not parent.is_dir():
        raise ReaderError(f"{path}: folder {parent} does not exist")
    temp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent))
    try:
        yield temp
        os.chmod(temp, _default_mode(path, 0o777))
        if path.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".old", dir=parent))
            os.replace(path, old)
            os.replace(temp, path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(temp, path)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
