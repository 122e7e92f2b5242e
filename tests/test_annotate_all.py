"""`*` in the session and the store: every other occurrence of a span's text tagged in one
transaction and one `batch` event, so one undo takes them all back and one redo brings them
again (across a restart too); nothing tagged twice; a span changed by another process
refuses the step; the corpus variant tags every document in one transaction."""

from __future__ import annotations

import sqlite3
import tempfile
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from reader.annotate.occurrences import in_corpus, in_document
from reader.annotate.session import AnnotationSession, NotDone, Saved, Why
from reader.annotate.span_index import Span
from reader.errors import ReaderError
from reader.store.annotations import AnnotationStore
from reader.store.database import connect
from reader.store.documents import add_document
from reader.text.loading import LoadedText
from tests.test_matching import text_and_slice

TEXT = "Lavrov met Mirzoyan. Lavrov spoke; Lavrovsky did not. Then Lavrov left.\r\nLavrov"
OTHER = "Nothing here. Lavrov again, and Lavrov."


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "a.db"
    conn = connect(path)
    add_document(conn, LoadedText.from_text(TEXT, "/a.txt"))
    add_document(conn, LoadedText.from_text(OTHER, "/b.txt"))
    add_document(conn, LoadedText.from_text("no match at all", "/c.txt"))
    conn.close()
    return path


def session(db: Path, document_id: int = 1, text: str = TEXT,
            annotator: str = "me") -> AnnotationSession:
    opened = AnnotationSession(AnnotationStore(connect(db), document_id, annotator), text)
    assert opened.reload() is None
    return opened


def spans(s: AnnotationSession) -> list[tuple[str, str]]:
    return [(s.text[span.start:span.end], span.label) for span in s.spans]


def first(s: AnnotationSession) -> Span:
    return next(iter(s.spans))


def spans_events(db: Path) -> int:
    raw = sqlite3.connect(db)
    try:
        count: int = raw.execute(
            "SELECT count(*) FROM events WHERE kind = 'create_spans'").fetchone()[0]
        return count
    finally:
        raw.close()


def test_star_tags_every_whole_word_occurrence_and_one_undo_takes_them_back(db: Path) -> None:
    s = session(db)
    assert isinstance(s.tag("actor", None, 1), Saved)
    found = in_document(1, s.text, s.spans, first(s))
    assert found.count == 3  # not Lavrovsky, not the span itself
    done = s.tag_all(found)
    assert isinstance(done, Saved) and done.verb == "tagged all" and done.kind == "spans"
    assert len(done.spans_added) == 3
    assert all(TEXT[a.start:a.end] == a.text == "Lavrov" for a in done.spans_added)
    assert spans(s) == [("Lavrov", "actor")] * 4
    assert spans_events(db) == 1
    undone = s.undo()
    assert isinstance(undone, Saved) and undone.kind == "spans"
    assert len(undone.spans_removed) == 3 and spans(s) == [("Lavrov", "actor")]
    redone = s.redo()
    assert isinstance(redone, Saved) and len(redone.spans_added) == 3
    assert len(s.spans) == 4
    # A restart reads the history from the event log: the batch is still one step.
    again = session(db)
    assert isinstance(again.undo(), Saved) and len(again.spans) == 1
    assert isinstance(again.undo(), Saved) and len(again.spans) == 0  # the first tag


def test_nothing_is_tagged_twice(db: Path) -> None:
    s = session(db)
    s.tag("actor", None, 1)
    s.tag("actor", (TEXT.index("Lavrov spoke"), TEXT.index(" spoke")), 0)
    s.tag("topic", (TEXT.index("Lavrov left"), TEXT.index(" left")), 0)  # another label
    found = in_document(1, s.text, s.spans, first(s))
    assert found.count == 2  # the one tagged actor is skipped, the topic one is not
    assert isinstance(s.tag_all(found), Saved)
    assert s.tag_all(found) == NotDone(Why.NOTHING, "every occurrence is tagged already")
    assert s.tag_all(in_document(1, s.text, s.spans, first(s))) == NotDone(
        Why.NOTHING, "no other occurrence to tag (whole words, not already actor)")
    assert len([x for x in spans(s) if x == ("Lavrov", "actor")]) == 4


def test_a_span_deleted_elsewhere_refuses_the_step(db: Path) -> None:
    s = session(db)
    s.tag("actor", None, 1)
    found = in_document(1, s.text, s.spans, first(s))
    other = session(db)
    assert isinstance(other.delete(first(other).uid), Saved)
    refused = s.tag_all(found)
    assert isinstance(refused, NotDone) and refused.why is Why.ELSEWHERE
    assert len(session(db).spans) == 0 and spans_events(db) == 0


def test_undo_refused_when_one_span_of_the_batch_changed_elsewhere(db: Path) -> None:
    s = session(db)
    s.tag("actor", None, 1)
    done = s.tag_all(in_document(1, s.text, s.spans, first(s)))
    assert isinstance(done, Saved)
    other = session(db)
    assert isinstance(other.set_note(done.spans_added[1].uid, "checked"), Saved)
    refused = s.undo()
    assert isinstance(refused, NotDone) and refused.why is Why.ELSEWHERE
    assert len(session(db).spans) == 4  # none of them undone


def test_corpus_wide_tags_every_document_in_one_transaction(db: Path) -> None:
    s = session(db)
    s.tag("actor", None, 1)
    conn = s.store.conn
    path = conn.execute("PRAGMA database_list").fetchone()[2]
    found = in_corpus(path, "me", "Lavrov", first(s))
    assert found is not None and found.corpus
    assert {doc: len(r) for doc, r in found.ranges.items()} == {1: 3, 2: 2}
    done = s.tag_all(found)
    assert isinstance(done, Saved) and len(done.spans_added) == 3
    assert done.elsewhere == (2, 1)
    b = session(db, 2, OTHER)
    assert spans(b) == [("Lavrov", "actor")] * 2
    assert isinstance(s.undo(), Saved) and len(s.spans) == 1  # this document's part
    assert len(session(db, 2, OTHER).spans) == 2
    assert isinstance(b.undo(), Saved) and len(b.spans) == 0  # that one's, there
    assert in_corpus(path, "me", "Lavrov", first(s), cancelled=lambda: True) is None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text_and_slice())
def test_every_span_star_stores_slices_its_text_exactly(case: tuple[str, int, int]) -> None:
    """Whatever the text (CRLF, CJK, emoji sequences, combining marks): the spans `*` stores
    each slice the document's text exactly, none twice, none overlapping another of them."""
    text, start, end = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.db"
        conn = connect(path)
        try:
            document, _ = add_document(conn, LoadedText.from_text(text, "/p.txt"))
        except ReaderError:  # e.g. only whitespace: nothing to annotate
            conn.close()
            return
        s = AnnotationSession(AnnotationStore(conn, document.id, "me"), text)
        s.reload()
        if not isinstance(s.tag("actor", (start, end), 0), Saved):
            conn.close()
            return  # whitespace only
        source = first(s)
        outcome = s.tag_all(in_document(document.id, text, s.spans, source))
        stored = conn.execute("SELECT start, end, text FROM annotations WHERE deleted_at IS NULL"
                              " ORDER BY start").fetchall()
        conn.close()
    needle = text[source.start:source.end]
    assert all(text[a:b] == covered == needle for a, b, covered in stored)
    assert all(a[1] <= b[0] for a, b in pairwise(stored))
    assert len(stored) == 1 + (len(outcome.spans_added) if isinstance(outcome, Saved) else 0)
