"""Key remapping (issue 12, item 12): `[keys]` in the config moves a binding to another key;
the new key acts, the old one no longer does, and the help, the footer, the list and the
messages show the user's keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pilot_helpers import SIZE, footer_shown, move_to, screen_of, status_text, view_of
from rich.console import Console
from test_relations_ui import TEXT, at, tag_all
from textual.pilot import Pilot
from textual.widgets import Input, Static
from textual.widgets._footer import FooterKey

from reader.annotate.labels import Config, load_config
from reader.ui.screens.help import HelpScreen
from reader.ui.screens.library import LibraryScreen
from reader.ui.widgets.annotation_list import SpanList
from reader.ui.widgets.status import Legend

KEYS = """
[keys]
annotation.delete = "d"
corpus.stats = "%"
"history.undo" = ["ctrl+z", "U"]
"""


def remapped(tmp_path: Path, body: str = KEYS) -> Config:
    path = tmp_path / "reader.toml"
    path.write_text(body, encoding="utf-8")
    return load_config(path)


def live(app: Any) -> list[tuple[int, int, str]]:
    return sorted((s.start, s.end, s.label) for s in view_of(app).spans)


def rendered(static: Static) -> str:
    console = Console(width=120, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(static.content)
    return console.export_text()


async def tag_mayor(pilot: Pilot[Any]) -> None:
    await move_to(pilot, at("mayor") + 1)
    await pilot.press("1")
    await pilot.pause()
    assert live(pilot.app) == [(at("mayor"), at("mayor") + len("mayor"), "actor")]


async def test_a_remapped_key_acts_and_the_old_one_does_not(reader, tmp_path) -> None:
    app = reader.open(TEXT, config=remapped(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await tag_mayor(pilot)
        await pilot.press("x")
        await pilot.pause()
        assert len(live(app)) == 1, "x no longer deletes"
        await pilot.press("d")
        await pilot.pause()
        assert live(app) == []
        await pilot.press("U")  # one of two keys for undo; u is free now, and does nothing
        await pilot.pause()
        assert len(live(app)) == 1
        await pilot.press("d", "u")
        await pilot.pause()
        assert live(app) == []
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert len(live(app)) == 1


async def test_the_help_and_the_footer_show_the_users_keys(reader, tmp_path) -> None:
    app = reader.open(TEXT, config=remapped(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await footer_shown(pilot)
        footer = {key.description: key.key_display for key in app.screen.query(FooterKey)}
        assert footer["Delete"] == "d"
        assert footer["Undo"] == "^z"  # Textual's own way of writing Ctrl in a footer
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        rows = [line.split() for s in app.screen.query(Static)
                for line in rendered(s).splitlines()]
        assert ["d", "Delete", "annotation.delete"] in rows
        assert ["Ctrl+Z", "/", "U", "Undo", "history.undo"] in rows
        assert ["%", "Statistics", "corpus.stats"] in rows
        assert not [row for row in rows if row[:1] == ["x"] and "Delete" in row]


async def test_in_the_list_the_remapped_key_acts_on_the_row(reader, tmp_path) -> None:
    """The list shares the ids: `d` deletes the highlighted row's span there too, and is not
    typed into the filter; `x`, bound to nothing now, is."""
    app = reader.open(TEXT, config=remapped(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        tag_all(app, "mayor", "lyon")
        await move_to(pilot, at("mayor") + 2)
        await pilot.press("tab")
        rows = screen_of(app).query_one(SpanList)
        rows.cursor_row = 1  # Lyon
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        assert [label for _, _, label in live(app)] == ["actor"]
        await pilot.press("x")
        field = screen_of(app).query_one("#label-filter", Input)
        assert field.value == "x" and field.has_focus
        assert [label for _, _, label in live(app)] == ["actor"]


async def test_messages_name_the_users_keys(reader, tmp_path) -> None:
    config = remapped(tmp_path, '[keys]\nsearch.open = "f"\ncompare.toggle = "C"\n')
    app = reader.open(TEXT, config=config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        assert "press f to search" in status_text(app)
        await pilot.press("right_curly_bracket")
        assert "press C for compare mode first" in status_text(app)


async def test_the_legend_names_the_users_help_and_picker_keys(reader, tmp_path) -> None:
    config = remapped(tmp_path, '[keys]\napp.help = "F1"\ntag.pick = "p"\n')
    app = reader.open(TEXT, config=config)
    async with app.run_test(size=SIZE) as pilot:
        legend = screen_of(app).query_one(Legend)
        assert "p: pick label · F1: help" in legend.render().plain
        await pilot.press("question_mark")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)


async def test_the_list_and_the_library_hints_name_the_users_keys(reader, tmp_path) -> None:
    config = remapped(tmp_path, '[keys]\nlist.back = "h"\nlibrary.sort = "o"\n')
    app = reader.open(TEXT, config=config)
    async with app.run_test(size=SIZE) as pilot:
        tag_all(app, "mayor")
        await pilot.press("tab")
        help_line = screen_of(app).query_one("#annotation-help", Static)
        assert "/ filter · h back · enter jump" in str(help_line.render())
        await pilot.press("h")
        assert view_of(app).has_focus
        await pilot.press("L")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        assert "o sort" in app.screen.query_one("#library-filter", Input).placeholder
