"""Counts for `reader stats`: documents, live spans, relations and document labels, grouped
by SQL."""

from __future__ import annotations

import sqlite3
from typing import Any

from reader.store.assignments import assignment_progress
from reader.store.suggestions import suggestion_counts


def database_counts(conn: sqlite3.Connection) -> dict[str, Any]:
    """Documents (total, with live spans, marked done by anyone), live spans per label and
    per annotator, live relations and document labels per label, most frequent first;
    suggestions per source; per annotator with assignments, how far they got."""

    def counts(column: str, table: str = "annotations") -> dict[str, int]:
        return dict(conn.execute(
            f"SELECT {column}, count(*) AS n FROM {table} WHERE deleted_at IS NULL"
            f" GROUP BY {column} ORDER BY n DESC, {column}"
        ).fetchall())

    total, annotated, done, spans, relations, doc_labels, labelled = conn.execute(
        "SELECT (SELECT count(*) FROM documents),"
        " (SELECT count(DISTINCT document_id) FROM annotations WHERE deleted_at IS NULL),"
        " (SELECT count(DISTINCT document_id) FROM progress WHERE status = 'done'),"
        " (SELECT count(*) FROM annotations WHERE deleted_at IS NULL),"
        " (SELECT count(*) FROM relations WHERE deleted_at IS NULL),"
        " (SELECT count(*) FROM doc_labels WHERE deleted_at IS NULL),"
        " (SELECT count(DISTINCT document_id) FROM doc_labels WHERE deleted_at IS NULL)"
    ).fetchone()
    return {
        "documents": {"total": total, "annotated": annotated, "done": done},
        "spans": {"total": spans, "by_label": counts("label"),
                  "by_annotator": counts("annotator")},
        "relations": {"total": relations, "by_label": counts("label", "relations")},
        # one per document and annotator that gave it the label
        "doc_labels": {"total": doc_labels, "documents": labelled,
                       "by_label": counts("label", "doc_labels")},
        "suggestions": suggestion_counts(conn),
        "assignments": assignment_progress(conn),
    }
