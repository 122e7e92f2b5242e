"""The library: every document of the corpus with its status; filter, sort, open."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input

from reader.store.library import LibraryRow, library_rows

if TYPE_CHECKING:
    from reader.ui.app import ReaderApp

STATUS_STYLE = {"new": "dim", "in_progress": "yellow", "done": "green"}
SORTS = ("order", "title", "status", "spans", "opened")


class LibraryScreen(Screen[None]):
    DEFAULT_CSS = """
    LibraryScreen #library-filter { height: 1; border: none; padding: 0 1; }
    LibraryScreen #library-filter:focus { border: none; }
    LibraryScreen DataTable { height: 1fr; }
    """

    BINDINGS = [
        Binding("slash", "filter", "Filter", id="library.filter"),
        Binding("s", "sort", "Sort", id="library.sort"),
        Binding("S", "stats", "Statistics", id="library.stats"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="library.clear"),
        Binding("question_mark", "help", "Help", id="library.help"),
        Binding("q", "quit", "Quit", id="library.quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[LibraryRow] = []
        self.sort = "order"
        self.filter_text = ""

    @property
    def reader_app(self) -> ReaderApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="≡")
        yield Input(placeholder="/ filter by title or source · s sort · enter open",
                    id="library-filter")
        yield DataTable(cursor_type="row", zebra_stripes=True, id="library-table")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, title, width in (("title", "Title", 48), ("source", "Source", 30),
                                  ("status", "Status", 11), ("spans", "Spans", 6),
                                  ("opened", "Last opened", 16)):
            table.add_column(title, key=key, width=width)
        self.title = "Library"
        self.refresh_rows()
        table.focus()

    def on_screen_resume(self) -> None:
        self.refresh_rows()

    def refresh_rows(self) -> None:
        app = self.reader_app
        if app.conn is None:
            return
        self.rows = library_rows(app.conn, app.annotator, app.session.document_ids)
        done = sum(1 for row in self.rows if row.status == "done")
        self.sub_title = (f"{app.annotator} · done {done}/{len(self.rows)} · "
                          f"sorted by {self.sort}")
        self._fill()

    def shown_rows(self) -> list[LibraryRow]:
        wanted = self.filter_text.lower()
        rows = [row for row in self.rows
                if not wanted or wanted in row.title.lower() or wanted in row.source.lower()]
        if self.sort == "title":
            rows.sort(key=lambda row: row.title.lower())
        elif self.sort == "status":
            order = {"in_progress": 0, "new": 1, "done": 2}
            rows.sort(key=lambda row: order.get(row.status, 3))
        elif self.sort == "spans":
            rows.sort(key=lambda row: -row.spans)
        elif self.sort == "opened":
            rows.sort(key=lambda row: row.opened_at, reverse=True)
        return rows

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        table.add_rows(
            (
                Text(row.title, overflow="ellipsis", no_wrap=True),
                Text(row.source, overflow="ellipsis", no_wrap=True),
                Text(row.status.replace("_", " "), style=STATUS_STYLE.get(row.status, "")),
                row.spans,
                row.opened_at[:16].replace("T", " "),
            )
            for row in self.shown_rows()
        )
        # DataTable row keys are generated; keep our own map from row index to document.
        self._shown_ids = [row.id for row in self.shown_rows()]

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        index = event.cursor_row
        if 0 <= index < len(self._shown_ids):
            self.reader_app.open_document(self._shown_ids[index])

    @on(DataTable.HeaderSelected)
    def _sort_by_header(self, event: DataTable.HeaderSelected) -> None:
        key = str(event.column_key.value)
        self.sort = {"source": "title"}.get(key, key) if key in SORTS or key == "source" \
            else "order"
        self.refresh_rows()

    @on(Input.Changed, "#library-filter")
    def _filter(self, event: Input.Changed) -> None:
        self.filter_text = event.value.strip()
        self._fill()

    @on(Input.Submitted, "#library-filter")
    def _filter_done(self) -> None:
        self.query_one(DataTable).focus()

    def action_filter(self) -> None:
        self.query_one("#library-filter", Input).focus()

    def action_clear_filter(self) -> None:
        self.query_one("#library-filter", Input).value = ""
        self.query_one(DataTable).focus()

    def action_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self.refresh_rows()

    def action_stats(self) -> None:
        from reader.ui.screens.stats import StatsScreen

        self.app.push_screen(StatsScreen())

    def action_help(self) -> None:
        from reader.ui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(
            [("Library", [b for b in self.BINDINGS if isinstance(b, Binding)])],
            self.reader_app.config.labels))

    def action_quit(self) -> None:
        self.app.exit()
