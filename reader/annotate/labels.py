"""Label sets (span labels, relation labels, document labels): the defaults, `--labels a,b,c`
and `--relations by,about`, or a TOML config file. The same file's few other settings (the
annotator, the reading width) are read here too, so `reader.toml` has one parser and every
error in it names the file and line the same way."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

from reader.annotate.keymap import KeyRemap, assignment_lines, parse_keys
from reader.errors import ReaderError
from reader.text.layout import MAX_READING_WIDTH, MIN_READING_WIDTH

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
    keys: tuple[KeyRemap, ...] = ()  # `[keys]`: bindings the user moved to other keys
    guidelines: Path | None = None  # the annotation guidelines (Markdown) to show on a key
    width: int | None = None  # the reading width in cells, centred; None: the whole pane
    # A model's entity labels -> span labels, for suggestions (`[model_labels]`); empty:
    # an entity is suggested only under a span label of the same name.
    model_labels: dict[str, str] = field(default_factory=dict)

    def entity_label_map(self) -> dict[str, str]:
        """Entity label -> span label for a model's suggestions."""
        return self.model_labels or {label.name: label.name for label in self.labels}

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


def relations_from_names(names: str,
                         labels: tuple[Label, ...] = DEFAULT_LABELS) -> tuple[RelationType, ...]:
    """`by,about` -> relation labels on keys 1..9 with palette colours. A default name
    (`by`, `about`) keeps its description and its from/to constraints, cut down to the span
    `labels` in use; one that names none of them is dropped (the relation joins any span)."""
    parts = [part.strip() for part in names.split(",") if part.strip()]
    if not parts:
        raise ReaderError("--relations needs at least one relation name")
    if len(set(parts)) != len(parts):
        raise ReaderError(f"--relations repeats a name: {names}")
    defaults = {kind.name: kind for kind in DEFAULT_RELATIONS}
    in_use = {label.name for label in labels}
    relations = []
    for index, name in enumerate(parts):
        known = defaults.get(name)
        relations.append(RelationType(
            name,
            KEYS[index] if index < len(KEYS) else None,
            PALETTE[(index + 3) % len(PALETTE)],
            known.description if known else "",
            tuple(n for n in known.from_labels if n in in_use) if known else (),
            tuple(n for n in known.to_labels if n in in_use) if known else (),
        ))
    return tuple(relations)


def usable_relations(relations: tuple[RelationType, ...],
                     labels: tuple[Label, ...]) -> tuple[RelationType, ...]:
    """The relations that can join something with these span labels (for the defaults, and
    when `--labels` replaces the config's labels): their from/to constraints cut down to
    the labels in use, and one whose `from` or `to` names none of them left out."""
    names = {label.name for label in labels}
    kept = []
    for kind in relations:
        from_labels = tuple(name for name in kind.from_labels if name in names)
        to_labels = tuple(name for name in kind.to_labels if name in names)
        if bool(from_labels) == bool(kind.from_labels) and \
                bool(to_labels) == bool(kind.to_labels):
            kept.append(kind._replace(from_labels=from_labels, to_labels=to_labels))
    return tuple(kept)


WIDTH_HINT = (f"a number of cells from {MIN_READING_WIDTH} to {MAX_READING_WIDTH},"
              ' or "full"')


def reading_width(value: object) -> int | None:
    """A reading width from the config or `--width`: a number of cells in range, or "full"
    (None). Raises ReaderError (without a place: the caller names it)."""
    if isinstance(value, str):
        if value.strip().lower() == "full":
            return None
        try:
            value = int(value.strip())
        except ValueError:
            raise ReaderError(f"width must be {WIDTH_HINT}, not {value!r}") from None
    if isinstance(value, bool) or not isinstance(value, int) or \
            not MIN_READING_WIDTH <= value <= MAX_READING_WIDTH:
        raise ReaderError(f"width must be {WIDTH_HINT}, not {value!r}")
    return value


