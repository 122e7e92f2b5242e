"""The view announces every cursor and selection change with one message, `CursorMoved`,
posted by one watcher; a burst of them collapses, so a held key or a drag rebuilds the status
line once per burst, not once per step, and the status line still ends up right."""

from __future__ import annotations

from typing import Any

import pytest
from pilot_helpers import burst, screen_of, status_text, view_of

TEXT = "The foreign ministers met in Moscow on Tuesday. " * 20


async def test_a_held_key_rebuilds_the_status_line_once_not_per_step(
        reader: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    app = reader.open(TEXT)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = screen_of(app)
        rebuilds = 0
        rebuild = screen._update_status

        def counting(*args: Any, **kwargs: Any) -> None:
            nonlocal rebuilds
            rebuilds += 1
            rebuild(*args, **kwargs)

        monkeypatch.setattr(screen, "_update_status", counting)
        await burst(pilot, *["l"] * 30)
        assert view_of(app).cursor == 30
        assert "1:31" in status_text(app), "the status line shows where the burst ended"
        assert rebuilds < 10, f"{rebuilds} rebuilds for one burst of 30 steps"


async def test_whatever_sets_the_cursor_or_the_anchor_is_announced(reader: Any) -> None:
    """No code that moves the cursor has to remember to post: the reactives' watcher does."""
    app = reader.open(TEXT)
    async with app.run_test(size=(100, 30)) as pilot:
        view = view_of(app)
        view.cursor = 10
        await pilot.pause()
        assert "1:11" in status_text(app)
        view.selection_anchor = 4
        await pilot.pause()
        assert "SELECT 6" in status_text(app)
        view.cursor = len(TEXT) + 50
        await pilot.pause()
        assert view.cursor == len(TEXT), "kept within the text"
        assert f"SELECT {len(TEXT) - 4}" in status_text(app)
