"""Annotating keys (issue 3) through the Pilot. Every span a test creates is read back from
the database on disk and checked against the document: text[start:end] == its text."""

from __future__ import annotations

import colorsys
import json
import re
import sqlite3

import pyperclip
import pytest
from pilot_helpers import (
    SIZE,
    ReaderFactory,
    Row,
    assert_exact,
    burst,
    cell_of,
    move_to,
    screen_of,
    search,
    sidebar_of,
    spans_on_screen,
    status_text,
    type_text,
    view_of,
)
from rich.style import Style
from textual.color import Color
from textual.widgets import Input, OptionList

from reader.annotate.labels import Config, labels_from_names
from reader.store.annotations import AnnotationStore
from reader.ui.screens.article import ArticleScreen
from reader.ui.screens.dialogs import ChooseScreen, NoteScreen
from reader.ui.widgets.annotation_list import SpanList

FIREFIGHTER = "👨🏻\u200d🚒"


def live(reader: ReaderFactory) -> list[Row]:
    """The annotator's live spans on disk, checked against the text."""
    rows = reader.rows()
    assert_exact(rows, reader.text)
    return rows


def keys(rows: list[Row]) -> list[tuple[int, int, str]]:
    return [row.key for row in rows]


def span_of(text: str, phrase: str, label: str, occurrence: int = 0) -> tuple[int, int, str]:
    start = [m.start() for m in re.finditer(re.escape(phrase), text)][occurrence]
    return start, start + len(phrase), label


# --- tagging -----------------------------------------------------------------------------


async def test_search_enter_and_1_tag_the_match_as_actor(reader, seed_text) -> None:
    app = reader.open(seed_text)
    async with app.run_test(size=SIZE) as pilot:
        await search(pilot, "Ararat Mirzoyan")
        await pilot.press("1")
        assert "saved" in status_text(app)
        assert view_of(app).selection is None, "tagging consumes the selection"
    rows = live(reader)
    assert keys(rows) == [span_of(seed_text, "Ararat Mirzoyan", "actor")]
    assert rows[0].text == "Ararat Mirzoyan" and rows[0].annotator == "tester"
    assert [kind for kind, _uid in reader.events()] == ["create"]


async def test_label_key_tags_the_word_under_the_cursor(reader, seed_text) -> None:
    app = reader.open(seed_text)
    lavrov = span_of(seed_text, "Lavrov", "topic", 1)
    async with app.run_test(size=SIZE) as pilot:
        await move_to(pilot, lavrov[0] + 3)  # inside the word
        await pilot.press("2")
        assert spans_on_screen(app) == [lavrov]
        assert "[topic]" in status_text(app), "the status names the span under the cursor"
        await move_to(pilot, seed_text.index("  ") if "  " in seed_text else
                      seed_text.index("\n\n") + 1)
        await pilot.press("3")  # on blank space: nothing to tag
        assert "nothing to tag" in status_text(app)
    assert keys(live(reader)) == [lavrov]


async def test_same_key_toggles_off_and_another_key_adds_a_label(reader, seed_text) -> None:
    app = reader.open(seed_text)
    word = span_of(seed_text, "Moscow", "actor")
    async with app.run_test(size=SIZE) as pilot:
        await move_to(pilot, word[0])
        await pilot.press("1")
        assert keys(live(reader)) == [word]
        await pilot.press("1")
        assert live(reader) == [] and spans_on_screen(app) == []
        assert "removed" in status_text(app)
        await pilot.press("1", "2")
        both = [word, (word[0], word[1], "topic")]
        assert sorted(keys(live(reader))) == sorted(both)
        assert sorted(spans_on_screen(app)) == sorted(both)
        await pilot.press("2")  # toggles topic off, actor stays
        assert keys(live(reader)) == [word]
    deleted = [row for row in reader.rows(deleted=True) if row.deleted]
    assert len(deleted) == 2, "removal is a soft delete: the history stays auditable"
    assert [kind for kind, _ in reader.events()] == ["create", "delete", "create", "create",
                                                     "delete"]


