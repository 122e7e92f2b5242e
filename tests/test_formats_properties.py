"""Properties of every export format over tricky text: what each consumer reads back is
exactly the stored text at the stored offsets, whatever the characters."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import tricky_text
from test_formats_golden import read_ann

from reader.cli import cli
from reader.text.tokens import tokenize

texts = tricky_text.filter(lambda text: text.strip() != "" and "\x00" not in text)


@st.composite
def corpus(draw: st.DrawFn) -> list[dict[str, Any]]:
    records = []
    for text in draw(st.lists(texts, min_size=1, max_size=3, unique=True)):
        spans = []
        for _ in range(draw(st.integers(0, 4))):
            start = draw(st.integers(0, len(text) - 1))
            end = draw(st.integers(start + 1, len(text)))
            spans.append({"start": start, "end": end,
                          "label": draw(st.sampled_from(["PER", "LOC", "two words"])),
                          "note": draw(st.sampled_from(["", "a\nnote"]))})
        records.append({"text": text, "spans": spans})
    return records


def _exports(records: list[dict[str, Any]], root: Path) -> tuple[list[dict[str, Any]], Path]:
    source = root / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    db = root / "db.sqlite"
    runner = CliRunner()
    assert runner.invoke(cli, ["import", str(source), "--db", str(db)]).exit_code == 0
    for fmt, name in (("brat", "brat"), ("conll", "out.conll"), ("prodigy", "p.jsonl"),
                      ("label-studio", "ls.json")):
        result = runner.invoke(cli, ["export", "--db", str(db), "--format", fmt, "-o",
                                     str(root / name)])
        assert result.exit_code == 0, result.output
    exported = runner.invoke(cli, ["export", "--db", str(db)]).stdout
    return [json.loads(line) for line in exported.split("\n")[:-1]], root


@settings(max_examples=25, deadline=None)
@given(corpus())
def test_every_format_reads_back_exactly(records: list[dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        documents, root = _exports(records, Path(folder))
        tasks = json.loads((root / "ls.json").read_text("utf-8"))
        prodigy = [json.loads(line) for line in
                   (root / "p.jsonl").read_text("utf-8").split("\n")[:-1]]
        for document, task, prodigy_task in zip(documents, tasks, prodigy, strict=True):
            text = document["text"]
            # brat: the .txt is the text, byte for byte; fragments hold no line break
            assert (root / "brat" / f"{document['id']}.txt").read_bytes() == text.encode()
            for _, pieces, shown in read_ann(
                    (root / "brat" / f"{document['id']}.ann").read_text("utf-8")):
                assert shown == " ".join(text[a:b] for a, b in pieces)
                assert all(text[a:b] and text[a:b].splitlines() == [text[a:b]]
                           for a, b in pieces)
            # Label Studio: every result's text is at its offsets
            assert task["data"]["text"] == text
            for annotation in task["annotations"]:
                for item in annotation["result"]:
                    value = item["value"]
                    assert text[value["start"]:value["end"]] == value["text"]
            # Prodigy: reader's tokens, with the whitespace laid out as spaCy does, so
            # the words and their `ws` rebuild the text exactly
            tokens = prodigy_task["tokens"]
            assert [(t["start"], t["end"]) for t in tokens if not t["text"].isspace()] == [
                (t.start, t.end) for t in tokenize(text)]
            assert "".join(t["text"] + " " * t["ws"] for t in tokens) == text
            assert all(text[t["start"]:t["end"]] == t["text"] for t in tokens)
        # CoNLL: the tokens of all documents, in order, none with whitespace, tags well formed
        lines = [line for line in (root / "out.conll").read_text("utf-8").split("\n")
                 if line and not line.startswith(("# newdoc id = ", "-DOCSTART- "))]
        pairs = [line.split("\t") for line in lines]
        assert [token for token, _ in pairs] == [
            t.text for d in documents for t in tokenize(d["text"])]
        assert all(tag == "O" or (tag[:2] in ("B-", "I-") and " " not in tag)
                   for _, tag in pairs)
