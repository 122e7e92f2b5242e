"""Textual's Footer with the help key pinned at the right, beside the command palette's,
and only whole keys shown.

The footer lists a screen's keys left to right and a narrow terminal cuts the row ("x
Delet", "u U"): the key that explains all the others must never be the one cut, and a key
cut short says nothing, so the keys that do not fit whole are hidden (help lists them)."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import HorizontalGroup
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Footer

HELP_ACTION = "help"


class ReaderFooter(Footer):
    DEFAULT_CSS = """
    ReaderFooter > .-pinned { dock: right; width: auto; height: 1; }
    ReaderFooter > .-pinned > FooterKey { dock: none; border-left: vkey $foreground 20%; }
    """

    def compose(self) -> ComposeResult:
        pinned: list[Widget] = []
        for widget in super().compose():
            # FooterKey is private to Textual: a key is known by its action and class.
            if getattr(widget, "action", None) == HELP_ACTION or \
                    widget.has_class("-command-palette"):
                pinned.append(widget)
            else:
                yield widget
        if pinned:
            pinned.sort(key=lambda key: key.has_class("-command-palette"))  # help first
            with HorizontalGroup(classes="-pinned"):
                yield from pinned
        self.call_after_refresh(self._show_whole_keys)

    def on_resize(self, event: events.Resize) -> None:
        self._show_whole_keys()

    def _show_whole_keys(self) -> None:
        """Show the keys, in order, while they fit whole beside the pinned ones; hide the
        rest (computed from what each would take, so a wider terminal shows them again)."""
        if not self.is_mounted:
            return
        room = self.size.width
        keys: list[Widget] = []
        for child in self.children:
            if child.has_class("-pinned"):
                room -= sum(_cells(key, self.size) for key in child.children)
            else:
                keys.append(child)
        for key in keys:
            needed = _cells(key, self.size)
            key.display = needed <= room
            room -= needed if key.display else room  # after one is hidden, all the rest are


def _cells(widget: Widget, size: Size) -> int:
    """The columns `widget` takes in a row: its content, padding, border and margin."""
    styles = widget.styles
    return widget.get_content_width(size, size) + styles.gutter.width + styles.margin.width
