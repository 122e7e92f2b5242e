"""Write an export so that nothing is lost: a crash, a kill or a full disk half way never
leaves a truncated file (or no folder) where the previous one was, and `-o` never replaces
what reader did not write: the database, a user's folder, a device node, a FIFO, a symlink.

Regular files are written beside the target and renamed over it; character devices and FIFOs
(`/dev/stdout`, `/dev/null`, a named pipe) are written through; a brat folder is swapped in
with one `renameat2(RENAME_EXCHANGE)`."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import platform
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from reader import __version__
from reader.errors import ReaderError

MARKER = ".reader-export"  # written last into every exported folder: "reader wrote this"
OLD_SUFFIX = ".reader-old"  # `.NAME.reader-old`: the previous folder during a fallback swap
_MARKER_LIMIT = 4096
DISK_FULL = frozenset({errno.ENOSPC, errno.EDQUOT})
_NO_EXCHANGE = frozenset({errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP})
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
# renameat2's number where libc (glibc < 2.28, musl < 1.2.?) has no wrapper for it.
_RENAMEAT2_SYSCALL = {"x86_64": 316, "aarch64": 276, "riscv64": 276, "i386": 353,
                      "i686": 353, "armv7l": 382, "ppc64le": 357, "s390x": 347}


def _default_mode(path: Path, base: int) -> int:
    """The permissions a plain `open()` would give (mkstemp and mkdtemp make private 0600
    and 0700 ones), or the replaced file's own."""
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return base & ~umask


