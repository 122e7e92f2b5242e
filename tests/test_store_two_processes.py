"""Two processes (two connections) on one database: a state that changed in the other is
detected under the write lock and never overwritten or resurrected (issue 9)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.store.annotations import AnnotationStore, ChangedElsewhere
from reader.store.database import connect
from reader.store.documents import add_document
from reader.text.loading import LoadedText


@pytest.fixture
def two(tmp_path: Path) -> tuple[AnnotationStore, AnnotationStore]:
    path = tmp_path / "shared.db"
    first = connect(path)
    document, _ = add_document(first, LoadedText.from_text("Alice met Bob", "/x.txt"))
    # The same annotator in two windows: the case the README promises is safe.
    return AnnotationStore(first, document.id, "me"), AnnotationStore(connect(path),
                                                                      document.id, "me")


def test_undo_does_not_resurrect_a_span_deleted_elsewhere(two) -> None:  # type: ignore[no-untyped-def]
    a, b = two
    alice = a.create(0, 5, "actor", "Alice")
    a.set_note(alice.uid, "host")
    b.delete(alice.uid)
    with pytest.raises(ChangedElsewhere):
        a.undo()  # the note
    assert a.get(alice.uid) is None, "still deleted"
    with pytest.raises(ChangedElsewhere):
        a.undo()  # the creation: undoing it would delete a row that is already gone
    assert a.get(alice.uid) is None
    assert a.undo() is None, "nothing left to undo"


def test_delete_and_note_on_a_span_deleted_elsewhere_change_nothing(two) -> None:  # type: ignore[no-untyped-def]
    a, b = two
    alice = a.create(0, 5, "actor", "Alice")
    b.delete(alice.uid)
    events = a.conn.execute("SELECT count(*) FROM events").fetchone()[0]
    with pytest.raises(ChangedElsewhere):
        a.delete(alice.uid)
    with pytest.raises(ChangedElsewhere):
        a.set_note(alice.uid, "late")
    assert a.conn.execute("SELECT count(*) FROM events").fetchone()[0] == events
    assert a.get(alice.uid) is None


def test_undo_does_not_overwrite_a_note_changed_elsewhere(two) -> None:  # type: ignore[no-untyped-def]
    a, b = two
    bob = a.create(10, 13, "actor", "Bob")
    a.set_note(bob.uid, "mine")
    b.set_note(bob.uid, "theirs")
    with pytest.raises(ChangedElsewhere):
        a.undo()
    assert a.get(bob.uid).note == "theirs"  # type: ignore[union-attr]


def test_redo_does_not_overwrite_a_note_changed_elsewhere(two) -> None:  # type: ignore[no-untyped-def]
    a, b = two
    bob = a.create(10, 13, "actor", "Bob")
    a.set_note(bob.uid, "mine")
    a.undo()  # the note is "" again
    b.set_note(bob.uid, "theirs")
    with pytest.raises(ChangedElsewhere):
        a.redo()
    assert a.get(bob.uid).note == "theirs"  # type: ignore[union-attr]
    assert a.redo() is None, "the stale step is gone from the redo stack"
