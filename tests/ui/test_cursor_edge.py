"""The cursor stays visible on spaces that hang past the right edge of a wrapped row."""

from __future__ import annotations

from pilot_helpers import view_of


async def test_cursor_on_hanging_spaces_is_drawn_on_the_last_cell(reader) -> None:
    text = "abcd efgh" + " " * 30 + "ijkl mnop"
    app = reader.open(text)
    async with app.run_test(size=(20, 12)) as pilot:
        view = view_of(app)
        view.move_cursor(25)  # one of the spaces past the edge
        await pilot.pause()
        width = view.scrollable_content_region.width
        strip = view.render_line(0)
        assert strip.cell_length == width
        cursor = view.get_component_rich_style("article-view--cursor")
        last = list(strip)[-1]
        assert last.style is not None and last.style.bgcolor == cursor.bgcolor
        view.move_cursor(2)  # and an ordinary cell: the last cell is not the cursor then
        await pilot.pause()
        last = list(view.render_line(0))[-1]
        assert last.style is None or last.style.bgcolor != cursor.bgcolor
