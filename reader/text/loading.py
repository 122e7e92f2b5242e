"""Decode an article file exactly, or refuse it with one clear sentence."""

from __future__ import annotations

import codecs
import hashlib
from pathlib import Path
from typing import NamedTuple

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


def load_text(path: Path | str, encoding: str = "utf-8") -> LoadedText:
    """Read `path` and decode it strictly. A leading BOM is dropped; nothing else is changed:
    no newline normalisation and no tab expansion."""
    path = Path(path)
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise ReaderError(f"unknown encoding: {encoding}") from None
    if not path.exists():
        raise ReaderError(f"{path}: no such file")
    if path.is_dir():
        raise ReaderError(f"{path}: is a directory, not a text file")
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ReaderError(
                f"{path}: file is {size / 1e6:.0f} MB, over the {MAX_BYTES // 2**20} MB limit"
            )
        data = path.read_bytes()
    except PermissionError:
        raise ReaderError(f"{path}: permission denied") from None
    except OSError as error:
        raise ReaderError(f"{path}: cannot read ({error.strerror})") from None
    if not data:
        raise ReaderError(f"{path}: file is empty, nothing to read")
    is_utf8 = codecs.lookup(encoding).name == "utf-8"
    if is_utf8 and b"\x00" in data:
        raise ReaderError(f"{path}: looks like a binary file (contains NUL bytes)")
    try:
        text = data.decode("utf-8-sig" if is_utf8 else encoding)
    except UnicodeDecodeError as error:
        raise ReaderError(
            f"{path}: not valid {encoding} at byte {error.start}; "
            "give the right one with --encoding"
        ) from None
    if not is_utf8 and text.startswith("\ufeff"):
        text = text[1:]
    if not text:
        raise ReaderError(f"{path}: file is empty, nothing to read")
    if "\x00" in text:
        raise ReaderError(f"{path}: looks like a binary file (contains NUL characters)")
    source = str(path.resolve())
    if is_utf8:
        # Strict UTF-8 decoding round-trips byte for byte, so the file's bytes (without
        # the BOM) are the UTF-8 text: hash them instead of encoding a second copy.
        body = memoryview(data)[3:] if data.startswith(codecs.BOM_UTF8) else data
        return LoadedText(text, source, guess_title(text, source),
                          hashlib.sha256(body).hexdigest())
    return LoadedText.from_text(text, source)
