"""Opening the database safely: refuse what is not ours before touching it, then migrate;
read-only commands open it without writing a byte; SQLite failures a user can act on
(damaged file, busy, disk full) become one line."""

from __future__ import annotations

import os
import shlex
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from reader.errors import ReaderError
from reader.store.schema import MIGRATIONS, SCHEMA_VERSION

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 30_000
"""How long a writer waits for another's write lock (READER_BUSY_TIMEOUT_MS overrides it)."""
READER_TABLES = frozenset({"documents", "progress", "annotations", "events"})

__all__ = [
    "SCHEMA_VERSION",
    "check_integrity",
    "connect",
    "connect_readonly",
    "database_error",
    "database_errors",
    "now_iso",
    "transaction",
]

_last_opened: Path | None = None  # what a SQLite error caught far from its connection is about


def now_iso() -> str:
    """UTC time with milliseconds, sortable as text."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def busy_timeout_ms() -> int:
    """How long to wait for another process's write lock: generous by default, so a batch
    writer's short final transaction never fails the TUI; tests make it short."""
    raw = os.environ.get("READER_BUSY_TIMEOUT_MS", "").strip()
    if not raw:
        return BUSY_TIMEOUT_MS
    if not raw.isdigit():
        raise ReaderError(
            f"READER_BUSY_TIMEOUT_MS={raw!r}: not a whole number of milliseconds"
        )
    return int(raw)


def database_error(error: sqlite3.Error, path: Path | str | None = None) -> ReaderError | None:
    """The one-line ReaderError for a SQLite failure the user can act on (a damaged file,
    a lock held too long, a full disk), or None for the rest, which are bugs."""
    where = str(path if path is not None else _last_opened or "(the database)")
    text = " ".join(str(error).split())
    lowered = text.lower()
    if any(mark in lowered for mark in ("malformed", "file is not a database", "disk image")):
        return damaged(where, text)
    if "database is locked" in lowered or "database table is locked" in lowered \
            or "database is busy" in lowered:
        return ReaderError(f"database {where} is busy (another reader is writing); try again")
    if "database or disk is full" in lowered:
        return ReaderError(f"database {where}: disk full: nothing was written")
    return None


def damaged(where: str, detail: str) -> ReaderError:
    """What to say about a damaged database: what is wrong, and how to get the data back."""
    quoted = shlex.quote(where)
    return ReaderError(
        f"database {where} is damaged ({detail}): keep a copy of it and recover it with:"
        f" sqlite3 {quoted} .recover | sqlite3 fixed.db"
    )


@contextmanager
def database_errors(path: Path | str | None = None) -> Iterator[None]:
    """Turn the SQLite failures a user can act on into one-line errors naming `path` (by
    default the database opened last)."""
    try:
        yield
    except sqlite3.Error as error:
        known = database_error(error, path)
        if known is None:
            raise
        raise known from None


def check_integrity(conn: sqlite3.Connection, path: Path | str) -> None:
    """Refuse a damaged database before a bulk write (or a count) builds on it: SQLite
    reads only the pages a query needs, so damage elsewhere goes unnoticed until then."""
    with database_errors(path):
        rows = conn.execute("PRAGMA quick_check(1)").fetchall()
    if rows != [("ok",)]:
        lines = [line for line in str(rows[0][0]).splitlines() if not line.startswith("***")]
        raise damaged(str(path), " ".join(" ".join(lines).split())[:200])


def check_sqlite_header(path: Path, what: str, allow_empty: bool = False) -> None:
    """Refuse a file that is not SQLite before SQLite touches it (it would write to it).

    A file with a -wal beside it is in use, maybe by a connection of this very process:
    SQLite itself checks its header then (`_in_use_is_sqlite`), never a descriptor of ours."""
    if Path(f"{path}-wal").exists() and path.stat().st_size:
        if not _in_use_is_sqlite(path, what):
            raise ReaderError(f"{what}: not a SQLite database")
        return
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise ReaderError(f"{what}: cannot read ({error.strerror})") from None
    if header != SQLITE_HEADER and not (allow_empty and not header):
        raise ReaderError(f"{what}: not a SQLite database")


