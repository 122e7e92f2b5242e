"""Data is never code: every screen drawn with hostile titles, file names, labels,
descriptions, notes and annotator names writes no escape sequence, control or bidi
character of that data to the terminal, and no markup in it is interpreted (issue 8, items
10, 14 and 15).

What is checked is what Textual would write to the terminal: every update it hands to the
driver is rendered to its byte string, Textual's own cursor and colour sequences are
removed, and whatever is left must be plain visible text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pilot_helpers import SIZE, status_text, view_of

from reader.annotate.labels import Config, Label
from reader.store.annotations import AnnotationStore
from reader.store.database import connect
from reader.store.documents import add_document, get_progress
from reader.text.loading import LoadedText
from reader.text.sanitize import UNSAFE
from reader.ui.app import ReaderApp, Session, make_app

TITLE_SET = "\x1b]0;PWNED\x1b\\"  # would set the terminal's title
CLIPBOARD = "\x1b]52;c;SGFja2Vk\x07"  # would write the clipboard
MARKUP = "[/] [red]x[/red] [@click=app.quit]q [$accent]y"
BIDI = "\u202eevil\u202c"


def hostile(name: str) -> str:
    return f"{name}{TITLE_SET}{CLIPBOARD}\x9b2J{BIDI} {MARKUP}"


TEXT = (f"Hello {TITLE_SET} {CLIPBOARD} world items[/] and [red]x[/red]\n\n"
        f"body text about [@click=app.quit]quit {BIDI} and more words to tag here\n")
SOURCE = "notes/\x1b]0;SRC\x07[red]file[/red]\u202e.txt"
ANNOTATOR = "ann\x1b]0;WHO\x07[/]"
OTHER = "bob\x1b[2J[red]x[/red]\u2066"
LABELS = (
    Label("ok", "1", "#4e79a7", hostile("desc")),
    Label("[/]", "2", "#f28e2b", "[/] closes"),
    Label("[red]x[/red]", "3", "#59a14f", "[@click=app.quit]quit"),
    Label("\x1b]0;LBL\x07\u202ename", "4", "red", ""),
)

# Textual's own output: cursor moves and colours (CSI ... letter), and the line feed it ends
# each row of a full update with, before the next move. Anything else is data.
TERMINAL_SEQUENCE = re.compile(r"\n(?=\x1b\[\d+;\d+H)|\x1b\[[0-9;?]*[A-Za-z]")


class Written:
    """Everything the app would write to the terminal, captured at the driver's door."""

    def __init__(self, app: ReaderApp) -> None:
        self.chunks: list[str] = []
        display = app._display

        def capture(screen: Any, renderable: Any) -> None:
            if renderable is not None and hasattr(renderable, "render_segments"):
                self.chunks.append(renderable.render_segments(app.console))
            display(screen, renderable)

        app._display = capture  # type: ignore[method-assign]

    def text(self) -> str:
        return TERMINAL_SEQUENCE.sub("", "".join(self.chunks))

    def assert_safe(self) -> None:
        plain = self.text()
        found = sorted({f"U+{ord(char):04X}" for char in UNSAFE.findall(plain)})
        assert not found, f"data reached the terminal raw: {found}"


def _add(conn: Any, text: str, source: str) -> Any:
    document, _ = add_document(conn, LoadedText.from_text(text, source))
    return document


def hostile_app(db_path: Path, *, corpus: bool = False, notices: list[str] | None = None,
                compare: bool = False) -> ReaderApp:
    conn = connect(db_path)
    document = _add(conn, TEXT, SOURCE)
    ids = [document.id]
    if corpus:
        ids.append(_add(conn, "second \x1b]0;T2\x07 [/] text\n", "b\x1b[31m[/].txt").id)
    mine = AnnotationStore(conn, document.id, ANNOTATOR)
    theirs = AnnotationStore(conn, document.id, OTHER)
    hello = TEXT.index("Hello")
    mine.create(hello, hello + 40, "ok", TEXT[hello:hello + 40], note=hostile("note"))
    items = TEXT.index("items[/]")
    mine.create(items, items + 8, "[/]", "items[/]")
    mine.create(items, items + 8, "[red]x[/red]", "items[/]")
    body = TEXT.index("body")
    theirs.create(body, body + 30, "[/]", TEXT[body:body + 30], note=hostile("theirs"))
    session = Session(conn=conn, document=document, annotator=ANNOTATOR,
                      config=Config(labels=LABELS),
                      progress=get_progress(conn, document.id, ANNOTATOR), document_ids=ids,
                      show_library=corpus, resume=not corpus, notices=notices or [])
    return make_app(session, compare=compare)


