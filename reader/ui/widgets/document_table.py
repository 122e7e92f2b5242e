"""The library's table of documents, drawn a screen of rows at a time.

Written by hand because Textual's DataTable measures every cell when rows are added, which
takes over a second for ten thousand documents; this one formats only the rows on screen
(Line API), so the library appears at once and scrolls smoothly at any corpus size."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.store.library import LibraryRow

COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("title", "Title", 0),  # 0: takes the width left over
    ("source", "Source", 30),
    ("status", "Status", 12),
    ("spans", "Spans", 7),
    ("opened", "Last opened", 17),
)
STATUS_COLORS = {"new": "grey62", "in_progress": "yellow", "done": "green"}


def fit(text: str, width: int, align_right: bool = False) -> str:
    """`text` cut with an ellipsis or padded to exactly `width` cells (ASCII-safe fast path)."""
    from rich.cells import cell_len, set_cell_size

    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width) if not align_right else \
        " " * (width - cell_len(text)) + text


class DocumentTable(ScrollView, can_focus=True):
    """Rows of documents with a cursor row; Enter or a click opens one."""

    COMPONENT_CLASSES = {"document-table--header", "document-table--cursor"}

    DEFAULT_CSS = """
    DocumentTable { overflow-x: hidden; overflow-y: auto; height: 1fr; }
    DocumentTable > .document-table--header { text-style: bold; background: $panel; }
    DocumentTable > .document-table--cursor { background: $accent 50%; }
    """

    BINDINGS = [
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown,space", "page(1)", "Page down", show=False),
        Binding("home,g", "jump(0)", "First", show=False),
        Binding("end,G", "jump(-1)", "Last", show=False),
        Binding("enter", "open", "Open", id="library.open"),
    ]

    class Opened(Message):
        def __init__(self, row: LibraryRow) -> None:
            super().__init__()
            self.row = row

    class HeaderClicked(Message):
        def __init__(self, column: str) -> None:
            super().__init__()
            self.column = column

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.rows: list[LibraryRow] = []
        self.cursor_row = 0

    def set_rows(self, rows: list[LibraryRow]) -> None:
        self.rows = rows
        self.cursor_row = min(self.cursor_row, max(len(rows) - 1, 0))
        self.virtual_size = Size(self.size.width, len(rows) + 1)
        self.refresh()

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def _widths(self) -> list[int]:
        width = self.scrollable_content_region.width
        fixed = sum(w + 1 for _key, _title, w in COLUMNS if w)
        return [w if w else max(width - fixed - 1, 10) for _key, _title, w in COLUMNS]

    def _cells(self, row: LibraryRow) -> list[str]:
        return [row.title, row.source, row.status.replace("_", " "), str(row.spans),
                row.opened_at[:16].replace("T", " ")]

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        widths = self._widths()
        if y == 0:  # the header stays put
            style = base + self.get_component_rich_style("document-table--header")
            text = " ".join(fit(title, w) for (_k, title, _w), w in zip(COLUMNS, widths,
                                                                        strict=True))
            return Strip([Segment(" " + text, style)]).crop_extend(0, width, style)
        index = round(self.scroll_y) + y - 1
        if index >= len(self.rows):
            return Strip.blank(width, base)
        row = self.rows[index]
        style = base
        if index == self.cursor_row:
            style = base + self.get_component_rich_style("document-table--cursor")
        segments = [Segment(" ", style)]
        for column, ((key, _title, _w), cell_width) in enumerate(zip(COLUMNS, widths,
                                                                     strict=True)):
            cell = fit(self._cells(row)[column], cell_width, align_right=key == "spans")
            cell_style = style
            if key == "status":
                cell_style = style + Style(color=STATUS_COLORS.get(row.status))
            segments.append(Segment(cell, cell_style))
            segments.append(Segment(" ", style))
        return Strip(segments).crop_extend(0, width, style)

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.rows) + 1)

    def _visible_rows(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    def _show_cursor(self) -> None:
        top = round(self.scroll_y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False)
        elif self.cursor_row >= top + self._visible_rows():
            self.scroll_to(y=self.cursor_row - self._visible_rows() + 1, animate=False)
        self.refresh()

    def action_move(self, step: int) -> None:
        if self.rows:
            self.cursor_row = min(max(self.cursor_row + step, 0), len(self.rows) - 1)
            self._show_cursor()

    def action_page(self, direction: int) -> None:
        self.action_move(direction * self._visible_rows())

    def action_jump(self, index: int) -> None:
        if self.rows:
            self.cursor_row = index % len(self.rows)
            self._show_cursor()

    def action_open(self) -> None:
        if self.rows:
            self.post_message(self.Opened(self.rows[self.cursor_row]))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            x = offset.x - 1
            for (key, _title, _w), cell_width in zip(COLUMNS, self._widths(), strict=True):
                if x < cell_width + 1:
                    self.post_message(self.HeaderClicked(key))
                    return
                x -= cell_width + 1
            return
        index = round(self.scroll_y) + offset.y - 1
        if 0 <= index < len(self.rows):
            self.cursor_row = index
            self.refresh()
            if event.chain >= 2:
                self.action_open()
