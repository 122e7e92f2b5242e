"""`reader agree` over a small database built with the store API: the table, the JSON, the
pair and label choices, the documents that count, and the one-line errors."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from installed import reader_command

from reader.cli import cli
from reader.errors import ReaderError
from reader.store.annotations import AnnotationStore
from reader.store.database import connect
from reader.store.documents import add_document, set_status
from reader.text.loading import LoadedText

# The worked example of test_agreement.py, split the same way over two documents.
FIRST = "Alice met Bob in Paris on Monday.\nThen they left."
SECOND = "Nothing to see here."
ONLY_ANN_READ = "A document only ann annotated: Carol."


def annotate(conn, document_id: int, annotator: str, spans) -> None:  # type: ignore[no-untyped-def]
    store = AnnotationStore(conn, document_id, annotator)
    text = conn.execute("SELECT text FROM documents WHERE id = ?", (document_id,)).fetchone()[0]
    for start, end, label in spans:
        store.create(start, end, label, text[start:end])


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "team.db"
    conn = connect(path)
    first, _ = add_document(conn, LoadedText.from_text(FIRST, "/corpus/first.txt"))
    second, _ = add_document(conn, LoadedText.from_text(SECOND, "/corpus/second.txt"))
    third, _ = add_document(conn, LoadedText.from_text(ONLY_ANN_READ, "/corpus/third.txt"))
    annotate(conn, first.id, "ann", [(0, 5, "PER"), (10, 13, "PER"), (17, 22, "LOC")])
    annotate(conn, first.id, "bob", [(0, 5, "PER"), (10, 13, "LOC"), (17, 25, "LOC"),
                                     (26, 32, "DATE")])
    # A deleted span does not count.
    store = AnnotationStore(conn, first.id, "bob")
    store.delete(store.create(44, 48, "LOC", "left").uid)
    # Both read the second document and found nothing: it counts, with its 5 tokens.
    set_status(conn, second.id, "ann", "done")
    set_status(conn, second.id, "bob", "done")
    # Only ann annotated the third: it does not count for the pair.
    annotate(conn, third.id, "ann", [(31, 36, "PER")])
    conn.close()
    return path


def agree(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["agree", *args], catch_exceptions=True)


def test_json_figures(database: Path) -> None:
    result = agree("--db", str(database), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    (pair,) = report["pairs"]
    assert (pair["annotator_a"], pair["annotator_b"]) == ("ann", "bob")
    assert (pair["documents"], pair["tokens"]) == (2, 17)
    overall = pair["overall"]
    assert overall["exact_f1"] == pytest.approx(2 / 7)
    assert overall["partial_f1"] == pytest.approx(4 / 7)
    assert overall["kappa"] == pytest.approx(65 / 116)
    labels = {row["label"]: row for row in pair["labels"]}
    assert sorted(labels) == ["DATE", "LOC", "PER"]
    assert labels["PER"]["kappa"] == pytest.approx(30 / 47)
    disagreements = pair["disagreements"]
    assert (disagreements["only_a"], disagreements["only_b"],
            disagreements["label_mismatches"]) == (1, 2, 1)
    (document,) = disagreements["documents"]
    assert document["title"] == "Alice met Bob in Paris on Monday."
    assert document["label_mismatches"] == [
        {"start": 10, "end": 13, "label_a": "PER", "label_b": "LOC", "text": "Bob"}
    ]


def test_table(database: Path) -> None:
    result = agree("--db", str(database))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "ann vs bob: 2 documents, 17 tokens" in lines[0]
    overall = next(line for line in lines if "overall" in line)
    cells = [cell.strip() for cell in overall.strip("│ ").split("│")]
    assert cells == ["overall", "3", "4", "0.286", "0.571", "0.560"]
    date = next(line for line in lines if "DATE" in line)
    assert "0.000" in date
    assert "disagreements ann vs bob: 4 in 1 of 2 documents" in result.output
    assert "Alice met Bob in Paris" in result.output


def test_label_filter(database: Path) -> None:
    result = agree("--db", str(database), "--json", "--label", "PER", "--label", "TIME")
    (pair,) = json.loads(result.output)["pairs"]
    assert [row["label"] for row in pair["labels"]] == ["PER", "TIME"]
    time_row = pair["labels"][1]
    assert (time_row["exact_f1"], time_row["partial_f1"], time_row["kappa"]) == (None, None, None)
    # Only PER spans: ann 2, bob 1, one shared.
    assert pair["overall"]["exact_f1"] == pytest.approx(2 / 3)
    assert agree("--db", str(database), "--label", "TIME").exit_code == 0


def test_every_pair_without_annotators(database: Path) -> None:
    conn = connect(database)
    annotate(conn, 1, "cy", [(0, 5, "PER")])
    conn.close()
    report = json.loads(agree("--db", str(database), "--json").output)
    pairs = [(p["annotator_a"], p["annotator_b"], p["documents"]) for p in report["pairs"]]
    assert pairs == [("ann", "bob", 2), ("ann", "cy", 1), ("bob", "cy", 1)]
    chosen = json.loads(agree("--db", str(database), "--json", "--annotators", "cy,ann").output)
    assert [(p["annotator_a"], p["annotator_b"]) for p in chosen["pairs"]] == [("cy", "ann")]


def test_identical_annotators_agree_fully(tmp_path: Path) -> None:
    path = tmp_path / "same.db"
    conn = connect(path)
    document, _ = add_document(conn, LoadedText.from_text(FIRST, "/corpus/first.txt"))
    for annotator in ("ann", "bob"):
        annotate(conn, document.id, annotator, [(0, 5, "PER"), (17, 22, "LOC")])
    conn.close()
    result = agree("--db", str(path))
    assert "no disagreements between ann and bob" in result.output
    (pair,) = json.loads(agree("--db", str(path), "--json").output)["pairs"]
    assert (pair["overall"]["exact_f1"], pair["overall"]["kappa"]) == (1.0, 1.0)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--annotators", "ann"], "--annotators needs at least two names"),
        (["--annotators", ","], "--annotators needs at least two names"),
        (["--annotators", "ann,zed"], "no annotations by zed"),
    ],
)
def test_bad_annotators(database: Path, args: list[str], message: str) -> None:
    result = agree("--db", str(database), *args)
    assert result.exit_code != 0
    assert isinstance(result.exception, ReaderError)
    assert message in str(result.exception)


def test_fewer_than_two_annotators(tmp_path: Path) -> None:
    path = tmp_path / "alone.db"
    conn = connect(path)
    document, _ = add_document(conn, LoadedText.from_text(FIRST, "/corpus/first.txt"))
    annotate(conn, document.id, "ann", [(0, 5, "PER")])
    conn.close()
    result = agree("--db", str(path))
    assert isinstance(result.exception, ReaderError)
    assert str(result.exception) == (
        "agreement needs at least two annotators; the database has 1: ann"
    )


def test_no_common_document(tmp_path: Path) -> None:
    path = tmp_path / "apart.db"
    conn = connect(path)
    first, _ = add_document(conn, LoadedText.from_text(FIRST, "/corpus/first.txt"))
    second, _ = add_document(conn, LoadedText.from_text(SECOND, "/corpus/second.txt"))
    annotate(conn, first.id, "ann", [(0, 5, "PER")])
    annotate(conn, second.id, "bob", [(0, 7, "PER")])
    conn.close()
    result = agree("--db", str(path))
    assert str(result.exception) == "no two annotators annotated a common document"
    chosen = agree("--db", str(path), "--annotators", "ann,bob")
    assert str(chosen.exception) == "no two of ann, bob annotated a common document"


def test_missing_database_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "absent.db"
    result = agree("--db", str(path))
    assert "does not exist (nothing imported or annotated yet)" in str(result.exception)
    assert not path.exists()


def test_installed_reader_agree(database: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [*reader_command(), "agree", "--db", str(database), "--json"],
        capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["pairs"][0]["overall"]["kappa"] == pytest.approx(65 / 116)
    alone = subprocess.run(
        [*reader_command(), "agree", "--db", str(database), "--annotators", "ann"],
        capture_output=True, text=True,
    )
    assert alone.returncode == 1
    assert alone.stderr.startswith("reader: error: --annotators needs at least two names")
    assert alone.stderr.count("\n") == 1


def test_worker_processes_give_the_same_report(tmp_path: Path) -> None:
    import random

    rng = random.Random(7)
    path = tmp_path / "many.db"
    conn = connect(path)
    words = ["Mirzoyan", "met", "Lavrov", "in", "Moscow", ",", "東京", "👩‍👩‍👧", "e\u0301t\u00e9"]
    for index in range(12):
        text = " ".join(rng.choice(words) for _ in range(30))
        document, _ = add_document(conn, LoadedText.from_text(text, f"/corpus/{index}.txt"))
        for annotator in ("ann", "bob", "cy"):
            spans = []
            for _ in range(rng.randint(0, 6)):
                start = rng.randrange(len(text) - 1)
                spans.append((start, rng.randint(start + 1, len(text)), rng.choice("XYZ")))
            if spans:
                annotate(conn, document.id, annotator, spans)
            else:
                set_status(conn, document.id, annotator, "done")
    conn.close()
    serial = agree("--db", str(path), "--json", "--jobs", "1")
    shared = agree("--db", str(path), "--json", "--jobs", "3")
    assert serial.exit_code == shared.exit_code == 0
    report = json.loads(serial.output)
    assert len(report["pairs"]) == 3 and report["pairs"][0]["documents"] == 12
    assert shared.output == serial.output
    from reader.team.annotated import run_agreement

    conn = connect(path)
    try:
        assert run_agreement(conn, jobs=3).processes == 3  # the workers really ran
    finally:
        conn.close()
