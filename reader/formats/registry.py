"""The one list of dataset formats, and the record each format module declares about itself.

Adding a format is one module that ends with `FORMAT = Format(...)` and one line in `FORMATS`.
The list names modules by dotted path and imports one only when its format is used, so
`reader --help` pays for none of them and spaCy is imported only by a spaCy export. The
commands take their `--format` choices from here."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Literal, Protocol, TypeVar

from reader.errors import ReaderError

if TYPE_CHECKING:
    from reader.formats.incoming import ImportContext, IncomingDocument
    from reader.formats.records import ExportOptions, ExportRow
    from reader.formats.summary import Summary

Target = Literal["text", "binary", "folder"]
Out = TypeVar("Out", contravariant=True)


class Exporter(Protocol[Out]):
    """Writes `rows` to `out` (a text stream, a binary stream or a new folder) and tells
    `summary` what it wrote and what the format could not express."""

    def __call__(self, rows: Iterable[ExportRow], out: Out, summary: Summary,
                 options: ExportOptions, /) -> None: ...


class Parser(Protocol):
    """Turns one decoded JSON record into a checked document, or raises RecordError."""

    def __call__(self, record: object, where: str, context: ImportContext, /
                 ) -> IncomingDocument: ...


@dataclass(frozen=True)
class TextExport:
    """Written as UTF-8 text to a file or standard output."""

    write: Exporter[IO[str]]
    json_head: bool = False  # each row comes with its JSON head built by the query (jsonl)

    @property
    def target(self) -> Target:
        return "text"


@dataclass(frozen=True)
class BinaryExport:
    """Written as bytes to a file, or to standard output when that is not a terminal. With
    `previous_export_problem`, an existing -o file is replaced only if it finds nothing
    against it (or with --force): a format whose files look like the user's own (a SQLite
    database) says which of them reader wrote."""

    write: Exporter[IO[bytes]]
    previous_export_problem: Callable[[Path], str | None] | None = None

    @property
    def target(self) -> Target:
        return "binary"


@dataclass(frozen=True)
class FolderExport:
    """Written into a new folder that replaces the `-o` folder in one step, but only if
    `previous_export_problem` finds nothing against the folder there (or with --force)."""

    write: Exporter[Path]
    previous_export_problem: Callable[[Path], str | None]

    @property
    def target(self) -> Target:
        return "folder"


Export = TextExport | BinaryExport | FolderExport


@dataclass(frozen=True)
class Import:
    """How a file of this format comes in: its layout of JSON records and the parser of one."""

    parse: Parser
    layout: Literal["json-lines", "json-array"] = "json-lines"


@dataclass(frozen=True)
class Format:
    """What a format module says about itself: one record for both directions."""

    name: str
    description: str
    suffix: str  # the usual file name ending ("" for a folder)
    exporter: Export | None = None
    importer: Import | None = None
    check_available: Callable[[], None] | None = None  # raises ReaderError if it cannot run

    @property
    def target(self) -> Target | None:
        return None if self.exporter is None else self.exporter.target


@dataclass(frozen=True)
class FormatEntry:
    """A registry line: the module that holds the format, and which ways it goes (known
    without importing it, for the commands' choices; `load` checks the module agrees)."""

    module: str
    exports: bool = True
    imports: bool = False


FORMATS: dict[str, FormatEntry] = {
    "jsonl": FormatEntry("reader.formats.jsonl", imports=True),
    "prodigy": FormatEntry("reader.formats.prodigy", imports=True),
    "doccano": FormatEntry("reader.formats.doccano", imports=True),
    "label-studio": FormatEntry("reader.formats.label_studio", imports=True),
    "spacy": FormatEntry("reader.formats.spacy_docbin"),
    "brat": FormatEntry("reader.formats.brat"),
    "conll": FormatEntry("reader.formats.conll"),
    "table": FormatEntry("reader.formats.table"),
    "sqlite": FormatEntry("reader.formats.sqlite_dataset"),
}


def export_names() -> tuple[str, ...]:
    return tuple(name for name, entry in FORMATS.items() if entry.exports)


def import_names() -> tuple[str, ...]:
    return tuple(name for name, entry in FORMATS.items() if entry.imports)


def load(name: str) -> Format:
    """The format's record, its module imported now if it was not yet."""
    entry = FORMATS.get(name)
    if entry is None:
        raise ReaderError(f"unknown format {name!r} (known: {', '.join(FORMATS)})")
    module = importlib.import_module(entry.module)
    found = getattr(module, "FORMAT", None)
    if not isinstance(found, Format):
        raise TypeError(f"{entry.module} has no FORMAT = Format(...) record")
    declared = (found.name, found.exporter is not None, found.importer is not None)
    if declared != (name, entry.exports, entry.imports):
        raise TypeError(f"{entry.module}.FORMAT {declared} does not match its registry line"
                        f" {(name, entry.exports, entry.imports)}")
    return found


def export_format(name: str) -> Export:
    """How to write `name`, once it is known to be able to run here."""
    found = load(name)
    if found.exporter is None:
        raise ReaderError(f"the {name} format cannot be exported")
    if found.check_available is not None:
        found.check_available()
    return found.exporter


def import_format(name: str) -> Import:
    """How to read `name`, once it is known to be able to run here."""
    found = load(name)
    if found.importer is None:
        raise ReaderError(f"the {name} format cannot be imported")
    if found.check_available is not None:
        found.check_available()
    return found.importer
