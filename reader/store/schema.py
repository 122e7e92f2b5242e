"""The schema as plain SQL, one forward migration per version (`PRAGMA user_version`).

Plain tables with readable names, so any SQLite tool can query the data directly."""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # version 1
    """
    CREATE TABLE documents (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL UNIQUE,        -- of the decoded text, UTF-8 encoded
        source TEXT NOT NULL,               -- absolute path, or where it was imported from
        version INTEGER NOT NULL DEFAULT 1, -- nth distinct content seen at this source
        title TEXT NOT NULL,
        text TEXT NOT NULL,
        meta TEXT NOT NULL DEFAULT '{}',    -- JSON object
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX documents_source ON documents(source, version);

    -- Per document and annotator: where they were reading and how far they got.
    CREATE TABLE progress (
        document_id INTEGER NOT NULL REFERENCES documents(id),
        annotator TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'in_progress', 'done')),
        cursor INTEGER NOT NULL DEFAULT 0,
        top INTEGER NOT NULL DEFAULT 0,
        opened_at TEXT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (document_id, annotator)
    );

    -- Offsets are Python str indices (code points) into documents.text, end exclusive.
    CREATE TABLE annotations (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,           -- stable across databases (merge, export, import)
        document_id INTEGER NOT NULL REFERENCES documents(id),
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        label TEXT NOT NULL,
        text TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        annotator TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        deleted_at TEXT,                    -- soft delete: history stays auditable
        CHECK (0 <= start AND start < end)
    );
    CREATE INDEX annotations_document ON annotations(document_id, annotator, start);

    -- Every annotation operation, in order: the audit trail and the undo history.
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents(id),
        annotator TEXT NOT NULL,
        kind TEXT NOT NULL,                 -- create | delete | note | undo | redo
        annotation_uid TEXT,
        ref INTEGER,                        -- undo/redo: the event undone or redone
        before TEXT,                        -- JSON of the annotation before, if any
        after TEXT,                         -- JSON of the annotation after, if any
        at TEXT NOT NULL
    );
    CREATE INDEX events_document ON events(document_id, annotator, id);
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