async def test_same_key_inside_a_longer_span_removes_it(reader, seed_text) -> None:
    """Issue 3: "The same key on a span that already has that label removes it"."""
    app = reader.open(seed_text)
    name = span_of(seed_text, "Ararat Mirzoyan", "actor")
    async with app.run_test(size=SIZE) as pilot:
        await search(pilot, "Ararat Mirzoyan")
        await pilot.press("1")
        assert keys(live(reader)) == [name]
        await move_to(pilot, name[0] + len("Ararat M"))  # inside, on "Mirzoyan"
        await pilot.press("1")  # longer than the word: asks first (issue 12, item 7)
        assert keys(live(reader)) == [name]
        await pilot.press("1")
    assert live(reader) == []


async def test_selection_is_trimmed_before_tagging(reader, seed_text) -> None:
    app = reader.open(seed_text)
    sergey = seed_text.index("Sergey Lavrov")
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        await move_to(pilot, sergey - 2)  # ", " before the name
        await pilot.press("l")
        await pilot.press("v", "w", "w", "shift+right")  # " Sergey Lavrov," minus the comma
        assert view.selection == (sergey - 1, sergey + len("Sergey Lavrov,"))
        await pilot.press("shift+left")
        assert seed_text[slice(*view.selection)] == " Sergey Lavrov"
        await pilot.press("1")
    assert keys(live(reader)) == [(sergey, sergey + len("Sergey Lavrov"), "actor")]


# --- selecting ---------------------------------------------------------------------------


async def test_v_and_motions_extend_the_selection(reader, seed_text) -> None:
    app = reader.open(seed_text)
    start = seed_text.index("Minister of Foreign Affairs of Armenia")
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        await move_to(pilot, start)
        await pilot.press("v")
        assert view.selection is None and "SELECT" in status_text(app)
        await pilot.press("w")
        assert seed_text[slice(*view.selection)] == "Minister"
        await pilot.press("w", "w")
        assert seed_text[slice(*view.selection)] == "Minister of Foreign"
        await pilot.press("l", "l")
        assert seed_text[slice(*view.selection)] == "Minister of Foreign A"
        await pilot.press("h")
        assert seed_text[slice(*view.selection)] == "Minister of Foreign "
        await pilot.press("b")
        assert seed_text[slice(*view.selection)] == "Minister of "
        await pilot.press("j")
        y0, _ = view.wrapped.position_of(start)
        y1, _ = view.wrapped.position_of(view.cursor)
        assert y1 == y0 + 1 and view.selection[0] == start
        assert "SELECT" in status_text(app)
        await pilot.press("k", "escape")
        assert view.selection is None
        await pilot.press("v", "w", "v")  # v again ends the selection
        assert view.selection is None
        # Backwards from the anchor: the selection is [cursor, anchor).
        await move_to(pilot, start + len("Minister of"))
        await pilot.press("v", "b", "b")
        assert seed_text[slice(*view.selection)] == "Minister of"
        await pilot.press("2")
    assert keys(live(reader)) == [(start, start + len("Minister of"), "topic")]


async def test_shift_arrows_extend_the_selection(reader, multilingual_text) -> None:
    text = multilingual_text
    app = reader.open(text)
    chinese = text.index("北京市")
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        await move_to(pilot, chinese)
        await pilot.press("shift+right", "shift+right", "shift+right")
        assert text[slice(*view.selection)] == "北京市"
        await pilot.press("shift+down")
        y0, _ = view.wrapped.position_of(chinese)
        assert view.wrapped.position_of(view.cursor)[0] == y0 + 1
        await pilot.press("shift+up")
        assert text[slice(*view.selection)] == "北京市"
        await pilot.press("shift+left")
        assert text[slice(*view.selection)] == "北京"
        await pilot.press("1")
    assert keys(live(reader)) == [(chinese, chinese + 2, "actor")]


