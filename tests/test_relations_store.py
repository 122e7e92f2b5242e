"""Relations and document labels in the store (issue 10): each operation one transaction with
one event, on the same undo stack as spans, undoable across restarts; deleting a span takes
its relations with it and undo brings both back; a state changed by another process is
detected under the write lock and never overwritten or resurrected."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.store.annotations import Annotation, AnnotationStore, ChangedElsewhere
from reader.store.database import connect
from reader.store.documents import add_document
from reader.store.relations import Relation, live_doc_labels, live_relations
from reader.text.loading import LoadedText

TEXT = "Mayor Ana promised new trucks for Lyon and a tram"
WORDS = {"Mayor": (0, 5), "Ana": (6, 9), "promised": (10, 18), "trucks": (23, 29),
         "Lyon": (34, 38), "tram": (45, 49)}


def span(store: AnnotationStore, word: str, label: str) -> Annotation:
    start, end = WORDS[word]
    return store.create(start, end, label, TEXT[start:end])


def events(store: AnnotationStore) -> list[tuple[str, str | None]]:
    return [tuple(row) for row in store.conn.execute(
        "SELECT kind, annotation_uid FROM events ORDER BY id")]


def live_uids(store: AnnotationStore) -> tuple[list[str], list[str]]:
    return [a.uid for a in store.live()], [r.uid for r in store.relations()]


@pytest.fixture
def path(tmp_path: Path) -> Path:
    db = tmp_path / "shared.db"
    conn = connect(db)
    add_document(conn, LoadedText.from_text(TEXT, "/a.txt"))
    add_document(conn, LoadedText.from_text("Another text entirely", "/b.txt"))
    conn.close()
    return db


def open_store(path: Path, annotator: str = "me", document_id: int = 1) -> AnnotationStore:
    return AnnotationStore(connect(path), document_id, annotator)


def test_relate_lists_by_document_and_span_and_undoes_across_restarts(path: Path) -> None:
    store = open_store(path)
    ana, promised = span(store, "Ana", "actor"), span(store, "promised", "commitment")
    by = store.relate(promised.uid, ana.uid, "by")
    assert (by.head_uid, by.child_uid, by.label, by.annotator) == (promised.uid, ana.uid, "by",
                                                                  "me")
    assert store.relations() == [by] == store.relations_of(ana.uid) == \
        store.relations_of(promised.uid)
    assert store.get_relation(by.uid) == by
    assert events(store)[-1] == ("relate", by.uid)
    after = json.loads(store.conn.execute("SELECT after FROM events WHERE kind = 'relate'")
                       .fetchone()[0])
    assert Relation(**after) == by
    store.conn.close()

    restarted = open_store(path)
    undone = restarted.undo()
    assert undone is not None and undone.relations_removed == (by,)
    assert (undone.before, undone.after, undone.relations_added) == (None, None, ())
    assert restarted.relations() == [] and restarted.get_relation(by.uid) is None
    redone = restarted.redo()
    assert redone is not None and [r.uid for r in redone.relations_added] == [by.uid]
    assert restarted.relations() == list(redone.relations_added)
    assert restarted.unrelate(by.uid) == redone.relations_added[0]
    assert restarted.relations() == [] and events(restarted)[-1] == ("unrelate", by.uid)
    back = restarted.undo()
    assert back is not None and restarted.relations() == list(back.relations_added)
    assert len(live_uids(restarted)[0]) == 2, "the spans were never touched"


def test_requests_that_can_never_succeed_are_refused_and_write_nothing(path: Path) -> None:
    store = open_store(path)
    ana, promised = span(store, "Ana", "actor"), span(store, "promised", "commitment")
    theirs = span(open_store(path, "bob"), "Lyon", "topic")
    elsewhere = open_store(path, document_id=2).create(0, 7, "topic", "Another")
    before = events(store)
    with pytest.raises(ValueError, match="two different spans"):
        store.relate(ana.uid, ana.uid, "by")
    with pytest.raises(ValueError, match="needs a label"):
        store.relate(promised.uid, ana.uid, " ")
    with pytest.raises(ValueError, match="not in this document"):
        store.relate(promised.uid, "no-such-uid", "by")
    with pytest.raises(ValueError, match="not in this document"):
        store.relate(promised.uid, elsewhere.uid, "about")
    with pytest.raises(ValueError, match="two of your own spans"):
        store.relate(promised.uid, theirs.uid, "about")
    store.delete(ana.uid)
    before = events(store)
    with pytest.raises(ChangedElsewhere):
        store.relate(promised.uid, ana.uid, "by")
    assert events(store) == before and store.relations() == []


def test_the_same_relation_twice_is_one_relation(path: Path) -> None:
    store = open_store(path)
    ana, promised = span(store, "Ana", "actor"), span(store, "promised", "commitment")
    first = store.relate(promised.uid, ana.uid, "by")
    count = len(events(store))
    assert store.relate(promised.uid, ana.uid, "by") == first
    assert len(events(store)) == count
    other = store.relate(promised.uid, ana.uid, "about")  # another label: another relation
    reverse = store.relate(ana.uid, promised.uid, "by")  # directed: another relation
    assert store.relations() == [first, other, reverse]


def test_deleting_a_span_deletes_its_relations_in_one_event_and_undo_restores_both(
        path: Path) -> None:
    store = open_store(path)
    ana, promised = span(store, "Ana", "actor"), span(store, "promised", "commitment")
    lyon, tram = span(store, "Lyon", "topic"), span(store, "tram", "topic")
    by = store.relate(promised.uid, ana.uid, "by")
    about = store.relate(promised.uid, lyon.uid, "about")
    kept = store.relate(tram.uid, lyon.uid, "about")  # does not touch `promised`
    count = len(events(store))

    change = store.delete_with_relations(promised.uid)
    assert change.before == promised and change.after is None
    assert change.relations_removed == (by, about) and change.relations_added == ()
    assert store.relations() == [kept]
    assert len(events(store)) == count + 1 and events(store)[-1] == ("delete", promised.uid)
    recorded = json.loads(store.conn.execute(
        "SELECT before FROM events ORDER BY id DESC LIMIT 1").fetchone()[0])
    assert [r["uid"] for r in recorded["relations"]] == [by.uid, about.uid]
    store.conn.close()

    restarted = open_store(path)  # the undo works after a restart too
    undone = restarted.undo()
    assert undone is not None and undone.before is None and undone.after == promised
    assert [r.uid for r in undone.relations_added] == [by.uid, about.uid]
    assert {r.uid for r in restarted.relations()} == {by.uid, about.uid, kept.uid}
    redone = restarted.redo()
    assert redone is not None and redone.after is None
    assert [r.uid for r in redone.relations_removed] == [by.uid, about.uid]
    assert restarted.relations() == [kept] and restarted.get(promised.uid) is None
    # the plain `delete` cascades too
    restarted.undo()
    restarted.delete(lyon.uid)
    assert [r.uid for r in restarted.relations()] == [by.uid]


def test_spans_relations_and_document_labels_share_one_undo_stack(path: Path) -> None:
    store = open_store(path)
    ana = span(store, "Ana", "actor")
    promised = span(store, "promised", "commitment")
    by = store.relate(promised.uid, ana.uid, "by")
    store.toggle_doc_label("relevant", multi=False)
    store.set_note(ana.uid, "the mayor")
    steps = []
    while (change := store.undo()) is not None:
        steps.append(change)
    assert [(c.before is not None, c.after is not None, len(c.relations_removed),
             c.doc_labels_before) for c in steps] == [
        (True, True, 0, None),  # the note
        (False, False, 0, frozenset({"relevant"})),  # the document label
        (False, False, 1, None),  # the relation
        (True, False, 0, None),  # promised
        (True, False, 0, None),  # Ana
    ]
    assert steps[2].relations_removed == (by,)
    assert store.live() == [] and store.relations() == [] and store.doc_labels() == frozenset()
    for _ in steps:
        assert store.redo() is not None
    assert store.doc_labels() == {"relevant"} and [r.uid for r in store.relations()] == [by.uid]
    assert [a.note for a in store.live()] == ["the mayor", ""]


def test_document_labels_single_choice_replaces_in_one_event_multi_adds(path: Path) -> None:
    store = open_store(path)
    change = store.toggle_doc_label("relevant", multi=False)
    assert (change.doc_labels_before, change.doc_labels_after) == (frozenset(),
                                                                  frozenset({"relevant"}))
    count = len(events(store))
    change = store.toggle_doc_label("irrelevant", multi=False)
    assert (change.doc_labels_before, change.doc_labels_after) == (
        frozenset({"relevant"}), frozenset({"irrelevant"}))
    assert len(events(store)) == count + 1 and events(store)[-1] == ("doc_label", None)
    assert store.doc_labels() == {"irrelevant"}
    store.toggle_doc_label("sports", multi=True)
    store.toggle_doc_label("politics", multi=True)
    assert store.doc_labels() == {"irrelevant", "sports", "politics"}
    assert store.toggle_doc_label("sports", multi=True).doc_labels_after == frozenset({
        "irrelevant", "politics"})
    assert store.toggle_doc_label("politics", multi=False).doc_labels_after == frozenset(
        {"irrelevant"})
    open_store(path, "bob").toggle_doc_label("relevant", multi=False)
    assert live_doc_labels(store.conn, 1) == {"bob": {"relevant"}, "me": {"irrelevant"}}
    store.conn.close()

    restarted = open_store(path)
    assert restarted.doc_labels() == {"irrelevant"}
    for expected in ({"irrelevant", "politics"}, {"irrelevant", "sports", "politics"},
                     {"irrelevant", "sports"}, {"irrelevant"}, {"relevant"}, set()):
        undone = restarted.undo()
        assert undone is not None and undone.doc_labels_after == frozenset(expected)
        assert restarted.doc_labels() == expected
    assert restarted.undo() is None
    rows = restarted.conn.execute(
        "SELECT label, count(*) FROM doc_labels WHERE annotator = 'me' GROUP BY label").fetchall()
    assert all(count == 1 for _, count in rows), "one row per label, revived, never doubled"
    with pytest.raises(ValueError):
        restarted.toggle_doc_label("", multi=False)


# --- two processes (two connections) on one database ---------------------------------------


@pytest.fixture
def two(path: Path) -> tuple[AnnotationStore, AnnotationStore]:
    """The same annotator in two windows."""
    return open_store(path), open_store(path)


def test_a_relation_to_a_span_deleted_elsewhere_is_refused(two) -> None:  # type: ignore[no-untyped-def]
    a, b = two
    ana, promised = span(a, "Ana", "actor"), span(a, "promised", "commitment")
    b.delete(ana.uid)
    count = len(events(a))
    with pytest.raises(ChangedElsewhere, match="deleted in another window"):
        a.relate(promised.uid, ana.uid, "by")
    assert len(events(a)) == count and a.relations() == []


def test_unrelate_of_a_relation_deleted_elsewhere_changes_nothing(two) -> None:  # type: ignore[no-untyped-def]
    a, b = two
    ana, promised = span(a, "Ana", "actor"), span(a, "promised", "commitment")
    by = a.relate(promised.uid, ana.uid, "by")
    b.unrelate(by.uid)
    count = len(events(a))
    with pytest.raises(ChangedElsewhere):
        a.unrelate(by.uid)
    with pytest.raises(ChangedElsewhere):
        a.undo()  # the relate: the relation is already gone
    assert len(events(a)) == count and a.relations() == []
    assert a.undo() is not None, "the earlier steps can still be undone"


def test_undo_of_an_unrelate_when_an_end_was_deleted_elsewhere(two) -> None:  # type: ignore[no-untyped-def]
    a, b = two
    ana, promised = span(a, "Ana", "actor"), span(a, "promised", "commitment")
    by = a.relate(promised.uid, ana.uid, "by")
    a.unrelate(by.uid)
    b.delete(ana.uid)
    with pytest.raises(ChangedElsewhere, match="a span it joins was deleted"):
        a.undo()
    assert a.relations() == [] and a.get(ana.uid) is None
    assert live_relations(a.conn, 1) == []


def test_undo_of_a_cascade_delete_already_undone_elsewhere_restores_nothing_twice(
        path: Path) -> None:
    a = open_store(path)
    ana, promised = span(a, "Ana", "actor"), span(a, "promised", "commitment")
    by = a.relate(promised.uid, ana.uid, "by")
    a.delete_with_relations(ana.uid)
    b = open_store(path)  # opened later: its history holds the deletion too
    assert b.undo() is not None  # B brings back the span and the relation
    count = len(events(a))
    with pytest.raises(ChangedElsewhere):
        a.undo()
    assert len(events(a)) == count
    assert [r.uid for r in a.relations()] == [by.uid] and len(a.live()) == 2


def test_undo_of_a_cascade_delete_after_the_relation_was_deleted_again_elsewhere(
        path: Path) -> None:
    """B brings the span and its relation back, then deletes the relation alone: A's undo
    of the deletion finds the span live and restores nothing."""
    a = open_store(path)
    ana, promised = span(a, "Ana", "actor"), span(a, "promised", "commitment")
    by = a.relate(promised.uid, ana.uid, "by")
    a.delete_with_relations(promised.uid)
    b = open_store(path)
    b.undo()
    b.unrelate(by.uid)
    with pytest.raises(ChangedElsewhere):
        a.undo()
    assert a.relations() == [] and len(a.live()) == 2


def test_undo_of_a_cascade_delete_when_the_other_end_was_deleted_elsewhere(  # type: ignore[no-untyped-def]
        two) -> None:
    a, b = two
    ana, promised = span(a, "Ana", "actor"), span(a, "promised", "commitment")
    a.relate(promised.uid, ana.uid, "by")
    a.delete_with_relations(promised.uid)
    b.delete(ana.uid)
    count = len(events(a))
    with pytest.raises(ChangedElsewhere, match="a span it joins was deleted"):
        a.undo()  # all or nothing: not the span without its relation
    assert len(events(a)) == count
    assert a.live() == [] and a.relations() == []


def test_redo_of_a_relate_when_the_same_relation_was_made_elsewhere(two) -> None:  # type: ignore[no-untyped-def]
    a, b = two
    ana, promised = span(a, "Ana", "actor"), span(a, "promised", "commitment")
    a.relate(promised.uid, ana.uid, "by")
    a.undo()
    theirs = b.relate(promised.uid, ana.uid, "by")
    with pytest.raises(ChangedElsewhere, match="made again"):
        a.redo()
    assert a.relations() == [theirs]


def test_undo_of_a_span_that_got_a_relation_elsewhere_keeps_both(two) -> None:  # type: ignore[no-untyped-def]
    a, b = two
    ana = span(a, "Ana", "actor")
    promised = span(b, "promised", "commitment")
    by = b.relate(promised.uid, ana.uid, "by")
    with pytest.raises(ChangedElsewhere, match="relations were changed"):
        a.undo()  # the creation of Ana: deleting it would take B's relation with it
    assert a.get(ana.uid) == ana and a.relations() == [by]


def test_redo_of_a_cascade_delete_when_relations_changed_elsewhere(two) -> None:  # type: ignore[no-untyped-def]
    a, b = two
    ana, promised = span(a, "Ana", "actor"), span(a, "promised", "commitment")
    lyon = span(a, "Lyon", "topic")
    a.relate(promised.uid, ana.uid, "by")
    a.delete_with_relations(promised.uid)
    a.undo()
    about = b.relate(promised.uid, lyon.uid, "about")
    with pytest.raises(ChangedElsewhere):
        a.redo()  # it would delete `about`, which it never saw
    assert a.get(promised.uid) is not None and about in a.relations()


def test_document_labels_in_two_windows(two) -> None:  # type: ignore[no-untyped-def]
    a, b = two
    a.toggle_doc_label("relevant", multi=False)
    b.toggle_doc_label("irrelevant", multi=False)  # decided on what is there now
    assert a.doc_labels() == b.doc_labels() == {"irrelevant"}
    with pytest.raises(ChangedElsewhere, match="labels were changed"):
        a.undo()
    assert a.doc_labels() == {"irrelevant"}


def test_the_schema_refuses_a_relation_to_no_span(path: Path) -> None:
    conn = connect(path)
    insert = ("INSERT INTO relations (uid, document_id, head_uid, child_uid, label, annotator,"
              " created_at, updated_at) VALUES ('r', 1, ?, ?, 'by', 'me', 't', 't')")
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        conn.execute(insert, ("nothing", "nothing either"))
    ana = span(AnnotationStore(conn, 1, "me"), "Ana", "actor")
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        conn.execute(insert, (ana.uid, ana.uid))


# --- any sequence of operations behaves like a plain undo history of states ---------------

OPERATIONS = st.lists(st.one_of(
    st.tuples(st.just("tag"), st.sampled_from(sorted(WORDS)), st.sampled_from(["a", "b"])),
    st.tuples(st.just("delete"), st.integers(0, 9)),
    st.tuples(st.just("relate"), st.integers(0, 9), st.integers(0, 9),
              st.sampled_from(["by", "about"])),
    st.tuples(st.just("unrelate"), st.integers(0, 9)),
    st.tuples(st.just("label"), st.sampled_from(["x", "y", "z"]), st.booleans()),
    st.just(("undo",)), st.just(("redo",)), st.just(("restart",)),
), max_size=40)

State = tuple[frozenset[str], frozenset[str], frozenset[str]]


def state_of(store: AnnotationStore) -> State:
    return (frozenset(a.uid for a in store.live()),
            frozenset(r.uid for r in store.relations()), store.doc_labels())


@settings(max_examples=80, deadline=None)
@given(OPERATIONS)
def test_any_sequence_undoes_and_redoes_whole_states(ops: list[tuple[object, ...]]) -> None:
    """A model of the history as whole states (spans, relations, labels): every operation
    that writes pushes the state before it, undo and redo move between them exactly, across
    restarts; and no live relation ever has an end that is not a live span."""
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "h.db"
        conn = connect(db)
        add_document(conn, LoadedText.from_text(TEXT, "/a.txt"))
        store = AnnotationStore(conn, 1, "me")
        undo: list[State] = []
        redo: list[State] = []
        try:
            for op in ops:
                before = state_of(store)
                spans = sorted(store.live(), key=lambda a: a.uid)
                relations = store.relations()
                kind = op[0]
                if kind == "undo":
                    change = store.undo()
                    assert (change is None) == (not undo)
                    if undo:
                        redo.append(before)
                        assert state_of(store) == undo.pop()
                    continue
                if kind == "redo":
                    change = store.redo()
                    assert (change is None) == (not redo)
                    if redo:
                        undo.append(before)
                        assert state_of(store) == redo.pop()
                    continue
                if kind == "restart":
                    conn.close()
                    conn = connect(db)
                    store = AnnotationStore(conn, 1, "me")
                    assert state_of(store) == before
                    continue
                if kind == "tag":
                    span(store, str(op[1]), str(op[2]))
                elif kind == "delete" and spans:
                    store.delete_with_relations(spans[int(op[1]) % len(spans)].uid)  # type: ignore[call-overload]
                elif kind == "relate" and len(spans) > 1:
                    head = spans[int(op[1]) % len(spans)]  # type: ignore[call-overload]
                    child = spans[int(op[2]) % len(spans)]  # type: ignore[call-overload]
                    if head.uid != child.uid:
                        store.relate(head.uid, child.uid, str(op[3]))
                elif kind == "unrelate" and relations:
                    store.unrelate(relations[int(op[1]) % len(relations)].uid)  # type: ignore[call-overload]
                elif kind == "label":
                    store.toggle_doc_label(str(op[1]), multi=bool(op[2]))
                if state_of(store) != before:
                    undo.append(before)
                    redo.clear()
                live = {a.uid for a in store.live()}
                assert all(r.head_uid in live and r.child_uid in live
                           for r in store.relations())
        finally:
            conn.close()
