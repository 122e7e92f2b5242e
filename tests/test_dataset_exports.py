"""What researchers load the exports into, checked through the real libraries (spaCy,
pandas, Hugging Face datasets) on small corpora made for each promise: Prodigy tokens that
rebuild the text, overlaps doccano would drop, CoNLL document boundaries, one document id,
Label Studio tasks the SDK converts, and one rule for statuses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from reader.cli import cli
from reader.text.tokens import tokenize


def make_db(tmp_path: Path, records: list[dict[str, Any]], *args: str) -> Path:
    """A database holding `records` imported as reader's JSON Lines."""
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                      encoding="utf-8")
    db = tmp_path / "db.sqlite"
    result = CliRunner().invoke(cli, ["import", str(source), "--db", str(db), *args])
    assert result.exit_code == 0, result.output
    return db


def export(db: Path, out: Path, *args: str) -> Result:
    result = CliRunner().invoke(cli, ["export", "--db", str(db), "-o", str(out), *args])
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


WHITESPACE = [  # the three: CRLF, a line break and a tab, a no-break space
    {"text": "Ararat\r\nis high", "spans": [{"start": 0, "end": 6, "label": "LOC"},
                                            {"start": 8, "end": 15, "label": "X"}]},
    {"text": "one\n\ttwo  three ", "spans": [{"start": 5, "end": 8, "label": "N"}]},
    {"text": " 10\u00a0km\u00a0away", "spans": [{"start": 1, "end": 6, "label": "DIST"}]},
]


def test_prodigy_tokens_rebuild_every_text_in_spacy(tmp_path: Path) -> None:
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import Doc

    db = make_db(tmp_path, WHITESPACE)
    export(db, tmp_path / "p.jsonl", "--format", "prodigy")
    vocab = spacy.blank("xx").vocab
    for task, record in zip(read_jsonl(tmp_path / "p.jsonl"), WHITESPACE, strict=True):
        tokens = task["tokens"]
        doc = Doc(vocab, words=[t["text"] for t in tokens], spaces=[t["ws"] for t in tokens])
        assert doc.text == record["text"]
        assert [(t.idx, t.idx + len(t)) for t in doc] == [(t["start"], t["end"]) for t in tokens]
        for span in task["spans"]:
            made = doc.char_span(span["start"], span["end"], label=span["label"])
            assert made is not None, span
            assert (made.start, made.end - 1) == (span["token_start"], span["token_end"])


OVERLAPS = [
    {"text": "The mayor of São Paulo promised trucks", "id": "sp-1", "meta": {"year": 2024},
     "spans": [{"start": 4, "end": 22, "label": "actor"}, {"start": 13, "end": 22,
                                                            "label": "place"},
               {"start": 23, "end": 38, "label": "commitment"},
               {"start": 32, "end": 38, "label": "topic"}]},
    {"text": "No overlap here", "id": 7, "spans": [{"start": 0, "end": 2, "label": "x"}]},
]


def doccano_keeps(spans: list[list[Any]]) -> list[list[Any]]:
    """What a doccano project without overlapping spans keeps: a span is refused when it
    overlaps one already kept (doccano's SpanManager.can_annotate and Span.is_overlapping)."""
    kept: list[list[Any]] = []
    for start, end, label in spans:
        if not any(s <= start < e or s < end <= e or (start < s and e < end)
                   for s, e, _ in kept):
            kept.append([start, end, label])
    return kept


def test_doccano_says_which_spans_its_default_project_drops_and_keeps_ids(
        tmp_path: Path) -> None:
    db = make_db(tmp_path, OVERLAPS)
    result = export(db, tmp_path / "d.jsonl", "--format", "doccano")
    records = read_jsonl(tmp_path / "d.jsonl")
    dropped = sum(len(r["label"]) - len(doccano_keeps(r["label"])) for r in records)
    assert dropped == 2
    assert ("overlapping spans (a doccano project drops them on import unless 'Allow"
            " overlapping spans' is ticked in its settings): 2") in result.stderr
    # the id and meta travel with the record, and come back in with it
    assert records[0]["meta"]["year"] == 2024
    back = tmp_path / "back.sqlite"
    result = CliRunner().invoke(cli, ["import", str(tmp_path / "d.jsonl"), "--format",
                                      "doccano", "--db", str(back)])
    assert result.exit_code == 0, result.output
    export(back, tmp_path / "out.jsonl")
    assert [(r["id"], r["meta"]) for r in read_jsonl(tmp_path / "out.jsonl")] == [
        (r["id"], r["meta"]) for r in records]


def test_prodigy_reports_overlapping_spans(tmp_path: Path) -> None:
    result = export(make_db(tmp_path, OVERLAPS), tmp_path / "p.jsonl", "--format", "prodigy")
    assert "overlapping spans (Prodigy's ner recipes cannot show them; spans.manual can): 2" \
        in result.stderr


