"""The sidebar: the document's annotations in text order, filterable by label."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from reader.annotate.span_index import Span

PREVIEW = 40


class AnnotationList(Vertical):
    """Enter (or a click) on an item jumps to that annotation."""

    DEFAULT_CSS = """
    AnnotationList { width: 44; dock: right; border-left: tall $panel; display: none; }
    AnnotationList.-visible { display: block; }
    AnnotationList > Static { height: 1; background: $panel; padding: 0 1; }
    AnnotationList > Input { border: none; height: 1; padding: 0 1; }
    AnnotationList > OptionList, AnnotationList > OptionList:focus { border: none; height: 1fr; }
    AnnotationList > Input:focus { border: none; }
    """

    class Jump(Message):
        def __init__(self, span: Span) -> None:
            super().__init__()
            self.span = span

    def __init__(self, text: str, colors: dict[str, str], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.text = text
        self.label_colors = colors
        self.spans: list[Span] = []
        self.label_filter = ""

    def compose(self) -> ComposeResult:
        yield Static("Annotations", id="annotation-count")
        yield Input(placeholder="filter by label…", id="label-filter")
        yield OptionList(id="annotation-options")

    def update_spans(self, spans: list[Span]) -> None:
        self.spans = spans
        if self.is_mounted and self.has_class("-visible"):
            self._rebuild()

    def on_show(self) -> None:
        self._rebuild()

    @on(Input.Changed, "#label-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.label_filter = event.value.strip().lower()
        self._rebuild()

    def shown_spans(self) -> list[Span]:
        wanted = self.label_filter
        return [s for s in self.spans if not wanted or wanted in s.label.lower()]

    def _rebuild(self) -> None:
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        shown = self.shown_spans()
        options.clear_options()
        options.add_options([self._option(index, span) for index, span in enumerate(shown)])
        count = self.query_one("#annotation-count", Static)
        count.update(f"Annotations: {len(shown)}" + (f" of {len(self.spans)}"
                                                     if len(shown) != len(self.spans) else ""))
        if shown:
            options.highlighted = min(highlighted or 0, len(shown) - 1)

    def _option(self, index: int, span: Span) -> Option:
        covered = self.text[span.start:span.end].replace("\r", " ").replace("\n", " ")
        if len(covered) > PREVIEW:
            covered = covered[: PREVIEW - 1] + "…"
        line = Text(no_wrap=True, overflow="ellipsis")
        color = self.label_colors.get(span.label, "grey50")
        line.append(f" {span.label} ", style=f"bold black on {color}")
        line.append(" " + covered)
        if span.note:
            line.append(" ✎", style="bold")
        if not span.own:
            line.append(f" ({span.annotator})", style="dim")
        return Option(line, id=str(index))

    @on(OptionList.OptionSelected, "#annotation-options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        shown = self.shown_spans()
        index = int(event.option.id or 0)
        if index < len(shown):
            self.post_message(self.Jump(shown[index]))
