"""Suggestions in the database: a layer apart from annotations (issue 11).

A suggestion is one row per (document, offsets, label, source) ever, so adding the same
ones again adds nothing; each annotator's decision on it is a row of its own
(`suggestion_decisions`). What one annotator sees pending is what they have neither
rejected nor accepted (an accepted one whose span was undone or deleted is pending again),
and not already annotated by them with the same offsets and label.

Accepting and rejecting are edits, with events and undo: `AnnotationStore` does them,
calling the helpers here inside its transactions. Bulk adds (`reader suggest`, imported
predictions) stage their rows in a TEMP table without the write lock and copy them in one
short transaction, as imports do, so an interrupted run leaves nothing half-written."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

from reader.store.database import now_iso, transaction
from reader.store.sql import staging_batch
from reader.suggest.record import Suggestion

_COLUMNS = "document_id, start, end, label, source, score, meta"
_EFFECTIVE = (
    # A decision that still holds: a rejection, or an acceptance whose span is live.
    "(d.state = 'rejected' OR EXISTS (SELECT 1 FROM annotations a"
    " WHERE a.uid = d.annotation_uid AND a.deleted_at IS NULL))"
)


def _suggestion(row: tuple[Any, ...]) -> Suggestion:
    document_id, start, end, label, source, score, meta = row
    if meta and meta != "{}":
        import json  # most suggestions have no meta: `reader open` need not import it

        loaded = json.loads(meta)
    else:
        loaded = None
    return Suggestion(document_id, start, end, label, source, score, loaded)


def _meta_json(suggestion: Suggestion) -> str:
    import json

    return json.dumps(suggestion.meta or {}, ensure_ascii=False)


def pending_suggestions(conn: sqlite3.Connection, document_id: int,
                        annotator: str) -> list[Suggestion]:
    """The document's suggestions `annotator` has not decided on and has not annotated
    (same offsets and label), in text order."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM suggestions s WHERE s.document_id = :doc"
        " AND NOT EXISTS (SELECT 1 FROM suggestion_decisions d WHERE d.suggestion_id = s.id"
        f" AND d.annotator = :who AND {_EFFECTIVE})"
        " AND NOT EXISTS (SELECT 1 FROM annotations a WHERE a.document_id = s.document_id"
        " AND a.annotator = :who AND a.start = s.start AND a.end = s.end"
        " AND a.label = s.label AND a.deleted_at IS NULL)"
        " ORDER BY s.start, s.end, s.label, s.source",
        {"doc": document_id, "who": annotator})
    return [_suggestion(row) for row in rows]


def rejected_keys(conn: sqlite3.Connection, document_id: int,
                  annotator: str) -> set[tuple[int, int, str, str]]:
    """(start, end, label, source) of what `annotator` rejected here: live sources must
    not suggest it again."""
    return set(conn.execute(
        "SELECT s.start, s.end, s.label, s.source FROM suggestions s"
        " JOIN suggestion_decisions d ON d.suggestion_id = s.id"
        " WHERE s.document_id = ? AND d.annotator = ? AND d.state = 'rejected'",
        (document_id, annotator)).fetchall())


def ensure_suggestion(conn: sqlite3.Connection, suggestion: Suggestion, text: str,
                      stamp: str) -> int:
    """The id of `suggestion`'s row, added first if it is new (one a live source found).
    Call inside a transaction."""
    conn.execute(
        "INSERT INTO suggestions (document_id, start, end, label, source, text, score, meta,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (suggestion.doc, suggestion.start, suggestion.end, suggestion.label,
         suggestion.source, text, suggestion.score, _meta_json(suggestion), stamp))
    (found,) = conn.execute(
        "SELECT id FROM suggestions WHERE document_id = ? AND start = ? AND end = ?"
        " AND label = ? AND source = ?", (suggestion.doc, *suggestion.key)).fetchone()
    return int(found)


def find_suggestion(conn: sqlite3.Connection, document_id: int,
                    key: tuple[int, int, str, str]) -> int | None:
    row = conn.execute(
        "SELECT id FROM suggestions WHERE document_id = ? AND start = ? AND end = ?"
        " AND label = ? AND source = ?", (document_id, *key)).fetchone()
    return int(row[0]) if row else None


