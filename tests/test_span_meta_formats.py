"""A span's `meta` (its provenance: an accepted suggestion's source, a gold span's curation)
travels in every export format that has a place for it, and comes back exactly on import:
reader's JSONL, Prodigy, Label Studio (the region's meta, beside the note) and the SQLite
dataset; spans without meta are written as before (no `meta` key)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reader.cli import cli
from reader.store.annotations import AnnotationStore
from reader.store.database import connect
from reader.store.documents import add_document
from reader.store.suggestions import SuggestionStage
from reader.suggest.record import Suggestion
from reader.text.loading import LoadedText

TEXT = "Ararat 👩‍👩‍👧 met Lavrov\r\nin 東京."
CURATED = {"curated_from": ["alice", "bob"], "rule": "all"}
ODD = {"text": "a key Label Studio uses", "reader_meta": [1, 2.5, None], "é": "ü"}
RECORD = {
    "id": "doc-1", "text": TEXT,
    "spans": [
        {"id": "s-gold", "start": 0, "end": 6, "label": "PER", "annotator": "gold",
         "note": "first", "meta": CURATED},
        {"id": "s-odd", "start": 15, "end": 21, "label": "PER", "annotator": "gold",
         "meta": ODD},
        {"id": "s-plain", "start": 26, "end": 28, "label": "LOC", "annotator": "alice"},
    ],
}


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def imported(tmp_path: Path, name: str, *records: dict[str, Any]) -> Path:
    source = tmp_path / f"{name}.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                      encoding="utf-8")
    db = tmp_path / f"{name}.db"
    run("import", str(source), "--db", str(db))
    return db


def spans_by_id(jsonl: str) -> dict[str, dict[str, Any]]:
    return {span["id"]: span for line in jsonl.splitlines()
            for span in json.loads(line)["spans"]}


def test_jsonl_writes_meta_only_where_there_is_some_and_round_trips_byte_for_byte(
        tmp_path: Path) -> None:
    first = run("export", "--db", str(imported(tmp_path, "one", RECORD)))
    spans = spans_by_id(first)
    assert spans["s-gold"]["meta"] == CURATED
    assert spans["s-odd"]["meta"] == ODD
    assert "meta" not in spans["s-plain"]
    again = tmp_path / "again.jsonl"
    again.write_text(first, encoding="utf-8")
    second_db = tmp_path / "two.db"
    run("import", str(again), "--db", str(second_db))
    assert run("export", "--db", str(second_db)) == first


def test_prodigy_and_label_studio_carry_meta_back_exactly(tmp_path: Path) -> None:
    db = imported(tmp_path, "one", RECORD)
    reference = spans_by_id(run("export", "--db", str(db)))
    assert reference["s-gold"]["meta"] == CURATED
    for fmt, name in (("prodigy", "out.jsonl"), ("label-studio", "out.json")):
        out = tmp_path / name
        run("export", "--db", str(db), "--format", fmt, "-o", str(out))
        back = tmp_path / f"{fmt}.db"
        run("import", str(out), "--db", str(back), "--format", fmt)
        spans = spans_by_id(run("export", "--db", str(back)))
        assert {uid: span.get("meta") for uid, span in spans.items()} == {
            uid: span.get("meta") for uid, span in reference.items()}, fmt
        assert spans["s-gold"]["note"] == "first"


def test_label_studio_region_meta_holds_the_note_beside_the_provenance(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    run("export", "--db", str(imported(tmp_path, "one", RECORD)), "--format", "label-studio",
        "-o", str(out))
    (task,) = json.loads(out.read_text(encoding="utf-8"))
    regions = {result["id"]: result for annotation in task["annotations"]
               for result in annotation["result"]}
    assert regions["s-gold"]["meta"] == {"text": ["first"], **CURATED}
    assert regions["s-odd"]["meta"] == {"reader_meta": ODD}  # its keys would collide
    assert "meta" not in regions["s-plain"]


def test_the_sqlite_dataset_has_a_meta_column(tmp_path: Path) -> None:
    out = tmp_path / "dataset.db"
    run("export", "--db", str(imported(tmp_path, "one", RECORD)), "--format", "sqlite",
        "-o", str(out))
    conn = sqlite3.connect(out)
    try:
        found = dict(conn.execute("SELECT id, meta FROM spans").fetchall())
    finally:
        conn.close()
    assert json.loads(found["s-gold"]) == CURATED
    assert json.loads(found["s-plain"]) == {}


def test_an_accepted_suggestion_exports_its_source(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    conn = connect(db)
    add_document(conn, LoadedText.from_text(TEXT, "/a.txt"))
    suggestion = Suggestion(1, 15, 21, "PER", "model:v3", 0.75)
    stage = SuggestionStage(conn)
    stage.add(TEXT, [suggestion])
    stage.apply()
    stage.drop()
    AnnotationStore(conn, 1, "alice").accept_suggestion(suggestion, TEXT)
    conn.close()
    (span,) = spans_by_id(run("export", "--db", str(db))).values()
    assert span["meta"] == {"suggested_by": "model:v3", "score": 0.75}


def test_a_meta_that_is_not_an_object_is_a_bad_record(tmp_path: Path) -> None:
    source = tmp_path / "bad.jsonl"
    bad = {**RECORD, "spans": [{**RECORD["spans"][0], "meta": ["not", "an", "object"]}]}
    source.write_text(json.dumps(bad) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", str(source), "--db", str(tmp_path / "x.db")])
    assert "span 1 meta must be an object, not list" in str(result.exception)


def test_spacy_keeps_span_meta_in_user_data(tmp_path: Path) -> None:
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    out = tmp_path / "train.spacy"
    run("export", "--db", str(imported(tmp_path, "one", RECORD)), "--format", "spacy",
        "-o", str(out))
    (doc,) = DocBin().from_disk(out).get_docs(spacy.blank("xx").vocab)
    # msgpack gives lists back as tuples: compared as JSON
    assert json.loads(json.dumps(doc.user_data["span_meta"])) == [
        {"start": 0, "end": 6, "label": "PER", "annotator": "gold", "meta": CURATED},
        {"start": 15, "end": 21, "label": "PER", "annotator": "gold", "meta": ODD}]
