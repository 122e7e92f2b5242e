"""Two `reader` processes on one database: opening must wait for the other's write lock
(the busy timeout), never fail with "database is locked"."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from reader.store.database import connect


def test_opening_waits_while_another_process_writes(tmp_path: Path) -> None:
    path = tmp_path / "annotations.db"
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # the first process, half-way through creating it
    other.execute("CREATE TABLE first_writer (x)")
    release = threading.Timer(0.3, other.execute, ("COMMIT",))
    release.start()
    try:
        conn = connect(path)
    finally:
        release.join()
        other.close()
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
