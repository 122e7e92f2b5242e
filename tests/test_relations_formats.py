"""Relations and document labels through export and import (issue 10): the export rows
carry them (filtered like the spans), the import checks them, joins relations to the spans
as stored and adds nothing twice."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import tricky_text

from reader.cli import cli as main
from reader.errors import ReaderError
from reader.formats.importer import Importer
from reader.formats.incoming import (
    ImportContext,
    IncomingDocument,
    RecordError,
    add_cats,
    add_relation_objects,
    add_span_objects,
    new_document,
)
from reader.store.annotations import AnnotationStore
from reader.store.database import connect
from reader.store.documents import find_by_sha256
from reader.store.export_rows import ExportRow, Selection, iter_export_rows
from reader.text.loading import text_sha256

TEXT = "Mayor Ana promised new trucks for Lyon and a tram"
CONTEXT = ImportContext("tester")
RELATION_KEYS = frozenset({"id", "head", "child", "label", "annotator", "created_at",
                           "updated_at", "head_span", "child_span"})
SPAN_KEYS = frozenset({"id", "start", "end", "label", "text", "annotator", "note",
                       "created_at", "updated_at"})


def incoming(spans: list[dict[str, Any]], relations: list[dict[str, Any]] | None = None,
             cats: list[str] | None = None, where: str = "in.jsonl:1",
             text: str = TEXT) -> IncomingDocument:
    document = new_document(text, where)
    add_span_objects(document, spans, "alice", CONTEXT, SPAN_KEYS)
    add_relation_objects(document, relations or [], CONTEXT, RELATION_KEYS)
    add_cats(document, cats or [], "alice")
    return document


def span(word: str, label: str, uid: str | None = None, **extra: Any) -> dict[str, Any]:
    start = TEXT.index(word)
    found = {"start": start, "end": start + len(word), "label": label, **extra}
    return found if uid is None else {"id": uid, **found}


SPANS = [span("Ana", "actor", "s1"), span("promised new trucks", "commitment", "s2"),
         span("Lyon", "topic", "s3")]
RELATIONS = [{"head": "s2", "child": "s1", "label": "by"},
             {"head": "s2", "child": "s3", "label": "about", "id": "r-about"}]


def run_import(conn: sqlite3.Connection, *documents: IncomingDocument) -> Importer:
    with Importer(conn, "2024-05-01T10:00:00.000Z", "tester", source="test") as importer:
        for document in documents:
            importer.add(document)
    return importer


def stored_relations(conn: sqlite3.Connection) -> list[tuple[str, str, str, str, str]]:
    """(head text, label, child text, annotator, uid) of the live relations, in order."""
    return [tuple(row) for row in conn.execute(
        "SELECT h.text, r.label, c.text, r.annotator, r.uid FROM relations r"
        " JOIN annotations h ON h.uid = r.head_uid JOIN annotations c ON c.uid = r.child_uid"
        " WHERE r.deleted_at IS NULL ORDER BY r.id")]


def rows(conn: sqlite3.Connection, selection: Selection | None = None) -> list[ExportRow]:
    return list(iter_export_rows(conn, selection or Selection()))


@pytest.fixture
def conn(tmp_path: Path) -> sqlite3.Connection:
    return connect(tmp_path / "db.sqlite")


# --- import: staging and applying ----------------------------------------------------------


def test_relations_join_the_stored_spans_and_reimport_adds_nothing(
        conn: sqlite3.Connection) -> None:
    importer = run_import(conn, incoming(SPANS, RELATIONS, ["relevant"]))
    counts = importer.counts
    assert (counts.spans_new, counts.relations_new, counts.doc_labels_new) == (3, 2, 1)
    found = stored_relations(conn)
    assert [row[:4] for row in found] == [
        ("promised new trucks", "by", "Ana", "alice"),
        ("promised new trucks", "about", "Lyon", "alice")]
    assert found[1][4] == "r-about"  # the file's relation id is kept
    (document,) = rows(conn)
    assert json.loads(document.cats_json) == {"relevant": 1.0}

    again = run_import(conn, incoming(SPANS, RELATIONS, ["relevant"]))
    assert (again.counts.spans_new, again.counts.relations_new,
            again.counts.doc_labels_new) == (0, 0, 0)
    assert (again.counts.relations_known, again.counts.doc_labels_known) == (2, 1)
    assert stored_relations(conn) == found
    assert again.counts.warnings == []


def test_a_relation_joins_the_span_already_there(conn: sqlite3.Connection) -> None:
    """The file's spans carry other ids than the stored identical ones: the relation joins
    the stored spans, not copies."""
    run_import(conn, incoming([span("Ana", "actor", "old-1"),
                               span("promised new trucks", "commitment", "old-2")]))
    importer = run_import(conn, incoming(SPANS, RELATIONS))
    assert importer.counts.spans_new == 1  # only Lyon is new
    uids = dict(conn.execute("SELECT text, uid FROM annotations").fetchall())
    joined = conn.execute("SELECT head_uid, child_uid FROM relations ORDER BY id").fetchall()
    assert joined == [(uids["promised new trucks"], uids["Ana"]),
                      (uids["promised new trucks"], uids["Lyon"])]
    assert uids["Ana"] == "old-1"


def test_relations_without_ids_are_not_added_twice(conn: sqlite3.Connection) -> None:
    relations = [{"head": "s2", "child": "s1", "label": "by"}]
    run_import(conn, incoming(SPANS, relations))
    second = run_import(conn, incoming(SPANS, relations))
    assert second.counts.relations_new == 0 and second.counts.relations_known == 1
    assert len(stored_relations(conn)) == 1


def test_a_relation_whose_span_id_is_taken_is_reported_not_imported(
        conn: sqlite3.Connection) -> None:
    run_import(conn, incoming([span("tram", "topic", "s1")]))  # s1 is another span now
    importer = run_import(conn, incoming(SPANS, RELATIONS[:1], where="b.jsonl:7"))
    assert importer.counts.relations_new == 0
    assert "b.jsonl:7: relation 'by' not imported: its child span is not live" in (
        "\n".join(importer.counts.warnings))
    assert stored_relations(conn) == []


def test_a_taken_relation_id_keeps_the_one_in_the_database(conn: sqlite3.Connection) -> None:
    run_import(conn, incoming(SPANS, [{"head": "s2", "child": "s1", "label": "by",
                                       "id": "r1"}]))
    importer = run_import(conn, incoming(SPANS, [{"head": "s2", "child": "s3",
                                                  "label": "about", "id": "r1"}],
                                         where="c.jsonl:2"))
    assert importer.counts.relations_new == 0
    assert ("c.jsonl:2: relation id r1 is already used by another relation; kept the one in"
            " the database") in importer.counts.warnings
    assert [row[1] for row in stored_relations(conn)] == ["by"]


def test_a_deleted_document_label_comes_back_on_import(conn: sqlite3.Connection) -> None:
    run_import(conn, incoming([], cats=["relevant"]))
    document = find_by_sha256(conn, text_sha256(TEXT))
    assert document is not None
    AnnotationStore(conn, document.id, "alice").toggle_doc_label("relevant", multi=True)
    assert rows(conn)[0].cats_json == "{}"
    importer = run_import(conn, incoming([], cats=["relevant"]))
    assert importer.counts.doc_labels_new == 1
    assert rows(conn)[0].cats_json == '{"relevant":1.0}'


def test_the_import_event_lists_relations_and_document_labels(
        conn: sqlite3.Connection) -> None:
    run_import(conn, incoming(SPANS, RELATIONS, ["relevant"]))
    ((after,),) = conn.execute("SELECT after FROM events WHERE kind = 'import'").fetchall()
    event = json.loads(after)
    assert len(event["uids"]) == 3 and event["doc_labels"] == ["relevant"]
    assert [uid for *_, uid in stored_relations(conn)] == event["relations"]
    # a later import bringing only a relation records it in an event of its own
    run_import(conn, incoming(SPANS, [{"head": "s3", "child": "s1", "label": "near"}]))
    last = json.loads(conn.execute(
        "SELECT after FROM events WHERE kind = 'import' ORDER BY id DESC").fetchone()[0])
    assert last["uids"] == [] and len(last["relations"]) == 1


def test_nothing_is_written_when_the_import_fails(conn: sqlite3.Connection) -> None:
    with pytest.raises(RuntimeError), Importer(conn, "2024-05-01T10:00:00.000Z",
                                               "tester") as importer:
        importer.add(incoming(SPANS, RELATIONS, ["relevant"]))
        raise RuntimeError("stop")
    assert conn.execute("SELECT (SELECT count(*) FROM relations),"
                        " (SELECT count(*) FROM doc_labels)").fetchone() == (0, 0)


# --- import: checks ------------------------------------------------------------------------


@pytest.mark.parametrize(("relation", "message"), [
    ({"head": "s2", "child": "nope", "label": "by"},
     "relation 1 child 'nope' is not the id of a span of this record"),
    ({"head": "s2", "label": "by"}, "relation 1 has no child"),
    ({"head": "s2", "child": "s1", "label": ""}, "relation 1 label is empty"),
    ({"head": "s2", "child": "s1", "label": "by", "annotator": "bob"},
     "relation 1 is 'bob''s but joins spans of 'alice'"),
    ({"head": "s2", "child": "s2", "label": "by"}, "relation 1 joins the span [10:29]"),
    ({"head_span": {"start": 0, "end": 5, "label": "x"}, "child": "s1", "label": "by"},
     "relation 1 head_span [0:5] 'x' is not a span of this record"),
])
def test_a_relation_that_does_not_join_two_spans_of_the_record_is_refused(
        relation: dict[str, Any], message: str) -> None:
    with pytest.raises(RecordError, match=message.replace("[", r"\[")):
        incoming(SPANS, [relation])


def test_relations_join_spans_of_one_annotator() -> None:
    spans = [span("Ana", "actor", "s1", annotator="bob"), *SPANS[1:]]
    with pytest.raises(RecordError, match="joins spans of 'alice' and 'bob'"):
        incoming(spans, RELATIONS[:1])


def test_a_span_id_two_spans_share_cannot_be_an_end() -> None:
    spans = [*SPANS, span("tram", "topic", "s1")]
    with pytest.raises(RecordError, match="'s1' is the id of two spans"):
        incoming(spans, RELATIONS[:1])


def test_span_ids_may_be_any_string_or_number() -> None:
    spans = [span("Ana", "actor", "🙂 x"), span("Lyon", "topic", 7)]  # type: ignore[arg-type]
    document = incoming(spans, [{"head": 7, "child": "🙂 x", "label": "near"}])
    assert [(r.head, r.child) for r in document.relations] == [(1, 0)]


# --- export rows ---------------------------------------------------------------------------


def test_export_rows_carry_relations_and_labels_by_the_selection(
        conn: sqlite3.Connection) -> None:
    bob = [span("Ana", "actor", "b1", annotator="bob"),
           span("tram", "topic", "b2", annotator="bob")]
    run_import(conn, incoming([*SPANS, *bob], [*RELATIONS,
                                                {"head": "b1", "child": "b2", "label": "x"}]))
    document = find_by_sha256(conn, text_sha256(TEXT))
    assert document is not None
    AnnotationStore(conn, document.id, "alice").toggle_doc_label("relevant", multi=True)
    AnnotationStore(conn, document.id, "bob").toggle_doc_label("relevant", multi=True)
    AnnotationStore(conn, document.id, "bob").toggle_doc_label("city", multi=True)

    (row,) = rows(conn)
    assert [(r["head"], r["label"], r["child"]) for r in row.relations()] == [
        ("s2", "by", "s1"), ("s2", "about", "s3"), ("b1", "x", "b2")]
    assert row.cats_json == '{"city":1.0,"relevant":1.0}'
    assert row.cats_by() == {"city": ["bob"], "relevant": ["alice", "bob"]}
    assert row.facts.doc_labels == ("city", "relevant") and row.facts.relations

    (mine,) = rows(conn, Selection(annotators=("alice",)))
    assert [r["label"] for r in mine.relations()] == ["by", "about"]
    assert mine.cats() == {"relevant": 1.0} and mine.cats_by() == {"relevant": ["alice"]}
    # a relation is written only with both its spans
    (some,) = rows(conn, Selection(labels=("commitment", "topic")))
    assert [r["label"] for r in some.relations()] == ["about"]
    (none,) = rows(conn, Selection(labels=("actor",)))
    assert none.relations_json == "[]" and not none.facts.relations
    assert none.cats() == {"city": 1.0, "relevant": 1.0}  # --label chooses spans only


def test_a_document_label_alone_makes_the_document_in_progress(
        conn: sqlite3.Connection) -> None:
    run_import(conn, incoming([]))
    assert rows(conn)[0].status == "new"
    document = find_by_sha256(conn, text_sha256(TEXT))
    assert document is not None
    AnnotationStore(conn, document.id, "alice").toggle_doc_label("relevant", multi=True)
    assert rows(conn)[0].status == "in_progress"
    assert rows(conn, Selection(annotators=("bob",)))[0].status == "new"


def test_a_dangling_relation_stops_the_export(conn: sqlite3.Connection) -> None:
    run_import(conn, incoming(SPANS, RELATIONS))
    conn.execute("UPDATE annotations SET deleted_at = 'x' WHERE uid = 's1'")  # behind the store
    with pytest.raises(ReaderError, match=r"relation .* joins a span that is not live"):
        rows(conn)


# --- native JSONL ----------------------------------------------------------------------------


def cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    return path


def test_jsonl_relation_errors_name_file_and_line(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    good = {"text": TEXT, "spans": SPANS, "relations": RELATIONS}
    bad = {"text": "other " + TEXT, "spans": [span("Ana", "actor", "s1")],
           "relations": [{"head": "s1", "child": "s9", "label": "by"}]}
    source = write_jsonl(tmp_path / "in.jsonl", [good, bad])
    result = cli("import", str(source), "--db", str(db))
    assert result.exit_code == 1
    assert (f"{source}:2: relation 1 child 's9' is not the id of a span of this record;"
            " nothing imported") in str(result.exception)
    assert not db.exists()


def test_jsonl_import_reads_relations_and_cats(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    record = {"text": TEXT, "spans": SPANS, "relations": RELATIONS,
              "cats": {"relevant": 1.0, "sport": 0.0}, "cats_by": {"relevant": ["carol"]}}
    source = write_jsonl(tmp_path / "in.jsonl", [record])
    first = cli("import", str(source), "--db", str(db), "--annotator", "dan")
    assert first.exit_code == 0, first.output
    assert "3 new spans (0 already present), 2 new relations (0 already present), 1 new" \
           " document label (0 already present)" in first.stderr
    exported = json.loads(cli("export", "--db", str(db)).stdout)
    assert [(r["head"], r["child"], r["label"], r["annotator"]) for r in exported["relations"]
            ] == [("s2", "s1", "by", "dan"), ("s2", "s3", "about", "dan")]
    assert exported["cats"] == {"relevant": 1.0} and exported["cats_by"] == {
        "relevant": ["carol"]}
    again = cli("import", str(source), "--db", str(db), "--annotator", "dan")
    assert "0 new relations (2 already present), 0 new document labels (1 already" in (
        again.stderr)


@pytest.mark.parametrize(("change", "message"), [
    ({"relations": [{**RELATIONS[0], "colour": "red"}]}, "relation 1 key: colour"),
    ({"cats": {"relevant": "yes"}}, "cats 'relevant' must be a number from 0 to 1"),
    ({"cats": "relevant"}, "cats must be an object or a list, not str"),
    ({"cats": {"x": 1.0}, "cats_by": {"x": "alice"}}, "cats_by 'x' must be a list"),
])
def test_jsonl_bad_relations_and_cats_are_refused(tmp_path: Path, change: dict[str, Any],
                                                   message: str) -> None:
    source = write_jsonl(tmp_path / "in.jsonl",
                         [{"text": TEXT, "spans": SPANS, "relations": RELATIONS, **change}])
    result = cli("import", str(source), "--db", str(tmp_path / "db.sqlite"), "--strict")
    assert result.exit_code == 1
    assert f"{source}:1: " in str(result.exception) and message in str(result.exception)


# --- other formats' own files --------------------------------------------------------------


def exported_records(db: Path) -> list[dict[str, Any]]:
    result = cli("export", "--db", str(db))
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.split("\n")[:-1]]


def relation_view(record: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    spans = {s["id"]: s["text"] for s in record["spans"]}
    return [(spans[r["head"]], r["label"], spans[r["child"]], r["annotator"])
            for r in record["relations"]]


def test_prodigy_rel_manual_tasks_import(tmp_path: Path) -> None:
    """A task as Prodigy's rel.manual and choice interfaces write it: no span ids, ends by
    head_span/child_span, numeric option ids."""
    tokens = [{"text": w, "start": TEXT.index(w), "end": TEXT.index(w) + len(w), "id": n}
              for n, w in enumerate(TEXT.split(" "))]
    task = {
        "text": TEXT, "tokens": tokens, "_annotator_id": "news-ann",
        "spans": [{"start": 6, "end": 9, "token_start": 1, "token_end": 1, "label": "actor"},
                  {"start": 10, "end": 29, "token_start": 2, "token_end": 4,
                   "label": "commitment"}],
        "relations": [{"head": 4, "child": 1, "label": "by", "color": "#c5bdf4",
                       "head_span": {"start": 10, "end": 29, "token_start": 2, "token_end": 4,
                                     "label": "commitment"},
                       "child_span": {"start": 6, "end": 9, "token_start": 1, "token_end": 1,
                                      "label": "actor"}}],
        "options": [{"id": 0, "text": "relevant"}, {"id": "sport", "text": "Sport"}],
        "accept": [0, "sport"], "answer": "accept"}
    db = tmp_path / "db.sqlite"
    source = write_jsonl(tmp_path / "p.jsonl", [task])
    result = cli("import", str(source), "--db", str(db), "--strict")
    assert result.exit_code == 0, result.output
    (record,) = exported_records(db)
    assert relation_view(record) == [("promised new trucks", "by", "Ana", "news-ann")]
    assert record["cats_by"] == {"relevant": ["news-ann"], "sport": ["news-ann"]}
    rejected = write_jsonl(tmp_path / "r.jsonl", [{**task, "text": TEXT + ".",
                                                   "answer": "reject"}])
    assert cli("import", str(rejected), "--db", str(db)).exit_code == 0
    assert [len(r["relations"]) + len(r["cats"]) for r in exported_records(db)] == [3, 0]


def ls_task(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    regions = [{"id": rid, "from_name": "label", "to_name": "text", "type": "labels",
                "value": {"start": TEXT.index(word), "end": TEXT.index(word) + len(word),
                          "labels": [label]}}
               for rid, word, label in (("a", "Ana", "actor"), ("c", "promised", "commitment"))]
    return [{"data": {"text": TEXT}, "annotations": [
        {"completed_by": {"email": "e@x.org"}, "result": [*results, *regions]}]}]


def test_label_studio_relation_directions(tmp_path: Path) -> None:
    path = tmp_path / "ls.json"
    path.write_text(json.dumps(ls_task([
        {"from_id": "a", "to_id": "c", "type": "relation", "direction": "left",
         "labels": ["by"]},
        {"from_id": "a", "to_id": "c", "type": "relation", "direction": "bi",
         "labels": ["near"]}])), encoding="utf-8")
    db = tmp_path / "db.sqlite"
    result = cli("import", str(path), "--db", str(db))
    assert result.exit_code == 0, result.output
    (record,) = exported_records(db)
    assert relation_view(record) == [("promised", "by", "Ana", "e@x.org"),
                                     ("Ana", "near", "promised", "e@x.org"),
                                     ("promised", "near", "Ana", "e@x.org")]


@pytest.mark.parametrize(("relation", "message"), [
    ({"from_id": "a", "to_id": "zz", "type": "relation", "labels": ["by"]},
     "to_id 'zz' is not a labelled region of the same annotation"),
    ({"from_id": "a", "to_id": "c", "type": "relation", "labels": []}, "has no label"),
    ({"from_id": "a", "to_id": "c", "type": "relation", "labels": ["by"],
      "direction": "up"}, "direction must be right, left or bi"),
])
def test_label_studio_bad_relations_name_their_line(tmp_path: Path, relation: dict[str, Any],
                                                    message: str) -> None:
    path = tmp_path / "ls.json"
    path.write_text(json.dumps(ls_task([relation])), encoding="utf-8")
    result = cli("import", str(path), "--db", str(tmp_path / "db.sqlite"))
    assert result.exit_code == 1
    assert str(result.exception).startswith(f"{path}:1: relation 'a' -> ")
    assert message in str(result.exception)


def test_doccano_relation_and_classification_projects_import(tmp_path: Path) -> None:
    """doccano's own relation example (ids from 0, relations without ids) and a text
    classification record (`label` holding category names)."""
    relation = {"text": TEXT, "entities": [
        {"id": 0, "start_offset": 6, "end_offset": 9, "label": "actor"},
        {"id": 1, "start_offset": 10, "end_offset": 29, "label": "commitment"}],
        "relations": [{"from_id": 1, "to_id": 0, "type": "by"}], "cats": ["relevant"]}
    classified = {"text": "A tram for Lyon", "label": ["transport", "city"]}
    db = tmp_path / "db.sqlite"
    source = write_jsonl(tmp_path / "d.jsonl", [relation, classified])
    result = cli("import", str(source), "--db", str(db), "--annotator", "dee", "--strict")
    assert result.exit_code == 0, result.output
    first, second = exported_records(db)
    assert relation_view(first) == [("promised new trucks", "by", "Ana", "dee")]
    assert first["cats"] == {"relevant": 1.0}
    assert second["cats_by"] == {"city": ["dee"], "transport": ["dee"]}
    bad = write_jsonl(tmp_path / "bad.jsonl", [
        {**relation, "relations": [{"from_id": 1, "to_id": 7, "type": "by"}]}])
    refused = cli("import", str(bad), "--db", str(db))
    assert (f"{bad}:1: relation 1 to_id 7 is not the id of an entity of this record"
            in str(refused.exception))


# --- the relations table -----------------------------------------------------------------


def test_table_reports_cells_a_spreadsheet_may_read_as_formulas(tmp_path: Path) -> None:
    text = "=SUM(A1) said -5 people"
    record = {"text": text, "spans": [
        {"id": "f", "start": 0, "end": 8, "label": "x"},
        {"id": "p", "start": 14, "end": 16, "label": "y"},
        {"id": "q", "start": 17, "end": 23, "label": "y"}],
        "relations": [{"id": "r1", "head": "f", "child": "p", "label": "by"},
                      {"id": "r2", "head": "q", "child": "p", "label": "near"}]}
    db = tmp_path / "db.sqlite"
    assert cli("import", str(write_jsonl(tmp_path / "in.jsonl", [record])), "--db",
               str(db)).exit_code == 0
    out = tmp_path / "rel.csv"
    result = cli("export", "--db", str(db), "--format", "table", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert ("rows with a cell a spreadsheet may read as a formula (written as is): 2"
            in result.stderr)
    pandas = pytest.importorskip("pandas")
    frame = pandas.read_csv(out, keep_default_na=False, dtype=str)
    assert list(frame["head_text"]) == ["=SUM(A1)", "people"]  # exact, not escaped
    assert list(frame["child_text"]) == ["-5", "-5"]


# --- property: every round trip keeps relations and document labels ---------------------

TIMES = ("2024-05-01T10:00:00.000Z", "2023-01-02T03:04:05.678Z")


@st.composite
def annotated_corpus(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Records with spans of two annotators (ids any string), relations between spans of
    one annotator, and document labels given by one or both."""
    records = []
    texts = draw(st.lists(rich_texts, min_size=1, max_size=3, unique=True))
    for number, text in enumerate(texts):
        spans: list[dict[str, Any]] = []
        keys = set()
        for _ in range(draw(st.integers(0, 5))):
            start = draw(st.integers(0, len(text) - 1))
            end = draw(st.integers(start + 1, len(text)))
            label = draw(st.sampled_from(["PER", "LOC", "two words"]))
            annotator = draw(st.sampled_from(["alice", "bob"]))
            if (start, end, label, annotator) in keys:
                continue
            keys.add((start, end, label, annotator))
            uid = f"d{number}-{len(spans)}-{draw(st.text(min_size=1, max_size=4))}"
            spans.append({"id": uid, "start": start, "end": end, "label": label,
                          "annotator": annotator})
        relations: list[dict[str, Any]] = []
        joined = set()
        pairs = [(h, c) for h in spans for c in spans
                 if h is not c and h["annotator"] == c["annotator"]]
        for _ in range(draw(st.integers(0, 4)) if pairs else 0):
            head, child = draw(st.sampled_from(pairs))
            label = draw(st.sampled_from(["by", "about", "took place", "über 🙂"]))
            if (head["id"], child["id"], label) in joined:
                continue
            joined.add((head["id"], child["id"], label))
            relation = {"head": head["id"], "child": child["id"], "label": label}
            if draw(st.booleans()):
                relation.update(id=f"r{number}-{len(relations)}", created_at=TIMES[0],
                                updated_at=draw(st.sampled_from(TIMES)))
            relations.append(relation)
        labels = draw(st.lists(st.sampled_from(["relevant", "sport", "NA", "a b"]),
                               unique=True, max_size=3))
        by = {label: sorted(draw(st.sets(st.sampled_from(["alice", "bob", "carol"]),
                                         min_size=1))) for label in labels}
        records.append({"text": text, "spans": spans, "relations": relations,
                        "cats": {label: 1.0 for label in labels}, "cats_by": by})
    return records