@pytest.fixture
def db_path(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "annotations.db"


async def test_article_header_legend_status_and_list_write_no_data_escapes(db_path) -> None:
    app = hostile_app(db_path, compare=True)
    written = Written(app)
    async with app.run_test(size=SIZE, tooltips=True) as pilot:
        await pilot.pause()
        view = view_of(app)
        view.move_cursor(TEXT.index("items[/]"))  # under three spans, one with a note
        await pilot.pause()
        assert "[/]" in status_text(app)
        await pilot.press("tab")  # the annotation list
        await pilot.pause()
        await pilot.press("tab")
        await pilot.press("c", "c")  # compare mode off and on: names in the status line
        await pilot.pause()
        await pilot.hover("#legend")  # the legend's tooltip: label descriptions
        await pilot.pause(app.TOOLTIP_DELAY + 0.3)
        await pilot.pause()
    written.assert_safe()
    shown = written.text()
    assert "␛]0;PWNED" in shown  # the title is there, visibly
    assert "[red]x[/red]" in shown and "items[/]" in shown  # markup left as text
    assert "— ann␛]0;WHO␇" in shown  # the annotator in the header
    assert "[/] closes" in shown  # a description, in the legend's tooltip
    assert "showing bob␛[2J[red]x[/red]⇄" in shown  # another annotator, in the status line


async def test_label_named_like_markup_is_picked_and_tagged(db_path) -> None:
    """Issue 8 item 10: `--labels 'ok,[/]'`, Enter, choose `[/]`."""
    app = hostile_app(db_path)
    written = Written(app)
    async with app.run_test(size=SIZE) as pilot:
        view_of(app).move_cursor(TEXT.index("more words"))
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("down", "enter")  # the second label: `[/]`
        await pilot.pause()
        assert "[/] “more” · saved ✓" in status_text(app)
    written.assert_safe()
    assert "[/]  [/] closes" in written.text()


async def test_choosing_between_spans_over_markup_text(db_path) -> None:
    """Issue 8 item 10: `items[/]` tagged twice, then `x` (the chooser lists both)."""
    app = hostile_app(db_path)
    written = Written(app)
    async with app.run_test(size=SIZE) as pilot:
        view_of(app).move_cursor(TEXT.index("items[/]"))
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        assert "“items[/]”" in written.text()
        await pilot.press("escape")
        await pilot.pause()
    written.assert_safe()


async def test_note_dialog_shows_a_hostile_note_safely_and_keeps_it(db_path) -> None:
    app = hostile_app(db_path)
    written = Written(app)
    async with app.run_test(size=(120, 30)) as pilot:
        view_of(app).move_cursor(TEXT.index("Hello"))
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("enter")  # unchanged: nothing is rewritten
        await pilot.pause()
    written.assert_safe()
    shown = written.text()
    assert "Note on ok “Hello ␛]0;PWNED" in shown  # the dialog's title
    assert "⇄evil⇄ [/] [red]x[/red] [@click=app.quit]q" in shown  # the note being edited
    with connect(db_path) as conn:
        notes = [row[0] for row in conn.execute("SELECT note FROM annotations WHERE note != ''"
                                                " AND annotator = ?", (ANNOTATOR,))]
    assert notes == [hostile("note")]


async def test_help_stats_and_palette_with_hostile_labels(db_path) -> None:
    app = hostile_app(db_path, corpus=False)
    written = Written(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "HelpScreen"
        await pilot.press("escape")
        await pilot.press("S")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "StatsScreen"
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        await pilot.pause()
        for key in "tag":
            await pilot.press(key)
        await pilot.pause(0.5)  # the palette searches in a worker
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
    written.assert_safe()
    shown = written.text()
    assert "[@click=app.quit]quit" in shown  # a description in the help, as text
    assert "bob␛[2J[red]x[/red]" in shown  # the other annotator in the statistics
    assert "Tag as [red]x[/red]" in shown  # the palette


async def test_library_and_notices_with_hostile_titles_and_file_names(db_path) -> None:
    app = hostile_app(db_path, corpus=True, notices=[f"skipped 1 file(s): {SOURCE}"])
    written = Written(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.screen.__class__.__name__ == "LibraryScreen"
        await pilot.pause()
    written.assert_safe()
    shown = written.text()
    assert "second ␛]0;T2␇ [/] text" in shown  # a title in the table
    assert "[red]file[/red]" in shown  # the notice's file name, not coloured


def test_toasts_go_through_the_sanitising_helper() -> None:
    """`notify` parses markup by default; reader's code says things through `tell`."""
    package = Path(__file__).resolve().parents[2] / "reader"
    callers = [f"{path.relative_to(package)}:{number}"
               for path in package.rglob("*.py")
               for number, line in enumerate(path.read_text().splitlines(), start=1)
               if ".notify(" in line and "def tell" not in line and ".notify(safe_text"
               not in line]
    assert not callers
