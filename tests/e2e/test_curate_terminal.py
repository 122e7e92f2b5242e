"""Curation in a real terminal: `reader curate` accepts what two annotators agree on, then
the curation screen shows the rest; a choice and a rejection are on disk when it quits,
and `reader export --annotator gold` writes the gold layer with its provenance."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

TEXT = "Ararat Mirzoyan met Sergey Lavrov in Moscow."


def span(phrase: str, label: str, who: str) -> dict[str, object]:
    start = TEXT.index(phrase)
    return {"start": start, "end": start + len(phrase), "label": label, "annotator": who}


def test_curate_accepts_then_the_screen_decides(terminal, installed_reader: Path,
                                                 reader_env: dict[str, str],
                                                 tmp_path: Path) -> None:
    corpus = tmp_path / "team.jsonl"
    corpus.write_text(json.dumps({"id": "doc-1", "text": TEXT, "spans": [
        span("Ararat Mirzoyan", "actor", "alice"), span("Ararat Mirzoyan", "actor", "bob"),
        span("Sergey Lavrov", "actor", "alice"), span("Sergey Lavrov", "topic", "bob"),
        span("Moscow", "topic", "alice")]}) + "\n", encoding="utf-8")

    def reader(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(installed_reader), *args], env=reader_env, text=True,
                              capture_output=True, timeout=60, check=True)

    reader("import", str(corpus))
    terminal.run("curate", "--annotators", "alice,bob", "--curator", "carol")
    terminal.wait_for("disagreement 1 of 2")
    terminal.wait_for("“Sergey Lavrov”")
    terminal.send_keys("l", "Enter")  # bob's topic
    terminal.wait_for("disagreement 2 of 2")
    terminal.wait_for("“Moscow”")
    terminal.send_keys("x")
    terminal.wait_for("saved: rejected")
    terminal.send_keys("q")
    assert terminal.wait_for_exit() == 0

    exported = json.loads(reader("export", "--annotator", "gold").stdout.splitlines()[0])
    assert [(s["text"], s["label"], s["meta"]) for s in exported["spans"]] == [
        ("Ararat Mirzoyan", "actor", {"curated_from": ["alice", "bob"], "rule": "all"}),
        ("Sergey Lavrov", "topic", {"curated_from": ["bob"], "rule": "chosen",
                                    "curator": "carol"})]
    again = reader("curate", "--annotators", "alice,bob", "--auto")
    assert "accepted 0 spans" in again.stdout and "0 disagreements left" in again.stdout
