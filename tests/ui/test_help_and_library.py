"""Issue 12, item 8: the help shows keys as a user types them and scrolls with the reading
keys."""

from __future__ import annotations

from pilot_helpers import SIZE
from rich.console import Console
from textual.containers import VerticalScroll
from textual.widgets import Static

from reader.ui.screens.help import HelpScreen

RAW_KEY_WORDS = ("_sign", "_bracket", "question_mark", "apostrophe", "slash", "shift+",
                 "ctrl+", "pagedown", "right_", "left_")


def rendered(static: Static) -> str:
    console = Console(width=120, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(static.content)
    return console.export_text()


async def test_help_shows_keys_as_typed(reader, seed_text) -> None:
    app = reader.open(seed_text)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(rendered(s) for s in app.screen.query(Static))
        for raw in RAW_KEY_WORDS:
            assert raw not in text, raw
        for shown in ("?", "/", "[", "Ctrl+R", "Shift+→", "#", "PgDn / Space"):
            assert shown in text, shown


async def test_help_scrolls_with_reading_keys(reader, seed_text) -> None:
    app = reader.open(seed_text)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        scroll = app.screen.query_one(VerticalScroll)
        assert scroll.max_scroll_y > 2
        await pilot.press("j")
        await pilot.press("j")
        await pilot.pause()
        assert scroll.scroll_y == 2
        await pilot.press("k")
        await pilot.pause()
        assert scroll.scroll_y == 1
        await pilot.press("G")
        await pilot.pause()
        assert scroll.scroll_y == scroll.max_scroll_y
        last = list(app.screen.query(Static))[-1]
        assert last.region.bottom <= scroll.region.bottom  # the last words are in sight
        await pilot.press("g")
        await pilot.pause()
        assert scroll.scroll_y == 0
        await pilot.press("space")
        await pilot.pause()
        assert scroll.scroll_y > 1
        await pilot.press("pageup")
        await pilot.pause()
        assert scroll.scroll_y == 0
        assert isinstance(app.screen, HelpScreen)  # none of them closed the help
