"""A SQLite dataset for Datasette, sqlite-utils and pandas: the export as clean, denormalised
tables, built with sqlite-utils (imported only by this export, never at start-up).

`documents` (public id, text, source, sha256, status, meta as JSON, span and relation
counts, full-text search on the text), `spans` (each with its document, offsets, label,
text, annotator, note, times and meta as JSON: its provenance), `relations` and `doc_labels`
when the export holds any (each relation with its two spans' labels and texts beside their
ids), `annotators` (what each wrote) and `reader_export` (one row: what wrote the file,
when, and with which selection). Foreign keys join them, so `datasette dataset.db` shows
links and a search box with no setup. The file is built in the temporary folder and then
copied into the export's safe output, so a failure half way leaves no dataset behind; an
existing -o file is replaced only if it is such a dataset (or empty), unless --force."""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import quote

from reader import __version__
from reader.errors import ReaderError
from reader.formats.records import ExportOptions, ExportRow
from reader.formats.registry import BinaryExport, Format
from reader.formats.summary import Summary

if TYPE_CHECKING:
    from sqlite_utils import Database

MARKER_TABLE = "reader_export"
SQLITE_MAGIC = b"SQLite format 3\x00"
BATCH = 500  # documents held before their rows are inserted, table by table

DOCUMENTS = {"id": str, "text": str, "source": str, "sha256": str, "status": str,
             "meta": str, "spans": int, "relations": int}
SPANS = {"id": str, "document_id": str, "start": int, "end": int, "label": str, "text": str,
         "annotator": str, "note": str, "created_at": str, "updated_at": str, "meta": str}
RELATIONS = {"id": str, "document_id": str, "label": str, "head_id": str, "head_label": str,
             "head_text": str, "child_id": str, "child_label": str, "child_text": str,
             "annotator": str, "created_at": str, "updated_at": str}
DOC_LABELS = {"document_id": str, "label": str, "annotator": str}
ANNOTATORS = {"name": str, "documents": int, "spans": int, "relations": int,
              "doc_labels": int}


