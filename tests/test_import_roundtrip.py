"""Property: import -> export -> import -> export gives the same records, over text with
emoji ZWJ sequences, flags, CJK, combining marks, CRLF, lone CR and tabs."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import tricky_text

from reader.cli import cli

texts = tricky_text.filter(lambda text: text != "" and "\x00" not in text)


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    text = draw(texts)
    spans = []
    seen = set()
    for number in range(draw(st.integers(0, 4))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        label = draw(st.sampled_from(["PER", "LOC", "a label"]))
        annotator = draw(st.sampled_from(["alice", "bob"]))
        if (start, end, label, annotator) in seen:
            continue  # the same span twice is imported once, by design
        seen.add((start, end, label, annotator))
        spans.append({"id": f"u{number}-{start}-{end}", "start": start, "end": end,
                      "label": label, "annotator": annotator,
                      "note": draw(st.sampled_from(["", "a note", "line\r\nbreak"]))})
    return {"text": text, "spans": spans,
            "status": draw(st.sampled_from(["new", "in_progress", "done"]))}


def _export_after_import(source: Path, db: Path, *args: str) -> str:
    runner = CliRunner()
    imported = runner.invoke(cli, ["import", str(source), "--db", str(db), *args])
    assert imported.exit_code == 0, imported.output
    exported = runner.invoke(cli, ["export", "--db", str(db)])
    assert exported.exit_code == 0, exported.output
    return exported.stdout


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(records(), min_size=1, max_size=4, unique_by=lambda record: record["text"]))
def test_import_export_import_is_stable(batch: list[dict[str, Any]]) -> None:
    batch = [{**record, "spans": [{**span, "id": f"r{number}-{span['id']}"}
                                  for span in record["spans"]]}
             for number, record in enumerate(batch)]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        source = root / "in.jsonl"
        source.write_text("".join(json.dumps(r) + "\n" for r in batch), encoding="utf-8")
        first = _export_after_import(source, root / "one.db")
        for line in first.split("\n")[:-1]:
            record = json.loads(line)
            for span in record["spans"]:
                assert record["text"][span["start"]:span["end"]] == span["text"]
        wanted = {(r["text"], s["start"], s["end"], s["label"], s["annotator"], s["note"])
                  for r in batch for s in r["spans"]}
        got = {(r["text"], s["start"], s["end"], s["label"], s["annotator"], s["note"])
               for r in map(json.loads, first.split("\n")[:-1]) for s in r["spans"]}
        assert got == wanted
        again = root / "again.jsonl"
        again.write_text(first, encoding="utf-8")
        assert _export_after_import(again, root / "two.db") == first
        assert _export_after_import(again, root / "one.db") == first  # nothing added twice


@settings(max_examples=20, deadline=None)
@given(texts, st.data())
def test_doccano_utf16_round_trip(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        source = root / "in.jsonl"
        source.write_text(json.dumps({"text": text, "spans": [
            {"start": start, "end": end, "label": "X"}]}) + "\n", encoding="utf-8")
        _export_after_import(source, root / "one.db")
        doccano = CliRunner().invoke(cli, ["export", "--db", str(root / "one.db"),
                                           "--format", "doccano"]).stdout
        (root / "d.jsonl").write_text(doccano, encoding="utf-8")
        back = json.loads(_export_after_import(root / "d.jsonl", root / "two.db"))
        assert [(s["start"], s["end"]) for s in back["spans"]] == [(start, end)]
