"""`reader curate --auto`: what all (or a majority of) the annotators of a document agree on
goes into the gold layer with its provenance, spans, relations and document labels alike;
running it again adds nothing, a gold span the curator deleted stays deleted, a failure
half way writes nothing, and the gold layer exports like any annotator."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import reader.team.curation as curation_module
from reader.cli import cli
from reader.store.annotations import AnnotationStore
from reader.store.curation import curation_documents, read_layers
from reader.store.database import connect
from reader.store.documents import add_document
from reader.team.curation import accept_agreed, disagreements
from reader.text.loading import LoadedText

TEXT = "Ararat Mirzoyan met Sergey Lavrov in Moscow; Lavrov promised talks."
OTHER = "A second document: Lavrov again, and Mirzoyan."


def at(phrase: str, text: str = TEXT) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def tag(conn: sqlite3.Connection, document: int, who: str, phrase: str, label: str,
        text: str = TEXT, note: str = "") -> str:
    start, end = at(phrase, text)
    return AnnotationStore(conn, document, who).create(start, end, label, phrase, note).uid


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Document 1: all three tag "Ararat Mirzoyan" actor; alice and bob "Sergey Lavrov"
    actor (carol: topic); only alice "Moscow"; alice and bob relate promised -by-> Lavrov
    and label the document relevant (bob also urgent). Document 2: only alice."""
    path = tmp_path / "team.db"
    conn = connect(path)
    add_document(conn, LoadedText.from_text(TEXT, "/one.txt"))
    add_document(conn, LoadedText.from_text(OTHER, "/two.txt"))
    for who in ("alice", "bob", "carol"):
        tag(conn, 1, who, "Ararat Mirzoyan", "actor", note="the minister" * (who != "carol"))
    for who in ("alice", "bob"):
        lavrov = tag(conn, 1, who, "Sergey Lavrov", "actor")
        promised = tag(conn, 1, who, "promised talks", "commitment")
        AnnotationStore(conn, 1, who).relate(promised, lavrov, "by")
        AnnotationStore(conn, 1, who).toggle_doc_label("relevant", multi=True)
    AnnotationStore(conn, 1, "bob").toggle_doc_label("urgent", multi=True)
    tag(conn, 1, "carol", "Sergey Lavrov", "topic")
    tag(conn, 1, "alice", "Moscow", "place")
    tag(conn, 2, "alice", "Lavrov", "actor", text=OTHER)
    conn.close()
    return path


def run(db: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["curate", "--db", str(db), *args])


def gold(db: Path, table: str = "annotations") -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        if table == "annotations":
            return conn.execute(
                "SELECT text, label, meta FROM annotations WHERE annotator = 'gold'"
                " AND deleted_at IS NULL ORDER BY start").fetchall()
        if table == "relations":
            return conn.execute(
                "SELECT h.text, r.label, c.text FROM relations r JOIN annotations h"
                " ON h.uid = r.head_uid JOIN annotations c ON c.uid = r.child_uid"
                " WHERE r.annotator = 'gold' AND r.deleted_at IS NULL").fetchall()
        return conn.execute("SELECT label FROM doc_labels WHERE annotator = 'gold'"
                            " AND deleted_at IS NULL ORDER BY label").fetchall()
    finally:
        conn.close()


def test_all_accepts_what_every_annotator_of_the_document_has(db: Path) -> None:
    result = run(db, "--annotators", "alice,bob,carol", "--auto")
    assert result.exit_code == 0, result.output
    assert gold(db) == [("Ararat Mirzoyan", "actor", json.dumps(
        {"curated_from": ["alice", "bob", "carol"], "rule": "all"}))]
    assert gold(db, "relations") == []  # carol made no relation
    assert gold(db, "doc_labels") == []
    assert "curated 1 document into gold (all): accepted 1 spans, 0 relations," \
           " 0 document labels" in result.output  # document 2: alice alone


