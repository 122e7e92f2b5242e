"""Small terminals (issue 12, item 9) and Tab into the annotation list: at 60×20 the
footer keeps `?` (help) in sight, and the list is drawn over the article instead of
squeezing it to a strip; Tab from the article goes straight into an open list."""

from __future__ import annotations

import pytest
from pilot_helpers import (
    SEED_PATH,
    footer_shown,
    read_text,
    screen_lines,
    screen_of,
    view_of,
)
from test_relations_ui import TEXT, tag_all
from textual.widgets._footer import FooterKey

from reader.ui.widgets.annotation_list import AnnotationList, SpanList

SMALL = (60, 20)


def footer_line(app) -> str:  # type: ignore[no-untyped-def]
    return screen_lines(app)[-1]


async def test_the_help_key_stays_in_the_footer_at_60_columns(reader) -> None:
    app = reader.open(read_text(SEED_PATH))
    async with app.run_test(size=SMALL) as pilot:
        await footer_shown(pilot)
        assert "? Help" in footer_line(app), footer_line(app)
        await pilot.press("tab")  # the list's keys come first in the footer: still there
        await pilot.pause()
        assert "? Help" in footer_line(app), footer_line(app)


@pytest.mark.parametrize("width", [60, 75])
async def test_the_footer_shows_only_whole_keys_and_more_when_wider(reader, width) -> None:
    """A key cut short ("x Delet", "u U") says nothing: the footer shows the keys that fit
    whole, in order, and a wider terminal shows the hidden ones again."""
    app = reader.open(read_text(SEED_PATH))
    async with app.run_test(size=(width, 20)) as pilot:
        await footer_shown(pilot)
        shown = whole_footer_keys(app)
        await pilot.resize_terminal(width + 40, 20)
        await pilot.pause()
        wider = whole_footer_keys(app)
    assert shown and shown == wider[:len(shown)] and len(wider) > len(shown), (shown, wider)


def whole_footer_keys(app) -> list[str]:  # type: ignore[no-untyped-def]
    """The keys left of the pinned help, as drawn: each whole, nothing else drawn there."""
    line = footer_line(app).split("▏")[0]
    shown = [f"{key.key_display} {key.description}" for key in app.screen.query(FooterKey)
             if key.display and key.description and "-pinned" not in key.parent.classes]
    rest = line
    for text in shown:
        assert text in rest, (text, line)
        rest = rest.replace(text, "", 1)
    assert not rest.strip(), f"a key cut short: {line!r}"
    return shown


async def test_the_list_lies_over_a_narrow_article_and_beside_a_wide_one(reader) -> None:
    app = reader.open(read_text(SEED_PATH))
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("tab")
        await pilot.pause()
        view, sidebar = view_of(app), screen_of(app).query_one(AnnotationList)
        assert not sidebar.region.overlaps(view.region)
        assert view.region.width + sidebar.region.width == 120
        await pilot.resize_terminal(*SMALL)
        await pilot.pause()
        assert sidebar.region.width > 0
        assert view.region.width == SMALL[0], "the article keeps its width"
        assert sidebar.region.overlaps(view.region), "the list lies over the article"
        await pilot.resize_terminal(120, 30)
        await pilot.pause()
        assert not sidebar.region.overlaps(view.region)


async def test_tab_from_the_article_goes_straight_back_into_the_list(reader) -> None:
    app = reader.open(TEXT)
    async with app.run_test(size=(100, 30)) as pilot:
        tag_all(app, "mayor", "lyon")
        await pilot.press("tab")
        await pilot.pause()
        assert isinstance(app.focused, SpanList)
        await pilot.press("escape")  # back to the article; the list stays open
        await pilot.pause()
        assert app.focused is view_of(app)
        await pilot.press("tab")  # one press: into the list's rows
        await pilot.pause()
        sidebar = screen_of(app).query_one(AnnotationList)
        assert sidebar.has_class("-visible") and isinstance(app.focused, SpanList)
        await pilot.press("tab")  # Tab in the list closes it
        await pilot.pause()
        assert not sidebar.has_class("-visible") and app.focused is view_of(app)
