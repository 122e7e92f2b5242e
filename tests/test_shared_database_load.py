"""One database shared by many `reader` processes (issue 14): what a process reports saved
stays saved while others come and go, and the load test's correctness part, small and
short (benchmarks/load_shared_db.py measures the figures by hand)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from reader.annotate.session import AnnotationSession, LoadedRelations, Saved
from reader.store.annotations import AnnotationStore
from reader.store.database import connect, connect_readonly
from reader.store.documents import add_document
from reader.text.loading import LoadedText

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"

# Whether another process could take SQLite's EXCLUSIVE lock on the database file: only if
# no process holds the SHARED lock every open WAL connection keeps (SQLite's lock bytes).
LOCK_PROBE = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
try:
    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 510, 0x40000002)
    print("free")
except OSError:
    print("held")
"""
# Another `reader` process that opens the database and quits: the last one to close a WAL
# database checkpoints it and deletes the -wal file.
OPEN_AND_QUIT = """
import sys
from reader.store.database import connect
conn = connect(sys.argv[1])
conn.execute("SELECT count(*) FROM annotations").fetchone()
conn.close()
"""
LIVE_SPANS = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
print(conn.execute("SELECT count(*) FROM annotations WHERE deleted_at IS NULL").fetchone()[0])
"""


def python(code: str, *args: str) -> str:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          check=True)
    return done.stdout.strip()


def test_reading_relations_on_a_second_connection_keeps_this_process_lock(
        tmp_path: Path) -> None:
    """The relations worker opens the file again (`open_for_reading`): it must not read the
    header with a descriptor of its own, whose close would drop every POSIX lock this
    process holds on the file (SQLite's "How To Corrupt", 2.2). Another process quitting
    would then think itself the last, and delete the -wal this one still writes to."""
    db = tmp_path / "shared.db"
    conn = connect(db)
    document, _ = add_document(conn, LoadedText.from_text("Alice met Bob in Paris.", "a.txt"))
    session = AnnotationSession(AnnotationStore(conn, document.id, "me"), document.text)
    assert session.reload(relations=False) is None
    assert python(LOCK_PROBE, str(db)) == "held"
    assert isinstance(session.read_relations(), LoadedRelations)  # as the worker does
    assert python(LOCK_PROBE, str(db)) == "held"

    python(OPEN_AND_QUIT, str(db))  # another annotator opens the database and quits
    assert Path(f"{db}-wal").exists(), "the other process deleted the WAL still in use"
    outcome = session.tag("actor", (0, 5), 0)
    assert isinstance(outcome, Saved)
    assert python(LIVE_SPANS, str(db)) == "1", "another process sees the tag reported saved"
    conn.close()


def test_a_read_only_look_in_the_same_process_keeps_its_lock(tmp_path: Path) -> None:
    """`connect_readonly` (stats, export) checks the header of a file this process may have
    open already: through SQLite, never a descriptor of its own."""
    db = tmp_path / "shared.db"
    conn = connect(db)
    conn.execute("SELECT count(*) FROM annotations").fetchone()
    connect_readonly(db).close()
    assert python(LOCK_PROBE, str(db)) == "held"
    connect(db).close()
    assert python(LOCK_PROBE, str(db)) == "held"
    conn.close()


@pytest.fixture(scope="module")
def load_test():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import load_shared_db

        yield load_shared_db
    finally:
        sys.path.remove(str(BENCHMARKS))


def test_four_annotators_a_reader_and_an_exporter_lose_nothing(  # type: ignore[no-untyped-def]
        tmp_path: Path, load_test) -> None:
    """Four annotator processes tag, note, delete and undo at 20 operations a second for
    3 s on one database through `AnnotationSession`, while a reader reloads and `reader
    export` runs again and again: no error, and every operation a process reported saved
    is in the database at the end (deletes and undos too), with its event."""
    result = load_test.run(4, 3.0, documents=3, workdir=tmp_path, min_ops=30, bare_seconds=0)
    assert result.errors == []
    assert result.error_count == 0
    assert result.lost == []
    assert result.unreported == []
    assert result.event_mismatches == []
    assert result.integrity == "ok"
    # Every kind of operation ran, and the reader and the exporter did their part.
    assert {"tagged", "noted", "deleted", "undone"} <= set(result.saved)
    assert result.reloads >= 1
    assert result.exports >= 1