def test_majority_accepts_what_more_than_half_have(db: Path) -> None:
    result = run(db, "--annotators", "alice,bob,carol", "--auto", "--min-agree", "majority")
    assert result.exit_code == 0, result.output
    found = {(text, label): json.loads(meta) for text, label, meta in gold(db)}
    assert found == {
        ("Ararat Mirzoyan", "actor"): {"curated_from": ["alice", "bob", "carol"],
                                       "rule": "majority"},
        ("Sergey Lavrov", "actor"): {"curated_from": ["alice", "bob"], "rule": "majority"},
        ("promised talks", "commitment"): {"curated_from": ["alice", "bob"],
                                           "rule": "majority"},
    }  # not Moscow (alice alone), not carol's topic
    assert gold(db, "relations") == [("promised talks", "by", "Sergey Lavrov")]
    assert gold(db, "doc_labels") == [("relevant",)]
    assert "accepted 3 spans, 1 relations, 1 document labels" in result.output


def test_two_annotators_relations_and_document_labels(db: Path) -> None:
    result = run(db, "--annotators", "alice,bob", "--auto")
    assert result.exit_code == 0, result.output
    assert [(text, label) for text, label, _ in gold(db)] == [
        ("Ararat Mirzoyan", "actor"), ("Sergey Lavrov", "actor"),
        ("promised talks", "commitment")]
    assert gold(db, "relations") == [("promised talks", "by", "Sergey Lavrov")]
    assert gold(db, "doc_labels") == [("relevant",)]
    # left: Moscow (alice only) and urgent (bob only)
    assert "2 disagreements left" in result.output


def test_running_again_adds_nothing_and_a_deleted_gold_span_stays_deleted(db: Path) -> None:
    assert run(db, "--annotators", "alice,bob", "--auto").exit_code == 0
    first = gold(db)
    again = run(db, "--annotators", "alice,bob", "--auto")
    assert "accepted 0 spans, 0 relations, 0 document labels" in again.output
    assert gold(db) == first
    conn = connect(db)
    (uid,) = conn.execute("SELECT uid FROM annotations WHERE annotator = 'gold'"
                          " AND text = 'Ararat Mirzoyan'").fetchone()
    AnnotationStore(conn, 1, "gold").delete(uid)  # the curator disagrees with both
    conn.close()
    third = run(db, "--annotators", "alice,bob", "--auto")
    assert "accepted 0 spans" in third.output
    assert "Ararat Mirzoyan" not in [text for text, _, _ in gold(db)]
    # nor with another rule or another annotator set that agrees on it
    run(db, "--annotators", "alice,bob,carol", "--auto", "--min-agree", "majority")
    assert "Ararat Mirzoyan" not in [text for text, _, _ in gold(db)]


