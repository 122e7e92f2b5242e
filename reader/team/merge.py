"""Gather another reader database into this one: documents by content (sha256), annotations
by uid, progress by (document, annotator), events by what they record. Idempotent: merging
the same file again adds nothing.

The other database is checked before anything is opened for writing, then read through a
read-only connection and never migrated; everything is written in one transaction, so a
failure leaves this database as it was."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reader.errors import ReaderError
from reader.store.database import (
    BUSY_TIMEOUT_MS,
    check_sqlite_header,
    now_iso,
    refuse_newer_schema,
    transaction,
)

# Columns read from the other database. A column missing there takes the default given here
# (None = required: without it the file is not a reader database we can merge).
DOCUMENT_COLUMNS: dict[str, Any] = {
    "id": None, "sha256": None, "text": None, "source": None, "title": None,
    "meta": "{}", "created_at": "", "updated_at": "",
}
ANNOTATION_COLUMNS: dict[str, Any] = {
    "uid": None, "document_id": None, "start": None, "end": None, "label": None, "text": None,
    "annotator": None, "note": "", "created_at": "", "updated_at": "", "deleted_at": None,
}
PROGRESS_COLUMNS: dict[str, Any] = {
    "document_id": None, "annotator": None, "status": None, "cursor": 0, "top": 0,
    "opened_at": None, "updated_at": "",
}
EVENT_COLUMNS: dict[str, Any] = {
    "id": None, "document_id": None, "annotator": None, "kind": None, "annotation_uid": None,
    "ref": None, "before": None, "after": None, "at": None,
}
TABLES = {
    "documents": DOCUMENT_COLUMNS,
    "annotations": ANNOTATION_COLUMNS,
    "progress": PROGRESS_COLUMNS,
    "events": EVENT_COLUMNS,
}
# Columns whose default is None (NULL) but which may be absent all the same.
_OPTIONAL = {"deleted_at", "opened_at", "annotation_uid", "ref", "before", "after"}
_STATUS_RANK = "(CASE {0} WHEN 'done' THEN 2 WHEN 'in_progress' THEN 1 ELSE 0 END)"


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

    @property
    def changed(self) -> bool:
        return any((self.documents, self.annotations, self.annotations_updated, self.progress,
                    self.progress_updated, self.events))


def open_other(path: Path) -> sqlite3.Connection:
    """The other database, read-only, after checking it is one we can read: a one-line
    ReaderError otherwise. Nothing is written to it (no migration, no journal mode)."""
    if not path.exists():
        raise ReaderError(f"{path}: no such file")
    if path.is_dir():
        raise ReaderError(f"{path}: is a directory, not a database")
    check_sqlite_header(path, str(path))
    try:
        conn = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000
        )
        refuse_newer_schema(conn, str(path))
    except sqlite3.Error as error:
        raise ReaderError(f"{path}: cannot open ({error})") from None
    try:
        for table, columns in TABLES.items():
            present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
            if not present:
                raise ReaderError(f"{path}: not a reader database (no {table} table)")
            missing = [name for name, default in columns.items()
                       if default is None and name not in present and name not in _OPTIONAL]
            if missing:
                raise ReaderError(
                    f"{path}: not a reader database ({table} has no {', '.join(missing)})"
                )
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


def _select(conn: sqlite3.Connection, table: str, order: str) -> Iterator[dict[str, Any]]:
    """Rows of `table` as dicts with every column we know, defaults for those it lacks."""
    columns = TABLES[table]
    present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
    names = [name for name in columns if name in present]
    quoted = ", ".join(f'"{name}"' for name in names)
    for row in conn.execute(f"SELECT {quoted} FROM {table} ORDER BY {order}"):
        values = dict(columns)
        values.update(zip(names, row, strict=True))
        yield values


def merge(target: sqlite3.Connection, other: sqlite3.Connection) -> MergeReport:
    """Add what `other` has and `target` lacks, in one transaction on `target`."""
    report = MergeReport()
    with transaction(target):
        documents = _merge_documents(target, other, report)
        _merge_annotations(target, other, documents, report)
        _merge_progress(target, other, documents, report)
        _merge_events(target, other, documents, report)
    return report


def _merge_documents(
    target: sqlite3.Connection, other: sqlite3.Connection, report: MergeReport
) -> dict[int, int]:
    """Other's document id -> ours, adding the documents we lack (same text, same document).
    A new document becomes the next version at its source here."""
    mapping: dict[int, int] = {}
    stamp = now_iso()
    for row in _select(other, "documents", "id"):
        found = target.execute(
            "SELECT id FROM documents WHERE sha256 = ?", (row["sha256"],)
        ).fetchone()
        if found:
            mapping[row["id"]] = found[0]
            continue
        (latest,) = target.execute(
            "SELECT COALESCE(MAX(version), 0) FROM documents WHERE source = ?", (row["source"],)
        ).fetchone()
        cursor = target.execute(
            "INSERT INTO documents (sha256, source, version, title, text, meta, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (row["sha256"], row["source"], latest + 1, row["title"], row["text"], row["meta"],
             row["created_at"] or stamp, row["updated_at"] or stamp),
        )
        assert cursor.lastrowid is not None
        mapping[row["id"]] = cursor.lastrowid
        report.documents += 1
    return mapping


def _count(conn: sqlite3.Connection, table: str) -> int:
    return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def _merge_annotations(
    target: sqlite3.Connection,
    other: sqlite3.Connection,
    documents: dict[int, int],
    report: MergeReport,
) -> None:
    """New uids are added; a uid we have takes the other's state when that is newer (an
    edit or a deletion made after the last merge)."""
    before_rows = _count(target, "annotations")
    before_changes = target.total_changes

    def rows() -> Iterator[tuple[Any, ...]]:
        for row in _select(other, "annotations", "id"):
            document_id = documents.get(row["document_id"])
            if document_id is None:
                report.skipped += 1
                continue
            yield (row["uid"], document_id, row["start"], row["end"], row["label"], row["text"],
                   row["note"], row["annotator"], row["created_at"], row["updated_at"],
                   row["deleted_at"])

    target.executemany(
        "INSERT INTO annotations (uid, document_id, start, end, label, text, note, annotator,"
        " created_at, updated_at, deleted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (uid) DO UPDATE SET start = excluded.start, end = excluded.end,"
        " label = excluded.label, text = excluded.text, note = excluded.note,"
        " updated_at = excluded.updated_at, deleted_at = excluded.deleted_at"
        " WHERE excluded.updated_at > annotations.updated_at",
        rows(),
    )
    report.annotations = _count(target, "annotations") - before_rows
    report.annotations_updated = target.total_changes - before_changes - report.annotations


def _merge_progress(
    target: sqlite3.Connection,
    other: sqlite3.Connection,
    documents: dict[int, int],
    report: MergeReport,
) -> None:
    """Per (document, annotator): the most advanced status wins; the reading position comes
    from whichever row was updated last."""
    before_rows = _count(target, "progress")
    before_changes = target.total_changes

    def rows() -> Iterator[tuple[Any, ...]]:
        for row in _select(other, "progress", "document_id, annotator"):
            document_id = documents.get(row["document_id"])
            if document_id is None:
                report.skipped += 1
                continue
            yield (document_id, row["annotator"], row["status"], row["cursor"], row["top"],
                   row["opened_at"], row["updated_at"])

    newer = "excluded.updated_at > progress.updated_at"
    target.executemany(
        "INSERT INTO progress (document_id, annotator, status, cursor, top, opened_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (document_id, annotator) DO UPDATE SET"
        f" status = CASE WHEN {_STATUS_RANK.format('excluded.status')}"
        f"  > {_STATUS_RANK.format('progress.status')} THEN excluded.status ELSE status END,"
        f" cursor = CASE WHEN {newer} THEN excluded.cursor ELSE cursor END,"
        f" top = CASE WHEN {newer} THEN excluded.top ELSE top END,"
        " opened_at = CASE WHEN excluded.opened_at > COALESCE(progress.opened_at, '')"
        "  THEN excluded.opened_at ELSE opened_at END,"
        f" updated_at = CASE WHEN {newer} THEN excluded.updated_at ELSE updated_at END"
        f" WHERE {newer} OR {_STATUS_RANK.format('excluded.status')}"
        f"  > {_STATUS_RANK.format('progress.status')}",
        rows(),
    )
    report.progress = _count(target, "progress") - before_rows
    report.progress_updated = target.total_changes - before_changes - report.progress


def _merge_events(
    target: sqlite3.Connection,
    other: sqlite3.Connection,
    documents: dict[int, int],
    report: MergeReport,
) -> None:
    """Events we lack, identified by (document, annotator, kind, annotation uid, time), in
    the other's order; undo/redo references and the annotation snapshots are rewritten to
    this database's ids, so undo history keeps working here."""
    current_document: int | None = None
    known: dict[tuple[Any, ...], int] = {}
    our_ids: dict[int, int] = {}  # other's event id -> ours
    for row in _select(other, "events", "document_id, id"):
        document_id = documents.get(row["document_id"])
        if document_id is None:
            report.skipped += 1
            continue
        if document_id != current_document:
            current_document = document_id
            known = {
                tuple(key): event_id
                for event_id, *key in target.execute(
                    "SELECT id, annotator, kind, annotation_uid, at FROM events"
                    " WHERE document_id = ?",
                    (document_id,),
                )
            }
        key = (row["annotator"], row["kind"], row["annotation_uid"], row["at"])
        if key in known:
            our_ids[row["id"]] = known[key]
            continue
        cursor = target.execute(
            "INSERT INTO events (document_id, annotator, kind, annotation_uid, ref, before,"
            " after, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (document_id, row["annotator"], row["kind"], row["annotation_uid"],
             our_ids.get(row["ref"]) if row["ref"] is not None else None,
             _rebase(row["before"], document_id), _rebase(row["after"], document_id),
             row["at"]),
        )
        assert cursor.lastrowid is not None
        our_ids[row["id"]] = known[key] = cursor.lastrowid
        report.events += 1


def _rebase(snapshot: str | None, document_id: int) -> str | None:
    """An annotation snapshot (JSON) pointing at this database's document id."""
    if not snapshot:
        return snapshot
    try:
        value = json.loads(snapshot)
    except ValueError:
        return snapshot
    if isinstance(value, dict) and value.get("document_id", document_id) != document_id:
        value["document_id"] = document_id
        return json.dumps(value, ensure_ascii=False)
    return snapshot
