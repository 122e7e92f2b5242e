"""Counts for `reader stats`: documents and live spans, grouped by SQL."""

from __future__ import annotations

import sqlite3
from typing import Any


def database_counts(conn: sqlite3.Connection) -> dict[str, Any]:
    """Documents (total, with live spans, marked done by anyone) and live spans per label
    and per annotator, most frequent first."""

    def counts(column: str) -> dict[str, int]:
        return dict(conn.execute(
            f"SELECT {column}, count(*) AS n FROM annotations WHERE deleted_at IS NULL"
            f" GROUP BY {column} ORDER BY n DESC, {column}"
        ).fetchall())

    total, annotated, done, spans = conn.execute(
        "SELECT (SELECT count(*) FROM documents),"
        " (SELECT count(DISTINCT document_id) FROM annotations WHERE deleted_at IS NULL),"
        " (SELECT count(DISTINCT document_id) FROM progress WHERE status = 'done'),"
        " (SELECT count(*) FROM annotations WHERE deleted_at IS NULL)"
    ).fetchone()
    return {
        "documents": {"total": total, "annotated": annotated, "done": done},
        "spans": {"total": spans, "by_label": counts("label"),
                  "by_annotator": counts("annotator")},
    }
