"""The `/` prompt, mounted the first time it is needed (start-up pays nothing for it)."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Input


class SearchBar(Input):
    """The `/` prompt: matches highlight as you type; Enter selects, Escape cancels."""

    DEFAULT_CSS = """
    SearchBar { height: 1; border: none; padding: 0 1; display: none; }
    SearchBar:focus { border: none; }
    SearchBar.-active { display: block; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel search", id="search.cancel")]

    def action_cancel(self) -> None:
        self.screen.cancel_search()  # type: ignore[attr-defined]
