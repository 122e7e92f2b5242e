"""Small modal dialogs: a fuzzy chooser (labels, overlapping spans) and a note editor.

Titles, choices and notes come from data: they are shown as sanitised `Text`, never as
markup (a label named `[/]` once crashed the chooser)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.fuzzy import Matcher
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from reader.text.sanitize import safe_text
from reader.ui.widgets.safe_input import SafeInput


@dataclass(frozen=True)
class Choice:
    value: str
    title: str
    detail: str = ""


class ChooseScreen(ModalScreen[str | None]):
    """Type to filter (fuzzy), arrows to move, Enter to choose, Escape to cancel."""

    DEFAULT_CSS = """
    ChooseScreen { align: center middle; }
    ChooseScreen > Vertical {
        width: 64; max-width: 90%; height: auto; max-height: 80%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    ChooseScreen OptionList { height: auto; max-height: 20; border: none; }
    ChooseScreen Input { border: none; }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
        Binding("down", "move(1)", "Down", show=False, id="dialog.down"),
        Binding("up", "move(-1)", "Up", show=False, id="dialog.up"),
    ]

    def __init__(self, title: str, choices: list[Choice]) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(safe_text(self.title_text)), classes="dialog-title")
            yield Input(placeholder="type to filter", id="filter")
            yield OptionList(*self._options(""), id="choices")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            options.highlighted = 0

    def _options(self, query: str) -> list[Option]:
        if not query:
            ranked = self.choices
        else:
            matcher = Matcher(query)
            scored = [(matcher.match(f"{c.title} {c.detail}"), c) for c in self.choices]
            ranked = [c for score, c in sorted(scored, key=lambda p: -p[0]) if score > 0]
        return [Option(self._prompt(c), id=c.value) for c in ranked]

    @staticmethod
    def _prompt(choice: Choice) -> Text:
        prompt = Text(safe_text(choice.title))
        if choice.detail:
            prompt.append("  " + safe_text(choice.detail), style="dim")
        return prompt

    @on(Input.Changed, "#filter")
    def refilter(self, event: Input.Changed) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(self._options(event.value))
        if options.option_count:
            options.highlighted = 0

    @on(Input.Submitted, "#filter")
    def choose_highlighted(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return
        self.dismiss(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected)
    def choose(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            current = options.highlighted or 0
            options.highlighted = (current + step) % options.option_count

    def action_cancel(self) -> None:
        self.dismiss(None)


class NoteScreen(ModalScreen[str | None]):
    """Edit the free-text note of an annotation; Enter saves, Escape cancels."""

    DEFAULT_CSS = """
    NoteScreen { align: center middle; }
    NoteScreen > Vertical {
        width: 72; max-width: 90%; height: auto; border: round $accent;
        background: $surface; padding: 0 1;
    }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="note.cancel")]

    def __init__(self, title: str, note: str) -> None:
        super().__init__()
        self.title_text = title
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(safe_text(self.title_text)))
            yield SafeInput(value=self.note, placeholder="note (empty removes it)", id="note")
            yield Label(Text("enter: save · escape: cancel", style="dim"))

    @on(Input.Submitted, "#note")
    def save(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question: y or Enter says yes, n or Escape says no."""

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical {
        width: 72; max-width: 90%; height: auto; border: round $accent;
        background: $surface; padding: 0 1;
    }
    """

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(safe_text(self.question)), id="question")
            yield Label(Text("y / enter: yes · n / escape: no", style="dim"))

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
