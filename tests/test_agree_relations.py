"""`reader agree` on relations and document labels (issue 10): relation precision, recall
and F1 per relation label worked out by hand on a small database; document-label kappa
worked out by hand and checked against scikit-learn; the JSON shape; the documents that
count; sanitised names in the table."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from reader.cli import cli
from reader.store.annotations import Annotation, AnnotationStore
from reader.store.database import connect
from reader.store.documents import add_document, set_status
from reader.team.relation_agreement import DocLabelAgreement, RelationAgreement, RelationKey
from reader.text.loading import LoadedText

FIRST = "Mayor Ana promised new trucks for Lyon and a tram"
SECOND = "Governor Bo pledged clean water"
ONLY_ANN = "Chief Cy vowed to act"
# Documents with labels only (no span): they count as annotated.
LABELLED = ["Fourth article.", "Fifth article.", "Sixth article.", "Seventh article."]


def spans(store: AnnotationStore, text: str,
          wanted: list[tuple[int, int, str]]) -> list[Annotation]:
    return [store.create(start, end, label, text[start:end]) for start, end, label in wanted]


def build(path: Path) -> None:
    """Two annotators, worked out by hand:

    first document:  ann  promised -by-> Ana, promised -about-> trucks, promised -about-> tram
                     bob  promised -by-> Ana, promised -about-> trucks,
                          promised -about-> Lyon, promised -by-> Mayor
                     (bob also made and deleted a relation, and deleted a span with one)
    second document: ann  pledged -by-> Bo, pledged -about-> "clean water"
                     bob  pledged -by-> Bo, pledged -about-> "water" (child shifted)
    by:    ann 2, bob 3, matched 2: P 2/3, R 1, F1 4/5
    about: ann 3, bob 3, matched 1: P 1/3, R 1/3, F1 1/3
    all:   ann 5, bob 6, matched 3: P 1/2, R 3/5, F1 6/11
    """
    conn = connect(path)
    first, _ = add_document(conn, LoadedText.from_text(FIRST, "/corpus/1.txt"))
    second, _ = add_document(conn, LoadedText.from_text(SECOND, "/corpus/2.txt"))
    third, _ = add_document(conn, LoadedText.from_text(ONLY_ANN, "/corpus/3.txt"))
    labelled = [add_document(conn, LoadedText.from_text(text, f"/corpus/{index + 4}.txt"))[0]
                for index, text in enumerate(LABELLED)]

    ann = AnnotationStore(conn, first.id, "ann")
    ana, promised, trucks, tram, _ = spans(ann, FIRST, [
        (6, 9, "actor"), (10, 18, "commitment"), (23, 29, "topic"), (45, 49, "topic"),
        (34, 38, "actor")])
    ann.relate(promised.uid, ana.uid, "by")
    ann.relate(promised.uid, trucks.uid, "about")
    ann.relate(promised.uid, tram.uid, "about")
    bob = AnnotationStore(conn, first.id, "bob")
    ana, promised, trucks, lyon, mayor, tram = spans(bob, FIRST, [
        (6, 9, "actor"), (10, 18, "commitment"), (23, 29, "topic"), (34, 38, "topic"),
        (0, 5, "actor"), (45, 49, "topic")])
    bob.relate(promised.uid, ana.uid, "by")
    bob.relate(promised.uid, trucks.uid, "about")
    bob.relate(promised.uid, lyon.uid, "about")
    bob.relate(promised.uid, mayor.uid, "by")
    bob.unrelate(bob.relate(trucks.uid, ana.uid, "about").uid)  # deleted: does not count
    bob.relate(promised.uid, tram.uid, "about")
    bob.delete(tram.uid)  # takes its relation with it: does not count

    ann = AnnotationStore(conn, second.id, "ann")
    bo, pledged, water = spans(ann, SECOND, [
        (9, 11, "actor"), (12, 19, "commitment"), (20, 31, "topic")])
    ann.relate(pledged.uid, bo.uid, "by")
    ann.relate(pledged.uid, water.uid, "about")
    bob = AnnotationStore(conn, second.id, "bob")
    bo, pledged, water = spans(bob, SECOND, [
        (9, 11, "actor"), (12, 19, "commitment"), (26, 31, "topic")])
    bob.relate(pledged.uid, bo.uid, "by")
    bob.relate(pledged.uid, water.uid, "about")

    # Only ann annotated the third document: its relation is not compared.
    ann = AnnotationStore(conn, third.id, "ann")
    cy, vowed = spans(ann, ONLY_ANN, [(6, 8, "actor"), (9, 14, "commitment")])
    ann.relate(vowed.uid, cy.uid, "by")

    # Document labels, see DOC_LABELS; ann marked the sixth done without a label.
    documents = [first.id, second.id, *(document.id for document in labelled)]
    for annotator, column in (("ann", 0), ("bob", 1)):
        for document_id, row in zip(documents, DOC_LABELS, strict=True):
            store = AnnotationStore(conn, document_id, annotator)
            for label in row[column]:
                store.toggle_doc_label(label, multi=True)
    set_status(conn, labelled[2].id, "ann", "done")
    # A label given and taken back does not count; nor does the third document's.
    store = AnnotationStore(conn, labelled[0].id, "bob")
    store.toggle_doc_label("urgent", multi=True)
    store.toggle_doc_label("urgent", multi=True)
    AnnotationStore(conn, third.id, "ann").toggle_doc_label("urgent", multi=True)
    conn.close()


# (ann's labels, bob's labels) per compared document, in document order.
DOC_LABELS: list[tuple[set[str], set[str]]] = [
    ({"relevant", "urgent"}, {"relevant"}),
    ({"relevant"}, {"relevant", "urgent"}),
    ({"irrelevant"}, {"relevant"}),
    ({"relevant"}, {"relevant"}),
    (set(), {"irrelevant"}),
    ({"irrelevant"}, {"irrelevant"}),
]
# By hand over the 6 documents (p_o, p_e, kappa):
# relevant:   ann 3, bob 4, both 3: p_o 5/6, p_e (3*4 + 3*2)/36 = 1/2,   kappa 2/3
# irrelevant: ann 2, bob 2, both 1: p_o 4/6, p_e (2*2 + 4*4)/36 = 5/9,   kappa 1/4
# urgent:     ann 1, bob 1, both 0: p_o 4/6, p_e (1*1 + 5*5)/36 = 13/18, kappa -1/5
EXPECTED_KAPPA = {"irrelevant": 1 / 4, "relevant": 2 / 3, "urgent": -1 / 5}


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "team.db"
    build(path)
    return path


def agree_json(path: Path, *args: str) -> dict:  # type: ignore[type-arg]
    result = CliRunner().invoke(cli, ["agree", "--db", str(path), "--json", *args])
    assert result.exit_code == 0, result.output
    report: dict = json.loads(result.output)  # type: ignore[type-arg]
    return report


def test_relation_scores_by_hand(database: Path) -> None:
    report = agree_json(database)
    assert report["relation_labels"] == ["about", "by"]
    (pair,) = report["pairs"]
    assert pair["documents"] == 6
    relations = pair["relations"]
    by = {row["label"]: row for row in relations["labels"]}
    assert sorted(by) == ["about", "by"]
    assert (by["by"]["relations_a"], by["by"]["relations_b"], by["by"]["matched"]) == (2, 3, 2)
    assert by["by"]["precision"] == pytest.approx(2 / 3)
    assert by["by"]["recall"] == pytest.approx(1.0)
    assert by["by"]["f1"] == pytest.approx(4 / 5)
    about = by["about"]
    assert (about["relations_a"], about["relations_b"], about["matched"]) == (3, 3, 1)
    assert (about["precision"], about["recall"], about["f1"]) == pytest.approx((1 / 3,) * 3)
    overall = relations["overall"]
    assert overall["label"] is None
    assert (overall["relations_a"], overall["relations_b"], overall["matched"]) == (5, 6, 3)
    assert overall["precision"] == pytest.approx(1 / 2)
    assert overall["recall"] == pytest.approx(3 / 5)
    assert overall["f1"] == pytest.approx(6 / 11)


def test_swapping_the_pair_swaps_precision_and_recall(database: Path) -> None:
    (forward,) = agree_json(database)["pairs"]
    (backward,) = agree_json(database, "--annotators", "bob,ann")["pairs"]
    one, other = forward["relations"]["overall"], backward["relations"]["overall"]
    assert (one["precision"], one["recall"]) == (other["recall"], other["precision"])
    assert one["f1"] == other["f1"]


def test_span_label_filter_drops_the_relations_it_cuts_off(database: Path) -> None:
    # Without topic spans only the `by` relations (commitment -> actor) are left.
    (pair,) = agree_json(database, "--label", "actor,commitment")["pairs"]
    assert [row["label"] for row in pair["relations"]["labels"]] == ["by"]
    assert pair["relations"]["overall"]["f1"] == pytest.approx(4 / 5)


def test_doc_label_kappa_by_hand(database: Path) -> None:
    report = agree_json(database)
    assert report["doc_labels"] == ["irrelevant", "relevant", "urgent"]
    (pair,) = report["pairs"]
    rows = {row["label"]: row for row in pair["doc_labels"]}
    assert sorted(rows) == sorted(EXPECTED_KAPPA)
    for label, kappa in EXPECTED_KAPPA.items():
        assert rows[label]["documents"] == 6
        assert rows[label]["kappa"] == pytest.approx(kappa), label
    relevant = rows["relevant"]
    assert (relevant["documents_a"], relevant["documents_b"], relevant["both"]) == (3, 4, 3)
    assert relevant["observed"] == pytest.approx(5 / 6)


def test_doc_label_kappa_matches_scikit_learn(database: Path) -> None:
    metrics = pytest.importorskip("sklearn.metrics")
    (pair,) = agree_json(database)["pairs"]
    for row in pair["doc_labels"]:
        ann = [row["label"] in mine for mine, _ in DOC_LABELS]
        bob = [row["label"] in theirs for _, theirs in DOC_LABELS]
        assert row["kappa"] == pytest.approx(metrics.cohen_kappa_score(ann, bob))


@pytest.mark.parametrize("seed", range(20))
def test_random_doc_labels_match_scikit_learn(seed: int) -> None:
    metrics = pytest.importorskip("sklearn.metrics")
    rng = random.Random(seed)
    names = ["relevant", "irrelevant", "sports", "politics"]
    documents = [(set(rng.sample(names, rng.randint(0, 2))),
                  set(rng.sample(names, rng.randint(0, 2))))
                 for _ in range(rng.randint(1, 30))]
    pair = DocLabelAgreement("ann", "bob")
    for mine, theirs in documents:
        pair.add(mine, theirs)
    result = pair.result()
    assert result.documents == len(documents)
    for row in result.labels:
        ann = [row.label in mine for mine, _ in documents]
        bob = [row.label in theirs for _, theirs in documents]
        if row.kappa is None:  # every document alike for both: scikit-learn says nan
            assert len(set(ann)) == 1 and ann == bob
        else:
            assert row.kappa == pytest.approx(metrics.cohen_kappa_score(ann, bob))


def test_relation_counts_add_up_over_parts() -> None:
    """What the worker processes sum: two halves give the figures of the whole."""
    by = RelationKey(10, 18, "commitment", 6, 9, "actor", "by")
    about = RelationKey(10, 18, "commitment", 23, 29, "topic", "about")
    shifted = about._replace(child_start=24)
    whole, first, second = (RelationAgreement("ann", "bob") for _ in range(3))
    documents = [([by, about, about], [by]), ([about], [shifted, about])]
    for mine, theirs in documents:
        whole.add(mine, theirs)
    first.add(*documents[0])
    second.add(*documents[1])
    first.merge(second)
    assert first.result() == whole.result()
    overall = whole.result().overall
    # The same relation twice by one annotator counts once: ann 3, bob 3, matched 2.
    assert (overall.relations_a, overall.relations_b, overall.matched) == (3, 3, 2)


def test_worker_processes_give_the_same_relation_report(database: Path) -> None:
    serial = CliRunner().invoke(cli, ["agree", "--db", str(database), "--json", "--jobs", "1"])
    shared = CliRunner().invoke(cli, ["agree", "--db", str(database), "--json", "--jobs", "3"])
    assert serial.exit_code == shared.exit_code == 0
    assert shared.output == serial.output
    (pair,) = json.loads(shared.output)["pairs"]
    assert pair["relations"]["overall"]["matched"] == 3
    assert len(pair["doc_labels"]) == 3


def test_json_shape(database: Path) -> None:
    report = agree_json(database)
    assert set(report) == {"labels", "label_filter", "relation_labels", "doc_labels", "pairs"}
    (pair,) = report["pairs"]
    assert set(pair["relations"]) == {"overall", "labels"}
    fields = {"label", "relations_a", "relations_b", "matched", "precision", "recall", "f1"}
    assert set(pair["relations"]["overall"]) == fields
    assert all(set(row) == fields for row in pair["relations"]["labels"])
    assert all(set(row) == {"label", "documents", "documents_a", "documents_b", "both",
                            "observed", "kappa"} for row in pair["doc_labels"])


def test_without_relations_or_doc_labels(tmp_path: Path) -> None:
    """A corpus with spans only: empty relation and doc-label parts, the table as before."""
    path = tmp_path / "spans.db"
    conn = connect(path)
    document, _ = add_document(conn, LoadedText.from_text(FIRST, "/corpus/1.txt"))
    for annotator in ("ann", "bob"):
        spans(AnnotationStore(conn, document.id, annotator), FIRST, [(6, 9, "actor")])
    conn.close()
    report = agree_json(path)
    assert (report["relation_labels"], report["doc_labels"]) == ([], [])
    (pair,) = report["pairs"]
    assert pair["relations"]["labels"] == [] and pair["doc_labels"] == []
    overall = pair["relations"]["overall"]
    assert (overall["precision"], overall["recall"], overall["f1"]) == (None, None, None)
    table = CliRunner().invoke(cli, ["agree", "--db", str(path)]).output
    assert "relations" not in table and "document labels" not in table


def test_table(database: Path) -> None:
    result = CliRunner().invoke(cli, ["agree", "--db", str(database)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any("ann vs bob: relations, 6 documents" in line for line in lines)
    overall = [line for line in lines if "overall" in line][-1]
    cells = [cell.strip() for cell in overall.strip("│ ").split("│")]
    assert cells == ["overall", "5", "6", "3", "0.500", "0.600", "0.545"]
    assert any("ann vs bob: document labels, 6 documents" in line for line in lines)
    urgent = next(line for line in lines if "urgent" in line)
    cells = [cell.strip() for cell in urgent.strip("│ ").split("│")]
    assert cells == ["urgent", "1", "1", "0", "0.667", "-0.200"]


def test_hostile_labels_are_shown_not_run(tmp_path: Path) -> None:
    path = tmp_path / "hostile.db"
    conn = connect(path)
    document, _ = add_document(conn, LoadedText.from_text(FIRST, "/corpus/1.txt"))
    for annotator in ("ann", "bob"):
        store = AnnotationStore(conn, document.id, annotator)
        ana, promised = spans(store, FIRST, [(6, 9, "actor"), (10, 18, "commitment")])
        store.relate(promised.uid, ana.uid, "by\x1b[2J[bold]x[/bold]")
        store.toggle_doc_label("\x1b]0;pwned\x07[red]doc", multi=True)
    conn.close()
    table = CliRunner().invoke(cli, ["agree", "--db", str(path)], env={"COLUMNS": "200"})
    assert table.exit_code == 0, table.output
    assert "\x1b" not in table.output and "\x07" not in table.output
    assert "[bold]x[/bold]" in table.output and "[red]doc" in table.output
    raw = CliRunner().invoke(cli, ["agree", "--db", str(path), "--json"]).output
    assert "\x1b" not in raw and "\x07" not in raw
    report = json.loads(raw)
    assert report["relation_labels"] == ["by\x1b[2J[bold]x[/bold]"]
    assert report["doc_labels"] == ["\x1b]0;pwned\x07[red]doc"]
