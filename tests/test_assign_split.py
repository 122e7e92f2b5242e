"""`reader assign --split DIR`: one database per annotator with their documents and nothing
of anyone else's; a folder reader did not write (or one whose databases were opened since)
is never replaced; split, annotate, `reader merge` brings every span, status and decision
on a suggestion back."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from test_assign_cli import add_texts, stored

from reader.cli import cli
from reader.store.annotations import AnnotationStore
from reader.store.assignments import queue
from reader.store.database import connect
from reader.store.documents import get_progress, set_status
from reader.store.suggestions import SuggestionStage
from reader.suggest.record import Suggestion


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Twelve documents with work already in them: alice's and bob's spans and a status
    of theirs on every document, and a learned suggestion (others' work) beside a
    pattern's."""
    path = tmp_path / "team.db"
    add_texts(path, 0, 12)
    conn = connect(path)
    for document in range(1, 13):
        for who in ("alice", "bob"):
            AnnotationStore(conn, document, who).create(0, 7, f"{who}-label", "Article")
            set_status(conn, document, who, "in_progress")
    stage = SuggestionStage(conn)
    for document in range(1, 13):
        text = f"Article {document - 1}: Lavrov met Mirzoyan."
        start = text.index("Lavrov")
        stage.add(text, [Suggestion(document, start, start + 6, "actor", "patterns:x.jsonl"),
                         Suggestion(document, start, start + 6, "actor", "learned")])
    assert stage.apply() == 24
    stage.drop()
    conn.close()
    return path


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def table(db: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_each_database_holds_its_annotators_documents_and_nothing_else(
        db: Path, tmp_path: Path) -> None:
    out = tmp_path / "split"
    result = run("assign", "--db", str(db), "--annotators", "alice,bob", "--overlap", "0.5",
                 "--split", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in out.iterdir()) == [".reader-export", "alice.db",
                                                           "bob.db"]
    plan = stored(db)
    for who in ("alice", "bob"):
        mine = sorted(doc for doc, names in plan.items() if who in names)
        split = out / f"{who}.db"
        assert [row[0] for row in table(split, "SELECT id FROM documents ORDER BY id")] == mine
        for name in ("annotations", "progress", "events", "assignments"):
            assert {row[0] for row in table(split, f"SELECT annotator FROM {name}")} == {who}
        assert table(split, "SELECT count(*) FROM annotations")[0][0] == len(mine)
        assert table(split, "SELECT DISTINCT source FROM suggestions") == [("patterns:x.jsonl",)]
        assert table(split, "SELECT count(*) FROM suggestions")[0][0] == len(mine)
        conn = connect(split)
        assert queue(conn, who) == mine
        conn.close()
    assert f"alice.db ({sum('alice' in names for names in plan.values())})" in result.stderr


def test_split_annotate_merge_brings_the_work_back(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "split"
    assert run("assign", "--db", str(db), "--annotators", "alice,bob", "--split",
               str(out)).exit_code == 0
    work = tmp_path / "alice.db"  # the annotator works on her copy, elsewhere
    work.write_bytes((out / "alice.db").read_bytes())
    conn = connect(work)
    first = queue(conn, "alice")[0]
    store = AnnotationStore(conn, first, "alice")
    text = conn.execute("SELECT text FROM documents WHERE id = ?", (first,)).fetchone()[0]
    made = store.create(9, 15, "actor", text[9:15])
    start = text.index("Lavrov")
    store.reject_suggestion(Suggestion(first, start, start + 6, "actor", "patterns:x.jsonl"),
                            text)
    set_status(conn, first, "alice", "done")
    conn.close()

    merged = run("merge", "--db", str(db), str(work))
    assert merged.exit_code == 0, merged.output
    main = connect(db)
    assert get_progress(main, first, "alice").status == "done"
    assert main.execute("SELECT start, end, label, annotator FROM annotations WHERE uid = ?",
                        (made.uid,)).fetchone() == (9, 15, "actor", "alice")
    assert main.execute("SELECT count(*) FROM documents").fetchone()[0] == 12  # none doubled
    assert main.execute(
        "SELECT s.document_id, d.annotator, d.state FROM suggestion_decisions d"
        " JOIN suggestions s ON s.id = d.suggestion_id").fetchall() == [(first, "alice",
                                                                         "rejected")]
    main.close()
    counts = run("stats", "--db", str(db), "--json").stdout
    assert '"done": 1' in counts
    again = run("merge", "--db", str(db), str(work))
    assert "nothing new" in again.stdout


def test_a_folder_reader_did_not_write_is_refused(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    result = run("assign", "--db", str(db), "--annotators", "alice,bob", "--split", str(out))
    assert result.exit_code != 0
    assert "not a previous export of reader" in str(result.exception)
    assert sorted(path.name for path in out.iterdir()) == ["notes.txt"]
    assert stored(db) == {}  # refused before the plan was stored


def test_a_split_opened_since_is_not_replaced_but_an_untouched_one_is(
        db: Path, tmp_path: Path) -> None:
    out = tmp_path / "split"
    args = ("assign", "--db", str(db), "--annotators", "alice,bob", "--split", str(out))
    assert run(*args).exit_code == 0
    assert run(*args).exit_code == 0  # nobody opened them: replaced
    conn = connect(out / "bob.db")  # bob starts work in place
    AnnotationStore(conn, queue(conn, "bob")[0], "bob").create(0, 7, "actor", "Article")
    conn.close()
    before = (out / "bob.db").read_bytes()
    refused = run(*args)
    assert refused.exit_code != 0
    assert "not a previous export of reader" in str(refused.exception)
    assert (out / "bob.db").read_bytes() == before


def test_the_database_itself_is_never_the_split_folder(db: Path) -> None:
    result = run("assign", "--db", str(db), "--annotators", "alice", "--split",
                 str(db.parent))
    assert result.exit_code != 0 and "holds the database" in str(result.exception)
    assert db.exists() and stored(db) == {}
