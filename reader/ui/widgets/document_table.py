"""The library's table of documents, drawn a screen of rows at a time (see LineList for why
not Textual's DataTable: it measures every cell of ten thousand rows before showing one)."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.message import Message

from reader.store.library import LibraryRow
from reader.text.sanitize import ELLIPSIS, safe_line, safe_text
from reader.ui.widgets.line_list import LineList

COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("title", "Title", 0),  # 0: takes the width left over
    ("source", "Source", 30),
    ("status", "Status", 12),
    ("spans", "Spans", 7),
    ("opened", "Last opened", 17),
)
# Once any document has a label: this annotator's labels of each whole document, in room
# the source column gives up.
WITH_LABELS: tuple[tuple[str, str, int], ...] = (
    ("title", "Title", 0),
    ("source", "Source", 22),
    ("status", "Status", 12),
    ("labels", "Doc labels", 14),
    ("spans", "Spans", 7),
    ("opened", "Last opened", 17),
)
STATUS_COLORS = {"new": "grey62", "in_progress": "yellow", "done": "green"}


def fit(text: str, width: int, align_right: bool = False) -> str:
    """`text`, sanitised, cut with an ellipsis or padded to exactly `width` cells."""
    if width <= 0:
        return ""
    text = safe_line(text, width)
    if align_right:
        return " " * (width - cell_len(text)) + text
    return set_cell_size(text, width)


def fit_path(path: str, width: int) -> str:
    """`path`, sanitised, in exactly `width` cells; when too long the folders are cut from
    the left with an ellipsis, so the file name (its end, at least) stays in sight."""
    if width <= 0:
        return ""
    shown = safe_text(path)
    if cell_len(shown) <= width:
        return set_cell_size(shown, width)
    tail = ""
    for char in reversed(shown):  # the longest end of the path that fits beside the …
        if cell_len(char + tail) > width - 1:
            break
        tail = char + tail
    return set_cell_size(ELLIPSIS + tail, width)


class DocumentTable(LineList[LibraryRow]):
    """Documents with status, document labels, span count and last visit; Enter or a double
    click opens."""

    HEADER = True

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.doc_labels: dict[int, list[str]] = {}  # by document id, for the labels column

    def set_doc_labels(self, doc_labels: dict[int, list[str]]) -> None:
        self.doc_labels = doc_labels
        self.refresh()

    class Opened(Message):
        def __init__(self, row: LibraryRow) -> None:
            super().__init__()
            self.row = row

    class HeaderClicked(Message):
        def __init__(self, column: str) -> None:
            super().__init__()
            self.column = column

    @property
    def columns(self) -> tuple[tuple[str, str, int], ...]:
        return WITH_LABELS if self.doc_labels else COLUMNS

    def _widths(self, width: int) -> list[int]:
        columns = self.columns
        fixed = sum(w + 1 for _key, _title, w in columns if w)
        return [w if w else max(width - fixed - 1, 10) for _key, _title, w in columns]

    def render_header(self, width: int, style: Style) -> list[Segment]:
        cells = [fit(title, w) for (_k, title, _w), w in zip(self.columns, self._widths(width),
                                                             strict=True)]
        return [Segment(" " + " ".join(cells), style)]

    def render_row(self, row: LibraryRow, width: int, style: Style) -> list[Segment]:
        values = {"title": row.title, "source": row.source,
                  "status": row.status.replace("_", " "),
                  "labels": ", ".join(self.doc_labels.get(row.id, ())),
                  "spans": str(row.spans), "opened": row.opened_at[:16].replace("T", " ")}
        segments = [Segment(" ", style)]
        for (key, _title, _w), cell_width in zip(self.columns, self._widths(width),
                                                 strict=True):
            value = values[key]
            cell_style = style + Style(color=STATUS_COLORS.get(row.status)) \
                if key == "status" else style
            cell = fit_path(value, cell_width) if key == "source" \
                else fit(value, cell_width, key == "spans")
            segments.append(Segment(cell, cell_style))
            segments.append(Segment(" ", style))
        return segments

    def choose(self, row: LibraryRow) -> None:
        self.post_message(self.Opened(row))

    def header_clicked(self, x: int) -> None:
        x -= 1
        for (key, _title, _w), cell_width in zip(self.columns, self._widths(
                self.scrollable_content_region.width), strict=True):
            if x < cell_width + 1:
                self.post_message(self.HeaderClicked(key))
                return
            x -= cell_width + 1