def decision(conn: sqlite3.Connection, suggestion_id: int, annotator: str) -> str | None:
    """'accepted' or 'rejected' if `annotator`'s decision still holds (see the module
    docstring), else None."""
    row = conn.execute(
        "SELECT d.state FROM suggestion_decisions d WHERE d.suggestion_id = ?"
        f" AND d.annotator = ? AND {_EFFECTIVE}", (suggestion_id, annotator)).fetchone()
    return str(row[0]) if row else None


def set_decision(conn: sqlite3.Connection, suggestion_id: int, annotator: str, state: str,
                 annotation_uid: str | None) -> None:
    conn.execute(
        "INSERT INTO suggestion_decisions (suggestion_id, annotator, state, annotation_uid,"
        " decided_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (suggestion_id, annotator) DO UPDATE"
        " SET state = excluded.state, annotation_uid = excluded.annotation_uid,"
        " decided_at = excluded.decided_at",
        (suggestion_id, annotator, state, annotation_uid, now_iso()))


def clear_decision(conn: sqlite3.Connection, suggestion_id: int, annotator: str) -> None:
    conn.execute("DELETE FROM suggestion_decisions WHERE suggestion_id = ? AND annotator = ?",
                 (suggestion_id, annotator))


def span_label_counts(conn: sqlite3.Connection,
                      annotators: list[str] | None = None) -> list[tuple[str, str, int]]:
    """(span text, label, live spans) over the corpus: what the learned source learns."""
    sql = "SELECT text, label, count(*) FROM annotations WHERE deleted_at IS NULL"
    params: list[Any] = []
    if annotators:
        sql += f" AND annotator IN ({', '.join('?' * len(annotators))})"
        params.extend(annotators)
    return conn.execute(sql + " GROUP BY text, label", params).fetchall()


def suggestion_counts(conn: sqlite3.Connection) -> dict[str, dict[str, int]]:
    """Per source: suggestions in all, and decisions that still hold, accepted and
    rejected (over annotators), and suggestions nobody has decided on yet nor annotated."""
    counts: dict[str, dict[str, int]] = {}
    for source, total in conn.execute(
            "SELECT source, count(*) FROM suggestions GROUP BY source ORDER BY source"):
        counts[source] = {"total": total, "accepted": 0, "rejected": 0, "pending": 0}
    for source, state, count in conn.execute(
            "SELECT s.source, d.state, count(*) FROM suggestions s"
            " JOIN suggestion_decisions d ON d.suggestion_id = s.id"
            f" WHERE {_EFFECTIVE} GROUP BY s.source, d.state"):
        counts[source][state] = count
    for source, count in conn.execute(
            "SELECT s.source, count(*) FROM suggestions s WHERE NOT EXISTS (SELECT 1"
            f" FROM suggestion_decisions d WHERE d.suggestion_id = s.id AND {_EFFECTIVE})"
            " AND NOT EXISTS (SELECT 1 FROM annotations a WHERE a.document_id = s.document_id"
            " AND a.start = s.start AND a.end = s.end AND a.label = s.label"
            " AND a.deleted_at IS NULL) GROUP BY s.source"):
        counts[source]["pending"] = count
    return counts


def _document_filter(ids: list[int] | None, status: str | None,
                     *more: str) -> tuple[str, dict[str, Any]]:
    """FROM and WHERE of the documents chosen by id and by export status (any when None),
    and by the `more` conditions."""
    from reader.store.export_rows import Selection, status_sql

    params: dict[str, Any] = {}
    where: list[str] = []
    table = "documents"
    if status is not None:
        table = f"(SELECT id, text, {status_sql(Selection(), params)} AS status FROM documents)"
        where.append("status = :status")
        params["status"] = status
    if ids:
        where.append(f"id IN ({', '.join(f':id{n}' for n in range(len(ids)))})")
        params.update({f"id{n}": value for n, value in enumerate(ids)})
    where.extend(more)
    return table + (" WHERE " + " AND ".join(where) if where else ""), params


