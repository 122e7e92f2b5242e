"""Many annotators on one database (issue 14): the screen's bookkeeping writes wait for
another process's write lock quietly instead of warning the user."""

from __future__ import annotations

import sqlite3

import pytest
from pilot_helpers import SIZE

import reader.ui.screens.article.screen as article_screen


async def test_the_visit_waits_for_a_busy_database_without_a_warning(
        reader, seed_text, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """Another annotator's process holds the write lock as the article opens: the visit
    is recorded once it is free, and no "could not record the visit" toast appears (the
    load test saw one per busy open with 10 annotators)."""
    monkeypatch.setattr(article_screen, "VISIT_RETRY_S", 0.1, raising=False)
    app = reader.open(seed_text)
    blocker = sqlite3.connect(reader.db_path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        assert reader._query("SELECT status FROM progress") == []
        blocker.execute("COMMIT")
        for _ in range(100):  # the retry lands after a tick or two
            await pilot.pause(0.05)
            if reader._query("SELECT status FROM progress"):
                break
        assert reader._query("SELECT status FROM progress") == [("in_progress",)]
        assert [str(n.message) for n in app._notifications] == []
    blocker.close()
