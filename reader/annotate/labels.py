"""Label sets: the defaults, `--labels a,b,c`, or a TOML config file."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from reader.errors import ReaderError

PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1",
           "#ff9da7", "#9c755f", "#bab0ac"]
KEYS = "123456789"
MAX_CONFIG_BYTES = 1024 * 1024  # a config is a few labels, never megabytes


class Label(NamedTuple):
    name: str
    key: str | None
    color: str
    description: str = ""


DEFAULT_LABELS: tuple[Label, ...] = (
    Label("actor", "1", PALETTE[0], "A person, organisation or state that acts or speaks"),
    Label("topic", "2", PALETTE[1], "What the text is about: an issue, event or subject"),
    Label("commitment", "3", PALETTE[2], "A promise, pledge or agreement to act"),
)


class RelationType(NamedTuple):
    """A relation label. `from_labels` and `to_labels` constrain the span labels of its head
    and of its child, brat-style; empty: any span."""

    name: str
    key: str | None
    color: str
    description: str = ""
    from_labels: tuple[str, ...] = ()
    to_labels: tuple[str, ...] = ()

    def allows(self, head_label: str, child_label: str) -> bool:
        return (not self.from_labels or head_label in self.from_labels) and \
            (not self.to_labels or child_label in self.to_labels)

    def rule(self) -> str:
        """What it may join, for a message: `by joins commitment → actor`."""
        return (f"{self.name} joins {' or '.join(self.from_labels) or 'any span'}"
                f" → {' or '.join(self.to_labels) or 'any span'}")


class DocLabel(NamedTuple):
    """A label of a whole document."""

    name: str
    key: str | None
    description: str = ""


DEFAULT_RELATIONS: tuple[RelationType, ...] = (
    RelationType("by", "1", PALETTE[3], "Who made the commitment", ("commitment",),
                 ("actor",)),
    RelationType("about", "2", PALETTE[4], "What the commitment is about", ("commitment",),
                 ("topic",)),
)
DEFAULT_DOC_LABELS: tuple[DocLabel, ...] = (
    DocLabel("relevant", "1", "The document is relevant to the task"),
    DocLabel("irrelevant", "2", "The document is not relevant to the task"),
)


@dataclass(frozen=True)
class Config:
    labels: tuple[Label, ...] = DEFAULT_LABELS
    annotator: str | None = None
    source: Path | None = None
    extra: dict[str, object] = field(default_factory=dict)
    relations: tuple[RelationType, ...] = DEFAULT_RELATIONS
    doc_labels: tuple[DocLabel, ...] = DEFAULT_DOC_LABELS
    doc_labels_multi: bool = False  # False: a document has at most one label per annotator

    def label(self, name: str) -> Label | None:
        return next((label for label in self.labels if label.name == name), None)

    def by_key(self, key: str) -> Label | None:
        return next((label for label in self.labels if label.key == key), None)

    def relation(self, name: str) -> RelationType | None:
        return next((kind for kind in self.relations if kind.name == name), None)

    def relation_by_key(self, key: str) -> RelationType | None:
        """The relation label on `key` (the keys 1-9 while a relation is pending)."""
        return next((kind for kind in self.relations if kind.key == key), None)

    def doc_label(self, name: str) -> DocLabel | None:
        return next((label for label in self.doc_labels if label.name == name), None)

    def doc_label_by_key(self, key: str) -> DocLabel | None:
        return next((label for label in self.doc_labels if label.key == key), None)


_NAME = re.compile(r"^[^\s,][^,]*$")


def labels_from_names(names: str) -> tuple[Label, ...]:
    """`actor,topic,commitment` -> labels on keys 1..9 with palette colours."""
    parts = [part.strip() for part in names.split(",") if part.strip()]
    if not parts:
        raise ReaderError("--labels needs at least one label name")
    if len(set(parts)) != len(parts):
        raise ReaderError(f"--labels repeats a name: {names}")
    defaults = {label.name: label for label in DEFAULT_LABELS}
    labels = []
    for index, name in enumerate(parts):
        known = defaults.get(name)
        labels.append(Label(
            name,
            KEYS[index] if index < len(KEYS) else None,
            PALETTE[index % len(PALETTE)],
            known.description if known else "",
        ))
    return tuple(labels)


def _line_of(text: str, pattern: str, occurrence: int) -> int:
    count = -1
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip().startswith(pattern):
            count += 1
            if count == occurrence:
                return number
    return 1


def load_config(path: Path) -> Config:
    """Parse a config file; any problem is a ReaderError naming the file and line."""
    from reader.text.loading import read_regular

    try:
        raw = read_regular(path, MAX_CONFIG_BYTES).decode("utf-8")
    except UnicodeDecodeError:
        raise ReaderError(f"{path}: config is not valid UTF-8") from None
    import tomllib  # only when there is a config file to read

    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+)", str(error))
        where = f"{path}:{match.group(1)}" if match else str(path)
        raise ReaderError(f"{where}: invalid TOML: {str(error).split(' (at')[0]}") from None
    annotator = data.get("annotator")
    if annotator is not None and not (isinstance(annotator, str) and annotator.strip()):
        raise ReaderError(f"{path}:{_line_of(raw, 'annotator', 0)}: annotator must be a name")
    entries = data.get("labels")
    if entries is None:
        return Config(annotator=annotator, source=path)
    if not isinstance(entries, list) or not entries:
        raise ReaderError(f"{path}:{_line_of(raw, 'labels', 0)}: labels must be [[labels]] tables")
    labels: list[Label] = []
    seen_names: set[str] = set()
    seen_keys: set[str] = set()
    for index, entry in enumerate(entries):
        line = _line_of(raw, "[[labels]]", index)
        where = f"{path}:{line}"
        if not isinstance(entry, dict):
            raise ReaderError(f"{where}: each label must be a table")
        unknown = set(entry) - {"name", "key", "color", "description"}
        if unknown:
            raise ReaderError(f"{where}: unknown label field(s): {', '.join(sorted(unknown))}")
        name = entry.get("name")
        if not isinstance(name, str) or not _NAME.match(name.strip()):
            raise ReaderError(f"{where}: label needs a name (text without commas)")
        name = name.strip()
        if name in seen_names:
            raise ReaderError(f"{where}: label {name!r} is defined twice")
        key = entry.get("key", KEYS[index] if index < len(KEYS) else None)
        if key is not None:
            if not isinstance(key, str) or len(key) != 1 or key not in KEYS:
                raise ReaderError(f"{where}: label {name!r}: key must be one of 1-9")
            if key in seen_keys:
                raise ReaderError(f"{where}: label {name!r}: key {key} is already used")
            seen_keys.add(key)
        color = _checked_color(entry.get("color", PALETTE[index % len(PALETTE)]))
        if color is None:
            line = _key_line(raw, "color", line)
            raise ReaderError(f"{path}:{line}: bad colour {entry.get('color')!r} for label "
                              f"{name!r}: {COLOR_HINT}")
        description = entry.get("description", "")
        if not isinstance(description, str):
            raise ReaderError(f"{where}: label {name!r}: description must be text")
        seen_names.add(name)
        labels.append(Label(name, key, color, description.strip()))
    return Config(labels=tuple(labels), annotator=annotator, source=path)


COLOR_HINT = 'use a name such as "red", "#rrggbb" or "rgb(r, g, b)" with r, g, b in 0-255'


def _checked_color(value: object) -> str | None:
    """The colour as `#RRGGBB`, or None if it is not one that both Textual (the article
    pane) and Rich (chips, bars) parse: each accepts some the other rejects (Textual clamps
    `rgb(300,0,0)` and knows `ansi_red`, Rich knows `grey50`), and a colour only one of
    them takes crashed the first paint. `#RRGGBB` is then read the same way by both."""
    if not isinstance(value, str):
        return None
    from rich.color import Color as RichColor
    from rich.color import ColorParseError as RichColorError
    from textual.color import Color, ColorParseError

    try:
        RichColor.parse(value)
        return Color.parse(value).hex
    except (ColorParseError, RichColorError):
        return None


def _key_line(text: str, key: str, table_line: int) -> int:
    """The line of `key = ...` in the table that starts at `table_line` (that line if the
    key is not on a line of its own, as in an inline table)."""
    lines = text.splitlines()
    for number in range(table_line + 1, len(lines) + 1):
        line = lines[number - 1].strip()
        if line.startswith("["):
            break
        if re.match(rf"""["']?{re.escape(key)}["']?\s*=""", line):
            return number
    return table_line


def find_config(candidates: list[Path]) -> Config:
    """The first config file that exists, else the defaults. Something there that is not a
    readable file (a folder, a FIFO, a symlink loop) is an error, not a silent default."""
    for candidate in candidates:
        if os.path.lexists(candidate):
            return load_config(candidate)
    return Config()
