"""Write checked documents and spans to the store in batches, inside the caller's
transaction: documents deduplicated by text hash, spans by id or by what they say.

Batching (executemany, one lookup query per batch) is what makes an import fast; the
rules are those of `reader.store.documents.add_document` and the annotation store: the
same text is the same document, new text at a known source is that source's next version.
Each document's new spans are recorded as one `import` event per annotator (which spans,
from where, when), so the history stays auditable."""

from __future__ import annotations

import json
import secrets
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from reader.formats.incoming import IncomingDocument
from reader.text.loading import guess_title

BATCH_DOCUMENTS = 1000
BATCH_SPANS = 50_000
CHUNK = 900  # bound parameters per IN (...) lookup

_INSERT_DOCUMENT = (
    "INSERT INTO documents (sha256, source, version, title, text, meta, created_at, updated_at)"
    " VALUES (?, ?, (SELECT COALESCE(MAX(version), 0) + 1 FROM documents WHERE source = ?),"
    " ?, ?, ?, ?, ?)"
)
_INSERT_SPAN = (
    "INSERT INTO annotations (uid, document_id, start, end, label, text, note, annotator,"
    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (uid) DO NOTHING"
)
# One `import` event per document and annotator, listing the spans it brought in: the audit
# trail says what came in, when and for whom, at a thousandth of the cost of an event per span.
# Imports are not on anyone's undo stack: `u` undoes what the annotator did in the reader.
_INSERT_EVENTS = (
    "INSERT INTO events (document_id, annotator, kind, annotation_uid, ref, before, after, at)"
    " SELECT document_id, annotator, 'import', NULL, NULL, NULL,"
    " json_object('source', ?, 'uids', json_group_array(uid)), ?"
    " FROM (SELECT document_id, annotator, uid FROM annotations WHERE id > ? ORDER BY id)"
    " GROUP BY document_id, annotator"
)
_UPSERT_PROGRESS = (
    "INSERT INTO progress (document_id, annotator, status, updated_at) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (document_id, annotator) DO UPDATE SET status = excluded.status,"
    " updated_at = excluded.updated_at WHERE progress.status = 'new'"
    " OR (progress.status = 'in_progress' AND excluded.status = 'done')"
)


@dataclass
class ImportCounts:
    documents_new: int = 0
    documents_known: int = 0
    spans_new: int = 0
    spans_known: int = 0
    warnings: list[str] = field(default_factory=list)


def _chunks(values: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start:start + CHUNK]


