"""One annotator's editing of one document, without any UI: the store, the spans, relations
and document labels in memory and the tagging rules behind one typed interface.

The screen asks it to tag, delete, note, relate, unrelate, label the document, undo, redo,
accept and reload, and gets back an `Outcome`: either `Saved` (committed to SQLite, with
what changed, so the screen can show it) or `NotDone` (nothing was written, and why). It is
the one error boundary for edits: a database error, a refused request or a change made by
another process becomes a `NotDone`, never an exception in the UI."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Literal

from reader.annotate.compare import Disagreement, classify
from reader.annotate.editing import decide_tag, tag_target
from reader.annotate.labels import DEFAULT_RELATIONS, RelationType
from reader.annotate.relation_index import RelationIndex
from reader.annotate.span_index import Span, SpanIndex
from reader.errors import ReaderError
from reader.store.annotations import (
    Annotation,
    AnnotationStore,
    Change,
    ChangedElsewhere,
    live_span_rows,
)
from reader.store.database import is_busy
from reader.store.relations import (
    Relation,
    database_path,
    doc_labels_of,
    live_relations,
    read_live_relations,
)


class Why(Enum):
    """Why an operation changed nothing."""

    NOTHING = "nothing"  # no target, nothing to undo: the user's request had no effect
    ELSEWHERE = "elsewhere"  # another process changed the annotation first
    BUSY = "busy"  # another process holds the write lock: worth waiting and trying again
    DATABASE = "database"  # SQLite refused (full, damaged, gone)


ChangeKind = Literal["span", "relation", "doc_labels"]


@dataclass(frozen=True, slots=True)
class Saved:
    """A committed change: the annotation before and after (None: absent; both None when
    no span changed), the relations it removed and added (a span deleted with its
    relations, or brought back with them by undo, carries them too), and for a change of
    the document's labels this annotator's labels before and after.

    `kind` says which it is: "span" (`subject` is the span), "relation" (`relation` is the
    one made or deleted), or "doc_labels"."""

    # "tagged", "removed", "deleted", "noted", "unnoted", "accepted", "related", "unrelated",
    # "labelled", "unlabelled" (the document), "undone", "redone"
    verb: str
    before: Annotation | None
    after: Annotation | None
    relations_removed: tuple[Relation, ...] = ()
    relations_added: tuple[Relation, ...] = ()
    doc_labels_before: frozenset[str] | None = None
    doc_labels_after: frozenset[str] | None = None

    @property
    def kind(self) -> ChangeKind:
        if self.before is not None or self.after is not None:
            return "span"
        if self.doc_labels_after is not None:
            return "doc_labels"
        return "relation"

    @property
    def subject(self) -> Annotation:
        """The annotation the change is about (a change of kind "span" only)."""
        found = self.after or self.before
        assert found is not None, "a change of kind 'span' touches an annotation"
        return found

    @property
    def relation(self) -> Relation:
        """The relation made or deleted (a change of kind "relation" only)."""
        found = (self.relations_added or self.relations_removed or (None,))[0]
        assert found is not None, "a change of kind 'relation' touches a relation"
        return found

    @classmethod
    def of(cls, verb: str, change: Change) -> Saved:
        return cls(verb, change.before, change.after, change.relations_removed,
                   change.relations_added, change.doc_labels_before, change.doc_labels_after)


@dataclass(frozen=True, slots=True)
class LoadedRelations:
    """Relations read by `AnnotationSession.read_relations`, for `use_relations`."""

    generation: int  # the `reload` they belong to
    index: RelationIndex


@dataclass(frozen=True, slots=True)
class NotDone:
    """Nothing was written; `message` says why in a few words."""

    why: Why
    message: str


Outcome = Saved | NotDone

# A store operation: what it changed.
_Write = Callable[[], Change]


class AnnotationSession:
    """Edits of `store.annotator` on one document, and the spans and relations shown for it
    (theirs too in compare mode). `spans`, `relations`, `doc_labels` (this annotator's) and
    `marked` always reflect what is committed.

    `relation_types` are the relation labels `relate` accepts, with their constraints."""

    def __init__(self, store: AnnotationStore, text: str, *, compare: bool = False,
                 relation_types: Iterable[RelationType] = DEFAULT_RELATIONS) -> None:
        self.store = store
        self.text = text
        self.compare = compare
        self.relation_types = {kind.name: kind for kind in relation_types}
        self.spans = SpanIndex()
        self.relations = RelationIndex()
        self.doc_labels: frozenset[str] = frozenset()
        self.marked: Mapping[str, Disagreement] = {}  # compare mode: by span uid
        self._by_uid: dict[str, Span] | None = None  # built on first `span()`
        # Relations read later (`reload(relations=False)`): where to read them, and the
        # changes made meanwhile, replayed over what is read; None once they are shown.
        self._generation = 0
        self._relations_source: tuple[str, list[str] | None] = ("", None)
        self._relation_changes: list[tuple[tuple[Relation, ...],
                                           tuple[Relation, ...]]] | None = None

    @property
    def annotator(self) -> str:
        return self.store.annotator

    # --- reading -------------------------------------------------------------------------

    def reload(self, *, relations: bool = True) -> NotDone | None:
        """Read the spans, relations and document labels again from the database (what
        other processes saved too).

        With `relations=False` the relations are left for later: 20,000 of them take tens
        of ms to read, which would delay the first paint. `read_relations` then reads them
        in a worker thread and `use_relations` shows them; until then `relations` holds only
        what this session changed, and `relations_loaded` is False."""
        me = self.store.annotator
        annotators = None if self.compare else [me]
        conn, document_id = self.store.conn, self.store.document_id
        try:
            rows = live_span_rows(conn, document_id, annotators)
            loaded = live_relations(conn, document_id, annotators) if relations else []
            doc_labels = doc_labels_of(conn, document_id, me)
            path = database_path(conn) if not relations else ""
        except sqlite3.Error as error:
            return NotDone(Why.DATABASE, f"could not read the annotations: {error}")
        self._by_uid = None
        self._publish(SpanIndex(Span(*row, own=row[4] == me) for row in rows))
        self.relations = RelationIndex(loaded)
        self.doc_labels = doc_labels
        self._generation += 1
        self._relations_source = (path, annotators)
        self._relation_changes = None if relations else []
        return None

    @property
    def relations_loaded(self) -> bool:
        """False between `reload(relations=False)` and `use_relations`."""
        return self._relation_changes is None

    def read_relations(self) -> LoadedRelations | NotDone:
        """The relations `reload(relations=False)` left out, read on a connection of its
        own: safe to run in a worker thread while the UI thread uses this session. Hand the
        result to `use_relations` on the UI thread."""
        generation = self._generation
        path, annotators = self._relations_source
        try:
            relations = read_live_relations(path, self.store.document_id, annotators)
        except (sqlite3.Error, ReaderError) as error:
            return NotDone(Why.DATABASE, f"could not read the relations: {error}")
        return LoadedRelations(generation, RelationIndex(relations))

    def use_relations(self, loaded: LoadedRelations) -> bool:
        """Show relations from `read_relations`, with the changes this session made since
        `reload` on top; False (and nothing changes) if a later `reload` made them stale."""
        changes = self._relation_changes
        if changes is None or loaded.generation != self._generation:
            return False
        index = loaded.index
        for removed, added in changes:  # idempotent: a change already read is a no-op
            index = index.changed(removed, added)
        self.relations, self._relation_changes = index, None
        return True

    def set_compare(self, compare: bool) -> NotDone | None:
        self.compare = compare
        return self.reload()

    def own_spans_at(self, offset: int) -> list[Span]:
        return [span for span in self.spans.at(offset) if span.own]

    def own_spans_in(self, start: int, end: int) -> list[Span]:
        return [span for span in self.spans.overlapping(start, end) if span.own]

    def span(self, uid: str) -> Span | None:
        """The span shown with this uid (a relation's end), if any."""
        if self._by_uid is None:
            self._by_uid = {span.uid: span for span in self.spans}
        return self._by_uid.get(uid)

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
            return self._run("removed", lambda: self.store.delete_with_relations(uid))
        assert decision.create is not None
        start, end, name = decision.create
        return self._run("tagged", lambda: Change(None, self.store.create(
            start, end, name, self.text[start:end])))

    def delete(self, uid: str) -> Outcome:
        """Delete the span `uid` and its relations (`Saved.relations_removed`)."""
        return self._run("deleted", lambda: self.store.delete_with_relations(uid))

    def set_note(self, uid: str, note: str) -> Outcome:
        """Set (or with "" remove) the note of one's own annotation `uid`."""
        note = note.strip()

        def write() -> Change:
            after = self.store.set_note(uid, note)
            return Change(self._annotation_before_note(uid, after), after)

        return self._run("noted" if note else "unnoted", write)

    def relate(self, head_uid: str, child_uid: str, label: str) -> Outcome:
        """A relation `label` from the span `head_uid` to the span `child_uid`, both one's
        own, if the relation type allows their labels (`RelationType.from_labels`,
        `to_labels`)."""
        head, child = self.span(head_uid), self.span(child_uid)
        if head is None or child is None:
            return NotDone(Why.NOTHING, "that span is not here any more; R reloads")
        if not (head.own and child.own):
            return NotDone(Why.NOTHING, "a relation joins two of your own spans")
        if head_uid == child_uid:
            return NotDone(Why.NOTHING, "a relation joins two different spans")
        kind = self.relation_types.get(label)
        if kind is None:
            return NotDone(Why.NOTHING, f"no relation label {label!r}")
        if not kind.allows(head.label, child.label):
            return NotDone(Why.NOTHING, f"{kind.rule()}, not {head.label} → {child.label}")
        if self.relations.find(head_uid, child_uid, label, self.annotator) is not None:
            return NotDone(Why.NOTHING, f"that {label} relation is already there")
        return self._run("related", lambda: Change(None, None, relations_added=(
            self.store.relate(head_uid, child_uid, label),)))

    def unrelate(self, relation_uid: str) -> Outcome:
        """Delete one's own relation `relation_uid`."""
        relation = self.relations.get(relation_uid)
        if relation is None:
            return NotDone(Why.NOTHING, "no such relation here")
        if relation.annotator != self.annotator:
            return NotDone(Why.NOTHING, "that relation is not yours")
        return self._run("unrelated", lambda: Change(None, None, relations_removed=(
            self.store.unrelate(relation_uid),)))

    def toggle_doc_label(self, label: str, *, multi: bool) -> Outcome:
        """Give the document `label` or take it away; with `multi` False, giving one
        replaces the label it had ("labelled" or "unlabelled")."""
        outcome = self._run("labelled", lambda: self.store.toggle_doc_label(label, multi=multi))
        if isinstance(outcome, Saved) and label not in (outcome.doc_labels_after or ()):
            return Saved.of("unlabelled", Change(
                None, None, doc_labels_before=outcome.doc_labels_before,
                doc_labels_after=outcome.doc_labels_after))
        return outcome

    def accept(self, span: Span) -> Outcome:
        """Adjudication: another annotator's span copied as one's own."""
        if span.own:
            return NotDone(Why.NOTHING, "that span is already yours")
        if any((s.start, s.end, s.label) == (span.start, span.end, span.label)
               for s in self.own_spans_at(span.start)):
            return NotDone(Why.NOTHING, "you already have that span")
        return self._run("accepted", lambda: Change(None, self.store.create(
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

        def step() -> Change:
            change = self.store.undo() if undo else self.store.redo()
            assert change is not None, "checked can_undo / can_redo above"
            return change

        return self._run("undone" if undo else "redone", step)

    def _run(self, verb: str, write: _Write) -> Outcome:
        """Commit one store operation and show it, or say why nothing was saved."""
        try:
            change = write()
        except ChangedElsewhere as error:
            return NotDone(Why.ELSEWHERE, f"{error}; R reloads")
        except ValueError as error:  # a request the store refuses; checked here first
            return NotDone(Why.NOTHING, str(error))
        except sqlite3.Error as error:
            if is_busy(error):
                return NotDone(Why.BUSY, "waiting for the database (another process is"
                               " writing)…")
            return NotDone(Why.DATABASE, f"NOT saved: {error}")
        self._apply(change)
        return Saved.of(verb, change)

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

    def _apply(self, change: Change) -> None:
        """Update the indexes (not rebuilt) after a committed change."""
        before, after = change.before, change.after
        if before is not None or after is not None:
            removed = [self._span_of(before)] if before is not None else []
            added = [self._span_of(after)] if after is not None else []
            self._publish(self.spans.changed(removed, added))
            if self._by_uid is not None:
                for span in removed:
                    self._by_uid.pop(span.uid, None)
                self._by_uid.update((span.uid, span) for span in added)
        if change.relations_removed or change.relations_added:
            self.relations = self.relations.changed(change.relations_removed,
                                                    change.relations_added)
            if self._relation_changes is not None:
                self._relation_changes.append((change.relations_removed,
                                               change.relations_added))
        if change.doc_labels_after is not None:
            self.doc_labels = change.doc_labels_after

    def _publish(self, index: SpanIndex) -> None:
        self.spans = index
        self.marked = classify(index) if self.compare else {}
