"""What the library and the statistics screen show of relations and document labels: one
annotator's, over a corpus, counted by SQL in one query each (no loop over documents)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


def doc_labels_by_document(conn: sqlite3.Connection, annotator: str) -> dict[int, list[str]]:
    """The labels `annotator` gave each document (only documents that have one), in the
    order they were given."""
    found: dict[int, list[str]] = {}
    for document_id, label in conn.execute(
            "SELECT document_id, label FROM doc_labels WHERE annotator = ?"
            " AND deleted_at IS NULL ORDER BY document_id, created_at, id", (annotator,)):
        found.setdefault(document_id, []).append(label)
    return found


@dataclass(frozen=True)
class RelationStats:
    relations: dict[str, int]  # this annotator's live relations per label
    doc_labels: dict[str, int]  # documents this annotator gave each label
    labelled: int  # documents with at least one label from this annotator


def relation_stats(conn: sqlite3.Connection, annotator: str,
                   document_ids: list[int]) -> RelationStats:
    """`annotator`'s relations and document labels over the documents `document_ids`."""
    wanted = set(document_ids)
    relations: dict[str, int] = {}
    for document_id, label, count in conn.execute(
            "SELECT document_id, label, COUNT(*) FROM relations WHERE annotator = ?"
            " AND deleted_at IS NULL GROUP BY document_id, label", (annotator,)):
        if document_id in wanted:
            relations[label] = relations.get(label, 0) + count
    doc_labels: dict[str, int] = {}
    labelled: set[int] = set()
    for document_id, label in conn.execute(
            "SELECT document_id, label FROM doc_labels WHERE annotator = ?"
            " AND deleted_at IS NULL", (annotator,)):
        if document_id in wanted:
            doc_labels[label] = doc_labels.get(label, 0) + 1
            labelled.add(document_id)
    return RelationStats(relations, doc_labels, len(labelled))
