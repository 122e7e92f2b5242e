"""A merge staged beside the database, then applied in one short write transaction.

Reading another annotator's database and working out what it adds takes long on a large
one; holding SQLite's single write lock all that time made every other writer fail after
its busy timeout. So the other database's rows are first copied into tables of this
connection's TEMP database (a private file SQLite deletes itself, even after kill -9) and
matched against this database there, which takes no lock on it: documents by content,
events by what they record, annotations this database already has in the same or a newer
state dropped. Then one transaction writes what is left with a few set-wise statements run
entirely inside SQLite, matching again what other writers added meanwhile (documents are
never deleted and events only appended, so what was matched stays matched). Until it
commits, the database has nothing of the merge: all or nothing.

Relations and document labels (schema 3; an older other database has none) travel like
annotations: relations by uid, their ends by the span uids the annotations keep across
databases; document labels by (document, annotator, label); the newer state wins. A
relation must join two live spans: one whose span is deleted in the merged result is kept,
deleted, and counted; one whose span is in neither database cannot be stored and is
counted as skipped.

Suggestions (schema 4) travel by what they are, (document, offsets, label, source), the
key that keeps them unique, so a second merge adds none; each annotator's decision on one
goes with it, the newer decision winning, an accepted one still naming its span by uid.
The `reject` events in the history name a suggestion the same way, so they undo after a
merge as before."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from reader.errors import ReaderError
from reader.store.database import now_iso, transaction
from reader.store.sql import staging_batch

# Columns read from the other database. A column missing there takes the default given here
# (None = required: without it the file is not a reader database we can merge).
DOCUMENT_COLUMNS: dict[str, Any] = {
    "id": None, "sha256": None, "text": None, "source": None, "title": None,
    "meta": "{}", "created_at": "", "updated_at": "",
}
ANNOTATION_COLUMNS: dict[str, Any] = {
    "uid": None, "document_id": None, "start": None, "end": None, "label": None, "text": None,
    "annotator": None, "note": "", "created_at": "", "updated_at": "", "deleted_at": None,
    "meta": "{}",
}
PROGRESS_COLUMNS: dict[str, Any] = {
    "document_id": None, "annotator": None, "status": None, "cursor": 0, "top": 0,
    "opened_at": None, "updated_at": "",
}
EVENT_COLUMNS: dict[str, Any] = {
    "id": None, "document_id": None, "annotator": None, "kind": None, "annotation_uid": None,
    "ref": None, "before": None, "after": None, "at": None,
}
RELATION_COLUMNS: dict[str, Any] = {
    "uid": None, "document_id": None, "head_uid": None, "child_uid": None, "label": None,
    "annotator": None, "created_at": "", "updated_at": "", "deleted_at": None,
}
DOC_LABEL_COLUMNS: dict[str, Any] = {
    "document_id": None, "annotator": None, "label": None, "created_at": "", "updated_at": "",
    "deleted_at": None,
}
SUGGESTION_COLUMNS: dict[str, Any] = {
    "id": None, "document_id": None, "start": None, "end": None, "label": None,
    "source": None, "text": None, "score": None, "meta": "{}", "created_at": "",
}
DECISION_COLUMNS: dict[str, Any] = {
    "suggestion_id": None, "annotator": None, "state": None, "annotation_uid": None,
    "decided_at": "",
}
TABLES = {
    "documents": DOCUMENT_COLUMNS,
    "annotations": ANNOTATION_COLUMNS,
    "progress": PROGRESS_COLUMNS,
    "events": EVENT_COLUMNS,
}
# Tables an older schema lacks (added in versions 3 and 4): absent, they hold nothing to
# merge.
OPTIONAL_TABLES = {
    "relations": RELATION_COLUMNS,
    "doc_labels": DOC_LABEL_COLUMNS,
    "suggestions": SUGGESTION_COLUMNS,
    "suggestion_decisions": DECISION_COLUMNS,
}
_ALL_TABLES = {**TABLES, **OPTIONAL_TABLES}
# Each table's staging table (whose columns are named as the table's) and the order it is
# read in, in the order they are staged.
_STAGING = {
    "documents": ("merge_documents", "id"),
    "annotations": ("merge_annotations", "id"),
    "progress": ("merge_progress", "document_id, annotator"),
    "events": ("merge_events", "document_id, id"),
    "relations": ("merge_relations", "id"),
    "doc_labels": ("merge_doc_labels", "id"),
    "suggestions": ("merge_suggestions", "id"),
    "suggestion_decisions": ("merge_decisions", "suggestion_id, annotator"),
}
# Columns whose default is None (NULL) but which may be absent all the same.
_OPTIONAL = {"deleted_at", "opened_at", "annotation_uid", "ref", "before", "after", "score"}
_STATUS_RANK = "(CASE {0} WHEN 'done' THEN 2 WHEN 'in_progress' THEN 1 ELSE 0 END)"
BATCH = 10_000


def check_other_tables(conn: sqlite3.Connection, what: str) -> None:
    """A ReaderError unless `conn` has the tables and columns a merge reads."""
    for table, columns in _ALL_TABLES.items():
        present = _columns(conn, table)
        if not present:
            if table in OPTIONAL_TABLES:
                continue
            raise ReaderError(f"{what}: not a reader database (no {table} table)")
        missing = [name for name, default in columns.items()
                   if default is None and name not in present and name not in _OPTIONAL]
        if missing:
            raise ReaderError(
                f"{what}: not a reader database ({table} has no {', '.join(missing)})"
            )


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    """The columns of `table`; none when there is no such table."""
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


def _other_rows(conn: sqlite3.Connection, table: str, order: str) -> Iterator[tuple[Any, ...]]:
    """Rows of the other database's `table` with every column we know, in TABLES order,
    defaults for those it lacks."""
    columns = _ALL_TABLES[table]
    present = _columns(conn, table)
    names = [name for name in columns if name in present]
    quoted = ", ".join(f'"{name}"' for name in names)
    rows = conn.execute(f"SELECT {quoted} FROM {table} ORDER BY {order}")
    if len(names) == len(columns):
        yield from rows
        return
    position = {name: index for index, name in enumerate(names)}
    for row in rows:
        yield tuple(row[position[name]] if name in position else default
                    for name, default in columns.items())


_TABLES_SQL = """
CREATE TEMP TABLE merge_documents (
    id INTEGER PRIMARY KEY,           -- the other database's id
    sha256 TEXT, source TEXT, title TEXT,
    text TEXT,                        -- NULL when this database has the document already
    meta TEXT, created_at TEXT, updated_at TEXT,
    ours INTEGER                      -- this database's id, once known
);
CREATE TEMP TABLE merge_annotations (
    seq INTEGER PRIMARY KEY, uid TEXT, document_id INTEGER, start INTEGER, end INTEGER,
    label TEXT, text TEXT, note TEXT, annotator TEXT, created_at TEXT, updated_at TEXT,
    deleted_at TEXT, meta TEXT
);
CREATE TEMP TABLE merge_progress (
    seq INTEGER PRIMARY KEY, document_id INTEGER, annotator TEXT, status TEXT,
    cursor INTEGER, top INTEGER, opened_at TEXT, updated_at TEXT
);
CREATE TEMP TABLE merge_events (
    seq INTEGER PRIMARY KEY,          -- the other's order: by document, then id
    id INTEGER UNIQUE,                -- the other database's id
    document_id INTEGER, annotator TEXT, kind TEXT, annotation_uid TEXT, ref INTEGER,
    before TEXT, after TEXT, at TEXT,
    key_uid TEXT,                     -- what the event is about, see _KEY_UID
    first INTEGER,                    -- seq of the first event recording the same thing
    ref_seq INTEGER,                  -- seq of the event `ref` names, if it came earlier
    ours INTEGER                      -- this database's id of the event, once known
);
CREATE TEMP TABLE merge_known (       -- this database's events on the merged documents
    document_id INTEGER, annotator TEXT, kind TEXT, key_uid TEXT, at TEXT,
    id INTEGER
);
CREATE TEMP TABLE merge_new_events (seq INTEGER PRIMARY KEY, id INTEGER);
CREATE TEMP TABLE merge_relations (
    seq INTEGER PRIMARY KEY, uid TEXT, document_id INTEGER, head_uid TEXT, child_uid TEXT,
    label TEXT, annotator TEXT, created_at TEXT, updated_at TEXT, deleted_at TEXT
);
CREATE TEMP TABLE merge_doc_labels (
    seq INTEGER PRIMARY KEY, document_id INTEGER, annotator TEXT, label TEXT,
    created_at TEXT, updated_at TEXT, deleted_at TEXT
);
CREATE TEMP TABLE merge_suggestions (
    id INTEGER PRIMARY KEY,           -- the other database's id
    document_id INTEGER, start INTEGER, end INTEGER, label TEXT, source TEXT, text TEXT,
    score REAL, meta TEXT, created_at TEXT,
    ours INTEGER                      -- this database's id, once known
);
CREATE TEMP TABLE merge_decisions (
    seq INTEGER PRIMARY KEY, suggestion_id INTEGER, annotator TEXT, state TEXT,
    annotation_uid TEXT, decided_at TEXT
)
"""
_NAMES = ("merge_documents", "merge_annotations", "merge_progress", "merge_events",
          "merge_known", "merge_new_events", "merge_relations", "merge_doc_labels",
          "merge_suggestions", "merge_decisions")
# Two events are the same when document, annotator, kind, time and what they are about
# agree: the span or relation uid; for a document-label change (and its undo and redo),
# which has none, the labels it found and left (two changes in one millisecond differ in
# those). Those snapshots carry no document id, so merging never rewrites them and they
# match as stored.
_KEY_UID = "CASE WHEN annotation_uid IS NULL AND kind <> 'import'" \
    " THEN json_array(before, after) ELSE annotation_uid END"
_EVENT_KEY = "(document_id, annotator, kind, key_uid, at)"

_RESOLVE_DOCUMENTS = (
    "UPDATE temp.merge_documents SET ours = (SELECT d.id FROM main.documents d"
    " WHERE d.sha256 = merge_documents.sha256) WHERE ours IS NULL"
)
_INSERT_DOCUMENTS = (
    "INSERT INTO main.documents (sha256, source, version, title, text, meta, created_at,"
    " updated_at)"
    " SELECT m.sha256, m.source, ROW_NUMBER() OVER (PARTITION BY m.source ORDER BY m.id)"
    "  + (SELECT COALESCE(MAX(d.version), 0) FROM main.documents d WHERE d.source = m.source),"
    "  m.title, m.text, m.meta,"
    "  CASE WHEN m.created_at IS NULL OR m.created_at = '' THEN :stamp ELSE m.created_at END,"
    "  CASE WHEN m.updated_at IS NULL OR m.updated_at = '' THEN :stamp ELSE m.updated_at END"
    " FROM temp.merge_documents m WHERE m.ours IS NULL ORDER BY m.id"
)
# A uid we have takes the other's state when that is newer (an edit or a deletion made
# after the last merge).
_UPSERT_ANNOTATIONS = (
    "INSERT INTO main.annotations (uid, document_id, start, end, label, text, note, annotator,"
    " created_at, updated_at, deleted_at, meta)"
    " SELECT a.uid, d.ours, a.start, a.end, a.label, a.text, a.note, a.annotator,"
    "  a.created_at, a.updated_at, a.deleted_at, a.meta"
    " FROM temp.merge_annotations a JOIN temp.merge_documents d ON d.id = a.document_id"
    " WHERE true ORDER BY a.seq"
    " ON CONFLICT (uid) DO UPDATE SET start = excluded.start, end = excluded.end,"
    " label = excluded.label, text = excluded.text, note = excluded.note,"
    " updated_at = excluded.updated_at, deleted_at = excluded.deleted_at"
    " WHERE excluded.updated_at > annotations.updated_at"
)
# A relation's ends must be spans of its document here (they came with the annotations, or
# were here already); one that names a span neither database has cannot be stored.
_END_HERE = (
    "EXISTS (SELECT 1 FROM main.annotations a WHERE a.uid = m.{0}"
    " AND a.document_id = (SELECT d.ours FROM temp.merge_documents d"
    "  WHERE d.id = m.document_id))"
)
_DROP_RELATIONS_WITHOUT_ENDS = (
    "DELETE FROM temp.merge_relations AS m WHERE m.head_uid IS m.child_uid"
    f" OR NOT {_END_HERE.format('head_uid')} OR NOT {_END_HERE.format('child_uid')}"
)
# Relations, like annotations, take the other's state only when it is newer; only their
# deletion can change.
_UPSERT_RELATIONS = (
    "INSERT INTO main.relations (uid, document_id, head_uid, child_uid, label, annotator,"
    " created_at, updated_at, deleted_at)"
    " SELECT m.uid, d.ours, m.head_uid, m.child_uid, m.label, m.annotator, m.created_at,"
    "  m.updated_at, m.deleted_at"
    " FROM temp.merge_relations m JOIN temp.merge_documents d ON d.id = m.document_id"
    " WHERE true ORDER BY m.seq"
    " ON CONFLICT (uid) DO UPDATE SET updated_at = excluded.updated_at,"
    " deleted_at = excluded.deleted_at"
    " WHERE excluded.updated_at > relations.updated_at"
)
# A live relation on a merged document with an end deleted (by a newer deletion merged
# in, or here) is deleted too, as deleting the span would have done; newer, so merging back
# carries the deletion.
_DELETE_RELATIONS_OF_DELETED_SPANS = (
    "UPDATE main.relations SET deleted_at = :stamp, updated_at = :stamp"
    " WHERE deleted_at IS NULL"
    " AND document_id IN (SELECT ours FROM temp.merge_documents WHERE ours IS NOT NULL)"
    " AND (EXISTS (SELECT 1 FROM main.annotations a WHERE a.uid = relations.head_uid"
    "  AND a.deleted_at IS NOT NULL)"
    " OR EXISTS (SELECT 1 FROM main.annotations a WHERE a.uid = relations.child_uid"
    "  AND a.deleted_at IS NOT NULL))"
)
_UPSERT_DOC_LABELS = (
    "INSERT INTO main.doc_labels (document_id, annotator, label, created_at, updated_at,"
    " deleted_at)"
    " SELECT d.ours, m.annotator, m.label, m.created_at, m.updated_at, m.deleted_at"
    " FROM temp.merge_doc_labels m JOIN temp.merge_documents d ON d.id = m.document_id"
    " WHERE true ORDER BY m.seq"
    " ON CONFLICT (document_id, annotator, label) DO UPDATE SET"
    " updated_at = excluded.updated_at, deleted_at = excluded.deleted_at"
    " WHERE excluded.updated_at > doc_labels.updated_at"
)
# Suggestions are one row per (document, offsets, label, source): one we have adds nothing.
_INSERT_SUGGESTIONS = (
    "INSERT INTO main.suggestions (document_id, start, end, label, source, text, score, meta,"
    " created_at)"
    " SELECT d.ours, m.start, m.end, m.label, m.source, m.text, m.score, m.meta,"
    "  CASE WHEN m.created_at IS NULL OR m.created_at = '' THEN :stamp ELSE m.created_at END"
    " FROM temp.merge_suggestions m JOIN temp.merge_documents d ON d.id = m.document_id"
    " WHERE true ORDER BY m.id ON CONFLICT DO NOTHING"
)
_RESOLVE_SUGGESTIONS = (
    "UPDATE temp.merge_suggestions SET ours = (SELECT s.id FROM main.suggestions s"
    " JOIN temp.merge_documents d ON d.ours = s.document_id"
    " WHERE d.id = merge_suggestions.document_id AND s.start = merge_suggestions.start"
    " AND s.end = merge_suggestions.end AND s.label = merge_suggestions.label"
    " AND s.source = merge_suggestions.source)"
)
# An annotator's decision: the newer one wins.
_UPSERT_DECISIONS = (
    "INSERT INTO main.suggestion_decisions (suggestion_id, annotator, state, annotation_uid,"
    " decided_at)"
    " SELECT s.ours, m.annotator, m.state, m.annotation_uid, m.decided_at"
    " FROM temp.merge_decisions m JOIN temp.merge_suggestions s ON s.id = m.suggestion_id"
    " WHERE s.ours IS NOT NULL ORDER BY m.seq"
    " ON CONFLICT (suggestion_id, annotator) DO UPDATE SET state = excluded.state,"
    " annotation_uid = excluded.annotation_uid, decided_at = excluded.decided_at"
    " WHERE excluded.decided_at > suggestion_decisions.decided_at"
)
# Per (document, annotator): the most advanced status wins; the reading position comes
# from whichever row was updated last.
_NEWER = "excluded.updated_at > progress.updated_at"
_UPSERT_PROGRESS = (
    "INSERT INTO main.progress (document_id, annotator, status, cursor, top, opened_at,"
    " updated_at)"
    " SELECT d.ours, p.annotator, p.status, p.cursor, p.top, p.opened_at, p.updated_at"
    " FROM temp.merge_progress p JOIN temp.merge_documents d ON d.id = p.document_id"
    " WHERE true ORDER BY p.seq"
    " ON CONFLICT (document_id, annotator) DO UPDATE SET"
    f" status = CASE WHEN {_STATUS_RANK.format('excluded.status')}"
    f"  > {_STATUS_RANK.format('progress.status')} THEN excluded.status ELSE status END,"
    f" cursor = CASE WHEN {_NEWER} THEN excluded.cursor ELSE cursor END,"
    f" top = CASE WHEN {_NEWER} THEN excluded.top ELSE top END,"
    " opened_at = CASE WHEN excluded.opened_at > COALESCE(progress.opened_at, '')"
    "  THEN excluded.opened_at ELSE opened_at END,"
    f" updated_at = CASE WHEN {_NEWER} THEN excluded.updated_at ELSE updated_at END"
    f" WHERE {_NEWER} OR {_STATUS_RANK.format('excluded.status')}"
    f"  > {_STATUS_RANK.format('progress.status')}"
)
_KNOWN_EVENTS = (
    "INSERT INTO temp.merge_known"
    f" SELECT document_id, annotator, kind, {_KEY_UID}, at, MAX(id) FROM main.events"
    " WHERE document_id IN (SELECT ours FROM temp.merge_documents WHERE ours IS NOT NULL)"
    f" GROUP BY document_id, annotator, kind, {_KEY_UID}, at"
)
# Under the lock, only the events recorded since staging: found by id, not by document.
_KNOWN_EVENTS_SINCE = (
    "INSERT INTO temp.merge_known"
    f" SELECT document_id, annotator, kind, {_KEY_UID}, at, MAX(id) FROM main.events"
    " WHERE id > :after AND +document_id IN"
    "  (SELECT ours FROM temp.merge_documents WHERE ours IS NOT NULL)"
    f" GROUP BY document_id, annotator, kind, {_KEY_UID}, at"
)
_RESOLVE_EVENTS = (
    "UPDATE temp.merge_events SET ours = (SELECT MAX(k.id) FROM temp.merge_known k"
    "  WHERE k.document_id = (SELECT d.ours FROM temp.merge_documents d"
    "   WHERE d.id = merge_events.document_id)"
    "  AND k.annotator IS merge_events.annotator AND k.kind IS merge_events.kind"
    "  AND k.key_uid IS merge_events.key_uid AND k.at IS merge_events.at)"
    " WHERE ours IS NULL"
)


def _rebased(column: str) -> str:
    """SQL for a snapshot (JSON of an annotation or a relation) pointing at this database's
    document id (`d.ours`), and so for the relations a span's deletion took with it
    (`relations`); anything else (not JSON, not an object, no document_id) is kept as is."""
    value = f"m.{column}"
    top = (
        f"CASE WHEN json_type({value}, '$.document_id') IS NOT NULL"
        f" AND json_extract({value}, '$.document_id') IS NOT d.ours"
        f" THEN json_set({value}, '$.document_id', d.ours) ELSE {value} END"
    )
    nested = (
        "(SELECT json_group_array(CASE WHEN json_type(r.value, '$.document_id') IS NOT NULL"
        " THEN json_set(r.value, '$.document_id', d.ours) ELSE r.value END)"
        f" FROM json_each({value}, '$.relations') r)"
    )
    return (
        f"CASE WHEN NOT json_valid({value}) THEN {value}"
        f" WHEN json_type({value}) <> 'object' THEN {value}"
        f" WHEN json_type({value}, '$.relations') = 'array'"
        f" THEN json_set({top}, '$.relations', json({nested}))"
        f" ELSE {top} END"
    )


# New events go in in the other's order, `ref` holding minus their staging number until
# the references are rewritten to this database's ids below.
_INSERT_EVENTS = (
    "INSERT INTO main.events (document_id, annotator, kind, annotation_uid, ref, before,"
    " after, at)"
    f" SELECT d.ours, m.annotator, m.kind, m.annotation_uid, -m.seq, {_rebased('before')},"
    f"  {_rebased('after')}, m.at"
    " FROM temp.merge_events m JOIN temp.merge_documents d ON d.id = m.document_id"
    " WHERE m.ours IS NULL AND m.first = m.seq ORDER BY m.seq"
)
_SET_REFS = (
    "UPDATE main.events SET ref = (SELECT r.ours FROM temp.merge_events m"
    "  JOIN temp.merge_events r ON r.seq = m.ref_seq WHERE m.seq = -events.ref)"
    " WHERE id > :after"
)


@dataclass(slots=True)
class MergeCounts:
    """What a merge changed in this database."""

    documents: int = 0
    annotations: int = 0
    annotations_updated: int = 0
    progress: int = 0
    progress_updated: int = 0
    events: int = 0
    relations: int = 0
    relations_updated: int = 0
    doc_labels: int = 0
    doc_labels_updated: int = 0
    suggestions: int = 0
    decisions: int = 0
    """Annotators' decisions on suggestions added or replaced by a newer one."""
    relations_deleted: int = 0
    """Live relations (merged in or here) deleted because a span they join is deleted."""
    relations_without_spans: int = 0
    """Relations of the other database not carried: a span they join is in neither."""
    skipped: int = 0
    """Rows of the other database that point to a document it does not have."""