async def test_mouse_drag_selects_exact_offsets(reader, seed_text) -> None:
    app = reader.open(seed_text)
    start = seed_text.index("Sergey Lavrov")
    end = start + len("Sergey Lavrov")
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        await pilot.mouse_down(view, cell_of(app, start))
        await pilot.hover(view, cell_of(app, start + 4))
        assert view.selection == (start, start + 5), "the cell under the pointer is included"
        await pilot.hover(view, cell_of(app, end - 1))
        await pilot.mouse_up(view, cell_of(app, end - 1))
        assert view.selection == (start, end)
        await pilot.press("1")
        # A plain click selects nothing: it only moves the cursor.
        moscow = seed_text.index("Moscow")
        await pilot.click(view, cell_of(app, moscow))
        assert view.selection is None and view.cursor == moscow
    assert keys(live(reader)) == [(start, end, "actor")]


async def test_mouse_drag_backwards_keeps_the_cell_first_pressed(reader, seed_text) -> None:
    app = reader.open(seed_text)
    start = seed_text.index("Sergey Lavrov")
    end = start + len("Sergey Lavrov")
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        await pilot.mouse_down(view, cell_of(app, end - 1))  # on the final "v"
        await pilot.hover(view, cell_of(app, start + 7))
        assert view.selection == (start + 7, end)
        await pilot.hover(view, cell_of(app, start))
        await pilot.mouse_up(view, cell_of(app, start))
        assert view.selection == (start, end), seed_text[slice(*view.selection)]
        await pilot.press("1")
    assert keys(live(reader)) == [(start, end, "actor")]


async def test_mouse_drag_past_the_end_of_a_line_stops_at_the_line_end(reader,
                                                                       seed_text) -> None:
    app = reader.open(seed_text)
    line_start = seed_text.index("Minister Mirzoyan expressed")
    line_end = seed_text.index("\n", line_start)
    last_row_start = seed_text.index("for all those who were injured.")
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        x, y = cell_of(app, last_row_start)
        await pilot.mouse_down(view, (x, y))
        await pilot.hover(view, (x + 60, y))  # the blank cells right of the text
        await pilot.mouse_up(view, (x + 60, y))
        assert view.selection == (last_row_start, line_end)
        # Backwards from past the end: the line break is not selected either.
        await pilot.mouse_down(view, (x + 60, y))
        await pilot.hover(view, (x + 4, y))
        await pilot.mouse_up(view, (x + 4, y))
        assert view.selection == (last_row_start + 4, line_end)


async def test_mouse_drag_over_wide_characters_and_emoji(reader, multilingual_text) -> None:
    text = multilingual_text
    app = reader.open(text)
    chinese = text.index("北京市")
    emoji = text.index(FIREFIGHTER)
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        await move_to(pilot, chinese)
        x, y = cell_of(app, chinese)
        await pilot.mouse_down(view, (x + 1, y))  # the right half of a wide character
        await pilot.hover(view, cell_of(app, chinese + 2))
        await pilot.mouse_up(view, cell_of(app, chinese + 2))
        assert view.selection == (chinese, chinese + 3)
        await pilot.press("2")
        await move_to(pilot, emoji)
        await pilot.mouse_down(view, cell_of(app, emoji))
        await pilot.hover(view, cell_of(app, emoji))
        await pilot.mouse_up(view, cell_of(app, emoji))
        assert view.selection == (emoji, emoji + len(FIREFIGHTER)), "an emoji is never split"
        await pilot.press("3")
    assert keys(live(reader)) == [(chinese, chinese + 3, "topic"),
                                  (emoji, emoji + len(FIREFIGHTER), "commitment")]