def _check_parent(path: Path, shown: Path) -> Path:
    parent = path.parent
    if not parent.is_dir():
        raise ReaderError(f"{shown}: folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise ReaderError(f"{shown}: folder {parent} is not writable")
    return parent


def _fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` survive a power cut (best effort where the file system
    cannot sync a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError as error:
        if error.errno not in (*_NO_EXCHANGE, errno.EBADF, errno.EACCES, errno.EPERM):
            raise ReaderError(f"{folder}: written, but not synced to disk: {error.strerror}"
                              ) from None
    finally:
        os.close(fd)


def _disk_full(error: BaseException) -> bool:
    return isinstance(error, OSError) and error.errno in DISK_FULL


# The database is never an output.


def _same_file(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino) and a.st_ino != 0


def _stat(path: str | Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except (OSError, ValueError):
        return None


def refuse_database(output: Path | None, database: Path, folder: bool = False) -> None:
    """Refuse an output that is the database or one of its journals, whatever the name it is
    reached by (a symlink, a hard link, a relative path, standard output redirected onto it);
    for a folder, one that holds the database (replacing it would delete it)."""
    names = [str(database), os.path.realpath(database)]
    files = [f"{name}{suffix}" for name in names for suffix in ("", "-wal", "-shm", "-journal")]
    real_files = {os.path.realpath(name) for name in files}
    stats = [found for found in map(_stat, files) if found is not None]
    if output is None:
        try:
            fd = sys.stdout.fileno()
        except (OSError, ValueError, AttributeError):
            return
        written = _stat_fd(fd)
        if written is not None and any(_same_file(written, db) for db in stats):
            raise ReaderError(f"standard output is the database {database}; not written")
        return
    real = os.path.realpath(output)
    target = _stat(output)
    if real in real_files or (target is not None and any(_same_file(target, db)
                                                         for db in stats)):
        raise ReaderError(f"{output}: is the database {database} (or its journal); not written")
    if folder and any(name.startswith(real.rstrip(os.sep) + os.sep) for name in real_files):
        raise ReaderError(f"{output}: holds the database {database}; choose another folder")


def _stat_fd(fd: int) -> os.stat_result | None:
    try:
        return os.fstat(fd)
    except OSError:
        return None


# One file: replaced atomically if it is a regular file, written through if it is a stream.


def _names_a_descriptor(path: Path) -> bool:
    """Whether `path` leads through /proc (as /dev/stdout, /dev/fd/N and /proc/self/fd/N do):
    it names a file the shell opened for us, which is written to, never replaced."""
    current = os.path.abspath(path)
    for _ in range(40):
        if os.path.realpath(os.path.dirname(current)).startswith("/proc/"):
            return True
        if not os.path.islink(current):
            return False
        current = os.path.join(os.path.dirname(current), os.readlink(current))
    return False


_KINDS = ((stat.S_ISBLK, "block device"), (stat.S_ISSOCK, "socket"))


def output_target(path: Path) -> tuple[bool, Path]:
    """(stream, where): whether `path` is written through (a character device, a FIFO, an
    open descriptor) and the file to write; a symlink's target is what gets replaced."""
    try:
        found = os.stat(path)
    except FileNotFoundError:
        found = None
    except OSError as error:  # a symlink loop, a file used as a folder, no permission
        raise ReaderError(f"{path}: {error.strerror}") from None
    if found is None:
        if not os.path.islink(path):
            return False, path
        target = Path(os.path.realpath(path))
        if not target.parent.is_dir():
            raise ReaderError(f"{path}: links to {target}, whose folder does not exist")
        return False, target
    mode = found.st_mode
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        return True, path
    if stat.S_ISREG(mode):
        if _names_a_descriptor(path):
            return True, path
        return False, Path(os.path.realpath(path)) if os.path.islink(path) else path
    if stat.S_ISDIR(mode):
        raise ReaderError(f"{path}: is a folder; give a file name")
    kind = next((name for test, name in _KINDS if test(mode)), "special file")
    raise ReaderError(f"{path}: is a {kind}; reader writes regular files, character devices"
                      " and FIFOs only")


@contextlib.contextmanager
def open_output(path: Path, binary: bool = False) -> Iterator[IO[Any]]:
    """Where an export to `path` goes: a stream written through, or an atomic file."""
    stream, target = output_target(path)
    opened = _written_through(target, binary) if stream else atomic_file(target, binary, path)
    with opened as handle:
        yield handle


@contextlib.contextmanager
def _written_through(path: Path, binary: bool) -> Iterator[IO[Any]]:
    """A stream opened for appending (never truncated, never created): a terminal, a pipe,
    /dev/null, or the file behind /dev/stdout as the shell opened it."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as error:
        raise ReaderError(f"{path}: cannot open: {error.strerror}") from None
    handle: IO[Any] = (os.fdopen(fd, "wb") if binary
                       else os.fdopen(fd, "w", encoding="utf-8", newline=""))
    try:
        with handle:
            yield handle
            handle.flush()
    except OSError as error:
        if _disk_full(error):
            raise ReaderError(f"disk full: {path} is incomplete") from None
        raise


@contextlib.contextmanager
def atomic_file(path: Path, binary: bool = False, shown: Path | None = None
                ) -> Iterator[IO[Any]]:
    """A temporary file in `path`'s folder that replaces `path` only when the block ends
    without an error (flushed and fsynced first, the folder fsynced after); on error it is
    removed. `shown` is the name the user gave (a symlink to `path`)."""
    shown = shown or path
    parent = _check_parent(path, shown)
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
    except OSError as error:
        if _disk_full(error):
            raise ReaderError(f"disk full: nothing was written to {shown}") from None
        raise ReaderError(f"{shown}: cannot write in {parent}: {error.strerror}") from None
    temp = Path(temp_name)
    try:
        handle: IO[Any] = (os.fdopen(fd, "wb") if binary
                           else os.fdopen(fd, "w", encoding="utf-8", newline=""))
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, _default_mode(path, 0o666))
        os.replace(temp, path)
    except BaseException as error:
        temp.unlink(missing_ok=True)
        if _disk_full(error):
            raise ReaderError(f"disk full: nothing was written to {shown}") from None
        raise
    _fsync_folder(parent)


# A folder: replaced only if reader wrote it, swapped in one step.


EXPORT_NOTE = "written by `reader export`; the next export replaces this folder"


def write_marker(folder: Path, fmt: str, note: str = EXPORT_NOTE) -> None:
    """Sign `folder` as reader's export: the next export may replace it."""
    body = {"format": fmt, "reader": __version__, "note": note}
    (folder / MARKER).write_text(json.dumps(body) + "\n", encoding="utf-8")


def _marker_format(marker: Path) -> str | None:
    try:
        if not stat.S_ISREG(marker.lstat().st_mode) or marker.stat().st_size > _MARKER_LIMIT:
            return None
        body = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    found = body.get("format") if isinstance(body, dict) else None
    return found if isinstance(found, str) else None


def refuse_replacing(path: Path, fmt: str, problem: Callable[[Path], str | None]) -> None:
    """Refuse to replace the regular file at `path` (a symlink's target) when `problem`
    finds it is not a previous `fmt` export of reader."""
    stream, target = output_target(path)
    if stream or not target.is_file():
        return
    reason = problem(target)
    if reason is not None:
        raise ReaderError(f"{path}: file is not a previous {fmt} export of reader ({reason});"
                          " choose another name, or add --force to replace it")


def previous_export_problem(folder: Path, fmt: str, is_ours: Callable[[str], bool]
                            ) -> str | None:
    """Why `folder` must not be replaced by an `fmt` export, or None when it may: it is empty,
    or reader wrote it (its marker names `fmt`) and nothing in it was added or changed since
    (each file is a regular one `is_ours` accepts, its ctime no later than the marker's)."""
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as error:
        return f"it cannot be read: {error.strerror}"
    if not entries:
        return None
    marker = folder / MARKER
    written = _marker_format(marker)
    if written is None:
        return f"it has no {MARKER} marker"
    if written != fmt:
        return f"it is a {written!r} export, not {fmt}"
    signed = marker.lstat().st_ctime_ns
    for entry in entries:
        if entry.name == MARKER:
            continue
        found = entry.stat(follow_symlinks=False)
        if not stat.S_ISREG(found.st_mode) or not is_ours(entry.name):
            return f"it holds {entry.name!r}, which reader does not write"
        if found.st_ctime_ns > signed:
            return f"{entry.name!r} was changed after the export"
    return None


def _rename_exchange(first: Path, second: Path) -> None:
    """Swap two names in one step (Linux renameat2 RENAME_EXCHANGE); OSError(EINVAL or
    ENOSYS) where the system or the file system cannot."""
    if sys.platform != "linux":
        raise OSError(errno.ENOSYS, "renameat2 is Linux only")
    libc = ctypes.CDLL(None, use_errno=True)
    function = getattr(libc, "renameat2", None)
    if function is not None:
        function.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                             ctypes.c_uint)
        function.restype = ctypes.c_int
        result = function(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second),
                          _RENAME_EXCHANGE)
    else:
        number = _RENAMEAT2_SYSCALL.get(platform.machine())
        if number is None:
            raise OSError(errno.ENOSYS, "renameat2 is not known on this machine")
        libc.syscall.restype = ctypes.c_long  # variadic: every argument a full register
        result = libc.syscall(ctypes.c_long(number), ctypes.c_long(_AT_FDCWD),
                              ctypes.c_char_p(os.fsencode(first)), ctypes.c_long(_AT_FDCWD),
                              ctypes.c_char_p(os.fsencode(second)),
                              ctypes.c_long(_RENAME_EXCHANGE))
    if result != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(second))


def _sync_contents(folder: Path) -> None:
    """Flush the files written into `folder` before it is renamed into place: one syncfs of
    its file system (Linux) instead of an fsync per file, os.sync elsewhere."""
    if sys.platform == "linux":
        syncfs = getattr(ctypes.CDLL(None, use_errno=True), "syncfs", None)
        if syncfs is not None:
            fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
            try:
                if syncfs(fd) == 0:
                    return
            finally:
                os.close(fd)
    os.sync()


def _old_folder(target: Path) -> Path:
    return target.with_name(f".{target.name}{OLD_SUFFIX}")


def recover_folder(target: Path) -> None:
    """Finish a fallback swap a kill interrupted: with `target` gone, its previous folder
    (`.NAME.reader-old`) goes back; with `target` in place, that copy is no longer needed."""
    old = _old_folder(target)
    if not old.is_dir() or old.is_symlink():
        return
    if not os.path.lexists(target):
        os.rename(old, target)
        _fsync_folder(target.parent)
    else:
        shutil.rmtree(old, ignore_errors=True)


def _swap_in(new: Path, target: Path) -> None:
    """Put `new` at `target` so that `target` is at every moment the old folder or the new
    one; where one-step exchange is missing, the old folder waits at `.NAME.reader-old`,
    which `recover_folder` puts back if a kill comes before the second rename."""
    parent = target.parent
    if not os.path.lexists(target):
        os.rename(new, target)
        _fsync_folder(parent)
        return
    try:
        _rename_exchange(new, target)
    except OSError as error:
        if error.errno not in _NO_EXCHANGE:
            raise
        old = _old_folder(target)
        os.rename(target, old)
        _fsync_folder(parent)
        try:
            os.rename(new, target)
        except BaseException:
            os.rename(old, target)
            raise
        _fsync_folder(parent)
        shutil.rmtree(old, ignore_errors=True)
        return
    _fsync_folder(parent)
    shutil.rmtree(new, ignore_errors=True)  # after the exchange: the previous export


def check_folder(path: Path, problem: Callable[[Path], str | None],
                 force: bool = False) -> Path:
    """The folder `atomic_folder` would replace, refused in one line when it may not be:
    callable first by a command that must refuse before it changes anything else."""
    target = Path(os.path.realpath(path)) if path.is_symlink() else Path(os.path.abspath(path))
    if target.parent == target:
        raise ReaderError(f"{path}: cannot replace the root folder")
    recover_folder(target)
    if os.path.lexists(target) and not target.is_dir():
        raise ReaderError(f"{path}: exists and is not a folder")
    _check_parent(target, path)
    if target.is_dir() and not force:
        reason = problem(target)
        if reason is not None:
            raise ReaderError(f"{path}: folder is not a previous export of reader ({reason});"
                              " choose another folder, or add --force to replace it"
                              " (deleting all it holds)")
    return target


@contextlib.contextmanager
def atomic_folder(path: Path, fmt: str, problem: Callable[[Path], str | None],
                  force: bool = False, note: str = EXPORT_NOTE) -> Iterator[Path]:
    """A temporary folder beside `path` that takes its place when the block succeeds, signed
    with the marker. An existing folder is replaced only if `problem` finds nothing against
    it (reader wrote it and nothing changed since, or it is empty) or `force` says so; the
    swap is one rename exchange, so `path` is always the old folder or the new one."""
    target = check_folder(path, problem, force)
    parent = target.parent
    try:
        temp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent))
    except OSError as error:
        if _disk_full(error):
            raise ReaderError(f"disk full: nothing was written to {path}") from None
        raise ReaderError(f"{path}: cannot write in {parent}: {error.strerror}") from None
    try:
        yield temp
        write_marker(temp, fmt, note)
        os.chmod(temp, _default_mode(target, 0o777))
        _sync_contents(temp)
        _swap_in(temp, target)
    except BaseException as error:
        shutil.rmtree(temp, ignore_errors=True)
        if _disk_full(error):
            raise ReaderError(f"disk full: nothing was written to {path}") from None
        raise
