"""The row at the top of a screen: the command palette's icon, the title and the sub-title.

What Textual's `Header(show_clock=False)` shows and does, drawn by one widget instead of
four: the icon at the left opens the command palette (its tooltip says so), a click
elsewhere toggles a taller bar, and the title follows the screen's `title` and `sub_title`.
Mounting and styling Header's four widgets was a tenth of the work from starting the app
to its first frame (docs/performance-startup.md)."""

from __future__ import annotations

from textual import events
from textual.content import Content
from textual.widget import Widget

ICON_WIDTH = 8  # Header's icon cell: one cell of padding each side of the icon
CLOCK_WIDTH = 10  # Header keeps this free on the right, where its clock would be
PALETTE_TOOLTIP = "Open the command palette"


class TitleBar(Widget):
    """The title bar of `ArticleScreen` and `LibraryScreen`."""

    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
    }
    TitleBar.-tall { height: 3; }
    TitleBar > .title-bar--icon-hover { background: $foreground 10%; }
    """

    COMPONENT_CLASSES = {"title-bar--icon-hover"}

    def __init__(self, icon: str = "≡", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.icon = icon
        self._icon_hover = False

    def on_mount(self) -> None:
        for node in (self.app, self.screen):
            self.watch(node, "title", self._retitle, init=False)
            self.watch(node, "sub_title", self._retitle, init=False)

    def _retitle(self) -> None:
        self.refresh()

    def render(self) -> Content:
        width, height = self.size
        screen, app = self.screen, self.app
        title = app.format_title(app.title if screen.title is None else screen.title,
                                 app.sub_title if screen.sub_title is None
                                 else screen.sub_title)
        middle = max(width - ICON_WIDTH - CLOCK_WIDTH, 0)
        # As Header's title cell draws it: on one line, cut with an ellipsis, centred.
        shown = title.rstrip().truncate(middle, ellipsis=True)
        left = (middle - shown.cell_length) // 2
        shown = shown.pad(left, middle - shown.cell_length - left)
        icon = Content(f" {self.icon}").truncate(ICON_WIDTH - 1)
        icon = icon.pad_right(ICON_WIDTH - icon.cell_length)
        if self._icon_hover:
            icon = icon.stylize(self.get_visual_style("title-bar--icon-hover"))
        blank = Content(" " * ICON_WIDTH)
        # Tall, Header keeps the title on the top row and centres the icon.
        icon_row = (max(height, 1) - 1) // 2
        rows = [Content.assemble(icon if y == icon_row else blank,
                                 shown if y == 0 else " " * middle, " " * CLOCK_WIDTH)
                for y in range(max(height, 1))]
        return Content("\n").join(row.truncate(width) for row in rows)

    def _on_icon(self, x: int) -> bool:
        return x < ICON_WIDTH and self.app.ENABLE_COMMAND_PALETTE

    def on_mouse_move(self, event: events.MouseMove) -> None:
        on_icon = self._on_icon(event.x)
        if on_icon != self._icon_hover:
            self._icon_hover = on_icon
            self.tooltip = PALETTE_TOOLTIP if on_icon else None
            self.refresh()

    def on_leave(self) -> None:
        if self._icon_hover:
            self._icon_hover = False
            self.refresh()

    async def on_click(self, event: events.Click) -> None:
        event.stop()
        if self._on_icon(event.x):
            await self.run_action("app.command_palette")
        else:
            self.toggle_class("-tall")
