"""The sidebar: the document's annotations in text order, filterable by label.

Its list draws only the rows on screen (LineList), so twenty thousand annotations open
and update as fast as twenty."""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from reader.annotate.span_index import Span
from reader.text.sanitize import safe_line
from reader.ui.widgets.line_list import LineList


class SpanList(LineList[Span]):
    """One annotation a row: its label as a coloured chip, the text it covers, a note mark."""

    def __init__(self, text: str, colors: dict[str, str], **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.text = text
        self.label_colors = colors

    def render_row(self, span: Span, width: int, style: Style) -> list[Segment]:
        color = self.label_colors.get(span.label, "grey50")
        chip = f" {safe_line(span.label, max(width // 3, 4))} "
        extra = (" ✎" if span.note else "") + \
            ("" if span.own else f" ({safe_line(span.annotator, max(width // 4, 4))})")
        room = max(width - cell_len(chip) - 1 - cell_len(extra), 1)
        shown_end = min(span.end, span.start + 4 * room + 8)  # never slice more than fits
        covered = self.text[span.start:shown_end].replace("\r", " ").replace("\n", " ")
        covered = safe_line(covered, room)
        if shown_end < span.end and cell_len(covered) < room and not covered.endswith("…"):
            covered += "…"
        return [Segment(chip, style + Style.parse(f"bold black on {color}")),
                Segment(" " + covered, style), Segment(extra, style + Style(bold=True))]

    def choose(self, span: Span) -> None:
        self.post_message(AnnotationList.Jump(span))


class AnnotationList(Vertical):
    """Enter (or a double click) on an item jumps to that annotation."""

    DEFAULT_CSS = """
    AnnotationList { width: 44; dock: right; border-left: tall $panel; display: none; }
    AnnotationList.-visible { display: block; }
    AnnotationList > Static { height: 1; background: $panel; padding: 0 1; }
    AnnotationList > Input { border: none; height: 1; padding: 0 1; }
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
        yield SpanList(self.text, self.label_colors, id="annotation-options")

    def update_spans(self, spans: list[Span]) -> None:
        self.spans = spans
        if self.is_mounted:
            self._rebuild()

    def on_show(self) -> None:
        self._rebuild()

    @on(Input.Changed, "#label-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.label_filter = event.value.strip().lower()
        self._rebuild()

    @on(Input.Submitted, "#label-filter")
    def _filter_done(self) -> None:
        self.query_one(SpanList).focus()

    def shown_spans(self) -> list[Span]:
        wanted = self.label_filter
        return [s for s in self.spans if not wanted or wanted in s.label.lower()]

    def _rebuild(self) -> None:
        shown = self.shown_spans()
        self.query_one(SpanList).set_rows(shown)
        count = self.query_one("#annotation-count", Static)
        count.update(f"Annotations: {len(shown)}" + (f" of {len(self.spans)}"
                                                     if len(shown) != len(self.spans) else ""))