async def test_multilingual_crlf_spans_keep_exact_offsets(reader, multilingual_text) -> None:
    """Word under the cursor on emoji, decomposed accents and Arabic; a selection across a
    CRLF line break keeps the \\r\\n inside the span."""
    text = multilingual_text
    app = reader.open(text)
    renee = text.index("Rene\u0301e")
    arabic = text.index("الصحافة")
    emoji = text.index(FIREFIGHTER)
    heading = text.index("4. Combining accents")
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        for offset, key in ((renee + 4, "1"), (arabic + 2, "2"), (emoji + 1, "3")):
            await move_to(pilot, offset)
            await pilot.press(key)
        await move_to(pilot, heading)
        await pilot.press("v", "j", "j", "w")  # from the heading into the paragraph
        selected = text[slice(*view.selection)]
        assert "\r\n" in selected
        await pilot.press("1")
    rows = live(reader)
    assert {row.text for row in rows} >= {"Rene\u0301e", "الصحافة", FIREFIGHTER}
    crossing = next(row for row in rows if "\r\n" in row.text)
    assert crossing.start == heading and crossing.text == selected.strip()


# --- label picker ------------------------------------------------------------------------


async def test_enter_opens_a_fuzzy_label_picker(reader, seed_text) -> None:
    names = "person,organisation,place,date,money,event,law,product,language,quantity"
    config = Config(labels=labels_from_names(names))
    app = reader.open(seed_text, config=config)
    word = span_of(seed_text, "September 5", "date")
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        view.set_selection(word[0], word[1])
        await pilot.press("enter")
        picker = app.screen
        assert isinstance(picker, ChooseScreen)
        options = picker.query_one(OptionList)
        assert options.option_count == 10
        await type_text(pilot, "qnty")
        assert options.option_count >= 1
        assert options.get_option_at_index(0).id == "quantity"
        await pilot.press("backspace", "backspace", "backspace", "backspace")
        await type_text(pilot, "dat")
        assert options.get_option_at_index(options.highlighted).id == "date"
        await pilot.press("enter")
        assert isinstance(app.screen, ArticleScreen)
        # Escape in the picker tags nothing.
        view.set_selection(word[0], word[1])
        await pilot.press("enter", "escape")
        assert isinstance(app.screen, ArticleScreen)
    assert keys(live(reader)) == [word]


# --- deleting, notes, jumping ------------------------------------------------------------


async def test_x_deletes_and_asks_which_when_spans_overlap(reader, seed_text) -> None:
    app = reader.open(seed_text)
    name = span_of(seed_text, "Ararat Mirzoyan", "actor")
    first = (name[0], name[0] + len("Ararat"), "topic")
    other = span_of(seed_text, "Moscow", "actor")
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        view.set_selection(name[0], name[1])
        await pilot.press("1")
        await move_to(pilot, name[0])
        await pilot.press("2")  # "Ararat" as topic, nested in the actor span
        await move_to(pilot, other[0])
        await pilot.press("1")
        assert len(live(reader)) == 3

        await pilot.press("x")  # one span under the cursor: deleted at once
        assert sorted(keys(live(reader))) == sorted([name, first])

        await move_to(pilot, name[0] + 1)
        await pilot.press("x")
        chooser = app.screen
        assert isinstance(chooser, ChooseScreen)
        assert [c.title for c in chooser.choices] == ["topic", "actor"], "innermost first"
        await pilot.press("down", "enter")
        assert keys(live(reader)) == [first]
        assert spans_on_screen(app) == [first]

        await move_to(pilot, other[0])
        await pilot.press("x")  # nothing there any more
        assert "no annotation" in status_text(app)
    assert [kind for kind, _ in reader.events()].count("delete") == 2


