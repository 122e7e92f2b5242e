"""`reader merge` carries suggestions and each annotator's decisions on them: one row per
(document, offsets, label, source) whichever database it came from, a second merge adds
nothing, the newer decision wins, and a merged rejection still undoes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from click.testing import CliRunner

from reader.cli import cli
from reader.store.annotations import AnnotationStore
from reader.store.database import connect
from reader.store.documents import add_document
from reader.store.suggestions import SuggestionStage, pending_suggestions
from reader.suggest.record import Suggestion
from reader.text.loading import LoadedText

SHARED = "Mirzoyan met Lavrov in Moscow.\r\nThe CSTO met 👩‍👩‍👧 in 東京."
ONLY_BOB = "Bob's article: Lavrov and the CSTO."
GAZ = "gazetteer:names.tsv"


def at(text: str, phrase: str, label: str, document: int, source: str = GAZ) -> Suggestion:
    start = text.index(phrase)
    return Suggestion(document, start, start + len(phrase), label, source)


def build(path: Path, annotator: str, texts: list[str],
          phrases: list[tuple[str, str]]) -> dict[str, int]:
    """A database with `texts`, each suggested `phrases` wherever they occur: its document
    ids by text."""
    conn = connect(path)
    ids = {}
    stage = SuggestionStage(conn)
    for index, text in enumerate(texts):
        document, _ = add_document(conn, LoadedText.from_text(text, f"/corpus/{index}.txt"))
        ids[text] = document.id
        stage.add(text, [at(text, phrase, label, document.id) for phrase, label in phrases
                         if phrase in text])
    stage.apply()
    stage.drop()
    conn.close()
    return ids


def rows(path: Path) -> list[tuple[object, ...]]:
    """Every suggestion and decision, by document text: comparable across databases."""
    with sqlite3.connect(path) as conn:
        return sorted(conn.execute(
            "SELECT d.text, s.start, s.end, s.label, s.source, s.text, dec.annotator,"
            " dec.state, dec.annotation_uid IS NOT NULL FROM suggestions s"
            " JOIN documents d ON d.id = s.document_id"
            " LEFT JOIN suggestion_decisions dec ON dec.suggestion_id = s.id").fetchall())


def merge(other: Path, target: Path) -> str:
    result = CliRunner().invoke(cli, ["merge", str(other), "--db", str(target)])
    assert result.exit_code == 0, result.output
    return result.output


def test_suggestions_and_decisions_are_merged_once(tmp_path: Path) -> None:
    ann_db, bob_db = tmp_path / "ann.db", tmp_path / "bob.db"
    build(ann_db, "ann", [SHARED], [("Lavrov", "actor"), ("Moscow", "place")])
    bob = build(bob_db, "bob", [SHARED, ONLY_BOB],
                [("Lavrov", "actor"), ("CSTO", "actor"), ("東京", "place")])
    conn = connect(bob_db)
    shared = AnnotationStore(conn, bob[SHARED], "bob")
    accepted = shared.accept_suggestion(at(SHARED, "Lavrov", "actor", bob[SHARED]), SHARED)
    shared.reject_suggestion(at(SHARED, "CSTO", "actor", bob[SHARED]), SHARED)
    AnnotationStore(conn, bob[ONLY_BOB], "bob").reject_suggestion(
        at(ONLY_BOB, "Lavrov", "actor", bob[ONLY_BOB]), ONLY_BOB)
    conn.close()
    ann_before = rows(ann_db)

    said = merge(bob_db, ann_db)
    assert "4 suggestions, 3 decisions on suggestions" in said, said
    merged = rows(ann_db)
    assert set(rows(bob_db)) <= set(merged)
    assert {row[:6] for row in ann_before} <= {row[:6] for row in merged}
    assert len(merged) == 6  # Lavrov on SHARED is one suggestion, known to both
    again = merge(bob_db, ann_db)
    assert "nothing new" in again, again
    assert rows(ann_db) == merged

    conn = connect(ann_db)
    (here,) = conn.execute("SELECT id FROM documents WHERE text = ?", (SHARED,)).fetchone()
    assert [s.key for s in pending_suggestions(conn, here, "bob")] == [
        s.key for s in [at(SHARED, "Moscow", "place", here), at(SHARED, "東京", "place", here)]]
    assert len(pending_suggestions(conn, here, "ann")) == 4  # Bob's decisions are his own
    (uid,) = conn.execute("SELECT annotation_uid FROM suggestion_decisions"
                          " WHERE state = 'accepted'").fetchone()
    assert uid == accepted.uid  # the span it made came along, by uid
    # Bob's rejection undoes in the merged database as in his own.
    undone = AnnotationStore(conn, here, "bob").undo()
    assert undone is not None and undone.unrejected == (at(SHARED, "CSTO", "actor", here),)
    conn.close()


def test_the_newer_decision_wins(tmp_path: Path) -> None:
    ann_db, bob_db = tmp_path / "ann.db", tmp_path / "bob.db"
    ids = build(bob_db, "bob", [SHARED], [("Lavrov", "actor")])
    conn = connect(bob_db)
    AnnotationStore(conn, ids[SHARED], "bob").reject_suggestion(
        at(SHARED, "Lavrov", "actor", ids[SHARED]), SHARED)
    conn.close()
    merge(bob_db, ann_db)
    with sqlite3.connect(bob_db) as conn:  # Bob later accepts it after all
        conn.execute("UPDATE suggestion_decisions SET state = 'accepted',"
                     " decided_at = '2999-01-01T00:00:00.000Z'")
    conn.close()
    merge(bob_db, ann_db)
    assert [row[7] for row in rows(ann_db)] == ["accepted"]
    with sqlite3.connect(ann_db) as conn:  # an older state does not come back
        conn.execute("UPDATE suggestion_decisions SET decided_at = '3000-01-01T00:00:00.000Z',"
                     " state = 'rejected'")
    conn.close()
    merge(bob_db, ann_db)
    assert [row[7] for row in rows(ann_db)] == ["rejected"]
