"""Batch writers hold the write lock only briefly: while a long import parses and stages,
the TUI's writes (a tag) go through at once; an import or merge that cannot get the lock
after the wait says so in one line and changes nothing."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader.store.annotations import AnnotationStore
from reader.store.database import connect
from reader.store.documents import add_document
from reader.text.loading import LoadedText

SHORT_WAIT_MS = 2000
"""The tagging connection's busy timeout: far below the import's running time."""

# `reader import` whose reading is slowed to 30 ms a record, as if the dataset were large:
# it then runs for seconds, most of it before anything is written. argv: MARKER, args...
SLOW_IMPORT = """
import sys, time
from pathlib import Path
import reader.formats.sources as sources
real, marker = sources.iter_json_lines, Path(sys.argv[1])
def slow(*args, **kwargs):
    for item in real(*args, **kwargs):
        marker.touch()
        time.sleep(0.03)
        yield item
sources.iter_json_lines = slow
from reader.cli import main
sys.argv = ["reader", *sys.argv[2:]]
main()
"""
RECORDS = 150


def dataset(path: Path, records: int = RECORDS) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for number in range(records):
            text = f"Record {number}: Alice met Bob in Paris."
            out.write(json.dumps({"text": text, "spans": [
                {"start": text.index("Alice"), "end": text.index("Alice") + 5,
                 "label": "PER"}]}) + "\n")
    return path


def counts(db: Path) -> tuple[int, int]:
    raw = sqlite3.connect(db)
    try:
        return (raw.execute("SELECT count(*) FROM documents").fetchone()[0],
                raw.execute("SELECT count(*) FROM annotations").fetchone()[0])
    finally:
        raw.close()


def start_slow_import(db: Path, data: Path, marker: Path,
                      env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", SLOW_IMPORT, str(marker), "import", str(data), "--db", str(db)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, **(env or {})})
    deadline = time.monotonic() + 60
    while not marker.exists():  # reading has begun
        assert child.poll() is None, child.communicate()
        assert time.monotonic() < deadline, "the import did not start"
        time.sleep(0.01)
    return child


def test_tags_save_while_a_long_import_runs_and_a_killed_one_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "annotations.db"
    monkeypatch.setenv("READER_BUSY_TIMEOUT_MS", str(SHORT_WAIT_MS))
    conn = connect(db)
    conn.execute(f"PRAGMA busy_timeout = {SHORT_WAIT_MS}")
    document, _ = add_document(conn, LoadedText.from_text("one two three four", "/t.txt"))
    store = AnnotationStore(conn, document.id, "me")
    data = dataset(tmp_path / "data.jsonl")
    try:
        child = start_slow_import(db, data, tmp_path / "started")
        saved = 0
        while child.poll() is None:  # each a tag and its removal, as in the TUI
            store.delete(store.create(0, 3, "X", "one").uid)  # "database is locked" before
            saved += 1
            time.sleep(0.05)
        _out, err = child.communicate()
        assert child.returncode == 0, err
        assert saved >= 3  # the import ran for seconds; the tags went on all the while
        assert counts(db) == (RECORDS + 1, RECORDS + saved)

        # Killed while staging: nothing of it is in the database, no staging file is left.
        staging = tmp_path / "tmp"
        staging.mkdir()
        other = dataset(tmp_path / "other.jsonl").read_text().replace("Record", "Other")
        (tmp_path / "other.jsonl").write_text(other)
        before = counts(db)
        child = start_slow_import(db, tmp_path / "other.jsonl", tmp_path / "started again",
                                  {"TMPDIR": str(staging), "SQLITE_TMPDIR": str(staging)})
        time.sleep(0.5)
        child.send_signal(signal.SIGKILL)
        child.communicate()
        assert counts(db) == before
        assert list(staging.iterdir()) == []
        store.create(4, 7, "X", "two")  # and the database takes writes as before
    finally:
        conn.close()


@pytest.fixture
def locked(tmp_path: Path) -> tuple[Path, sqlite3.Connection]:
    """A reader database with another process's write transaction open on it."""
    db = tmp_path / "annotations.db"
    connect(db).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO progress (document_id, annotator, updated_at)"
                   " VALUES (1, 'holder', 'now')")
    return db, holder


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 1, (done.returncode, done.stderr)
    assert done.stderr.count("\n") == 1, done.stderr
    return done.stderr.rstrip("\n")


@pytest.mark.parametrize("command", ["import", "merge"])
def test_a_database_busy_beyond_the_wait_is_one_line(
    locked: tuple[Path, sqlite3.Connection], tmp_path: Path, command: str
) -> None:
    db, holder = locked
    source = dataset(tmp_path / "data.jsonl", 3)
    if command == "merge":
        other = tmp_path / "other.db"
        assert subprocess.run([sys.executable, "-m", "reader", "import", str(source), "--db",
                               str(other)], capture_output=True).returncode == 0
        source = other
    try:
        done = subprocess.run(
            [sys.executable, "-m", "reader", command, str(source), "--db", str(db)],
            capture_output=True, text=True, timeout=120,
            env={**os.environ, "READER_BUSY_TIMEOUT_MS": "300"})
        assert one_line(done) == (f"reader: error: database {db} is busy"
                                  " (another reader is writing); try again")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert counts(db) == (0, 0)


def test_a_bad_busy_timeout_is_one_line(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "reader", "import", str(dataset(tmp_path / "d.jsonl", 1)),
         "--db", str(tmp_path / "annotations.db")],
        capture_output=True, text=True, env={**os.environ, "READER_BUSY_TIMEOUT_MS": "soon"})
    assert one_line(done) == ("reader: error: READER_BUSY_TIMEOUT_MS='soon': not a whole"
                              " number of milliseconds")
    assert not (tmp_path / "annotations.db").exists()
