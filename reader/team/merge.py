"""Gather another reader database into this one: documents by content (sha256), annotations
and relations by uid, document labels by (document, annotator, label), progress by
(document, annotator), events by what they record. Idempotent: merging the same file again
adds nothing.

The other database is checked before anything is opened for writing, then read through a
read-only connection and never migrated. Its rows are staged and matched without holding
this database's write lock (`reader.store.merge_stage`), then written in one short
transaction, so a failure leaves this database as it was and other writers (the TUI) are
not kept waiting."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from reader.errors import ReaderError
from reader.store.database import (
    check_integrity,
    check_sqlite_header,
    database_errors,
    open_for_reading,
    refuse_newer_schema,
)
from reader.store.merge_stage import MergeStage, check_other_tables


@dataclass(slots=True)
class MergeReport:
    """What a merge changed in this database."""

    documents: int = 0
    annotations: int = 0
    annotations_updated: int = 0
    """Annotations this database had, replaced by a newer state (edit or deletion)."""
    progress: int = 0
    progress_updated: int = 0
    events: int = 0
    skipped: int = 0
    """Rows of the other database that point to a document it does not have."""
    relations: int = 0
    relations_updated: int = 0
    doc_labels: int = 0
    doc_labels_updated: int = 0
    relations_deleted: int = 0
    """Live relations deleted because a span they join is deleted in the merged result."""
    relations_without_spans: int = 0
    """Relations of the other database not carried: a span they join is in neither."""
    suggestions: int = 0
    decisions: int = 0
    """Annotators' decisions on suggestions added, or replaced by a newer one."""

    @property
    def changed(self) -> bool:
        return any((self.documents, self.annotations, self.annotations_updated, self.progress,
                    self.progress_updated, self.events, self.relations,
                    self.relations_updated, self.doc_labels, self.doc_labels_updated,
                    self.relations_deleted, self.suggestions, self.decisions))


def open_other(path: Path) -> sqlite3.Connection:
    """The other database, read-only, after checking it is one we can read and is not
    damaged: a one-line ReaderError otherwise. Nothing is written to it (no migration, no
    journal mode, no file left beside it)."""
    if not path.exists():
        raise ReaderError(f"{path}: no such file")
    if path.is_dir():
        raise ReaderError(f"{path}: is a directory, not a database")
    check_sqlite_header(path, str(path))
    conn = open_for_reading(path)
    try:
        with database_errors(path):
            refuse_newer_schema(conn, str(path))
            check_other_tables(conn, str(path))
            check_integrity(conn, path)
    except sqlite3.Error as error:
        conn.close()
        raise ReaderError(f"{path}: cannot read ({error})") from None
    except ReaderError:
        conn.close()
        raise
    return conn


def same_file(first: Path, second: Path) -> bool:
    try:
        return first.exists() and second.exists() and os.path.samefile(first, second)
    except OSError:
        return False


def merge(target: sqlite3.Connection, other: sqlite3.Connection,
          other_path: Path | str = "the other database",
          target_path: Path | str | None = None) -> MergeReport:
    """Add what `other` has and `target` lacks: staged first, then one transaction on
    `target`. SQLite failures a user can act on name the database they come from."""
    stage = MergeStage(target)
    try:
        with database_errors(other_path):
            stage.stage(other)
        with database_errors(target_path):
            counts = stage.apply()
    finally:
        stage.drop()
    return MergeReport(counts.documents, counts.annotations, counts.annotations_updated,
                       counts.progress, counts.progress_updated, counts.events,
                       counts.skipped, counts.relations, counts.relations_updated,
                       counts.doc_labels, counts.doc_labels_updated, counts.relations_deleted,
                       counts.relations_without_spans, counts.suggestions, counts.decisions)