async def test_a_adds_and_edits_a_note(reader, seed_text) -> None:
    app = reader.open(seed_text)
    word = span_of(seed_text, "Yerevan", "actor")
    async with app.run_test(size=SIZE) as pilot:
        await move_to(pilot, word[0])
        await pilot.press("1", "a")
        assert isinstance(app.screen, NoteScreen)
        await type_text(pilot, "capital, see Ararat’s remark ✍️")
        await pilot.press("enter")
        assert [r.note for r in live(reader)] == ["capital, see Ararat’s remark ✍️"]
        assert "✎" in status_text(app)

        await pilot.press("a")
        field = app.screen.query_one(Input)
        assert field.value == "capital, see Ararat’s remark ✍️", "editing starts from the note"
        field.value = ""
        await type_text(pilot, "city")
        await pilot.press("escape")  # cancel: nothing changes
        assert [r.note for r in live(reader)] == ["capital, see Ararat’s remark ✍️"]

        await pilot.press("a")
        app.screen.query_one(Input).value = ""
        await type_text(pilot, "  city  ")
        await pilot.press("enter")
        assert [r.note for r in live(reader)] == ["city"]

        await pilot.press("a")
        app.screen.query_one(Input).value = ""
        await pilot.press("enter")  # empty removes the note
        assert [r.note for r in live(reader)] == [""]
    assert [kind for kind, _ in reader.events()] == ["create", "note", "note", "note"]


async def test_brackets_jump_between_annotations(reader, seed_text) -> None:
    app = reader.open(seed_text)
    words = [span_of(seed_text, w, "actor") for w in ("Lavrov", "Moscow", "Yerevan")]
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        for start, _end, _label in words:
            await move_to(pilot, start)
            await pilot.press("1")
        await pilot.press("g")
        await pilot.press("right_square_bracket")
        assert view.cursor == words[0][0]
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert view.cursor == words[2][0]
        await pilot.press("right_square_bracket")
        assert view.cursor == words[2][0] and "no more" in status_text(app)
        await pilot.press("left_square_bracket")
        assert view.cursor == words[1][0]
        await pilot.press("G", "left_square_bracket")
        assert view.cursor == words[2][0]


# --- undo and redo -----------------------------------------------------------------------


async def test_undo_and_redo_have_no_depth_limit(reader, seed_text) -> None:
    app = reader.open(seed_text)
    starts = [m.start() for m in re.finditer(r"\bthe\b", seed_text)][:25]
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        for start in starts:
            view_of(app).move_cursor(start)
            screen.tag("topic")
        await pilot.pause()
        assert len(live(reader)) == 25
        await burst(pilot, *["u"] * 25)
        assert live(reader) == [] and spans_on_screen(app) == []
        await pilot.press("u")
        assert "nothing to undo" in status_text(app)
        await burst(pilot, *["ctrl+r"] * 25)
        assert [row.start for row in live(reader)] == starts
        assert "spans 25" in status_text(app)
        await pilot.press("ctrl+r")
        assert "nothing to redo" in status_text(app)


async def test_undo_reverts_delete_and_note_then_redo_reapplies(reader, seed_text) -> None:
    app = reader.open(seed_text)
    word = span_of(seed_text, "Afghanistan", "topic")
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        await move_to(pilot, word[0])
        await pilot.press("2", "a")
        await type_text(pilot, "embassy")
        await pilot.press("enter", "x")
        assert live(reader) == []
        await pilot.press("g", "u")
        assert [(r.key, r.note) for r in live(reader)] == [(word, "embassy")]
        assert view.cursor == word[0], "undo shows what it brought back"
        await pilot.press("u")
        assert [(r.key, r.note) for r in live(reader)] == [(word, "")]
        await pilot.press("ctrl+r", "ctrl+r")
        assert live(reader) == []
        await pilot.press("u", "2")  # a new operation clears what could be redone
        await pilot.press("ctrl+r")
        assert "nothing to redo" in status_text(app)


