"""Golden files per export format over the tricky corpus, each also read back the way that
format's own consumers read it. Set READER_UPDATE_GOLDEN=1 to rewrite the golden files
(then review the diff)."""

from __future__ import annotations

import itertools
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from golden.corpus import GOLDEN, build

from reader.commands.export import export
from reader.text.tokens import tokenize

UPDATE = bool(os.environ.get("READER_UPDATE_GOLDEN"))


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("golden") / "golden.db"
    build(db).close()
    return db


def run_export(db: Path, out: Path, *args: str) -> Result:
    result = CliRunner().invoke(export, ["--db", str(db), "-o", str(out), *args])
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def check_golden(out: Path, name: str) -> None:
    golden = GOLDEN / name
    if UPDATE:
        if out.is_dir():
            shutil.rmtree(golden, ignore_errors=True)
            shutil.copytree(out, golden, ignore=shutil.ignore_patterns(".reader-export"))
        else:
            golden.write_bytes(out.read_bytes())
    if out.is_dir():
        written = [p for p in out.iterdir() if p.name != ".reader-export"]  # names a version
        assert sorted(p.name for p in written) == sorted(p.name for p in golden.iterdir())
        for path in written:
            assert path.read_bytes() == (golden / path.name).read_bytes(), path.name
    else:
        assert out.read_bytes() == golden.read_bytes()


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n")[:-1]]


