"""Records out of input files, each with its line number, so errors read FILE:LINE.

JSON Lines files are read line by line (memory flat); a Label Studio export is one JSON
array, decoded element by element to know where each task starts."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from reader.formats.incoming import RecordError
from reader.text.loading import MAX_BYTES, open_regular

_DECODER = json.JSONDecoder()
BOM = b"\xef\xbb\xbf"
MAX_RECORD_BYTES = MAX_BYTES  # one record may be as large as one article file
MAX_ARRAY_BYTES = 1024 * 2**20  # a Label Studio export is decoded whole
MAX_DEPTH = 200  # JSON nesting: far past any dataset, well inside Python's recursion limit
_CHUNK = 1 << 20
# Cheap tests on the raw record: only when they hit is the decoded value walked.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE_ESCAPE_BYTES = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _open(path: Path) -> BinaryIO:
    """A regular file opened for reading; anything else is refused before it is opened."""
    return open_regular(path)


def first_char(path: Path) -> str:
    """The first non-space character: '[' for a JSON array, '{' for JSON Lines, '' for a
    file with nothing in it but whitespace (read in chunks, however long)."""
    with _open(path) as handle:
        chunk = handle.read(4096).removeprefix(BOM)
        while chunk:
            start = chunk.lstrip()
            if start:
                return start[:1].decode("ascii", "replace")
            chunk = handle.read(_CHUNK)
    return ""


def _lines(handle: BinaryIO) -> Iterator[tuple[int, bytes | None]]:
    """(line number, line without its line break) for each line, or None for a line over
    MAX_RECORD_BYTES: it is skipped a bounded chunk at a time, never held whole."""
    number = 0
    while raw := handle.readline(MAX_RECORD_BYTES + 1):
        number += 1
        if len(raw) > MAX_RECORD_BYTES and not raw.endswith(b"\n"):
            while (rest := handle.readline(_CHUNK)) and not rest.endswith(b"\n"):
                pass
            yield number, None
            continue
        yield number, raw.removesuffix(b"\n").removesuffix(b"\r")


def _too_large() -> RecordError:
    limit = MAX_RECORD_BYTES
    shown = f"{limit // 2**20} MB" if limit >= 2**20 else f"{limit} byte"
    return RecordError(f"record is over the {shown} limit (one line of the file)")


def _walk_problem(value: Any) -> RecordError | None:
    """Nesting deeper than MAX_DEPTH, or a lone surrogate (`"\\ud800"` is valid JSON but not
    Unicode text: SQLite and every UTF-8 file would refuse it later)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            found = _SURROGATE.search(item)
            if found is not None:
                return RecordError(f"a string holds a lone surrogate \\u{ord(found.group()):04x}:"
                                   " text must be valid Unicode")
        elif isinstance(item, dict | list):
            if depth > MAX_DEPTH:
                return RecordError(f"JSON nested more than {MAX_DEPTH} levels deep")
            children = item.items() if isinstance(item, dict) else ((None, v) for v in item)
            for key, child in children:
                if key is not None:
                    stack.append((key, depth))
                stack.append((child, depth + 1))
    return None


def _decode_error(error: ValueError | RecursionError) -> RecordError:
    """What a JSON decoder's failure means to the user, columns counted in characters."""
    if isinstance(error, json.JSONDecodeError):
        return RecordError(f"invalid JSON: {error.msg} (column {error.colno})")
    if isinstance(error, RecursionError):
        return RecordError(f"JSON nested more than {MAX_DEPTH} levels deep")
    return RecordError("a number has more than "
                       f"{sys.get_int_max_str_digits()} digits")


def _parse_line(raw: bytes) -> Any:
    """One JSON Lines record, or the RecordError that says why not."""
    try:
        value = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        return RecordError(f"not valid UTF-8 at byte {error.start}")
    except (ValueError, RecursionError) as error:
        return _decode_error(error)
    if (_SURROGATE_ESCAPE_BYTES.search(raw) is not None
            or raw.count(b"[") + raw.count(b"{") > MAX_DEPTH):
        return _walk_problem(value) or value
    return value


def iter_json_lines(path: Path) -> Iterator[tuple[int, Any]]:
    """(line number, record or RecordError) for each non-blank line."""
    with _open(path) as handle:
        for number, raw in _lines(handle):
            if raw is None:
                yield number, _too_large()
                continue
            if number == 1:
                raw = raw.removeprefix(BOM)
            if not raw.strip():
                continue
            yield number, _parse_line(raw)


def iter_json_array(path: Path) -> Iterator[tuple[int, Any]]:
    """(line number, element) for each element of a top-level JSON array. Invalid JSON
    stops the file there: past a syntax error no element boundary can be trusted."""
    with _open(path) as handle:
        data = handle.read(MAX_ARRAY_BYTES + 1).removeprefix(BOM)
    if len(data) > MAX_ARRAY_BYTES:
        yield 1, RecordError(f"a JSON array over {MAX_ARRAY_BYTES // 2**20} MB: export it as"
                             " JSON Lines (one task a line) instead")
        return
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
        except (ValueError, RecursionError) as error:
            where = error.lineno if isinstance(error, json.JSONDecodeError) else line
            yield where, _decode_error(error)
            return
        if (_SURROGATE_ESCAPE.search(text, position, end) is not None
                or text.count("[", position, end) + text.count("{", position, end) > MAX_DEPTH):
            element = _walk_problem(element) or element
        yield line, element
        advance(skip(end))
        if text.startswith(",", position):
            advance(skip(position + 1))
        elif text.startswith("]", position):
            return
        else:
            yield line, RecordError("invalid JSON: expected ',' or ']' between tasks")
            return
