"""`reader suggest`, `reader import --as-suggestions` and the suggestions in `reader stats`:
idempotent, transactional (a failed or interrupted run writes nothing), every bad file a
one-line error naming FILE:LINE with the database untouched."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import reader.suggest.sources as sources_module
from reader.cli import cli
from reader.errors import ReaderError
from reader.store.annotations import AnnotationStore
from reader.store.database import connect
from reader.store.documents import add_document
from reader.suggest.record import Suggestion
from reader.text.loading import LoadedText

TEXTS = [
    "Sergey Lavrov met Ararat Mirzoyan in Moscow.\r\nLavrov said the CSTO would act.",
    "Mirzoyan replied; the CSTO minister was silent. 東京 was not mentioned.",
    "Nothing to see here.",
]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "corpus.db"
    conn = connect(path)
    for number, text in enumerate(TEXTS):
        add_document(conn, LoadedText.from_text(text, f"/corpus/{number}.txt"))
    AnnotationStore(conn, 1, "ann").create(25, 33, "actor", "Mirzoyan")
    conn.close()
    return path


@pytest.fixture
def patterns(tmp_path: Path) -> Path:
    path = tmp_path / "actors.jsonl"
    path.write_text("\n".join(json.dumps(record) for record in [
        {"label": "actor", "pattern": "Sergey Lavrov"},
        {"label": "actor", "pattern": "CSTO"},
        {"label": "topic", "pattern": "東京"},
        {"label": "actor", "pattern": [{"lower": "minister"}]},
    ]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def gazetteer(tmp_path: Path) -> Path:
    path = tmp_path / "names.tsv"
    path.write_text("Lavrov\tactor\nMoscow\ttopic\n", encoding="utf-8")
    return path


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def suggestions(db: Path) -> list[tuple[int, str, str, str]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT document_id, text, label, source FROM suggestions"
                            " ORDER BY document_id, start, source").fetchall()
    finally:
        conn.close()


def test_suggest_is_idempotent(db: Path, patterns: Path, gazetteer: Path) -> None:
    args = ("suggest", "--db", str(db), "--patterns", str(patterns), "--gazetteer",
            str(gazetteer), "--from-annotations")
    first = run(*args)
    assert first.exit_code == 0, first.output
    assert "reader: 9 new suggestions (1 already present or annotated)" in first.stderr
    found = suggestions(db)
    assert found == [
        (1, "Sergey Lavrov", "actor", "patterns:actors.jsonl"),
        (1, "Lavrov", "actor", "gazetteer:names.tsv"),  # another source: both are kept
        (1, "Moscow", "topic", "gazetteer:names.tsv"),
        (1, "Lavrov", "actor", "gazetteer:names.tsv"),
        (1, "CSTO", "actor", "patterns:actors.jsonl"),
        (2, "Mirzoyan", "actor", "learned"),
        (2, "CSTO", "actor", "patterns:actors.jsonl"),
        (2, "minister", "actor", "patterns:actors.jsonl"),  # a token pattern (spaCy)
        (2, "東京", "topic", "patterns:actors.jsonl"),
    ]
    # the already-annotated "Mirzoyan" of document 1 is not a suggestion
    assert (1, "Mirzoyan", "actor", "learned") not in found
    again = run(*args)
    assert again.exit_code == 0 and "reader: 0 new suggestions" in again.stderr
    assert suggestions(db) == found


def test_an_interrupted_or_failed_run_writes_nothing(
        db: Path, gazetteer: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = sources_module.suggest_all
    calls = []

    def interrupted(*args: object, **kwargs: object) -> list[Suggestion]:
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sources_module, "suggest_all", interrupted)
    result = run("suggest", "--db", str(db), "--gazetteer", str(gazetteer))
    assert isinstance(result.exception, KeyboardInterrupt) or result.exit_code != 0
    assert len(calls) == 3 and suggestions(db) == []
    monkeypatch.setattr(sources_module, "suggest_all", real)
    assert run("suggest", "--db", str(db), "--gazetteer", str(gazetteer)).exit_code == 0
    assert len(suggestions(db)) == 3


@pytest.mark.parametrize(("content", "message"), [
    ('{"label": "actor", "pattern": "x"}\n{"label": "actor"', r"actors\.jsonl:2: invalid JSON"),
    ('{"label": "person", "pattern": "x"}\n', r"actors\.jsonl:1: label 'person' is not"),
])
def test_bad_files_are_one_line_and_touch_nothing(db: Path, patterns: Path, content: str,
                                                  message: str) -> None:
    patterns.write_text(content, encoding="utf-8")
    before = db.read_bytes()
    result = run("suggest", "--db", str(db), "--patterns", str(patterns))
    assert isinstance(result.exception, ReaderError)
    assert "\n" not in str(result.exception)
    import re

    assert re.search(message, str(result.exception))
    assert db.read_bytes() == before


def test_choosing_documents_and_refusing_nonsense(db: Path, gazetteer: Path,
                                                  patterns: Path) -> None:
    """The patterns match in documents 1 and 2; only document 1 has a span."""
    result = run("suggest", "--db", str(db), "--patterns", str(patterns),
                 "--status", "in_progress")
    assert result.exit_code == 0 and {row[0] for row in suggestions(db)} == {1}
    second = LoadedText.from_text(TEXTS[1], "/corpus/1.txt").sha256[:16]  # as exported
    result = run("suggest", "--db", str(db), "--patterns", str(patterns),
                 "--document", second)
    assert result.exit_code == 0 and {row[0] for row in suggestions(db)} == {1, 2}
    for args, message in [
        ((), "nothing to suggest from"),
        (("--gazetteer", str(gazetteer), "--document", "0123abc"), "no document '0123abc'"),
        (("--gazetteer", str(gazetteer), "--annotator", "x"),
         "--annotator goes with --from-annotations"),
    ]:
        failed = run("suggest", "--db", str(db), *args)
        assert isinstance(failed.exception, ReaderError)
        assert message in str(failed.exception)


def test_model_suggestions_through_the_command(db: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    spacy = pytest.importorskip("spacy")
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns([
        {"label": "PERSON", "pattern": "Sergey Lavrov"}, {"label": "GPE", "pattern": "Moscow"},
        {"label": "ORG", "pattern": "CSTO"}])
    nlp.to_disk(tmp_path / "ner")
    config = tmp_path / "reader.toml"
    config.write_text('[model_labels]\nactor = ["PERSON", "ORG"]\n', encoding="utf-8")
    monkeypatch.setenv("READER_CONFIG", str(config))
    result = run("suggest", "--db", str(db), "--model", str(tmp_path / "ner"))
    assert result.exit_code == 0, result.output
    assert suggestions(db) == [(1, "Sergey Lavrov", "actor", "model:ner"),
                               (1, "CSTO", "actor", "model:ner"),
                               (2, "CSTO", "actor", "model:ner")]  # GPE is not mapped


def test_imported_predictions_are_suggestions_not_annotations(db: Path, tmp_path: Path) -> None:
    predictions = tmp_path / "preds.jsonl"
    new_text = "Nikol Pashinyan spoke."
    predictions.write_text("\n".join(json.dumps(record) for record in [
        {"text": TEXTS[0], "spans": [{"start": 0, "end": 13, "label": "actor"},
                                     {"start": 37, "end": 43, "label": "topic"}]},
        {"text": new_text, "spans": [{"start": 0, "end": 15, "label": "actor"}]},
    ]) + "\n", encoding="utf-8")
    args = ("import", str(predictions), "--db", str(db), "--as-suggestions",
            "--source", "model-v3")
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert "1 new document" in result.stderr and "3 new suggestions" in result.stderr
    assert suggestions(db) == [(1, "Sergey Lavrov", "actor", "model-v3"),
                               (1, "Moscow", "topic", "model-v3"),
                               (4, "Nikol Pashinyan", "actor", "model-v3")]
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM annotations").fetchone() == (1,)
    conn.close()
    again = run(*args)
    assert again.exit_code == 0 and "0 new suggestions" in again.stderr
    assert len(suggestions(db)) == 3
    refused = run("import", str(predictions), "--db", str(db), "--source", "x")
    assert isinstance(refused.exception, ReaderError)


def test_document_takes_a_datasets_own_id_as_assign_and_export_write_it(
        tmp_path: Path, patterns: Path) -> None:
    """`--document art-2` (the id the imported dataset gave it, which exports write) picks
    that document, as in `reader assign`: suggest once knew only text-hash prefixes."""
    dataset = tmp_path / "corpus.jsonl"
    dataset.write_text("".join(json.dumps({"id": f"art-{number}", "text": text}) + "\n"
                               for number, text in enumerate(TEXTS)), encoding="utf-8")
    db = tmp_path / "imported.db"
    assert run("import", str(dataset), "--db", str(db)).exit_code == 0
    result = run("suggest", "--db", str(db), "--patterns", str(patterns),
                 "--document", "art-1")
    assert result.exit_code == 0, result.output
    assert {row[0] for row in suggestions(db)} == {2}  # the second document's row id


def test_stats_report_each_source_as_the_annotators_judged_it(db: Path, patterns: Path,
                                                              gazetteer: Path) -> None:
    run("suggest", "--db", str(db), "--patterns", str(patterns), "--gazetteer", str(gazetteer))
    conn = connect(db)
    store = AnnotationStore(conn, 1, "ann")
    text = TEXTS[0]
    store.accept_suggestion(Suggestion(1, 0, 13, "actor", "patterns:actors.jsonl"), text)
    store.reject_suggestion(Suggestion(1, 62, 66, "actor", "patterns:actors.jsonl"), text)
    store.accept_suggestion(Suggestion(1, 37, 43, "topic", "gazetteer:names.tsv"), text)
    conn.close()
    result = run("stats", "--db", str(db), "--json")
    assert json.loads(result.stdout)["suggestions"] == {
        "gazetteer:names.tsv": {"total": 3, "accepted": 1, "rejected": 0, "pending": 2},
        "patterns:actors.jsonl": {"total": 5, "accepted": 1, "rejected": 1, "pending": 3},
    }
    lines = run("stats", "--db", str(db)).stdout.splitlines()
    at = next(index for index, line in enumerate(lines) if line.startswith("suggestions:"))
    assert lines[at].startswith("suggestions: 8")
    assert lines[at + 1].split() == ["gazetteer:names.tsv", "1", "0", "2", "precision", "100%"]
    assert lines[at + 2].split() == ["patterns:actors.jsonl", "1", "1", "3", "precision", "50%"]
    assert lines[at + 3] == "assignments: none"
    assert json.loads(result.stdout)["spans"]["total"] == 3  # pending ones are not spans
