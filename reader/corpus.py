"""What `reader open` works on: one file, a folder of text files, a JSONL corpus, several of
these, or (with no paths) every document already in the database.

Everything named on the command line is read and checked before the database is written,
so a bad input leaves the database as it was."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from reader.errors import ReaderError
from reader.text.loading import (
    CORPUS_SUFFIXES,
    TEXT_SUFFIXES,
    LoadedText,
    check_encoding,
    load_text,
)

if TYPE_CHECKING:
    from reader.formats.incoming import IncomingDocument


@dataclass
class Corpus:
    """The documents of one `reader open`, in the order given."""

    document_ids: list[int]
    skipped: list[str] = field(default_factory=list)  # "path: reason", files left out
    queue: bool = False  # the annotator's assigned documents (`reader assign`), not-done first


def _folder_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*")
                  if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES
                  and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def _same_file(one: Path, other: Path) -> bool:
    try:
        return one.samefile(other)
    except OSError:
        return False


@dataclass
class Plan:
    """Everything named on the command line, read and checked, nothing written yet."""

    items: list[LoadedText | Path]  # a text file read, or a JSONL corpus (parsed below)
    parsed: dict[Path, list[IncomingDocument]]
    skipped: list[str]


def read_inputs(paths: list[Path], *, encoding: str, annotator: str,
                guidelines: Path | None = None) -> Plan:
    """Read and check every input before the database is opened, so a bad one leaves no
    trace (not even a new database file). A folder's `guidelines` file (the config's) is
    not one of its articles."""
    check_encoding(encoding)  # even when every input is a corpus, which is always UTF-8
    items: list[LoadedText | Path] = []
    skipped: list[str] = []
    for path in paths:
        if path.is_dir():
            files = _folder_files(path)
            if guidelines is not None:
                files = [file for file in files if not _same_file(file, guidelines)]
            if not files:
                raise ReaderError(f"{path}: no text files (*.txt, *.md) in this folder")
            for file in files:
                try:
                    items.append(load_text(file, encoding))
                except ReaderError as error:
                    skipped.append(str(error))
        elif path.suffix.lower() in CORPUS_SUFFIXES and path.is_file():
            items.append(path)
        else:
            items.append(load_text(path, encoding))
    if paths and not items:
        raise ReaderError("nothing to open: " + "; ".join(skipped[:3]))
    corpus_files = [item for item in items if isinstance(item, Path)]
    parsed = _parse_corpora(corpus_files, annotator) if corpus_files else {}
    return Plan(items, parsed, skipped)


def gather(conn: sqlite3.Connection, paths: list[Path] | Plan, *, encoding: str = "utf-8",
           annotator: str) -> Corpus:
    """Store what `paths` (or an already read Plan) hold; return the documents in order.
    With no paths: the annotator's queue when documents are assigned to them (`reader
    assign`), else every document already in the database."""
    plan = paths if isinstance(paths, Plan) else read_inputs(paths, encoding=encoding,
                                                              annotator=annotator)
    if not plan.items:
        from reader.store.assignments import queue
        from reader.store.documents import all_document_ids

        assigned = queue(conn, annotator)
        if assigned:
            return Corpus(assigned, queue=True)

        ids = all_document_ids(conn)
        if not ids:
            raise ReaderError("the database has no documents yet: reader open FILE|FOLDER")
        return Corpus(ids)

    from reader.store.database import transaction
    from reader.store.documents import add_documents

    opened: list[int] = []
    with transaction(conn):
        texts = [item for item in plan.items if isinstance(item, LoadedText)]
        text_ids = iter(add_documents(conn, texts))
        for item in plan.items:
            if isinstance(item, LoadedText):
                opened.append(next(text_ids))
            else:
                opened.extend(_import_corpus(conn, plan.parsed[item], annotator))
    return Corpus(list(dict.fromkeys(opened)), plan.skipped)


def _parse_corpora(files: list[Path], annotator: str) -> dict[Path, list[IncomingDocument]]:
    """Parse JSONL corpora (reader's or Prodigy's form) with the importer's own readers;
    any bad record is an error naming FILE:LINE, before anything is written."""
    from reader.formats.incoming import ImportContext, RecordError
    from reader.formats.readers import detect
    from reader.formats.registry import import_format
    from reader.formats.sources import iter_json_lines

    context = ImportContext(annotator, False, "codepoints")
    parsed: dict[Path, list[IncomingDocument]] = {}
    for path in files:
        documents: list[IncomingDocument] = []
        for line, record in iter_json_lines(path):
            where = f"{path}:{line}"
            try:
                if isinstance(record, RecordError):
                    raise record
                fmt = detect(record)
                if fmt not in ("jsonl", "prodigy"):
                    fmt = "jsonl"
                documents.append(import_format(fmt).parse(record, where, context))
            except RecordError as error:
                raise ReaderError(f"{where}: {error}") from None
        if not documents:
            raise ReaderError(f"{path}: no documents in this file")
        parsed[path] = documents
    return parsed


def _import_corpus(conn: sqlite3.Connection, documents: list[IncomingDocument],
                   annotator: str) -> list[int]:
    from reader.formats.importer import Importer
    from reader.store.database import now_iso

    hashes = []
    with Importer(conn, now_iso(), annotator, source="reader open") as importer:
        for document in documents:
            importer.add(document)
            hashes.append(document.sha256)
    from reader.store.documents import ids_by_sha256

    found = ids_by_sha256(conn, hashes)
    return [found[sha] for sha in hashes]


def first_not_done(conn: sqlite3.Connection, ids: list[int], annotator: str) -> int:
    """Where a corpus resumes: the first document this annotator has not marked done."""
    from reader.store.documents import done_document_ids

    done = done_document_ids(conn, annotator)
    return next((doc_id for doc_id in ids if doc_id not in done), ids[0])


__all__ = ["Corpus", "Plan", "first_not_done", "gather", "read_inputs"]
