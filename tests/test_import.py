"""`reader import`: bad records named FILE:LINE, one transaction, deduplication, each input
format read back from our own exports, events, and exact round trips."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from golden.corpus import CORPUS, GOLDEN

from reader.cli import cli
from reader.errors import ReaderError
from reader.store.annotations import AnnotationStore
from reader.store.database import connect


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def counts(db: Path) -> tuple[int, int, int]:
    """Rows in the database; a database that a failed import did not create has none."""
    if not db.exists():
        return 0, 0, 0
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM annotations),"
            " (SELECT count(*) FROM events)"
        ).fetchone()


def write_lines(path: Path, records: list[Any]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False))
                            + "\n" for r in records), encoding="utf-8")
    return path


GOOD = {"text": "Ararat 👩‍👩‍👧 here", "spans": [{"start": 7, "end": 12, "label": "MISC"}]}


def test_bad_records_are_named_by_line_and_nothing_is_imported(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    source = write_lines(tmp_path / "in.jsonl", [
        GOOD,
        '{"text": "broken"',
        {"text": "short", "spans": [{"start": 2, "end": 9, "label": "X"}]},
        {"text": "Ararat", "spans": [{"start": 0, "end": 6, "label": "X", "text": "Arara"}]},
        {"text": "ok", "spans": [{"start": 0, "end": 2, "label": 5}]},
        ["not", "an", "object"],
    ])
    result = run("import", str(source), "--db", str(db))
    assert isinstance(result.exception, ReaderError)
    assert "5 bad records; nothing imported" in str(result.exception)
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"{source}:2: invalid JSON")
    assert lines[1] == f"{source}:3: span 1 [2:9] is outside the text (length 5)"
    assert lines[2] == (f"{source}:4: span 1 [0:6] text 'Arara' does not match the document"
                        " text there, 'Ararat'")
    assert lines[3] == f"{source}:5: span 1 label must be a string, not int"
    assert lines[4] == f"{source}:6: record must be a JSON object, not list"
    assert counts(db) == (0, 0, 0)


def test_skip_invalid_imports_the_rest(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    source = write_lines(tmp_path / "in.jsonl", [GOOD, "{nope"])
    result = run("import", str(source), "--db", str(db), "--skip-invalid")
    assert result.exit_code == 0
    assert f"{source}:2: invalid JSON" in result.stderr
    assert "skipped 1 bad record" in result.stderr
    assert counts(db)[:2] == (1, 1)


def test_strict_rejects_unknown_keys(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    source = write_lines(tmp_path / "in.jsonl", [{**GOOD, "colour": "red"}])
    result = run("import", str(source), "--db", str(db), "--strict")
    assert f"{source}:1: unknown record key: colour" in str(result.exception)
    assert counts(db) == (0, 0, 0)
    assert run("import", str(source), "--db", str(db)).exit_code == 0
    assert counts(db)[:2] == (1, 1)


def test_a_bad_file_keeps_the_other_files_out_too(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    good = write_lines(tmp_path / "good.jsonl", [GOOD])
    bad = write_lines(tmp_path / "bad.jsonl", ["[1, 2"])
    assert run("import", str(good), str(bad), "--db", str(db)).exit_code == 1
    assert counts(db) == (0, 0, 0)


def test_missing_file_is_one_clear_error(tmp_path: Path) -> None:
    result = run("import", str(tmp_path / "absent.jsonl"), "--db", str(tmp_path / "db"))
    assert str(result.exception).endswith("absent.jsonl: no such file")


def test_importing_twice_adds_nothing(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    source = write_lines(tmp_path / "in.jsonl", [GOOD, GOOD])  # the same text twice, too
    first = run("import", str(source), "--db", str(db), "--annotator", "ann")
    assert "imported 1 new document (1 already present), 1 new span (1 already present)" in (
        first.stderr)
    second = run("import", str(source), "--db", str(db), "--annotator", "ann")
    assert "0 new spans (2 already present)" in second.stderr
    assert counts(db) == (1, 1, 1)
    other = run("import", str(source), "--db", str(db), "--annotator", "someone-else")
    assert "1 new span" in other.stderr  # another annotator's identical span is theirs


def test_a_reused_span_id_is_reported_not_overwritten(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    first = {"text": "one two", "spans": [{"id": "u1", "start": 0, "end": 3, "label": "A"}]}
    clash = {"text": "one two", "spans": [{"id": "u1", "start": 4, "end": 7, "label": "A"}]}
    run("import", str(write_lines(tmp_path / "a.jsonl", [first])), "--db", str(db))
    result = run("import", str(write_lines(tmp_path / "b.jsonl", [clash])), "--db", str(db))
    assert "b.jsonl:1: span id u1 is already used by another span" in result.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT start, end FROM annotations").fetchall() == [(0, 3)]


def test_own_export_round_trips_byte_for_byte(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    assert run("import", str(GOLDEN / "export.jsonl"), "--db", str(db)).exit_code == 0
    again = run("export", "--db", str(db))
    assert again.stdout_bytes == (GOLDEN / "export.jsonl").read_bytes()


@pytest.mark.parametrize("name", ["export.prodigy.jsonl", "export.label-studio.json",
                                  "export.doccano.jsonl"])
def test_each_format_imports_back_to_the_same_spans(tmp_path: Path, name: str) -> None:
    db = tmp_path / "db.sqlite"
    result = run("import", str(GOLDEN / name), "--db", str(db), "--annotator", "ann")
    assert result.exit_code == 0, result.output
    exported = [json.loads(line) for line in run("export", "--db", str(db)).stdout.split("\n")[:-1]]
    expected = [json.loads(line) for line in (GOLDEN / "export.jsonl").read_text("utf-8")
                .split("\n")[:-1]]
    assert [r["text"] for r in exported] == [r["text"] for r in expected]
    keys = ("start", "end", "label", "text") if "doccano" in name else (
        "id", "start", "end", "label", "text", "annotator", "note")
    assert [[tuple(s[k] for k in keys) for s in r["spans"]] for r in exported] == [
        [tuple(s[k] for k in keys) for s in r["spans"]] for r in expected]
    # relations: between the same spans, with the same label (and, but for doccano, which
    # has no annotators, id and annotator; Prodigy keeps their times too)
    keys = ("label",) if "doccano" in name else ("id", "label", "annotator")
    if "prodigy" in name:
        keys += ("created_at", "updated_at")

    def relations(record: dict[str, Any]) -> list[tuple[Any, ...]]:
        spans = {s["id"]: (s["start"], s["end"], s["label"]) for s in record["spans"]}
        return [(spans[r["head"]], spans[r["child"]], *(r[k] for k in keys))
                for r in record["relations"]]

    assert [relations(r) for r in exported] == [relations(r) for r in expected]
    assert sum(map(len, map(relations, exported))) == 3
    assert [r["cats"] for r in exported] == [r["cats"] for r in expected]
    if "doccano" not in name:  # who gave each document label
        assert [r["cats_by"] for r in exported] == [r["cats_by"] for r in expected]


def test_doccano_offsets_inside_an_emoji_are_refused(tmp_path: Path) -> None:
    source = write_lines(tmp_path / "d.jsonl", [{"text": "a 😀 b", "label": [[2, 3, "X"]]}])
    result = run("import", str(source), "--db", str(tmp_path / "db"))
    assert ("d.jsonl:1: label 1: UTF-16 offset 3 falls inside a surrogate pair"
            in str(result.exception))
    ok = run("import", str(source), "--db", str(tmp_path / "db"), "--offsets", "codepoints")
    assert ok.exit_code == 0


def test_prodigy_rejected_answers_bring_no_spans(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    source = write_lines(tmp_path / "p.jsonl", [{**GOOD, "answer": "reject", "_input_hash": 1}])
    assert run("import", str(source), "--db", str(db)).exit_code == 0
    assert counts(db)[:2] == (1, 0)


def test_external_ids_are_kept_in_meta(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    source = write_lines(tmp_path / "in.jsonl", [{**GOOD, "id": "doc-17"}])
    run("import", str(source), "--db", str(db))
    record = json.loads(run("export", "--db", str(db)).stdout)
    assert record["meta"] == {"import_id": "doc-17"}
    assert record["source"] == f"{source.resolve()}:1"


def test_imports_are_recorded_per_document_and_not_undone_by_u(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    run("import", str(CORPUS), "--db", str(db))
    conn = connect(db)
    events = conn.execute("SELECT kind, after FROM events").fetchall()
    assert {kind for kind, _after in events} == {"import"}
    recorded = [uid for _kind, after in events for uid in json.loads(after)["uids"]]
    assert sorted(recorded) == sorted(
        uid for (uid,) in conn.execute("SELECT uid FROM annotations"))
    assert all(json.loads(after)["source"] == str(CORPUS.resolve()) for _kind, after in events)
    (document_id,) = conn.execute("SELECT document_id FROM annotations WHERE uid = 's-cjk'"
                                  ).fetchone()
    store = AnnotationStore(conn, document_id, "alice")
    assert store.undo() is None  # `u` undoes what was done in the reader, not an import
    assert store.get("s-cjk") is not None
    created = store.create(0, 1, "actor", store.conn.execute(
        "SELECT substr(text, 1, 1) FROM documents WHERE id = ?", (document_id,)).fetchone()[0])
    assert store.undo() is not None and store.get(created.uid) is None
    conn.close()


def test_auto_detects_every_format(tmp_path: Path) -> None:
    from reader.commands.import_ import _resolve_format

    expected = {"export.jsonl": "jsonl", "export.prodigy.jsonl": "prodigy",
                "export.doccano.jsonl": "doccano", "export.label-studio.json": "label-studio"}
    for name, fmt in expected.items():
        assert _resolve_format(GOLDEN / name, "auto") == fmt


def test_label_studio_bad_task_names_its_line(tmp_path: Path) -> None:
    tasks = json.loads((GOLDEN / "export.label-studio.json").read_text("utf-8"))
    tasks[1]["annotations"][0]["result"][0]["value"]["end"] = 999
    path = tmp_path / "ls.json"
    path.write_text("[\n" + ",\n".join(json.dumps(t, ensure_ascii=False) for t in tasks)
                    + "\n]\n", encoding="utf-8")
    result = run("import", str(path), "--db", str(tmp_path / "db"))
    assert str(result.exception).startswith(
        f"{path}:3: result s-cjk [0:999] is outside the text")


def test_a_failure_while_writing_rolls_everything_back(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from reader.formats import importer

    def broken(*args: Any) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    db = tmp_path / "db.sqlite"
    monkeypatch.setattr(importer.Importer, "_write_progress", broken)
    result = run("import", str(CORPUS), "--db", str(db))
    assert isinstance(result.exception, sqlite3.OperationalError)
    assert counts(db) == (0, 0, 0)


def test_no_history_imports_without_events(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    assert run("import", str(CORPUS), "--db", str(db), "--no-history").exit_code == 0
    assert counts(db) == (3, 10, 0)


def _export_records(db: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in run("export", "--db", str(db)).stdout.split("\n")[:-1]]


def test_label_studio_native_export(tmp_path: Path) -> None:
    """Label Studio's own export: completed_by user ids, predictions, cancelled annotations,
    document-wide choices, other result types, a region with two labels."""
    text = "Ararat 👩‍👩‍👧 family"
    tasks = [{"id": 7, "data": {"text": text, "genre": "news"}, "annotations": [
        {"id": 1, "completed_by": 3, "result": [
            {"id": "r1", "from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": 0, "end": 6, "text": "Ararat", "labels": ["PER", "LOC"]}},
            {"id": "c1", "from_name": "sentiment", "to_name": "text", "type": "choices",
             "value": {"choices": ["Positive"]}},
            {"id": "t1", "from_name": "summary", "to_name": "text", "type": "textarea",
             "value": {"text": ["a mountain"]}}]},
        {"id": 2, "completed_by": {"email": "ann@example.org"}, "was_cancelled": True,
         "result": [{"id": "r9", "type": "labels", "value": {
             "start": 7, "end": 12, "text": "👩‍👩‍👧", "labels": ["X"]}}]}],
        "predictions": [{"model_version": "ner-v2", "result": [
            {"id": "p1", "type": "labels", "value": {"start": 7, "end": 12,
                                                     "labels": ["MISC"]}}]}]}]
    path = tmp_path / "ls.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    db = tmp_path / "db.sqlite"
    assert run("import", str(path), "--db", str(db)).exit_code == 0
    (record,) = _export_records(db)
    assert record["meta"] == {"genre": "news"}  # other data columns go to meta
    assert [(s["id"], s["label"], s["annotator"], s["text"]) for s in record["spans"]] == [
        ("r1-LOC", "LOC", "label-studio-user-3", "Ararat"),
        ("r1-PER", "PER", "label-studio-user-3", "Ararat"),
        ("p1", "MISC", "ner-v2", "👩‍👩‍👧")]
    assert record["cats_by"] == {"Positive": ["label-studio-user-3"]}
    strict = run("import", str(path), "--db", str(tmp_path / "s.db"), "--strict")
    assert "unknown data key: genre" in str(strict.exception)
    del tasks[0]["data"]["genre"]
    path.write_text(json.dumps(tasks), encoding="utf-8")
    strict = run("import", str(path), "--db", str(tmp_path / "s.db"), "--strict")
    assert ("result of type 'textarea': only 'labels', 'relation' and document-wide"
            " 'choices' results can be imported" in str(strict.exception))


def test_doccano_extra_columns_become_meta(tmp_path: Path) -> None:
    source = write_lines(tmp_path / "d.jsonl", [
        {"id": 12, "text": "a 😀 b", "labels": [[5, 6, "B"]], "Comments": [], "topic": "x"}])
    db = tmp_path / "db.sqlite"
    assert run("import", str(source), "--db", str(db), "--annotator", "ann").exit_code == 0
    (record,) = _export_records(db)
    assert record["meta"] == {"topic": "x", "import_id": 12}
    assert [(s["start"], s["text"], s["annotator"]) for s in record["spans"]] == [
        (4, "b", "ann")]  # UTF-16 offset 5 is code point 4, after the emoji


def test_prodigy_annotator_id_names_the_annotator(tmp_path: Path) -> None:
    source = write_lines(tmp_path / "p.jsonl", [
        {**GOOD, "_annotator_id": "news-alice", "answer": "accept", "_input_hash": 1}])
    db = tmp_path / "db.sqlite"
    assert run("import", str(source), "--db", str(db), "--format", "prodigy").exit_code == 0
    assert _export_records(db)[0]["spans"][0]["annotator"] == "news-alice"


def test_a_failed_import_into_a_new_database_leaves_no_file(tmp_path: Path) -> None:
    """Bad input leaves files and database untouched: not even an empty new database."""
    db = tmp_path / "new.db"
    source = write_lines(tmp_path / "bad.jsonl", [{"text": "fine"}, {"text": 5}])
    result = run("import", str(source), "--db", str(db))
    assert isinstance(result.exception, ReaderError)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.jsonl"]
    good = write_lines(tmp_path / "good.jsonl", [{"text": "fine"}])
    assert run("import", str(good), "--db", str(db)).exit_code == 0
    assert db.exists()
