"""Baseline: the cheapest Textual app there is, so first paint measures Textual's own start-up."""

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static


class HelloApp(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Static("Hello")


if __name__ == "__main__":
    HelloApp().run()
