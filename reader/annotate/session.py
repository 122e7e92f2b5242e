"""One annotator's editing of one document, without any UI: the store, the spans, relations
and document labels in memory and the tagging rules behind one typed interface.

The screen asks it to tag, delete, note, relate, unrelate, label the document, undo, redo,
accept and reload, and gets back an `Outcome`: either `Saved` (committed to SQLite, with
what changed, so the screen can show it) or `NotDone` (nothing was written, and why). It is
the one error boundary for edits: a database error, a refused request or a change made by
another process becomes a `NotDone`, never an exception in the UI.

Suggestions (issue 11; `reader.suggest` says what they are) are a layer beside the spans:

- `load_suggestions()` reads the document's stored suggestions still pending for this
  annotator (`reader suggest`, imported predictions) into `suggestions`, a tuple in text
  order of what to draw: never one this annotator rejected or has already annotated with
  the same offsets and label. `suggestions_at(offset)`, `next_suggestion(offset)` and
  `previous_suggestion(offset)` serve drawing, the status line (`Suggestion.source`) and
  `]`/`[`.
- Live sources: `find_suggestions(sources)` runs them on the text and touches nothing
  else (call it in a worker); `use_suggestions(found)` adds the result on the UI thread.
  `learned_source()` builds the source learned from the corpus's spans; `span_texts()`
  reads what it learns from, and `take_span_text_changes()` says how every change saved
  since moved it (`reader.suggest.learned` keeps the live learned source up to date).
- `accept_suggestion(s)`: `Saved("accepted")` with the new span (`after`, its `meta` has
  `suggested_by`); `reject_suggestion(s)`: `Saved("rejected")` with `rejected == (s,)`;
  `accept_all_suggestions()`: every visible suggestion (where two of one label overlap,
  the longer; none overlapping one's own span of its label) as one undo step,
  `Saved("accepted")` with the spans in `spans_added` (`after` when only one).
- Undo of an accept deletes the span and the suggestion is visible again; undo of a
  rejection brings it back (`unrejected`). `suggestions` is always up to date after any
  `Saved`: the screen redraws from it."""

from __future__ import annotations

import sqlite3
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Literal

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
    NewSpan,
    create_batches,
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
from reader.store.suggestions import pending_suggestions, rejected_keys, span_label_counts
from reader.suggest.record import LEARNED, Suggestion

if TYPE_CHECKING:  # the matcher compiles its regexes on import: only when suggesting
    from reader.annotate.occurrences import Occurrences  # `*` only, not before the paint
    from reader.suggest.sources import PhraseSource, Source



class Why(Enum):
    """Why an operation changed nothing."""

    NOTHING = "nothing"  # no target, nothing to undo: the user's request had no effect
    ELSEWHERE = "elsewhere"  # another process changed the annotation first
    BUSY = "busy"  # another process holds the write lock: worth waiting and trying again
    DATABASE = "database"  # SQLite refused (full, damaged, gone)


ChangeKind = Literal["span", "spans", "relation", "doc_labels", "suggestion"]


