"""Annotations of one document by one annotator, with their relations and the document's
labels: every operation is committed, with an event, before it returns; undo and redo are
events too, so history survives a restart. Spans, relations and document labels share one
undo history: `u` undoes the latest operation, whichever it was."""

from __future__ import annotations

import sqlite3
from typing import Any, NamedTuple

from reader.store.database import now_iso, transaction
from reader.store.relations import (
    Relation,
    doc_labels_of,
    get_relation,
    insert_relation,
    live_relations,
    live_relations_of,
    relation_from_json,
    revive_relation,
    same_live_relation,
    soft_delete,
    write_doc_labels,
)
from reader.store.suggestions import (
    clear_decision,
    decision,
    ensure_suggestion,
    find_suggestion,
    set_decision,
)
from reader.suggest.record import Suggestion

UNDOABLE = frozenset({"create", "delete", "note", "relate", "unrelate", "doc_label",
                      "create_spans", "reject"})
SPAN_KINDS = frozenset({"create", "delete", "note"})


class Annotation(NamedTuple):
    """A labelled span: `text == document.text[start:end]`, offsets in code points."""

    uid: str
    document_id: int
    start: int
    end: int
    label: str
    text: str
    note: str
    annotator: str
    created_at: str
    updated_at: str
    meta: str = "{}"  # JSON object: an accepted suggestion's provenance ("suggested_by")


_COLUMNS = ("uid, document_id, start, end, label, text, note, annotator, created_at,"
            " updated_at, meta")


def _row(row: tuple[Any, ...]) -> Annotation:
    return Annotation(*row)


def new_uid() -> str:
    import uuid  # here, not at start-up: uuid pulls in platform probing

    return uuid.uuid4().hex


class ChangedElsewhere(Exception):
    """The annotation is not in the state this session last saw: another process (or another
    window of the same annotator) changed or deleted it. Nothing was written."""


class Change(NamedTuple):
    """What an operation (or its undo) did: the annotation before and after (None = absent;
    both None when no span changed); the relations it removed and the ones it added (a
    span deleted with its relations, or brought back with them, changes both); and, for a
    change of the document's labels, this annotator's labels before and after."""

    before: Annotation | None
    after: Annotation | None
    relations_removed: tuple[Relation, ...] = ()
    relations_added: tuple[Relation, ...] = ()
    doc_labels_before: frozenset[str] | None = None
    doc_labels_after: frozenset[str] | None = None
    # Several spans at once (accepting every suggestion, or its undo): `before` and
    # `after` are None then.
    spans_removed: tuple[Annotation, ...] = ()
    spans_added: tuple[Annotation, ...] = ()
    # Suggestions rejected, or brought back by undoing a rejection.
    rejected: tuple[Suggestion, ...] = ()
    unrejected: tuple[Suggestion, ...] = ()


class NewSpan(NamedTuple):
    """A span to create in a batch (`*`); `text` is `document.text[start:end]`."""

    start: int
    end: int
    label: str
    text: str


def label_ranges(conn: sqlite3.Connection, annotator: str,
                 label: str) -> dict[int, list[tuple[int, int]]]:
    """(start, end) of this annotator's live spans labelled `label`, by document, sorted."""
    ranges: dict[int, list[tuple[int, int]]] = {}
    for document_id, start, end in conn.execute(
            "SELECT document_id, start, end FROM annotations WHERE annotator = ? AND label = ?"
            " AND deleted_at IS NULL ORDER BY document_id, start, end", (annotator, label)):
        ranges.setdefault(document_id, []).append((start, end))
    return ranges


def create_batches(conn: sqlite3.Connection, annotator: str,
                   batches: dict[int, list[NewSpan]], *,
                   like: Annotation | None = None) -> dict[int, tuple[int, list[Annotation]]]:
    """Create the spans of several documents in one transaction, one `create_spans` event
    per document (its one undo step there): {document id: (event id, spans created)},
    leaving out spans this annotator already has live (checked under the write lock, as
    `create` does) and documents where nothing was left to create. `like` as for
    `AnnotationStore.create_many`."""
    done: dict[int, tuple[int, list[Annotation]]] = {}
    with transaction(conn):
        if like is not None and not AnnotationStore(
                conn, like.document_id, annotator, history=False)._is_current(like, None):
            raise ChangedElsewhere("the span was changed or deleted in another window or"
                                   " process")
        for document_id, spans in batches.items():
            store = AnnotationStore(conn, document_id, annotator, history=False)
            created = store._create_batch(spans)
            if created is not None:
                done[document_id] = created
    return done


