"""`*` with the installed `reader` in a real terminal (tmux): tag a name, `*` tags its other
occurrences (whole words, exact offsets in the file's text), `u` takes them all back in one
step, Ctrl+R brings them again, and what was saved is on disk after `q`."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from test_annotate_terminal import SEED, TITLE, search_and_tag

pytestmark = pytest.mark.e2e


def lavrov_spans(terminal: Any) -> list[tuple[int, int, str]]:
    with sqlite3.connect(terminal.db_path) as conn:
        return conn.execute(
            "SELECT a.start, a.end, substr(d.text, a.start + 1, a.end - a.start)"
            " FROM annotations a JOIN documents d ON d.id = a.document_id"
            " WHERE a.deleted_at IS NULL AND a.label = 'actor' ORDER BY a.start").fetchall()


def test_star_tags_every_occurrence_and_u_takes_them_back(terminal, sample_articles) -> None:
    terminal.run("open", str(sample_articles / SEED))
    terminal.wait_for(TITLE)
    search_and_tag(terminal, "Lavrov", "1", "actor")
    terminal.send_keys("*")
    terminal.wait_for("actor “Lavrov”: 4 more tagged")
    raw = (sample_articles / SEED).read_bytes().decode("utf-8-sig")
    expected = [(start, start + 6, "Lavrov") for start in range(len(raw))
                if raw.startswith("Lavrov", start)]
    assert len(expected) == 5 and lavrov_spans(terminal) == expected
    terminal.send_keys("u")
    terminal.wait_for("undone: 4 × actor “Lavrov” gone")
    assert len(lavrov_spans(terminal)) == 1
    terminal.send_keys("C-r")
    terminal.wait_for("redone: 4 × actor “Lavrov” back")
    terminal.send_keys("q")
    assert terminal.wait_for_exit() == 0
    assert lavrov_spans(terminal) == expected
