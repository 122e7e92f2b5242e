"""One annotator's editing of one document, without any UI: the store, the spans in memory
and the tagging rules behind one typed interface.

The screen asks it to tag, delete, note, undo, redo, accept and reload, and gets back an
`Outcome`: either `Saved` (committed to SQLite, with what changed, so the screen can show
it) or `NotDone` (nothing was written, and why). It is the one error boundary for edits: a
database error or a change made by another process becomes a `NotDone`, never an
exception in the UI."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from reader.annotate.compare import disagreements
from reader.annotate.editing import decide_tag, tag_target
from reader.annotate.span_index import Span, SpanIndex
from reader.store.annotations import (
    Annotation,
    AnnotationStore,
    ChangedElsewhere,
    live_span_rows,
)
from reader.store.database import is_busy


class Why(Enum):
    """Why an operation changed nothing."""

    NOTHING = "nothing"  # no target, nothing to undo: the user's request had no effect
    ELSEWHERE = "elsewhere"  # another process changed the annotation first
    BUSY = "busy"  # another process holds the write lock: worth waiting and trying again
    DATABASE = "database"  # SQLite refused (full, damaged, gone)


@dataclass(frozen=True, slots=True)
class Saved:
    """A committed change: the annotation before and after (None: absent)."""

    verb: str  # "tagged", "removed", "deleted", "noted", "unnoted", "undone", "redone", "accepted"
    before: Annotation | None
    after: Annotation | None

    @property
    def subject(self) -> Annotation:
        """The annotation the change is about."""
        found = self.after or self.before
        assert found is not None, "a change touches an annotation"
        return found


@dataclass(frozen=True, slots=True)
class NotDone:
    """Nothing was written; `message` says why in a few words."""

    why: Why
    message: str


Outcome = Saved | NotDone

# A store operation: returns the annotation before and after it.
_Write = Callable[[], tuple[Annotation | None, Annotation | None]]


class AnnotationSession:
    """Edits of `store.annotator` on one document, and the spans shown for it (theirs too in
    compare mode). `spans` and `marked` always reflect what is committed."""

    def __init__(self, store: AnnotationStore, text: str, *, compare: bool = False) -> None:
        self.store = store
        self.text = text
        self.compare = compare
        self.spans = SpanIndex()
        self.marked: frozenset[str] = frozenset()

    @property
    def annotator(self) -> str:
        return self.store.annotator

    # --- reading -------------------------------------------------------------------------

    def reload(self) -> NotDone | None:
        """Read the spans again from the database (what other processes saved too)."""
        me = self.store.annotator
        annotators = None if self.compare else [me]
        try:
            rows = live_span_rows(self.store.conn, self.store.document_id, annotators)
        except sqlite3.Error as error:
            return NotDone(Why.DATABASE, f"could not read the annotations: {error}")
        self._publish(SpanIndex(Span(*row, own=row[4] == me) for row in rows))
        return None

    def set_compare(self, compare: bool) -> NotDone | None:
        self.compare = compare
        return self.reload()

    def own_spans_at(self, offset: int) -> list[Span]:
        return [span for span in self.spans.at(offset) if span.own]

    def own_spans_in(self, start: int, end: int) -> list[Span]:
        return [span for span in self.spans.overlapping(start, end) if span.own]

    # --- editing -------------------------------------------------------------------------

    def tag(self, label: str, selection: tuple[int, int] | None, cursor: int) -> Outcome:
        """`label` on the selection or the word under the cursor; the same label on the
        same span removes it (`reader.annotate.editing.decide_tag`)."""
        target = tag_target(self.text, selection, cursor)
        own = self.own_spans_in(*target) if target else []
        under_cursor = [] if selection else self.own_spans_at(cursor)
        decision = decide_tag(own, target, label, under_cursor=under_cursor)
        if decision is None:
            return NotDone(Why.NOTHING, "nothing to tag here: select text or put the cursor"
                           " on a word")
        if decision.remove is not None:
            uid = decision.remove.uid
            return self._run("removed", lambda: (self.store.delete(uid), None))
        assert decision.create is not None
        start, end, name = decision.create
        return self._run("tagged", lambda: (None, self.store.create(
            start, end, name, self.text[start:end])))

    def delete(self, uid: str) -> Outcome:
        return self._run("deleted", lambda: (self.store.delete(uid), None))

    def set_note(self, uid: str, note: str) -> Outcome:
        """Set (or with "" remove) the note of one's own annotation `uid`."""
        note = note.strip()

        def write() -> tuple[Annotation | None, Annotation | None]:
            after = self.store.set_note(uid, note)
            return self._annotation_before_note(uid, after), after

        return self._run("noted" if note else "unnoted", write)

    def accept(self, span: Span) -> Outcome:
        """Adjudication: another annotator's span copied as one's own."""
        if span.own:
            return NotDone(Why.NOTHING, "that span is already yours")
        if any((s.start, s.end, s.label) == (span.start, span.end, span.label)
               for s in self.own_spans_at(span.start)):
            return NotDone(Why.NOTHING, "you already have that span")
        return self._run("accepted", lambda: (None, self.store.create(
            span.start, span.end, span.label, self.text[span.start:span.end])))

    def undo(self) -> Outcome:
        return self._history(undo=True)

    def redo(self) -> Outcome:
        return self._history(undo=False)

    # --- internals -----------------------------------------------------------------------

    def _history(self, undo: bool) -> Outcome:
        try:
            possible = self.store.can_undo if undo else self.store.can_redo
        except sqlite3.Error as error:
            return NotDone(Why.DATABASE, f"history could not be read: {error}")
        if not possible:
            return NotDone(Why.NOTHING, f"nothing to {'undo' if undo else 'redo'}")

        def step() -> tuple[Annotation | None, Annotation | None]:
            change = self.store.undo() if undo else self.store.redo()
            assert change is not None, "checked can_undo / can_redo above"
            return change.before, change.after

        return self._run("undone" if undo else "redone", step)

    def _run(self, verb: str, write: _Write) -> Outcome:
        """Commit one store operation and show it, or say why nothing was saved."""
        try:
            before, after = write()
        except ChangedElsewhere as error:
            return NotDone(Why.ELSEWHERE, f"{error}; R reloads")
        except sqlite3.Error as error:
            if is_busy(error):
                return NotDone(Why.BUSY, "waiting for the database (another process is"
                               " writing)…")
            return NotDone(Why.DATABASE, f"NOT saved: {error}")
        self._apply(before, after)
        return Saved(verb, before, after)

    def _annotation_before_note(self, uid: str, after: Annotation) -> Annotation | None:
        """The span as shown before a note change (the index holds its old note)."""
        for span in self.spans.at(after.start):
            if span.uid == uid:
                return after._replace(note=span.note)
        return None

    def _span_of(self, annotation: Annotation) -> Span:
        return Span(annotation.start, annotation.end, annotation.label, annotation.uid,
                    annotation.annotator, annotation.note,
                    own=annotation.annotator == self.store.annotator)

    def _apply(self, before: Annotation | None, after: Annotation | None) -> None:
        """Update the index in place (not rebuilt) after a committed change."""
        removed = [self._span_of(before)] if before is not None else []
        added = [self._span_of(after)] if after is not None else []
        self._publish(self.spans.changed(removed, added))

    def _publish(self, index: SpanIndex) -> None:
        self.spans = index
        self.marked = (frozenset(span.uid for span in disagreements(index))
                       if self.compare else frozenset())
