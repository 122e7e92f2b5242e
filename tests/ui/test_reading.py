"""Reading keys (issue 2) through the Pilot: the app as `reader open` builds it, driven by
key presses, checked as offsets into the exact document text."""

from __future__ import annotations

import inspect
import re

from pilot_helpers import (
    LONG_PATH,
    SIZE,
    assert_rows_on_screen,
    cell_of,
    footer_shown,
    move_to,
    screen_lines,
    screen_of,
    search,
    status_text,
    type_text,
    view_of,
)
from rich.console import Console
from textual.binding import Binding
from textual.widgets import Static

from reader.text.tokens import tokenize
from reader.ui.screens.article import ArticleScreen
from reader.ui.screens.help import HelpScreen, key_names
from reader.ui.widgets.article_view import ArticleView

FIREFIGHTER = "👨🏻\u200d🚒"


def row_col(app, offset: int | None = None) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    view = view_of(app)
    return view.wrapped.position_of(view.cursor if offset is None else offset)


# --- cursor movement ---------------------------------------------------------------------


async def test_left_right_step_over_whole_graphemes_and_crlf(reader, multilingual_text) -> None:
    """h/l and the arrows move one display unit: an emoji ZWJ sequence is one step, a CRLF
    line break is one step, a decomposed é is one step."""
    text = multilingual_text
    app = reader.open(text)
    emoji = text.index(FIREFIGHTER)
    line_end = text.index("\r\n", emoji)
    accent = text.index("Rene\u0301e") + 3  # the e that carries the combining acute
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        await move_to(pilot, emoji)
        await pilot.press("l")
        assert view.cursor == emoji + len(FIREFIGHTER)
        await pilot.press("h")
        assert view.cursor == emoji
        await pilot.press("right")
        assert view.cursor == emoji + len(FIREFIGHTER)
        await pilot.press("left")
        assert view.cursor == emoji

        await move_to(pilot, line_end)
        await pilot.press("right")
        assert view.cursor == line_end + 2, "CRLF is one step, never a stop between \\r and \\n"
        await pilot.press("left")
        assert view.cursor == line_end

        await move_to(pilot, accent)
        await pilot.press("l")
        assert view.cursor == accent + 2
        assert text[accent:view.cursor] == "e\u0301"


async def test_up_down_and_jk_keep_the_column(reader, seed_text) -> None:
    app = reader.open(seed_text)
    start = seed_text.index("Minister of Foreign Affairs of Armenia") + 9
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        await move_to(pilot, start)
        y, x = row_col(app)
        await pilot.press("j")
        assert row_col(app) == (y + 1, x)
        await pilot.press("down")
        assert row_col(app) == (y + 2, x)
        await pilot.press("k", "up")
        assert view.cursor == start
        # Through a blank line and back, the goal column is remembered.
        await pilot.press("j", "j", "j", "j", "k", "k", "k", "k")
        assert view.cursor == start
        assert status_text(app).startswith(f"{view.lines.line_of(start) + 1}:")


async def test_w_and_b_move_by_word(reader, multilingual_text) -> None:
    text = multilingual_text
    app = reader.open(text)
    tokens = tokenize(text)
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        await pilot.press("w", "w", "w")
        assert view.cursor == tokens[3].start
        await pilot.press("b")
        assert view.cursor == tokens[2].start
        # Across a CRLF and into CJK: w always lands on the next token's start.
        chinese = text.index("“北京")
        first = next(i for i, token in enumerate(tokens) if token.start >= chinese)
        await move_to(pilot, tokens[first - 1].start)
        for index in range(first, first + 4):
            await pilot.press("w")
            assert view.cursor == tokens[index].start, text[view.cursor:view.cursor + 5]
        await pilot.press("b", "b")
        assert view.cursor == tokens[first + 1].start


# --- paging ------------------------------------------------------------------------------


