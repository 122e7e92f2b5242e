"""The store: refusing what is not ours, migrating, versioning documents, history."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from reader.errors import ReaderError
from reader.store.annotations import AnnotationStore
from reader.store.database import SCHEMA_VERSION, connect
from reader.store.documents import (
    add_document,
    get_progress,
    mark_opened,
    save_position,
    set_status,
)
from reader.text.loading import LoadedText


def test_new_database_is_migrated_and_readable_as_plain_tables(tmp_path: Path) -> None:
    conn = connect(tmp_path / "sub" / "a.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"documents", "progress", "annotations", "events"} <= tables


def test_not_sqlite_and_newer_schema_are_refused_untouched(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database, just text" * 10)
    before = junk.read_bytes()
    with pytest.raises(ReaderError, match="not a SQLite database"):
        connect(junk)
    assert junk.read_bytes() == before

    newer = tmp_path / "newer.db"
    raw = sqlite3.connect(newer)
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    raw.close()
    before = newer.read_bytes()
    with pytest.raises(ReaderError, match="newer than this reader"):
        connect(newer)
    assert newer.read_bytes() == before
    assert not Path(f"{newer}-wal").exists()


def test_unwritable_location(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ReaderError, match="cannot create folder"):
        connect(blocker / "sub" / "a.db")
    with pytest.raises(ReaderError, match="is a directory"):
        connect(tmp_path)


def test_same_text_same_document_changed_text_new_version(tmp_path: Path) -> None:
    conn = connect(tmp_path / "a.db")
    first, created = add_document(conn, LoadedText.from_text("one", "/a.txt"))
    again, created_again = add_document(conn, LoadedText.from_text("one", "/a.txt"))
    changed, _ = add_document(conn, LoadedText.from_text("one two", "/a.txt"))
    assert created and not created_again and again.id == first.id
    assert (first.version, changed.version) == (1, 2)
    assert changed.id != first.id
    store = AnnotationStore(conn, first.id, "me")
    store.create(0, 3, "actor", "one")
    assert len(AnnotationStore(conn, first.id, "me").mine()) == 1  # old version keeps it


def test_progress_and_status(tmp_path: Path) -> None:
    conn = connect(tmp_path / "a.db")
    document, _ = add_document(conn, LoadedText.from_text("hello world", "/h.txt"))
    assert get_progress(conn, document.id, "me").status == "new"
    mark_opened(conn, document.id, "me")
    save_position(conn, document.id, "me", 6, 0)
    progress = get_progress(conn, document.id, "me")
    assert (progress.status, progress.cursor) == ("in_progress", 6)
    set_status(conn, document.id, "me", "done")
    assert get_progress(conn, document.id, "me").status == "done"
    assert get_progress(conn, document.id, "you").status == "new"


def test_undo_redo_history_survives_a_restart(tmp_path: Path) -> None:
    conn = connect(tmp_path / "a.db")
    document, _ = add_document(conn, LoadedText.from_text("Alice met Bob", "/x.txt"))
    store = AnnotationStore(conn, document.id, "me")
    alice = store.create(0, 5, "actor", "Alice")
    bob = store.create(10, 13, "actor", "Bob")
    store.set_note(alice.uid, "the host")
    store.delete(bob.uid)
    assert [a.text for a in store.mine()] == ["Alice"]

    restarted = AnnotationStore(connect(tmp_path / "a.db"), document.id, "me")
    restarted.undo()  # the deletion
    assert [a.text for a in restarted.mine()] == ["Alice", "Bob"]
    restarted.undo()  # the note
    assert restarted.get(alice.uid).note == ""  # type: ignore[union-attr]
    restarted.redo()
    assert restarted.get(alice.uid).note == "the host"  # type: ignore[union-attr]
    kinds = [row[0] for row in conn.execute("SELECT kind FROM events ORDER BY id")]
    assert kinds == ["create", "create", "note", "delete", "undo", "undo", "redo"]
    # Deleted rows stay (soft delete): history is auditable.
    assert conn.execute("SELECT COUNT(*) FROM annotations").fetchone()[0] == 2


def test_two_connections_write_without_locking_errors(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    first = connect(path)
    document, _ = add_document(first, LoadedText.from_text("a b c d e f", "/s.txt"))
    second = connect(path)
    mine = AnnotationStore(first, document.id, "ana")
    theirs = AnnotationStore(second, document.id, "bo")
    for index in range(0, 10, 2):
        mine.create(index, index + 1, "actor", "abcdef"[index // 2])
        theirs.create(index, index + 1, "topic", "abcdef"[index // 2])
    assert len(mine.live()) == 10 and len(theirs.live()) == 10


def test_every_connection_is_wal_and_fsyncs_each_commit(tmp_path: Path) -> None:
    """The "nothing lost" promise rests on these two settings; NORMAL would lose the last
    commits on power loss, and each connection must set it (it is not stored in the file)."""
    first = connect(tmp_path / "a.db")
    second = connect(tmp_path / "a.db")
    for conn in (first, second):
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    first.close()
    second.close()
