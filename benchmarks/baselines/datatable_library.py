"""Baseline for the library benchmark: Textual's DataTable listing every document of a
reader database, the way a straightforward library screen would."""

from __future__ import annotations

import sqlite3
import sys

from textual.app import App, ComposeResult
from textual.widgets import DataTable


class DataTableLibrary(App[None]):
    BINDINGS = [("q", "quit", "Quit")]

    def __init__(self, db: str) -> None:
        super().__init__()
        self.db = db

    def compose(self) -> ComposeResult:
        yield DataTable(cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Title", "Source", "Status", "Spans", "Last opened")
        conn = sqlite3.connect(self.db)
        table.add_rows(
            (title, source, "new", 0, "")
            for title, source in conn.execute("SELECT title, source FROM documents ORDER BY id")
        )


if __name__ == "__main__":
    DataTableLibrary(sys.argv[1]).run()
