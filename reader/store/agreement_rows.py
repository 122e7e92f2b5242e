"""What agreement reads from the store: who annotated which document, the documents' texts
and each annotator's spans, relations and document labels, grouped by SQLite so Python sees
one row per document and annotator, not one per span."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence

from reader.store.sql import as_json, in_values


def annotated_documents(conn: sqlite3.Connection) -> dict[int, set[str]]:
    """Document id -> the annotators who annotated it (a live span, a live document label,
    or marked done).

    GROUP BY walks the (document_id, annotator, start) index: one row per document and
    annotator comes back, not one per span."""
    documents: dict[int, set[str]] = {}
    for document_id, annotator in conn.execute(
        "SELECT document_id, annotator FROM annotations WHERE deleted_at IS NULL"
        " GROUP BY document_id, annotator"
        " UNION SELECT document_id, annotator FROM doc_labels WHERE deleted_at IS NULL"
        " UNION SELECT document_id, annotator FROM progress WHERE status = 'done'"
    ):
        documents.setdefault(document_id, set()).add(annotator)
    return documents


def documents_by_id(conn: sqlite3.Connection, ids: list[int]) -> Iterator[tuple[int, str, str]]:
    """(id, title, text) of the documents `ids`, in id order."""
    return conn.execute(
        f"SELECT id, title, text FROM documents WHERE {in_values('id')} ORDER BY id",
        (as_json(ids),),
    )


def span_groups(
    conn: sqlite3.Connection,
    annotators: Sequence[str],
    labels: Sequence[str] | None,
    low: int,
    high: int,
) -> Iterator[tuple[int, str, str]]:
    """(document id, annotator, JSON [[start, end, label], ...]) by document: SQLite builds
    the JSON and json.loads parses it, both in C, faster than a million Python rows."""
    where = f"document_id BETWEEN ? AND ? AND deleted_at IS NULL AND {in_values('annotator')}"
    params: list[object] = [low, high, as_json(annotators)]
    if labels:
        where += f" AND {in_values('label')}"
        params.append(as_json(labels))
    return conn.execute(
        "SELECT document_id, annotator, json_group_array(json_array(start, end, label))"
        f" FROM annotations WHERE {where}"
        " GROUP BY document_id, annotator ORDER BY document_id, annotator",
        params,
    )


def relation_groups(
    conn: sqlite3.Connection,
    annotators: Sequence[str],
    labels: Sequence[str] | None,
    low: int,
    high: int,
) -> Iterator[tuple[int, str, str]]:
    """(document id, annotator, JSON [[head start, head end, head label, child start,
    child end, child label, relation label], ...]) by document, for live relations whose
    two ends are live spans (with `labels`, spans of those labels: a relation to a span
    the label filter leaves out goes with it)."""
    where = (
        "r.document_id BETWEEN ? AND ? AND r.deleted_at IS NULL"
        f" AND {in_values('r.annotator')}"
        " AND h.deleted_at IS NULL AND h.document_id = r.document_id"
        " AND c.deleted_at IS NULL AND c.document_id = r.document_id"
    )
    params: list[object] = [low, high, as_json(annotators)]
    if labels:
        where += f" AND {in_values('h.label')} AND {in_values('c.label')}"
        params.extend((as_json(labels), as_json(labels)))
    return conn.execute(
        "SELECT r.document_id, r.annotator, json_group_array(json_array(h.start, h.end,"
        " h.label, c.start, c.end, c.label, r.label))"
        " FROM relations r JOIN annotations h ON h.uid = r.head_uid"
        " JOIN annotations c ON c.uid = r.child_uid"
        f" WHERE {where}"
        " GROUP BY r.document_id, r.annotator ORDER BY r.document_id, r.annotator",
        params,
    )


def doc_label_groups(
    conn: sqlite3.Connection, annotators: Sequence[str], low: int, high: int
) -> Iterator[tuple[int, str, str]]:
    """(document id, annotator, JSON [label, ...]) by document: the live document labels."""
    return conn.execute(
        "SELECT document_id, annotator, json_group_array(label) FROM doc_labels"
        " WHERE document_id BETWEEN ? AND ? AND deleted_at IS NULL"
        f" AND {in_values('annotator')}"
        " GROUP BY document_id, annotator ORDER BY document_id, annotator",
        (low, high, as_json(annotators)),
    )


def database_path(conn: sqlite3.Connection) -> str:
    """The file `conn` is open on, for worker processes to open their own connections."""
    path: str = conn.execute("PRAGMA database_list").fetchone()[2]
    return path
