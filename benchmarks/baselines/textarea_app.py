"""Baseline: the obvious way to show a file in Textual, a read-only soft-wrapped TextArea
holding the whole text. Usage: python textarea_app.py FILE

TextArea has no go-to-end key, so G is bound here (as in reader) for the repaint timing."""

import sys
from pathlib import Path
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import TextArea


class TextAreaApp(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("G", "end", "End"),
    ]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        yield TextArea(self.text, read_only=True, soft_wrap=True)

    def action_end(self) -> None:
        text_area = self.query_one(TextArea)
        text_area.move_cursor(text_area.document.end)


if __name__ == "__main__":
    TextAreaApp(Path(sys.argv[1]).read_text(encoding="utf-8")).run()
