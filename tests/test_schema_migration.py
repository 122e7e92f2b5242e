"""Schema upgrades on real files: tests/fixtures/v1.db to v4.db were written by the
reader of schema version 1 to 4 (tests/fixtures/make_old_db.py says how). Each opens
with every row, id and event intact and its history going on; `text` is the last column
of `documents`; `events.kind` refuses a kind no code writes; an upgrade that cannot carry
the data changes nothing; read-only commands still refuse an older schema, and an older
reader a newer one."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import reader.store.database as database
from reader.cli import cli
from reader.errors import ReaderError
from reader.store.annotations import AnnotationStore
from reader.store.database import SCHEMA_VERSION, connect, connect_readonly
from reader.store.documents import add_document
from reader.store.schema import MIGRATIONS
from reader.text.loading import LoadedText

FIXTURES = Path(__file__).parent / "fixtures"
TABLES = ("documents", "progress", "annotations", "events")
OLD_KINDS = {"create", "delete", "note", "undo", "redo", "import"}
V3_KINDS = OLD_KINDS | {"relate", "unrelate", "doc_label"}
KINDS = V3_KINDS | {"create_spans", "reject"}
FIRST_TEXT = "Mirzoyan met Lavrov in Moscow.\r\nTalks went on 👩‍👩‍👧 for hours."
INDEXES = {"documents_source", "annotations_document", "events_document",
           "relations_document", "relations_head", "relations_child", "assignments_annotator",
           "curation_decisions_document", "curation_items_decision"}


def copy_of(name: str, tmp_path: Path) -> Path:
    """A copy of a committed fixture: the tests upgrade it, never the original."""
    db = tmp_path / name
    shutil.copyfile(FIXTURES / name, db)
    return db


def rows(db: Path, tables: tuple[str, ...] = TABLES) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, as column name -> value, in id (rowid) order."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return {table: [dict(row) for row in conn.execute(
                    f"SELECT * FROM {table} ORDER BY rowid")] for table in tables}
    finally:
        conn.close()


def columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def user_version(db: Path) -> int:
    raw = sqlite3.connect(db)
    try:
        version: int = raw.execute("PRAGMA user_version").fetchone()[0]
        return version
    finally:
        raw.close()


@pytest.fixture
def version_1_db(tmp_path: Path) -> Path:
    db = copy_of("v1.db", tmp_path)
    assert user_version(db) == 1
    return db


@pytest.fixture
def version_2_db(tmp_path: Path) -> Path:
    db = copy_of("v2.db", tmp_path)
    assert user_version(db) == 2
    return db


@pytest.fixture
def version_3_db(tmp_path: Path) -> Path:
    db = copy_of("v3.db", tmp_path)
    assert user_version(db) == 3
    return db


@pytest.fixture
def version_4_db(tmp_path: Path) -> Path:
    db = copy_of("v4.db", tmp_path)
    assert user_version(db) == 4
    return db


def check_upgraded(db: Path, before: dict[str, list[dict[str, Any]]]) -> None:
    """The schema is today's, whole, with every old row as it was (annotations with an
    empty `meta`, the column version 4 added; no assignments, the table version 5 added;
    no curation decisions, the tables version 6 added)."""
    conn = connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 6
    assert columns(conn, "documents")[-1] == "text"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1  # back on after the rebuild
    indexes = {name for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'")}
    assert indexes == INDEXES
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert conn.execute("SELECT count(*) FROM suggestions").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM suggestion_decisions").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM assignments").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM curation_decisions").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM curation_items").fetchone()[0] == 0
    assert columns(conn, "annotations")[-1] == "meta"
    conn.close()
    expected = {table: [dict(row, meta="{}") if table == "annotations" else row
                        for row in table_rows] for table, table_rows in before.items()}
    assert rows(db, tuple(before)) == expected  # same ids, same values, same order


def test_a_version_1_database_upgrades_with_every_row_intact(version_1_db: Path) -> None:
    before = rows(version_1_db)
    assert {event["kind"] for event in before["events"]} == OLD_KINDS
    assert all(before[table] for table in TABLES)
    check_upgraded(version_1_db, before)
    conn = connect(version_1_db)
    assert conn.execute("SELECT count(*) FROM relations").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM doc_labels").fetchone()[0] == 0
    conn.close()

    # Every kind the reader writes is still accepted, and history carries on from the old ids.
    conn = connect(version_1_db)
    store = AnnotationStore(conn, 1, "ann")
    assert store.can_redo  # the undo written before the upgrade is still on the stack
    store.redo()
    added = store.create(13, 17, "LOC", FIRST_TEXT[13:17])
    store.set_note(added.uid, "new")
    store.delete(added.uid)
    store.undo()
    conn.close()
    after = rows(version_1_db)
    assert after["events"][:len(before["events"])] == before["events"]
    assert [event["id"] for event in after["events"]] == list(range(1, len(after["events"]) + 1))
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        conn = connect(version_1_db)
        try:
            conn.execute("DELETE FROM documents WHERE id = 1")  # foreign keys hold again
        finally:
            conn.close()


def test_a_version_2_database_upgrades_with_every_row_intact(version_2_db: Path) -> None:
    before = rows(version_2_db)
    assert {event["kind"] for event in before["events"]} == OLD_KINDS
    assert all(before[table] for table in TABLES)
    check_upgraded(version_2_db, before)

    # The old history goes on, and the old spans take relations and document labels, on
    # the same undo stack: the relation is undone first, then the pending redo of version 2.
    conn = connect(version_2_db)
    store = AnnotationStore(conn, 1, "ann")
    assert store.can_redo
    actors = sorted((a for a in store.mine() if a.label == "actor"), key=lambda a: a.start)
    relation = store.relate(actors[0].uid, actors[1].uid, "by")
    store.toggle_doc_label("relevant", multi=False)
    deleted = store.delete_with_relations(actors[1].uid)
    assert deleted.relations_removed == (relation,)
    assert store.relations() == []
    restored = store.undo()  # the deletion: span and relation back
    assert restored is not None and restored.after == deleted.before
    assert [r.uid for r in restored.relations_added] == [relation.uid]
    assert store.relations() == list(restored.relations_added)
    assert store.undo() is not None and store.doc_labels() == frozenset()
    assert store.undo() is not None and store.relations() == []
    conn.close()
    after = rows(version_2_db, (*TABLES, "relations", "doc_labels"))
    assert after["events"][:len(before["events"])] == before["events"]
    assert {event["kind"] for event in after["events"]} == OLD_KINDS | {"relate", "doc_label"}
    assert [event["id"] for event in after["events"]] == list(range(1, len(after["events"]) + 1))
    assert [(r["uid"], r["deleted_at"] is not None) for r in after["relations"]] == [
        (relation.uid, True)]
    assert [(r["label"], r["deleted_at"] is not None) for r in after["doc_labels"]] == [
        ("relevant", True)]


def test_a_version_3_database_upgrades_with_every_row_intact(version_3_db: Path) -> None:
    """Relations and document labels come through; the old history goes on, on the same
    undo stack as accepting and rejecting suggestions."""
    tables = (*TABLES, "relations", "doc_labels")
    before = rows(version_3_db, tables)
    assert {event["kind"] for event in before["events"]} == V3_KINDS
    assert all(before[table] for table in tables)
    check_upgraded(version_3_db, before)

    from reader.store.suggestions import SuggestionStage
    from reader.suggest.record import Suggestion

    conn = connect(version_3_db)
    text = conn.execute("SELECT text FROM documents WHERE id = 1").fetchone()[0]
    stage = SuggestionStage(conn)
    found = [Suggestion(1, 23, 29, "LOC", "learned"), Suggestion(1, 13, 19, "LOC", "learned")]
    stage.add(text, found)
    assert stage.apply() == 2
    store = AnnotationStore(conn, 1, "ann")
    assert store.can_redo  # the relation's unrelate, undone by version 3
    accepted = store.accept_suggestion(found[0], text)
    assert accepted.text == "Moscow"
    store.reject_suggestion(found[1], text)
    assert store.undo() is not None  # the rejection
    assert store.undo() is not None and store.get(accepted.uid) is None  # the accept
    assert store.undo() is not None and store.doc_labels() == frozenset()  # version 3's
    conn.close()
    after = rows(version_3_db, tables)
    assert {event["kind"] for event in after["events"]} == V3_KINDS | {"reject"}
    assert [event["id"] for event in after["events"]] == list(range(1, len(after["events"]) + 1))


def test_a_version_4_database_upgrades_with_every_row_intact_and_takes_assignments(
        version_4_db: Path) -> None:
    """Version 5 only adds the assignments table: every row of version 4 is as it was, and
    the old documents can be assigned and queued."""
    from reader.store.assignments import add_assignments, queue

    tables = (*TABLES, "relations", "doc_labels", "suggestions", "suggestion_decisions")
    before = rows(version_4_db, tables)
    assert all(before[table] for table in TABLES)
    check_upgraded(version_4_db, before)
    conn = connect(version_4_db)
    add_assignments(conn, [(2, "ann"), (1, "ann")], "2026-12-02T00:00:00.000Z")
    assert queue(conn, "ann") == [1, 2]
    conn.close()
    assert rows(version_4_db, tables) == before


def test_an_older_reader_refuses_a_newer_database(
        version_3_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    connect(version_3_db).close()  # upgraded to 6
    before = version_3_db.read_bytes()
    monkeypatch.setattr(database, "MIGRATIONS", MIGRATIONS[:3])  # the reader of version 3
    monkeypatch.setattr(database, "SCHEMA_VERSION", 3)
    with pytest.raises(ReaderError, match=r"schema version 6 is newer than this reader "
                       r"understands \(3\); upgrade reader"):
        connect(version_3_db)
    with pytest.raises(ReaderError, match="schema version 6 is newer"):
        connect_readonly(version_3_db)
    assert version_3_db.read_bytes() == before


def test_the_upgrade_is_one_transaction(version_1_db: Path) -> None:
    """A version 1 database the upgrade cannot carry (a kind no reader wrote) is refused in
    one line and left exactly as it was."""
    raw = sqlite3.connect(version_1_db)
    raw.execute("UPDATE events SET kind = 'relabel' WHERE id = 1")
    raw.commit()
    raw.close()
    before = rows(version_1_db)
    with pytest.raises(ReaderError, match=r"cannot upgrade the schema to version 6 \("
                       r"CHECK constraint failed.*\); nothing was changed"):
        connect(version_1_db)
    assert rows(version_1_db) == before
    raw = sqlite3.connect(version_1_db)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 1
    assert columns(raw, "documents")[-1] == "updated_at"
    raw.close()


@pytest.mark.parametrize("name", ["v1.db", "v2.db", "v3.db"])
def test_the_upgrade_refuses_to_carry_a_broken_reference(tmp_path: Path, name: str) -> None:
    """Rows another program left pointing at no document: the rebuild runs with foreign
    keys off, so it checks them itself before committing, and changes nothing (no new
    table either)."""
    db = copy_of(name, tmp_path)
    raw = sqlite3.connect(db)
    raw.execute("UPDATE annotations SET document_id = 99 WHERE id = 2")
    raw.commit()
    raw.close()
    before = rows(db)
    with pytest.raises(ReaderError, match=r"cannot upgrade the schema to version 6 \("
                       r"annotations row 2 refers to a missing documents row\)"):
        connect(db)
    assert rows(db) == before
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == int(name[1])
    new_tables = ("'relations', 'doc_labels', " if name != "v3.db" else "") + \
        "'suggestions', 'suggestion_decisions', 'assignments'"
    assert raw.execute("SELECT count(*) FROM sqlite_master WHERE name IN"
                       f" ({new_tables})").fetchone()[0] == 0
    assert "meta" not in columns(raw, "annotations")
    raw.close()


def test_events_kind_refuses_an_unknown_kind(tmp_path: Path) -> None:
    conn = connect(tmp_path / "db.sqlite")
    document, _ = add_document(conn, LoadedText.from_text("some text", "/a.txt"))
    insert = ("INSERT INTO events (document_id, annotator, kind, at)"
              " VALUES (?, 'ann', ?, '2024-01-01T00:00:00.000Z')")
    for kind in sorted(KINDS):
        conn.execute(insert, (document.id, kind))
    with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
        conn.execute(insert, (document.id, "relabel"))
    with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
        conn.execute(insert, (document.id, "Create"))
    conn.close()


@pytest.mark.parametrize("name", ["v1.db", "v2.db", "v3.db"])
def test_a_read_only_open_of_an_older_version_asks_for_an_upgrade(tmp_path: Path,
                                                                  name: str) -> None:
    db = copy_of(name, tmp_path)
    before = db.read_bytes()
    with pytest.raises(ReaderError, match=r"run `reader open` once to upgrade it"):
        connect_readonly(db)
    result = CliRunner().invoke(cli, ["stats", "--db", str(db)])
    assert isinstance(result.exception, ReaderError)
    assert "run `reader open` once to upgrade" in str(result.exception)
    assert db.read_bytes() == before
