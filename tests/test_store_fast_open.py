"""What keeps opening a heavily annotated document cheap: the undo history is read from the
event log on first use, not at open (whatever the order of operations, restarts and other
writers, a store behaves as if it had read it at open), and the span rows for drawing come
without Annotation objects."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.annotate.span_index import Span
from reader.store.annotations import AnnotationStore, live_annotations, live_span_rows
from reader.store.database import connect
from reader.store.documents import add_document
from reader.text.loading import LoadedText

TEXT = "Alice met Bob and Carol in Dublin on Monday"
WORDS = [(0, 5), (10, 13), (18, 23), (27, 33), (37, 43)]

operations = st.lists(
    st.one_of(
        st.tuples(st.just("create"), st.integers(0, len(WORDS) - 1)),
        st.tuples(st.just("delete"), st.integers(0, 20)),
        st.tuples(st.just("note"), st.integers(0, 20)),
        st.just(("undo",)),
        st.just(("redo",)),
        st.just(("restart",)),
        st.just(("other writer",)),  # another process, same annotator, same document
    ),
    max_size=30,
)


class Side:
    """One database and its store; `eager` reads the history as soon as a store opens."""

    def __init__(self, folder: Path, eager: bool) -> None:
        self.path = folder / ("eager.db" if eager else "lazy.db")
        self.eager = eager
        self.others = 0
        self.conn = connect(self.path)
        self.document_id = add_document(self.conn, LoadedText.from_text(TEXT, "/t.txt"))[0].id
        self.store = self.open()

    def open(self) -> AnnotationStore:
        store = AnnotationStore(self.conn, self.document_id, "me")
        if self.eager:
            assert store.can_undo in (True, False)  # reads the history now
        return store

    def apply(self, operation: tuple[object, ...]) -> object:
        store = self.store
        kind = operation[0]
        mine = store.mine()
        if kind == "create":
            start, end = WORDS[operation[1]]  # type: ignore[index]
            if any((a.start, a.end, a.label) == (start, end, "actor") for a in mine):
                return "exists"  # keep (start, end, label) unique: `mine` then sorts alike
            return store.create(start, end, "actor", TEXT[start:end]).start
        if kind in ("delete", "note"):
            if not mine:
                return None
            target = mine[operation[1] % len(mine)]  # type: ignore[operator]
            if kind == "delete":
                return store.delete(target.uid).start
            return store.set_note(target.uid, f"note {len(mine)}").note
        if kind in ("undo", "redo"):
            change = store.undo() if kind == "undo" else store.redo()
            return None if change is None else (change.before is None, change.after is None)
        if kind == "restart":
            self.store = self.open()
            return None
        self.others += 1
        other = AnnotationStore(connect(self.path), self.document_id, "me")
        other.create(*WORDS[0], f"topic{self.others}", TEXT[slice(*WORDS[0])])
        other.conn.close()
        return None

    def state(self) -> list[tuple[int, int, str, str]]:
        return [(a.start, a.end, a.label, a.note) for a in self.store.live()]


@settings(max_examples=60, deadline=None)
@given(operations)
def test_lazy_history_behaves_like_history_read_at_open(ops: list[tuple[object, ...]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        eager, lazy = Side(Path(folder), eager=True), Side(Path(folder), eager=False)
        try:
            for operation in ops:
                assert eager.apply(operation) == lazy.apply(operation), operation
                assert eager.state() == lazy.state()
                assert (eager.store.can_undo, eager.store.can_redo) == (
                    lazy.store.can_undo, lazy.store.can_redo)
        finally:
            eager.conn.close()
            lazy.conn.close()


def test_opening_reads_no_event(tmp_path: Path) -> None:
    conn = connect(tmp_path / "a.db")
    document_id = add_document(conn, LoadedText.from_text(TEXT, "/t.txt"))[0].id
    first = AnnotationStore(conn, document_id, "me")
    first.create(0, 5, "actor", "Alice")
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    reopened = AnnotationStore(conn, document_id, "me")
    assert not any("FROM events WHERE" in sql for sql in statements)
    reopened.create(10, 13, "actor", "Bob")
    assert reopened.undo() is not None  # Bob
    assert reopened.undo() is not None  # Alice, from the earlier session
    assert reopened.undo() is None
    assert [a.text for a in reopened.live()] == []
    conn.set_trace_callback(None)
    assert isinstance(conn, sqlite3.Connection)


def test_live_span_rows_are_live_annotations_in_short(tmp_path: Path) -> None:
    conn = connect(tmp_path / "a.db")
    document_id = add_document(conn, LoadedText.from_text(TEXT, "/t.txt"))[0].id
    me, other = AnnotationStore(conn, document_id, "me"), AnnotationStore(conn, document_id, "bo")
    for store, (start, end), label in [(me, WORDS[2], "actor"), (other, WORDS[0], "topic"),
                                       (me, WORDS[0], "actor"), (me, WORDS[4], "topic")]:
        store.create(start, end, label, TEXT[start:end])
    me.set_note(me.mine()[0].uid, "first")
    me.delete(me.mine()[-1].uid)
    for annotators in (None, ["me"], ["bo"], []):
        expected = [(a.start, a.end, a.label, a.uid, a.annotator, a.note)
                    for a in live_annotations(conn, document_id, annotators)]
        assert live_span_rows(conn, document_id, annotators) == expected
    spans = [Span(*row) for row in live_span_rows(conn, document_id)]
    assert [TEXT[s.start:s.end] for s in spans] == ["Alice", "Alice", "Carol"]
    assert spans[0].note == "first"
