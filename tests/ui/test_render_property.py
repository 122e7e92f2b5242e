"""What the article pane draws, for random tricky text at random widths: every row is exactly
as wide as the pane, no raw control code reaches the terminal, each row shows its units in
order, and the cells the layout counts are the cells Rich (so Textual) draws, so the cursor
and the mouse never drift from the text.

One app serves all examples (starting one per example would cost a second each): each
example mounts a fresh ArticleView in it."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pilot_helpers import AppDriver
from rich.cells import cell_len
from strategies import tricky_text
from textual.app import App, ComposeResult
from textual.containers import Container
from textual.pilot import Pilot

from reader.text.cells import display_text, iter_units
from reader.ui.widgets.article_view import ArticleView

HEIGHT = 40
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class Bench(App[None]):
    """A bare app to mount article panes in."""

    def compose(self) -> ComposeResult:
        yield Container(id="bench")


@pytest.fixture(scope="module")
def bench() -> Iterator[AppDriver]:
    loop = asyncio.new_event_loop()
    driver = AppDriver(loop, Bench(), size=(60, HEIGHT))
    try:
        yield driver
    finally:
        driver.close()
        loop.close()


def rows_drawn(text: str, width: int, cursor: int) -> Any:
    """Mount a pane `width` cells wide (plus padding and scrollbar) showing `text`; return
    its layout and the strips of the rows on screen."""

    async def draw(pilot: Pilot[Any]) -> Any:
        bench = pilot.app.query_one("#bench")
        await bench.remove_children()
        view = ArticleView(text, cursor=cursor)
        view.styles.width = width + 3  # padding 0 1 and a one-cell scrollbar
        await bench.mount(view)
        await pilot.pause()
        assert view.scrollable_content_region.width == width
        rows = min(view.wrapped.total_rows, view.scrollable_content_region.height)
        return view, [view.render_line(y) for y in range(rows)]

    return draw


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=tricky_text, width=st.integers(4, 30), data=st.data())
def test_rows_draw_exactly_the_cells_the_layout_counts(bench: AppDriver, text: str,
                                                       width: int, data: st.DataObject) -> None:
    cursor = data.draw(st.integers(0, len(text)), label="cursor")
    view, strips = bench(rows_drawn(text, width, cursor))
    for y, strip in enumerate(strips):
        drawn = "".join(segment.text for segment in strip)
        assert strip.cell_length == width, (y, drawn)
        assert not CONTROL.search(drawn), (y, drawn)
        start, end, _last = view.wrapped.row_span(y)
        units = list(view.wrapped.row_units(start, end))
        shown = "".join(display_text(text, unit) for unit in units)
        assert cell_len(shown) == sum(unit.cells for unit in units), (y, shown)
        visible = [u for u in units if u.column + u.cells <= width]
        prefix = "".join(display_text(text, unit) for unit in visible)
        assert drawn.startswith(prefix), (y, drawn, prefix)


@pytest.mark.parametrize("text", ["\u200d👨 x", " \u200d\x1fx", "\u200d\x1b x", "a\ufeffb",
                                  "\u0301e", "👨\u200d\tz", "x\u200b\u200by"])
def test_joiners_and_marks_with_nothing_to_attach_to_keep_their_cell(text: str) -> None:
    """Drawn as themselves they would join the next character in Rich's measure (and in
    terminals): the rest of the row would shift left of where the cursor and mouse think."""
    units = list(iter_units(text, 0, len(text)))
    drawn = "".join(display_text(text, unit) for unit in units)
    assert cell_len(drawn) == sum(unit.cells for unit in units)
    assert all(unit.cells >= 1 for unit in units), "every code point can be seen and selected"


def test_a_combining_mark_on_the_last_cell_is_drawn(bench: AppDriver) -> None:
    text = "abc\u0301  next"
    _view, strips = bench(rows_drawn(text, 3, 0))
    first_row = "".join(segment.text for segment in strips[0])
    assert first_row == "abc\u0301"
