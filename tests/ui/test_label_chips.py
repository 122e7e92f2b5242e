"""Label chips (`t`, issue 12 item 3): each span's label names drawn after its end,
brat-style. They change the wrap, never an offset: keys, the mouse, search and tagging
still land on exact code points with chips on. Screen positions here are read from what
the terminal shows, not from the layout under test."""

from __future__ import annotations

from typing import Any

from pilot_helpers import SIZE, cell_of, move_to, screen_lines, search, view_of
from textual.pilot import Pilot

TEXT = ("Ararat Mirzoyan met Sergey Lavrov in Moscow on Monday, and the ministers"
        " agreed to meet again in Yerevan.")
CHIPPED = "Mirzoyan[topic][actor] met"


async def tag(pilot: Pilot[Any], phrase: str, key: str) -> None:
    start = TEXT.index(phrase)
    view_of(pilot.app).set_selection(start, start + len(phrase))  # type: ignore[arg-type]
    await pilot.press(key)


def screen_cell(pilot: Pilot[Any], needle: str, at: int = 0) -> tuple[int, int]:
    """The (x, y), relative to the view, of character `at` of `needle` on the screen."""
    view = view_of(pilot.app)  # type: ignore[arg-type]
    for y, line in enumerate(screen_lines(pilot.app)):  # type: ignore[arg-type]
        if needle in line:
            return line.index(needle) + at - view.region.x, y - view.region.y
    raise AssertionError(f"{needle!r} is not on the screen")


async def test_t_shows_label_names_after_spans_and_offsets_stay_exact(reader) -> None:
    app = reader.open(TEXT)
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        await tag(pilot, "Ararat Mirzoyan", "1")
        await tag(pilot, "Mirzoyan", "2")
        await move_to(pilot, 0)
        assert not any(CHIPPED in line for line in screen_lines(app))

        await pilot.press("t")
        await pilot.pause()
        assert any(CHIPPED in line for line in screen_lines(app)), screen_lines(app)[:4]

        # Keys: the chips are skipped, the cursor goes from code point to code point.
        await move_to(pilot, TEXT.index("Mirzoyan"))
        await pilot.press("w")
        assert view.cursor == TEXT.index("met")
        await pilot.press("h")
        assert view.cursor == TEXT.index(" met")
        await pilot.press("h")
        assert view.cursor == TEXT.index("n met")

        # The mouse: a chip's cell is the span's last character; the cell after is "met".
        await pilot.click(view, screen_cell(pilot, CHIPPED, len("Mirzoyan[to")))
        assert view.cursor == TEXT.index("n met")
        await pilot.click(view, screen_cell(pilot, CHIPPED, CHIPPED.index("met")))
        assert view.cursor == TEXT.index("met")
        start = screen_cell(pilot, CHIPPED, CHIPPED.index("met"))
        await pilot.mouse_down(view, start)
        await pilot.hover(view, (start[0] + 2, start[1]))
        await pilot.mouse_up(view, (start[0] + 2, start[1]))
        assert view.selection == (TEXT.index("met"), TEXT.index("met") + 3)

        # Search and tagging: the match and the new span are the exact words.
        await search(pilot, "Moscow")
        moscow = TEXT.index("Moscow")
        assert view.selection == (moscow, moscow + len("Moscow"))
        await pilot.press("2")
        await pilot.pause()
        assert any("Moscow[topic] on" in line for line in screen_lines(app))

        await pilot.press("t")  # off again
        await pilot.pause()
        assert not any("[topic]" in line for line in screen_lines(app))
    assert sorted((r.start, r.end, r.label, r.text) for r in reader.rows()) == sorted([
        (0, 15, "actor", "Ararat Mirzoyan"), (7, 15, "topic", "Mirzoyan"),
        (moscow, moscow + 6, "topic", "Moscow")])


async def test_chips_wrap_the_text_and_the_cursor_follows_the_wrap(reader) -> None:
    """A chip near a row's end pushes the next word down a row: the rows change and the
    cursor is drawn where its code point now is."""
    app = reader.open(TEXT)
    async with app.run_test(size=(40, 20)) as pilot:
        view = view_of(app)
        await tag(pilot, "Sergey Lavrov", "1")
        await move_to(pilot, TEXT.index("Moscow"))
        assert any(line.strip().endswith("Sergey Lavrov in") for line in screen_lines(app))
        before = screen_cell(pilot, "Moscow")
        await pilot.press("t")
        await pilot.pause()
        assert any(line.strip().endswith("Sergey") for line in screen_lines(app))
        assert any(line.strip().startswith("Lavrov[actor] in Moscow") for line in
                   screen_lines(app))
        x, y = screen_cell(pilot, "Moscow")
        assert (x, y) != before
        assert view.cursor == TEXT.index("Moscow")
        assert cell_of(app, view.cursor) == (x, y), "the layout agrees with the screen"
        await pilot.click(view, (x + 1, y))
        assert view.cursor == TEXT.index("Moscow") + 1
        await pilot.press("j", "k")
        assert view.cursor == TEXT.index("Moscow") + 1


async def test_chips_in_compare_mode_name_each_side_once(reader) -> None:
    """Compare mode: a span both sides have gets one chip; another annotator's own span
    gets its chip in italics, as their spans are drawn."""
    from reader.store.annotations import AnnotationStore
    from reader.store.database import connect

    app = reader.open(TEXT, compare=True)
    conn = connect(reader.db_path)
    mine = AnnotationStore(conn, reader.document.id, "tester")
    theirs = AnnotationStore(conn, reader.document.id, "bob")
    mine.create(0, 15, "actor", "Ararat Mirzoyan")
    theirs.create(0, 15, "actor", "Ararat Mirzoyan")
    theirs.create(7, 15, "topic", "Mirzoyan")
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        await pilot.press("t")
        await move_to(pilot, len(TEXT))
        assert any(CHIPPED in line for line in screen_lines(app)), screen_lines(app)[:3]
        x, y = screen_cell(pilot, CHIPPED, len("Mirzoyan[t"))
        content = view.scrollable_content_region
        x, y = x - (content.x - view.region.x), y - (content.y - view.region.y)
        column, italic = 0, None
        for segment in view.render_line(y):
            if column <= x < column + len(segment.text):
                italic = segment.style.italic if segment.style else None
            column += len(segment.text)
        assert italic, "bob's chip is italic"
