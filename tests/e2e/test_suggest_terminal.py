"""`reader open --suggest --patterns FILE` with the installed `reader` in a real terminal
(tmux): the pattern file's names are suggested, `)` goes to one and the status line names
its source, `s` accepts it, `+` accepts the rest, and what was accepted is on disk, exact,
with a source in the span's meta."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from test_annotate_terminal import SEED, TITLE

pytestmark = pytest.mark.e2e


def actor_spans(terminal: Any) -> list[tuple[int, int, str, str]]:
    with sqlite3.connect(terminal.db_path) as conn:
        return conn.execute(
            "SELECT a.start, a.end, substr(d.text, a.start + 1, a.end - a.start), a.meta"
            " FROM annotations a JOIN documents d ON d.id = a.document_id"
            " WHERE a.deleted_at IS NULL AND a.label = 'actor' ORDER BY a.start").fetchall()


def test_suggest_with_a_patterns_file(terminal, sample_articles, tmp_path: Path) -> None:
    patterns = tmp_path / "names.jsonl"
    patterns.write_text('{"label": "actor", "pattern": "Lavrov"}\n', encoding="utf-8")
    terminal.run("open", str(sample_articles / SEED), "--suggest", "--patterns", str(patterns))
    terminal.wait_for(TITLE)
    terminal.wait_for("sugg 5")
    terminal.send_keys(")")
    terminal.wait_for("suggested actor “Lavrov” (patterns:names.jsonl)")
    terminal.send_keys("s")
    terminal.wait_for("accepted actor “Lavrov”")
    terminal.send_keys("+")
    terminal.wait_for("accepted 4 suggestions")
    terminal.send_keys("q")
    assert terminal.wait_for_exit() == 0
    raw = (sample_articles / SEED).read_bytes().decode("utf-8-sig")
    found = actor_spans(terminal)
    assert [(start, end, text) for start, end, text, _meta in found] == [
        (start, start + 6, "Lavrov") for start in range(len(raw))
        if raw.startswith("Lavrov", start)]
    sources = [json.loads(meta)["suggested_by"] for *_rest, meta in found]
    assert sources[0] == "patterns:names.jsonl"  # the one `s` accepted (the first)
    # After it, what one tagged suggests "Lavrov" too (learned): `+` names either source.
    assert set(sources) <= {"patterns:names.jsonl", "learned"}