async def test_page_and_half_page_keys(reader) -> None:
    app = reader.open(path=LONG_PATH)
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        height = view.scrollable_content_region.height
        assert height > 10
        await pilot.press("pagedown")
        assert round(view.scroll_y) == height - 1
        assert row_col(app)[0] == height - 1, "the cursor travels with the page"
        await pilot.press("space")
        assert round(view.scroll_y) == 2 * (height - 1)
        await pilot.press("pageup")
        assert round(view.scroll_y) == height - 1
        await pilot.press("pageup")
        assert round(view.scroll_y) == 0
        assert view.cursor == 0

        await pilot.press("ctrl+d")
        assert round(view.scroll_y) == height // 2
        assert row_col(app)[0] == height // 2
        await pilot.press("ctrl+d")
        assert round(view.scroll_y) == 2 * (height // 2)
        await pilot.press("ctrl+u")
        assert round(view.scroll_y) == height // 2
        assert_rows_on_screen(app)


async def test_g_and_G_go_to_start_and_end(reader) -> None:
    app = reader.open(path=LONG_PATH)
    text = reader.text
    last_line = text.rstrip().rsplit("\n", 1)[-1]
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        await pilot.press("G")
        assert view.cursor == len(text)
        assert round(view.scroll_y) == view.max_scroll_y > 0
        assert_rows_on_screen(app, view.scrollable_content_region.height)
        assert last_line[-8:] in "\n".join(screen_lines(app))
        assert "100%" in status_text(app)
        await pilot.press("g")
        assert view.cursor == 0
        assert round(view.scroll_y) == 0
        assert_rows_on_screen(app)
        await pilot.press("end")
        assert view.cursor == len(text)
        await pilot.press("home")
        assert view.cursor == 0


async def test_mouse_wheel_scrolls(reader) -> None:
    from textual import events

    app = reader.open(path=LONG_PATH)
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        for _ in range(3):
            view.post_message(events.MouseScrollDown(view, 5, 5, 0, 1, 0, False, False, False))
        await pilot.pause()
        assert view.scroll_y > 0
        assert view.top_offset > 0
        assert_rows_on_screen(app)


# --- search ------------------------------------------------------------------------------


async def test_search_highlights_matches_and_lands_on_the_first(reader, seed_text) -> None:
    app = reader.open(seed_text)
    expected = [m.start() for m in re.finditer("Lavrov", seed_text)]
    assert len(expected) >= 4
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        await search(pilot, "Lavrov", submit=False)
        assert [m.start for m in view.matches] == expected
        assert all(seed_text[m.start:m.end] == "Lavrov" for m in view.matches)
        assert view.current_match == 0
        assert view.cursor == expected[0]
        assert f"match 1/{len(expected)}" in status_text(app)
        # The current match is drawn in its own style, the others in the match style.
        y, _x = row_col(app, expected[0])
        strip = view.render_line(y - round(view.scroll_y))
        current = view.get_component_rich_style("article-view--current-match")
        plain = view.get_component_rich_style("article-view--match")
        # The cursor sits on the L; the rest of the current match has the current style.
        assert [s.style.bgcolor for s in strip if s.text == "avrov"] == [current.bgcolor]
        y, _x = row_col(app, expected[1])
        strip = view.render_line(y - round(view.scroll_y))
        others = [s for s in strip if s.text == "Lavrov"]
        assert others and others[0].style.bgcolor == (view.rich_style + plain).bgcolor


async def test_search_enter_selects_and_n_N_move_the_selection(reader, seed_text) -> None:
    app = reader.open(seed_text)
    found = [m.span() for m in re.finditer("Lavrov", seed_text)]
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        await search(pilot, "Lavrov")
        assert view.selection == found[0]
        assert view.has_focus, "Enter hands the keys back to the article"
        await pilot.press("n")
        assert view.selection == found[1]
        assert view.current_match == 1
        await pilot.press("n", "n")
        assert view.selection == found[3]
        await pilot.press("N")
        assert view.selection == found[2]
        await pilot.press("N", "N", "N")
        assert view.selection == found[-1], "N wraps around to the last match"
        await pilot.press("escape")
        assert view.selection is None
        assert view.matches == []


async def test_n_without_selection_moves_the_cursor(reader, seed_text) -> None:
    app = reader.open(seed_text)
    found = [m.start() for m in re.finditer("Mirzoyan", seed_text)]
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        await search(pilot, "Mirzoyan")
        between = found[1] + 10
        await pilot.click(view, cell_of(app, between))  # a click drops the selection
        assert view.selection is None and view.cursor == between
        await pilot.press("n")
        assert view.cursor == found[2]
        assert view.selection is None
        assert view.current_match == 2
        await pilot.press("N", "N")
        assert view.cursor == found[0]


async def test_search_is_smart_case(reader, seed_text) -> None:
    app = reader.open(seed_text)
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        await search(pilot, "the", submit=False)
        assert len(view.matches) == len(re.findall("(?i)the", seed_text))
        bar = screen_of(app).query_one("#search")
        bar.value = ""  # type: ignore[attr-defined]
        await type_text(pilot, "The")
        assert len(view.matches) == seed_text.count("The")


async def test_search_escape_cancels_and_returns(reader, seed_text) -> None:
    app = reader.open(seed_text)
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        await move_to(pilot, 40)
        await search(pilot, "Yerevan", submit=False)
        assert view.cursor == seed_text.index("Yerevan")
        await pilot.press("escape")
        assert view.cursor == 40
        assert view.matches == [] and view.selection is None
        assert view.has_focus


async def test_failed_search_leaves_the_cursor_where_it_was(reader, seed_text) -> None:
    app = reader.open(seed_text)
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        await move_to(pilot, 40)
        await search(pilot, "no such words here")
        assert view.matches == []
        assert "not found" in status_text(app)
        assert view.cursor == 40


# --- help, palette, quit, resize ---------------------------------------------------------


def rendered(static: Static) -> str:
    console = Console(width=120, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(static.content)
    return console.export_text()


async def test_help_lists_every_binding_and_label(reader, seed_text) -> None:
    app = reader.open(seed_text)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        text = "\n".join(rendered(s) for s in help_screen.query(Static))
        bindings = [b for b in (*ArticleView.BINDINGS, *ArticleScreen.BINDINGS)
                    if isinstance(b, Binding) and not (b.id or "").startswith("tag.key")]
        for binding in bindings:
            assert binding.description in text, binding
            assert key_names(binding.key) in text, binding
        for label in app.config.labels:
            assert label.name in text and label.description in text
        await pilot.press("q")  # closes the help, does not quit
        assert isinstance(app.screen, ArticleScreen)
        assert app.is_running


async def test_every_action_is_in_the_command_palette(reader, seed_text) -> None:
    app = reader.open(seed_text)
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        commands = {c.title: c for c in app.get_system_commands(screen)}
        for binding in (*ArticleView.BINDINGS, *ArticleScreen.BINDINGS):
            assert isinstance(binding, Binding)
            if not (binding.id or "").startswith("tag.key"):
                assert binding.description in commands, binding
        for label in app.config.labels:
            assert f"Tag as {label.name}" in commands
        result = commands["End"].callback()
        if inspect.isawaitable(result):
            await result
        await pilot.pause()
        assert view_of(app).cursor == len(seed_text)


async def test_q_saves_the_position_and_reopening_restores_it(reader) -> None:
    app = reader.open(path=LONG_PATH)
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        await pilot.press("pagedown", "pagedown", "j", "w")
        cursor, top = view.cursor, view.top_offset
        assert top > 0 and cursor > top
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    assert reader.position() == (cursor, top)

    again = reader.reopen()
    async with again.run_test(size=SIZE) as pilot:
        view = view_of(again)
        await pilot.pause()
        assert view.cursor == cursor
        assert view.top_offset == top
        assert_rows_on_screen(again)


async def test_resize_rewraps_and_keeps_the_reading_position(reader) -> None:
    app = reader.open(path=LONG_PATH)
    text = reader.text
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        await pilot.press("pagedown", "pagedown", "pagedown", "j", "j")
        top, cursor = view.top_offset, view.cursor
        wide_width = view.wrapped.width
        for width, height in ((60, 30), (130, 20), (100, 30)):
            await pilot.resize_terminal(width, height)
            # A loaded machine may check between the new layout and the scroll that
            # follows it (or while rows are refined): look once the view has settled.
            for _ in range(400):
                await pilot.pause()
                if view._render_top is None and view.wrapped.exact:
                    break
            assert view.wrapped.width == view.scrollable_content_region.width != 0
            assert view.cursor == cursor
            top_row = round(view.scroll_y)
            assert view.wrapped.row_of_offset(top) in (top_row, top_row + 1), \
                "the text that was at the top is still at the top"
            cursor_row = view.wrapped.row_of_offset(cursor)
            assert top_row <= cursor_row < top_row + view.scrollable_content_region.height
            # Every visible row is cut at the new width and shows the text it maps to.
            lines = screen_lines(app)
            for y in range(3):
                start, end, _last = view.wrapped.row_span(top_row + y)
                assert text[start:end].strip()[:15] in lines[1 + y]
                assert len(text[start:end].rstrip()) <= view.wrapped.width
        assert view.wrapped.width == wide_width


# --- what the screen shows ---------------------------------------------------------------


async def test_footer_shows_the_main_keys_from_the_start(reader, seed_text) -> None:
    app = reader.open(seed_text)
    async with app.run_test(size=SIZE) as pilot:
        await footer_shown(pilot)
        footer = screen_lines(app)[-1]
        for word in ("Search", "Help", "Quit"):
            assert word in footer, footer


async def test_search_prompt_shows_the_query(reader, seed_text) -> None:
    app = reader.open(seed_text)
    async with app.run_test(size=SIZE) as pilot:
        await search(pilot, "Yerevan", submit=False)
        bar = screen_of(app).query_one("#search")
        assert bar.has_focus
        row = screen_lines(app)[bar.region.y]
        assert "Yerevan" in row and "Cancel search" not in row, row


async def test_resize_keeps_the_cursor_on_screen(reader) -> None:
    """At the end of the article, a narrower or shorter window must not push the cursor off
    the bottom (the next key would act on a word nobody can see)."""
    app = reader.open(path=LONG_PATH)
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        await pilot.press("G", "k", "k")
        cursor = view.cursor
        for width, height in ((60, 30), (100, 12), (45, 20)):
            await pilot.resize_terminal(width, height)
            await pilot.pause()
            top = round(view.scroll_y)
            row = view.wrapped.row_of_offset(cursor)
            assert top <= row < top + view.scrollable_content_region.height, (width, height)
            assert view.cursor == cursor
            assert_rows_on_screen(app, view.scrollable_content_region.height)
