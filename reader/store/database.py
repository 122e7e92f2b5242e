"""Opening the database safely: refuse what is not ours before touching it, then migrate."""

from __future__ import annotations

import os
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

from reader.errors import ReaderError
from reader.store.schema import MIGRATIONS, SCHEMA_VERSION

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 30_000

__all__ = ["SCHEMA_VERSION", "connect", "now_iso", "transaction"]


def now_iso() -> str:
    """UTC time with milliseconds, sortable as text."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def check_sqlite_header(path: Path, what: str, allow_empty: bool = False) -> None:
    """Refuse a file that is not SQLite before SQLite touches it (it would write to it)."""
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise ReaderError(f"{what}: cannot read ({error.strerror})") from None
    if header != SQLITE_HEADER and not (allow_empty and not header):
        raise ReaderError(f"{what}: not a SQLite database")


def refuse_newer_schema(conn: sqlite3.Connection, what: str) -> int:
    """The schema version, or a ReaderError (closing `conn`) if it is newer than ours."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        conn.close()
        raise ReaderError(
            f"{what}: schema version {version} is newer than this reader "
            f"understands ({SCHEMA_VERSION}); upgrade reader"
        )
    return version


def _check_file(path: Path) -> None:
    if path.is_dir():
        raise ReaderError(f"database {path}: is a directory")
    if path.exists():
        check_sqlite_header(path, f"database {path}", allow_empty=True)
        if not os.access(path, os.W_OK):
            raise ReaderError(f"database {path}: not writable")
        return
    parent = path.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ReaderError(
            f"database {path}: cannot create folder {parent} ({error.strerror})"
        ) from None
    if not os.access(parent, os.W_OK):
        raise ReaderError(f"database {path}: folder {parent} is not writable")


def connect(path: Path | str) -> sqlite3.Connection:
    """Open (creating if needed) and migrate the database at `path`.

    Autocommit mode: every write is its own transaction unless wrapped in `transaction()`.
    WAL lets two processes work on one database; the busy timeout makes a writer wait its
    turn instead of failing with "database is locked"."""
    path = Path(path).expanduser()
    _check_file(path)
    try:
        conn = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
        )
        refuse_newer_schema(conn, f"database {path}")
    except sqlite3.DatabaseError as error:
        raise ReaderError(f"database {path}: {error}") from None
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _enable_wal(conn)
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        _migrate(conn)
    except sqlite3.DatabaseError as error:
        conn.close()
        raise ReaderError(f"database {path}: {error}") from None
    return conn


def _enable_wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL once; later opens find it set and change nothing. The switch needs an
    exclusive lock that SQLite's busy handler does not wait for, so when another process
    holds a lock at that moment (two `reader open` on a new database), wait and retry."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    delay = 0.005
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.2)


def _migrate(conn: sqlite3.Connection) -> None:
    """Apply the missing migrations in one write transaction; a second process that races
    us re-reads the version under the lock and finds nothing to do."""
    if conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for number in range(version, SCHEMA_VERSION):
            for statement in _split_sql(MIGRATIONS[number]):
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _split_sql(script: str) -> list[str]:
    """Statements of a migration (executescript would commit our transaction early)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


class transaction:
    """`with transaction(conn):` — BEGIN IMMEDIATE … COMMIT, rolled back on error."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.conn.execute("COMMIT")
        else:
            self.conn.execute("ROLLBACK")
