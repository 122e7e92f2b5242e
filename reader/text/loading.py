"""Decode an article file exactly, or refuse it with one clear sentence."""

from __future__ import annotations

import codecs
import errno
import hashlib
import os
import stat
from pathlib import Path
from typing import BinaryIO, NamedTuple

from reader.errors import ReaderError

MAX_BYTES = 100 * 1024 * 1024
TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})  # what a folder's articles are
CORPUS_SUFFIXES = frozenset({".jsonl", ".ndjson", ".json"})  # one document per line
TITLE_MAX = 120


class LoadedText(NamedTuple):
    """A document's text exactly as decoded: every offset in reader indexes `text`."""

    text: str
    source: str
    title: str
    sha256: str = ""

    @classmethod
    def from_text(cls, text: str, source: str, title: str | None = None) -> LoadedText:
        return cls(text=text, source=source, title=title or guess_title(text, source),
                   sha256=text_sha256(text))


def text_sha256(text: str) -> str:
    """The document's identity: the hash of its decoded text (UTF-8), not of the file's bytes."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def guess_title(text: str, source: str) -> str:
    """The first non-blank line, else the file's name."""
    for line in text[:4096].splitlines():
        stripped = line.strip()
        if stripped:
            return stripped[:TITLE_MAX]
    return Path(source).name or source


_NOT_REGULAR = {
    stat.S_IFIFO: "a FIFO",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}
# A BOM names its encoding; UTF-32's are tried first, as UTF-32-LE's starts with UTF-16-LE's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _refuse_os_error(path: Path, error: OSError) -> ReaderError:
    """One sentence for why `path` cannot be opened."""
    if error.errno in (errno.ENOENT, errno.ENOTDIR):
        return ReaderError(f"{path}: no such file")
    if error.errno == errno.ELOOP:
        return ReaderError(f"{path}: symlink loop (a link that leads back to itself)")
    if error.errno in (errno.EACCES, errno.EPERM):
        return ReaderError(f"{path}: permission denied")
    return ReaderError(f"{path}: cannot read ({error.strerror or error})")


def check_regular(path: Path) -> int:
    """The size of `path` if it is a regular file (after following symlinks), else a
    ReaderError, decided before anything opens it: opening a FIFO blocks until a writer
    comes, and a device such as /dev/zero never ends."""
    try:
        info = os.stat(path)
    except OSError as error:
        raise _refuse_os_error(path, error) from None
    if stat.S_ISDIR(info.st_mode):
        raise ReaderError(f"{path}: is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        kind = _NOT_REGULAR.get(stat.S_IFMT(info.st_mode), "a special file")
        raise ReaderError(f"{path}: not a regular file ({kind})")
    return info.st_size


def open_regular(path: Path) -> BinaryIO:
    """`path` opened for reading if it is a regular file. The open does not block even if
    the file was swapped for a FIFO after the check, and the opened file is checked again."""
    check_regular(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        raise _refuse_os_error(path, error) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = _NOT_REGULAR.get(stat.S_IFMT(mode), "a special file")
            raise ReaderError(f"{path}: not a regular file ({kind})")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _over_limit(path: Path, size: int | None, limit: int) -> ReaderError:
    shown = f"{size / 1e6:.0f} MB" if size is not None else "growing"
    return ReaderError(f"{path}: file is {shown}, over the {limit // 2**20} MB limit")


def read_regular(path: Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes. The read itself is bounded,
    so a file that grows while it is read cannot take more than `limit` + 1 bytes."""
    size = check_regular(path)
    if size > limit:
        raise _over_limit(path, size, limit)
    try:
        with open_regular(path) as handle:
            # Ask for what fstat said is there (one more byte shows growth past the limit):
            # read(limit + 1) would allocate the whole limit, 100 MB, for every 3 KB file.
            data = handle.read(min(size, limit) + 1)
            if len(data) > size and len(data) <= limit:
                data += handle.read(limit + 1 - len(data))  # it grew while we read
    except OSError as error:
        raise _refuse_os_error(path, error) from None
    if len(data) > limit:
        raise _over_limit(path, None, limit)
    return data


def check_encoding(encoding: str) -> str:
    """The codec's canonical name, if it decodes bytes to text: rot13, base64 or zlib are
    codecs too, but they turn bytes into bytes (or text into text)."""
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        raise ReaderError(f"unknown encoding: {encoding}") from None
    if not getattr(info, "_is_text_encoding", True):
        raise ReaderError(f"{encoding} is not a text encoding (try utf-8, latin-1 or utf-16)")
    return info.name


def load_text(path: Path | str, encoding: str = "utf-8") -> LoadedText:
    """Read `path` and decode it strictly. A leading BOM is dropped (a UTF-16 or UTF-32 BOM
    also chooses the decoding when the encoding is the default UTF-8); nothing else is
    changed: no newline normalisation and no tab expansion."""
    path = Path(path)
    is_utf8 = check_encoding(encoding) == "utf-8"
    data = read_regular(path, MAX_BYTES)
    if not data:
        raise ReaderError(f"{path}: file is empty, nothing to read")
    codec = "utf-8-sig" if is_utf8 else encoding
    nul_checked = False  # in UTF-8, a NUL byte is a NUL character: quicker to find here
    if is_utf8:
        codec = next((name for bom, name in _BOMS if data.startswith(bom)), codec)
        nul_checked = codec == "utf-8-sig"
        if nul_checked and b"\x00" in data:
            raise ReaderError(f"{path}: looks like a binary file (contains NUL bytes)")
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as error:
        raise ReaderError(
            f"{path}: not valid {codec.removesuffix('-sig')} at byte {error.start}; "
            "give the right one with --encoding"
        ) from None
    if not is_utf8 and text.startswith("\ufeff"):
        text = text[1:]
    if not text:
        raise ReaderError(f"{path}: file is empty, nothing to read")
    if text.isspace():
        raise ReaderError(f"{path}: file holds only whitespace, nothing to read")
    if not nul_checked and "\x00" in text:
        raise ReaderError(f"{path}: looks like a binary file (contains NUL characters)")
    source = str(path.resolve())
    if codec == "utf-8-sig":
        # Strict UTF-8 decoding round-trips byte for byte, so the file's bytes (without
        # the BOM) are the UTF-8 text: hash them instead of encoding a second copy.
        body = memoryview(data)[3:] if data.startswith(codecs.BOM_UTF8) else data
        return LoadedText(text, source, guess_title(text, source),
                          hashlib.sha256(body).hexdigest())
    return LoadedText.from_text(text, source)
