"""Textual's Footer with the help key pinned at the right, beside the command palette's.

The footer lists a screen's keys left to right and a narrow terminal cuts the row ("x
Delet"): the key that explains all the others must never be the one cut."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import HorizontalGroup
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
