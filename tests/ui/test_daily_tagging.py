"""A day of annotating (issue 12, item 2): a search in `v` mode extends the selection to the
match."""

from __future__ import annotations

from pilot_helpers import SIZE, move_to, search, status_text, view_of
from test_relations_ui import TEXT, at

LYON = (at("lyon"), at("lyon") + len("Lyon"))


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