async def test_undo_works_after_a_restart(reader, seed_text) -> None:
    first = span_of(seed_text, "Lavrov", "actor")
    second = span_of(seed_text, "Moscow", "topic")
    app = reader.open(seed_text)
    async with app.run_test(size=SIZE) as pilot:
        for (start, _end, _label), key in ((first, "1"), (second, "2")):
            await move_to(pilot, start)
            await pilot.press(key)
        await pilot.press("q")
    assert sorted(keys(live(reader))) == sorted([first, second])

    again = reader.reopen()
    async with again.run_test(size=SIZE) as pilot:
        assert sorted(spans_on_screen(again)) == sorted([first, second])
        await pilot.press("u")
        assert keys(live(reader)) == [first]
        await pilot.press("u")
        assert live(reader) == []
        await pilot.press("ctrl+r")
        assert keys(live(reader)) == [first]
        await pilot.press("q")

    third = reader.reopen()
    async with third.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+r")  # the redo stack survives a restart too
        assert sorted(keys(live(reader))) == sorted([first, second])


# --- sidebar -----------------------------------------------------------------------------


async def test_tab_shows_the_list_in_text_order_and_enter_jumps(reader, seed_text) -> None:
    app = reader.open(seed_text)
    spans = [span_of(seed_text, "Yerevan", "actor", 1), span_of(seed_text, "Lavrov", "topic"),
             span_of(seed_text, "Moscow", "actor")]
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        for start, _end, label in spans:
            view.move_cursor(start)
            screen_of(app).tag(label)
        await move_to(pilot, spans[2][0])
        await pilot.press("a")
        await type_text(pilot, "city")
        await pilot.press("enter", "tab")
        sidebar = sidebar_of(app)
        assert sidebar.has_class("-visible") and sidebar.display
        in_order = sorted(spans)
        assert [(s.start, s.end, s.label) for s in sidebar.spans] == in_order
        options = sidebar.query_one(SpanList)
        assert options.row_count == 3 and options.has_focus
        shown = ["".join(segment.text for segment in options.render_row(row, 40, Style()))
                 for row in options.rows]
        assert "Lavrov" in shown[0] and "Moscow" in shown[1] and "Yerevan" in shown[2]
        assert "✎" in shown[1] and "✎" not in shown[0], "a mark for notes"
        await pilot.press("down", "down", "enter")
        assert view.cursor == in_order[2][0]
        assert view.has_focus
        # The list follows new annotations while it is open; one Tab goes back into it.
        await pilot.press("tab")
        assert options.has_focus
        await pilot.press("tab")
        assert not sidebar.display and view.has_focus
        await move_to(pilot, seed_text.index("Armenia"))
        await pilot.press("3", "tab")
        assert len(sidebar.spans) == 4 and options.row_count == 4


async def test_sidebar_filters_by_label(reader, seed_text) -> None:
    app = reader.open(seed_text)
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        for word, label in (("Lavrov", "actor"), ("Moscow", "topic"), ("Yerevan", "actor")):
            view.move_cursor(seed_text.index(word))
            screen_of(app).tag(label)
        await pilot.press("tab")
        sidebar = sidebar_of(app)
        sidebar.query_one("#label-filter", Input).focus()
        await pilot.pause()
        await type_text(pilot, "act")
        assert [s.label for s in sidebar.shown_spans()] == ["actor", "actor"]
        assert sidebar.query_one(SpanList).row_count == 2


# --- clipboard ---------------------------------------------------------------------------


async def test_y_and_Y_copy_text_and_json(reader, seed_text, monkeypatch) -> None:
    copied: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    app = reader.open(seed_text)
    word = span_of(seed_text, "Sergey Lavrov", "actor")
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        view.set_selection(word[0], word[1])
        await pilot.press("y")
        assert copied == ["Sergey Lavrov"]
        assert "system clipboard" in status_text(app)
        await pilot.press("1")
        await move_to(pilot, word[0] + 2)
        await pilot.press("y", "Y")
    assert copied[1] == "Sergey Lavrov", "with no selection: the annotation under the cursor"
    record = json.loads(copied[2])
    assert "\n" not in copied[2]
    (row,) = live(reader)
    assert record["id"] == row.uid
    assert (record["start"], record["end"], record["label"]) == word
    assert record["text"] == seed_text[record["start"]:record["end"]]
    assert record["annotator"] == "tester"
    assert record["document_sha256"] == reader.document.sha256