class _Tables:
    """Rows waiting to be inserted, and what each annotator wrote."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = {
            "documents": [], "spans": [], "relations": [], "doc_labels": []}
        self.work: dict[str, Counter[str]] = {"spans": Counter(), "relations": Counter(),
                                              "doc_labels": Counter()}
        self.documents: dict[str, set[str]] = {}  # annotator -> documents they worked on

    def add(self, row: ExportRow) -> None:
        document = str(row.id)
        self.rows["documents"].append({
            "id": document, "text": row.text, "source": row.source, "sha256": row.sha256,
            "status": row.status, "meta": row.meta_json, "spans": row.span_count,
            "relations": row.relation_count})
        spans = row.spans()
        for span in spans:
            self.rows["spans"].append({"document_id": document, **{
                key: span[key] for key in SPANS if key not in ("document_id", "meta")},
                "meta": json.dumps(span.get("meta", {}), ensure_ascii=False)})
            self._worked(span["annotator"], "spans", document)
        by_id = {span["id"]: span for span in spans}
        for relation in row.relations() if row.relation_count else ():
            head, child = by_id[relation["head"]], by_id[relation["child"]]
            self.rows["relations"].append({
                "id": relation["id"], "document_id": document, "label": relation["label"],
                "head_id": head["id"], "head_label": head["label"], "head_text": head["text"],
                "child_id": child["id"], "child_label": child["label"],
                "child_text": child["text"], "annotator": relation["annotator"],
                "created_at": relation["created_at"], "updated_at": relation["updated_at"]})
            self._worked(relation["annotator"], "relations", document)
        for label, annotators in row.cats_by().items():
            for annotator in annotators:
                self.rows["doc_labels"].append(
                    {"document_id": document, "label": label, "annotator": annotator})
                self._worked(annotator, "doc_labels", document)

    def _worked(self, annotator: str, kind: str, document: str) -> None:
        self.work[kind][annotator] += 1
        self.documents.setdefault(annotator, set()).add(document)

    def annotators(self) -> list[dict[str, Any]]:
        return [{"name": name, "documents": len(documents),
                 **{kind: self.work[kind][name] for kind in self.work}}
                for name, documents in sorted(self.documents.items())]


def _create(db: Database, relations: bool, doc_labels: bool) -> None:
    """The tables, typed and joined by foreign keys before any row (an export of nothing
    still has them); relations and doc_labels only when the export holds any."""
    db.table("annotators").create(ANNOTATORS, pk="name")
    db.table("documents").create(DOCUMENTS, pk="id", not_null={"text", "sha256"})
    db.table("spans").create(SPANS, pk="id", foreign_keys=[
        ("document_id", "documents", "id"), ("annotator", "annotators", "name")])
    if relations:
        db.table("relations").create(RELATIONS, pk="id", foreign_keys=[
            ("document_id", "documents", "id"), ("head_id", "spans", "id"),
            ("child_id", "spans", "id"), ("annotator", "annotators", "name")])
    if doc_labels:
        db.table("doc_labels").create(DOC_LABELS, pk=("document_id", "label", "annotator"),
                                foreign_keys=[("document_id", "documents", "id"),
                                              ("annotator", "annotators", "name")])


def _flush(db: Database, tables: _Tables) -> None:
    for name, rows in tables.rows.items():
        if rows:
            db.table(name).insert_all(rows, batch_size=BATCH)
            rows.clear()


def build(rows: Iterable[ExportRow], path: Path, summary: Summary,
          options: ExportOptions) -> None:
    """The dataset at `path` (a new file)."""
    import sqlite_utils

    db = sqlite_utils.Database(path)
    tables = _Tables()
    created = False
    try:
        for row in rows:
            if not created:
                _create(db, row.facts.relations, bool(row.facts.doc_labels))
                created = True
            tables.add(row)
            summary.wrote(row.span_count, row.relation_count, row.doc_label_count)
            if len(tables.rows["documents"]) >= BATCH:
                _flush(db, tables)
        if not created:
            _create(db, False, False)
        _flush(db, tables)
        db.table("annotators").insert_all(tables.annotators())
    except sqlite3.IntegrityError as error:  # two documents with one id (see public_id_sql)
        raise ReaderError(f"the SQLite dataset cannot hold this export: {error}") from None
    db.table("spans").create_index(["document_id"])
    db.table("spans").create_index(["label"])
    db.table("documents").enable_fts(["text"], create_triggers=True)
    db.table(MARKER_TABLE).insert({
        "written_by": f"reader {__version__}",
        "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "documents": summary.documents, "spans": summary.spans})
    db.close()


def export(rows: Iterable[ExportRow], out: IO[bytes], summary: Summary,
           options: ExportOptions) -> None:
    with tempfile.TemporaryDirectory(prefix="reader-sqlite-") as folder:
        path = Path(folder) / "dataset.db"
        build(rows, path, summary, options)
        with path.open("rb") as built:
            shutil.copyfileobj(built, out)


def previous_export_problem(path: Path) -> str | None:
    """Why `path` must not be replaced by a dataset (None: it may): only an empty file or a
    SQLite dataset reader wrote (it has the reader_export table) is replaced."""
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as error:
        return f"it cannot be read: {error.strerror}"
    if not head:
        return None
    if head != SQLITE_MAGIC:
        return "it is not a SQLite database"
    import sqlite_utils

    try:  # read-only and immutable: looking changes nothing, not even a -shm file
        conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro&immutable=1",
                               uri=True)
        try:
            names = sqlite_utils.Database(conn).table_names()
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        return f"it cannot be read as SQLite: {error}"
    if MARKER_TABLE not in names:
        return f"it is a SQLite database without a {MARKER_TABLE} table"
    return None


FORMAT = Format(
    name="sqlite",
    description="SQLite dataset: documents (full-text searchable), spans, relations,"
                " annotators, for Datasette, sqlite-utils and pandas",
    suffix=".db",
    exporter=BinaryExport(export, previous_export_problem),
)
