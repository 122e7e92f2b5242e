"""Guidelines at hand (issue 12, item 13): `i` shows the guidelines beside the article, at
the section of the label under the cursor, with the labels' descriptions from the config;
`/` searches them; Escape goes back to the article, `i` there closes them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pilot_helpers import SAMPLES, SIZE, burst, move_to, screen_of, search, view_of
from rich.console import Console
from test_relations_ui import TEXT, at, tag_all
from textual.containers import VerticalScroll
from textual.pilot import Pilot
from textual.widgets import Input, Markdown, Static
from textual.widgets.markdown import MarkdownBlock

from reader.annotate.guidelines import Guidelines, load_guidelines
from reader.ui.widgets.guidelines_panel import GuidelinesPanel

SAMPLE = SAMPLES / "GUIDELINES.md"


def open_with(reader: Any, guidelines: Guidelines | None) -> Any:
    app = reader.open(TEXT)
    app.workspace.guidelines = guidelines  # as `launch` hands over what it read
    return app


def panel_of(app: Any) -> GuidelinesPanel:
    return screen_of(app).query_one(GuidelinesPanel)


def shown(static: Static) -> str:
    console = Console(width=200, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(static.content)
    return console.export_text()


async def settle(pilot: Pilot[Any]) -> None:
    for _ in range(4):  # the Markdown parses in a thread, then mounts, then lays out
        await pilot.pause()


def top_heading(panel: GuidelinesPanel) -> str:
    """The heading drawn on the first row of the panel's scroll view."""
    scroll = panel.query_one("#guidelines-scroll", VerticalScroll)
    top = scroll.content_region.y
    headings = [(title, panel.query_one(f"#{block_id}")) for _level, title, block_id
                in panel.query_one(Markdown).table_of_contents]
    # A heading's margin above it is scrolled into view with it.
    return next((title for title, block in headings
                 if block.region.y - block.styles.margin.top == top), "none")


async def test_i_opens_the_guidelines_at_the_label_under_the_cursor(reader) -> None:
    app = open_with(reader, load_guidelines(SAMPLE))
    async with app.run_test(size=SIZE) as pilot:
        tag_all(app, "mayor", "lyon")
        await move_to(pilot, at("lyon") + 1)
        await pilot.press("i")
        await settle(pilot)
        panel = panel_of(app)
        assert panel.display and panel.has_focus_within
        assert top_heading(panel) == "Topic"
        label_line = shown(panel.query_one("#guidelines-label", Static))
        assert "topic" in label_line and "What the text is about" in label_line
        await pilot.press("escape")  # back to the article; the guidelines stay in sight
        assert view_of(app).has_focus and panel.display
        await move_to(pilot, at("mayor") + 1)
        await pilot.press("i")  # again from the article: to the guidelines, at actor now
        await settle(pilot)
        assert panel.has_focus_within and top_heading(panel) == "Actor"
        await pilot.press("i")  # with the focus there: closed
        await pilot.pause()
        assert not panel.display and view_of(app).has_focus


async def test_reading_keys_scroll_the_guidelines_not_the_article(reader) -> None:
    app = open_with(reader, load_guidelines(SAMPLE))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        await settle(pilot)
        scroll = panel_of(app).query_one("#guidelines-scroll", VerticalScroll)
        cursor = view_of(app).cursor
        await pilot.press("j", "j", "space")
        await pilot.pause()
        assert scroll.scroll_y > 0 and view_of(app).cursor == cursor
        await pilot.press("g")
        await pilot.pause()
        assert scroll.scroll_y == 0


