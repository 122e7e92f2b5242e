"""The help screen, built from the live bindings so it can never go stale."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.keys import format_key
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.annotate.labels import Label, RelationType
from reader.text.sanitize import safe_text

NAMED_KEYS = {"pagedown": "PgDn", "pageup": "PgUp", "escape": "Esc", "enter": "Enter",
              "tab": "Tab", "space": "Space", "home": "Home", "end": "End",
              "backspace": "Backspace", "delete": "Del", "insert": "Ins",
              "up": "↑", "down": "↓", "left": "←", "right": "→"}
"""Keys Textual's `format_key` would show in lower case or as words (its own aliases: `esc`,
`pgdn`, `⏎`); everything else is what `format_key` makes of it (`question_mark` -> `?`)."""


def key_name(key: str) -> str:
    """One bound key as a user types it: `ctrl+r` -> `Ctrl+R`, `shift+right` -> `Shift+→`,
    `number_sign` -> `#`."""
    *modifiers, base = key.split("+") if key != "+" else [key]
    shown = NAMED_KEYS.get(base) or format_key(base)
    if modifiers and len(shown) == 1:
        shown = shown.upper()
    return "+".join([*(modifier.capitalize() for modifier in modifiers), shown])


def key_names(keys: str) -> str:
    """`pagedown,space` -> `PgDn / Space` (the way people write keys)."""
    return " / ".join(key_name(key) for key in keys.split(","))


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 84; max-width: 95%; height: 90%; border: round $accent;
        background: $surface; padding: 0 1;
    }
    """

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close"),
        # The reading keys of the article work here too: the help is longer than a screen.
        Binding("j,down", "scroll('down')", "Line down", show=False, id="help.down"),
        Binding("k,up", "scroll('up')", "Line up", show=False, id="help.up"),
        Binding("space,pagedown", "scroll('page_down')", "Page down", show=False,
                id="help.page_down"),
        Binding("pageup", "scroll('page_up')", "Page up", show=False, id="help.page_up"),
        Binding("g,home", "scroll('home')", "Top", show=False, id="help.top"),
        Binding("G,end", "scroll('end')", "End", show=False, id="help.end"),
    ]

    def __init__(self, sections: list[tuple[str, list[Binding]]],
                 labels: tuple[Label, ...], *, relations: tuple[RelationType, ...] = ()) -> None:
        super().__init__()
        self.sections = sections
        self.labels = labels
        self.relations = relations

    def action_scroll(self, where: str) -> None:
        """Scroll the help (by the screen's keys, whatever has the focus)."""
        scroll = self.query_one(VerticalScroll)
        moves = {"down": scroll.scroll_down, "up": scroll.scroll_up,
                 "page_down": scroll.scroll_page_down, "page_up": scroll.scroll_page_up,
                 "home": scroll.scroll_home, "end": scroll.scroll_end}
        moves[where](animate=False)

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text("reader — keys", style="bold"))
            labels = Table(box=None, show_header=False, padding=(0, 2))
            for label in self.labels:
                # Text cells, not str: a Table parses str cells as markup.
                labels.add_row(key_name(label.key or "enter"),
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
                    kinds.add_row(key_name(kind.key or "enter"),
                                  Text(f" {safe_text(kind.name)} ",
                                       style=f"bold black on {kind.color}"),
                                  Text(safe_text(kind.rule())),
                                  Text(safe_text(kind.description)))
                yield Static(Text("\nRelation labels (the number keys while a relation is "
                                  "pending: r on a span, then move to the other)", style="bold"))
                yield Static(kinds)
            yield Static(Text("\nCtrl+P opens the command palette: every action by name.\n"
                              "Escape, q or ? closes this screen.", style="dim"))