def test_jsonl(corpus_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = run_export(corpus_db, out)
    check_golden(out, "export.jsonl")
    assert "exported 3 documents, 9 spans" in result.stderr
    records = read_jsonl(out)
    assert [r["status"] for r in records] == ["done", "in_progress", "new"]
    for record in records:
        assert list(record) == ["id", "text", "source", "sha256", "meta", "status", "spans",
                                "relations", "cats", "cats_by"]
        assert record["id"] == record["sha256"][:16]
        for span in record["spans"]:
            assert record["text"][span["start"]:span["end"]] == span["text"]
        spans = {span["id"]: span for span in record["spans"]}
        for relation in record["relations"]:  # both ends are spans of the record, one annotator
            assert {spans[relation["head"]]["annotator"], spans[relation["child"]]["annotator"]
                    } == {relation["annotator"]}
        assert set(record["cats"]) == set(record["cats_by"])
        assert all(score == 1.0 for score in record["cats"].values())
    one = records[0]
    assert [r["id"] for r in one["relations"]] == ["r-by", "r-about", "r-place"]  # not r-gone
    assert one["cats"] == {"mountains": 1.0, "relevant": 1.0}  # not irrelevant (0.0)
    assert one["cats_by"]["relevant"] == ["alice", "bob"]
    assert "\r\n" in one["text"] and "\t" in one["text"]
    assert "s-gone" not in {span["id"] for span in one["spans"]}  # deleted: not exported
    assert [s["start"] for s in one["spans"]] == sorted(s["start"] for s in one["spans"])
    # the same file is a Prodigy spans task: text, spans with start, end, label
    assert all({"start", "end", "label"} <= set(span) for span in one["spans"])


def test_jsonl_loads_with_pandas_and_datasets(corpus_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    run_export(corpus_db, out)
    pandas = pytest.importorskip("pandas")
    frame = pandas.read_json(out, lines=True, dtype=False)
    assert list(frame["text"]) == [r["text"] for r in read_jsonl(out)]
    datasets = pytest.importorskip("datasets")
    dataset = datasets.load_dataset("json", data_files=str(out), split="train")
    assert dataset[0]["spans"][0]["text"] == "Ararat"


def test_prodigy(corpus_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = run_export(corpus_db, out, "--format", "prodigy")
    check_golden(out, "export.prodigy.jsonl")
    assert "spans cut a token (token_start/token_end cover it whole): 1" in result.stderr
    for task in read_jsonl(out):
        text, tokens = task["text"], task["tokens"]
        assert [t["id"] for t in tokens] == list(range(len(tokens)))
        for token in tokens:
            assert text[token["start"]:token["end"]] == token["text"]
            assert token["ws"] == text.startswith(" ", token["end"])
        assert "".join(t["text"] + " " * t["ws"] for t in tokens) == text  # spaCy's layout
        for span in task["spans"]:
            first, last = tokens[span["token_start"]], tokens[span["token_end"]]
            assert first["start"] <= span["start"] < first["end"]
            assert last["start"] < span["end"] <= last["end"]
        # rel.manual: head and child are the tokens where the spans end
        spans = {(s["start"], s["end"], s["label"]): s for s in task["spans"]}
        for relation in task.get("relations", []):
            for end in ("head", "child"):
                described = relation[f"{end}_span"]
                span = spans[described["start"], described["end"], described["label"]]
                assert relation[end] == span["token_end"] == described["token_end"]
                assert described["token_start"] == span["token_start"]
    tasks = read_jsonl(out)
    assert [len(task.get("relations", [])) for task in tasks] == [3, 0, 0]
    assert [task.get("accept") for task in tasks] == [["mountains", "relevant"], ["news"], None]
    assert tasks[0]["options"] == [{"id": label, "text": label}
                                   for label in ("mountains", "news", "relevant")]


def _utf16_slice(text: str, start: int, end: int) -> str:
    return text.encode("utf-16-le")[start * 2:end * 2].decode("utf-16-le")


def doccano_spans(record: dict[str, Any]) -> list[tuple[int, int, str]]:
    if "label" in record:
        return [tuple(item) for item in record["label"]]
    return [(e["start_offset"], e["end_offset"], e["label"]) for e in record["entities"]]


def test_doccano_utf16_by_default(corpus_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    run_export(corpus_db, out, "--format", "doccano")
    check_golden(out, "export.doccano.jsonl")
    expected = read_jsonl(GOLDEN / "export.jsonl")
    for record, full in zip(read_jsonl(out), expected, strict=True):
        # the export holds relations: doccano's relation layout for every record
        assert set(record) == {"id", "text", "entities", "relations", "cats", "meta"}
        # doccano's browser front end slices with JavaScript (UTF-16) indices
        assert [_utf16_slice(record["text"], s, e) for s, e, _ in doccano_spans(record)] == [
            span["text"] for span in full["spans"]]
        entity_span = {e["id"]: span["id"] for e, span in zip(record["entities"], full["spans"],
                                                              strict=True)}
        assert [(entity_span[r["from_id"]], entity_span[r["to_id"]], r["type"])
                for r in record["relations"]] == [
            (r["head"], r["child"], r["label"]) for r in full["relations"]]
        assert record["cats"] == list(full["cats"])
    family = doccano_spans(read_jsonl(out)[0])
    assert (7, 15, "MISC") in family  # the ZWJ family is 5 code points, 8 UTF-16 units
    ids = [e["id"] for record in read_jsonl(out) for e in record["entities"]]
    assert len(ids) == len(set(ids))  # numbered through the file


def test_doccano_codepoints(corpus_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    run_export(corpus_db, out, "--format", "doccano", "--offsets", "codepoints")
    check_golden(out, "export.doccano-codepoints.jsonl")
    expected = read_jsonl(GOLDEN / "export.jsonl")
    for record, full in zip(read_jsonl(out), expected, strict=True):
        assert [record["text"][s:e] for s, e, _ in doccano_spans(record)] == [
            span["text"] for span in full["spans"]]


def test_doccano_without_relations_writes_sequence_labels(corpus_db: Path,
                                                          tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    run_export(corpus_db, out, "--format", "doccano", "--label", "MISC")
    records = read_jsonl(out)
    assert [set(record) for record in records] == [{"id", "text", "label", "cats", "meta"}] * 3
    assert [record["cats"] for record in records] == [["mountains", "relevant"], ["news"], []]
    assert records[0]["label"] == [[7, 15, "MISC"], [41, 46, "MISC"]]


def test_label_studio(corpus_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    run_export(corpus_db, out, "--format", "label-studio")
    check_golden(out, "export.label-studio.json")
    tasks = json.loads(out.read_text(encoding="utf-8"))
    assert len(tasks) == 3
    first = tasks[0]
    assert [a["reader_annotator"] for a in first["annotations"]] == ["alice", "bob"]
    for task in tasks:
        for annotation in task["annotations"]:
            regions = {item["id"]: item for item in annotation["result"]
                       if item["type"] == "labels"}
            for item in annotation["result"]:
                if item["type"] == "relation":  # between regions of the same annotation
                    assert item["from_id"] in regions and item["to_id"] in regions
                    assert item["direction"] == "right" and len(item["labels"]) == 1
                    continue
                if item["type"] == "choices":  # the whole document's labels
                    assert (item["from_name"], item["to_name"]) == ("doc_label", "text")
                    assert "start" not in item["value"]
                    continue
                assert (item["from_name"], item["to_name"], item["type"]) == (
                    "label", "text", "labels")
                value = item["value"]
                assert task["data"]["text"][value["start"]:value["end"]] == value["text"]
                assert len(value["labels"]) == 1
    notes = [i["meta"]["text"] for a in first["annotations"] for i in a["result"] if "meta" in i]
    assert notes == [["first mention\nof the mountain"]]
    kinds = [[item["type"] for item in a["result"]] for a in first["annotations"]]
    assert kinds[0].count("relation") == 2 and kinds[1].count("relation") == 1
    choices = {a["reader_annotator"]: item["value"]["choices"] for task in tasks
               for a in task["annotations"] for item in a["result"] if item["type"] == "choices"}
    assert choices == {"alice": ["mountains", "relevant"], "bob": ["relevant"],
                       "carol": ["news"]}


def test_conll(corpus_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.conll"
    result = run_export(corpus_db, out, "--format", "conll")
    check_golden(out, "export.conll")
    assert "overlapping spans left out (one tag per token)" in result.stderr
    content = out.read_text(encoding="utf-8")
    sentences = [block.splitlines() for block in content.split("\n\n") if block.strip()]
    starts = [line for sentence in sentences for line in sentence
              if line.startswith(("# newdoc id = ", "-DOCSTART-"))]
    corpus = read_jsonl(GOLDEN / "export.jsonl")
    assert starts == [line for r in corpus
                      for line in (f"# newdoc id = {r['id']}", "-DOCSTART- -X- O O")]
    tokens = [line.split("\t") for sentence in sentences for line in sentence
              if line not in starts]
    assert all(len(parts) == 2 and parts[0] and not any(c.isspace() for c in parts[0])
               for parts in tokens)
    assert [t for t, _ in tokens] == [t.text for r in corpus for t in tokenize(r["text"])]
    previous = "O"
    for _, tag in tokens:  # IOB2: every I- continues a B- or I- of the same label
        if tag.startswith("I-"):
            assert previous[2:] == tag[2:] and previous != "O"
        previous = tag
    assert ["Ararat", "B-ORG"] in tokens  # the longer of two spans starting together wins
    assert "relations (CoNLL has no place for them, left out): 3 (e.g. 492f754ab745e683)" in (
        result.stderr)
    assert ("document labels (CoNLL has no place for them, left out): 3 (e.g."
            " 492f754ab745e683, 3590ac9f3b77fab9)") in result.stderr


def read_ann(text: str) -> list[tuple[str, list[tuple[int, int]], str]]:
    """T lines as brat reads them: label, fragments, text."""
    spans = []
    for line in text.splitlines():
        if line.startswith("T"):
            _, middle, shown = line.split("\t", 2)
            label, _, offsets = middle.partition(" ")
            pieces = [(int(a), int(b)) for a, b in (part.split() for part in offsets.split(";"))]
            spans.append((label, pieces, shown))
    return spans


def test_brat(corpus_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "brat"
    result = run_export(corpus_db, out, "--format", "brat")
    check_golden(out, "export.brat")
    assert "notes with line breaks" in result.stderr
    corpus = read_jsonl(GOLDEN / "export.jsonl")
    for record in corpus:
        txt = (out / f"{record['id']}.txt").read_bytes()
        assert txt == record["text"].encode("utf-8")  # exact: CRLF and all
        text = txt.decode("utf-8")
        spans = read_ann((out / f"{record['id']}.ann").read_text(encoding="utf-8"))
        assert len(spans) == len(record["spans"])
        for _label, pieces, shown in spans:
            assert shown == " ".join(text[a:b] for a, b in pieces)
            assert all("\n" not in text[a:b] and "\r" not in text[a:b] for a, b in pieces)
    crossing = [s for s in read_ann((out / f"{corpus[0]['id']}.ann").read_text("utf-8"))
                if s[0] == "EVENT"]
    assert crossing[0][1] == [(13, 19), (21, 26)]  # "family" ; "lives", CRLF left out
    assert "AnnotatorNotes T" in (out / f"{corpus[0]['id']}.ann").read_text("utf-8")
    assert "[entities]" in (out / "annotation.conf").read_text("utf-8")
    # relations: Arg1 is the head, Arg2 the child, both T ids of the same file
    for record in corpus:
        ann = (out / f"{record['id']}.ann").read_text("utf-8")
        t_ids = {line.split("\t")[0]: read_ann(line)[0] for line in ann.splitlines()
                 if line.startswith("T")}
        spans = {span["id"]: span for span in record["spans"]}
        written = [line.split("\t")[1].split(" ") for line in ann.splitlines()
                   if line.startswith("R")]
        assert [(t_ids[head[5:]][0], label, t_ids[child[5:]][0])
                for label, head, child in written] == [
            (spans[r["head"]]["label"], r["label"].replace(" ", "_"),
             spans[r["child"]]["label"]) for r in record["relations"]]
    conf = (out / "annotation.conf").read_text("utf-8")
    relations = conf.split("[relations]\n")[1].split("\n\n")[0].splitlines()
    assert relations == ["about\tArg1:EVENT, Arg2:MISC", "by\tArg1:EVENT, Arg2:PER",
                         "took_place\tArg1:VERB, Arg2:LOC"]
    assert "relation labels with spaces (written with '_'): 1" in result.stderr
    assert ("document labels (brat has no place for them, left out): 3 (e.g."
            " 492f754ab745e683 mountains, relevant, 3590ac9f3b77fab9 news)") in result.stderr
    assert "exported 3 documents, 9 spans, 3 relations to" in result.stderr


def test_spacy_docbin(corpus_db: Path, tmp_path: Path) -> None:
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    out = tmp_path / "train.spacy"
    result = run_export(corpus_db, out, "--format", "spacy")
    nlp = spacy.blank("xx")
    docs = list(DocBin().from_disk(out).get_docs(nlp.vocab))
    corpus = read_jsonl(GOLDEN / "export.jsonl")
    assert [doc.text for doc in docs] == [r["text"] for r in corpus]
    for doc, record in zip(docs, corpus, strict=True):
        spans = doc.spans["sc"]
        assert len(spans) == len(record["spans"])  # none dropped
        for span, expected in zip(spans, record["spans"], strict=True):
            assert span.label_ == expected["label"]
            assert span.start_char <= expected["start"] and span.end_char >= expected["end"]
        ents = sorted((e.start, e.end) for e in doc.ents)
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(ents))
        assert doc.user_data["id"] == record["id"]
    assert "cut a spaCy token (widened to whole tokens)" in result.stderr
    assert "only in doc.spans['sc']" in result.stderr
    # document labels in doc.cats, 0.0 for the export's other labels once a document has one
    assert [doc.cats for doc in docs] == [
        {"mountains": 1.0, "news": 0.0, "relevant": 1.0},
        {"mountains": 0.0, "news": 1.0, "relevant": 0.0}, {}]
    # relations in user_data, by the exact character offsets of their spans
    for doc, record in zip(docs, corpus, strict=True):
        spans = {span["id"]: span for span in record["spans"]}
        assert [(r["id"], r["label"], r["annotator"], r["head"], r["child"])
                for r in doc.user_data["relations"]] == [
            (r["id"], r["label"], r["annotator"],
             {key: spans[r["head"]][key] for key in ("start", "end", "label")},
             {key: spans[r["child"]][key] for key in ("start", "end", "label")})
            for r in record["relations"]]
        assert {label: list(who) for label, who in doc.user_data["cats_by"].items()} == (
            record["cats_by"])  # msgpack gives tuples back
    by = docs[0].user_data["relations"][0]
    assert docs[0].text[by["head"]["start"]:by["head"]["end"]] == "family\r\nlives"
    assert "exported 3 documents, 9 spans, 3 relations, 3 document labels" in result.stderr


def read_table(path: Path, sep: str) -> Any:
    """The table as pandas reads it, every cell text (ids like 1e5 and labels like NA too)
    but the offsets."""
    pandas = pytest.importorskip("pandas")
    offsets = {f"{end}_{edge}": int for end in ("head", "child") for edge in ("start", "end")}
    return pandas.read_csv(path, sep=sep, dtype=offsets, keep_default_na=False,
                           converters={column: str for column in (
                               "document", "relation", "head_label", "head_text",
                               "child_label", "child_text", "annotator", "relation_id")})


@pytest.mark.parametrize(("name", "args", "sep"), [
    ("export.table.csv", (), ","), ("export.table.tsv", (), "\t"),
    ("export.table.csv", ("--table-sep", "comma"), ",")])
def test_table(corpus_db: Path, tmp_path: Path, name: str, args: tuple[str, ...],
               sep: str) -> None:
    out = tmp_path / name
    result = run_export(corpus_db, out, "--format", "table", *args)
    check_golden(out, name)
    assert ("exported 3 documents, 0 spans, 3 relations to" in result.stderr
            and "document labels left out (this format has no place for them): 3"
            in result.stderr)
    frame = read_table(out, sep)
    expected = []
    for record in read_jsonl(GOLDEN / "export.jsonl"):
        spans = {span["id"]: span for span in record["spans"]}
        for relation in record["relations"]:
            head, child = spans[relation["head"]], spans[relation["child"]]
            expected.append({
                "document": record["id"], "relation": relation["label"],
                "head_label": head["label"], "head_text": head["text"],
                "head_start": head["start"], "head_end": head["end"],
                "child_label": child["label"], "child_text": child["text"],
                "child_start": child["start"], "child_end": child["end"],
                "annotator": relation["annotator"], "relation_id": relation["id"]})
    assert frame.to_dict("records") == expected
    assert expected[0]["head_text"] == "family\r\nlives"  # a line break inside a cell


def test_table_separator_follows_the_option_over_the_suffix(corpus_db: Path,
                                                            tmp_path: Path) -> None:
    out = tmp_path / "relations.tsv"
    run_export(corpus_db, out, "--format", "table", "--table-sep", "comma")
    assert out.read_bytes() == (GOLDEN / "export.table.csv").read_bytes()
    result = CliRunner().invoke(export, ["--db", str(corpus_db), "--format", "table",
                                         "--table-sep", "tab"])
    assert result.stdout_bytes == (GOLDEN / "export.table.tsv").read_bytes()
