"""AnnotationSession without any UI: typed outcomes, the index kept in step with the
database, and every failure (another process, SQLite) a NotDone instead of an exception."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from reader.annotate.session import AnnotationSession, NotDone, Saved, Why
from reader.annotate.span_index import Span
from reader.store.annotations import AnnotationStore
from reader.store.database import connect
from reader.store.documents import add_document
from reader.text.loading import LoadedText

TEXT = "Mayor Ana promised new trucks for Lyon."


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "a.db"
    add_document(connect(path), LoadedText.from_text(TEXT, "/a.txt"))
    return path


def session(db: Path, annotator: str = "me", compare: bool = False) -> AnnotationSession:
    conn = connect(db)
    opened = AnnotationSession(AnnotationStore(conn, 1, annotator), TEXT, compare=compare)
    assert opened.reload() is None
    return opened


def keys(s: AnnotationSession) -> list[tuple[int, int, str]]:
    return [(span.start, span.end, span.label) for span in s.spans]


def test_tag_word_under_cursor_then_same_key_removes_it(db: Path) -> None:
    s = session(db)
    tagged = s.tag("actor", None, TEXT.index("Ana") + 1)
    assert isinstance(tagged, Saved) and tagged.verb == "tagged"
    assert tagged.subject.text == "Ana" and keys(s) == [(6, 9, "actor")]
    removed = s.tag("actor", None, 7)
    assert isinstance(removed, Saved) and removed.verb == "removed" and keys(s) == []
    assert s.tag("actor", None, TEXT.index(" new")) == NotDone(
        Why.NOTHING, "nothing to tag here: select text or put the cursor on a word")


def test_selection_is_trimmed_and_undo_redo_follow(db: Path) -> None:
    s = session(db)
    start = TEXT.index(" promised")
    outcome = s.tag("commitment", (start, TEXT.index(" for")), 0)
    assert isinstance(outcome, Saved)
    assert TEXT[outcome.subject.start:outcome.subject.end] == "promised new trucks"
    undone = s.undo()
    assert isinstance(undone, Saved) and undone.verb == "undone" and keys(s) == []
    redone = s.redo()
    assert isinstance(redone, Saved) and keys(s) == [(start + 1, TEXT.index(" for"),
                                                      "commitment")]
    assert s.redo() == NotDone(Why.NOTHING, "nothing to redo")


def test_note_and_its_removal(db: Path) -> None:
    s = session(db)
    tagged = s.tag("topic", None, TEXT.index("Lyon"))
    assert isinstance(tagged, Saved)
    uid = tagged.subject.uid
    noted = s.set_note(uid, "  the city  ")
    assert isinstance(noted, Saved) and noted.verb == "noted"
    assert noted.before is not None and noted.before.note == ""
    assert [span.note for span in s.spans] == ["the city"]
    cleared = s.set_note(uid, "")
    assert isinstance(cleared, Saved) and cleared.verb == "unnoted"


def test_changes_from_another_process_are_not_done_not_raised(db: Path) -> None:
    mine, other = session(db), session(db)
    tagged = mine.tag("actor", None, 7)
    assert isinstance(tagged, Saved)
    uid = tagged.subject.uid
    assert other.reload() is None
    assert isinstance(other.delete(uid), Saved)
    for outcome in (mine.delete(uid), mine.set_note(uid, "x"), mine.tag("actor", None, 7),
                    mine.undo()):
        assert isinstance(outcome, NotDone) and outcome.why is Why.ELSEWHERE
        assert "R reloads" in outcome.message
    assert mine.reload() is None and keys(mine) == []


def test_a_database_error_is_not_done(db: Path) -> None:
    s = session(db)
    s.store.conn.close()
    outcome = s.tag("actor", None, 7)
    assert isinstance(outcome, NotDone) and outcome.why is Why.DATABASE
    assert keys(s) == [], "nothing shown that was not saved"
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM annotations").fetchone()[0] == 0


def test_compare_shows_theirs_marks_disagreements_and_accepts(db: Path) -> None:
    theirs = session(db, "bo")
    assert isinstance(theirs.tag("actor", None, 7), Saved)
    mine = session(db, "me", compare=True)
    (span,) = list(mine.spans)
    assert not span.own and set(mine.marked) == {span.uid}
    accepted = mine.accept(span)
    assert isinstance(accepted, Saved) and accepted.subject.annotator == "me"
    assert not mine.marked, "both sides agree now"
    assert isinstance(mine.accept(span), NotDone)
    assert isinstance(mine.accept(Span(0, 5, "actor", "u", "me")), NotDone)
