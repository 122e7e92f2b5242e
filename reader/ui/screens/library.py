"""The library: every document of the corpus with its status; filter, sort, open."""

from __future__ import annotations

import sqlite3

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input

from reader.store.library import LibraryRow
from reader.text.sanitize import safe_text
from reader.ui.keymap import hint_key
from reader.ui.messages import OpenDocument, ShowStats
from reader.ui.notify import tell
from reader.ui.widgets.document_table import DocumentTable
from reader.ui.widgets.footer import ReaderFooter
from reader.ui.widgets.title_bar import TitleBar
from reader.ui.workspace import Workspace

SORTS = ("order", "title", "status", "spans", "opened")


class LibraryScreen(Screen[None]):
    DEFAULT_CSS = """
    LibraryScreen #library-filter { height: 1; border: none; padding: 0 1; }
    LibraryScreen #library-filter:focus { border: none; }
    """

    BINDINGS = [
        Binding("slash", "filter", "Filter", id="library.filter"),
        Binding("s", "sort", "Sort", id="library.sort"),
        Binding("S", "stats", "Statistics", id="corpus.stats"),
        # One key, two footer words: the one that is not shown now (see check_action).
        Binding("a", "show_all(True)", "All documents", id="library.all"),
        Binding("a", "show_all(False)", "This corpus", id="library.corpus"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="library.clear"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit"),
    ]

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.rows: list[LibraryRow] = []
        self.sort = "order"
        self.filter_text = ""
        self.everything = False  # every document in the database, not only this corpus

    def compose(self) -> ComposeResult:
        yield TitleBar(icon="≡")
        keymap = self.workspace.keymap
        yield Input(placeholder=f"{hint_key(keymap, 'library.filter', '/')} filter by title or"
                    f" source · {hint_key(keymap, 'library.sort', 's')} sort ·"
                    f" {hint_key(keymap, 'list.choose', 'enter')} open", id="library-filter")
        yield DocumentTable(id="library-table")
        yield ReaderFooter()

    def on_mount(self) -> None:
        table = self.query_one(DocumentTable)
        self.title = "Library"
        self.refresh_rows()
        table.focus()

    def on_screen_resume(self) -> None:
        if self.rows:  # back from an article: statuses and counts may have changed
            self.refresh_rows()

    def refresh_rows(self) -> None:
        try:
            self.rows = self.workspace.library_rows(everything=self.everything)
            self.query_one(DocumentTable).set_doc_labels(self.workspace.doc_labels_by_document())
        except sqlite3.Error as error:
            tell(self.app, f"could not read the library: {error}", severity="error")
            return
        done = sum(1 for row in self.rows if row.status == "done")
        shown = ("all documents in the database" if self.everything
                 else self.workspace.corpus_name())
        self.sub_title = (f"{safe_text(self.workspace.annotator)} · {shown} · "
                          f"done {done}/{len(self.rows)} · sorted by {self.sort}")
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
        self.query_one(DocumentTable).set_rows(self.shown_rows())

    @on(DocumentTable.Opened)
    def _open(self, event: DocumentTable.Opened) -> None:
        self.post_message(OpenDocument(event.row.id))

    @on(DocumentTable.HeaderClicked)
    def _sort_by_header(self, event: DocumentTable.HeaderClicked) -> None:
        self.sort = {"source": "title"}.get(event.column, event.column)
        if self.sort not in SORTS:
            self.sort = "order"
        self.refresh_rows()

    @on(Input.Changed, "#library-filter")
    def _filter(self, event: Input.Changed) -> None:
        self.filter_text = event.value.strip()
        self._fill()

    @on(Input.Submitted, "#library-filter")
    def _filter_done(self) -> None:
        self.query_one(DocumentTable).focus()

    def action_filter(self) -> None:
        self.query_one("#library-filter", Input).focus()

    def action_clear_filter(self) -> None:
        self.query_one("#library-filter", Input).value = ""
        self.query_one(DocumentTable).focus()

    def action_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self.refresh_rows()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`a` shows the other list: only its binding is live (and in the footer)."""
        if action == "show_all":
            return bool(parameters and parameters[0]) != self.everything
        return True

    def action_show_all(self, everything: bool) -> None:
        self.everything = everything
        self.refresh_rows()
        self.refresh_bindings()

    def action_stats(self) -> None:
        self.post_message(ShowStats())

    def action_help(self) -> None:
        from reader.ui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(
            [("Library", [b for b in self.BINDINGS if isinstance(b, Binding)])],
            self.workspace.config.labels, keymap=self.workspace.keymap))

    def action_quit(self) -> None:
        self.app.exit()