def conll_documents(text: str) -> list[tuple[str | None, list[list[str]]]]:
    """A CoNLL reader that honours document boundaries: (`# newdoc id`, token rows)."""
    documents: list[tuple[str | None, list[list[str]]]] = []
    name = None
    for line in text.splitlines():
        if line.startswith("# newdoc id = "):
            name = line.removeprefix("# newdoc id = ")
        elif line.startswith("-DOCSTART-"):
            documents.append((name, []))
            name = None
        elif line:
            documents[-1][1].append(line.split("\t"))
    return documents


def test_conll_marks_where_each_document_starts(tmp_path: Path) -> None:
    db = make_db(tmp_path, OVERLAPS + WHITESPACE)
    export(db, tmp_path / "json.jsonl")
    records = read_jsonl(tmp_path / "json.jsonl")
    export(db, tmp_path / "out.conll", "--format", "conll")
    documents = conll_documents((tmp_path / "out.conll").read_text("utf-8"))
    assert [name for name, _ in documents] == [str(r["id"]) for r in records]
    assert [[token for token, _ in rows] for _, rows in documents] == [
        [token.text for token in tokenize(r["text"])] for r in records]
    export(db, tmp_path / "none.conll", "--format", "conll", "--conll-docs", "none")
    assert "DOCSTART" not in (tmp_path / "none.conll").read_text("utf-8")


def test_spacy_convert_reads_one_doc_per_document(tmp_path: Path) -> None:
    pytest.importorskip("spacy")
    from spacy.training.converters import conll_ner_to_docs

    db = make_db(tmp_path, OVERLAPS + WHITESPACE)
    export(db, tmp_path / "out.conll", "--format", "conll", "--conll-docs", "docstart")
    docs = list(conll_ner_to_docs((tmp_path / "out.conll").read_text("utf-8")))
    assert [[(e.text, e.label_) for e in doc.ents] for doc in docs] == [
        [("mayor of São Paulo", "actor"), ("promised trucks", "commitment")], [("No", "x")],
        [("Ararat", "LOC"), ("is high", "X")], [("two", "N")], [("10 km", "DIST")]]


def ls_converter_items(tasks: list[dict[str, Any]], schema: dict[str, str]
                       ) -> list[dict[str, Any]]:
    """What label-studio-sdk's `Converter.iter_from_json_file` yields for a JSON array of
    tasks (its `annotation_result_from_task` and `get_data`, for the fields a text project
    uses): per task and not cancelled annotation, the task's `id`, its `data` and the results
    of the schema's control tags as `{from_name: [value + type]}`."""
    items = []
    for task in tasks:
        annotations = task["annotations"] if "annotations" in task else task["completions"]
        if not annotations:
            items.append({"id": task["id"], "input": task["data"], "output": {}})
        annotations = [a for a in annotations
                       if not (a.get("skipped", False) or a.get("was_cancelled", False))]
        for annotation in sorted(annotations, key=lambda a: a.get("created_at", 0),
                                 reverse=True):
            output: dict[str, list[dict[str, Any]]] = {}
            for result in annotation.get("result") or []:
                if result.get("from_name") in schema:
                    value = {**result["value"], "type": schema[result["from_name"]]}
                    output.setdefault(result["from_name"], []).append(value)
            items.append({"id": task["id"], "input": task["data"], "output": output})
    return items


def test_label_studio_tasks_have_ids_the_sdk_converter_keys_on(tmp_path: Path) -> None:
    db = make_db(tmp_path, OVERLAPS + WHITESPACE)
    export(db, tmp_path / "json.jsonl")
    records = read_jsonl(tmp_path / "json.jsonl")
    export(db, tmp_path / "ls.json", "--format", "label-studio")
    tasks = json.loads((tmp_path / "ls.json").read_text("utf-8"))
    assert [task["id"] for task in tasks] == [r["id"] for r in records]
    items = ls_converter_items(tasks, {"label": "Labels"})
    assert [(item["id"], [(v["start"], v["end"], v["labels"][0])
                          for v in item["output"]["label"]]) for item in items] == [
        (r["id"], [(s["start"], s["end"], s["label"]) for s in r["spans"]]) for r in records]


