"""A list with a cursor row that draws only the rows on screen (Line API).

Written by hand because Textual's OptionList and DataTable build or measure every row up
front: with ten thousand documents or twenty thousand annotations that is a second or more
per change. Subclasses say how one row looks (`render_row`) and what choosing it means
(`choose`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, TypeVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

Row = TypeVar("Row")


class LineList(ScrollView, Generic[Row], can_focus=True):
    """Rows below an optional fixed header row; arrows, pages, Home/End, Enter, click."""

    COMPONENT_CLASSES = {"line-list--header", "line-list--cursor"}

    DEFAULT_CSS = """
    LineList { overflow-x: hidden; overflow-y: auto; height: 1fr; }
    LineList > .line-list--header { text-style: bold; background: $panel; }
    LineList > .line-list--cursor { background: $foreground 25%; }
    LineList:focus > .line-list--cursor { background: $foreground 40%; }
    """

    BINDINGS = [
        Binding("up,k", "move(-1)", "Up", show=False, id="rows.up"),
        Binding("down,j", "move(1)", "Down", show=False, id="rows.down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="rows.page_up"),
        Binding("pagedown,space", "page(1)", "Page down", show=False,
                id="rows.page_down"),
        Binding("home,g", "jump(0)", "First", show=False, id="rows.first"),
        Binding("end,G", "jump(-1)", "Last", show=False, id="rows.last"),
        Binding("enter", "choose", "Open", id="list.choose"),
    ]

    HEADER = False  # subclasses with a header row draw it in `render_header`

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.rows: Sequence[Row] = []
        self.cursor_row = 0

    # --- to override ---------------------------------------------------------------------

    def render_row(self, row: Row, width: int, style: Style) -> list[Segment]:
        raise NotImplementedError

    def render_header(self, width: int, style: Style) -> list[Segment]:
        return []

    def choose(self, row: Row) -> None:
        """Enter or a double click on `row`."""

    def header_clicked(self, x: int) -> None:
        """A click on the header row, at content column `x`."""

    # --- rows ----------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self.rows)

    @property
    def _header_rows(self) -> int:
        return 1 if self.HEADER else 0

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.rows = rows
        self.cursor_row = min(self.cursor_row, max(len(rows) - 1, 0))
        self.virtual_size = Size(self.size.width, len(rows) + self._header_rows)
        self.refresh()

    @property
    def current(self) -> Row | None:
        return self.rows[self.cursor_row] if self.rows else None

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.rows) + self._header_rows)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y < self._header_rows:
            style = base + self.get_component_rich_style("line-list--header")
            return Strip(self.render_header(width, style)).crop_extend(0, width, style)
        index = round(self.scroll_y) + y - self._header_rows
        if index >= len(self.rows):
            return Strip.blank(width, base)
        style = base
        if index == self.cursor_row:
            style = base + self.get_component_rich_style("line-list--cursor")
        return Strip(self.render_row(self.rows[index], width, style)).crop_extend(0, width,
                                                                                   style)

    # --- moving --------------------------------------------------------------------------

    def _visible_rows(self) -> int:
        return max(self.scrollable_content_region.height - self._header_rows, 1)

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

    def action_choose(self) -> None:
        if self.rows:
            self.choose(self.rows[self.cursor_row])

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y < self._header_rows:
            self.header_clicked(offset.x)
            return
        index = round(self.scroll_y) + offset.y - self._header_rows
        if 0 <= index < len(self.rows):
            self.cursor_row = index
            self.refresh()
            if event.chain >= 2:
                self.action_choose()