def override(config: Config, *, labels: str | None = None, relations: str | None = None,
             guidelines: Path | None = None, width: str | None = None) -> Config:
    """`config` with `--labels`, `--relations`, `--guidelines` and `--width` applied: new
    span labels keep only the config's relations that can still join something;
    `--relations` names replace them."""
    if guidelines is not None:
        config = replace(config, guidelines=guidelines)
    if width is not None:
        try:
            config = replace(config, width=reading_width(width))
        except ReaderError as error:
            raise ReaderError(f"--{error}") from None
    if labels:
        new_labels = labels_from_names(labels)
        config = replace(config, labels=new_labels,
                         relations=usable_relations(config.relations, new_labels))
    if relations:
        config = replace(config, relations=relations_from_names(relations, config.labels))
    return config


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
    labels = _labels(data, raw, path)
    relations = _relations(data, raw, path, labels)
    doc_labels = _doc_labels(data, raw, path)
    multi = data.get("doc_labels_multi", False)
    if not isinstance(multi, bool):
        raise ReaderError(f"{path}:{_line_of(raw, 'doc_labels_multi', 0)}: doc_labels_multi"
                          " must be true or false")
    width = None
    if "width" in data:
        try:
            width = reading_width(data["width"])
        except ReaderError as error:
            raise ReaderError(f"{path}:{_line_of(raw, 'width', 0)}: {error}") from None
    return Config(labels=labels, annotator=annotator, source=path, relations=relations,
                  doc_labels=doc_labels, doc_labels_multi=multi, width=width,
                  model_labels=_model_labels(data, raw, path, labels),
                  keys=parse_keys(data, raw, path), guidelines=_guidelines(data, raw, path))


def _guidelines(data: dict[str, object], raw: str, path: Path) -> Path | None:
    """`guidelines = "GUIDELINES.md"`: a path relative to the config file's folder (read
    at start, by `reader.annotate.guidelines`)."""
    value = data.get("guidelines")
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or "\0" in value:
        line = assignment_lines(raw).get("guidelines", 1)
        raise ReaderError(f"{path}:{line}: guidelines must be the path of a Markdown file")
    return path.parent / Path(value.strip()).expanduser()


def _tables(data: dict[str, object], raw: str, path: Path, name: str,
            required: bool) -> list[tuple[dict[str, object], int]] | None:
    """The `[[name]]` tables with the line each starts on; None if there are none (an
    empty `name = []` is allowed unless `required`)."""
    entries = data.get(name)
    if entries is None:
        return None
    if not isinstance(entries, list) or (required and not entries):
        raise ReaderError(f"{path}:{_line_of(raw, name, 0)}: {name} must be [[{name}]] tables")
    tables = []
    for index, entry in enumerate(entries):
        line = _line_of(raw, f"[[{name}]]", index)
        if not isinstance(entry, dict):
            raise ReaderError(f"{path}:{line}: each of {name} must be a table")
        tables.append((entry, line))
    return tables


def _checked_name(entry: dict[str, object], where: str, what: str, seen: set[str]) -> str:
    name = entry.get("name")
    if not isinstance(name, str) or not _NAME.match(name.strip()):
        raise ReaderError(f"{where}: {what} needs a name (text without commas)")
    name = name.strip()
    if name in seen:
        raise ReaderError(f"{where}: {what} {name!r} is defined twice")
    seen.add(name)
    return name


def _checked_key(entry: dict[str, object], index: int, where: str, what: str,
                 seen: set[str]) -> str | None:
    key = entry.get("key", KEYS[index] if index < len(KEYS) else None)
    if key is None:
        return None
    if not isinstance(key, str) or len(key) != 1 or key not in KEYS:
        raise ReaderError(f"{where}: {what}: key must be one of 1-9")
    if key in seen:
        raise ReaderError(f"{where}: {what}: key {key} is already used")
    seen.add(key)
    return key


def _checked_description(entry: dict[str, object], where: str, what: str) -> str:
    description = entry.get("description", "")
    if not isinstance(description, str):
        raise ReaderError(f"{where}: {what}: description must be text")
    return description.strip()


def _checked_unknown(entry: dict[str, object], where: str, what: str,
                     known: set[str]) -> None:
    unknown = set(entry) - known
    if unknown:
        raise ReaderError(f"{where}: unknown {what} field(s): {', '.join(sorted(unknown))}")


def _labels(data: dict[str, object], raw: str, path: Path) -> tuple[Label, ...]:
    tables = _tables(data, raw, path, "labels", required=True)
    if tables is None:
        return DEFAULT_LABELS
    labels: list[Label] = []
    seen_names: set[str] = set()
    seen_keys: set[str] = set()
    for index, (entry, line) in enumerate(tables):
        where = f"{path}:{line}"
        _checked_unknown(entry, where, "label", {"name", "key", "color", "description"})
        name = _checked_name(entry, where, "label", seen_names)
        key = _checked_key(entry, index, where, f"label {name!r}", seen_keys)
        color = _checked_color(entry.get("color", PALETTE[index % len(PALETTE)]))
        if color is None:
            raise ReaderError(f"{path}:{_key_line(raw, 'color', line)}: bad colour "
                              f"{entry.get('color')!r} for label {name!r}: {COLOR_HINT}")
        description = _checked_description(entry, where, f"label {name!r}")
        labels.append(Label(name, key, color, description))
    return tuple(labels)