def live_annotations(
    conn: sqlite3.Connection, document_id: int, annotators: list[str] | None = None
) -> list[Annotation]:
    """Annotations not deleted, in text order; all annotators' when `annotators` is None."""
    sql, params = _live_query(_COLUMNS, document_id, annotators)
    return [_row(row) for row in conn.execute(sql, params)]


SpanRow = tuple[int, int, str, str, str, str]


def live_span_rows(
    conn: sqlite3.Connection, document_id: int, annotators: list[str] | None = None
) -> list[SpanRow]:
    """(start, end, label, uid, annotator, note) of the annotations `live_annotations`
    returns, in the same order: what drawing needs (the leading fields of
    `reader.annotate.span_index.Span`, in its order), without the covered text or an
    Annotation object per row, which cost about half the open time at 20,000 annotations."""
    sql, params = _live_query("start, end, label, uid, annotator, note", document_id, annotators)
    return conn.execute(sql, params).fetchall()


def _live_query(columns: str, document_id: int,
                annotators: list[str] | None) -> tuple[str, list[Any]]:
    sql = f"SELECT {columns} FROM annotations WHERE document_id = ? AND deleted_at IS NULL"
    params: list[Any] = [document_id]
    if annotators is not None:
        sql += f" AND annotator IN ({', '.join('?' * len(annotators))})"
        params.extend(annotators)
    return sql + " ORDER BY start, end, label, uid", params


