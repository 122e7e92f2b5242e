"""An import staged beside the database, then applied in one short write transaction.

Parsing, checking and deduplicating a large dataset takes minutes; holding SQLite's single
write lock all that time made every other writer (the TUI saving a tag, a second import)
fail after its busy timeout. So the import first writes its documents and spans into
tables of this connection's TEMP database (a private file SQLite deletes itself, even
after kill -9), which takes no lock on the main database at all; then one transaction
copies them in with a few INSERT ... SELECT statements that run entirely inside SQLite.
Until that transaction commits, the database has nothing of the import: all or nothing.

The rules are those of the store: the same text is the same document, new text at a known
source is that source's next version; a span already live (same document, annotator,
offsets and label) or whose id is taken is not added again. A relation is staged with its
two spans' annotator, offsets and labels, and joins the live spans that match them once
those are written (the file's span or the one already there), unless that very relation
is live already or its id is taken; a document label already live is not added again (a
deleted one comes back, like a span without an id)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from reader.store.database import transaction
from reader.store.sql import as_json, in_values, staging_batch

_TABLES = """
CREATE TEMP TABLE import_documents (
    seq INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    meta TEXT NOT NULL,
    id INTEGER,                       -- the document's id in the database, once known
    known INTEGER NOT NULL DEFAULT 0  -- it was there before this import
);
CREATE TEMP TABLE import_spans (
    seq INTEGER PRIMARY KEY,
    doc INTEGER NOT NULL,             -- import_documents.seq
    uid TEXT NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    label TEXT NOT NULL,
    text TEXT NOT NULL,
    note TEXT NOT NULL,
    annotator TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    given TEXT,                       -- FILE:LINE when the file gave the span its id
    meta TEXT NOT NULL,               -- JSON object (provenance)
    UNIQUE (doc, annotator, start, end, label)
);
CREATE TEMP TABLE import_progress (
    doc INTEGER NOT NULL,
    annotator TEXT NOT NULL,
    status TEXT NOT NULL
);
CREATE TEMP TABLE import_events (     -- the uids each import event will list
    doc INTEGER NOT NULL,
    annotator TEXT NOT NULL,
    uids TEXT NOT NULL                -- JSON array
);
CREATE TEMP TABLE import_relations (
    seq INTEGER PRIMARY KEY,
    doc INTEGER NOT NULL,             -- import_documents.seq
    uid TEXT NOT NULL,
    annotator TEXT NOT NULL,          -- the relation's, and both its spans'
    label TEXT NOT NULL,
    head_start INTEGER NOT NULL,
    head_end INTEGER NOT NULL,
    head_label TEXT NOT NULL,
    child_start INTEGER NOT NULL,
    child_end INTEGER NOT NULL,
    child_label TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    given TEXT,                       -- FILE:LINE when the file gave the relation its id
    place TEXT NOT NULL,              -- FILE:LINE of its record
    head_uid TEXT,                    -- the spans it joins, found under the write lock
    child_uid TEXT,
    UNIQUE (doc, annotator, label, head_start, head_end, head_label, child_start, child_end,
            child_label)
);
CREATE TEMP TABLE import_doc_labels (
    doc INTEGER NOT NULL,
    annotator TEXT NOT NULL,
    label TEXT NOT NULL,
    new INTEGER NOT NULL DEFAULT 0,   -- not live in the database: written by this import
    UNIQUE (doc, annotator, label)
);
"""
_NAMES = ("import_documents", "import_spans", "import_progress", "import_events",
          "import_relations", "import_doc_labels")

_LIVE_SAME = (
    "SELECT 1 FROM main.annotations a WHERE a.document_id = d.id AND a.annotator = s.annotator"
    " AND a.start = s.start AND a.end = s.end AND a.label = s.label AND a.deleted_at IS NULL"
)
_RESOLVE_DOCUMENTS = (
    "UPDATE temp.import_documents SET id = (SELECT d.id FROM main.documents d"
    " WHERE d.sha256 = import_documents.sha256) WHERE id IS NULL"
)
_INSERT_DOCUMENTS = (
    "INSERT INTO main.documents (sha256, source, version, title, text, meta, created_at,"
    " updated_at)"
    " SELECT s.sha256, s.source, ROW_NUMBER() OVER (PARTITION BY s.source ORDER BY s.seq)"
    "  + (SELECT COALESCE(MAX(d.version), 0) FROM main.documents d WHERE d.source = s.source),"
    "  s.title, s.text, s.meta, :stamp, :stamp"
    " FROM temp.import_documents s WHERE s.id IS NULL ORDER BY s.seq"
)
_INSERT_SPANS = (
    "INSERT INTO main.annotations (uid, document_id, start, end, label, text, note, annotator,"
    " created_at, updated_at, meta)"
    " SELECT s.uid, d.id, s.start, s.end, s.label, s.text, s.note, s.annotator, s.created_at,"
    "  s.updated_at, s.meta"
    " FROM temp.import_spans s JOIN temp.import_documents d ON d.seq = s.doc"
    f" WHERE d.known = 0 OR NOT EXISTS ({_LIVE_SAME}) ORDER BY s.seq"
    " ON CONFLICT (uid) DO NOTHING"
)
# One `import` event per document and annotator, listing the spans it brought in: the audit
# trail says what came in, when and for whom, at a thousandth of the cost of an event per span.
# Imports are not on anyone's undo stack: `u` undoes what the annotator did in the reader.
# Built before the lock from the stage, and used when every staged span went in (the usual
# case): the lists of a million uids are then not built while other writers wait.
_PREPARE_EVENTS = (
    "INSERT INTO temp.import_events (doc, annotator, uids)"
    " SELECT doc, annotator, json_group_array(uid)"
    " FROM (SELECT doc, annotator, uid FROM temp.import_spans ORDER BY seq)"
    " GROUP BY doc, annotator"
)
_INSERT_PREPARED_EVENTS = (
    "INSERT INTO main.events (document_id, annotator, kind, annotation_uid, ref, before, after,"
    " at)"
    " SELECT d.id, e.annotator, 'import', NULL, NULL, NULL,"
    " json_object('source', :source, 'uids', json(e.uids)), :stamp"
    " FROM temp.import_events e JOIN temp.import_documents d ON d.seq = e.doc"
    " WHERE true ORDER BY d.id, e.annotator"
)
_INSERT_EVENTS = (
    "INSERT INTO main.events (document_id, annotator, kind, annotation_uid, ref, before, after,"
    " at)"
    " SELECT document_id, annotator, 'import', NULL, NULL, NULL,"
    " json_object('source', :source, 'uids', json_group_array(uid)), :stamp"
    " FROM (SELECT document_id, annotator, uid FROM main.annotations WHERE id > :last"
    " ORDER BY id)"
    " GROUP BY document_id, annotator"
)
# A staged relation's ends: the live span of its document with the annotator, offsets and
# label the file gave (the file's own span, or the same span already there before).
_END = (
    "(SELECT a.uid FROM main.annotations a WHERE a.document_id = d.id"
    " AND a.annotator = r.annotator AND a.start = r.{end}_start AND a.end = r.{end}_end"
    " AND a.label = r.{end}_label AND a.deleted_at IS NULL ORDER BY a.id LIMIT 1)"
)
_RESOLVE_RELATIONS = (
    "UPDATE temp.import_relations AS r SET head_uid = h, child_uid = c"
    f" FROM (SELECT r.seq AS seq, {_END.format(end='head')} AS h,"
    f" {_END.format(end='child')} AS c"
    " FROM temp.import_relations r JOIN temp.import_documents d ON d.seq = r.doc) found"
    " WHERE found.seq = r.seq"
)
_INSERT_RELATIONS = (
    "INSERT INTO main.relations (uid, document_id, head_uid, child_uid, label, annotator,"
    " created_at, updated_at)"
    " SELECT r.uid, d.id, r.head_uid, r.child_uid, r.label, r.annotator, r.created_at,"
    "  r.updated_at"
    " FROM temp.import_relations r JOIN temp.import_documents d ON d.seq = r.doc"
    " WHERE r.head_uid IS NOT NULL AND r.child_uid IS NOT NULL AND r.head_uid <> r.child_uid"
    " AND NOT EXISTS (SELECT 1 FROM main.relations x WHERE x.head_uid = r.head_uid"
    "  AND x.child_uid = r.child_uid AND x.label = r.label AND x.annotator = r.annotator"
    "  AND x.deleted_at IS NULL)"
    " ORDER BY r.seq ON CONFLICT (uid) DO NOTHING"
)
# Relations whose spans are not live after the import (a span id taken by another span,
# or a span deleted in the database that the import does not bring back).
_UNJOINED_RELATIONS = (
    "SELECT place, label, head_uid IS NULL FROM temp.import_relations"
    " WHERE head_uid IS NULL OR child_uid IS NULL ORDER BY seq"
)
_TAKEN_RELATION_IDS = (
    "SELECT r.given, r.uid FROM temp.import_relations r"
    " JOIN temp.import_documents d ON d.seq = r.doc"
    " JOIN main.relations x ON x.uid = r.uid"
    " WHERE r.given IS NOT NULL AND r.head_uid IS NOT NULL AND r.child_uid IS NOT NULL"
    "  AND (x.document_id, x.head_uid, x.child_uid, x.label)"
    "   <> (d.id, r.head_uid, r.child_uid, r.label)"
    " ORDER BY r.seq"
)
_MARK_NEW_DOC_LABELS = (
    "UPDATE temp.import_doc_labels AS l SET new = NOT EXISTS (SELECT 1 FROM main.doc_labels x"
    " WHERE x.document_id = d.id AND x.annotator = l.annotator AND x.label = l.label"
    " AND x.deleted_at IS NULL)"
    " FROM temp.import_documents d WHERE d.seq = l.doc"
)
_UPSERT_DOC_LABELS = (
    "INSERT INTO main.doc_labels (document_id, annotator, label, created_at, updated_at)"
    " SELECT d.id, l.annotator, l.label, :stamp, :stamp"
    " FROM temp.import_doc_labels l JOIN temp.import_documents d ON d.seq = l.doc"
    " WHERE l.new ORDER BY l.rowid"
    " ON CONFLICT (document_id, annotator, label) DO UPDATE SET deleted_at = NULL,"
    " updated_at = excluded.updated_at"
)
# What else an import brought per document and annotator, added to its `import` event (or
# in a new one, when it brought no span there): relation uids, and document labels.
_NEW_RELATIONS = (
    "SELECT document_id, annotator, json_group_array(uid) AS items"
    " FROM (SELECT document_id, annotator, uid FROM main.relations WHERE id > :last_relation"
    " ORDER BY id) GROUP BY document_id, annotator"
)
_NEW_DOC_LABELS = (
    "SELECT d.id AS document_id, l.annotator AS annotator, json_group_array(l.label) AS items"
    " FROM (SELECT * FROM temp.import_doc_labels WHERE new ORDER BY rowid) l"
    " JOIN temp.import_documents d ON d.seq = l.doc GROUP BY d.id, l.annotator"
)
_ADD_TO_EVENTS = (
    "UPDATE main.events SET after = json_set(after, '$.{key}', json(x.items))"
    " FROM ({items}) x WHERE events.id > :last_event AND events.kind = 'import'"
    " AND events.document_id = x.document_id AND events.annotator = x.annotator"
)
_NEW_EVENTS = (
    "INSERT INTO main.events (document_id, annotator, kind, annotation_uid, ref, before, after,"
    " at)"
    " SELECT x.document_id, x.annotator, 'import', NULL, NULL, NULL,"
    " json_object('source', :source, 'uids', json('[]'), '{key}', json(x.items)), :stamp"
    " FROM ({items}) x WHERE NOT EXISTS (SELECT 1 FROM main.events e WHERE e.id > :last_event"
    " AND e.kind = 'import' AND e.document_id = x.document_id"
    " AND e.annotator = x.annotator)"
    " ORDER BY x.document_id, x.annotator"
)
# A record's status becomes its annotators' progress, only ever moving forward:
# new -> in_progress -> done.
_UPSERT_PROGRESS = (
    "INSERT INTO main.progress (document_id, annotator, status, updated_at)"
    " SELECT d.id, p.annotator, p.status, :stamp"
    " FROM temp.import_progress p JOIN temp.import_documents d ON d.seq = p.doc"
    " WHERE true ORDER BY p.rowid"
    " ON CONFLICT (document_id, annotator) DO UPDATE SET status = excluded.status,"
    " updated_at = excluded.updated_at WHERE progress.status = 'new'"
    " OR (progress.status = 'in_progress' AND excluded.status = 'done')"
)
# Spans that came with an id another span in the database holds (from before, or earlier in
# this import): the one in the database was kept.
_TAKEN_IDS = (
    "SELECT s.given, s.uid FROM temp.import_spans s"
    " JOIN temp.import_documents d ON d.seq = s.doc"
    " JOIN main.annotations a ON a.uid = s.uid"
    " WHERE s.given IS NOT NULL"
    "  AND (a.document_id, a.start, a.end, a.label) <> (d.id, s.start, s.end, s.label)"
    " ORDER BY s.seq"
)


@dataclass(frozen=True, slots=True)
class Applied:
    """What the final transaction added."""

    documents: int
    spans: int
    relations: int = 0
    doc_labels: int = 0


class ImportStage:
    """The staging tables of one import on `conn`; `apply()` writes them to the database."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        if not conn.in_transaction:  # SQLite refuses to switch it inside one (corpus open
            # stages inside its own transaction; the default is a file there too)
            conn.execute("PRAGMA temp_store = FILE")  # a dataset may not fit in memory
        conn.execute("PRAGMA temp.cache_size = -65536")
        conn.execute("PRAGMA temp.journal_mode = MEMORY")
        self.drop()
        for statement in _TABLES.split(";"):
            if statement.strip():
                conn.execute(statement)
        self.given_ids = 0

    def drop(self) -> None:
        for name in _NAMES:
            self.conn.execute(f"DROP TABLE IF EXISTS temp.{name}")

    # --- staging: no lock on the database --------------------------------------------

    def document_seqs(self, hashes: Iterable[str]) -> dict[str, int]:
        """Staged documents with these text hashes: sha256 -> their staging number."""
        return dict(self.conn.execute(
            f"SELECT sha256, seq FROM temp.import_documents WHERE {in_values('sha256')}",
            (as_json(hashes),),
        ).fetchall())

    def add_documents(self, rows: list[tuple[str, str, str, str, str]]) -> None:
        """(sha256, source, title, text, meta JSON) of documents not staged yet."""
        with staging_batch(self.conn):
            self.conn.executemany(
                "INSERT INTO temp.import_documents (sha256, source, title, text, meta)"
                " VALUES (?, ?, ?, ?, ?)", rows)

    def add_spans(self, rows: list[tuple[Any, ...]]) -> int:
        """(staging document number, uid, start, end, label, text, note, annotator,
        created_at, updated_at, FILE:LINE if the file gave the id, meta JSON); returns how
        many were new to this import (a repeat of a staged span is skipped)."""
        before = self.conn.total_changes
        with staging_batch(self.conn):
            self.conn.executemany(
                "INSERT INTO temp.import_spans (doc, uid, start, end, label, text, note,"
                " annotator, created_at, updated_at, given, meta)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", rows)
        self.given_ids += sum(1 for row in rows if row[10] is not None)
        return self.conn.total_changes - before

    def add_progress(self, rows: list[tuple[int, str, str]]) -> None:
        """(staging document number, annotator, status) to carry into progress."""
        with staging_batch(self.conn):
            self.conn.executemany(
                "INSERT INTO temp.import_progress (doc, annotator, status) VALUES (?, ?, ?)",
                rows)

    def add_relations(self, rows: list[tuple[Any, ...]]) -> int:
        """(staging document number, uid, annotator, label, head start, end and label,
        child start, end and label, created_at, updated_at, FILE:LINE if the file gave the
        id, FILE:LINE of the record); returns how many were new to this import."""
        before = self.conn.total_changes
        with staging_batch(self.conn):
            self.conn.executemany(
                "INSERT INTO temp.import_relations (doc, uid, annotator, label, head_start,"
                " head_end, head_label, child_start, child_end, child_label, created_at,"
                " updated_at, given, place)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                rows)
        return self.conn.total_changes - before

    def add_doc_labels(self, rows: list[tuple[int, str, str]]) -> int:
        """(staging document number, annotator, label); returns how many were new to this
        import."""
        before = self.conn.total_changes
        with staging_batch(self.conn):
            self.conn.executemany(
                "INSERT INTO temp.import_doc_labels (doc, annotator, label) VALUES (?, ?, ?)"
                " ON CONFLICT DO NOTHING", rows)
        return self.conn.total_changes - before

    # --- applying ----------------------------------------------------------------------

    def apply(self, source: str, stamp: str, events: bool) -> Applied:
        """Write what is staged in one transaction (or inside the caller's, if one is open).

        Before it, without the lock: documents already in the database are found (they
        are never deleted) and spans already live in them dropped from the stage. Under
        the lock only what is new is written, checked again against what other writers
        added meanwhile."""
        conn = self.conn
        conn.execute(_RESOLVE_DOCUMENTS)
        conn.execute("UPDATE temp.import_documents SET known = 1 WHERE id IS NOT NULL")
        conn.execute(  # the spans of known documents only, found by the (doc, ...) index
            "DELETE FROM temp.import_spans AS s"
            " WHERE s.doc IN (SELECT seq FROM temp.import_documents WHERE known = 1)"
            " AND EXISTS (SELECT 1 FROM temp.import_documents d WHERE d.seq = s.doc"
            f" AND EXISTS ({_LIVE_SAME}))")
        staged = 0
        if events:
            (staged,) = conn.execute("SELECT count(*) FROM temp.import_spans").fetchone()
            with staging_batch(self.conn):
                conn.execute(_PREPARE_EVENTS)
        if conn.in_transaction:
            return self._write(source, stamp, events, staged)
        with transaction(conn):
            return self._write(source, stamp, events, staged)

    def _write(self, source: str, stamp: str, events: bool, staged: int) -> Applied:
        conn = self.conn
        conn.execute(_RESOLVE_DOCUMENTS)
        conn.execute("UPDATE temp.import_documents SET known = 1"
                     " WHERE id IS NOT NULL AND known = 0")
        before = conn.total_changes
        conn.execute(_INSERT_DOCUMENTS, {"stamp": stamp})
        documents = conn.total_changes - before
        conn.execute(_RESOLVE_DOCUMENTS)
        (last,) = conn.execute("SELECT COALESCE(MAX(id), 0) FROM main.annotations").fetchone()
        before = conn.total_changes
        conn.execute(_INSERT_SPANS)
        spans = conn.total_changes - before
        (last_event,) = conn.execute("SELECT COALESCE(MAX(id), 0) FROM main.events").fetchone()
        if events and spans:
            conn.execute(_INSERT_PREPARED_EVENTS if spans == staged else _INSERT_EVENTS,
                         {"source": source, "stamp": stamp, "last": last})
        (last_relation,) = conn.execute(
            "SELECT COALESCE(MAX(id), 0) FROM main.relations").fetchone()
        relations, doc_labels = self._write_relations_and_labels(stamp)
        if events and (relations or doc_labels):
            params = {"source": source, "stamp": stamp, "last_event": last_event,
                      "last_relation": last_relation}
            for key, items, count in (("relations", _NEW_RELATIONS, relations),
                                      ("doc_labels", _NEW_DOC_LABELS, doc_labels)):
                if count:
                    conn.execute(_ADD_TO_EVENTS.format(key=key, items=items), params)
                    conn.execute(_NEW_EVENTS.format(key=key, items=items), params)
        conn.execute(_UPSERT_PROGRESS, {"stamp": stamp})
        return Applied(documents, spans, relations, doc_labels)

    def _write_relations_and_labels(self, stamp: str) -> tuple[int, int]:
        """Relations joined to the spans now live, and document labels: how many of each
        were added. Nothing is run for an import that has neither."""
        conn = self.conn
        relations = doc_labels = 0
        if conn.execute("SELECT 1 FROM temp.import_relations LIMIT 1").fetchone():
            conn.execute(_RESOLVE_RELATIONS)
            before = conn.total_changes
            conn.execute(_INSERT_RELATIONS)
            relations = conn.total_changes - before
        if conn.execute("SELECT 1 FROM temp.import_doc_labels LIMIT 1").fetchone():
            conn.execute(_MARK_NEW_DOC_LABELS)
            before = conn.total_changes
            conn.execute(_UPSERT_DOC_LABELS, {"stamp": stamp})
            doc_labels = conn.total_changes - before
        return relations, doc_labels

    def unjoined_relations(self) -> list[tuple[str, str, str]]:
        """(FILE:LINE, label, "head" or "child") of staged relations whose span is not live
        after the import; read after applying, outside the transaction."""
        return [(place, label, "head" if head else "child")
                for place, label, head in self.conn.execute(_UNJOINED_RELATIONS)]

    def taken_relation_ids(self) -> list[tuple[str, str]]:
        """(FILE:LINE, id) of staged relations whose id another relation holds."""
        return [(where, uid) for where, uid in self.conn.execute(_TAKEN_RELATION_IDS)]

    def taken_ids(self) -> list[tuple[str, str]]:
        """(FILE:LINE, id) of staged spans whose id another span holds; read after
        applying, outside the transaction."""
        if not self.given_ids:
            return []
        return [(where, uid) for where, uid in self.conn.execute(_TAKEN_IDS)]
