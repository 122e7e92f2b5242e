"""A day of annotating (issue 12, items 1 and 2). In the annotation list the keys act on the
highlighted row, not on the span under the article's cursor, typing does not reach the
article's keys, `/` filters and Escape goes back. A selection made by search is replaced,
not stretched, by plain movement; `v` and Shift+movement still extend."""

from __future__ import annotations

from typing import Any

import pyperclip
import pytest
from pilot_helpers import SIZE, move_to, screen_of, search, status_text, view_of
from test_relations_ui import TEXT, at, tag_all
from textual.pilot import Pilot
from textual.widgets import Input

from reader.ui.screens.dialogs import NoteScreen
from reader.ui.widgets.annotation_list import SpanList

# Rows of the list for "mayor" and "lyon" tagged: in text order.
MAYOR, LYON = 0, 1


async def list_on_lyon(pilot: Pilot[Any]) -> SpanList:
    """The list opened with the cursor in the article on "mayor" and the row "Lyon" lit."""
    await move_to(pilot, at("mayor") + 2)
    await pilot.press("tab")
    options = screen_of(pilot.app).query_one(SpanList)  # type: ignore[arg-type]
    options.cursor_row = LYON
    await pilot.pause()
    return options


def live(app: Any) -> list[tuple[int, int, str]]:
    return sorted((s.start, s.end, s.label) for s in view_of(app).spans)


async def test_a_in_the_list_notes_the_highlighted_rows_span(reader) -> None:
    app = reader.open(TEXT)
    async with app.run_test(size=SIZE) as pilot:
        tag_all(app, "mayor", "lyon")
        await list_on_lyon(pilot)
        await pilot.press("a")
        assert isinstance(app.screen, NoteScreen)
        assert "topic" in app.screen.title_text and "Lyon" in app.screen.title_text


async def test_label_key_in_the_list_toggles_on_the_rows_range(reader) -> None:
    app = reader.open(TEXT)
    lyon = (at("lyon"), at("lyon") + len("Lyon"))
    async with app.run_test(size=SIZE) as pilot:
        tag_all(app, "mayor", "lyon")
        await list_on_lyon(pilot)
        await pilot.press("1")
        await pilot.pause()
        assert (*lyon, "actor") in live(app)
        assert (*lyon, "topic") in live(app)
        assert len(live(app)) == 3, "nothing tagged at the article's cursor"
        await pilot.press("1")  # the same rules as in the article: the same label toggles
        await pilot.pause()
        assert (*lyon, "actor") not in live(app) and len(live(app)) == 2


async def test_y_in_the_list_copies_the_rows_text(reader, monkeypatch) -> None:
    copied: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    app = reader.open(TEXT)
    async with app.run_test(size=SIZE) as pilot:
        tag_all(app, "mayor", "lyon")
        await list_on_lyon(pilot)
        await pilot.press("y")
    assert copied == ["Lyon"]


async def test_x_still_deletes_the_rows_span_and_typing_filters(reader) -> None:
    app = reader.open(TEXT)
    async with app.run_test(size=SIZE) as pilot:
        tag_all(app, "mayor", "lyon")
        await list_on_lyon(pilot)
        await pilot.press("x")
        await pilot.pause()
        assert [label for _, _, label in live(app)] == ["actor"]
        compare = screen_of(app).workspace.compare
        await pilot.press("c")
        assert screen_of(app).workspace.compare == compare, "c in the list is not compare mode"
        field = screen_of(app).query_one("#label-filter", Input)
        assert field.value == "c" and field.has_focus


async def test_slash_focuses_the_filter_and_escape_goes_back(reader) -> None:
    app = reader.open(TEXT)
    async with app.run_test(size=SIZE) as pilot:
        tag_all(app, "mayor", "lyon")
        await list_on_lyon(pilot)
        assert "/ filter · esc back" in str(
            screen_of(app).query_one("#annotation-help").render())
        await pilot.press("slash")
        assert screen_of(app).query_one("#label-filter", Input).has_focus
        assert "search" not in [w.id for w in screen_of(app).query(Input)]
        await pilot.press("escape")
        assert screen_of(app).query_one(SpanList).has_focus
        await pilot.press("escape")
        assert view_of(app).has_focus


@pytest.mark.parametrize("key", ["space", "G", "j", "w"])
async def test_plain_movement_replaces_a_search_selection(reader, seed_text, key) -> None:
    app = reader.open(seed_text)
    async with app.run_test(size=SIZE) as pilot:
        await search(pilot, "Lavrov")
        view = view_of(app)
        match = seed_text.index("Lavrov")
        assert view.selection == (match, match + len("Lavrov"))
        await pilot.press(key)
        assert view.selection is None, status_text(app)
        assert view.cursor != match + len("Lavrov")


async def test_v_and_shift_movement_still_extend(reader, seed_text) -> None:
    app = reader.open(seed_text)
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        await search(pilot, "Lavrov")
        match = seed_text.index("Lavrov")
        await pilot.press("shift+right")
        assert view.selection == (match, match + len("Lavrov") + 1)
        await pilot.press("l")  # a plain move after it: a fresh start
        assert view.selection is None
        await move_to(pilot, 0)
        await pilot.press("v", "w", "w")
        assert view.selection is not None and view.selection[0] == 0
        assert view.selection[1] > len("Mirzoyan")
