"""The help screen, built from the live bindings so it can never go stale."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.annotate.labels import Label, RelationType
from reader.text.sanitize import safe_text
from reader.ui.keymap import key_name, key_names, rebound
from reader.ui.scrolling import page_bindings, scroll_page

__all__ = ["HelpScreen", "key_name", "key_names"]


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
        *page_bindings("help"),
    ]

    def __init__(self, sections: list[tuple[str, list[Binding]]],
                 labels: tuple[Label, ...], *, relations: tuple[RelationType, ...] = (),
                 keymap: dict[str, str] | None = None) -> None:
        """`sections` as the classes bind them; `keymap` (`[keys]` in the config) moves
        them to the user's keys, which are the ones shown."""
        super().__init__()
        self.keymap = keymap or {}
        self.sections = [(title, rebound(bindings, self.keymap))
                         for title, bindings in sections]
        self.labels = labels
        self.relations = relations

    def action_scroll(self, where: str) -> None:
        """Scroll the help (by the screen's keys, whatever has the focus)."""
        scroll_page(self.query_one(VerticalScroll), where)

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
                    # The id is what `[keys]` in the config moves to another key.
                    table.add_row(Text(key_names(binding.key)), Text(binding.description),
                                  Text(binding.id or "", style="dim"))
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
            close = next(b for b in rebound(_bindings(self.BINDINGS), self.keymap)
                         if b.id == "help.close")
            yield Static(Text("\nCtrl+P opens the command palette: every action by name.\n"
                              f"{key_names(close.key).replace(' / ', ', ')} closes this"
                              " screen. The dim names are the ids that [keys] in the config"
                              " moves to other keys.", style="dim"))


def _bindings(bindings: list[BindingType]) -> list[Binding]:
    return [binding for binding in bindings if isinstance(binding, Binding)]
