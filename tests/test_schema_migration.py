"""Schema version 2: a database of version 1, filled as the reader fills it, opens with every
row, id and event intact; `text` is the last column of `documents`; `events.kind` refuses
a kind no code writes; read-only commands still refuse the older schema."""

from __future__ import annotations

import json
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
from reader.store.documents import add_document, mark_opened, save_position, set_status
from reader.store.schema import MIGRATIONS
from reader.text.loading import LoadedText

TABLES = ("documents", "progress", "annotations", "events")
TEXTS = [
    "Mirzoyan met Lavrov in Moscow.\r\nTalks went on 👩‍👩‍👧 for hours.",
    "Second report: e\u0301dition 東京, and a third line.\n" * 2000,  # beyond one page
    "A third document, only imported.",
]
KINDS = {"create", "delete", "note", "undo", "redo", "import"}


def at_version_1(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make `connect` stop at schema version 1, as the reader before version 2 did."""
    monkeypatch.setattr(database, "MIGRATIONS", MIGRATIONS[:1])
    monkeypatch.setattr(database, "SCHEMA_VERSION", 1)


def fill(db: Path, tmp_path: Path) -> None:
    """Documents, spans, every event kind, progress, all through the reader's own code."""
    conn = connect(db)
    for index, text in enumerate(TEXTS[:2]):
        document, _ = add_document(conn, LoadedText.from_text(text, f"/corpus/{index}.txt"),
                                   {"origin": "test", "n": index})
        store = AnnotationStore(conn, document.id, "ann")
        first = store.create(0, 8, "PER", text[0:8])
        store.set_note(first.uid, "checked ✓")
        gone = store.create(9, 12, "MISC", text[9:12])
        store.delete(gone.uid)
        store.undo()
        store.redo()
        store.undo()
        mark_opened(conn, document.id, "ann")
        save_position(conn, document.id, "ann", 5, 0)
        if index == 0:
            set_status(conn, document.id, "bob", "done")
    conn.close()
    records = tmp_path / "in.jsonl"
    records.write_text(json.dumps({"text": TEXTS[2], "annotator": "carol",
                                   "spans": [{"start": 2, "end": 7, "label": "X"}]}) + "\n",
                       encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", str(records), "--db", str(db)])
    assert result.exit_code == 0, result.output


def rows(db: Path) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, as column name -> value, in id (rowid) order."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return {table: [dict(row) for row in conn.execute(
                    f"SELECT * FROM {table} ORDER BY rowid")] for table in TABLES}
    finally:
        conn.close()


def columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


@pytest.fixture
def version_1_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "old.db"
    with monkeypatch.context() as patch:
        at_version_1(patch)
        fill(db, tmp_path)
    return db


def test_a_version_1_database_upgrades_with_every_row_intact(version_1_db: Path) -> None:
    before = rows(version_1_db)
    assert {event["kind"] for event in before["events"]} == KINDS
    assert all(before[table] for table in TABLES)

    conn = connect(version_1_db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
    assert columns(conn, "documents")[-1] == "text"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1  # back on after the rebuild
    indexes = {name for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'")}
    assert indexes == {"documents_source", "annotations_document", "events_document"}
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()
    assert rows(version_1_db) == before  # same ids, same values, same order

    # Every kind the reader writes is still accepted, and history carries on from the old ids.
    conn = connect(version_1_db)
    store = AnnotationStore(conn, 1, "ann")
    assert store.can_redo  # the undo written before the upgrade is still on the stack
    store.redo()
    added = store.create(13, 17, "LOC", TEXTS[0][13:17])
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


def test_the_upgrade_is_one_transaction(tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A version 1 database the upgrade cannot carry (a kind no reader wrote) is refused in
    one line and left exactly as it was."""
    db = tmp_path / "odd.db"
    with monkeypatch.context() as patch:
        at_version_1(patch)
        fill(db, tmp_path)
    raw = sqlite3.connect(db)
    raw.execute("UPDATE events SET kind = 'relabel' WHERE id = 1")
    raw.commit()
    raw.close()
    before = rows(db)
    with pytest.raises(ReaderError, match=r"cannot upgrade the schema to version 2 \("
                       r"CHECK constraint failed.*\); nothing was changed"):
        connect(db)
    assert rows(db) == before
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 1
    assert columns(raw, "documents")[-1] == "updated_at"
    raw.close()


def test_the_upgrade_refuses_to_carry_a_broken_reference(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows another program left pointing at no document: the rebuild runs with foreign
    keys off, so it checks them itself before committing, and changes nothing."""
    db = tmp_path / "orphan.db"
    with monkeypatch.context() as patch:
        at_version_1(patch)
        fill(db, tmp_path)
    raw = sqlite3.connect(db)
    raw.execute("UPDATE annotations SET document_id = 99 WHERE id = 2")
    raw.commit()
    raw.close()
    before = rows(db)
    with pytest.raises(ReaderError, match=r"cannot upgrade the schema to version 2 \("
                       r"annotations row 2 refers to a missing documents row\)"):
        connect(db)
    assert rows(db) == before


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


def test_a_read_only_open_of_version_1_asks_for_an_upgrade(version_1_db: Path) -> None:
    before = version_1_db.read_bytes()
    with pytest.raises(ReaderError, match=r"run `reader open` once to upgrade it"):
        connect_readonly(version_1_db)
    result = CliRunner().invoke(cli, ["stats", "--db", str(version_1_db)])
    assert isinstance(result.exception, ReaderError)
    assert "run `reader open` once to upgrade" in str(result.exception)
    assert version_1_db.read_bytes() == before