def test_a_failure_half_way_writes_nothing(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    conn = connect(db)
    calls = []

    def failing(*args: Any, **kwargs: Any) -> int:
        calls.append(args)
        if len(calls) == 2:
            raise sqlite3.OperationalError("disk I/O error")
        return real(*args, **kwargs)

    real = curation_module.write_decision
    monkeypatch.setattr(curation_module, "write_decision", failing)
    add_document(conn, LoadedText.from_text("Lavrov.", "/three.txt"))
    for who in ("alice", "bob"):
        AnnotationStore(conn, 3, who).create(0, 6, "actor", "Lavrov")
    documents = curation_documents(conn, ["alice", "bob"])
    with pytest.raises(sqlite3.OperationalError):
        accept_agreed(conn, documents, "gold", "all", "me")
    conn.close()
    assert len(calls) == 2
    assert gold(db) == []
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM curation_decisions").fetchone() == (0,)
    conn.close()


def test_the_gold_layer_exports_with_its_provenance(db: Path) -> None:
    assert run(db, "--annotators", "alice,bob", "--auto").exit_code == 0
    exported = CliRunner().invoke(cli, ["export", "--db", str(db), "--annotator", "gold"])
    assert exported.exit_code == 0, exported.output
    record = json.loads(exported.stdout.splitlines()[0])
    assert {span["text"]: span["meta"] for span in record["spans"]} == {
        text: {"curated_from": ["alice", "bob"], "rule": "all"}
        for text in ("Ararat Mirzoyan", "Sergey Lavrov", "promised talks")}
    assert all(span["annotator"] == "gold" for span in record["spans"])
    assert record["spans"][0]["note"] == "the minister"  # both wrote it
    assert record["relations"][0]["label"] == "by"
    assert record["cats_by"] == {"relevant": ["gold"]}


def test_only_the_documents_asked_for(db: Path) -> None:
    conn = connect(db)
    add_document(conn, LoadedText.from_text("Lavrov.", "/three.txt"))
    for who in ("alice", "bob"):
        AnnotationStore(conn, 3, who).create(0, 6, "actor", "Lavrov")
    (public,) = conn.execute("SELECT substr(sha256, 1, 16) FROM documents WHERE id = 3"
                             ).fetchone()
    conn.close()
    result = run(db, "--annotators", "alice,bob", "--auto", "--document", public)
    assert "curated 1 document" in result.output
    assert gold(db) == [("Lavrov", "actor", json.dumps(
        {"curated_from": ["alice", "bob"], "rule": "all"}))]
    assert "no such document" in str(
        run(db, "--annotators", "alice,bob", "--auto", "--document", "nope").exception)


def test_bad_names_are_one_line_errors(db: Path) -> None:
    for args, message in (
            (("--annotators", "alice"), "at least two names"),
            (("--annotators", "alice,bob", "--into", "bob"), "cannot be one of the annotators"),
            (("--annotators", "alice,zed"), "'zed' has annotated nothing")):
        result = run(db, *args, "--auto")
        assert result.exit_code != 0
        assert message in str(result.exception)
    assert gold(db) == []


def test_disagreements_group_overlapping_spans_and_keep_each_version(db: Path) -> None:
    conn = connect(db)
    layers = read_layers(conn, 1, ("alice", "bob", "carol"), "gold")
    conn.close()
    items = disagreements(layers)
    spans = [item for item in items if item.kind == "span"]
    lavrov = at("Sergey Lavrov")
    # one stretch: alice's and bob's actor against carol's topic, same words
    assert dict(spans[1].versions) == {"alice": ((*lavrov, "actor"),),
                                       "bob": ((*lavrov, "actor"),),
                                       "carol": ((*lavrov, "topic"),)}
    assert spans[1].holders((*lavrov, "actor")) == ("alice", "bob")
    assert dict(spans[2].versions) == {"alice": ((*at("Moscow"), "place"),), "bob": (),
                                       "carol": ()}
    assert [item.kind for item in items].count("doc_label") == 1


def test_without_auto_and_without_a_terminal_it_accepts_and_says_what_waits(db: Path) -> None:
    result = run(db, "--annotators", "alice,bob")
    assert result.exit_code == 0, result.output
    assert "2 disagreements left" in result.stdout
    assert "the curation screen needs a terminal" in result.stderr
    assert len(gold(db)) == 3


def test_two_curators_never_decide_the_same_disagreement_twice(db: Path) -> None:
    from reader.store.annotations import ChangedElsewhere
    from reader.team.curation import CurationSession

    one, two = connect(db), connect(db)
    documents = curation_documents(one, ["alice", "bob", "carol"])
    first = CurationSession(one, "gold", "ann", documents)
    second = CurationSession(two, "gold", "ben", documents)
    assert len(first) == len(second) > 0
    first.choose(0, "carol")
    with pytest.raises(ChangedElsewhere):
        second.reject(0)
    assert second.states == {}
    # gold changed since (the span deleted in the reader): the decision is not undone
    (uid,) = one.execute("SELECT uid FROM annotations WHERE annotator = 'gold'").fetchone()
    AnnotationStore(two, 1, "gold").delete(uid)
    with pytest.raises(ChangedElsewhere):
        first.undo()
    assert first.states == {0: "chosen"}
    one.close()
    two.close()
