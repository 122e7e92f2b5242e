"""`reader merge`: documents by content, annotations and relations by uid, document labels,
progress and history carried over; a second run adds nothing; bad input is one line and
leaves both files untouched."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from reader.cli import cli
from reader.errors import ReaderError
from reader.store.annotations import AnnotationStore, live_annotations
from reader.store.database import SCHEMA_VERSION, connect
from reader.store.documents import add_document, get_progress, mark_opened, set_status
from reader.store.relations import live_doc_labels, live_relations
from reader.text.loading import LoadedText

SHARED = "Mirzoyan met Lavrov in Moscow.\r\nTalks went on 👩‍👩‍👧 for hours."
ONLY_BOB = "Bob's own article, 東京 e\u0301dition."
ONLY_ANN = "Ann's article, not in Bob's database."


def build(path: Path, annotator: str, texts: list[str]) -> None:
    """A database as one annotator would leave it: documents, spans, an undo, progress."""
    conn = connect(path)
    for index, text in enumerate(texts):
        document, _ = add_document(conn, LoadedText.from_text(text, f"/corpus/{index}.txt"))
        store = AnnotationStore(conn, document.id, annotator)
        first = store.create(0, 8, "PER", text[0:8])
        store.create(9, 12, "MISC", text[9:12])
        store.set_note(first.uid, f"checked by {annotator}")
        removed = store.create(13, 17, "LOC", text[13:17])
        store.delete(removed.uid)
        store.undo()  # brings the LOC span back: an undo event referring to the delete
        mark_opened(conn, document.id, annotator)
        if index == 0:
            set_status(conn, document.id, annotator, "done")
    conn.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_merge(other: Path, target: Path):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["merge", str(other), "--db", str(target)])


def counts(path: Path) -> dict[str, int]:
    conn = connect(path)
    try:
        return {
            table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("documents", "annotations", "progress", "events")
        }
    finally:
        conn.close()


@pytest.fixture
def two_databases(tmp_path: Path) -> tuple[Path, Path]:
    ann, bob = tmp_path / "ann.db", tmp_path / "bob.db"
    build(ann, "ann", [SHARED, ONLY_ANN])
    build(bob, "bob", [SHARED, ONLY_BOB])
    return ann, bob


def test_merge_adds_the_others_work_once(two_databases: tuple[Path, Path]) -> None:
    ann, bob = two_databases
    before = counts(ann)
    result = run_merge(bob, ann)
    assert result.exit_code == 0, result.output
    # SHARED is already here: one new document. Bob: 3 live spans in each of 2 documents.
    assert "added 1 documents, 6 annotations, 2 progress rows" in result.output
    after = counts(ann)
    assert after["documents"] == before["documents"] + 1
    assert after["annotations"] == before["annotations"] + 6
    assert after["progress"] == before["progress"] + 2
    # Per document: create, create, note, create, delete, undo = 6 events.
    assert after["events"] == before["events"] + 12

    second = run_merge(bob, ann)
    assert second.exit_code == 0, second.output
    assert "nothing new" in second.output
    assert counts(ann) == after


def test_merged_spans_point_at_the_same_text(two_databases: tuple[Path, Path]) -> None:
    ann, bob = two_databases
    assert run_merge(bob, ann).exit_code == 0
    conn = connect(ann)
    for document_id, text in conn.execute("SELECT id, text FROM documents"):
        for annotation in live_annotations(conn, document_id):
            assert text[annotation.start : annotation.end] == annotation.text
    shared_id = conn.execute(
        "SELECT id FROM documents WHERE text = ?", (SHARED,)
    ).fetchone()[0]
    assert {a.annotator for a in live_annotations(conn, shared_id)} == {"ann", "bob"}
    # Bob's finished document stays done for bob; ann's own progress is untouched.
    assert get_progress(conn, shared_id, "bob").status == "done"
    assert get_progress(conn, shared_id, "ann").status == "done"
    conn.close()


def test_merged_history_still_undoes(two_databases: tuple[Path, Path]) -> None:
    ann, bob = two_databases
    assert run_merge(bob, ann).exit_code == 0
    conn = connect(ann)
    bob_document = conn.execute(
        "SELECT id FROM documents WHERE text = ?", (ONLY_BOB,)
    ).fetchone()[0]
    store = AnnotationStore(conn, bob_document, "bob")
    assert store.can_undo and store.can_redo  # bob's last action was an undo
    change = store.undo()  # the LOC span's restore-after-delete history replays here
    assert change is not None and change.before is not None
    assert {a.label for a in store.mine()} == {"PER", "MISC", "LOC"} - {change.before.label}
    conn.close()


def test_newer_edit_and_progress_are_carried(two_databases: tuple[Path, Path]) -> None:
    ann, bob = two_databases
    assert run_merge(bob, ann).exit_code == 0
    # Bob keeps working in his own database: deletes a span, finishes a document.
    conn = connect(bob)
    bob_document = conn.execute(
        "SELECT id FROM documents WHERE text = ?", (ONLY_BOB,)
    ).fetchone()[0]
    store = AnnotationStore(conn, bob_document, "bob")
    misc = next(a for a in store.mine() if a.label == "MISC")
    store.delete(misc.uid)
    set_status(conn, bob_document, "bob", "done")
    conn.close()

    result = run_merge(bob, ann)
    assert result.exit_code == 0, result.output
    assert "added 0 documents, 0 annotations, 0 progress rows, 1 events" in result.output
    assert "updated 1 annotations, 1 progress rows" in result.output
    conn = connect(ann)
    here = conn.execute("SELECT id FROM documents WHERE text = ?", (ONLY_BOB,)).fetchone()[0]
    assert "MISC" not in {a.label for a in live_annotations(conn, here, ["bob"])}
    assert get_progress(conn, here, "bob").status == "done"
    conn.close()
    assert "nothing new" in run_merge(bob, ann).output


def test_less_advanced_status_does_not_win(tmp_path: Path) -> None:
    lead, other = tmp_path / "lead.db", tmp_path / "other.db"
    for path, status in ((lead, "done"), (other, "in_progress")):
        conn = connect(path)
        document, _ = add_document(conn, LoadedText.from_text(SHARED, "/corpus/0.txt"))
        set_status(conn, document.id, "bob", status)
        conn.close()
    assert run_merge(other, lead).exit_code == 0
    conn = connect(lead)
    assert get_progress(conn, 1, "bob").status == "done"
    conn.close()


def test_merge_into_a_new_database_copies_everything(tmp_path: Path,
                                                     two_databases: tuple[Path, Path]) -> None:
    _, bob = two_databases
    fresh = tmp_path / "fresh.db"
    assert run_merge(bob, fresh).exit_code == 0
    assert counts(fresh) == counts(bob)


def test_other_database_is_only_read(two_databases: tuple[Path, Path]) -> None:
    ann, bob = two_databases
    before = digest(bob)
    assert run_merge(bob, ann).exit_code == 0
    assert digest(bob) == before


def newer_schema_database(path: Path) -> None:
    conn = connect(path)
    add_document(conn, LoadedText.from_text(ONLY_BOB, "/corpus/x.txt"))
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_text("id,text\n1,hello\n"), "not a SQLite database"),
        (lambda p: p.write_bytes(b""), "not a SQLite database"),
        (newer_schema_database, "is newer than this reader understands"),
        (lambda p: sqlite3.connect(p).execute("CREATE TABLE t (x)").connection.commit(),
         "not a reader database"),
    ],
    ids=["csv", "empty", "newer-schema", "foreign-sqlite"],
)
def test_bad_other_is_one_line_and_touches_nothing(
    two_databases: tuple[Path, Path], tmp_path: Path, make: Callable[[Path], object],
    message: str,
) -> None:
    ann, _ = two_databases
    other = tmp_path / "other.db"
    make(other)
    before = (digest(ann), digest(other))
    result = run_merge(other, ann)
    assert result.exit_code != 0
    assert isinstance(result.exception, ReaderError)
    assert message in str(result.exception)
    assert "\n" not in str(result.exception)
    assert (digest(ann), digest(other)) == before


def test_missing_other_and_self_merge(two_databases: tuple[Path, Path], tmp_path: Path) -> None:
    ann, _ = two_databases
    missing = run_merge(tmp_path / "nope.db", ann)
    assert "no such file" in str(missing.exception)
    itself = run_merge(ann, ann)
    assert "is the database being merged into" in str(itself.exception)


def test_installed_reader_merge_errors_in_one_line(
    two_databases: tuple[Path, Path], tmp_path: Path
) -> None:
    ann, bob = two_databases
    newer = tmp_path / "newer.db"
    newer_schema_database(newer)
    before = (digest(ann), digest(newer))
    done = subprocess.run(
        ["reader", "merge", str(newer), "--db", str(ann)], capture_output=True, text=True
    )
    assert done.returncode == 1
    assert done.stderr.startswith("reader: error: ")
    assert done.stderr.count("\n") == 1
    assert (digest(ann), digest(newer)) == before
    ok = subprocess.run(
        ["reader", "merge", str(bob), "--db", str(ann)], capture_output=True, text=True
    )
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith(f"merged {bob}: added 1 documents")


# --- relations and document labels (issue 10) ---------------------------------------------

COMMITMENT = "Mayor Ana promised new trucks for Lyon and a tram"


def build_structure(path: Path, annotator: str, texts: list[str]) -> None:
    """Spans joined by relations and documents with labels, with the history that makes them:
    a relation taken back, a span deleted with its relation, a label given and taken back."""
    conn = connect(path)
    for index, text in enumerate(texts):
        document, _ = add_document(conn, LoadedText.from_text(text, f"/corpus/{index}.txt"))
        store = AnnotationStore(conn, document.id, annotator)
        actor = store.create(0, 5, "actor", text[0:5])
        commitment = store.create(6, 9, "commitment", text[6:9])
        topic = store.create(10, 18, "topic", text[10:18])
        store.relate(commitment.uid, actor.uid, "by")
        store.relate(commitment.uid, topic.uid, "about")
        store.unrelate(store.relate(actor.uid, topic.uid, "about").uid)
        store.toggle_doc_label("relevant", multi=True)
        store.toggle_doc_label("urgent", multi=True)
        store.toggle_doc_label("urgent", multi=True)
        # Last: a span deleted with its relation, so undo brings both back.
        store.delete(topic.uid)
    conn.close()


def structure(path: Path) -> dict[str, object]:
    """Every relation and document label, by document text rather than id (ids differ
    between databases), live or not."""
    conn = connect(path)
    try:
        return {
            "relations": sorted(conn.execute(
                "SELECT d.text, r.uid, r.head_uid, r.child_uid, r.label, r.annotator,"
                " r.deleted_at IS NULL FROM relations r JOIN documents d ON d.id = r.document_id"
            ).fetchall()),
            "doc_labels": sorted(conn.execute(
                "SELECT d.text, l.annotator, l.label, l.deleted_at IS NULL"
                " FROM doc_labels l JOIN documents d ON d.id = l.document_id").fetchall()),
            "events": sorted(conn.execute(
                "SELECT d.text, e.annotator, e.kind, e.annotation_uid, e.at"
                " FROM events e JOIN documents d ON d.id = e.document_id").fetchall()),
        }
    finally:
        conn.close()


@pytest.fixture
def structured(tmp_path: Path) -> tuple[Path, Path]:
    ann, bob = tmp_path / "ann.db", tmp_path / "bob.db"
    build_structure(ann, "ann", [COMMITMENT, ONLY_ANN])
    build_structure(bob, "bob", [COMMITMENT, ONLY_BOB])
    return ann, bob


def test_relations_and_doc_labels_are_carried_once(structured: tuple[Path, Path]) -> None:
    ann, bob = structured
    result = run_merge(bob, ann)
    assert result.exit_code == 0, result.output
    # Per document: 3 relations (1 live; 1 taken back; 1 deleted with its span), 2 labels
    # (relevant; urgent taken back).
    assert "6 relations, 4 document labels;" in result.output
    merged = structure(ann)
    mine = structure(bob)
    for part in ("relations", "doc_labels", "events"):
        rows = [row for row in merged[part] if "bob" in row]  # type: ignore[attr-defined]
        assert rows == mine[part], part
    conn = connect(ann)
    here = conn.execute("SELECT id FROM documents WHERE text = ?", (ONLY_BOB,)).fetchone()[0]
    (live,) = live_relations(conn, here, ["bob"])
    assert (live.label, live.document_id) == ("by", here)
    assert live_doc_labels(conn, here) == {"bob": frozenset({"relevant"})}
    conn.close()

    again = run_merge(bob, ann)
    assert again.exit_code == 0, again.output
    assert "nothing new" in again.output
    assert structure(ann) == merged


def test_merge_into_a_new_database_copies_relations_and_labels(
        tmp_path: Path, structured: tuple[Path, Path]) -> None:
    _, bob = structured
    fresh = tmp_path / "fresh.db"
    assert run_merge(bob, fresh).exit_code == 0
    assert structure(fresh) == structure(bob)
    assert counts(fresh) == counts(bob)


def test_merged_relation_history_undoes(structured: tuple[Path, Path]) -> None:
    """Bob's undo stack works in the merged database: undoing the span deletion brings back
    the span and its relation, pointing at this database's document; then the label change
    and the relation come off in order."""
    ann, bob = structured
    assert run_merge(bob, ann).exit_code == 0
    conn = connect(ann)
    here = conn.execute("SELECT id FROM documents WHERE text = ?", (ONLY_BOB,)).fetchone()[0]
    assert here != 2  # bob's own id for it: the snapshots had to be rewritten
    store = AnnotationStore(conn, here, "bob")
    change = store.undo()
    assert change is not None and change.after is not None
    assert change.after.label == "topic"
    (revived,) = change.relations_added
    assert (revived.label, revived.document_id) == ("about", here)
    assert {r.label for r in live_relations(conn, here, ["bob"])} == {"by", "about"}
    change = store.undo()  # urgent, taken back, given again
    assert change is not None
    assert change.doc_labels_after == frozenset({"relevant", "urgent"})
    assert live_doc_labels(conn, here) == {"bob": frozenset({"relevant", "urgent"})}
    store.undo()  # urgent given: taken back
    store.undo()  # relevant given: taken back
    assert live_doc_labels(conn, here) == {}
    store.undo()  # the unrelate: the relation is back
    assert len(live_relations(conn, here, ["bob"])) == 3
    conn.close()


def test_newer_relation_and_label_changes_are_carried(structured: tuple[Path, Path]) -> None:
    ann, bob = structured
    assert run_merge(bob, ann).exit_code == 0
    conn = connect(bob)
    store = AnnotationStore(conn, 2, "bob")
    (by,) = store.relations()
    store.unrelate(by.uid)
    store.toggle_doc_label("urgent", multi=True)
    conn.close()
    result = run_merge(bob, ann)
    assert result.exit_code == 0, result.output
    # The relation and urgent were there (deleted): both updated, nothing added.
    assert "0 relations, 0 document labels; updated 0 annotations, 0 progress rows," \
        " 1 relations, 1 document labels" in result.output
    conn = connect(ann)
    here = conn.execute("SELECT id FROM documents WHERE text = ?", (ONLY_BOB,)).fetchone()[0]
    assert live_relations(conn, here, ["bob"]) == []
    assert live_doc_labels(conn, here) == {"bob": frozenset({"relevant", "urgent"})}
    conn.close()
    assert "nothing new" in run_merge(bob, ann).output


def test_relation_whose_span_is_deleted_here_is_kept_deleted_and_reported(
        tmp_path: Path) -> None:
    """One annotator on two machines: the laptop deletes a span, later the desktop (which
    still has it) relates it. Reviving the span would undo a deletion; the relation is
    kept, deleted (a live relation always joins two live spans), and said on stderr."""
    laptop, desktop = tmp_path / "laptop.db", tmp_path / "desktop.db"
    conn = connect(laptop)
    document, _ = add_document(conn, LoadedText.from_text(COMMITMENT, "/corpus/0.txt"))
    store = AnnotationStore(conn, document.id, "bob")
    actor = store.create(0, 5, "actor", COMMITMENT[0:5])
    commitment = store.create(6, 9, "commitment", COMMITMENT[6:9])
    conn.close()
    assert run_merge(laptop, desktop).exit_code == 0
    conn = connect(desktop)
    related = AnnotationStore(conn, document.id, "bob").relate(commitment.uid, actor.uid, "by")
    conn.close()
    time.sleep(0.005)  # the deletion is the newer state of the span
    conn = connect(laptop)
    AnnotationStore(conn, document.id, "bob").delete(actor.uid)
    conn.close()

    result = CliRunner().invoke(
        cli, ["merge", str(desktop), "--db", str(laptop)])
    assert result.exit_code == 0, result.output
    assert "1 relations" in result.stdout
    assert result.stderr == (
        "deleted 1 relations whose span is deleted in the merged database"
        " (kept, as deleted rows)\n")
    conn = connect(laptop)
    assert live_relations(conn, document.id) == []
    (row,) = conn.execute("SELECT uid, deleted_at FROM relations").fetchall()
    assert row[0] == related.uid and row[1] is not None
    conn.close()
    assert "nothing new" in run_merge(desktop, laptop).output
    # Merging back carries the span's deletion and the relation's with it.
    assert run_merge(laptop, desktop).exit_code == 0
    conn = connect(desktop)
    assert live_relations(conn, document.id) == []
    conn.close()


def test_relation_to_a_span_neither_database_has_is_skipped_and_reported(
        structured: tuple[Path, Path]) -> None:
    ann, bob = structured
    raw = sqlite3.connect(bob)  # a damaged file: foreign keys off, a span that is not there
    (head,) = raw.execute("SELECT uid FROM annotations WHERE label = 'commitment'"
                          " AND document_id = 2").fetchone()
    raw.execute("INSERT INTO relations (uid, document_id, head_uid, child_uid, label, annotator,"
                " created_at, updated_at) VALUES ('ghost', 2, ?, 'nowhere', 'by', 'bob',"
                " '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z')", (head,))
    raw.commit()
    raw.close()
    result = CliRunner().invoke(cli, ["merge", str(bob), "--db", str(ann)])
    assert result.exit_code == 0, result.output
    assert "6 relations" in result.stdout  # the others are carried
    assert result.stderr == (
        f"skipped 1 relations of {bob} that join a span neither database has\n")
    conn = connect(ann)
    assert conn.execute("SELECT count(*) FROM relations WHERE uid = 'ghost'").fetchone() == (0,)
    conn.close()


def test_doc_label_changes_in_one_millisecond_stay_apart(tmp_path: Path) -> None:
    """Document-label events have no uid: two in the same millisecond are told apart by the
    labels they found and left, so none is taken for a copy of the other."""
    other, fresh = tmp_path / "other.db", tmp_path / "fresh.db"
    conn = connect(other)
    document, _ = add_document(conn, LoadedText.from_text(COMMITMENT, "/corpus/0.txt"))
    store = AnnotationStore(conn, document.id, "bob")
    store.toggle_doc_label("relevant", multi=True)
    store.toggle_doc_label("urgent", multi=True)
    store.undo()
    conn.execute("UPDATE events SET at = '2024-01-01T00:00:00.000Z'")  # one millisecond
    conn.close()
    assert run_merge(other, fresh).exit_code == 0
    assert counts(fresh)["events"] == counts(other)["events"] == 3
    conn = connect(fresh)
    store = AnnotationStore(conn, 1, "bob")
    store.redo()
    assert live_doc_labels(conn, 1) == {"bob": frozenset({"relevant", "urgent"})}
    conn.close()
    assert "nothing new" in run_merge(other, fresh).output
