"""A day of reading (issue 12, item 10): a reading width centring a column of text (the
mouse still lands on the offset drawn under it), the theme remembered across runs, `W`/`B`
by whitespace-separated WORD, counts before motions (typed after a 0, since 1-9 tag), and an
undo that gives back the selection a tag cleared."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pilot_helpers import SEED_PATH, move_to, screen_lines, status_text, type_text, view_of
from textual.pilot import Pilot

from reader.annotate.labels import Config
from reader.settings import SettingsFile
from reader.ui.app import ReaderApp

WIDE = (120, 40)
HYPHENS = ("Talks on Nagorno-Karabakh, the U.S.-led plan and\n"
           "cross-border trade: Mirzoyan met Lavrov in Moscow. " * 3)


def on_screen(app: ReaderApp, word: str) -> tuple[int, int]:
    """The screen cell (x, y) where `word` is drawn, found in what the terminal shows."""
    for y, line in enumerate(screen_lines(app)):
        x = line.find(word)
        if x >= 0:
            return x, y
    raise AssertionError(f"{word!r} is not on screen")


async def settle(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    await pilot.pause()


# --- reading width ----------------------------------------------------------------------


async def test_a_reading_width_centres_the_text_and_the_mouse_lands_on_it(reader) -> None:
    app = reader.open(path=SEED_PATH, config=Config(width=60))
    text = reader.text
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        view = view_of(app)
        assert view.wrapped.width == 60
        column = view.column
        assert column.margin == (view.scrollable_content_region.width - 60) // 2 > 20
        left = view.scrollable_content_region.x + column.margin
        rows = screen_lines(app)[view.region.y:view.region.y + 10]
        assert all(not row[:left].strip() for row in rows), "the margin is blank"
        assert all(len(row[left:].rstrip()) <= 60 + 1 for row in rows)  # + the scrollbar
        # A click on "Lavrov" where the terminal shows it puts the cursor on its first letter.
        x, y = on_screen(app, "Sergey Lavrov")
        await pilot.click(offset=(x + len("Sergey "), y))
        lavrov = text.index("Sergey Lavrov") + len("Sergey ")
        assert view.cursor == lavrov and view.selection is None
        # A drag over "Sergey Lavrov" selects exactly it; a label key tags it.
        await pilot.mouse_down(offset=(x, y))
        await pilot.hover(offset=(x + len("Sergey Lavrov") - 1, y))
        await pilot.mouse_up(offset=(x + len("Sergey Lavrov") - 1, y))
        sergey = text.index("Sergey Lavrov")
        assert view.selection == (sergey, sergey + len("Sergey Lavrov"))
        await pilot.press("1")
        # A click in the left margin: the start of the row beside it.
        await pilot.click(offset=(2, y))
        assert view.cursor == view.wrapped.row_span(round(view.scroll_y) + y - view.region.y)[0]
    assert [(row.start, row.end, row.text) for row in reader.rows()] == [
        (sergey, sergey + len("Sergey Lavrov"), "Sergey Lavrov")]


async def test_label_chips_in_a_reading_width_keep_the_mouse_exact(reader) -> None:
    """`t` draws label names after spans inside the column: a click on the text after a chip
    still lands on the offset drawn there."""
    app = reader.open(path=SEED_PATH, config=Config(width=60))
    text = reader.text
    sergey = text.index("Sergey Lavrov")
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        view = view_of(app)
        view.set_selection(sergey, sergey + len("Sergey Lavrov"))
        await pilot.press("1", "t")
        await pilot.pause()
        x, y = on_screen(app, "in Moscow")
        row = screen_lines(app)[y]
        assert "Lavrov" in row and row.index("actor") > row.index("Lavrov"), row  # the chip
        await pilot.click(offset=(x + len("in "), y))
        assert view.cursor == text.index("Moscow", sergey)


async def test_the_width_key_cycles_and_keeps_the_reading_position(reader) -> None:
    app = reader.open(path=SEED_PATH)
    text = reader.text
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        view = view_of(app)
        full = view.wrapped.width
        await move_to(pilot, text.index("It is important"))
        top = view.top_offset
        widths = []
        for _ in range(4):
            await pilot.press("equals_sign")
            widths.append((view.reading_width, view.wrapped.width))
            assert text[view.top_offset:].startswith(text[top:top + 1])
            assert abs(view.top_offset - top) < 120, "the top row stays in place"
            assert view.cursor == text.index("It is important")
        assert widths == [(80, 80), (100, 100), (None, full), (80, 80)]
        assert "reading width: 80" in status_text(app)
        assert app.workspace.reading_width == 80  # the next document opens at 80


# --- theme ------------------------------------------------------------------------------


async def test_the_theme_chosen_in_the_palette_is_remembered(reader, tmp_path: Path) -> None:
    settings = SettingsFile(tmp_path / "settings.json")
    app = reader.open(path=SEED_PATH, settings=settings)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert app.theme != "nord"
        await pilot.press("ctrl+p")
        await type_text(pilot, "theme")
        await pilot.press("enter")
        await type_text(pilot, "nord")
        await pilot.press("enter")
        await pilot.pause()
        assert app.theme == "nord"
        await app.workers.wait_for_complete()
    assert json.loads(settings.path.read_text()) == {"theme": "nord"}
    again = reader.reopen(settings=settings)
    async with again.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert again.theme == "nord"


async def test_a_settings_file_that_is_not_readers_is_left_alone(reader, tmp_path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("[1, 2]\n")
    app = reader.open(path=SEED_PATH, settings=SettingsFile(path))
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        app.theme = "nord"
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        told = [str(notice.message) for notice in app._notifications]
    assert path.read_text() == "[1, 2]\n"
    assert any("not reader's settings file" in message for message in told), told


# --- WORD motion ------------------------------------------------------------------------


async def test_big_w_and_b_step_over_hyphenated_words(reader) -> None:
    app = reader.open(HYPHENS)
    async with app.run_test(size=WIDE) as pilot:
        view = view_of(app)
        await move_to(pilot, HYPHENS.index("Nagorno"))
        await pilot.press("W")
        assert view.cursor == HYPHENS.index("the U.S.")
        await pilot.press("W")
        assert view.cursor == HYPHENS.index("U.S.")
        await pilot.press("B", "B")
        assert view.cursor == HYPHENS.index("Nagorno")
        await pilot.press("w")
        assert view.cursor == HYPHENS.index("-Karabakh"), "w still stops at the hyphen"
        # In v mode W selects whole WORDs, the comma with them, no trailing space.
        await move_to(pilot, HYPHENS.index("Nagorno"))
        await pilot.press("v", "W")
        assert view.selection is not None
        assert HYPHENS[slice(*view.selection)] == "Nagorno-Karabakh,"


# --- counts -----------------------------------------------------------------------------


async def test_a_count_after_0_repeats_a_motion_and_1_still_tags_at_once(reader) -> None:
    app = reader.open(HYPHENS)
    async with app.run_test(size=WIDE) as pilot:
        view = view_of(app)
        await move_to(pilot, 0)
        await pilot.press("0", "3")
        assert "COUNT 3" in status_text(app)
        await pilot.press("W")
        assert view.cursor == HYPHENS.index("the U.S."), "3W: three WORDs on"
        assert "COUNT" not in status_text(app)
        await pilot.press("0", "2", "w")
        assert view.cursor == HYPHENS.index("U.S.") + 1  # "the", "U"... two words: "."
        await pilot.press("0", "2", "j")
        assert view.wrapped.position_of(view.cursor)[0] == 2
        await pilot.press("0", "1", "2", "b")
        await pilot.press("0", "4", "G")
        assert view.cursor == view.lines.starts[3], "04G: the start of line 4"
        # Escape drops a count without moving; the next 1 tags the word at once.
        await pilot.press("0", "5", "escape")
        assert "COUNT" not in status_text(app)
        await pilot.press("1")
        start = view.lines.starts[3]
        assert view.cursor == start and HYPHENS[start:start + 5] == "cross"
    assert [(r.start, r.end, r.label) for r in reader.rows()] == [(start, start + 5, "actor")]


async def test_a_key_that_is_no_motion_drops_the_count_and_does_its_work(reader) -> None:
    app = reader.open(HYPHENS)
    async with app.run_test(size=WIDE) as pilot:
        view = view_of(app)
        await move_to(pilot, HYPHENS.index("Mirzoyan"))
        await pilot.press("0", "3", "v")  # v is no motion: the count goes, v selects
        assert view.pending_count is None and view.selecting
        await pilot.press("0", "3", "l")
        assert view.selection == (HYPHENS.index("Mirzoyan"), HYPHENS.index("Mirzoyan") + 3)
        await pilot.press("0", "tab")  # leaving the article drops it too
        assert view.pending_count is None


async def test_a_count_follows_the_users_keys(reader, tmp_path: Path) -> None:
    """With `w` moved to `e` in `[keys]`, `03e` moves three words and `03w` moves none."""
    from reader.annotate.labels import load_config

    config_path = tmp_path / "reader.toml"
    config_path.write_text('[keys]\n"cursor.word_forward" = "e"\n', encoding="utf-8")
    app = reader.open(HYPHENS, config=load_config(config_path))
    async with app.run_test(size=WIDE) as pilot:
        view = view_of(app)
        await move_to(pilot, 0)
        await pilot.press("0", "3", "e")
        assert view.cursor == HYPHENS.index("-Karabakh")  # Talks, on, Nagorno
        await pilot.press("0", "3", "w")
        assert view.cursor == HYPHENS.index("-Karabakh") and view.pending_count is None


# --- undo gives the selection back ------------------------------------------------------


async def test_undo_of_a_tag_gives_back_the_selection_it_cleared(reader) -> None:
    app = reader.open(HYPHENS)
    start = HYPHENS.index("Mirzoyan met Lavrov")
    end = start + len("Mirzoyan met Lavrov")
    async with app.run_test(size=WIDE) as pilot:
        view = view_of(app)
        await move_to(pilot, start)
        await pilot.press("v", "W", "W", "W")
        assert view.selection == (start, end)
        await pilot.press("1")
        assert view.selection is None
        await pilot.press("u")
        assert view.selection == (start, end), "the selection the tag cleared is back"
        assert view.selecting, "in v mode, as it was: W goes on extending it"
        await pilot.press("2")  # the label meant
        await pilot.press("u", "ctrl+r")  # a redo tags again and clears it again
        assert view.selection is None
        # A word tagged without a selection: its undo selects nothing.
        await move_to(pilot, HYPHENS.index("Moscow"))
        await pilot.press("3", "u")
        assert view.selection is None and view.cursor == HYPHENS.index("Moscow")
    assert [(r.start, r.end, r.label) for r in reader.rows()] == [(start, end, "topic")]
