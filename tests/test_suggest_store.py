"""Suggestions in the store and the session, without any UI: added once, shown to each
annotator until they decide; accepting makes a span with its provenance in one
transaction, undoable; accepting all is one undo step; a rejection is remembered (and
undoable); a decision made in another window is detected, never overwritten."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

import reader.store.annotations as annotations_module
from reader.annotate.session import AnnotationSession, NotDone, Saved, Why
from reader.store.annotations import AnnotationStore
from reader.store.database import connect
from reader.store.documents import add_document
from reader.store.suggestions import SuggestionStage, suggestion_counts
from reader.suggest.record import Suggestion
from reader.text.loading import LoadedText

TEXT = "Sergey Lavrov met Ararat Mirzoyan; Lavrov spoke. Mirzoyan\r\nreplied to Lavrov."
GAZ = "gazetteer:names.tsv"


def at(phrase: str, label: str = "actor", source: str = GAZ, nth: int = 0) -> Suggestion:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(phrase, start + 1)
    return Suggestion(1, start, start + len(phrase), label, source)


SUGGESTED = [at("Sergey Lavrov"), at("Lavrov", nth=1), at("Ararat Mirzoyan"),
             at("Mirzoyan", nth=1), at("Lavrov", nth=2)]


def stage(conn: sqlite3.Connection, suggestions: list[Suggestion]) -> int:
    staged = SuggestionStage(conn)
    staged.add(TEXT, suggestions)
    try:
        return staged.apply()
    finally:
        staged.drop()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "a.db"
    conn = connect(path)
    add_document(conn, LoadedText.from_text(TEXT, "/a.txt"))
    assert stage(conn, SUGGESTED) == len(SUGGESTED)
    conn.close()
    return path


def session(db: Path, annotator: str = "me") -> AnnotationSession:
    opened = AnnotationSession(AnnotationStore(connect(db), 1, annotator), TEXT)
    assert opened.reload() is None
    assert opened.load_suggestions() is None
    return opened


def shown(s: AnnotationSession) -> list[str]:
    return [TEXT[item.start:item.end] for item in s.suggestions]


def spans(s: AnnotationSession) -> list[tuple[str, str]]:
    return [(TEXT[span.start:span.end], span.label) for span in s.spans]


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_adding_the_same_suggestions_again_adds_nothing(db: Path) -> None:
    conn = connect(db)
    assert stage(conn, [*SUGGESTED, at("Lavrov", nth=1)]) == 0
    assert stage(conn, [at("Lavrov", source="learned", nth=1)]) == 1  # another source
    AnnotationStore(conn, 1, "bob").create(0, 6, "actor", "Sergey")
    assert stage(conn, [at("Sergey")]) == 0  # annotated already: not a suggestion
    assert rows(db, "SELECT count(*) FROM suggestions") == [(len(SUGGESTED) + 1,)]


def test_accept_makes_a_span_with_provenance_and_undo_brings_the_suggestion_back(
        db: Path) -> None:
    s = session(db)
    assert shown(s) == ["Sergey Lavrov", "Ararat Mirzoyan", "Lavrov", "Mirzoyan", "Lavrov"]
    outcome = s.accept_suggestion(SUGGESTED[2])
    assert isinstance(outcome, Saved) and outcome.verb == "accepted"
    assert outcome.kind == "span" and outcome.subject.text == "Ararat Mirzoyan"
    assert json.loads(outcome.subject.meta) == {"suggested_by": GAZ}
    assert spans(s) == [("Ararat Mirzoyan", "actor")]
    assert "Ararat Mirzoyan" not in shown(s)
    assert rows(db, "SELECT state, annotator FROM suggestion_decisions") == [("accepted", "me")]
    assert rows(db, "SELECT json_extract(meta, '$.suggested_by') FROM annotations") == [(GAZ,)]

    undone = s.undo()
    assert isinstance(undone, Saved) and spans(s) == []
    assert "Ararat Mirzoyan" in shown(s)
    assert "Ararat Mirzoyan" in shown(session(db))  # pending again for a new session too
    redone = s.redo()
    assert isinstance(redone, Saved) and spans(s) == [("Ararat Mirzoyan", "actor")]
    assert "Ararat Mirzoyan" not in shown(s) and "Ararat Mirzoyan" not in shown(session(db))


def test_reject_is_remembered_and_undoable(db: Path) -> None:
    s = session(db)
    outcome = s.reject_suggestion(SUGGESTED[1])
    assert isinstance(outcome, Saved) and outcome.verb == "rejected"
    assert outcome.kind == "suggestion" and outcome.rejected == (SUGGESTED[1],)
    assert shown(s) == ["Sergey Lavrov", "Ararat Mirzoyan", "Mirzoyan", "Lavrov"]
    assert spans(s) == []
    # Never back: not after a restart, not from `reader suggest` again, not from a live
    # source finding it again.
    again = session(db)
    assert shown(again) == shown(s)
    stage(again.store.conn, SUGGESTED)
    again.use_suggestions([SUGGESTED[1]])
    assert again.load_suggestions() is None and shown(again) == shown(s)
    # Another annotator decides for themselves.
    assert len(session(db, "bob").suggestions) == len(SUGGESTED)
    # Undone (after a restart, from the event log): shown again; redone: gone again.
    undone = again.undo()
    assert isinstance(undone, Saved) and undone.unrejected == (SUGGESTED[1],)
    assert len(again.suggestions) == len(SUGGESTED)
    assert rows(db, "SELECT count(*) FROM suggestion_decisions") == [(0,)]
    redone = again.redo()
    assert isinstance(redone, Saved) and redone.rejected == (SUGGESTED[1],)
    assert shown(again) == shown(s)


def test_accept_all_is_one_undo_step(db: Path) -> None:
    conn = connect(db)
    stage(conn, [at("Lavrov", source="learned", nth=1),  # the same span from two sources
                 at("Lavrov", nth=0)])  # inside "Sergey Lavrov": the longer one is taken
    s = session(db)
    s.tag("actor", (TEXT.index("replied"), TEXT.index("replied") + 7), 0)  # mine already
    s.tag("topic", (TEXT.index("spoke"), TEXT.index("spoke") + 5), 0)
    stage(conn, [Suggestion(1, TEXT.index("replied"), TEXT.index(" to"), "actor", GAZ)])
    stage(conn, [Suggestion(1, TEXT.index("replied"), TEXT.rindex("."), "actor", GAZ)])
    assert s.load_suggestions() is None
    assert "replied" not in shown(s)  # annotated by me already
    outcome = s.accept_all_suggestions()
    assert isinstance(outcome, Saved) and outcome.verb == "accepted" and outcome.kind == "spans"
    accepted = sorted((a.text, json.loads(a.meta)["suggested_by"]) for a in outcome.spans_added)
    assert accepted == [("Ararat Mirzoyan", GAZ), ("Lavrov", GAZ), ("Lavrov", GAZ),
                        ("Mirzoyan", GAZ), ("Sergey Lavrov", GAZ)]
    # left suggested: "Lavrov" inside "Sergey Lavrov", and "replied to Lavrov", which
    # overlaps my own "replied"
    assert shown(s) == ["Lavrov", "replied to Lavrov"]
    assert rows(db, "SELECT count(*) FROM suggestion_decisions WHERE state = 'accepted'") == [
        (6,)]  # the learned "Lavrov" too, on the same span
    assert rows(db, "SELECT kind FROM events ORDER BY id DESC LIMIT 1") == [("create_spans",)]

    undone = s.undo()
    assert isinstance(undone, Saved) and len(undone.spans_removed) == 5
    assert spans(s) == [("spoke", "topic"), ("replied", "actor")]
    assert len(s.suggestions) == 8
    redone = session(db).redo()  # in another session, from the event log
    assert isinstance(redone, Saved) and len(redone.spans_added) == 5
    assert len(session(db).spans) == 7


def test_a_decision_made_elsewhere_is_not_overwritten(db: Path) -> None:
    mine, other_window = session(db), session(db)
    assert isinstance(other_window.reject_suggestion(SUGGESTED[0]), Saved)
    before = rows(db, "SELECT * FROM annotations"), rows(db, "SELECT * FROM events")
    outcome = mine.accept_suggestion(SUGGESTED[0])
    assert isinstance(outcome, NotDone) and outcome.why is Why.ELSEWHERE
    assert "rejected in another window" in outcome.message
    assert (rows(db, "SELECT * FROM annotations"), rows(db, "SELECT * FROM events")) == before
    assert isinstance(other_window.accept_suggestion(SUGGESTED[2]), Saved)
    outcome = mine.reject_suggestion(SUGGESTED[2])
    assert isinstance(outcome, NotDone) and "accepted in another window" in outcome.message


def test_accept_is_one_transaction(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The span, the decision and the event are written together or not at all."""
    s = session(db)

    def fail(*_args: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(annotations_module, "set_decision", fail)
    outcome = s.accept_suggestion(SUGGESTED[0])
    assert isinstance(outcome, NotDone) and outcome.why is Why.DATABASE
    assert rows(db, "SELECT count(*) FROM annotations") == [(0,)]
    assert rows(db, "SELECT count(*) FROM events") == [(0,)]
    assert spans(s) == [] and len(s.suggestions) == len(SUGGESTED)
    outcome = s.accept_all_suggestions()
    assert isinstance(outcome, NotDone) and rows(db, "SELECT count(*) FROM annotations") == [(0,)]


def test_live_suggestions_are_stored_when_decided(db: Path) -> None:
    s = session(db)
    live = Suggestion(1, TEXT.index("spoke"), TEXT.index("spoke") + 5, "topic", "learned")
    s.use_suggestions([live])
    assert "spoke" in shown(s) and s.suggestions_at(live.start + 1) == [live]
    assert s.next_suggestion(TEXT.index("Ararat")) == SUGGESTED[1]
    assert s.previous_suggestion(TEXT.index("Ararat")) == SUGGESTED[0]
    assert isinstance(s.accept_suggestion(live), Saved)
    assert rows(db, "SELECT text, source FROM suggestions WHERE source = 'learned'") == [
        ("spoke", "learned")]
    gone = Suggestion(1, 0, 3, "actor", "nowhere")
    assert s.accept_suggestion(gone) == NotDone(Why.NOTHING,
                                                "that suggestion is not here any more")


def test_stats_count_decisions_per_source_and_exports_hold_only_accepted(db: Path) -> None:
    s = session(db)
    s.accept_suggestion(SUGGESTED[0])
    s.reject_suggestion(SUGGESTED[1])
    bob = session(db, "bob")
    bob.accept_suggestion(SUGGESTED[0])
    counts = suggestion_counts(s.store.conn)
    assert counts == {GAZ: {"total": 5, "accepted": 2, "rejected": 1, "pending": 3}}
    from click.testing import CliRunner

    from reader.cli import cli

    result = CliRunner().invoke(cli, ["export", "--db", str(db)])
    assert result.exit_code == 0, result.output
    exported = [(span["text"], span["annotator"])
                for span in json.loads(result.stdout.splitlines()[0])["spans"]]
    assert sorted(exported) == [("Sergey Lavrov", "bob"), ("Sergey Lavrov", "me")]


def test_live_learned_suggestions_follow_the_tagging(db: Path) -> None:
    """The learned source is re-run as one tags: its new results replace the old ones
    that were never stored, and what it suggests is what the corpus's spans say."""
    s = session(db)
    s.tag("topic", (TEXT.index("spoke"), TEXT.index("spoke") + 5), 0)
    learned = s.learned_source()
    assert not isinstance(learned, NotDone)
    s.use_suggestions(s.find_suggestions([learned]))
    assert [(TEXT[x.start:x.end], x.source) for x in s.suggestions
            if x.source == "learned"] == []  # "spoke" occurs once: already tagged
    s.tag("actor", (TEXT.index("replied"), TEXT.index("replied") + 7), 0)
    first = [Suggestion(1, 0, 6, "actor", "learned")]
    s.use_suggestions(first)
    assert first[0] in s.suggestions
    s.use_suggestions([])  # the learned source found nothing this time
    assert first[0] not in s.suggestions
    assert len(s.suggestions) == len(SUGGESTED)  # the stored ones stay