def _in_use_is_sqlite(path: Path, what: str) -> bool:
    """Whether SQLite reads `path` as a database, through a connection that writes nothing
    (immutable: no lock, no file beside it).

    Closing any descriptor of a file drops every POSIX lock the process holds on it, its
    SQLite connections' too (SQLite's "How To Corrupt", 2.2): another process quitting
    would then think itself the last user of the database, checkpoint it and delete the
    -wal that this one still commits to, and those commits would be lost. SQLite keeps its
    own descriptors open while the process holds locks on the file, so reading through it
    is safe; Python's `open` is not."""
    try:
        probe = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as error:
        raise ReaderError(f"{what}: cannot read ({error})") from None
    try:
        probe.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as error:
        if "not a database" in str(error):
            return False
        if isinstance(error, sqlite3.OperationalError):  # could not open or read it
            raise ReaderError(f"{what}: cannot read ({error})") from None
        # Damage beyond the header is for the caller's own checks to name.
    finally:
        probe.close()
    return True


def refuse_newer_schema(conn: sqlite3.Connection, what: str) -> int:
    """The schema version, or a ReaderError (closing `conn`) if it is newer than ours."""
    version: int = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        conn.close()
        raise ReaderError(
            f"{what}: schema version {version} is newer than this reader "
            f"understands ({SCHEMA_VERSION}); upgrade reader"
        )
    return version


SchemaState = Literal["empty", "current", "older"]