def documents_for_suggesting(conn: sqlite3.Connection, ids: list[int] | None = None,
                             status: str | None = None,
                             page: int = 200) -> Iterator[tuple[int, str]]:
    """(id, text) of the documents to suggest for (all, or those with these ids and this
    export status), in id order, read a page at a time: no statement stays open between
    pages, so the caller may write (stage) on the same connection meanwhile."""
    chosen, params = _document_filter(ids, status, "id > :last")
    last = 0
    while True:
        rows = conn.execute(f"SELECT id, text FROM {chosen} ORDER BY id LIMIT :page",
                            {**params, "last": last, "page": page}).fetchall()
        yield from rows
        if len(rows) < page:
            return
        last = rows[-1][0]


def count_documents_for_suggesting(conn: sqlite3.Connection, ids: list[int] | None = None,
                                   status: str | None = None) -> int:
    chosen, params = _document_filter(ids, status)
    (count,) = conn.execute(f"SELECT count(*) FROM {chosen}", params).fetchone()
    return int(count)


_STAGE_SQL = """
CREATE TEMP TABLE IF NOT EXISTS suggest_stage (
    document_id INTEGER, start INTEGER, end INTEGER, label TEXT, source TEXT, text TEXT,
    score REAL, meta TEXT,
    doc_sha256 TEXT                   -- imported predictions: the document, by its hash
)
"""
_APPLY = (
    "INSERT INTO main.suggestions (document_id, start, end, label, source, text, score, meta,"
    " created_at)"
    " SELECT s.document_id, s.start, s.end, s.label, s.source, s.text, s.score, s.meta, :stamp"
    " FROM temp.suggest_stage s WHERE s.document_id IS NOT NULL"
    " AND NOT EXISTS (SELECT 1 FROM main.annotations a WHERE a.document_id = s.document_id"
    " AND a.start = s.start AND a.end = s.end AND a.label = s.label AND a.deleted_at IS NULL)"
    " ORDER BY s.rowid ON CONFLICT DO NOTHING"
)


class SuggestionStage:
    """Suggestions gathered for many documents, written in one transaction by `apply`
    (nothing before it): a TEMP table holds them meanwhile, outside the write lock.
    Suggestions exactly like a live annotation (offsets and label) are not added: the
    span is annotated already."""

    BATCH = 20_000  # rows held in memory before they go to the TEMP table

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        conn.execute("DROP TABLE IF EXISTS temp.suggest_stage")
        conn.execute(_STAGE_SQL)
        self.staged = 0
        self._rows: list[tuple[Any, ...]] = []

    def add(self, text: str, suggestions: Iterable[Suggestion], sha256: str | None = None
            ) -> None:
        """Stage suggestions of one document (`text` is its text); `sha256` instead of a
        document id names a document that `apply` finds by its hash."""
        self._rows.extend((None if sha256 else s.doc, s.start, s.end, s.label, s.source,
                           text[s.start:s.end], s.score, _meta_json(s), sha256)
                          for s in suggestions)
        if len(self._rows) >= self.BATCH:
            self._flush()

    def _flush(self) -> None:
        rows, self._rows = self._rows, []
        if not rows:
            return
        with staging_batch(self.conn):
            self.conn.executemany(
                "INSERT INTO temp.suggest_stage (document_id, start, end, label, source, text,"
                " score, meta, doc_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        self.staged += len(rows)

    def apply(self) -> int:
        """Write the staged suggestions not in the database yet; how many that was. In one
        transaction, or inside the caller's if one is open."""
        self._flush()
        if self.conn.in_transaction:
            return self._apply()
        with transaction(self.conn):
            return self._apply()

    def _apply(self) -> int:
        conn = self.conn
        conn.execute(
            "UPDATE temp.suggest_stage SET document_id = (SELECT d.id FROM main.documents d"
            " WHERE d.sha256 = suggest_stage.doc_sha256) WHERE doc_sha256 IS NOT NULL")
        before = conn.total_changes
        conn.execute(_APPLY, {"stamp": now_iso()})
        return conn.total_changes - before

    def drop(self) -> None:
        self.conn.execute("DROP TABLE IF EXISTS temp.suggest_stage")
