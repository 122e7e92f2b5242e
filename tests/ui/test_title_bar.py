"""The title bar: one widget that shows and does what Textual's Header did (four widgets,
a tenth of the start-up work), so the screens look and behave as before."""

from __future__ import annotations

import pytest
from pilot_helpers import SIZE
from rich.style import Style
from textual.app import App, ComposeResult
from textual.command import CommandPalette
from textual.widget import Widget
from textual.widgets import Header, Static

from reader.ui.screens.article import ArticleScreen
from reader.ui.widgets.title_bar import TitleBar

Cell = tuple[str, str, str, bool, bool, bool, bool, bool]


def cell(char: str, style: Style | None) -> Cell:
    """What a terminal shows for a cell (Style(reverse=False) looks like Style())."""
    style = style or Style()
    if char == " " and not (style.underline or style.reverse or style.strike):
        style += Style(color="default")  # a blank cell's text colour shows nowhere
    return (char, str(style.color), str(style.bgcolor), bool(style.bold), bool(style.dim),
            bool(style.italic), bool(style.underline), bool(style.reverse))


class Bar(App[None]):
    """A screen with a title bar (ours or Textual's) over some text."""

    def __init__(self, bar: type[Widget], title: str, sub_title: str) -> None:
        super().__init__()
        self.bar = bar
        self.title = title
        self.sub_title = sub_title

    def compose(self) -> ComposeResult:
        yield TitleBar(icon="≡") if self.bar is TitleBar else Header(icon="≡")
        yield Static("text")


def rows(app: App[None], count: int) -> list[list[Cell]]:
    """The first `count` screen rows, cell by cell."""
    update = app.screen._compositor.render_full_update(simplify=True)
    return [[cell(char, segment.style) for strip in row for segment in strip
             for char in segment.text] for row in update.strips[:count]]


async def draw(bar: type[Widget], title: str, sub_title: str, width: int,
               tall: bool = False) -> list[list[Cell]]:
    app = Bar(bar, title, sub_title)
    async with app.run_test(size=(width, 5)) as pilot:
        if tall:
            await pilot.click(bar, offset=(width // 2, 0))
        await pilot.pause()
        return rows(app, 3 if tall else 1)


@pytest.mark.parametrize(("title", "sub_title", "width"), [
    ("Mirzoyan and Lavrov", "", 120),
    ("Mirzoyan and Lavrov", "ana · /tmp/article.txt", 120),
    ("A title much too long to fit in a narrow window at all, so it is cut", "ana · x", 40),
    ("東京の記事", "ana · 東京.txt", 60),
    ("odd", "widths", 61),
    ("", "", 30),
])
async def test_the_title_bar_draws_what_textuals_header_draws(title: str, sub_title: str,
                                                              width: int) -> None:
    assert await draw(TitleBar, title, sub_title, width) == \
        await draw(Header, title, sub_title, width)


async def test_a_click_on_the_bar_makes_it_tall_as_headers_did() -> None:
    ours = await draw(TitleBar, "Title", "sub", 80, tall=True)
    assert ours == await draw(Header, "Title", "sub", 80, tall=True)
    assert [len(ours), "".join(char for char, *_ in ours[1]).strip()] == [3, "≡"]


async def test_the_icon_opens_the_command_palette() -> None:
    app = Bar(TitleBar, "Title", "")
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.hover(TitleBar, offset=(1, 0))
        assert app.query_one(TitleBar).tooltip == "Open the command palette"
        await pilot.click(TitleBar, offset=(1, 0))
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        assert not app.query_one(TitleBar).has_class("-tall")


async def test_the_article_screens_title_bar_is_one_widget(reader, seed_text) -> None:
    app = reader.open(seed_text)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ArticleScreen)
        bar = app.screen.query_one(TitleBar)
        assert not bar.children
        assert not app.screen.query(Header)
        assert "Mirzoyan and Lavrov" in "".join(char for char, *_ in rows(app, 1)[0])
        app.screen.title = "Short"
        app.screen.sub_title = "a new sub-title"
        await pilot.pause()
        assert "Short — a new sub-title" in "".join(char for char, *_ in rows(app, 1)[0])