def schema_state(conn: sqlite3.Connection, what: str) -> SchemaState:
    """Whether this is a new (empty) database, a reader database of our schema version or an
    older one; a ReaderError for a newer version or another program's database (tables, but
    not reader's), which must not be touched."""
    version = refuse_newer_schema(conn, what)
    tables = {name for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
    if not tables and version == 0:
        return "empty"
    missing = sorted(READER_TABLES - tables)
    if missing:
        raise ReaderError(f"{what}: not a reader database (no {', '.join(missing)} table)")
    return "current" if version == SCHEMA_VERSION else "older"


def _remember(path: Path) -> None:
    global _last_opened
    _last_opened = path


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
    turn instead of failing with "database is locked". Another program's database is
    refused before anything is written to it (no tables, no journal mode)."""
    path = Path(path).expanduser()
    _remember(path)
    _check_file(path)
    what = f"database {path}"
    if path.exists() and path.stat().st_size:
        probe = open_for_reading(path)  # a look that cannot write, not even a hot journal
        try:
            with database_errors(path):
                schema_state(probe, what)
        finally:
            probe.close()
    timeout = busy_timeout_ms()
    try:
        conn = sqlite3.connect(
            path, timeout=timeout / 1000, isolation_level=None, check_same_thread=False
        )
        schema_state(conn, what)  # again: another process may have changed it meanwhile
    except sqlite3.DatabaseError as error:
        raise database_error(error, path) or ReaderError(f"{what}: {error}") from None
    try:
        conn.execute(f"PRAGMA busy_timeout = {timeout}")
        _enable_wal(conn, timeout)
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        _migrate(conn)
    except sqlite3.DatabaseError as error:
        conn.close()
        raise database_error(error, path) or ReaderError(f"{what}: {error}") from None
    return conn


def connect_readonly(path: Path | str, verify: bool = True) -> sqlite3.Connection:
    """Open an existing reader database for reading only: nothing is created, migrated or
    switched to WAL, and no byte of it (nor a -wal/-shm file beside it) is left changed,
    so a read-only file, folder or mount works. With `verify`, a damaged database is
    refused (PRAGMA quick_check) rather than counted as if whole.

    A database of an older schema version is refused (`reader open` upgrades it); another
    program's SQLite file is "not a reader database"."""
    path = Path(path).expanduser()
    _remember(path)
    what = f"database {path}"
    if path.is_dir():
        raise ReaderError(f"{what}: is a directory")
    if not path.exists():
        raise ReaderError(f"{what}: does not exist (nothing imported or annotated yet)")
    check_sqlite_header(path, what, allow_empty=True)
    if path.stat().st_size == 0:
        raise ReaderError(f"{what}: is empty (nothing imported or annotated yet)")
    conn = open_for_reading(path)
    try:
        with database_errors(path):
            state = schema_state(conn, what)
            if state == "empty":
                raise ReaderError(f"{what}: is empty (nothing imported or annotated yet)")
            if state == "older":
                raise ReaderError(
                    f"{what}: has an older schema version; run `reader open` once to upgrade it"
                )
            if verify:
                check_integrity(conn, path)
    except sqlite3.Error as error:
        conn.close()
        raise ReaderError(f"{what}: cannot read ({error})") from None
    except BaseException:
        conn.close()
        raise
    return conn


def _is_wal(path: Path) -> bool:
    """Whether the file is in WAL mode (header bytes 18 and 19 are 2), read without SQLite.
    Only for a file with no -wal beside it, which no connection (of this process either)
    has open: closing our descriptor would drop this process's locks (`_in_use_is_sqlite`)."""
    with path.open("rb") as handle:
        header = handle.read(20)
    return header[18:20] == b"\x02\x02"


def _can_write(path: Path) -> bool:
    """Whether we could write the file and create files beside it (SQLite's -wal/-shm)."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def open_for_reading(path: Path) -> sqlite3.Connection:
    """A connection that writes nothing to `path` nor leaves a file beside it.

    In WAL mode a reader needs the -shm index. When no -wal file exists nobody has the
    database open and everything is in the main file: if we may write there, a read-write
    (never creating) connection with query_only set reads it, and SQLite removes the
    -wal/-shm it made when it closes (a read-only connection would leave them behind);
    if we may not (a read-only file, folder or mount), SQLite reads the file as immutable.
    When a -wal exists, SQLite's read-only mode shares it with whoever has it open."""
    uri = path.resolve().as_uri()
    timeout = busy_timeout_ms() / 1000

    def open_uri(query: str) -> sqlite3.Connection:
        conn = sqlite3.connect(f"{uri}?{query}", uri=True, timeout=timeout,
                               isolation_level=None, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        return conn

    wal_file = Path(f"{path}-wal")
    try:
        if not wal_file.exists() and _is_wal(path):  # in this order: see `_is_wal`
            if _can_write(path):
                conn = open_uri("mode=rw")
                conn.execute("PRAGMA query_only = ON")
                return conn
            return open_uri("mode=ro&immutable=1")
        conn = open_uri("mode=ro")
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError:
            # A read-only folder without the -shm index: with an empty -wal, the main file
            # holds everything and is read as is.
            conn.close()
            if not (wal_file.exists() and wal_file.stat().st_size == 0):
                raise
            return open_uri("mode=ro&immutable=1")
        return conn
    except sqlite3.Error as error:
        raise database_error(error, path) or ReaderError(
            f"database {path}: cannot read ({error})") from None
    except OSError as error:
        raise ReaderError(f"database {path}: cannot read ({error.strerror})") from None


def _enable_wal(conn: sqlite3.Connection, timeout_ms: int) -> None:
    """Switch to WAL once; later opens find it set and change nothing. The switch needs an
    exclusive lock that SQLite's busy handler does not wait for, so when another process
    holds a lock at that moment (two `reader open` on a new database), wait and retry."""
    deadline = time.monotonic() + timeout_ms / 1000
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
    us re-reads the version under the lock and finds nothing to do.

    Foreign keys are off meanwhile (the pragma cannot change inside a transaction): a
    migration that rebuilds a table drops the old one, which with them on would delete or
    refuse its children's rows. `foreign_key_check` proves the rebuilt tables whole before
    the commit, as SQLite's own procedure for schema changes does."""
    if conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
        return
    foreign_keys = conn.execute("PRAGMA foreign_keys").fetchone()[0]
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for number in range(version, SCHEMA_VERSION):
                for statement in _split_sql(MIGRATIONS[number]):
                    conn.execute(statement)
            broken = conn.execute("PRAGMA foreign_key_check").fetchone()
            if broken is not None:
                raise sqlite3.IntegrityError(
                    f"{broken[0]} row {broken[1]} refers to a missing {broken[2]} row")
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except sqlite3.IntegrityError as error:  # rows another program wrote, not a bug
            conn.execute("ROLLBACK")
            raise sqlite3.IntegrityError(
                f"cannot upgrade the schema to version {SCHEMA_VERSION} ({error});"
                " nothing was changed") from None
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    finally:
        conn.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")


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


def use_bulk_cache(conn: sqlite3.Connection) -> None:
    """A 64 MB page cache for a bulk write: an import writes the uid index at random."""
    conn.execute("PRAGMA cache_size = -65536")


def set_busy_timeout(conn: sqlite3.Connection, milliseconds: int) -> None:
    """How long a statement on `conn` waits for another process's write lock."""
    conn.execute(f"PRAGMA busy_timeout = {int(milliseconds)}")


def is_busy(error: sqlite3.Error) -> bool:
    """Whether `error` means another process holds the lock (worth waiting for)."""
    text = str(error).lower()
    return isinstance(error, sqlite3.OperationalError) and ("locked" in text or "busy" in text)
