"""Hand checked documents and spans to the store in batches: documents deduplicated by
text hash, spans by id or by what they say.

The batches are staged (`reader.store.import_stage`) without holding the database's write
lock, and written in one short transaction when the importer is left, so other writers (the
TUI saving a tag) are not kept waiting by a long import, and a failure or a kill leaves the
database as it was. Batching (executemany, one lookup query per batch) is what makes an
import fast; the rules are those of `reader.store.documents.add_document` and the
annotation store: the same text is the same document, new text at a known source is that
source's next version. Each document's new spans, relations and document labels are
recorded as one `import` event per annotator (which ones, from where, when), so the history
stays auditable. Relations come in joined to the spans of their record as stored: the
record's span, or the identical one the database already had."""

from __future__ import annotations

import json
import secrets
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from reader.formats.incoming import IncomingDocument
from reader.store.import_stage import ImportStage
from reader.text.loading import guess_title

BATCH_DOCUMENTS = 1000
BATCH_SPANS = 50_000


@dataclass
class ImportCounts:
    documents_new: int = 0
    documents_known: int = 0
    spans_new: int = 0
    spans_known: int = 0
    relations_new: int = 0
    relations_known: int = 0
    doc_labels_new: int = 0
    doc_labels_known: int = 0
    warnings: list[str] = field(default_factory=list)


