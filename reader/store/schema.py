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
    # version 2: `text` moves to the end of `documents`, so reading a document's other columns
    # (the fast-open lookup) no longer walks the text's overflow pages; `events.kind` gets the
    # CHECK it lacked. SQLite can neither reorder columns nor add a CHECK in place, so both
    # tables are rebuilt as https://www.sqlite.org/lang_altertable.html#otheralter says: new
    # table, copy (ids kept), drop, rename, indexes again. `_migrate` turns foreign keys off
    # around the transaction and runs `PRAGMA foreign_key_check` before it commits.
    """
    CREATE TABLE documents_v2 (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL UNIQUE,        -- of the decoded text, UTF-8 encoded
        source TEXT NOT NULL,               -- absolute path, or where it was imported from
        version INTEGER NOT NULL DEFAULT 1, -- nth distinct content seen at this source
        title TEXT NOT NULL,
        meta TEXT NOT NULL DEFAULT '{}',    -- JSON object
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        text TEXT NOT NULL                  -- last: columns after it sit behind its overflow pages
    );
    INSERT INTO documents_v2 (id, sha256, source, version, title, meta, created_at, updated_at,
                              text)
        SELECT id, sha256, source, version, title, meta, created_at, updated_at, text
        FROM documents ORDER BY id;
    DROP TABLE documents;
    ALTER TABLE documents_v2 RENAME TO documents;
    CREATE INDEX documents_source ON documents(source, version);

    CREATE TABLE events_v2 (
        id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents(id),
        annotator TEXT NOT NULL,
        kind TEXT NOT NULL                  -- import: one per document and annotator, not undoable
            CHECK (kind IN ('create', 'delete', 'note', 'undo', 'redo', 'import')),
        annotation_uid TEXT,                -- NULL for import (its spans' uids are in `after`)
        ref INTEGER,                        -- undo/redo: the event undone or redone
        before TEXT,                        -- JSON of the annotation before, if any
        after TEXT,                         -- JSON of the annotation after, if any
        at TEXT NOT NULL
    );
    INSERT INTO events_v2 (id, document_id, annotator, kind, annotation_uid, ref, before, after,
                           at)
        SELECT id, document_id, annotator, kind, annotation_uid, ref, before, after, at
        FROM events ORDER BY id;
    DROP TABLE events;
    ALTER TABLE events_v2 RENAME TO events;
    CREATE INDEX events_document ON events(document_id, annotator, id);
    """,
    # version 3: relations between two spans of a document, labels of whole documents, and
    # the event kinds that record them (`events` rebuilt again for its CHECK, as in v2).
    """
    -- A directed, labelled link head -> child between two annotations of one document.
    -- Deleting a span soft-deletes its relations in the same transaction and event, so a
    -- live relation always joins two live spans.
    CREATE TABLE relations (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,           -- stable across databases, like annotations.uid
        document_id INTEGER NOT NULL REFERENCES documents(id),
        head_uid TEXT NOT NULL REFERENCES annotations(uid),
        child_uid TEXT NOT NULL REFERENCES annotations(uid),
        label TEXT NOT NULL,
        annotator TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        deleted_at TEXT,                    -- soft delete, as for annotations
        CHECK (head_uid <> child_uid)
    );
    CREATE INDEX relations_document ON relations(document_id, annotator);
    CREATE INDEX relations_head ON relations(head_uid);
    CREATE INDEX relations_child ON relations(child_uid);

    -- Labels of a whole document per annotator. One row per (document, annotator, label)
    -- ever: unsetting soft-deletes it, setting it again revives it.
    CREATE TABLE doc_labels (
        id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents(id),
        annotator TEXT NOT NULL,
        label TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        deleted_at TEXT,
        UNIQUE (document_id, annotator, label)
    );

    CREATE TABLE events_v3 (
        id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents(id),
        annotator TEXT NOT NULL,
        kind TEXT NOT NULL                  -- import: one per document and annotator, not undoable
            CHECK (kind IN ('create', 'delete', 'note', 'undo', 'redo', 'import',
                            'relate', 'unrelate', 'doc_label')),
        annotation_uid TEXT,                -- the span's, or the relation's (relate, unrelate)
        ref INTEGER,                        -- undo/redo: the event undone or redone
        before TEXT,                        -- JSON of the state before, if any
        after TEXT,                         -- JSON of the state after, if any
        at TEXT NOT NULL
    );
    INSERT INTO events_v3 (id, document_id, annotator, kind, annotation_uid, ref, before, after,
                           at)
        SELECT id, document_id, annotator, kind, annotation_uid, ref, before, after, at
        FROM events ORDER BY id;
    DROP TABLE events;
    ALTER TABLE events_v3 RENAME TO events;
    CREATE INDEX events_document ON events(document_id, annotator, id);
    """,
    # version 4: suggestions (issue 11), a layer apart from annotations; each annotator's
    # decisions on them; a `meta` JSON object on annotations (an accepted suggestion's
    # provenance); and the event kinds for accepting many at once and for rejecting one
    # (`events` rebuilt again for its CHECK, as in v2 and v3).
    """
    ALTER TABLE annotations ADD COLUMN meta TEXT NOT NULL DEFAULT '{}';

    -- A span some source proposes. Never an annotation: not exported, not counted, until
    -- an annotator accepts it, which makes an annotation of theirs. One row per (document,
    -- offsets, label, source) ever, so running `reader suggest` again adds nothing.
    CREATE TABLE suggestions (
        id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents(id),
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        label TEXT NOT NULL,
        source TEXT NOT NULL,               -- patterns:FILE, gazetteer:FILE, learned, model:NAME
        text TEXT NOT NULL,                 -- documents.text[start:end]
        score REAL,
        meta TEXT NOT NULL DEFAULT '{}',    -- JSON object
        created_at TEXT NOT NULL,
        UNIQUE (document_id, start, end, label, source),
        CHECK (0 <= start AND start < end)
    );

    -- Who accepted or rejected a suggestion, and when: each annotator decides for
    -- themselves (agreement needs them independent). Accepted: the span it made, which
    -- while it is live (undo deletes it) keeps the suggestion from being shown again.
    CREATE TABLE suggestion_decisions (
        suggestion_id INTEGER NOT NULL REFERENCES suggestions(id),
        annotator TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('accepted', 'rejected')),
        annotation_uid TEXT,
        decided_at TEXT NOT NULL,
        PRIMARY KEY (suggestion_id, annotator)
    );

    CREATE TABLE events_v4 (
        id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents(id),
        annotator TEXT NOT NULL,
        kind TEXT NOT NULL                  -- import: one per document and annotator, not undoable
            CHECK (kind IN ('create', 'delete', 'note', 'undo', 'redo', 'import',
                            'relate', 'unrelate', 'doc_label', 'create_spans', 'reject')),
        annotation_uid TEXT,                -- the span's, or the relation's (relate, unrelate)
        ref INTEGER,                        -- undo/redo: the event undone or redone
        before TEXT,                        -- JSON of the state before, if any
        after TEXT,                         -- JSON of the state after, if any
        at TEXT NOT NULL
    );
    INSERT INTO events_v4 (id, document_id, annotator, kind, annotation_uid, ref, before, after,
                           at)
        SELECT id, document_id, annotator, kind, annotation_uid, ref, before, after, at
        FROM events ORDER BY id;
    DROP TABLE events;
    ALTER TABLE events_v4 RENAME TO events;
    CREATE INDEX events_document ON events(document_id, annotator, id);
    """,
    # version 5: who annotates which document (`reader assign`, issue 14). One row per
    # document and annotator; a row is never moved once made, so a plan stays stable.
    """
    CREATE TABLE assignments (
        document_id INTEGER NOT NULL REFERENCES documents(id),
        annotator TEXT NOT NULL,
        assigned_at TEXT NOT NULL,
        PRIMARY KEY (document_id, annotator)
    );
    CREATE INDEX assignments_annotator ON assignments(annotator, document_id);
    """,
    # version 6: curation into a gold layer (`reader curate`). A decision accepts agreed
    # items, chooses or edits one annotator's version, or rejects them all; the items it
    # settled are remembered per annotator, so nothing decided is offered again and a gold
    # item the curator deleted afterwards is not brought back. Undoing a decision (the
    # curation screen's `u`) marks it undone and forgets its items.
    """
    CREATE TABLE curation_decisions (
        id INTEGER PRIMARY KEY,
        gold TEXT NOT NULL,                 -- the gold layer: the annotator name it writes as
        document_id INTEGER NOT NULL REFERENCES documents(id),
        rule TEXT NOT NULL                  -- all / majority: agreed; chosen, edited, rejected
            CHECK (rule IN ('all', 'majority', 'chosen', 'edited', 'rejected')),
        curator TEXT NOT NULL,
        made TEXT NOT NULL DEFAULT '{}',    -- JSON: gold span and relation uids, labels it wrote
        decided_at TEXT NOT NULL,
        undone_at TEXT
    );
    CREATE INDEX curation_decisions_document ON curation_decisions(document_id, gold);

    CREATE TABLE curation_items (
        decision_id INTEGER NOT NULL REFERENCES curation_decisions(id),
        gold TEXT NOT NULL,
        document_id INTEGER NOT NULL REFERENCES documents(id),
        kind TEXT NOT NULL CHECK (kind IN ('span', 'relation', 'doc_label')),
        item TEXT NOT NULL,                 -- JSON: [start, end, label], [[head], [child],
                                            -- label] or the document label
        annotator TEXT NOT NULL,            -- whose item it was
        PRIMARY KEY (gold, document_id, kind, item, annotator)
    );
    CREATE INDEX curation_items_decision ON curation_items(decision_id);
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