class MergeStage:
    """The staging tables of one merge on `conn`: `stage(other)`, then `apply()`."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        conn.execute("PRAGMA temp_store = FILE")  # another database may not fit in memory
        conn.execute("PRAGMA temp.cache_size = -65536")
        conn.execute("PRAGMA temp.journal_mode = MEMORY")
        self.drop()
        for statement in _TABLES_SQL.split(";"):
            conn.execute(statement)
        self.counts = MergeCounts()
        self._known_upto = 0

    def drop(self) -> None:
        for name in _NAMES:
            self.conn.execute(f"DROP TABLE IF EXISTS temp.{name}")

    def _copy(self, other: sqlite3.Connection, table: str) -> None:
        """Copy the other's `table` into its staging table, a batch per transaction."""
        if table in OPTIONAL_TABLES and not _columns(other, table):
            return
        staging, order = _STAGING[table]
        columns = _ALL_TABLES[table]
        insert = (f"INSERT INTO temp.{staging} ({', '.join(columns)})"
                  f" VALUES ({', '.join('?' * len(columns))})")
        rows = _other_rows(other, table, order)
        while batch := list(islice(rows, BATCH)):
            with staging_batch(self.conn):
                self.conn.executemany(insert, batch)

    # --- staging: reads this database, writes none of it ------------------------------

    def stage(self, other: sqlite3.Connection) -> None:
        """Copy what the other database holds and match it against this one."""
        conn = self.conn
        for table in _STAGING:
            self._copy(other, table)
        with staging_batch(self.conn):
            # Rows pointing to a document the other database does not have are skipped.
            for name in ("merge_annotations", "merge_progress", "merge_events",
                         "merge_relations", "merge_doc_labels", "merge_suggestions"):
                before = conn.total_changes
                conn.execute(f"DELETE FROM temp.{name} WHERE document_id IS NULL OR document_id"
                             " NOT IN (SELECT id FROM temp.merge_documents)")
                self.counts.skipped += conn.total_changes - before
            conn.execute(_RESOLVE_DOCUMENTS)
            # The text of a document this database has is not needed.
            conn.execute("UPDATE temp.merge_documents SET text = NULL WHERE ours IS NOT NULL")
            # Annotations this database has in the same or a newer state change nothing.
            conn.execute(
                "DELETE FROM temp.merge_annotations AS m WHERE EXISTS (SELECT 1"
                " FROM main.annotations a WHERE a.uid = m.uid"
                " AND a.updated_at >= m.updated_at)")
            conn.execute(
                "DELETE FROM temp.merge_relations AS m WHERE EXISTS (SELECT 1"
                " FROM main.relations r WHERE r.uid = m.uid AND r.updated_at >= m.updated_at)")
            conn.execute(
                "DELETE FROM temp.merge_doc_labels AS m WHERE EXISTS (SELECT 1"
                " FROM main.doc_labels l JOIN temp.merge_documents d ON d.ours = l.document_id"
                " WHERE d.id = m.document_id AND l.annotator = m.annotator"
                " AND l.label = m.label AND l.updated_at >= m.updated_at)")
            conn.execute(f"UPDATE temp.merge_events SET key_uid = {_KEY_UID}")
            conn.execute(f"CREATE INDEX temp.merge_events_key ON merge_events {_EVENT_KEY}")
            conn.execute(
                "UPDATE temp.merge_events SET first = (SELECT MIN(f.seq)"
                " FROM temp.merge_events f WHERE f.document_id = merge_events.document_id"
                " AND f.annotator IS merge_events.annotator AND f.kind IS merge_events.kind"
                " AND f.key_uid IS merge_events.key_uid"
                " AND f.at IS merge_events.at)")
            conn.execute(
                "UPDATE temp.merge_events SET ref_seq = (SELECT r.seq FROM temp.merge_events r"
                " WHERE r.id = merge_events.ref AND r.seq < merge_events.seq)"
                " WHERE ref IS NOT NULL")
            (self._known_upto,) = conn.execute(
                "SELECT COALESCE(MAX(id), 0) FROM main.events").fetchone()
            conn.execute(_KNOWN_EVENTS)
            conn.execute(f"CREATE INDEX temp.merge_known_key ON merge_known {_EVENT_KEY}")
            conn.execute(_RESOLVE_EVENTS)

    # --- applying ----------------------------------------------------------------------

    def apply(self) -> MergeCounts:
        """Write what is left in one transaction."""
        with transaction(self.conn):
            self._write()
        return self.counts

    def _write_relations(self) -> None:
        """Relations and document labels, after the annotations their ends are."""
        conn, counts = self.conn, self.counts
        stamp = now_iso()
        before = conn.total_changes
        conn.execute(_DROP_RELATIONS_WITHOUT_ENDS)
        counts.relations_without_spans = conn.total_changes - before
        (last,) = conn.execute("SELECT COALESCE(MAX(id), 0) FROM main.relations").fetchone()
        before = conn.total_changes
        conn.execute(_UPSERT_RELATIONS)
        changed = conn.total_changes - before
        (counts.relations,) = conn.execute(
            "SELECT count(*) FROM main.relations WHERE id > ?", (last,)).fetchone()
        counts.relations_updated = changed - counts.relations
        before = conn.total_changes
        conn.execute(_DELETE_RELATIONS_OF_DELETED_SPANS, {"stamp": stamp})
        counts.relations_deleted = conn.total_changes - before

        (last,) = conn.execute("SELECT COALESCE(MAX(id), 0) FROM main.doc_labels").fetchone()
        before = conn.total_changes
        conn.execute(_UPSERT_DOC_LABELS)
        changed = conn.total_changes - before
        (counts.doc_labels,) = conn.execute(
            "SELECT count(*) FROM main.doc_labels WHERE id > ?", (last,)).fetchone()
        counts.doc_labels_updated = changed - counts.doc_labels

    def _write_suggestions(self) -> None:
        """Suggestions, and the decisions on them (after the annotations accepted ones
        made)."""
        conn, counts = self.conn, self.counts
        before = conn.total_changes
        conn.execute(_INSERT_SUGGESTIONS, {"stamp": now_iso()})
        counts.suggestions = conn.total_changes - before
        conn.execute(_RESOLVE_SUGGESTIONS)
        before = conn.total_changes
        conn.execute(_UPSERT_DECISIONS)
        counts.decisions = conn.total_changes - before

    def _write(self) -> None:
        conn, counts = self.conn, self.counts
        # Documents another writer added since staging are matched, the rest added.
        conn.execute(_RESOLVE_DOCUMENTS)
        before = conn.total_changes
        conn.execute(_INSERT_DOCUMENTS, {"stamp": now_iso()})
        counts.documents = conn.total_changes - before
        conn.execute(_RESOLVE_DOCUMENTS)

        (last,) = conn.execute("SELECT COALESCE(MAX(id), 0) FROM main.annotations").fetchone()
        before = conn.total_changes
        conn.execute(_UPSERT_ANNOTATIONS)
        changed = conn.total_changes - before
        (counts.annotations,) = conn.execute(
            "SELECT count(*) FROM main.annotations WHERE id > ?", (last,)).fetchone()
        counts.annotations_updated = changed - counts.annotations
        self._write_relations()
        self._write_suggestions()

        (rows,) = conn.execute("SELECT count(*) FROM main.progress").fetchone()
        before = conn.total_changes
        conn.execute(_UPSERT_PROGRESS)
        changed = conn.total_changes - before
        (after,) = conn.execute("SELECT count(*) FROM main.progress").fetchone()
        counts.progress = after - rows
        counts.progress_updated = changed - counts.progress

        # Events another writer recorded since staging count as known too.
        conn.execute(_KNOWN_EVENTS_SINCE, {"after": self._known_upto})
        conn.execute(_RESOLVE_EVENTS)
        (last,) = conn.execute("SELECT COALESCE(MAX(id), 0) FROM main.events").fetchone()
        before = conn.total_changes
        conn.execute(_INSERT_EVENTS)
        counts.events = conn.total_changes - before
        if counts.events:
            conn.execute("INSERT INTO temp.merge_new_events (seq, id)"
                         " SELECT -ref, id FROM main.events WHERE id > ?", (last,))
            conn.execute("UPDATE temp.merge_events SET ours = (SELECT n.id"
                         " FROM temp.merge_new_events n WHERE n.seq = merge_events.seq)"
                         " WHERE ours IS NULL AND first = seq")
            conn.execute("UPDATE temp.merge_events SET ours = (SELECT f.ours"
                         " FROM temp.merge_events f WHERE f.seq = merge_events.first)"
                         " WHERE ours IS NULL")
            conn.execute(_SET_REFS, {"after": last})
