"""Relations between two spans of a document, and labels of whole documents: their rows and
the reads and writes `AnnotationStore` builds its operations (and their undo) from.

A live relation always joins two live annotations of its document: the store checks both
ends under the write lock when it creates or revives one, and deleting a span deletes its
relations in the same transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from reader.store.database import now_iso


class Relation(NamedTuple):
    """A directed, labelled link from the span `head_uid` to the span `child_uid` (uids of
    annotations of the same document, both the relation's annotator's)."""

    uid: str
    document_id: int
    head_uid: str
    child_uid: str
    label: str
    annotator: str
    created_at: str
    updated_at: str

    def joins(self, span_uid: str) -> bool:
        return span_uid in (self.head_uid, self.child_uid)

    def other_end(self, span_uid: str) -> str:
        """The uid at the other end from `span_uid`."""
        return self.child_uid if span_uid == self.head_uid else self.head_uid


RELATION_COLUMNS = "uid, document_id, head_uid, child_uid, label, annotator, created_at," \
    " updated_at"
_MAKE = Relation._make


def live_relations(conn: sqlite3.Connection, document_id: int,
                   annotators: list[str] | None = None) -> list[Relation]:
    """Relations not deleted, in the order they were made; all annotators' when
    `annotators` is None."""
    sql = (f"SELECT {RELATION_COLUMNS} FROM relations"
           " WHERE document_id = ? AND deleted_at IS NULL")
    params: list[Any] = [document_id]
    if annotators is not None:
        sql += f" AND annotator IN ({', '.join('?' * len(annotators))})"
        params.extend(annotators)
    return list(map(_MAKE, conn.execute(sql + " ORDER BY id", params).fetchall()))


def database_path(conn: sqlite3.Connection) -> str:
    """The file of `conn`'s main database, for another connection to the same file."""
    for _, name, file in conn.execute("PRAGMA database_list"):
        if name == "main":
            return str(file)
    return ""


def read_live_relations(path: str, document_id: int,
                        annotators: list[str] | None = None) -> list[Relation]:
    """`live_relations` on a connection of its own to the database file at `path`, opened
    and closed here without writing anything: a worker thread reads the relations while
    the UI thread goes on with its own connection."""
    from reader.store.database import open_for_reading

    if not path:
        raise sqlite3.OperationalError("the database has no file to read from")
    conn = open_for_reading(Path(path))
    try:
        return live_relations(conn, document_id, annotators)
    finally:
        conn.close()


def live_relations_of(conn: sqlite3.Connection, span_uid: str) -> list[Relation]:
    """The live relations with `span_uid` at either end, in the order they were made."""
    return list(map(_MAKE, conn.execute(
        f"SELECT {RELATION_COLUMNS} FROM relations WHERE (head_uid = ? OR child_uid = ?)"
        " AND deleted_at IS NULL ORDER BY id",  # an OR of two index lookups, then sorted
        (span_uid, span_uid)).fetchall()))


def get_relation(conn: sqlite3.Connection, uid: str) -> Relation | None:
    """The relation `uid` if it is live."""
    row = conn.execute(
        f"SELECT {RELATION_COLUMNS} FROM relations WHERE uid = ? AND deleted_at IS NULL", (uid,)
    ).fetchone()
    return _MAKE(row) if row else None


def same_live_relation(conn: sqlite3.Connection, relation: Relation) -> Relation | None:
    """A live relation other than `relation` joining the same spans with the same label by
    the same annotator: two windows must not leave two identical relations."""
    row = conn.execute(
        f"SELECT {RELATION_COLUMNS} FROM relations WHERE head_uid = ? AND child_uid = ?"
        " AND label = ? AND annotator = ? AND uid <> ? AND deleted_at IS NULL LIMIT 1",
        (relation.head_uid, relation.child_uid, relation.label, relation.annotator,
         relation.uid)).fetchone()
    return _MAKE(row) if row else None


def insert_relation(conn: sqlite3.Connection, relation: Relation) -> None:
    conn.execute(f"INSERT INTO relations ({RELATION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                 relation)


def revive_relation(conn: sqlite3.Connection, relation: Relation) -> Relation:
    """Make `relation` live again (undo, redo), as it is now: `updated_at` is now, so a
    merge takes the revival for the newer state. (Its row is normally there, deleted; a
    merge may have brought the event without it.)"""
    revived = relation._replace(updated_at=now_iso())
    conn.execute(
        f"INSERT INTO relations ({RELATION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (uid) DO UPDATE SET deleted_at = NULL, updated_at = excluded.updated_at",
        revived)
    return revived


def soft_delete(conn: sqlite3.Connection, uids: Iterable[str]) -> None:
    stamp = now_iso()
    conn.executemany("UPDATE relations SET deleted_at = ?, updated_at = ? WHERE uid = ?",
                     [(stamp, stamp, uid) for uid in uids])


def relation_from_json(fields: dict[str, Any]) -> Relation:
    return Relation(**fields)


# --- document labels -----------------------------------------------------------------------


def doc_labels_of(conn: sqlite3.Connection, document_id: int, annotator: str) -> frozenset[str]:
    """The labels `annotator` gave the whole document."""
    return frozenset(label for (label,) in conn.execute(
        "SELECT label FROM doc_labels WHERE document_id = ? AND annotator = ?"
        " AND deleted_at IS NULL", (document_id, annotator)))


def live_doc_labels(conn: sqlite3.Connection,
                    document_id: int) -> dict[str, frozenset[str]]:
    """Every annotator's labels of the document, by annotator (compare mode, adjudication)."""
    found: dict[str, set[str]] = {}
    for annotator, label in conn.execute(
            "SELECT annotator, label FROM doc_labels WHERE document_id = ?"
            " AND deleted_at IS NULL ORDER BY annotator, label", (document_id,)):
        found.setdefault(annotator, set()).add(label)
    return {annotator: frozenset(labels) for annotator, labels in found.items()}


def write_doc_labels(conn: sqlite3.Connection, document_id: int, annotator: str,
                     before: frozenset[str], after: frozenset[str]) -> None:
    """Move `annotator`'s labels of the document from `before` to `after`."""
    stamp = now_iso()
    conn.executemany(
        "UPDATE doc_labels SET deleted_at = ?, updated_at = ? WHERE document_id = ?"
        " AND annotator = ? AND label = ? AND deleted_at IS NULL",
        [(stamp, stamp, document_id, annotator, label) for label in sorted(before - after)])
    conn.executemany(
        "INSERT INTO doc_labels (document_id, annotator, label, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (document_id, annotator, label)"
        " DO UPDATE SET deleted_at = NULL, updated_at = excluded.updated_at",
        [(document_id, annotator, label, stamp, stamp) for label in sorted(after - before)])
