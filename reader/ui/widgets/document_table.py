"""The library's table of documents, drawn a screen of rows at a time (see LineList for why
not Textual's DataTable: it measures every cell of ten thousand rows before showing one)."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.message import Message

from reader.store.library import LibraryRow
from reader.text.sanitize import safe_line
from reader.ui.widgets.line_list import LineList

COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("title", "Title", 0),  # 0: takes the width left over
    ("source", "Source", 30),
    ("status", "Status", 12),
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


class DocumentTable(LineList[LibraryRow]):
    """Documents with status, span count and last visit; Enter or a double click opens."""

    HEADER = True

    class Opened(Message):
        def __init__(self, row: LibraryRow) -> None:
            super().__init__()
            self.row = row

    class HeaderClicked(Message):
        def __init__(self, column: str) -> None:
            super().__init__()
            self.column = column

    def _widths(self, width: int) -> list[int]:
        fixed = sum(w + 1 for _key, _title, w in COLUMNS if w)
        return [w if w else max(width - fixed - 1, 10) for _key, _title, w in COLUMNS]

    def render_header(self, width: int, style: Style) -> list[Segment]:
        cells = [fit(title, w) for (_k, title, _w), w in zip(COLUMNS, self._widths(width),
                                                             strict=True)]
        return [Segment(" " + " ".join(cells), style)]

    def render_row(self, row: LibraryRow, width: int, style: Style) -> list[Segment]:
        values = (row.title, row.source, row.status.replace("_", " "), str(row.spans),
                  row.opened_at[:16].replace("T", " "))
        segments = [Segment(" ", style)]
        for (key, _title, _w), cell_width, value in zip(COLUMNS, self._widths(width), values,
                                                        strict=True):
            cell_style = style + Style(color=STATUS_COLORS.get(row.status)) \
                if key == "status" else style
            segments.append(Segment(fit(value, cell_width, key == "spans"), cell_style))
            segments.append(Segment(" ", style))
        return segments

    def choose(self, row: LibraryRow) -> None:
        self.post_message(self.Opened(row))

    def header_clicked(self, x: int) -> None:
        x -= 1
        for (key, _title, _w), cell_width in zip(COLUMNS, self._widths(
                self.scrollable_content_region.width), strict=True):
            if x < cell_width + 1:
                self.post_message(self.HeaderClicked(key))
                return
            x -= cell_width + 1