rich_texts = tricky_text.filter(lambda text: text.strip() != "" and "\x00" not in text)
Ends = tuple[tuple[int, int, str], tuple[int, int, str]]


def relation_keys(record: dict[str, Any], *fields: str) -> list[tuple[Any, ...]]:
    """Each relation as (head span, child span, label, *fields), sorted."""
    spans = {s["id"]: (s["start"], s["end"], s["label"]) for s in record["spans"]}
    return sorted((spans[r["head"]], spans[r["child"]], r["label"], *(r[f] for f in fields))
                  for r in record["relations"])


def jsonl_after(db: Path, source: Path, fmt: str, *args: str) -> list[dict[str, Any]]:
    imported = cli("import", str(source), "--db", str(db), "--format", fmt, *args)
    assert imported.exit_code == 0, imported.output
    assert "not imported" not in imported.stderr and "already used" not in imported.stderr
    return exported_records(db)


def brat_type(span: tuple[int, int, str]) -> tuple[int, int, str]:
    return (*span[:2], span[2].replace(" ", "_"))


def read_brat_relations(folder: Path, record: dict[str, Any]) -> list[tuple[Any, ...]]:
    """brat's R lines as (head span, child span, label): the T ids are given, in order, to
    the spans brat can show (not those of line breaks only)."""
    from reader.formats.brat import fragments

    shown = [s for s in record["spans"] if fragments(record["text"], s["start"], s["end"])]
    t_ids = {f"T{n}": (s["start"], s["end"], s["label"].replace(" ", "_"))
             for n, s in enumerate(shown, 1)}
    found = []
    for line in (folder / f"{record['id']}.ann").read_text("utf-8").splitlines():
        if line.startswith("R"):
            label, head, child = line.split("\t")[1].split(" ")
            found.append((t_ids[head.removeprefix("Arg1:")], t_ids[child.removeprefix("Arg2:")],
                          label))
    return sorted(found)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(annotated_corpus())