def test_label_studio_predictions_carry_a_model_version(tmp_path: Path) -> None:
    db = make_db(tmp_path, OVERLAPS, "--annotator", "ner-model")
    export(db, tmp_path / "p.json", "--format", "label-studio", "--as", "predictions",
           "--model-version", "ner-2024-05")
    tasks = json.loads((tmp_path / "p.json").read_text("utf-8"))
    assert all("annotations" not in task for task in tasks)
    predictions = [prediction for task in tasks for prediction in task["predictions"]]
    assert [p["model_version"] for p in predictions] == ["ner-2024-05"] * 2
    assert [len(p["result"]) for p in predictions] == [4, 1]
    export(db, tmp_path / "q.json", "--format", "label-studio", "--as", "predictions")
    tasks = json.loads((tmp_path / "q.json").read_text("utf-8"))
    assert {p["model_version"] for task in tasks for p in task["predictions"]} == {"ner-model"}
    # and they come back in as that annotator's spans
    back = tmp_path / "back.sqlite"
    result = CliRunner().invoke(cli, ["import", str(tmp_path / "p.json"), "--db", str(back)])
    assert result.exit_code == 0, result.output
    export(back, tmp_path / "again.jsonl")
    assert [[(s["start"], s["end"], s["label"], s["annotator"]) for s in r["spans"]]
            for r in read_jsonl(tmp_path / "again.jsonl")] == [
        [(s["start"], s["end"], s["label"], "ner-model") for s in r["spans"]]
        for r in OVERLAPS]


def test_the_library_and_the_export_give_a_document_one_status(tmp_path: Path) -> None:
    from reader.store.database import connect
    from reader.store.documents import set_status
    from reader.store.library import library_rows

    records = [{"text": "spans, never opened", "spans": [{"start": 0, "end": 5, "label": "x"}]},
               {"text": "a document label only", "cats": {"relevant": 1.0}},
               {"text": "nothing at all"}, {"text": "done", "status": "done"},
               {"text": "someone else's spans",
                "spans": [{"start": 0, "end": 7, "label": "x", "annotator": "bob"}]}]
    db = make_db(tmp_path, records, "--annotator", "alice")
    conn = connect(db)
    set_status(conn, library_rows(conn, "alice")[2].id, "bob", "done")  # not alice's
    shown = [row.status for row in library_rows(conn, "alice")]
    conn.close()
    export(db, tmp_path / "alice.jsonl", "--annotator", "alice")
    assert shown == [r["status"] for r in read_jsonl(tmp_path / "alice.jsonl")] == [
        "in_progress", "in_progress", "new", "done", "new"]


IDS = [  # the dataset's own ids: a string, an integer, one given twice, and none
    {"text": "Alice met Bob.", "id": "news-1",
     "spans": [{"start": 0, "end": 5, "label": "PER", "annotator": "ann"},
               {"start": 10, "end": 13, "label": "PER", "annotator": "ann"},
               {"start": 0, "end": 5, "label": "LOC", "annotator": "bob"}]},
    {"text": "Carol left.", "id": 7,
     "spans": [{"start": 0, "end": 5, "label": "PER", "annotator": "ann"},
               {"start": 0, "end": 5, "label": "LOC", "annotator": "bob"}]},
    {"text": "Same id once.", "id": "dup"}, {"text": "Same id twice.", "id": "dup"},
    {"text": "No id at all.", "spans": [{"start": 0, "end": 2, "label": "X", "annotator": "bob"},
                                        {"start": 3, "end": 5, "label": "X", "annotator": "ann"}]},
    {"text": "A path for an id.", "id": "../etc/passwd"},
]


def test_one_public_id_in_every_export_and_in_agree(tmp_path: Path) -> None:
    db = make_db(tmp_path, IDS)
    export(db, tmp_path / "all.jsonl")
    records = read_jsonl(tmp_path / "all.jsonl")
    ids = [r["id"] for r in records]
    hashes = [r["sha256"][:16] for r in records]
    # the dataset's ids as they came (an integer stays one); a shared one names no document
    assert ids == ["news-1", 7, hashes[2], hashes[3], hashes[4], "../etc/passwd"]
    assert [r["meta"].get("import_id") for r in records] == [
        "news-1", 7, "dup", "dup", None, "../etc/passwd"]  # where it came from stays too
    # every format names the documents the same way
    export(db, tmp_path / "ls.json", "--format", "label-studio")
    tasks = json.loads((tmp_path / "ls.json").read_text("utf-8"))
    assert [t["id"] for t in tasks] == [t["data"]["id"] for t in tasks] == ids
    for fmt in ("prodigy", "doccano"):
        export(db, tmp_path / f"{fmt}.jsonl", "--format", fmt)
        assert [r["id"] for r in read_jsonl(tmp_path / f"{fmt}.jsonl")] == ids
    result = export(db, tmp_path / "brat", "--format", "brat")
    assert sorted(p.stem for p in (tmp_path / "brat").glob("*.txt")) == sorted(
        [*map(str, ids[:5]), hashes[5]])  # a path is no file name: the hash names it
    assert "document ids that make no safe, unique file name" in result.stderr
    # and `reader agree` cites documents by the same ids
    result = CliRunner().invoke(cli, ["agree", "--json", "--db", str(db)])
    assert result.exit_code == 0, result.output
    cited = [d["document_id"] for pair in json.loads(result.stdout)["pairs"]
             for d in pair["disagreements"]["documents"]]
    assert cited == ["news-1", 7, hashes[4]]
    table = CliRunner().invoke(cli, ["agree", "--db", str(db)]).stdout
    assert "news-1" in table and hashes[4] in table
