"""Relations with the mouse, from the annotation list (issue 10): a span row's "→" cell (or a
right click) starts a relation, a click on another span row makes it (the picker when more
than one label fits), the "●" cell or Escape cancels, a relation row's "✕" cell deletes it;
and the keys still work alongside. What was saved is read back from the database."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pilot_helpers import SIZE, move_to, screen_of, sidebar_of, status_text, view_of
from rich.style import Style
from test_relations_ui import TEXT, at, relations, tag_all
from textual.pilot import Pilot

from reader.annotate.labels import Config, RelationType
from reader.ui.app import ReaderApp
from reader.ui.screens.dialogs import ChooseScreen
from reader.ui.widgets.annotation_list import RelationRow, SpanList

# Rows of the list for "mayor", "trucks", "lyon" tagged: in text order.
MAYOR, TRUCKS, LYON = 0, 1, 2


async def open_list(pilot: Pilot[Any]) -> SpanList:
    await pilot.press("tab")
    return screen_of(pilot.app).query_one(SpanList)  # type: ignore[arg-type]


def action_x(options: SpanList) -> int:
    """The column of a row's clickable cell (the last three)."""
    return options.scrollable_content_region.width - 2


async def click_action(pilot: Pilot[Any], options: SpanList, row: int) -> None:
    await pilot.click(options, offset=(action_x(options), row))
    await pilot.pause()


async def click_row(pilot: Pilot[Any], options: SpanList, row: int, **how: Any) -> None:
    await pilot.click(options, offset=(4, row), **how)
    await pilot.pause()


def shown(options: SpanList, row: int) -> str:
    width = options.scrollable_content_region.width
    return "".join(s.text for s in options.render_row(options.rows[row], width, Style()))


def help_text(app: ReaderApp) -> str:
    return str(sidebar_of(app).query_one("#annotation-help").render())


async def test_click_arrow_on_a_row_then_another_row_makes_the_relation(reader) -> None:
    app = reader.open(TEXT)
    async with app.run_test(size=SIZE) as pilot:
        uids = tag_all(app, "mayor", "trucks", "lyon")
        options = await open_list(pilot)
        assert shown(options, TRUCKS).endswith(" → ") and "click → relate" in help_text(app)
        await click_action(pilot, options, TRUCKS)
        assert view_of(app).relation_head == uids["trucks"]
        assert "RELATION" in status_text(app)
        assert shown(options, TRUCKS).endswith(" ● ") and "click the other span" in help_text(app)
        await click_row(pilot, options, MAYOR)  # only `by` joins commitment → actor
        assert relations(reader) == [(uids["trucks"], uids["mayor"], "by")]
        assert view_of(app).relation_head is None and "RELATION" not in status_text(app)
        assert "click → relate" in help_text(app)
        assert isinstance(options.rows[TRUCKS + 1], RelationRow)


async def test_right_click_starts_and_the_picker_asks_when_several_labels_fit(reader) -> None:
    free = replace(Config(), relations=(
        RelationType("by", "1", "#ff0000", "", (), ()),
        RelationType("about", "2", "#00ff00", "", (), ())))
    app = reader.open(TEXT, config=free)
    async with app.run_test(size=SIZE) as pilot:
        uids = tag_all(app, "mayor", "trucks", "lyon")
        options = await open_list(pilot)
        await click_row(pilot, options, LYON, button=3)
        assert view_of(app).relation_head == uids["lyon"]
        await click_row(pilot, options, MAYOR)
        assert isinstance(app.screen, ChooseScreen)
        assert [choice.value for choice in app.screen.choices] == ["by", "about"]
        await pilot.press("down", "enter")
        assert relations(reader) == [(uids["lyon"], uids["mayor"], "about")]


async def test_no_label_fits_stays_pending_and_the_dot_or_escape_cancels(reader) -> None:
    app = reader.open(TEXT)
    async with app.run_test(size=SIZE) as pilot:
        tag_all(app, "mayor", "trucks", "lyon")
        options = await open_list(pilot)
        await click_action(pilot, options, MAYOR)
        await click_row(pilot, options, LYON)
        assert "no relation label joins actor → topic" in status_text(app)
        assert relations(reader) == [] and view_of(app).relation_head is not None
        await click_action(pilot, options, MAYOR)  # its "●": cancel
        assert view_of(app).relation_head is None and "relation cancelled" in status_text(app)
        assert shown(options, MAYOR).endswith(" → ")
        await click_row(pilot, options, LYON)  # pending no more: a click only moves
        assert relations(reader) == [] and options.cursor_row == LYON
        await click_action(pilot, options, TRUCKS)
        assert options.has_focus
        await pilot.press("escape")
        assert view_of(app).relation_head is None and "relation cancelled" in status_text(app)
        assert "click → relate" in help_text(app)


async def test_click_cross_deletes_a_relation_not_its_spans(reader) -> None:
    app = reader.open(TEXT)
    async with app.run_test(size=SIZE) as pilot:
        uids = tag_all(app, "mayor", "trucks", "lyon")
        screen = screen_of(app)
        screen.annotations.relate(uids["trucks"], uids["mayor"], "by")
        screen._publish()
        options = await open_list(pilot)
        row = TRUCKS + 1
        assert isinstance(options.rows[row], RelationRow) and shown(options, row).endswith(" ✕ ")
        await click_row(pilot, options, row)  # not on the cell: only the cursor
        assert len(relations(reader)) == 1
        await click_action(pilot, options, row)
        assert relations(reader) == [] and len(reader.rows()) == 3
        assert relations(reader, deleted=True) == [(uids["trucks"], uids["mayor"], "by")]


async def test_the_keys_and_the_mouse_mix(reader) -> None:
    app = reader.open(TEXT)
    async with app.run_test(size=SIZE) as pilot:
        uids = tag_all(app, "mayor", "trucks", "lyon")
        options = await open_list(pilot)
        # Started with the mouse, ended with the keys in the article.
        await click_action(pilot, options, TRUCKS)
        view_of(app).focus()
        await move_to(pilot, at("lyon"))
        await pilot.press("2")
        assert relations(reader) == [(uids["trucks"], uids["lyon"], "about")]
        # Started with `r`, shown in the list, ended with a click there.
        await move_to(pilot, at("trucks"))
        await pilot.press("r")
        assert shown(options, TRUCKS).endswith(" ● ")
        await click_row(pilot, options, MAYOR)
        assert relations(reader) == [(uids["trucks"], uids["lyon"], "about"),
                                     (uids["trucks"], uids["mayor"], "by")]


async def test_anothers_rows_have_no_cells_and_a_click_there_relates_nothing(reader) -> None:
    theirs = reader.open(TEXT, annotator="other")
    async with theirs.run_test(size=SIZE):
        uids = tag_all(theirs, "mayor", "trucks")
        screen_of(theirs).annotations.relate(uids["trucks"], uids["mayor"], "by")
    app = reader.reopen(compare=True)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        options = await open_list(pilot)
        assert isinstance(options.rows[TRUCKS + 1], RelationRow)
        assert not any(shown(options, row).rstrip().endswith(("→", "✕", "●"))
                       for row in range(len(options.rows)))
        await click_action(pilot, options, TRUCKS + 1)
        await click_row(pilot, options, TRUCKS, button=3)
        assert "that annotation is not yours" in status_text(app)
        assert view_of(app).relation_head is None
    assert relations(reader) == [(uids["trucks"], uids["mayor"], "by")]