class Importer:
    """Collects checked documents and stages them a batch at a time. Use it as a context
    manager: leaving it without an error writes everything in one transaction (or inside
    the caller's, if one is open); leaving it with one writes nothing.

    (Writing on a second thread while the next batch is parsed was tried: sqlite3 releases
    the GIL while SQLite works, but on a busy two-core machine the handoffs made the import
    slower, so batches are staged in line.)"""

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
        self._stage = ImportStage(conn)
        self._staged_documents = 0
        self._staged_spans = 0
        self._staged_relations = 0
        self._staged_doc_labels = 0

    def __enter__(self) -> Importer:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.flush()
            self.apply()
        else:
            self._stage.drop()

    @contextmanager
    def staging(self) -> Iterator[Importer]:
        """Stage only: leaving it writes nothing to the database (call `apply()` then,
        after any check that may still call the import off)."""
        try:
            yield self
            self.flush()
        except BaseException:
            self._stage.drop()
            raise

    def apply(self) -> None:
        """Write everything staged to the database, in one short transaction."""
        counts = self.counts
        try:
            applied = self._stage.apply(self.source, self.stamp, self.events)
            counts.warnings.extend(
                f"{where}: span id {uid} is already used by another span;"
                " kept the one in the database"
                for where, uid in self._stage.taken_ids()
            )
            unjoined = self._stage.unjoined_relations() if self._staged_relations else []
            counts.warnings.extend(
                f"{where}: relation {label!r} not imported: its {end} span is not live in the"
                " database (its id is used by another span, or it was deleted there)"
                for where, label, end in unjoined
            )
            if self._staged_relations:
                counts.warnings.extend(
                    f"{where}: relation id {uid} is already used by another relation;"
                    " kept the one in the database"
                    for where, uid in self._stage.taken_relation_ids()
                )
        finally:
            self._stage.drop()
        counts.documents_new = applied.documents
        counts.documents_known += self._staged_documents - applied.documents
        counts.spans_known += self._staged_spans - applied.spans
        counts.spans_new = applied.spans
        counts.relations_new = applied.relations
        counts.relations_known += self._staged_relations - applied.relations - len(unjoined)
        counts.doc_labels_new = applied.doc_labels
        counts.doc_labels_known += self._staged_doc_labels - applied.doc_labels

    def add(self, document: IncomingDocument) -> None:
        self._pending.append(document)
        self._pending_spans += len(document.spans) + len(document.relations)
        if len(self._pending) >= BATCH_DOCUMENTS or self._pending_spans >= BATCH_SPANS:
            self.flush()

    def flush(self) -> None:
        """Stage what is pending now."""
        batch, self._pending, self._pending_spans = self._pending, [], 0
        if batch:
            self._write(batch)

    def _write(self, documents: list[IncomingDocument]) -> None:
        seqs = self._write_documents(documents)
        self._write_spans(documents, seqs)
        self._write_relations(documents, seqs)
        self._write_doc_labels(documents, seqs)
        self._write_progress(documents, seqs)

    def _write_documents(self, documents: list[IncomingDocument]) -> dict[str, int]:
        """Stage the documents not staged yet; sha256 -> staging number of each."""
        seqs = self._stage.document_seqs({document.sha256 for document in documents})
        new: dict[str, IncomingDocument] = {}
        for document in documents:
            if document.sha256 in seqs or document.sha256 in new:
                self.counts.documents_known += 1
            else:
                new[document.sha256] = document
        rows = []
        for document in new.values():
            source = document.source or document.where
            rows.append((document.sha256, source, guess_title(document.text, source),
                         document.text, json.dumps(document.meta, ensure_ascii=False)))
        self._stage.add_documents(rows)
        self._staged_documents += len(rows)
        seqs.update(self._stage.document_seqs(new))
        return seqs

    def _write_spans(self, documents: list[IncomingDocument], seqs: dict[str, int]) -> None:
        """The hot loop of an import: one row per span (repeats are dropped by the stage)."""
        rows: list[tuple[Any, ...]] = []
        stamp, prefix, count = self.stamp, self._uid_prefix, self._uid_count
        for document in documents:
            doc = seqs[document.sha256]
            for (start, end, label, text, annotator, note, uid, created, updated,
                 meta) in document.spans:
                given = None
                if uid is None:
                    count += 1
                    uid = f"{prefix}{count:08x}"
                else:
                    given = document.where
                created = created or stamp
                rows.append((doc, uid, start, end, label, text, note, annotator, created,
                             updated or created, given, meta))
        self._uid_count = count
        staged = self._stage.add_spans(rows)
        self._staged_spans += staged
        self.counts.spans_known += len(rows) - staged

    def _write_relations(self, documents: list[IncomingDocument],
                         seqs: dict[str, int]) -> None:
        """Each relation with its spans' annotator, offsets and labels, by which the stage
        finds the spans it joins once they are written."""
        rows: list[tuple[Any, ...]] = []
        stamp, prefix, count = self.stamp, self._uid_prefix, self._uid_count
        for document in documents:
            doc = seqs[document.sha256]
            spans = document.spans
            for head, child, label, annotator, uid, created, updated in document.relations:
                given = None
                if uid is None:
                    count += 1
                    uid = f"{prefix}{count:08x}"
                else:
                    given = document.where
                created = created or stamp
                first, second = spans[head], spans[child]
                rows.append((doc, uid, annotator, label, first.start, first.end, first.label,
                             second.start, second.end, second.label, created,
                             updated or created, given, document.where))
        self._uid_count = count
        if rows:
            staged = self._stage.add_relations(rows)
            self._staged_relations += staged
            self.counts.relations_known += len(rows) - staged

    def _write_doc_labels(self, documents: list[IncomingDocument],
                          seqs: dict[str, int]) -> None:
        rows = [(seqs[document.sha256], annotator, label)
                for document in documents for label, annotator in document.cats]
        if rows:
            staged = self._stage.add_doc_labels(rows)
            self._staged_doc_labels += staged
            self.counts.doc_labels_known += len(rows) - staged

    def _write_progress(self, documents: list[IncomingDocument], seqs: dict[str, int]) -> None:
        """A record's status becomes the progress of its spans' and document labels'
        annotators (or the importing annotator's), only ever moving forward:
        new -> in_progress -> done."""
        rows: list[tuple[int, str, str]] = []
        for document in documents:
            if document.status in ("in_progress", "done"):
                who = ({span.annotator for span in document.spans}
                       | {annotator for _, annotator in document.cats}) or {self.annotator}
                rows.extend((seqs[document.sha256], name, document.status)
                            for name in sorted(who))
        self._stage.add_progress(rows)
