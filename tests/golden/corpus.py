"""The small golden corpus: emoji ZWJ sequences, a flag, CJK, Arabic, combining marks, CRLF,
a tab, overlapping spans, a span across a line break, one cutting a word, notes (one with a
line break), a deleted span (and with it a relation), relations of two annotators (one label
with a space), document labels given by one or two annotators (and one scored 0, not given),
and documents in each export status."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from reader.commands.import_ import import_
from reader.store.annotations import AnnotationStore
from reader.store.database import connect
from reader.store.documents import find_by_sha256, mark_opened, set_status
from reader.text.loading import text_sha256

GOLDEN = Path(__file__).parent
CORPUS = GOLDEN / "corpus.jsonl"


def build(db: Path) -> sqlite3.Connection:
    """Import the corpus, then delete one span and set progress through the store."""
    from click.testing import CliRunner

    result = CliRunner().invoke(import_, [str(CORPUS), "--db", str(db)])
    assert result.exit_code == 0, result.output
    conn = connect(db)
    one = _document(conn, "Ararat")
    two = _document(conn, "中文字")
    AnnotationStore(conn, one, "alice").delete("s-gone")
    set_status(conn, one, "alice", "done")
    mark_opened(conn, two, "carol")
    return conn


def _document(conn: sqlite3.Connection, start: str) -> int:
    (text,) = conn.execute("SELECT text FROM documents WHERE text LIKE ?",
                           (start + "%",)).fetchone()
    document = find_by_sha256(conn, text_sha256(text))
    assert document is not None
    return document.id
