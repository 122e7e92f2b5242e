"""`[keys]` in the config: binding id -> the keys a user wants for it, e.g.

    [keys]
    annotation.delete = "d"
    corpus.next = ["n", ">"]

TOML reads the dotted ids as nested tables; they are flattened back into ids here. Only
the shape is checked here (no Textual in this layer): which ids exist and which keys clash
is `reader.ui.keymap`'s business, which names the line kept with each entry."""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

from reader.errors import ReaderError


class KeyRemap(NamedTuple):
    """One `[keys]` entry: the binding's id, the keys as the user wrote them, and where."""

    binding_id: str
    keys: tuple[str, ...]
    line: int


_BARE_KEY = r"[A-Za-z0-9_-]+"
_ANY_KEY = rf"""(?:{_BARE_KEY}|"[^"]*"|'[^']*')"""
_DOTTED = re.compile(rf"""^\s*({_ANY_KEY}(?:\s*\.\s*{_ANY_KEY})*)\s*(=|\])""")


def _dotted_parts(written: str) -> list[str]:
    parts = re.findall(_ANY_KEY, written)
    return [part[1:-1] if part[:1] in "\"'" else part for part in parts]


def assignment_lines(raw: str) -> dict[str, int]:
    """The line of every `a.b = ...` in the file, by its full dotted path (the enclosing
    `[table]` header included), so an entry of a table can be named by line."""
    lines: dict[str, int] = {}
    table: list[str] = []
    for number, line in enumerate(raw.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            header = stripped.strip("[").split("]")[0]
            table = _dotted_parts(header)
            continue
        match = _DOTTED.match(line)
        if match and match.group(2) == "=":
            lines.setdefault(".".join([*table, *_dotted_parts(match.group(1))]), number)
    return lines


def _flatten(value: object, prefix: str) -> list[tuple[str, object]]:
    if isinstance(value, dict):
        return [pair for key, inner in value.items()
                for pair in _flatten(inner, f"{prefix}.{key}" if prefix else str(key))]
    return [(prefix, value)]


def parse_keys(data: dict[str, object], raw: str, path: Path) -> tuple[KeyRemap, ...]:
    """The `[keys]` table as remaps, each a non-empty list of key strings."""
    table = data.get("keys")
    if table is None:
        return ()
    lines = assignment_lines(raw)
    header = next((number for number, line in enumerate(raw.splitlines(), start=1)
                   if line.strip().startswith(("[keys]", "keys"))), 1)
    if not isinstance(table, dict):
        raise ReaderError(f"{path}:{header}: keys must be a table: [keys] then lines such as"
                          ' annotation.delete = "d"')
    remaps = []
    for binding_id, value in _flatten(table, ""):
        line = lines.get(f"keys.{binding_id}", header)
        listed = [value] if isinstance(value, str) else value
        if not isinstance(listed, list) or not listed or \
                not all(isinstance(key, str) and key.strip() for key in listed):
            raise ReaderError(f"{path}:{line}: keys: {binding_id} needs a key such as \"d\","
                              ' "ctrl+d" or a list of them')
        keys: list[str] = []
        for written in listed:
            assert isinstance(written, str)
            # "a,b" is two keys (as in Textual's bindings); "," alone is the comma key.
            keys.extend([written] if written.strip() == "," else
                        [part for part in written.split(",") if part.strip()])
        remaps.append(KeyRemap(binding_id, tuple(key.strip() for key in keys), line))
    return tuple(remaps)
