"""Issue 12, items 8 and 11: the help shows keys as a user types them and scrolls with the
reading keys; the library can list every document in the database and keeps file names in
sight."""

from __future__ import annotations

from pilot_helpers import SIZE
from rich.console import Console
from textual.containers import VerticalScroll
from textual.widgets import Static

from reader.store.database import connect
from reader.store.documents import add_document
from reader.text.loading import LoadedText
from reader.ui.screens.help import HelpScreen
from reader.ui.screens.library import LibraryScreen
from reader.ui.widgets.document_table import DocumentTable

RAW_KEY_WORDS = ("_sign", "_bracket", "question_mark", "apostrophe", "slash", "shift+",
                 "ctrl+", "pagedown", "right_", "left_")


def rendered(static: Static) -> str:
    console = Console(width=120, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(static.content)
    return console.export_text()


async def test_help_shows_keys_as_typed(reader, seed_text) -> None:
    app = reader.open(seed_text)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(rendered(s) for s in app.screen.query(Static))
        for raw in RAW_KEY_WORDS:
            assert raw not in text, raw
        for shown in ("?", "/", "[", "Ctrl+R", "Shift+→", "#", "PgDn / Space"):
            assert shown in text, shown


async def test_help_scrolls_with_reading_keys(reader, seed_text) -> None:
    app = reader.open(seed_text)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        scroll = app.screen.query_one(VerticalScroll)
        assert scroll.max_scroll_y > 2
        await pilot.press("j")
        await pilot.press("j")
        await pilot.pause()
        assert scroll.scroll_y == 2
        await pilot.press("k")
        await pilot.pause()
        assert scroll.scroll_y == 1
        await pilot.press("G")
        await pilot.pause()
        assert scroll.scroll_y == scroll.max_scroll_y
        last = list(app.screen.query(Static))[-1]
        assert last.region.bottom <= scroll.region.bottom  # the last words are in sight
        await pilot.press("g")
        await pilot.pause()
        assert scroll.scroll_y == 0
        await pilot.press("space")
        await pilot.pause()
        assert scroll.scroll_y > 1
        await pilot.press("pageup")
        await pilot.pause()
        assert scroll.scroll_y == 0
        assert isinstance(app.screen, HelpScreen)  # none of them closed the help


def shown_sources(app: object) -> list[str]:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, LibraryScreen)
    return [row.source for row in screen.query_one(DocumentTable).rows]


async def test_library_toggles_all_documents_in_the_database(reader, seed_text) -> None:
    conn = connect(reader.db_path)
    add_document(conn, LoadedText.from_text("Another text, opened last week.\n",
                                            "elsewhere/other.txt"))
    conn.close()
    app = reader.open(seed_text)  # the command line names only the seed article
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("L")
        await pilot.pause()
        assert shown_sources(app) == ["sample_articles/article.txt"]
        assert "this corpus" in app.screen.sub_title
        await pilot.press("a")
        await pilot.pause()
        assert shown_sources(app) == ["sample_articles/article.txt", "elsewhere/other.txt"]
        assert "all documents in the database" in app.screen.sub_title
        await pilot.press("a")
        await pilot.pause()
        assert shown_sources(app) == ["sample_articles/article.txt"]
        assert "this corpus" in app.screen.sub_title


async def test_library_footer_names_the_toggle(reader, seed_text) -> None:
    app = reader.open(seed_text)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("L")
        await pilot.pause()
        footer = app.screen.active_bindings
        assert footer["a"].binding.description == "All documents"
        await pilot.press("a")
        await pilot.pause()
        assert app.screen.active_bindings["a"].binding.description == "This corpus"


async def test_library_keeps_a_long_source_path_file_name(reader, seed_text) -> None:
    source = "/home/annotator/projects/2026/caucasus/press-releases/mfa-statements/" \
             "mirzoyan-lavrov-moscow-meeting.txt"
    app = reader.open(seed_text, source=source)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("L")
        await pilot.pause()
        table = app.screen.query_one(DocumentTable)
        line = "".join(segment.text for segment in table.render_line(1))
        assert "moscow-meeting.txt" in line
        assert "…" in line and "/home/annotator" not in line