def test_every_round_trip_keeps_relations_and_document_labels(
        records: list[dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        first = jsonl_after(root / "db", write_jsonl(root / "in.jsonl", records), "jsonl")
        # native JSONL: what went in is what comes out, and again byte for byte
        for record, given in zip(first, records, strict=True):
            owner = {span["id"]: span["annotator"] for span in given["spans"]}
            assert relation_keys(record, "annotator") == relation_keys(
                {**given, "relations": [{**r, "annotator": owner[r["head"]]}
                                        for r in given["relations"]]}, "annotator")
            assert (record["cats"], record["cats_by"]) == (given["cats"], given["cats_by"])
        text = cli("export", "--db", str(root / "db")).stdout
        again = jsonl_after(root / "db2", write_jsonl(root / "a.jsonl", first), "jsonl")
        assert cli("export", "--db", str(root / "db2")).stdout == text
        assert again == first

        exports = {}
        for fmt, name, args in (("prodigy", "p.jsonl", ()), ("label-studio", "ls.json", ()),
                                ("doccano", "d.jsonl", ()),
                                ("doccano", "dc.jsonl", ("--offsets", "codepoints")),
                                ("brat", "brat", ()), ("conll", "c.conll", ()),
                                ("table", "t.tsv", ()), ("spacy", "s.spacy", ())):
            result = cli("export", "--db", str(root / "db"), "--format", fmt, "-o",
                         str(root / name), *args)
            assert result.exit_code == 0, result.output
            exports[name] = result.stderr
        everything = ("annotator", "id", "created_at", "updated_at")
        prodigy = jsonl_after(root / "p.db", root / "p.jsonl", "prodigy")
        studio = jsonl_after(root / "ls.db", root / "ls.json", "label-studio")
        doccano = jsonl_after(root / "d.db", root / "d.jsonl", "doccano")
        codepoints = jsonl_after(root / "dc.db", root / "dc.jsonl", "doccano", "--offsets",
                                 "codepoints")
        for record, p, ls, d, dc in zip(first, prodigy, studio, doccano, codepoints,
                                        strict=True):
            assert relation_keys(p, *everything) == relation_keys(record, *everything)
            assert relation_keys(ls, "annotator", "id") == relation_keys(record, "annotator",
                                                                         "id")
            for back in (p, ls):
                assert (back["cats"], back["cats_by"]) == (record["cats"], record["cats_by"])
            # doccano has no annotators: two annotators' identical relations become one
            for back in (d, dc):
                assert sorted(set(relation_keys(back))) == sorted(set(relation_keys(record)))
                assert back["cats"] == record["cats"]

        total = sum(len(record["relations"]) for record in first)
        labels = sum(len(record["cats"]) for record in first)
        # brat: every relation whose spans it can show, as R lines; the rest reported
        written = [read_brat_relations(root / "brat", record) for record in first]
        for record, found in zip(first, written, strict=True):
            assert set(found) <= {(brat_type(head), brat_type(child), label.replace(" ", "_"))
                                  for head, child, label in relation_keys(record)}
        left_out = total - sum(map(len, written))
        if left_out:
            assert f"relations with a span brat cannot show (left out): {left_out}" in (
                exports["brat"])
        if labels:
            assert (f"document labels (brat has no place for them, left out): {labels}"
                    in exports["brat"])
            assert (f"document labels (CoNLL has no place for them, left out): {labels}"
                    in exports["c.conll"])
        if total:
            assert f"relations (CoNLL has no place for them, left out): {total}" in (
                exports["c.conll"])

        # the table, read by pandas: one row per relation, exact texts and offsets
        pandas = pytest.importorskip("pandas")
        frame = pandas.read_csv(root / "t.tsv", sep="\t", dtype=str, keep_default_na=False)
        assert sorted(
            ((int(row.head_start), int(row.head_end), row.head_label),
             (int(row.child_start), int(row.child_end), row.child_label), row.relation,
             row.head_text, row.child_text, row.annotator, row.relation_id)
            for row in frame.itertuples()) == sorted(
            (*key[:3], record["text"][key[0][0]:key[0][1]],
             record["text"][key[1][0]:key[1][1]], *key[3:])
            for record in first for key in relation_keys(record, "annotator", "id"))

        # spaCy, read by spaCy: doc.cats and the relations in user_data
        spacy = pytest.importorskip("spacy")
        from spacy.tokens import DocBin

        docs = list(DocBin().from_disk(root / "s.spacy").get_docs(spacy.blank("xx").vocab))
        for doc, record in zip(docs, first, strict=True):
            assert {label for label, score in doc.cats.items() if score == 1.0} == set(
                record["cats"])
            assert sorted(((r["head"]["start"], r["head"]["end"], r["head"]["label"]),
                           (r["child"]["start"], r["child"]["end"], r["child"]["label"]),
                           r["label"], r["annotator"], r["id"])
                          for r in doc.user_data["relations"]) == relation_keys(
                record, "annotator", "id")