class AnnotationStore:
    """One annotator's editing session on one document."""

    def __init__(self, conn: sqlite3.Connection, document_id: int, annotator: str, *,
                 history: bool = True) -> None:
        self.conn = conn
        self.document_id = document_id
        self.annotator = annotator
        self._undo: list[int] = []
        self._redo: list[int] = []
        # The undo history is read from the event log on first use, not here: a document
        # with 20,000 annotations has 20,000 events, tens of ms before the first paint.
        # Until then this session's own operations wait in `_pending`. (`history=False`:
        # a store used for one write inside another's transaction, never undoing.)
        self._history_upto: int = conn.execute(
            "SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0] if history else 0
        self._history_read = False
        self._pending: list[int] = []

    # --- reading -------------------------------------------------------------------------

    def live(self, annotators: list[str] | None = None) -> list[Annotation]:
        return live_annotations(self.conn, self.document_id, annotators)

    def mine(self) -> list[Annotation]:
        return self.live([self.annotator])

    def get(self, uid: str) -> Annotation | None:
        row = self.conn.execute(
            f"SELECT {_COLUMNS} FROM annotations WHERE uid = ? AND deleted_at IS NULL", (uid,)
        ).fetchone()
        return _row(row) if row else None

    def relations(self, annotators: list[str] | None = None) -> list[Relation]:
        """Live relations of the document, in the order they were made; all annotators'
        when `annotators` is None."""
        return live_relations(self.conn, self.document_id, annotators)

    def relations_of(self, span_uid: str) -> list[Relation]:
        """Live relations with the span `span_uid` at either end."""
        return live_relations_of(self.conn, span_uid)

    def get_relation(self, uid: str) -> Relation | None:
        return get_relation(self.conn, uid)

    def doc_labels(self) -> frozenset[str]:
        """This annotator's labels of the whole document."""
        return doc_labels_of(self.conn, self.document_id, self.annotator)

    @property
    def can_undo(self) -> bool:
        self._read_history()
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        self._read_history()
        return bool(self._redo)

    # --- operations ----------------------------------------------------------------------

    def create(self, start: int, end: int, label: str, text: str, note: str = "") -> Annotation:
        """The new span; or, when this annotator already has the same span (offsets and
        label) live here, that one: two windows of one annotator tagging the same words
        must not leave two identical spans. Checked under the write lock."""
        stamp = now_iso()
        annotation = Annotation(new_uid(), self.document_id, start, end, label, text, note,
                                self.annotator, stamp, stamp)
        with transaction(self.conn):
            existing = self._same_live(start, end, label)
            if existing is not None:
                return existing
            self._write(None, annotation)
            event = self._record("create", annotation.uid, None, _span_json(annotation))
        self._push(event)
        return annotation

    def create_many(self, spans: list[NewSpan], *, like: Annotation | None = None) -> Change:
        """Create `spans` in one transaction and one `create_spans` event, so one undo takes
        them all back; spans this annotator already has live are left out
        (`Change.spans_added` lists those created: none when nothing was left to create,
        and then nothing is written). `like`: the span they copy, which must still be live
        and as it was (checked under the write lock; ChangedElsewhere if not)."""
        with transaction(self.conn):
            if like is not None and not self._is_current(like, None):
                raise ChangedElsewhere("the span was changed or deleted in another window or"
                                       " process")
            created = self._create_batch(spans)
        if created is None:
            return Change(None, None)
        event, annotations = created
        self._push(event)
        return Change(None, None, spans_added=tuple(annotations))

    def adopt(self, event_id: int) -> None:
        """Make `event_id`, written for this document by `create_batches`, this session's
        latest undo step."""
        self._push(event_id)

    def _create_batch(self, spans: list[NewSpan]) -> tuple[int, list[Annotation]] | None:
        """Inside a transaction: the spans not already there, written, and their event."""
        stamp = now_iso()
        created: list[Annotation] = []
        seen = self._live_keys({label for _start, _end, label, _text in spans})
        for start, end, label, text in spans:
            if (start, end, label) in seen:
                continue
            seen.add((start, end, label))
            created.append(Annotation(new_uid(), self.document_id, start, end, label, text, "",
                                      self.annotator, stamp, stamp))
        if not created:
            return None
        self.conn.executemany(
            f"INSERT INTO annotations ({_COLUMNS}) VALUES (:uid, :document_id, :start, :end,"
            " :label, :text, :note, :annotator, :created_at, :updated_at, :meta)",
            (annotation._asdict() for annotation in created))
        return self._record("create_spans", None, None, _spans_json(tuple(created))), created

    def delete(self, uid: str) -> Annotation:
        """Delete the span `uid` (and its relations, see `delete_with_relations`)."""
        before = self.delete_with_relations(uid).before
        assert before is not None
        return before

    def delete_with_relations(self, uid: str) -> Change:
        """Delete the span `uid` and every live relation it is an end of, in one transaction
        and one event: undoing it brings back the span and those relations together."""
        with transaction(self.conn):
            before = self._require(uid)  # read under the write lock: no lost update
            relations = tuple(live_relations_of(self.conn, uid))
            soft_delete(self.conn, (relation.uid for relation in relations))
            self._write(before, None)
            event = self._record("delete", uid, _span_json(before, relations), None)
        self._push(event)
        return Change(before, None, relations_removed=relations)

    def set_note(self, uid: str, note: str) -> Annotation:
        with transaction(self.conn):
            before = self._require(uid)
            after = before._replace(note=note, updated_at=now_iso())
            self._write(before, after)
            event = self._record("note", uid, _span_json(before), _span_json(after))
        self._push(event)
        return after

    def relate(self, head_uid: str, child_uid: str, label: str) -> Relation:
        """A new relation head -> child labelled `label`; or, when this annotator already
        has that very relation live, that one (as `create` does for spans).

        Both ends must be live spans of this annotator on this document, checked under the
        write lock: a ValueError for a request that can never succeed (the same span twice,
        an unknown uid, another document's or another annotator's span, no label), a
        ChangedElsewhere for an end deleted meanwhile. Nothing is written then."""
        if head_uid == child_uid:
            raise ValueError("a relation joins two different spans")
        if not label.strip():
            raise ValueError("a relation needs a label")
        stamp = now_iso()
        relation = Relation(new_uid(), self.document_id, head_uid, child_uid, label,
                            self.annotator, stamp, stamp)
        with transaction(self.conn):
            self._require_end(head_uid)
            self._require_end(child_uid)
            existing = same_live_relation(self.conn, relation)
            if existing is not None:
                return existing
            insert_relation(self.conn, relation)
            event = self._record("relate", relation.uid, None, _relation_json(relation))
        self._push(event)
        return relation

    def unrelate(self, uid: str) -> Relation:
        """Delete the relation `uid`; ChangedElsewhere if it is no longer live."""
        with transaction(self.conn):
            before = get_relation(self.conn, uid)
            if before is None:
                raise ChangedElsewhere("the relation was deleted in another window or process")
            soft_delete(self.conn, [uid])
            event = self._record("unrelate", uid, _relation_json(before), None)
        self._push(event)
        return before

    def toggle_doc_label(self, label: str, *, multi: bool) -> Change:
        """Give the document `label`, or take it away if it has it. Single-choice
        (`multi=False`): giving one replaces the labels it had, in the same transaction.
        Decided on the labels as they are under the write lock, not as a window last saw
        them, so two windows never leave two labels in single-choice mode."""
        if not label.strip():
            raise ValueError("a document label needs a name")
        with transaction(self.conn):
            before = doc_labels_of(self.conn, self.document_id, self.annotator)
            if label in before:
                after = before - {label}
            else:
                after = before | {label} if multi else frozenset({label})
            write_doc_labels(self.conn, self.document_id, self.annotator, before, after)
            event = self._record("doc_label", None, _labels_json(before), _labels_json(after))
        self._push(event)
        return Change(None, None, doc_labels_before=before, doc_labels_after=after)

    def accept_suggestion(self, suggestion: Suggestion, text: str) -> Annotation:
        """`suggestion` made a span of this annotator's, its source in the span's meta,
        and marked accepted, in one transaction and one `create` event: undoing it
        deletes the span, and the suggestion is pending again. `text` is the document's.
        ChangedElsewhere, and nothing written, when it was decided on (or the same span
        tagged) in another window or process meanwhile."""
        accepted = self.accept_suggestions([suggestion], text).after
        assert accepted is not None, "one suggestion: accepted, or ChangedElsewhere raised"
        return accepted

    def accept_suggestions(self, suggestions: list[Suggestion], text: str) -> Change:
        """Accept several suggestions in one transaction and one event (one undo step): a
        `create` event for one, `create_spans` for more. Suggestions of the same offsets
        and label (from two sources) make one span. With more than one, those decided on
        elsewhere meanwhile are left out; `spans_added` is empty when none was left."""
        stamp = now_iso()
        created: dict[tuple[int, int, str], Annotation] = {}
        with transaction(self.conn):
            for suggestion in suggestions:
                if suggestion.doc != self.document_id:
                    raise ValueError("that suggestion is for another document")
                span = created.get(suggestion.span)
                if span is None:
                    try:
                        suggestion_id = self._check_undecided(suggestion, text, stamp)
                    except ChangedElsewhere:
                        if len(suggestions) == 1:
                            raise
                        continue
                    span = self._suggested_span(suggestion, text, stamp)
                    self._write(None, span)
                    created[suggestion.span] = span
                else:  # the same span from another source: one span, both accepted
                    suggestion_id = ensure_suggestion(self.conn, suggestion, span.text, stamp)
                    if decision(self.conn, suggestion_id, self.annotator) is not None:
                        continue
                set_decision(self.conn, suggestion_id, self.annotator, "accepted", span.uid)
            spans = tuple(created.values())
            if not spans:
                return Change(None, None)
            if len(spans) == 1:
                event = self._record("create", spans[0].uid, None, _span_json(spans[0]))
            else:
                event = self._record("create_spans", None, None, _spans_json(spans))
        self._push(event)
        if len(spans) == 1:
            return Change(None, spans[0])
        return Change(None, None, spans_added=spans)

    def reject_suggestion(self, suggestion: Suggestion, text: str) -> Change:
        """Remember that this annotator rejects `suggestion`, with a `reject` event (undo
        brings it back). ChangedElsewhere if it was decided on elsewhere meanwhile."""
        if suggestion.doc != self.document_id:
            raise ValueError("that suggestion is for another document")
        with transaction(self.conn):
            suggestion_id = self._check_undecided(suggestion, text, now_iso())
            set_decision(self.conn, suggestion_id, self.annotator, "rejected", None)
            event = self._record("reject", None, _suggestion_json(suggestion, None),
                                 _suggestion_json(suggestion, "rejected"))
        self._push(event)
        return Change(None, None, rejected=(suggestion,))

    def _check_undecided(self, suggestion: Suggestion, text: str, stamp: str) -> int:
        """The suggestion's id (its row added if a live source found it), if this
        annotator has not decided on it nor tagged the same span; else ChangedElsewhere."""
        suggestion_id = ensure_suggestion(
            self.conn, suggestion, text[suggestion.start:suggestion.end], stamp)
        state = decision(self.conn, suggestion_id, self.annotator)
        if state is not None:
            raise ChangedElsewhere(f"it was {state} in another window or process")
        if self._same_live(suggestion.start, suggestion.end, suggestion.label) is not None:
            raise ChangedElsewhere("that span was tagged in another window or process")
        return suggestion_id

    def _suggested_span(self, suggestion: Suggestion, text: str, stamp: str) -> Annotation:
        provenance: dict[str, Any] = {"suggested_by": suggestion.source}
        if suggestion.score is not None:
            provenance["score"] = suggestion.score
        return Annotation(new_uid(), self.document_id, suggestion.start, suggestion.end,
                          suggestion.label, text[suggestion.start:suggestion.end], "",
                          self.annotator, stamp, stamp, _dump(provenance))

    def _live_keys(self, labels: set[str]) -> set[tuple[int, int, str]]:
        """(start, end, label) of this annotator's live spans here with one of `labels`."""
        found: set[tuple[int, int, str]] = set()
        for label in labels:
            found.update(self.conn.execute(
                "SELECT start, end, label FROM annotations WHERE document_id = ?"
                " AND annotator = ? AND label = ? AND deleted_at IS NULL",
                (self.document_id, self.annotator, label)))
        return found

    def _same_live(self, start: int, end: int, label: str) -> Annotation | None:
        """This annotator's live span with these offsets and label here, if any."""
        row = self.conn.execute(
            f"SELECT {_COLUMNS} FROM annotations WHERE document_id = ? AND annotator = ?"
            " AND start = ? AND end = ? AND label = ? AND deleted_at IS NULL LIMIT 1",
            (self.document_id, self.annotator, start, end, label),
        ).fetchone()
        return _row(row) if row is not None else None

    def undo(self) -> Change | None:
        """Revert this annotator's latest operation on this document (None if none is left).
        ChangedElsewhere (and the step leaves the stack; earlier ones may still be undone)
        when what it touched is no longer as it left it."""
        self._read_history()
        if not self._undo:
            return None
        return self._step("undo", self._undo, self._redo)

    def redo(self) -> Change | None:
        self._read_history()
        if not self._redo:
            return None
        return self._step("redo", self._redo, self._undo)

    # --- internals -----------------------------------------------------------------------

    def _step(self, kind: str, stack: list[int], other: list[int]) -> Change:
        """Undo (or redo) the event on top of `stack`: move every row it touched from the
        state it left (or found) to the state it found (or left), after checking under the
        write lock that they are in the state expected."""
        event_id = stack[-1]
        event_kind, uid, before, after = self.conn.execute(
            "SELECT kind, annotation_uid, before, after FROM events WHERE id = ?", (event_id,)
        ).fetchone()
        current, target = (after, before) if kind == "undo" else (before, after)
        with transaction(self.conn):
            try:
                change = self._move(event_kind, current, target)
            except ChangedElsewhere:
                stack.pop()  # this step can no longer be taken; earlier ones may
                raise
            self._record(kind, uid, current, target, ref=event_id)
        other.append(stack.pop())
        return change

    def _move(self, kind: str, current: str | None, target: str | None) -> Change:
        if kind == "create_spans":
            return self._move_spans(_spans_state(current), _spans_state(target))
        if kind == "reject":
            return self._move_rejection(current, target)
        if kind in ("relate", "unrelate"):
            return self._move_relation(_relation_state(current), _relation_state(target))
        if kind == "doc_label":
            now, wanted = _labels_state(current), _labels_state(target)
            if doc_labels_of(self.conn, self.document_id, self.annotator) != now:
                raise ChangedElsewhere(
                    "the document's labels were changed in another window or process")
            write_doc_labels(self.conn, self.document_id, self.annotator, now, wanted)
            return Change(None, None, doc_labels_before=now, doc_labels_after=wanted)
        (span, relations), (wanted_span, wanted_relations) = (
            _span_state(current), _span_state(target))
        if not self._is_current(span, wanted_span):
            raise ChangedElsewhere("it was changed in another window or process")
        if kind == "note":
            self._write(span, wanted_span)
            return Change(span, wanted_span)
        if span is not None and {relation.uid for relation in live_relations_of(
                self.conn, span.uid)} != {relation.uid for relation in relations}:
            raise ChangedElsewhere("its relations were changed in another window or process")
        self._write(span, wanted_span)
        if wanted_span is None:
            soft_delete(self.conn, (relation.uid for relation in relations))
            return Change(span, None, relations_removed=relations)
        revived = tuple(self._revive(relation) for relation in wanted_relations)
        return Change(span, wanted_span, relations_added=revived)

    def _move_spans(self, spans: tuple[Annotation, ...],
                    wanted: tuple[Annotation, ...]) -> Change:
        """Undo (delete every span) or redo (bring every one back) a `create_spans`, if
        each is still as it left them (or still absent), none with a relation. Read and
        written a chunk of spans per statement: `*` may have made tens of thousands."""
        live = self._live_by_uid([span.uid for span in (*spans, *wanted)])
        for span in spans:
            found = live.get(span.uid)
            if found is None or _span_key(found) != _span_key(span):
                raise ChangedElsewhere("a span it made was changed in another window or process")
        if self._any_related([span.uid for span in spans]):
            raise ChangedElsewhere("a span it made has relations now; delete them first")
        if any(span.uid in live for span in wanted):
            raise ChangedElsewhere("a span it made was brought back in another window or"
                                   " process")
        stamp = now_iso()
        self.conn.executemany(
            "UPDATE annotations SET deleted_at = ?, updated_at = ? WHERE uid = ?",
            ((stamp, stamp, span.uid) for span in spans))
        self.conn.executemany(
            "UPDATE annotations SET start = :start, end = :end, label = :label, text = :text,"
            " note = :note, updated_at = :updated_at, deleted_at = NULL WHERE uid = :uid",
            (span._asdict() for span in wanted))
        return Change(None, None, spans_removed=spans, spans_added=wanted)

    def _live_by_uid(self, uids: list[str]) -> dict[str, Annotation]:
        found: dict[str, Annotation] = {}
        for chunk in _chunks(uids):
            found.update((row[0], _row(row)) for row in self.conn.execute(
                f"SELECT {_COLUMNS} FROM annotations WHERE deleted_at IS NULL AND uid IN"
                f" ({', '.join('?' * len(chunk))})", chunk))
        return found

    def _any_related(self, uids: list[str]) -> bool:
        for chunk in _chunks(uids):
            marks = ", ".join("?" * len(chunk))
            if self.conn.execute(
                    f"SELECT 1 FROM relations WHERE deleted_at IS NULL AND (head_uid IN ({marks})"
                    f" OR child_uid IN ({marks})) LIMIT 1", chunk + chunk).fetchone():
                return True
        return False

    def _move_rejection(self, current: str | None, target: str | None) -> Change:
        """Undo a rejection (the suggestion is pending again) or redo it, if this
        annotator's decision is still what the step left."""
        suggestion, now = _suggestion_state(current, self.document_id)
        _, wanted = _suggestion_state(target, self.document_id)
        suggestion_id = find_suggestion(self.conn, self.document_id, suggestion.key)
        if suggestion_id is None or decision(self.conn, suggestion_id, self.annotator) != now:
            raise ChangedElsewhere("the suggestion was decided on in another window or process")
        if wanted is None:
            clear_decision(self.conn, suggestion_id, self.annotator)
            return Change(None, None, unrejected=(suggestion,))
        set_decision(self.conn, suggestion_id, self.annotator, wanted, None)
        return Change(None, None, rejected=(suggestion,))

    def _move_relation(self, relation: Relation | None, wanted: Relation | None) -> Change:
        if relation is not None:  # undo of relate, redo of unrelate: it must be live
            if get_relation(self.conn, relation.uid) is None:
                raise ChangedElsewhere("the relation was deleted in another window or process")
            soft_delete(self.conn, [relation.uid])
            return Change(None, None, relations_removed=(relation,))
        assert wanted is not None, "a relation event has a state before or after"
        return Change(None, None, relations_added=(self._revive(wanted),))

    def _revive(self, relation: Relation) -> Relation:
        """Make `relation` live again, if both its ends are live (the span an undo brings
        back is by then) and no identical relation was made meanwhile."""
        for end in (relation.head_uid, relation.child_uid):
            if self.get(end) is None:
                raise ChangedElsewhere("a span it joins was deleted in another window or process")
        if get_relation(self.conn, relation.uid) is not None \
                or same_live_relation(self.conn, relation) is not None:
            raise ChangedElsewhere("the relation was made again in another window or process")
        return revive_relation(self.conn, relation)

    def _require_end(self, uid: str) -> None:
        """Refuse a relation end that is not a live span of this annotator here."""
        row = self.conn.execute(
            "SELECT document_id, annotator, deleted_at FROM annotations WHERE uid = ?", (uid,)
        ).fetchone()
        if row is None or row[0] != self.document_id:
            raise ValueError(f"span {uid} is not in this document")
        if row[1] != self.annotator:
            raise ValueError("a relation joins two of your own spans")
        if row[2] is not None:
            raise ChangedElsewhere("a span it joins was deleted in another window or process")

    def _require(self, uid: str) -> Annotation:
        annotation = self.get(uid)
        if annotation is None:
            raise ChangedElsewhere("it was deleted in another window or process")
        return annotation

    def _is_current(self, state: Annotation | None, other: Annotation | None) -> bool:
        """Whether the table holds `state` (None: no live row) for the annotation an event
        touched, `other` naming it when `state` is None. Undo and redo check this under the
        write lock, so a step never resurrects a span another process deleted or overwrites
        a note it changed."""
        uid = (state or other).uid  # type: ignore[union-attr]
        live = self.get(uid)
        if state is None or live is None:
            return state is None and live is None
        return (live.start, live.end, live.label, live.text, live.note) == (
            state.start, state.end, state.label, state.text, state.note)

    def _push(self, event_id: int) -> None:
        if not self._history_read:
            self._pending.append(event_id)
            return
        self._undo.append(event_id)
        self._redo.clear()

    def _write(self, before: Annotation | None, after: Annotation | None) -> None:
        """Move the annotations table from state `before` to state `after`."""
        if after is None:
            assert before is not None
            self.conn.execute(
                "UPDATE annotations SET deleted_at = ?, updated_at = ? WHERE uid = ?",
                (now_iso(), now_iso(), before.uid),
            )
            return
        values = after._asdict()
        exists = self.conn.execute(
            "SELECT 1 FROM annotations WHERE uid = ?", (after.uid,)
        ).fetchone()
        if exists:
            self.conn.execute(
                "UPDATE annotations SET start = :start, end = :end, label = :label,"
                " text = :text, note = :note, updated_at = :updated_at, deleted_at = NULL"
                " WHERE uid = :uid",
                values,
            )
        else:
            self.conn.execute(
                f"INSERT INTO annotations ({_COLUMNS}) VALUES (:uid, :document_id, :start, :end,"
                " :label, :text, :note, :annotator, :created_at, :updated_at, :meta)",
                values,
            )

    def _record(self, kind: str, uid: str | None, before: str | None, after: str | None,
                ref: int | None = None) -> int:
        """Append an event; `before` and `after` are the JSON of the states (see schema)."""
        cursor = self.conn.execute(
            "INSERT INTO events (document_id, annotator, kind, annotation_uid, ref, before, after,"
            " at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (self.document_id, self.annotator, kind, uid, ref, before, after, now_iso()),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def _read_history(self) -> None:
        """Rebuild the undo and redo stacks from the event log as it was when this store
        was opened, so `u` works after a restart; then replay this session's operations."""
        if self._history_read:
            return
        undo: list[int] = []
        redo: list[int] = []
        for event_id, kind, ref in self.conn.execute(
            "SELECT id, kind, ref FROM events WHERE document_id = ? AND annotator = ?"
            " AND id <= ? ORDER BY id",
            (self.document_id, self.annotator, self._history_upto),
        ):
            if kind == "undo":
                if undo and undo[-1] == ref:
                    redo.append(undo.pop())
            elif kind == "redo":
                if redo and redo[-1] == ref:
                    undo.append(redo.pop())
            elif kind in UNDOABLE:  # not `import`: bulk loads are history, not keystrokes
                undo.append(event_id)
                redo.clear()
        self._undo, self._redo, self._history_read = undo, redo, True
        for event_id in self._pending:
            self._push(event_id)
        self._pending.clear()


# --- the JSON of event states (events.before and events.after) ---------------------------
# create, delete, note: the annotation; a delete that took relations with it adds
# "relations": [relation, ...]. relate, unrelate: the relation. doc_label: {"labels": [...]},
# the annotator's labels of the document. undo, redo: the states of the event they undo or
# redo, the other way round for undo.


def _dump(fields: dict[str, Any]) -> str:
    import json  # on the first edit: `reader open` need not import it before its paint

    return json.dumps(fields, ensure_ascii=False)


def _load(raw: str) -> Any:
    import json

    return json.loads(raw)


def _span_json(annotation: Annotation, relations: tuple[Relation, ...] = ()) -> str:
    fields: dict[str, Any] = annotation._asdict()
    if relations:
        fields["relations"] = [relation._asdict() for relation in relations]
    return _dump(fields)


def _span_key(span: Annotation) -> tuple[int, int, str, str, str]:
    return span.start, span.end, span.label, span.text, span.note


def _chunks(items: list[str], size: int = 400) -> list[list[str]]:
    """Pieces small enough for SQLite's limit on bound parameters (twice over)."""
    return [items[index:index + size] for index in range(0, len(items), size)]


def _spans_json(spans: tuple[Annotation, ...]) -> str:
    return _dump({"spans": [span._asdict() for span in spans]})


def _suggestion_json(suggestion: Suggestion, state: str | None) -> str:
    """A suggestion in an event: its identity within the event's document, and this
    annotator's decision on it (None: none)."""
    return _dump({"suggestion": {"start": suggestion.start, "end": suggestion.end,
                                 "label": suggestion.label, "source": suggestion.source},
                  "state": state})


def _relation_json(relation: Relation) -> str:
    return _dump(relation._asdict())


def _labels_json(labels: frozenset[str]) -> str:
    return _dump({"labels": sorted(labels)})


def _span_state(raw: str | None) -> tuple[Annotation | None, tuple[Relation, ...]]:
    if raw is None:
        return None, ()
    fields = _load(raw)
    relations = tuple(relation_from_json(item) for item in fields.pop("relations", ()))
    return Annotation(**fields), relations


def _spans_state(raw: str | None) -> tuple[Annotation, ...]:
    if raw is None:
        return ()
    return tuple(Annotation(**fields) for fields in _load(raw)["spans"])


def _suggestion_state(raw: str | None, document_id: int) -> tuple[Suggestion, str | None]:
    assert raw is not None, "a reject event records the suggestion before and after"
    loaded = _load(raw)
    fields = loaded["suggestion"]
    return Suggestion(document_id, fields["start"], fields["end"], fields["label"],
                      fields["source"]), loaded["state"]


def _relation_state(raw: str | None) -> Relation | None:
    return relation_from_json(_load(raw)) if raw is not None else None


def _labels_state(raw: str | None) -> frozenset[str]:
    return frozenset(_load(raw)["labels"]) if raw is not None else frozenset()
