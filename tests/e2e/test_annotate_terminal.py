"""Annotating with the installed `reader` in a real terminal (tmux): search and tag, survive
kill -9, and two annotators on one database at the same time."""

from __future__ import annotations

import os
import signal
import sqlite3
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

SEED = "mirzoyan-lavrov-moscow-meeting.txt"
TITLE = "Mirzoyan and Lavrov Discuss"


def live_spans(db: Path) -> list[tuple[str, int, int, str, str, str]]:
    """(annotator, start, end, label, text, document text[start:end]) of every live span."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT a.annotator, a.start, a.end, a.label, a.text,"
            " substr(d.text, a.start + 1, a.end - a.start)"
            " FROM annotations a JOIN documents d ON d.id = a.document_id"
            " WHERE a.deleted_at IS NULL ORDER BY a.annotator, a.start").fetchall()
    return rows


def search_and_tag(terminal: Any, query: str, key: str, label: str) -> None:
    """`/query`, Enter (the match becomes the selection), then a label key; waits until the
    status line says the span is saved."""
    terminal.send_keys("/")
    terminal.wait_for("Cancel search")  # the prompt has the keys
    terminal.type_text(query)
    terminal.wait_for("match ")
    terminal.send_keys("Enter")
    terminal.wait_for("selected")
    terminal.send_keys(key)
    terminal.wait_for(f"{label} “{query}” · saved")


def reader_pid(terminal: Any) -> int:
    """The `reader` process in the pane (the pane runs a shell that runs reader)."""
    shell = int(terminal.tmux("list-panes", "-t", "reader", "-F", "#{pane_pid}").split()[0])
    children = Path(f"/proc/{shell}/task/{shell}/children").read_text().split()
    assert len(children) == 1, children
    return int(children[0])


def test_search_enter_1_q_stores_one_actor_span(terminal, sample_articles) -> None:
    terminal.run("open", str(sample_articles / SEED))
    terminal.wait_for(TITLE)
    search_and_tag(terminal, "Ararat Mirzoyan", "1", "actor")
    terminal.send_keys("q")
    assert terminal.wait_for_exit() == 0
    spans = live_spans(terminal.db_path)
    assert len(spans) == 1
    annotator, start, end, label, text, covered = spans[0]
    assert (annotator, label, text) == ("e2e", "actor", "Ararat Mirzoyan")
    assert covered == text and end - start == len(text)
    raw = (sample_articles / SEED).read_bytes().decode("utf-8-sig")
    assert raw[start:end] == "Ararat Mirzoyan"


def test_kill_9_loses_nothing_the_screen_showed_as_saved(terminal, sample_articles) -> None:
    terminal.run("open", str(sample_articles / SEED))
    terminal.wait_for(TITLE)
    search_and_tag(terminal, "Ararat Mirzoyan", "1", "actor")
    search_and_tag(terminal, "CSTO", "2", "topic")
    search_and_tag(terminal, "Sergey Lavrov", "1", "actor")
    terminal.send_keys("u")  # the undo is saved too
    terminal.wait_for("undone")
    search_and_tag(terminal, "Moscow", "3", "commitment")
    os.kill(reader_pid(terminal), signal.SIGKILL)
    assert terminal.wait_for_exit() == 128 + signal.SIGKILL

    expected = [("e2e", "actor", "Ararat Mirzoyan"), ("e2e", "topic", "CSTO"),
                ("e2e", "commitment", "Moscow")]
    spans = live_spans(terminal.db_path)
    assert sorted((s[0], s[3], s[4]) for s in spans) == sorted(expected)
    assert all(s[4] == s[5] for s in spans)

    terminal.run("open", str(sample_articles / SEED))
    terminal.wait_for("spans 3")
    terminal.send_keys("u")  # the history survived the crash: this undoes "Moscow"
    terminal.wait_for("undone: commitment “Moscow” gone")
    terminal.send_keys("q")
    assert terminal.wait_for_exit() == 0
    assert len(live_spans(terminal.db_path)) == 2


def test_two_annotators_on_one_database_at_once(terminal, sample_articles,
                                                installed_reader, reader_env, tmp_path) -> None:
    other_env = {**reader_env, "READER_ANNOTATOR": "e2e-other"}
    workdir = tmp_path / "other-work"
    workdir.mkdir()
    other = type(terminal)(installed_reader, other_env, workdir)  # a second tmux server
    try:
        # Both started at once on a database that does not exist yet: they race to create
        # it, switch it to WAL and migrate it (tests/ui/test_concurrent_open.py).
        terminal.run("open", str(sample_articles / SEED))
        other.run("open", str(sample_articles / SEED))
        terminal.wait_for(TITLE)
        other.wait_for(TITLE)
        # Alternate between the two, each waiting for "saved" while the other writes.
        search_and_tag(terminal, "Ararat Mirzoyan", "1", "actor")
        search_and_tag(other, "Ararat Mirzoyan", "2", "topic")
        search_and_tag(other, "Sergey Lavrov", "1", "actor")
        search_and_tag(terminal, "Moscow", "3", "commitment")
        for screen in (terminal.capture(), other.capture()):
            assert "locked" not in screen and "NOT saved" not in screen
        terminal.wait_for("spans 2")
        other.wait_for("spans 2")

        terminal.send_keys("c")  # compare mode: the other annotator's spans too
        terminal.wait_for("compare mode: showing e2e-other")
        # Both annotators' four spans, each a disagreement (the message outranks "spans 4"
        # on the status line).
        terminal.wait_for("2 missing, 2 other label")
        search_and_tag(other, "Yerevan", "2", "topic")
        terminal.send_keys("R")
        terminal.wait_for("reloaded: 5 annotations")
        for session in (terminal, other):
            session.send_keys("q")
            assert session.wait_for_exit() == 0
    finally:
        other.close()

    spans = live_spans(terminal.db_path)
    assert all(s[4] == s[5] for s in spans)
    assert sorted((s[0], s[3], s[4]) for s in spans) == sorted([
        ("e2e", "actor", "Ararat Mirzoyan"), ("e2e", "commitment", "Moscow"),
        ("e2e-other", "topic", "Ararat Mirzoyan"), ("e2e-other", "actor", "Sergey Lavrov"),
        ("e2e-other", "topic", "Yerevan"),
    ])
