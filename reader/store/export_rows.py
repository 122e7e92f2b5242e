"""Documents and their live spans read out of the store in one streaming query, for export.

SQLite builds each document's span JSON (and the JSON line head for the default format),
so Python only checks the offsets and writes; memory stays flat in the corpus size."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from reader.errors import ReaderError
from reader.store.documents import STATUSES
from reader.store.sql import as_json, in_values

__all__ = ["ID_LENGTH", "STATUSES", "ExportRow", "Selection", "begin_snapshot", "count_documents",
           "document_id", "iter_export_rows"]

ID_LENGTH = 16
_SEP = "\x1e"  # never raw inside SQLite's JSON text, which escapes control characters

_SPAN_JSON = (
    "json_object('id', a.uid, 'start', a.start, 'end', a.end, 'label', a.label, 'text', a.text,"
    " 'annotator', a.annotator, 'note', a.note, 'created_at', a.created_at,"
    " 'updated_at', a.updated_at)"
)


def document_id(sha256: str) -> str:
    """A document's exported id: the start of its text hash, so the same text has the same id
    in every database and an import -> export round trip keeps it."""
    return sha256[:ID_LENGTH]


@dataclass(frozen=True)
class Selection:
    """What to export: spans with these labels by these annotators (all when empty), in
    documents whose export status is `status` (any when None)."""

    labels: tuple[str, ...] = ()
    annotators: tuple[str, ...] = ()
    status: str | None = None


@dataclass
class ExportRow:
    """One document ready to write; `spans_json` is the JSON array of its selected spans."""

    db_id: int
    id: str
    text: str
    source: str
    sha256: str
    meta_json: str
    status: str
    spans_json: str
    span_count: int
    json_head: str = ""
    _spans: list[dict[str, Any]] | None = field(default=None, repr=False)

    def spans(self) -> list[dict[str, Any]]:
        """The spans as dicts, in text order (start, end, label, annotator, id)."""
        if self._spans is None:
            self._spans = json.loads(self.spans_json)
        return self._spans

    def meta(self) -> dict[str, Any]:
        meta: dict[str, Any] = json.loads(self.meta_json)
        return meta

    def record(self) -> dict[str, Any]:
        """The document as reader's JSONL record."""
        return {"id": self.id, "text": self.text, "source": self.source, "sha256": self.sha256,
                "meta": self.meta(), "status": self.status, "spans": self.spans()}


def _in_list(column: str, values: tuple[str, ...], name: str, params: dict[str, Any]) -> str:
    if not values:
        return ""
    params[name] = as_json(values)
    return " AND " + in_values(column).replace("?", f":{name}")


def status_sql(selection: Selection, params: dict[str, Any], table: str = "documents") -> str:
    """The export status of a document, over the selected annotators (all when none):
    'done' if any of them marked it done; 'in_progress' if any opened it, set it in progress
    or has a live annotation in it; else 'new'."""
    who_p = _in_list("p.annotator", selection.annotators, "sa", params)
    who_a = _in_list("x.annotator", selection.annotators, "sa", params)
    return (
        "CASE"
        f" WHEN EXISTS (SELECT 1 FROM progress p WHERE p.document_id = {table}.id"
        f" AND p.status = 'done'{who_p}) THEN 'done'"
        f" WHEN EXISTS (SELECT 1 FROM progress p WHERE p.document_id = {table}.id"
        f" AND (p.status = 'in_progress' OR p.opened_at IS NOT NULL){who_p})"
        f" OR EXISTS (SELECT 1 FROM annotations x WHERE x.document_id = {table}.id"
        f" AND x.deleted_at IS NULL{who_a}) THEN 'in_progress'"
        " ELSE 'new' END"
    )


def _documents_sql(selection: Selection, params: dict[str, Any]) -> str:
    where = ""
    if selection.status is not None:
        params["status"] = selection.status
        where = " WHERE d.status = :status"
    return (f"(SELECT id, text, source, sha256, meta, {status_sql(selection, params)} AS status"
            f" FROM documents) d{where}")


