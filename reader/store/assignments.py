"""Who annotates which document (`reader assign`): the rows, each annotator's queue and how
far each has got with it. Rows are only ever added: a plan, once made, stays."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any, NamedTuple

from reader.store.export_rows import Selection, public_id_sql, status_sql
from reader.store.sql import as_json, in_values


class PlannedDocument(NamedTuple):
    id: int
    sha256: str
    public_id: str | int  # as every export names it
    title: str


def assignments_by_hash(conn: sqlite3.Connection) -> dict[str, list[str]]:
    """Every assignment made: text hash -> annotators, in the order they were assigned."""
    found: dict[str, list[str]] = {}
    for sha256, annotator in conn.execute(
            "SELECT d.sha256, a.annotator FROM assignments a"
            " JOIN documents d ON d.id = a.document_id ORDER BY a.rowid"):
        found.setdefault(sha256, []).append(annotator)
    return found


def documents_to_plan(conn: sqlite3.Connection, ids: list[int] | None = None,
                      status: str | None = None) -> list[PlannedDocument]:
    """The documents a plan covers: all, or those with these ids, and with this export
    status over every annotator (any when None), in id order."""
    params: dict[str, Any] = {}
    where: list[str] = []
    if ids is not None:
        where.append(in_values("id").replace("?", ":ids"))
        params["ids"] = as_json(ids)
    if status is not None:
        where.append(f"{status_sql(Selection(), params)} = :status")
        params["status"] = status
    rows = conn.execute(
        f"SELECT id, sha256, {public_id_sql('documents')}, title FROM documents"
        f"{' WHERE ' + ' AND '.join(where) if where else ''} ORDER BY id", params)
    return [PlannedDocument._make(row) for row in rows]


def add_assignments(conn: sqlite3.Connection, rows: Iterable[tuple[int, str]],
                    stamp: str) -> int:
    """Add (document id, annotator) rows inside the caller's transaction; a row already
    there stays as it was. Returns how many were added."""
    before = conn.total_changes
    conn.executemany(
        "INSERT INTO assignments (document_id, annotator, assigned_at) VALUES (?, ?, ?)"
        " ON CONFLICT DO NOTHING", ((document, annotator, stamp) for document, annotator in rows))
    return conn.total_changes - before


def queue(conn: sqlite3.Connection, annotator: str) -> list[int]:
    """The documents assigned to `annotator`: those not done first, then the done ones,
    each in the order the documents were added."""
    return [number for (number,) in conn.execute(
        "SELECT a.document_id FROM assignments a LEFT JOIN progress p"
        " ON p.document_id = a.document_id AND p.annotator = a.annotator"
        " WHERE a.annotator = ? ORDER BY COALESCE(p.status, 'new') = 'done', a.document_id",
        (annotator,))]


def assignment_progress(conn: sqlite3.Connection) -> dict[str, dict[str, int]]:
    """Per annotator with assignments: how many documents they hold, have marked done and
    have in progress (the library's status for them: opened, or with a live span or
    document label of theirs), by name."""
    status = status_sql(Selection(), {}, table="a", who="a.annotator")
    counts: dict[str, dict[str, int]] = {}
    for annotator, assigned, done, started in conn.execute(
            f"SELECT annotator, count(*), sum(status = 'done'), sum(status = 'in_progress')"
            f" FROM (SELECT a.annotator, {status} AS status FROM"
            "  (SELECT document_id AS id, annotator FROM assignments) a)"
            " GROUP BY annotator ORDER BY annotator"):
        counts[annotator] = {"assigned": assigned, "done": done, "in_progress": started}
    return counts
