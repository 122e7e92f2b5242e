"""Relations and document labels with the installed `reader` in a real terminal (tmux): made
with the real keys, still there after kill -9 (in the export), and undone after a restart."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path
from typing import Any

import pytest
from test_annotate_terminal import SEED, TITLE, reader_pid, search_and_tag

pytestmark = pytest.mark.e2e

COMMITMENT = "set to take place in Yerevan"


def export(installed_reader: Path, env: dict[str, str]) -> dict[str, Any]:
    """The one document of `reader export` (native JSONL)."""
    result = subprocess.run([str(installed_reader), "export"], env=env, capture_output=True,
                            text=True, timeout=30, check=True)
    (line,) = result.stdout.splitlines()
    document: dict[str, Any] = json.loads(line)
    return document


def test_a_relation_made_with_the_keys_survives_kill_9(terminal, sample_articles,
                                                       installed_reader, reader_env) -> None:
    terminal.run("open", str(sample_articles / SEED))
    terminal.wait_for(TITLE)
    search_and_tag(terminal, "Ararat Mirzoyan", "1", "actor")
    search_and_tag(terminal, COMMITMENT, "3", "commitment")
    terminal.send_keys("b")  # back into the span just tagged
    terminal.send_keys("r")
    terminal.wait_for("RELATION")
    terminal.wait_for("1 by")  # the legend: the number keys are relation labels now
    terminal.send_keys("/")  # move with anything: here a search, Enter selects the match
    terminal.wait_for("Cancel search")
    terminal.type_text("Ararat Mirzoyan, met")
    terminal.wait_for("match 1/1")
    terminal.send_keys("Enter")
    terminal.wait_for("→ actor “Ararat Mirzoyan”: 1 by")
    terminal.send_keys("1")
    terminal.wait_for("by relation commitment")
    terminal.wait_for("saved ✓")
    terminal.send_keys("#")
    terminal.wait_for("Document label (one)")
    terminal.send_keys("Enter")  # the first: relevant
    terminal.wait_for("document label relevant on")
    os.kill(reader_pid(terminal), signal.SIGKILL)
    assert terminal.wait_for_exit() == 128 + signal.SIGKILL

    document = export(installed_reader, reader_env)
    spans = {span["id"]: (span["label"], span["text"]) for span in document["spans"]}
    assert sorted(spans.values()) == [("actor", "Ararat Mirzoyan"),
                                      ("commitment", COMMITMENT)]
    (relation,) = document["relations"]
    assert relation["label"] == "by" and relation["annotator"] == "e2e"
    assert spans[relation["head"]] == ("commitment", COMMITMENT)
    assert spans[relation["child"]] == ("actor", "Ararat Mirzoyan")
    assert document["cats"] == {"relevant": 1.0}

    # The history survived the crash: u takes the label away, then the relation.
    terminal.run("open", str(sample_articles / SEED))
    terminal.wait_for("# relevant")  # in the header
    terminal.send_keys("u")
    terminal.wait_for("undone: document label relevant off")
    terminal.send_keys("u")
    terminal.wait_for("undone: by relation commitment")
    terminal.send_keys("q")
    assert terminal.wait_for_exit() == 0
    document = export(installed_reader, reader_env)
    assert document["relations"] == [] and len(document["spans"]) == 2
    assert not document.get("cats")
