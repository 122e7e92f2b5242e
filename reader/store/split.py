"""One annotator's share of the database, copied into a database of its own (`reader assign
--split`): their assigned documents with their own assignments, progress, spans, history,
relations and document labels, and the suggestions made for those documents; nothing of
another annotator's. `reader merge` brings the work back."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from reader.store.database import connect

_MINE = "annotator = :who AND document_id IN (SELECT document_id FROM temp.split_documents)"
# Table, columns, which rows. Columns are named: a later schema's extra ones take their
# defaults. Suggestions learned from the team's spans would show others' work: left out.
_COPIES: tuple[tuple[str, str, str], ...] = (
    ("documents", "id, sha256, source, version, title, meta, created_at, updated_at, text",
     "id IN (SELECT document_id FROM temp.split_documents)"),
    ("assignments", "document_id, annotator, assigned_at", _MINE),
    ("progress", "document_id, annotator, status, cursor, top, opened_at, updated_at", _MINE),
    ("annotations", "id, uid, document_id, start, end, label, text, note, annotator,"
     " created_at, updated_at, deleted_at, meta", _MINE),
    ("events", "id, document_id, annotator, kind, annotation_uid, ref, before, after, at",
     _MINE),
    ("relations", "id, uid, document_id, head_uid, child_uid, label, annotator, created_at,"
     " updated_at, deleted_at", _MINE),
    ("doc_labels", "id, document_id, annotator, label, created_at, updated_at, deleted_at",
     _MINE),
    ("suggestions", "id, document_id, start, end, label, source, text, score, meta,"
     " created_at", "source != 'learned' AND document_id IN"
     " (SELECT document_id FROM temp.split_documents)"),
    ("suggestion_decisions", "suggestion_id, annotator, state, annotation_uid, decided_at",
     "annotator = :who AND suggestion_id IN (SELECT id FROM split.suggestions)"),
)


def write_split(conn: sqlite3.Connection, target: Path, annotator: str) -> int:
    """Create the database `target` (a new file) holding `annotator`'s share of `conn`'s
    database; returns how many documents it holds. `conn` must be outside a transaction."""
    connect(target).close()  # the schema, as any reader database has it
    conn.execute("ATTACH DATABASE ? AS split", (str(target),))
    try:
        conn.execute("BEGIN")
        try:
            conn.execute("CREATE TEMP TABLE split_documents (document_id INTEGER PRIMARY KEY)")
            conn.execute("INSERT INTO temp.split_documents SELECT document_id FROM"
                         " main.assignments WHERE annotator = ?", (annotator,))
            for table, columns, where in _COPIES:
                conn.execute(f"INSERT INTO split.{table} ({columns}) SELECT {columns}"
                             f" FROM main.{table} WHERE {where}", {"who": annotator})
            (count,) = conn.execute("SELECT count(*) FROM temp.split_documents").fetchone()
            conn.execute("DROP TABLE temp.split_documents")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    finally:
        conn.execute("DETACH DATABASE split")
    return int(count)
