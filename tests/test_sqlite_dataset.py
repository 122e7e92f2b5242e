"""`reader export --format sqlite`: a dataset for Datasette, sqlite-utils and pandas, read
back through those libraries: every table joins, every span's text is the document's text at
its offsets, the text is searchable, and the -o file is replaced only if reader wrote it."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from golden.corpus import build

import reader.formats.records as records
from reader.cli import cli


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("sqlite") / "golden.db"
    build(db).close()
    return db


def export(db: Path, out: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["export", "--db", str(db), "-o", str(out), *args])


def jsonl(db: Path, tmp_path: Path) -> list[dict[str, Any]]:
    out = tmp_path / "all.jsonl"
    assert export(db, out).exit_code == 0
    return [json.loads(line) for line in out.read_text("utf-8").splitlines()]


def test_the_dataset_holds_the_export_in_joined_tables(corpus_db: Path,
                                                       tmp_path: Path) -> None:
    import pandas
    import sqlite_utils

    out = tmp_path / "dataset.db"
    result = export(corpus_db, out, "--format", "sqlite")
    assert result.exit_code == 0, result.output
    assert "exported 3 documents, 9 spans, 3 relations, 3 document labels" in result.stderr
    expected = jsonl(corpus_db, tmp_path)
    db = sqlite_utils.Database(out)
    assert {"documents", "spans", "relations", "doc_labels", "annotators",
            "reader_export"} <= set(db.table_names())
    documents = {row["id"]: row for row in db.table("documents").rows}
    assert list(documents) == [record["id"] for record in expected]
    for record in expected:
        row = documents[record["id"]]
        assert (row["text"], row["sha256"], row["status"], json.loads(row["meta"])) == (
            record["text"], record["sha256"], record["status"], record["meta"])
    # spans, with their text and label beside their document's: exact offsets, code points
    frame = pandas.read_sql_query(
        "SELECT s.*, d.text AS document_text FROM spans s JOIN documents d"
        " ON d.id = s.document_id ORDER BY d.rowid, s.start, s.end, s.label", db.conn)
    assert len(frame) == sum(len(record["spans"]) for record in expected)
    assert all(row.document_text[row.start:row.end] == row.text for row in frame.itertuples())
    assert sorted(frame["id"]) == sorted(s["id"] for r in expected for s in r["spans"])
    # relations name both spans, and every foreign key points at a row
    relations = list(db.table("relations").rows)
    assert sorted(r["id"] for r in relations) == sorted(
        r["id"] for record in expected for r in record["relations"])
    assert db.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert {(fk.column, fk.other_table) for fk in db.table("relations").foreign_keys} == {
        ("document_id", "documents"), ("head_id", "spans"), ("child_id", "spans"),
        ("annotator", "annotators")}
    assert {(r["document_id"], r["label"], r["annotator"]) for r in db.table("doc_labels").rows
            } == {(record["id"], label, who) for record in expected
                  for label, names in record["cats_by"].items() for who in names}
    annotators = {row["name"]: row for row in db.table("annotators").rows}
    assert annotators["alice"]["relations"] == 2 and annotators["carol"]["spans"] == 0
    # full-text search on the document text, as Datasette's search box runs it
    assert db.table("documents").detect_fts() == "documents_fts"
    assert [row["id"] for row in db.table("documents").search("lives", columns=["id"])] == [
        expected[0]["id"]]
    (marker,) = db.table("reader_export").rows
    assert marker["documents"] == 3 and marker["written_by"].startswith("reader ")


def test_no_relations_no_relations_table(corpus_db: Path, tmp_path: Path) -> None:
    import sqlite_utils

    out = tmp_path / "plain.db"
    assert export(corpus_db, out, "--format", "sqlite", "--label", "LOC").exit_code == 0
    names = set(sqlite_utils.Database(out).table_names())
    assert "relations" not in names and {"documents", "spans"} <= names


def test_only_an_export_of_reader_is_replaced(corpus_db: Path, tmp_path: Path) -> None:
    theirs = tmp_path / "theirs.db"
    with sqlite3.connect(theirs) as conn:
        conn.execute("CREATE TABLE precious (x)")
    notes = tmp_path / "notes.db"
    notes.write_text("not a database\n", encoding="utf-8")
    for path in (theirs, notes):
        before = path.read_bytes()
        result = export(corpus_db, path, "--format", "sqlite")
        assert result.exit_code == 1
        assert "is not a previous sqlite export of reader" in str(result.exception)
        assert "--force" in str(result.exception)
        assert path.read_bytes() == before
    ours = tmp_path / "ours.db"
    assert export(corpus_db, ours, "--format", "sqlite").exit_code == 0
    assert export(corpus_db, ours, "--format", "sqlite", "--label", "PER").exit_code == 0
    assert export(corpus_db, theirs, "--format", "sqlite", "--force").exit_code == 0


def _failing_rows(*args: Any, **kwargs: Any) -> Any:
    rows = iter(records.iter_export_rows(*args, **kwargs))
    yield next(rows)
    raise RuntimeError("disk on fire")


def test_a_failure_half_way_keeps_the_previous_dataset(
        corpus_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "dataset.db"
    assert export(corpus_db, out, "--format", "sqlite").exit_code == 0
    before = out.read_bytes()
    monkeypatch.setattr(records, "iter_export_rows", _failing_rows)
    result = export(corpus_db, out, "--format", "sqlite")
    assert isinstance(result.exception, RuntimeError)
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["dataset.db"]  # no half-written file
