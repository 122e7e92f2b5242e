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
    # Unitizing alpha of PER, the two documents end to end (L = 49 + 20 = 69 code points):
    # ann's 0-5 matches bob's (distance 0), ann's 10-13 lies in bob's gap (3^2 = 9), so
    # D_o = 2 * 9 / (2 * 1 * 69^2). Units 5, 3 (ann) and 5 (bob), N = 3; gaps 5, 36, 20
    # (ann) and 44, 20 (bob: 5-49, and the second document, where nobody used PER).
    # Sum over units of (N-1)(2l^3-3l^2+l)/3 + l^2 * sum over gaps g >= l of (g-l+1):
    # 2 * (120 + 25 * 105) + (20 + 9 * 115) = 6545; D_e = 2 * 6545 / (69 * (2*69*137 - 46)).
    # alpha = 1 - D_o / D_e = 1 - 246/1309 = 1063/1309.
    assert labels["PER"]["alpha_u"] == pytest.approx(1063 / 1309)
    assert overall["alpha_u"] == pytest.approx(0.55381, abs=1e-5)
    first, second = pair["per_document"]
    assert first == {
        "document_id": first["document_id"], "title": "Alice met Bob in Paris on Monday.",
        "spans_a": 3, "spans_b": 4, "exact_f1": pytest.approx(2 / 7),
        "alpha_u": pytest.approx(0.54984, abs=1e-5),
        "only_a": 1, "only_b": 2, "label_mismatches": 1,
    }
    assert (second["title"], second["alpha_u"], second["exact_f1"]) == (
        "Nothing to see here.", None, None)
    assert pair["alpha_u_document_mean"] == first["alpha_u"]
    assert pair["alpha_u_left_out"] == 0
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
    assert cells == ["overall", "3", "4", "0.286", "0.571", "0.560", "0.554"]
    date = next(line for line in lines if "DATE" in line)
    assert "0.000" in date
    assert "disagreements ann vs bob: 4 in 1 of 2 documents" in result.output
    # The documents, worst agreement first: the one with disagreements, then the one both
    # marked done with no span (nothing to agree on: n/a, last).
    start = lines.index(next(line for line in lines if "documents by agreement" in line))
    assert "worst first (2 of 2)" in lines[start]
    rows = [line for line in lines[start:] if "Alice met" in line or "Nothing to" in line]
    assert [cells_of(row)[1:] for row in rows] == [
        ["Alice met Bob in Paris on Monday.", "0.550", "0.286", "1", "2", "1"],
        ["Nothing to see here.", "n/a", "n/a", "0", "0", "0"],
    ]
    assert lines[-1] == ("mean unitizing alpha over the 1 document with spans: 0.550 "
                         "(the overall row pools them instead)")


def cells_of(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip("│ ").split("│")]


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
    assert pair["overall"]["alpha_u"] == pair["per_document"][0]["alpha_u"] == 1.0


def test_documents_worst_agreement_first(tmp_path: Path) -> None:
    path = tmp_path / "three.db"
    conn = connect(path)
    texts = ["Ana met Bo in Rome today.", "Cy saw Di at Oslo again.", "Ed and Flo left Paris."]
    ids = [add_document(conn, LoadedText.from_text(text, f"/corpus/{index}.txt"))[0].id
           for index, text in enumerate(texts)]
    # Same spans in the first; one end a character off in the second; one span missed in
    # the third: worst is the third, then the second, then the first.
    annotate(conn, ids[0], "ann", [(0, 3, "PER"), (14, 18, "LOC")])
    annotate(conn, ids[0], "bob", [(0, 3, "PER"), (14, 18, "LOC")])
    annotate(conn, ids[1], "ann", [(0, 2, "PER"), (13, 17, "LOC")])
    annotate(conn, ids[1], "bob", [(0, 2, "PER"), (13, 18, "LOC")])
    annotate(conn, ids[2], "ann", [(0, 2, "PER"), (7, 10, "PER"), (16, 21, "LOC")])
    annotate(conn, ids[2], "bob", [(0, 2, "PER"), (16, 21, "LOC")])
    # Overlapping spans of one label by one annotator: alpha_U keeps the longer.
    annotate(conn, ids[0], "ann", [(0, 6, "PER")])
    annotate(conn, ids[0], "bob", [(0, 6, "PER")])
    conn.close()
    (pair,) = json.loads(agree("--db", str(path), "--json").output)["pairs"]
    titles = [row["title"] for row in pair["per_document"]]
    assert titles == [texts[2], texts[1], texts[0]]
    alphas = [row["alpha_u"] for row in pair["per_document"]]
    assert alphas[0] < alphas[1] < alphas[2] == 1.0
    assert pair["alpha_u_left_out"] == 2
    assert pair["alpha_u_document_mean"] == pytest.approx(sum(alphas) / 3)
    table = agree("--db", str(path), "--top", "1").output
    assert "documents by agreement, worst first (1 of 3)" in table
    assert texts[2] in table and texts[1] not in table
    assert ("unitizing alpha left out 2 spans overlapping a span of the same label by the "
            "same annotator") in table


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
