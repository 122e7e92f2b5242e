"""The reading keys of a scrolling page of text (the help, the guidelines): the article's
j / k, Space / PgDn, PgUp, g / G, with ids under the page's own prefix for `[keys]`."""

from __future__ import annotations

from textual.binding import Binding
from textual.containers import ScrollableContainer


def page_bindings(prefix: str) -> list[Binding]:
    """Bindings to the owner's `scroll(where)` action (see `scroll_page`)."""
    return [
        Binding("j,down", "scroll('down')", "Line down", show=False, id=f"{prefix}.down"),
        Binding("k,up", "scroll('up')", "Line up", show=False, id=f"{prefix}.up"),
        Binding("space,pagedown", "scroll('page_down')", "Page down", show=False,
                id=f"{prefix}.page_down"),
        Binding("pageup", "scroll('page_up')", "Page up", show=False, id=f"{prefix}.page_up"),
        Binding("g,home", "scroll('home')", "Top", show=False, id=f"{prefix}.top"),
        Binding("G,end", "scroll('end')", "End", show=False, id=f"{prefix}.end"),
    ]


def scroll_page(scroll: ScrollableContainer, where: str) -> None:
    """One of `page_bindings`' moves, at once (no animation to wait for)."""
    moves = {"down": scroll.scroll_down, "up": scroll.scroll_up,
             "page_down": scroll.scroll_page_down, "page_up": scroll.scroll_page_up,
             "home": scroll.scroll_home, "end": scroll.scroll_end}
    moves[where](animate=False)