def _relations(data: dict[str, object], raw: str, path: Path,
               labels: tuple[Label, ...]) -> tuple[RelationType, ...]:
    """`[[relations]]`; without any, the defaults that fit the span labels (`by` and
    `about` need commitment and actor or topic); `relations = []`: none."""
    tables = _tables(data, raw, path, "relations", required=False)
    if tables is None:
        return usable_relations(DEFAULT_RELATIONS, labels)
    names = [label.name for label in labels]
    relations: list[RelationType] = []
    seen_names: set[str] = set()
    seen_keys: set[str] = set()
    for index, (entry, line) in enumerate(tables):
        where = f"{path}:{line}"
        _checked_unknown(entry, where, "relation",
                         {"name", "key", "color", "description", "from", "to"})
        name = _checked_name(entry, where, "relation", seen_names)
        what = f"relation {name!r}"
        key = _checked_key(entry, index, where, what, seen_keys)
        color = _checked_color(entry.get("color", PALETTE[(index + 3) % len(PALETTE)]))
        if color is None:
            raise ReaderError(f"{path}:{_key_line(raw, 'color', line)}: bad colour "
                              f"{entry.get('color')!r} for {what}: {COLOR_HINT}")
        description = _checked_description(entry, where, what)
        ends: list[tuple[str, ...]] = []
        for end in ("from", "to"):
            value = entry.get(end, [])
            listed = [value] if isinstance(value, str) else value
            at = f"{path}:{_key_line(raw, end, line)}"
            if not isinstance(listed, list) or not all(isinstance(v, str) for v in listed):
                raise ReaderError(f"{at}: {what}: {end} must be a list of span label names")
            unknown = [v for v in listed if v not in names]
            if unknown:
                raise ReaderError(f"{at}: {what}: {end} names {unknown[0]!r}, which is not a"
                                  f" span label (labels: {', '.join(names)})")
            ends.append(tuple(dict.fromkeys(listed)))
        relations.append(RelationType(name, key, color, description, ends[0], ends[1]))
    return tuple(relations)


def _doc_labels(data: dict[str, object], raw: str, path: Path) -> tuple[DocLabel, ...]:
    """`[[doc_labels]]`; without any, relevant / irrelevant; `doc_labels = []`: none
    (the feature is off)."""
    tables = _tables(data, raw, path, "doc_labels", required=False)
    if tables is None:
        return DEFAULT_DOC_LABELS
    doc_labels: list[DocLabel] = []
    seen_names: set[str] = set()
    seen_keys: set[str] = set()
    for index, (entry, line) in enumerate(tables):
        where = f"{path}:{line}"
        _checked_unknown(entry, where, "document label", {"name", "key", "description"})
        name = _checked_name(entry, where, "document label", seen_names)
        what = f"document label {name!r}"
        key = _checked_key(entry, index, where, what, seen_keys)
        doc_labels.append(DocLabel(name, key, _checked_description(entry, where, what)))
    return tuple(doc_labels)


def _model_labels(data: dict[str, object], raw: str, path: Path,
                  labels: tuple[Label, ...]) -> dict[str, str]:
    """`[model_labels]`: span label = [entity labels], e.g. `actor = ["PERSON", "ORG"]`;
    the map the other way round, entity label -> span label."""
    table = data.get("model_labels")
    if table is None:
        return {}
    line = _line_of(raw, "[model_labels]", 0)
    if not isinstance(table, dict):
        raise ReaderError(f"{path}:{_line_of(raw, 'model_labels', 0)}: model_labels must be"
                          ' a table: [model_labels] then actor = ["PERSON", "ORG"]')
    names = [label.name for label in labels]
    mapping: dict[str, str] = {}
    for span_label, entities in table.items():
        where = f"{path}:{_key_line(raw, span_label, line)}"
        if span_label not in names:
            raise ReaderError(f"{where}: model_labels: {span_label!r} is not a span label"
                              f" (labels: {', '.join(names)})")
        listed = [entities] if isinstance(entities, str) else entities
        if not isinstance(listed, list) or not listed or not all(
                isinstance(entity, str) and entity.strip() for entity in listed):
            raise ReaderError(f"{where}: model_labels: {span_label} must be a list of entity"
                              ' labels, e.g. ["PERSON", "ORG"]')
        for entity in listed:
            entity = entity.strip()
            if entity in mapping:
                raise ReaderError(f"{where}: model_labels: entity label {entity!r} is mapped"
                                  f" twice ({mapping[entity]} and {span_label})")
            mapping[entity] = span_label
    return mapping


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
