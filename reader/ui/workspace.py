"""What the screens work with, handed to each in its constructor: the database, who is
annotating, the labels, the corpus in order and the compare flag. Screens never reach into
the App for these; they send navigation up as messages (`reader.ui.messages`).

Textual-free: it only calls the store, so it is tested without an App."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reader.annotate.guidelines import Guidelines
from reader.annotate.labels import Config
from reader.store.annotations import AnnotationStore
from reader.store.database import busy_timeout_ms, set_busy_timeout
from reader.store.documents import (
    Document,
    Progress,
    done_document_ids,
    get_document,
    get_progress,
    mark_opened,
    save_position,
    set_status,
)
from reader.text.sanitize import safe_text

if TYPE_CHECKING:  # loaded when used: the matcher with --suggest, the library's and the
    # statistics' queries when those screens first open
    from reader.store.library import CorpusStats, LibraryRow
    from reader.store.relation_queries import RelationStats
    from reader.suggest.sources import Source

UI_BUSY_TIMEOUT_MS = 100
"""How long the UI thread waits for the write lock before handing the write to a thread."""


@dataclass
class LiveSources:
    """What `reader open --suggest` suggests from as one reads: `sources` (pattern files,
    gazetteers, models, loaded and checked at start) and, with `learn`, the spans tagged
    in the corpus (learned anew as one tags)."""

    sources: list[Source] = field(default_factory=list)
    learn: bool = True


@dataclass
class Workspace:
    conn: sqlite3.Connection
    annotator: str
    config: Config
    document_ids: list[int]
    is_corpus: bool = False
    compare: bool = False
    queue: bool = False  # the corpus is the annotator's assigned documents, not-done first
    keymap: dict[str, str] = field(default_factory=dict)  # `[keys]`: binding id -> keys
    guidelines: Guidelines | None = None  # the Markdown file shown on a key, if any
    chips: bool = False  # label names drawn after spans (`t`), in every document
    live_sources: LiveSources | None = None  # `--suggest`: suggestions found as one reads
    label_colors: dict[str, str] = field(init=False)
    relation_colors: dict[str, str] = field(init=False)
    # The reading width in use (None: full), from the config or --width; the `=` key
    # changes it for the rest of the run, the next document included.
    reading_width: int | None = field(init=False)

    def __post_init__(self) -> None:
        self.reading_width = self.config.width
        self.label_colors = {label.name: label.color for label in self.config.labels}
        self.relation_colors = {kind.name: kind.color for kind in self.config.relations}
        # The UI thread never waits long for another process's write lock: an edit that
        # finds it taken waits in a thread instead (`patient`), while the screen draws.
        set_busy_timeout(self.conn, UI_BUSY_TIMEOUT_MS)

    @contextmanager
    def patient(self) -> Iterator[None]:
        """The full busy timeout, for a write retried off the UI thread."""
        set_busy_timeout(self.conn, busy_timeout_ms())
        try:
            yield
        finally:
            set_busy_timeout(self.conn, UI_BUSY_TIMEOUT_MS)

    # --- documents -----------------------------------------------------------------------

    def document(self, document_id: int) -> Document | None:
        return get_document(self.conn, document_id)

    def progress(self, document_id: int) -> Progress:
        return get_progress(self.conn, document_id, self.annotator)

    def store_for(self, document_id: int) -> AnnotationStore:
        return AnnotationStore(self.conn, document_id, self.annotator)

    def neighbour(self, document_id: int, step: int) -> int | None:
        """The document `step` places away in the corpus order, if there is one."""
        ids = self.document_ids
        if document_id not in ids:
            return None
        index = ids.index(document_id) + step
        return ids[index] if 0 <= index < len(ids) else None

    # --- progress ------------------------------------------------------------------------

    def done_count(self) -> int:
        return len(done_document_ids(self.conn, self.annotator) & set(self.document_ids))

    def describe(self, document: Document) -> str:
        """The header's subtitle: who, and which file or where in the corpus."""
        who = safe_text(self.annotator)
        if not self.is_corpus:
            return f"{who} · {safe_text(document.source)}"
        place, total = self._place(document)
        return f"{who} · document {place}/{total} · done {self.done_count()}/{total}"

    def corpus_place(self, document: Document) -> str:
        """The status line's "doc 2/40 · done 7/40" (empty outside a corpus)."""
        if not self.is_corpus:
            return ""
        place, total = self._place(document)
        return f"doc {place}/{total} · done {self.done_count()}/{total}"

    def _place(self, document: Document) -> tuple[int, int]:
        ids = self.document_ids
        return (ids.index(document.id) + 1 if document.id in ids else 0), len(ids)

    def toggle_done(self, document_id: int) -> str:
        """Mark the document done, or not done if it was; returns the new status."""
        current = get_progress(self.conn, document_id, self.annotator).status
        status = "in_progress" if current == "done" else "done"
        set_status(self.conn, document_id, self.annotator, status)
        return status

    def save_position(self, document_id: int, cursor: int, top: int) -> None:
        save_position(self.conn, document_id, self.annotator, cursor, top)

    def record_visit(self, document_id: int) -> None:
        mark_opened(self.conn, document_id, self.annotator)

    def corpus_name(self) -> str:
        """What the library calls the corpus."""
        return f"queue of {safe_text(self.annotator)}" if self.queue else "this corpus"

    def library_rows(self, *, everything: bool = False) -> list[LibraryRow]:
        """The corpus's documents in its order, or (`everything`) every document in the
        database: the corpus first, in its order, then the others by id."""
        from reader.store.library import library_rows

        if not everything:
            return library_rows(self.conn, self.annotator, self.document_ids)
        rows = library_rows(self.conn, self.annotator)
        place = {doc_id: index for index, doc_id in enumerate(self.document_ids)}
        return sorted(rows, key=lambda row: (place.get(row.id, len(place)), row.id))

    def doc_labels_by_document(self) -> dict[int, list[str]]:
        """This annotator's document labels, for the library's column."""
        from reader.store.relation_queries import doc_labels_by_document

        return doc_labels_by_document(self.conn, self.annotator)

    def stats(self) -> CorpusStats:
        from reader.store.library import corpus_stats

        return corpus_stats(self.conn, self.annotator, self.document_ids)

    def relation_stats(self) -> RelationStats:
        from reader.store.relation_queries import relation_stats

        return relation_stats(self.conn, self.annotator, self.document_ids)

    def suggestion_stats(self) -> dict[str, dict[str, int]]:
        """Suggestions per source: accepted, rejected, pending (the whole database)."""
        from reader.store.suggestions import suggestion_counts

        return suggestion_counts(self.conn)

    def assignment_progress(self) -> dict[str, dict[str, int]]:
        """Per annotator with assignments: assigned, done, in progress (the database)."""
        from reader.store.assignments import assignment_progress

        return assignment_progress(self.conn)
