"""Annotations of one document by one annotator: every operation is committed, with an
event, before it returns; undo and redo are events too, so history survives a restart."""

from __future__ import annotations

import json
import sqlite3
from typing import Any, NamedTuple

from reader.store.database import now_iso, transaction

UNDOABLE = frozenset({"create", "delete", "note"})


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


_COLUMNS = "uid, document_id, start, end, label, text, note, annotator, created_at, updated_at"


def _row(row: tuple[Any, ...]) -> Annotation:
    return Annotation(*row)


def new_uid() -> str:
    import uuid  # here, not at start-up: uuid pulls in platform probing

    return uuid.uuid4().hex


class ChangedElsewhere(Exception):
    """The annotation is not in the state this session last saw: another process (or another
    window of the same annotator) changed or deleted it. Nothing was written."""


class Change(NamedTuple):
    """What an operation (or its undo) did: the annotation before and after (None = absent)."""

    before: Annotation | None
    after: Annotation | None


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

    def __init__(self, conn: sqlite3.Connection, document_id: int, annotator: str) -> None:
        self.conn = conn
        self.document_id = document_id
        self.annotator = annotator
        self._undo: list[int] = []
        self._redo: list[int] = []
        # The undo history is read from the event log on first use, not here: a document
        # with 20,000 annotations has 20,000 events, tens of ms before the first paint.
        # Until then this session's own operations wait in `_pending`.
        (self._history_upto,) = conn.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()
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
            existing = self.conn.execute(
                f"SELECT {_COLUMNS} FROM annotations WHERE document_id = ? AND annotator = ?"
                " AND start = ? AND end = ? AND label = ? AND deleted_at IS NULL LIMIT 1",
                (self.document_id, self.annotator, start, end, label),
            ).fetchone()
            if existing is not None:
                return _row(existing)
            self._write(None, annotation)
            event = self._record("create", annotation.uid, None, annotation)
        self._push(event)
        return annotation

    def delete(self, uid: str) -> Annotation:
        with transaction(self.conn):
            before = self._require(uid)  # read under the write lock: no lost update
            self._write(before, None)
            event = self._record("delete", uid, before, None)
        self._push(event)
        return before

    def set_note(self, uid: str, note: str) -> Annotation:
        with transaction(self.conn):
            before = self._require(uid)
            after = before._replace(note=note, updated_at=now_iso())
            self._write(before, after)
            event = self._record("note", uid, before, after)
        self._push(event)
        return after

    def undo(self) -> Change | None:
        """Revert this annotator's latest operation on this document (None if none is left)."""
        self._read_history()
        if not self._undo:
            return None
        event_id = self._undo[-1]
        before, after = self._event_states(event_id)
        with transaction(self.conn):
            if not self._is_current(after, before):
                self._undo.pop()  # this step can no longer be undone; earlier ones may
                raise ChangedElsewhere("it was changed in another window or process")
            self._write(after, before)
            self._record("undo", (before or after).uid, after, before, ref=event_id)  # type: ignore[union-attr]
        self._redo.append(self._undo.pop())
        return Change(after, before)

    def redo(self) -> Change | None:
        self._read_history()
        if not self._redo:
            return None
        event_id = self._redo[-1]
        before, after = self._event_states(event_id)
        with transaction(self.conn):
            if not self._is_current(before, after):
                self._redo.pop()
                raise ChangedElsewhere("it was changed in another window or process")
            self._write(before, after)
            self._record("redo", (before or after).uid, before, after, ref=event_id)  # type: ignore[union-attr]
        self._undo.append(self._redo.pop())
        return Change(before, after)

    # --- internals -----------------------------------------------------------------------

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
                " :label, :text, :note, :annotator, :created_at, :updated_at)",
                values,
            )

    def _record(self, kind: str, uid: str, before: Annotation | None,
                after: Annotation | None, ref: int | None = None) -> int:
        cursor = self.conn.execute(
            "INSERT INTO events (document_id, annotator, kind, annotation_uid, ref, before, after,"
            " at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (self.document_id, self.annotator, kind, uid, ref,
             json.dumps(before._asdict(), ensure_ascii=False) if before else None,
             json.dumps(after._asdict(), ensure_ascii=False) if after else None, now_iso()),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def _event_states(self, event_id: int) -> tuple[Annotation | None, Annotation | None]:
        before, after = self.conn.execute(
            "SELECT before, after FROM events WHERE id = ?", (event_id,)
        ).fetchone()
        return (
            Annotation(**json.loads(before)) if before else None,
            Annotation(**json.loads(after)) if after else None,
        )

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
