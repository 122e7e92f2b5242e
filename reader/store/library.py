"""The library's rows and the corpus statistics, counted by SQL (not Python loops over
annotations), so ten thousand documents list at once."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any, NamedTuple

from reader.store.export_rows import Selection, status_sql


class LibraryRow(NamedTuple):  # a tuple: ten thousand of them are made in a blink
    id: int
    title: str
    source: str
    status: str
    spans: int
    opened_at: str


def library_rows(conn: sqlite3.Connection, annotator: str,
                 document_ids: list[int] | None = None) -> list[LibraryRow]:
    """One row per document, with this annotator's status and live span count; in the order
    of `document_ids` when given (the corpus order), else by id. The status is the export's
    rule for this annotator alone (`reader export --annotator`), so a document with spans
    imported for them is in progress in both, not new in one."""
    params: dict[str, Any] = {"me": annotator}
    status = status_sql(Selection(annotators=(annotator,)), params, table="d")
    rows = conn.execute(
        f"""
        SELECT d.id, d.title, d.source, {status}, COALESCE(a.n, 0),
               COALESCE(p.opened_at, '')
        FROM documents d
        LEFT JOIN progress p ON p.document_id = d.id AND p.annotator = :me
        LEFT JOIN (SELECT document_id, COUNT(*) AS n FROM annotations
                   WHERE deleted_at IS NULL AND annotator = :me GROUP BY document_id) a
               ON a.document_id = d.id
        ORDER BY d.id
        """,
        params,
    ).fetchall()
    by_id = {row[0]: LibraryRow._make(row) for row in rows}
    if document_ids is None:
        return list(by_id.values())
    return [by_id[doc_id] for doc_id in document_ids if doc_id in by_id]


@dataclass(frozen=True)
class CorpusStats:
    total: int
    statuses: dict[str, int]
    labels: dict[str, int]  # this annotator's live spans per label
    annotators: dict[str, int]  # everyone's live spans per annotator


def corpus_stats(conn: sqlite3.Connection, annotator: str,
                 document_ids: list[int]) -> CorpusStats:
    wanted = set(document_ids)
    statuses = {"new": 0, "in_progress": 0, "done": 0}
    for row in library_rows(conn, annotator, document_ids):
        statuses[row.status] = statuses.get(row.status, 0) + 1
    labels: dict[str, int] = {}
    annotators: dict[str, int] = {}
    for doc_id, who, label, count in conn.execute(
        "SELECT document_id, annotator, label, COUNT(*) FROM annotations"
        " WHERE deleted_at IS NULL GROUP BY document_id, annotator, label"
    ):
        if doc_id not in wanted:
            continue
        annotators[who] = annotators.get(who, 0) + count
        if who == annotator:
            labels[label] = labels.get(label, 0) + count
    return CorpusStats(len(document_ids), statuses, labels, annotators)
