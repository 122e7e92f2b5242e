"""The two lines under the article: the label legend and the status of cursor and saving."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from reader.annotate.labels import Label


class Legend(Static):
    """Label chips: key, colour and name, so the keys never need remembering."""

    DEFAULT_CSS = """
    Legend { height: 1; background: $panel; padding: 0 1; }
    """

    def __init__(self, labels: tuple[Label, ...], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.labels = labels
        self.tooltip = "\n".join(
            f"{label.key or 'enter'}  {label.name}" + (f": {label.description}"
                                                     if label.description else "")
            for label in labels
        )

    def render(self) -> Text:
        text = Text()
        for label in self.labels:
            key = f"{label.key} " if label.key else ""
            text.append(f" {key}{label.name} ", style=f"bold black on {label.color}")
            text.append("  ")
        text.append("enter: pick label · ?: help", style="dim")
        return text


class StatusLine(Static):
    """Where the cursor is, what it is on, and what was last saved."""

    DEFAULT_CSS = """
    StatusLine { height: 1; background: $panel-darken-1; padding: 0 1; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.mode = ""
        self.where = ""
        self.under_cursor: list[str] = []
        self.message = ""

    def show(self, *, mode: str | None = None, where: str | None = None,
             under_cursor: list[str] | None = None, message: str | None = None) -> None:
        if mode is not None:
            self.mode = mode
        if where is not None:
            self.where = where
        if under_cursor is not None:
            self.under_cursor = under_cursor
        if message is not None:
            self.message = message
        self.refresh()

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        if self.mode:
            text.append(f" {self.mode} ", style="bold reverse")
            text.append(" ")
        text.append(self.where, style="dim")
        for description in self.under_cursor[:3]:
            text.append(f"  {description}", style="bold")
        if len(self.under_cursor) > 3:
            text.append(f" +{len(self.under_cursor) - 3}")
        if self.message:
            text.append("  " + self.message, style="italic")
        return text