async def test_search_in_the_guidelines(reader) -> None:
    app = open_with(reader, load_guidelines(SAMPLE))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        await settle(pilot)
        panel = panel_of(app)
        await pilot.press("slash", *"commitment", "enter")
        await pilot.pause()
        matches = [b for b in panel.query(MarkdownBlock) if b.has_class("-match")]
        assert len(matches) > 2
        status = shown(panel.query_one("#guidelines-status", Static))
        assert f"match 1/{len(matches)}" in status
        assert panel.query_one("#guidelines-scroll").has_focus  # Enter: back to reading
        await pilot.press("n")
        assert f"match 2/{len(matches)}" in shown(panel.query_one("#guidelines-status", Static))
        current = [b for b in panel.query(MarkdownBlock) if b.has_class("-current")]
        assert current == [matches[1]]
        await pilot.press("N", "N")
        assert f"match {len(matches)}/" in shown(panel.query_one("#guidelines-status", Static))
        assert not view_of(app).matches, "the article's search was not touched"
        await pilot.press("slash", *"zebra")
        assert "not found: zebra" in shown(panel.query_one("#guidelines-status", Static))
        await pilot.press("escape")  # out of the search box, still in the guidelines
        assert not panel.query_one("#guidelines-search", Input).display
        assert panel.has_focus_within


async def test_without_a_file_the_labels_and_how_to_name_one(reader) -> None:
    app = open_with(reader, None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        await pilot.pause()
        panel = panel_of(app)
        labels = shown(panel.query_one("#guidelines-labels", Static))
        for label in app.config.labels:
            assert label.name in labels and label.description in labels
        missing = shown(panel.query_one("#guidelines-missing", Static))
        assert "guidelines = " in missing and "--guidelines" in missing


async def test_the_file_is_data_not_terminal_commands(reader, tmp_path: Path) -> None:
    path = tmp_path / "G.md"
    path.write_text("# actor [b]x[/b]\n\nPress \x1b]0;PWNED\x07 here \u202eevil.\n\n"
                    "[a link](https://example.invalid)\n", encoding="utf-8")
    app = open_with(reader, load_guidelines(path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        await settle(pilot)
        markdown = panel_of(app).query_one(Markdown)
        drawn = "\n".join(str(block.content) for block in markdown.query(MarkdownBlock))
        assert "\x1b" not in drawn and "\u202e" not in drawn and "\x07" not in drawn
        assert "␛]0;PWNED␇" in drawn and "⇄evil" in drawn
        assert "[b]x[/b]" in drawn, "shown as written, not parsed as markup"


async def test_after_tagging_a_search_match_its_label_is_the_one(reader) -> None:
    """`/Lyon⏎2` leaves the cursor at the end of the new span: `i` still opens at topic."""
    app = open_with(reader, load_guidelines(SAMPLE))
    async with app.run_test(size=SIZE) as pilot:
        await search(pilot, "Lyon")
        await pilot.press("2")
        await pilot.pause()
        assert view_of(app).cursor == at("lyon") + len("Lyon")
        await pilot.press("i")
        await settle(pilot)
        assert top_heading(panel_of(app)) == "Topic"


async def test_a_query_typed_fast_behind_slash_lands_in_the_guidelines(reader) -> None:
    """`/` and a word typed at once (a terminal delivers them together): the word is the
    guidelines' query, and none of its letters reaches the article's keys (`r` relates,
    `a` notes, Enter picks a label)."""
    app = open_with(reader, load_guidelines(SAMPLE))
    async with app.run_test(size=SIZE) as pilot:
        tag_all(app, "mayor")
        await move_to(pilot, at("mayor") + 1)
        await pilot.press("i")
        await settle(pilot)
        await burst(pilot, "slash", *"relate", "enter")
        await settle(pilot)
        panel = panel_of(app)
        assert panel.query_one("#guidelines-search", Input).value == "relate"
        assert app.screen is screen_of(app), "no label picker, no note editor"
        assert "match 1/" in shown(panel.query_one("#guidelines-status", Static))


async def test_in_a_narrow_terminal_the_guidelines_take_the_whole_width(reader) -> None:
    app = open_with(reader, load_guidelines(SAMPLE))
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.press("i")
        await settle(pilot)
        assert panel_of(app).region.width == 60
        await pilot.press("escape")  # the article was hidden under them: they close
        assert not panel_of(app).display and view_of(app).has_focus
        await pilot.press("i")
        await pilot.resize_terminal(120, 30)
        await settle(pilot)
        assert panel_of(app).region.width == 60  # half of 120: beside the article again
        assert view_of(app).region.width >= 55
