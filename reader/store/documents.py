"""Documents and each annotator's progress through them."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any, NamedTuple

from reader.store.database import now_iso, transaction
from reader.text.loading import LoadedText

STATUSES = ("new", "in_progress", "done")


class Document(NamedTuple):
    id: int
    sha256: str
    source: str
    version: int
    title: str
    text: str
    meta: dict[str, Any]


class Progress(NamedTuple):
    status: str = "new"
    cursor: int = 0
    top: int = 0


_COLUMNS = "id, sha256, source, version, title, text, meta"


def _meta(raw: str | None) -> dict[str, Any]:
    """A document's meta (JSON), `{}` for most: then `json` need not even be imported."""
    if not raw or raw == "{}":
        return {}
    import json

    loaded: dict[str, Any] = json.loads(raw)
    return loaded


def _row_to_document(row: tuple[Any, ...]) -> Document:
    return Document(row[0], row[1], row[2], row[3], row[4], row[5], _meta(row[6]))


def get_document(conn: sqlite3.Connection, document_id: int) -> Document | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM documents WHERE id = ?", (document_id,)).fetchone()
    return _row_to_document(row) if row else None


def find_by_sha256(conn: sqlite3.Connection, sha256: str) -> Document | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM documents WHERE sha256 = ?", (sha256,)).fetchone()
    return _row_to_document(row) if row else None


def _known(conn: sqlite3.Connection, loaded: LoadedText) -> Document | None:
    """The stored document with this text, without reading the text back: the same hash is
    the same text, so the one just decoded serves (a second copy of a 50 MB text is not
    free)."""
    row = conn.execute("SELECT id, sha256, source, version, title, meta FROM documents"
                       " WHERE sha256 = ?", (loaded.sha256,)).fetchone()
    if row is None:
        return None
    return Document(row[0], row[1], row[2], row[3], row[4], loaded.text,
                    _meta(row[5]))


def add_document(
    conn: sqlite3.Connection, loaded: LoadedText, meta: dict[str, Any] | None = None
) -> tuple[Document, bool]:
    """The document with this text, added if new. Returns (document, created).

    The same text is the same document wherever it came from; new text at a known source
    becomes that source's next version, and older versions keep their annotations."""
    existing = _known(conn, loaded)
    if existing:
        return existing, False
    with transaction(conn):
        existing = _known(conn, loaded)  # another process may have won
        if existing:
            return existing, False
        document_id, version = _insert(conn, loaded, meta)
    return Document(document_id, loaded.sha256, loaded.source, version, loaded.title,
                    loaded.text, dict(meta or {})), True


def _insert(conn: sqlite3.Connection, loaded: LoadedText,
            meta: dict[str, Any] | None) -> tuple[int, int]:
    """Insert a new document (inside the caller's transaction); returns (id, version)."""
    import json

    (latest,) = conn.execute(
        "SELECT COALESCE(MAX(version), 0) FROM documents WHERE source = ?", (loaded.source,)
    ).fetchone()
    stamp = now_iso()
    cursor = conn.execute(
        "INSERT INTO documents (sha256, source, version, title, text, meta, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (loaded.sha256, loaded.source, latest + 1, loaded.title, loaded.text,
         json.dumps(meta or {}, ensure_ascii=False), stamp, stamp),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid, latest + 1


def add_documents(conn: sqlite3.Connection, texts: list[LoadedText]) -> list[int]:
    """Ids of `texts`, in order, adding the new ones; runs inside the caller's transaction
    (a folder of two thousand articles is one commit, not two thousand)."""
    ids: list[int] = []
    for loaded in texts:
        row = conn.execute("SELECT id FROM documents WHERE sha256 = ?",
                           (loaded.sha256,)).fetchone()
        ids.append(row[0] if row else _insert(conn, loaded, None)[0])
    return ids


def get_progress(conn: sqlite3.Connection, document_id: int, annotator: str) -> Progress:
    row = conn.execute(
        "SELECT status, cursor, top FROM progress WHERE document_id = ? AND annotator = ?",
        (document_id, annotator),
    ).fetchone()
    return Progress(*row) if row else Progress()


def _upsert_progress(conn: sqlite3.Connection, document_id: int, annotator: str,
                     assignments: str, values: tuple[Any, ...]) -> None:
    stamp = now_iso()
    conn.execute(
        "INSERT INTO progress (document_id, annotator, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT (document_id, annotator) DO NOTHING",
        (document_id, annotator, stamp),
    )
    conn.execute(
        f"UPDATE progress SET {assignments}, updated_at = ?"
        " WHERE document_id = ? AND annotator = ?",
        (*values, stamp, document_id, annotator),
    )


def mark_opened(conn: sqlite3.Connection, document_id: int, annotator: str) -> None:
    """Record the visit; a new document becomes 'in_progress' once opened."""
    with transaction(conn):
        _upsert_progress(
            conn, document_id, annotator,
            "opened_at = ?, status = CASE status WHEN 'new' THEN 'in_progress' ELSE status END",
            (now_iso(),),
        )


def save_position(
    conn: sqlite3.Connection, document_id: int, annotator: str, cursor: int, top: int
) -> None:
    with transaction(conn):
        _upsert_progress(conn, document_id, annotator, "cursor = ?, top = ?", (cursor, top))


def set_status(conn: sqlite3.Connection, document_id: int, annotator: str, status: str) -> None:
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    with transaction(conn):
        _upsert_progress(conn, document_id, annotator, "status = ?", (status,))


def iter_texts(conn: sqlite3.Connection) -> Iterator[tuple[int, str]]:
    """(id, text) of every document, by id: for a pass over the whole database."""
    yield from conn.execute("SELECT id, text FROM documents ORDER BY id")


def all_document_ids(conn: sqlite3.Connection) -> list[int]:
    """Every document in the database, in the order they were added."""
    return [row[0] for row in conn.execute("SELECT id FROM documents ORDER BY id")]


def ids_by_sha256(conn: sqlite3.Connection, hashes: list[str]) -> dict[str, int]:
    """sha256 -> document id for the given texts (one JSON parameter: any number of them)."""
    from reader.store.sql import as_json, in_values

    return dict(conn.execute(
        f"SELECT sha256, id FROM documents WHERE {in_values('sha256')}", (as_json(hashes),)
    ).fetchall())


def done_document_ids(conn: sqlite3.Connection, annotator: str) -> set[int]:
    """The documents `annotator` has marked done."""
    return {row[0] for row in conn.execute(
        "SELECT document_id FROM progress WHERE annotator = ? AND status = 'done'",
        (annotator,))}


def documents_named(conn: sqlite3.Connection, names: list[str]) -> dict[str, list[int]]:
    """The documents each `--document NAME` picks (assign, suggest): its public id (as
    exports and `reader agree` write it) or the start of its text hash (8 characters or
    more); none for a name no document has."""
    from reader.store.export_rows import public_id_sql

    found: dict[str, list[int]] = {}
    for name in names:
        found[name] = [int(number) for (number,) in conn.execute(
            f"SELECT id FROM documents WHERE CAST({public_id_sql('documents')} AS TEXT) = ?"
            " OR (length(?) >= 8 AND substr(sha256, 1, length(?)) = lower(?)) ORDER BY id",
            (name, name, name, name))]
    return found
