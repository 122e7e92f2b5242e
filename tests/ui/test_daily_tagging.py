"""A day of annotating (issue 12, items 2, 6 and 7). A search in `v` mode extends the
selection to the match; a span tagged on a search hit shows its colour at once; a label key
that removes a span says so (and that `u` undoes it), and removing a span longer than the
word under the cursor needs the key twice."""

from __future__ import annotations

from pilot_helpers import SIZE, move_to, screen_of, search, status_text, style_at, view_of
from test_relations_ui import TEXT, at, tag_all

LYON = (at("lyon"), at("lyon") + len("Lyon"))
MAYOR = (at("mayor"), at("mayor") + len("mayor of São Paulo"))


def live(app: object) -> list[tuple[int, int, str]]:
    return sorted((s.start, s.end, s.label) for s in view_of(app).spans)  # type: ignore[arg-type]


async def test_search_in_v_mode_extends_the_selection_to_the_match(reader) -> None:
    app = reader.open(TEXT)
    async with app.run_test(size=SIZE) as pilot:
        await move_to(pilot, 0)
        await pilot.press("v")
        await search(pilot, "Lyon")
        view = view_of(app)
        assert view.selection == (0, LYON[1]), status_text(app)
        assert "selection extended" in status_text(app)
        await pilot.press("1")
        await pilot.pause()
        assert (0, LYON[1], "actor") in live(app)


async def test_search_cancelled_in_v_mode_keeps_the_selection(reader) -> None:
    app = reader.open(TEXT)
    async with app.run_test(size=SIZE) as pilot:
        await move_to(pilot, 0)
        await pilot.press("v", "w")
        before = view_of(app).selection
        assert before is not None
        await search(pilot, "Lyon", submit=False)
        await pilot.press("escape")
        await pilot.pause()
        assert view_of(app).selection == before


async def test_a_span_tagged_on_a_search_hit_shows_its_colour_at_once(reader) -> None:
    app = reader.open(TEXT)
    async with app.run_test(size=SIZE) as pilot:
        await search(pilot, "Lyon")
        await pilot.press("2")
        await pilot.pause()
        assert (*LYON, "topic") in live(app)
        view = view_of(app)
        palette = view._current_palette()
        drawn = style_at(view, LYON[0])
        assert drawn.bgcolor not in (palette.current_match.bgcolor, palette.match.bgcolor)
        await pilot.press("n")  # the search goes on, drawn again
        assert view.matches_shown and view.matches.query == "Lyon"


async def test_removing_a_long_span_by_label_key_needs_the_key_twice(reader) -> None:
    app = reader.open(TEXT)
    async with app.run_test(size=SIZE) as pilot:
        tag_all(app, "mayor")
        await move_to(pilot, at("mayor") + 2)
        await pilot.press("1")
        await pilot.pause()
        assert (*MAYOR, "actor") in live(app), "one press does not remove a whole phrase"
        status = status_text(app)
        assert "press 1 again to remove actor" in status and "(18 characters)" in status
        await pilot.press("1")
        await pilot.pause()
        assert live(app) == []
        assert "removed actor" in status_text(app) and "u undoes" in status_text(app)
        await pilot.press("u")
        await pilot.pause()
        assert (*MAYOR, "actor") in live(app)


async def test_any_other_key_cancels_a_pending_removal(reader) -> None:
    app = reader.open(TEXT)
    async with app.run_test(size=SIZE) as pilot:
        tag_all(app, "mayor")
        await move_to(pilot, at("mayor") + 2)
        await pilot.press("1", "l", "h")
        assert "cancelled" in status_text(app) or "press 1" not in status_text(app)
        await pilot.press("1")
        await pilot.pause()
        assert (*MAYOR, "actor") in live(app), "asked again, not removed"
        assert "press 1 again" in status_text(app)
        assert screen_of(app)._pending_removal is not None


async def test_a_span_the_size_of_the_word_goes_at_once_and_says_u_undoes(reader) -> None:
    app = reader.open(TEXT)
    async with app.run_test(size=SIZE) as pilot:
        tag_all(app, "lyon")
        await move_to(pilot, LYON[0] + 1)
        await pilot.press("2")
        await pilot.pause()
        assert live(app) == []
        assert "removed topic “Lyon”" in status_text(app) and "u undoes" in status_text(app)
