"""`reader merge`: documents by content, annotations by uid, progress and history carried
over; a second run adds nothing; bad input is one line and leaves both files untouched."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from reader.cli import cli
from reader.errors import ReaderError
from reader.store.annotations import AnnotationStore, live_annotations
from reader.store.database import SCHEMA_VERSION, connect
from reader.store.documents import add_document, get_progress, mark_opened, set_status
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
    assert change is not None
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
    two_databases: tuple[Path, Path], tmp_path: Path, make, message: str  # type: ignore[no-untyped-def]
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