class Importer:
    """Collects checked documents and writes them a batch at a time. Use it as a context
    manager inside the caller's transaction: leaving it writes the last batch.

    (Writing on a second thread while the next batch is parsed was tried: sqlite3 releases
    the GIL while SQLite works, but on a busy two-core machine the handoffs made the import
    slower, so batches are written in line.)"""

    def __init__(self, conn: sqlite3.Connection, stamp: str, annotator: str,
                 events: bool = True, source: str = "") -> None:
        self.conn = conn
        self.source = source  # what the import events say the spans came from
        self.stamp = stamp
        self.annotator = annotator
        self.events = events
        self.counts = ImportCounts()
        # Ids for spans that arrive without one: 32 hex digits like reader's own uuid4 ids
        # and as unique across databases (import time in ms + 48 random bits + a counter),
        # but increasing within an import, so the uid index is appended to instead of
        # written at random, which halves the insert time of a million spans.
        self._uid_prefix = f"{int(time.time() * 1000):012x}{secrets.randbits(48):012x}"
        self._uid_count = 0
        self._pending: list[IncomingDocument] = []
        self._pending_spans = 0

    def __enter__(self) -> Importer:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.flush()

    def add(self, document: IncomingDocument) -> None:
        self._pending.append(document)
        self._pending_spans += len(document.spans)
        if len(self._pending) >= BATCH_DOCUMENTS or self._pending_spans >= BATCH_SPANS:
            self.flush()

    def flush(self) -> None:
        """Write what is pending now."""
        batch, self._pending, self._pending_spans = self._pending, [], 0
        if batch:
            self._write(batch)

    def _write(self, documents: list[IncomingDocument]) -> None:
        ids, known = self._write_documents(documents)
        self._write_spans(documents, ids, known)
        self._write_progress(documents, ids)

    def _ids(self, hashes: Iterable[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for chunk in _chunks(list(hashes)):
            found.update(self.conn.execute(
                f"SELECT sha256, id FROM documents WHERE sha256 IN ({','.join('?' * len(chunk))})",
                chunk,
            ).fetchall())
        return found

    def _write_documents(self, documents: list[IncomingDocument]
                         ) -> tuple[dict[str, int], set[int]]:
        ids = self._ids({document.sha256 for document in documents})
        known = set(ids.values())
        new: dict[str, IncomingDocument] = {}
        for document in documents:
            if document.sha256 in ids or document.sha256 in new:
                self.counts.documents_known += 1
            else:
                new[document.sha256] = document
        rows = []
        for document in new.values():
            source = document.source or document.where
            rows.append((document.sha256, source, source, guess_title(document.text, source),
                         document.text, json.dumps(document.meta, ensure_ascii=False),
                         self.stamp, self.stamp))
        self.conn.executemany(_INSERT_DOCUMENT, rows)
        self.counts.documents_new += len(rows)
        ids.update(self._ids(new))
        return ids, known

    def _live_keys(self, known_documents: set[int]) -> set[tuple[Any, ...]]:
        """What the live spans of documents already in the database say, to skip repeats."""
        live: set[tuple[Any, ...]] = set()
        for chunk in _chunks(sorted(known_documents)):
            live.update(self.conn.execute(
                "SELECT document_id, start, end, label, annotator FROM annotations"
                f" WHERE deleted_at IS NULL AND document_id IN ({','.join('?' * len(chunk))})",
                chunk,
            ).fetchall())
        return live

    def _write_spans(self, documents: list[IncomingDocument], ids: dict[str, int],
                     known_documents: set[int]) -> None:
        """The hot loop of an import: one row per span not already present."""
        live = self._live_keys(known_documents)
        rows: list[tuple[Any, ...]] = []
        given_ids: list[tuple[int, str]] = []  # (row, FILE:LINE) of spans that came with an id
        stamp, prefix, count, known = self.stamp, self._uid_prefix, self._uid_count, 0
        for document in documents:
            doc_id = ids[document.sha256]
            for start, end, label, text, annotator, note, uid, created, updated in document.spans:
                key = (doc_id, start, end, label, annotator)
                if key in live:
                    known += 1
                    continue
                live.add(key)
                if uid is None:
                    count += 1
                    uid = f"{prefix}{count:08x}"
                else:
                    given_ids.append((len(rows), document.where))
                created = created or stamp
                rows.append((uid, doc_id, start, end, label, text, note, annotator, created,
                             updated or created))
        self._uid_count = count
        self.counts.spans_known += known
        if not rows:
            return
        (last_id,) = self.conn.execute("SELECT COALESCE(MAX(id), 0) FROM annotations").fetchone()
        before = self.conn.total_changes
        self.conn.executemany(_INSERT_SPAN, rows)
        inserted = self.conn.total_changes - before
        if inserted < len(rows):
            self._explain_skipped(rows, last_id, given_ids)
        if self.events:
            self.conn.execute(_INSERT_EVENTS, (self.source, stamp, last_id))
        self.counts.spans_new += inserted

    def _explain_skipped(self, rows: list[tuple[Any, ...]], last_id: int,
                         given_ids: list[tuple[int, str]]) -> None:
        """Rows whose id was already taken: the same span again is simply known; a different
        span under that id is reported (the one in the database is kept)."""
        inserted = {uid for (uid,) in self.conn.execute(
            "SELECT uid FROM annotations WHERE id > ?", (last_id,))}
        for number, where in given_ids:
            row = rows[number]
            uid = row[0]
            if uid in inserted:
                inserted.discard(uid)  # its first row went in; a repeat of it did not
                continue
            (existing,) = self.conn.execute(
                "SELECT document_id, start, end, label FROM annotations WHERE uid = ?", (uid,)
            ).fetchall()
            self.counts.spans_known += 1
            if tuple(existing) != row[1:5]:
                self.counts.warnings.append(
                    f"{where}: span id {uid} is already used by another span;"
                    " kept the one in the database"
                )

    def _write_progress(self, documents: list[IncomingDocument], ids: dict[str, int]) -> None:
        """A record's status becomes the progress of its spans' annotators (or the importing
        annotator's), only ever moving forward: new -> in_progress -> done."""
        rows = []
        for document in documents:
            if document.status in ("in_progress", "done"):
                who = {span.annotator for span in document.spans} or {self.annotator}
                rows.extend((ids[document.sha256], name, document.status, self.stamp)
                            for name in sorted(who))
        self.conn.executemany(_UPSERT_PROGRESS, rows)