@dataclass(frozen=True, slots=True)
class Saved:
    """A committed change: the annotation before and after (None: absent; both None when
    no span changed), the relations it removed and added (a span deleted with its
    relations, or brought back with them by undo, carries them too), and for a change of
    the document's labels this annotator's labels before and after.

    `kind` says which it is: "span" (`subject` is the span), "spans" (several at once:
    `spans_added`, `spans_removed`), "relation" (`relation` is the one made or deleted),
    "doc_labels", or "suggestion" (`rejected`, `unrejected`)."""

    # "tagged", "removed", "deleted", "noted", "unnoted", "accepted", "rejected", "related",
    # "unrelated", "labelled", "unlabelled" (the document), "undone", "redone"
    verb: str
    before: Annotation | None
    after: Annotation | None
    relations_removed: tuple[Relation, ...] = ()
    relations_added: tuple[Relation, ...] = ()
    doc_labels_before: frozenset[str] | None = None
    doc_labels_after: frozenset[str] | None = None
    spans_removed: tuple[Annotation, ...] = ()
    spans_added: tuple[Annotation, ...] = ()
    rejected: tuple[Suggestion, ...] = ()
    unrejected: tuple[Suggestion, ...] = ()
    # `*` over the corpus ("tagged all"): (spans, documents) it created in other documents.
    elsewhere: tuple[int, int] = (0, 0)

    @property
    def kind(self) -> ChangeKind:
        if self.before is not None or self.after is not None:
            return "span"
        if self.spans_added or self.spans_removed or self.elsewhere[0]:
            return "spans"
        if self.doc_labels_after is not None:
            return "doc_labels"
        if self.rejected or self.unrejected:
            return "suggestion"
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
    def of(cls, verb: str, change: Change, elsewhere: tuple[int, int] = (0, 0)) -> Saved:
        return cls(verb, change.before, change.after, change.relations_removed,
                   change.relations_added, change.doc_labels_before, change.doc_labels_after,
                   change.spans_removed, change.spans_added, change.rejected,
                   change.unrejected, elsewhere)


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
        # Suggestions: every one known (stored or found live), those this annotator
        # rejected, and what is shown (`_show_suggestions`).
        self._candidates: dict[tuple[int, int, str, str], Suggestion] = {}
        self._rejected: set[tuple[int, int, str, str]] = set()
        self._stored: set[tuple[int, int, str, str]] = set()
        self.suggestions: tuple[Suggestion, ...] = ()
        self._suggestion_starts: list[int] = []
        # Spans added (+) and removed (-) per (text, label) since last taken: how the
        # corpus's span texts, which the learned source learns, changed.
        self._span_text_changes: Counter[tuple[str, str]] = Counter()

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
        if self._candidates:
            self._show_suggestions()
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

    def tag_all(self, found: Occurrences) -> Outcome:
        """`*`: tag the occurrences `found` (`reader.annotate.occurrences`) with the label of
        the span they copy, in one transaction and one undo step ("tagged all"). In the
        corpus (`found.corpus`) that is one step in each document, all in one transaction.
        NotDone when the span is gone or changed (here or in another process), or when
        nothing was left to tag."""
        source = found.source
        if self.span(source.uid) is None:
            return NotDone(Why.NOTHING, "that span is not here any more; R reloads")
        if not found.count:
            return NotDone(Why.NOTHING, "no other occurrence to tag (whole words, not"
                           f" already {source.label})")
        like = Annotation(source.uid, self.store.document_id, source.start, source.end,
                          source.label, self.text[source.start:source.end], source.note,
                          self.annotator, "", "")
        batches = {document_id: [NewSpan(start, end, source.label, found.text)
                                 for start, end in ranges]
                   for document_id, ranges in found.ranges.items()}
        elsewhere = [0, 0]

        def write() -> Change:
            if not found.corpus:
                return self.store.create_many(batches.get(self.store.document_id, []),
                                              like=like)
            done = create_batches(self.store.conn, self.annotator, batches, like=like)
            here = done.pop(self.store.document_id, None)
            elsewhere[:] = [sum(len(spans) for _, spans in done.values()), len(done)]
            if here is None:
                return Change(None, None)
            self.store.adopt(here[0])
            return Change(None, None, spans_added=tuple(here[1]))

        outcome = self._run("tagged all", write)
        if isinstance(outcome, Saved):
            self._span_text_changes[found.text, source.label] += elsewhere[0]
            outcome = Saved.of("tagged all", Change(None, None, spans_added=outcome.spans_added),
                               (elsewhere[0], elsewhere[1]))
            if not outcome.spans_added and not outcome.elsewhere[0]:
                return NotDone(Why.NOTHING, "every occurrence is tagged already")
        return outcome

    # --- suggestions ---------------------------------------------------------------------

    def load_suggestions(self) -> NotDone | None:
        """Read the document's stored suggestions pending for this annotator (and what
        they rejected, which live sources must not bring back)."""
        conn, document_id = self.store.conn, self.store.document_id
        try:
            stored = pending_suggestions(conn, document_id, self.annotator)
            rejected = rejected_keys(conn, document_id, self.annotator)
        except sqlite3.Error as error:
            return NotDone(Why.DATABASE, f"could not read the suggestions: {error}")
        self._rejected = rejected
        self._candidates = {suggestion.key: suggestion for suggestion in stored}
        self._stored = set(self._candidates)
        self._show_suggestions()
        return None

    def learned_source(self) -> PhraseSource | NotDone:
        """The source that suggests every span text tagged in the corpus (by anyone) with
        the label used most for it."""
        from reader.suggest.sources import learned_source

        counts = self.span_texts()
        return counts if isinstance(counts, NotDone) else learned_source(counts)

    def span_texts(self) -> list[tuple[str, str, int]] | NotDone:
        """(span text, label, live spans) over the corpus, by anyone: what the learned
        source learns from."""
        try:
            return span_label_counts(self.store.conn)
        except sqlite3.Error as error:
            return NotDone(Why.DATABASE, f"could not read the spans: {error}")

    def take_span_text_changes(self) -> Counter[tuple[str, str]]:
        """How the spans saved since the last call moved `span_texts()`'s counts, per
        (span text, label); forgotten once taken."""
        taken = Counter({key: n for key, n in self._span_text_changes.items() if n})
        self._span_text_changes = Counter()
        return taken

    def find_suggestions(self, sources: Iterable[Source]) -> list[Suggestion]:
        """What live `sources` suggest for this text: pure work on the text, safe in a
        worker thread; hand the result to `use_suggestions` on the UI thread."""
        from reader.suggest.sources import suggest_all

        return suggest_all(sources, self.text, self.store.document_id)

    def use_suggestions(self, found: Iterable[Suggestion], *,
                        replace_learned: bool = True) -> None:
        """Show suggestions found by live sources beside the stored ones. With
        `replace_learned`, learned suggestions not stored are replaced by `found`'s (the
        learned source is re-run as one tags)."""
        candidates, stored = self._candidates, self._stored
        if replace_learned:
            candidates = self._candidates = {key: item for key, item in candidates.items()
                                             if item.source != LEARNED or key in stored}
        for suggestion in found:  # 30,000 on a 3 MB article: on the UI thread, kept lean
            key = (suggestion.start, suggestion.end, suggestion.label, suggestion.source)
            if key not in candidates:
                candidates[key] = suggestion
        self._show_suggestions()

    def suggestions_at(self, offset: int) -> list[Suggestion]:
        """Visible suggestions covering `offset`, shortest first."""
        found = [s for s in self.suggestions if s.start <= offset < s.end]
        return sorted(found, key=lambda s: (s.end - s.start, s.start, s.label, s.source))

    def next_suggestion(self, offset: int) -> Suggestion | None:
        """The first visible suggestion starting after `offset` (for `]`)."""
        index = bisect_right(self._suggestion_starts, offset)
        return self.suggestions[index] if index < len(self.suggestions) else None

    def previous_suggestion(self, offset: int) -> Suggestion | None:
        """The last visible suggestion starting before `offset` (for `[`)."""
        index = bisect_left(self._suggestion_starts, offset)
        return self.suggestions[index - 1] if index > 0 else None

    def accept_suggestion(self, suggestion: Suggestion) -> Outcome:
        """`suggestion` as one's own span (its source in the span's meta)."""
        if suggestion.key not in self._candidates:
            return NotDone(Why.NOTHING, "that suggestion is not here any more")
        return self._run("accepted", lambda: Change(None, self.store.accept_suggestion(
            suggestion, self.text)))

    def reject_suggestion(self, suggestion: Suggestion) -> Outcome:
        """Reject `suggestion`: it is not suggested to this annotator again."""
        if suggestion.key not in self._candidates:
            return NotDone(Why.NOTHING, "that suggestion is not here any more")
        return self._run("rejected", lambda: self.store.reject_suggestion(
            suggestion, self.text))

    def accept_all_suggestions(self) -> Outcome:
        """Accept every visible suggestion as one undo step: where two of one label
        overlap the longer is taken (the other stays suggested), and none that overlaps
        one's own span of its label."""
        chosen = choose_non_overlapping(self.suggestions, self.own_spans_in)
        if not chosen:
            return NotDone(Why.NOTHING, "no suggestions to accept here")
        outcome = self._run("accepted", lambda: self.store.accept_suggestions(
            chosen, self.text))
        if isinstance(outcome, Saved) and outcome.after is None and not outcome.spans_added:
            return NotDone(Why.ELSEWHERE, "they were decided on in another window or"
                           " process; R reloads")
        return outcome

    def _show_suggestions(self) -> None:
        """Recompute what is shown: candidates neither rejected nor annotated by me."""
        own = {(span.start, span.end, span.label) for span in self.spans if span.own}
        rejected = self._rejected
        # Sorted by key (no two alike), so the suggestions themselves are never compared.
        shown = [s for key, s in sorted(self._candidates.items())
                 if key not in rejected and key[:3] not in own]
        self.suggestions = tuple(shown)
        self._suggestion_starts = [s.start for s in shown]

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
        moved = self._span_text_changes
        for gone in (change.before, *change.spans_removed):
            if gone is not None:
                moved[gone.text, gone.label] -= 1
        for new in (change.after, *change.spans_added):
            if new is not None:
                moved[new.text, new.label] += 1
        if change.spans_removed or change.spans_added:
            removed = [self._span_of(span) for span in change.spans_removed]
            added = [self._span_of(span) for span in change.spans_added]
            self._publish(self.spans.changed(removed, added))
            self._by_uid = None
        self._rejected.update(suggestion.key for suggestion in change.rejected)
        self._rejected.difference_update(suggestion.key for suggestion in change.unrejected)
        for suggestion in change.unrejected:  # undone: shown again
            self._candidates.setdefault(suggestion.key, suggestion)
        if self._candidates:
            self._show_suggestions()

    def _publish(self, index: SpanIndex) -> None:
        self.spans = index
        self.marked = classify(index) if self.compare else {}


def choose_non_overlapping(suggestions: Sequence[Suggestion],
                           own_spans_in: Callable[[int, int], list[Span]]) -> list[Suggestion]:
    """What accepting all takes: per label, the longest first (then the leftmost), none
    overlapping one taken before nor one's own span of that label. Every suggestion of
    the same offsets and label is kept, so each source's is marked accepted."""
    taken: dict[str, list[tuple[int, int]]] = {}
    chosen: list[Suggestion] = []
    for suggestion in sorted(suggestions, key=lambda s: (s.start - s.end, s.start, s.key)):
        ranges = taken.setdefault(suggestion.label, [])
        if (suggestion.start, suggestion.end) in ranges:
            chosen.append(suggestion)
            continue
        if any(start < suggestion.end and suggestion.start < end for start, end in ranges):
            continue
        if any(span.label == suggestion.label
               for span in own_spans_in(suggestion.start, suggestion.end)):
            continue
        ranges.append((suggestion.start, suggestion.end))
        chosen.append(suggestion)
    return sorted(chosen, key=lambda s: s.key)