async def test_copy_falls_back_to_osc52_without_a_clipboard(reader, multilingual_text,
                                                            monkeypatch) -> None:
    def no_backend(text: str) -> None:
        raise pyperclip.PyperclipException("could not find a copy/paste mechanism")

    monkeypatch.setattr(pyperclip, "copy", no_backend)
    text = multilingual_text
    app = reader.open(text)
    emoji = text.index(FIREFIGHTER)
    through_terminal: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        original = app.copy_to_clipboard

        def record(copied: str) -> None:
            through_terminal.append(copied)
            original(copied)

        app.copy_to_clipboard = record  # type: ignore[method-assign]
        view_of(app).set_selection(emoji - 6, emoji + len(FIREFIGHTER))
        await pilot.press("y")
        assert "OSC 52" in status_text(app)
        assert app.clipboard == text[emoji - 6:emoji + len(FIREFIGHTER)]
    assert through_terminal == ["emoji " + FIREFIGHTER]


# --- saving ------------------------------------------------------------------------------


async def test_a_failed_write_is_reported_and_not_shown_as_saved(reader, seed_text,
                                                                 monkeypatch) -> None:
    def locked(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("database is locked")

    app = reader.open(seed_text)
    async with app.run_test(size=SIZE) as pilot:
        monkeypatch.setattr(AnnotationStore, "create", locked)
        await pilot.press("1")
        assert spans_on_screen(app) == []
        assert "saved" not in status_text(app)
        assert any("NOT saved" in n.message for n in app._notifications)
    assert live(reader) == []


async def test_reload_picks_up_another_annotators_spans(reader, seed_text) -> None:
    app = reader.open(seed_text, compare=True)
    word = span_of(seed_text, "Moscow", "topic")
    async with app.run_test(size=SIZE) as pilot:
        assert app.session.conn is not None
        other = AnnotationStore(app.session.conn, reader.document.id, "colleague")
        other.create(word[0], word[1], word[2], seed_text[word[0]:word[1]])
        assert spans_on_screen(app) == []
        await pilot.press("R")
        assert spans_on_screen(app) == [word]
        assert [s.own for s in view_of(app).spans] == [False]
        await move_to(pilot, word[0])
        assert "colleague" in status_text(app)
        await pilot.press("x")  # another annotator's span is not ours to delete
        assert reader.rows("colleague")[0].key == word


@pytest.mark.parametrize("key", ["1", "2", "3"])
async def test_each_label_key_tags_its_label(reader, seed_text, key: str) -> None:
    app = reader.open(seed_text)
    label = app.config.by_key(key).name  # type: ignore[union-attr]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(key)  # the cursor starts on the first word
        await pilot.press("4")  # no label on this key
        assert "no label on key 4" in status_text(app)
    assert keys(live(reader)) == [(0, len("Mirzoyan"), label)]


def looks_alike(first: Color, second: Color) -> bool:
    """Two backgrounds an annotator could mistake for each other: two colours of about the
    same hue and lightness, or two greys of about the same lightness."""
    h1, l1, s1 = colorsys.rgb_to_hls(*first.normalized)
    h2, l2, s2 = colorsys.rgb_to_hls(*second.normalized)
    coloured = s1 > 0.2, s2 > 0.2
    if all(coloured):
        hue_gap = abs(h1 - h2) * 360
        return min(hue_gap, 360 - hue_gap) < 30 and abs(l1 - l2) < 0.3
    if any(coloured):
        return False
    return abs(l1 - l2) < 0.12


async def test_selection_and_matches_never_look_like_a_label(reader, seed_text) -> None:
    """A selected word, a search match and a tagged span must not share a colour (in the
    default theme the selection and the matches were all orange, like the topic label)."""
    app = reader.open(seed_text, config=Config(labels=labels_from_names(
        ",".join(f"label{n}" for n in range(10)))))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = view_of(app)
        highlights = {name: Color.from_rich_color(
            view.get_component_rich_style(f"article-view--{name}").bgcolor)
            for name in ("selection", "match", "current-match", "cursor")}
        label_colours = [Color.parse(label.color) for label in app.config.labels]
    for name, colour in highlights.items():
        for label, label_colour in zip(app.config.labels, label_colours, strict=True):
            assert not looks_alike(colour, label_colour), (name, colour.hex, label.color)
    names = sorted(highlights)
    for index, name in enumerate(names):
        for other in names[index + 1:]:
            assert not looks_alike(highlights[name], highlights[other]), (name, other)


async def test_d_marks_done_and_d_again_marks_not_done(reader, seed_text) -> None:
    app = reader.open(seed_text)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("D")
        assert "marked done" in status_text(app)
        assert reader._query("SELECT status FROM progress")[0][0] == "done"
        await pilot.press("D")
        assert "marked not done" in status_text(app)
    assert reader._query("SELECT status FROM progress")[0][0] == "in_progress"


async def test_a_span_deleted_in_another_window_is_not_resurrected_or_crashing(
        reader, seed_text) -> None:
    """Two windows of one annotator: the other deletes the span this one tagged and noted.
    x, a note, the same label key and u must each change nothing and say so (they raised
    KeyError and killed the app, or brought the span back)."""
    app = reader.open(seed_text)
    async with app.run_test(size=SIZE) as pilot:
        await search(pilot, "Ararat Mirzoyan")
        await pilot.press("1")
        (row,) = live(reader)
        other = AnnotationStore(sqlite3.connect(reader.db_path, isolation_level=None),
                                reader.document.id, "tester")
        other.delete(row.uid)
        await move_to(pilot, row.start)
        await pilot.press("u")
        assert "NOT done" in status_text(app) and "R reloads" in status_text(app)
        assert live(reader) == [], "undo did not delete twice nor resurrect"
        await pilot.press("x")
        await pilot.pause()
        assert live(reader) == []
        assert app.is_running
        await pilot.press("R")
        assert spans_on_screen(app) == []
    assert live(reader) == []


async def test_while_another_process_holds_the_lock_the_ui_waits_and_keeps_keys(
        reader, seed_text) -> None:
    """An import elsewhere holds the write lock: the tag waits in a thread, the screen says
    so and keeps drawing, and keys typed meanwhile act afterwards in order (issue 8 item 9:
    the TUI froze for 30 s, then said "NOT saved: database is locked")."""
    app = reader.open(seed_text)
    blocker = sqlite3.connect(reader.db_path, isolation_level=None)
    async with app.run_test(size=SIZE) as pilot:
        await search(pilot, "Ararat Mirzoyan")
        blocker.execute("BEGIN IMMEDIATE")  # the other process's long write
        await pilot.press("1")
        assert "waiting for the database" in status_text(app)
        await pilot.press("escape", "w", "w")  # typed while waiting: held, not lost
        await pilot.pause(0.3)
        assert app.is_running and live(reader) == []
        assert "waiting for the database" in status_text(app)
        blocker.execute("COMMIT")
        await app.workers.wait_for_complete()
        await pilot.pause()
        (row,) = live(reader)
        assert row.text == "Ararat Mirzoyan" and row.label == "actor"
        match = seed_text.index("Ararat Mirzoyan")
        # Then the held keys, in order: escape (nothing left to clear), two words on.
        assert view_of(app).cursor > match + len("Ararat")
    blocker.close()
