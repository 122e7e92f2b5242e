"""`reader open --annotator alice` with no paths: alice's queue (her assigned documents, not
done first) opens at its first document to do, and `>` / `<`, the library and the
statistics follow it; with no assignments, everything in the database, as before."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from reader.store.assignments import add_assignments
from reader.store.database import connect
from reader.store.documents import add_document, set_status
from reader.text.loading import LoadedText
from reader.ui.app import ReaderApp
from reader.ui.launch import launch
from reader.ui.screens.article import ArticleScreen
from reader.ui.screens.library import LibraryScreen
from reader.ui.screens.stats import StatsScreen
from reader.ui.widgets.document_table import DocumentTable

Scenario = Callable[[ReaderApp, Pilot[None]], Coroutine[Any, Any, None]]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Six documents; alice holds 2, 4 and 5 (2 done), bob 1, 3 and 6, carol 4."""
    path = tmp_path / "team.db"
    conn = connect(path)
    for number in range(1, 7):
        add_document(conn, LoadedText.from_text(f"Document {number} of six.",
                                                f"/corpus/{number}.txt"))
    add_assignments(conn, [(5, "alice"), (2, "alice"), (4, "alice"), (1, "bob"), (3, "bob"),
                           (6, "bob"), (4, "carol")], "2026-12-02T00:00:00.000Z")
    set_status(conn, 2, "alice", "done")
    conn.close()
    return path


def open_as(annotator: str, db: Path, scenario: Scenario,
            monkeypatch: pytest.MonkeyPatch) -> None:
    """`reader open --annotator NAME` with no paths, as the CLI runs it, the app driven by
    the Pilot instead of a terminal."""
    async def drive(app: ReaderApp) -> None:
        async with app.run_test(size=(110, 30)) as pilot:
            await pilot.pause()
            await scenario(app, pilot)

    monkeypatch.setattr(ReaderApp, "run", lambda app: asyncio.run(drive(app)))
    launch(paths=[], db_path=db, annotator=annotator, encoding="utf-8", labels=None)


def shown(app: ReaderApp) -> int:
    assert isinstance(app.screen, ArticleScreen)
    return app.screen.document.id


def test_the_queue_opens_at_the_first_document_to_do_and_keys_follow_it(
        db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[object] = []

    async def scenario(app: ReaderApp, pilot: Pilot[None]) -> None:
        seen.append(shown(app))
        for key in ("greater_than_sign",) * 3 + ("less_than_sign",):
            await pilot.press(key)
            await pilot.pause()
            seen.append(shown(app))
        assert "document 2/3 · done 1/3" in app.screen.sub_title
        await pilot.press("L")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        assert [row.id for row in app.screen.rows] == [4, 5, 2]
        assert app.screen.query_one(DocumentTable).row_count == 3
        assert "queue of alice" in app.screen.sub_title
        await pilot.press("S")
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        assert app.screen.assignments == {
            "alice": {"assigned": 3, "done": 1, "in_progress": 2},
            "bob": {"assigned": 3, "done": 0, "in_progress": 0},
            "carol": {"assigned": 1, "done": 0, "in_progress": 0}}
        drawn = "\n".join(str(static.render()) for static in app.screen.query(Static))
        assert "Assignments by annotator" in drawn
        app.exit()

    open_as("alice", db, scenario, monkeypatch)
    # 4 and 5, not done, in the order they were added; then 2, done; the end stops `>`.
    assert seen == [4, 5, 2, 2, 5]


def test_without_assignments_the_library_holds_every_document_as_before(
        db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    async def scenario(app: ReaderApp, _pilot: Pilot[None]) -> None:
        assert isinstance(app.screen, LibraryScreen)
        assert [row.id for row in app.screen.rows] == [1, 2, 3, 4, 5, 6]
        assert "this corpus" in app.screen.sub_title
        app.exit()

    open_as("dave", db, scenario, monkeypatch)


def test_a_queue_all_done_opens_on_the_library(
        db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    conn = connect(db)
    for number in (4, 5):
        set_status(conn, number, "alice", "done")
    conn.close()

    async def scenario(app: ReaderApp, _pilot: Pilot[None]) -> None:
        assert isinstance(app.screen, LibraryScreen)
        assert [row.id for row in app.screen.rows] == [2, 4, 5]
        app.exit()

    open_as("alice", db, scenario, monkeypatch)

