"""The help screen, built from the live bindings so it can never go stale."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.annotate.labels import Label, RelationType
from reader.text.sanitize import safe_text


def key_names(keys: str) -> str:
    """`pagedown,space` -> `PgDn / space` (the way people write keys)."""
    pretty = {"pagedown": "PgDn", "pageup": "PgUp", "question_mark": "?", "slash": "/",
              "escape": "Esc", "enter": "Enter", "tab": "Tab", "left_square_bracket": "[",
              "right_square_bracket": "]", "ctrl+r": "Ctrl+R", "ctrl+d": "Ctrl+D",
              "ctrl+u": "Ctrl+U", "ctrl+p": "Ctrl+P", "apostrophe": "'",
              "number_sign": "#", "greater_than_sign": ">", "less_than_sign": "<",
              "right_curly_bracket": "}", "left_curly_bracket": "{"}
    return " / ".join(pretty.get(key, key) for key in keys.split(","))


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 84; max-width: 95%; height: 90%; border: round $accent;
        background: $surface; padding: 0 1;
    }
    """

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", id="help.close")]

    def __init__(self, sections: list[tuple[str, list[Binding]]],
                 labels: tuple[Label, ...], *, relations: tuple[RelationType, ...] = ()) -> None:
        super().__init__()
        self.sections = sections
        self.labels = labels
        self.relations = relations

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text("reader — keys", style="bold"))
            labels = Table(box=None, show_header=False, padding=(0, 2))
            for label in self.labels:
                # Text cells, not str: a Table parses str cells as markup.
                labels.add_row(label.key or "enter",
                               Text(f" {safe_text(label.name)} ",
                                    style=f"bold black on {label.color}"),
                               Text(safe_text(label.description)))
            yield Static(Text("\nLabels (tag the selection, or the word under the cursor; "
                              "the same key on a span with that label removes it)", style="bold"))
            yield Static(labels)
            for title, bindings in self.sections:
                table = Table(box=None, show_header=False, padding=(0, 2))
                for binding in bindings:
                    table.add_row(key_names(binding.key), binding.description)
                yield Static(Text(f"\n{title}", style="bold"))
                yield Static(table)
            if self.relations:
                kinds = Table(box=None, show_header=False, padding=(0, 2))
                for kind in self.relations:
                    kinds.add_row(kind.key or "enter",
                                  Text(f" {safe_text(kind.name)} ",
                                       style=f"bold black on {kind.color}"),
                                  Text(safe_text(kind.rule())),
                                  Text(safe_text(kind.description)))
                yield Static(Text("\nRelation labels (the number keys while a relation is "
                                  "pending: r on a span, then move to the other)", style="bold"))
                yield Static(kinds)
            yield Static(Text("\nCtrl+P opens the command palette: every action by name.\n"
                              "Escape, q or ? closes this screen.", style="dim"))