def begin_snapshot(conn: sqlite3.Connection) -> None:
    """One read transaction, so the count and the rows an export writes agree even while
    others write (WAL readers see a fixed snapshot); closing the connection ends it."""
    conn.execute("BEGIN")


def count_documents(conn: sqlite3.Connection, selection: Selection) -> int:
    """How many documents the export will write (for the progress bar)."""
    params: dict[str, Any] = {}
    if selection.status is None:
        count: int = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        return count
    count = conn.execute(f"SELECT count(*) FROM {_documents_sql(selection, params)}",
                         params).fetchone()[0]
    return count


def _query(selection: Selection, json_head: bool) -> tuple[str, dict[str, Any]]:
    params: dict[str, Any] = {}
    span_filter = (_in_list("a.label", selection.labels, "l", params)
                   + _in_list("a.annotator", selection.annotators, "sa", params))
    # The packed column: span JSON array, offsets "s,e,...", count of spans whose stored text
    # has the wrong length, then all span texts joined (last: it may contain anything).
    packed = (
        "(SELECT '[' || group_concat(j, ',') || ']' || char(30) || group_concat(o, ',')"
        " || char(30) || sum(length(t) != e - s) || char(30) || group_concat(t, '')"
        f" FROM (SELECT {_SPAN_JSON} AS j, a.start || ',' || a.end AS o, a.text AS t,"
        " a.start AS s, a.end AS e"
        " FROM annotations a WHERE a.document_id = d.id AND a.deleted_at IS NULL"
        f"{span_filter} ORDER BY a.start, a.end, a.label, a.annotator, a.uid))"
    )
    head = (
        "'{\"id\":' || json_quote(substr(d.sha256, 1, " + str(ID_LENGTH) + "))"
        " || ',\"text\":' || json_quote(d.text) || ',\"source\":' || json_quote(d.source)"
        " || ',\"sha256\":' || json_quote(d.sha256) || ',\"meta\":' || json(d.meta)"
        " || ',\"status\":' || json_quote(d.status) || ',\"spans\":'"
        if json_head else "''"
    )
    documents = _documents_sql(selection, params)
    sql = (f"SELECT d.id, d.text, d.source, d.sha256, json(d.meta), d.status, {packed}, {head}"
           f" FROM {documents} ORDER BY d.id")
    return sql, params


def iter_export_rows(conn: sqlite3.Connection, selection: Selection,
                     json_head: bool = False) -> Iterator[ExportRow]:
    """Stream the selected documents in id order, checking every span's offsets.

    A span whose stored text is not `text[start:end]` stops the export with an error
    naming it: a dataset with a drifted span must never be written silently."""
    sql, params = _query(selection, json_head)
    for db_id, text, source, sha256, meta_json, status, packed, head in conn.execute(sql, params):
        if packed is None:
            spans_json, count = "[]", 0
        else:
            spans_json, offsets, bad_lengths, joined = packed.split(_SEP, 3)
            numbers = list(map(int, offsets.split(",")))
            pairs = iter(numbers)
            if bad_lengths != "0" or "".join(
                [text[start:end] for start, end in zip(pairs, pairs, strict=True)]
            ) != joined:
                _raise_mismatch(document_id(sha256), text, json.loads(spans_json))
            count = len(numbers) // 2
        yield ExportRow(db_id, document_id(sha256), text, source, sha256, meta_json, status,
                        spans_json, count, head)


def _raise_mismatch(doc_id: str, text: str, spans: list[dict[str, Any]]) -> None:
    for span in spans:
        actual = text[span["start"]:span["end"]]
        if actual != span["text"]:
            raise ReaderError(
                f"document {doc_id}: span {span['id']} [{span['start']}:{span['end']}] has text"
                f" {span['text']!r} but the document has {actual!r} there; the database is"
                " inconsistent; export stopped"
            )
    raise ReaderError(f"document {doc_id}: span offsets do not match the text")
