"""Records out of input files, each with its line number, so errors read FILE:LINE.

JSON Lines files are read line by line (memory flat); a Label Studio export is one JSON
array, decoded element by element to know where each task starts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from reader.errors import ReaderError
from reader.formats.incoming import RecordError

_DECODER = json.JSONDecoder()
BOM = b"\xef\xbb\xbf"


def _open(path: Path) -> Any:
    if not path.exists():
        raise ReaderError(f"{path}: no such file")
    if path.is_dir():
        raise ReaderError(f"{path}: is a folder, not a file")
    try:
        return path.open("rb")
    except OSError as error:
        raise ReaderError(f"{path}: cannot read ({error.strerror})") from None


def first_char(path: Path) -> str:
    """The first non-space character: '[' for a JSON array, '{' for JSON Lines."""
    with _open(path) as handle:
        start = handle.read(4096).removeprefix(BOM).lstrip()
    return start[:1].decode("ascii", "replace")


def iter_json_lines(path: Path) -> Iterator[tuple[int, Any]]:
    """(line number, record or RecordError) for each non-blank line."""
    with _open(path) as handle:
        for number, raw in enumerate(handle, 1):
            if number == 1:
                raw = raw.removeprefix(BOM)
            if not raw.strip():
                continue
            try:
                yield number, json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError as error:
                yield number, RecordError(f"not valid UTF-8 at byte {error.start}")
            except json.JSONDecodeError as error:
                yield number, RecordError(f"invalid JSON: {error.msg} at column {error.colno}")


def iter_json_array(path: Path) -> Iterator[tuple[int, Any]]:
    """(line number, element) for each element of a top-level JSON array. Invalid JSON
    stops the file there: past a syntax error no element boundary can be trusted."""
    with _open(path) as handle:
        data = handle.read().removeprefix(BOM)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        yield 1, RecordError(f"not valid UTF-8 at byte {error.start}")
        return
    position, line = 0, 1

    def skip(to: int) -> int:
        nonlocal line
        while to < len(text) and text[to] in " \t\r\n":
            to += 1
        return to

    def advance(to: int) -> None:
        nonlocal position, line
        line += text.count("\n", position, to)
        position = to

    advance(skip(0))
    if not text.startswith("[", position):
        yield line, RecordError("a Label Studio file must be a JSON array of tasks")
        return
    advance(skip(position + 1))
    if text.startswith("]", position):
        return
    while True:
        try:
            element, end = _DECODER.raw_decode(text, position)
        except json.JSONDecodeError as error:
            yield error.lineno, RecordError(f"invalid JSON: {error.msg} at column {error.colno}")
            return
        yield line, element
        advance(skip(end))
        if text.startswith(",", position):
            advance(skip(position + 1))
        elif text.startswith("]", position):
            return
        else:
            yield line, RecordError("invalid JSON: expected ',' or ']' between tasks")
            return
