"""The article pane: a Line-API view that wraps and draws only the rows on screen.

It owns the cursor, the selection and the search (the matches, the current one, the search
under way), all as code-point offsets into the document text; the screen around it turns
those into annotations. As Textual's TextArea keeps its document, wrapping and navigator
beside the widget, the parts that need no App live elsewhere: the layout in
`reader.text.layout`, where a key moves the cursor in `reader.text.navigator`, how one row
is drawn in `reader.ui.paint`. The view holds them, scrolls and forwards input."""

from __future__ import annotations

import time
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping

from textual import events, work
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer
from textual.worker import get_current_worker

from reader.annotate.compare import Disagreement
from reader.annotate.span_index import Span, SpanIndex
from reader.suggest.record import Suggestion
from reader.text import navigator
from reader.text.layout import Column, LineIndex, WrappedText, reading_column
from reader.text.search import CHUNK_SIZE, Match, Search, SearchResult
from reader.ui.chips import Chips
from reader.ui.paint import LabelStyles, Marks, Palette, paint_row
from reader.ui.selection_memory import SelectionState

REFINE_BUDGET_S = 0.008
SEARCH_DEBOUNCE_S = 0.15  # typing pauses this long before a long text is searched
SEARCH_PROGRESS_S = 0.1  # the search worker reports at most this often
CHIPS_REWRAP_MAX = 1000  # spans changed at once past which the chips are laid out anew
DIGITS = frozenset("0123456789")
COUNT_MAX_DIGITS = 4  # a count up to 9999: more would only make a held key slow
# The actions a count repeats (`03w`); each takes the count as its argument.
COUNTED_ACTIONS = frozenset({
    "cursor_left", "cursor_right", "cursor_up", "cursor_down", "word_forward",
    "word_backward", "big_word_forward", "big_word_backward", "select_left", "select_right",
    "select_up", "select_down", "page_down", "page_up", "half_page_down", "half_page_up",
    "go_start", "go_end",
})

class ArticleView(ScrollView, can_focus=True):
    """Soft-wrapped, read-only text with a cursor, a selection and highlights."""

    ALLOW_SELECT = False  # we handle mouse drags ourselves, as offsets

    # The marks that take the theme's colours. Those that only add a text style (compare
    # mode's kinds, relations) are `Palette`'s own: a component class is styled again at
    # every restyle of the view, three times before the first paint.
    COMPONENT_CLASSES = {
        "article-view--cursor",
        "article-view--selection",
        "article-view--match",
        "article-view--current-match",
    }

    DEFAULT_CSS = """
    ArticleView {
        overflow-x: hidden;
        overflow-y: scroll;
        scrollbar-size-vertical: 1;
        padding: 0 1;
    }
    /* Greys, not theme colours: labels own the hues (the theme's orange accent was the
       topic label's colour), so a selection or a match never looks like a tagged span. */
    ArticleView > .article-view--cursor { background: $foreground; color: $background; }
    ArticleView > .article-view--selection { background: $foreground 35%; color: $foreground; }
    ArticleView > .article-view--match { background: $foreground 15%; text-style: underline; }
    ArticleView > .article-view--current-match {
        background: $foreground 55%; color: $background; text-style: bold underline;
    }
    """

    BINDINGS = [
        Binding("left,h", "cursor_left", "Left", show=False, id="cursor.left"),
        Binding("right,l", "cursor_right", "Right", show=False, id="cursor.right"),
        Binding("up,k", "cursor_up", "Up", show=False, id="cursor.up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="cursor.down"),
        Binding("w", "word_forward", "Next word", show=False, id="cursor.word_forward"),
        Binding("b", "word_backward", "Previous word", show=False, id="cursor.word_backward"),
        Binding("W", "big_word_forward", "Next WORD (a-b is one)",
                show=False, id="cursor.big_word_forward"),
        Binding("B", "big_word_backward", "Previous WORD", show=False,
                id="cursor.big_word_backward"),
        Binding("shift+left", "select_left", "Extend left", show=False, id="select.left"),
        Binding("shift+right", "select_right", "Extend right", show=False, id="select.right"),
        Binding("shift+up", "select_up", "Extend up", show=False, id="select.up"),
        Binding("shift+down", "select_down", "Extend down", show=False, id="select.down"),
        Binding("pagedown,space", "page_down", "Page down", show=False, id="page.down"),
        Binding("pageup", "page_up", "Page up", show=False, id="page.up"),
        Binding("ctrl+d", "half_page_down", "Half page down", show=False, id="page.half_down"),
        Binding("ctrl+u", "half_page_up", "Half page up", show=False, id="page.half_up"),
        Binding("g,home", "go_start", "Start", show=False, id="go.start"),
        Binding("G,end", "go_end", "End", show=False, id="go.end"),
        Binding("0", "start_count", "Count: 0, digits, motion (03w)",
                show=False, id="cursor.count"),
        Binding("equals_sign", "cycle_width", "Reading width (full, 80, 100, 120)",
                show=False, id="view.width"),
    ]

    class SearchProgress(Message):
        """A search in the worker has got this far (a burst of them collapses into one)."""

        def __init__(self, query: str, fraction: float, found: int) -> None:
            super().__init__()
            self.query = query
            self.fraction = fraction
            self.found = found

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, ArticleView.SearchProgress)

    class SearchDone(Message):
        """A search in the worker is complete: its result is the view's matches now."""

        def __init__(self, result: SearchResult) -> None:
            super().__init__()
            self.result = result

    class CountChanged(Message):
        """A count is being typed (`digits`, "" just after the 0), or it ended (None);
        `dropped` is the count a key that is no motion threw away."""

        def __init__(self, digits: str | None, dropped: str = "") -> None:
            super().__init__()
            self.digits = digits
            self.dropped = dropped

    class ReadingWidthChanged(Message):
        """The reading width changed (None: the full pane): the screen says so and keeps
        it for the next document."""

        def __init__(self, width: int | None) -> None:
            super().__init__()
            self.width = width

    class CursorMoved(Message):
        """The cursor or the selection changed. A burst of them (a held key, a drag) still
        waiting in a queue collapses into the newest, so the status line is rebuilt once
        for the burst, not once per step."""

        def __init__(self, view: ArticleView) -> None:
            super().__init__()
            self.view = view
            self.cursor = view.cursor
            self.selection = view.selection

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, ArticleView.CursorMoved) and message.view is self.view

    cursor: reactive[int] = reactive(0, always_update=True, init=False)
    """The cursor, a code-point offset kept within the text. Every assignment is announced
    (as before: a move that stays put still refreshes the status line)."""
    selection_anchor: reactive[int | None] = reactive(None, init=False)
    """Where the selection started (the cursor is its other end), or None."""

    def __init__(
        self,
        text: str,
        *,
        cursor: int = 0,
        top: int = 0,
        spans: SpanIndex | None = None,
        label_colors: dict[str, str] | None = None,
        reading_width: int | None = None,
        configured_width: int | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.text = text
        self.lines = LineIndex(text)
        self.layout_: WrappedText | None = None
        self.set_reactive(ArticleView.cursor, self._clamp(cursor))  # not announced: no move
        self.spans = spans or SpanIndex()
        self.disagreements: Mapping[str, Disagreement] = {}  # compare mode, by span uid
        self.has_relations: Callable[[str], bool] | None = None  # marks related spans
        self.relation_head: str | None = None  # the span a pending relation starts from
        self.label_colors = label_colors or {}
        # Text is wrapped at this many cells and centred when the pane is wider (None: the
        # whole pane); see `reading_column`.
        self.reading_width = reading_width
        self.configured_width = configured_width  # the config's or --width: kept in the cycle
        self.pending_count: str | None = None  # digits typed after `0`, before a motion
        self.matches = SearchResult("")  # the one record of the search: the screen asks here
        self.current_match: int | None = None
        # False after a tag made from a match: the matches stay (n goes on) but are not
        # drawn until the next search step, so the new span's colour shows at once.
        self.matches_shown = True
        self._search: Search | None = None  # the search under way in a worker, if any
        self._search_timer: Timer | None = None
        self._pending_top = self._clamp(top)
        self._goal_column: int | None = None
        self._dragging = False
        self._drag_origin = 0
        # True while the selection is `v` mode's, which plain moves extend; one set by
        # search or the mouse is replaced by a plain move (issue 12: Space after a search hit
        # must not stretch it over pages, one label key away from being tagged).
        self._sticky = False
        self._label_styles = LabelStyles(self.label_colors)
        # Label chips after spans (`show_chips`): None while they are hidden.
        self._chips: Chips | None = None
        self._palette: Palette | None = None
        self._refine_timer: Timer | None = None
        self._render_top: int | None = None  # the top row drawn before scroll_y catches up
        # Suggestions to draw (issue 11), in text order, with their starts and the longest's
        # length: a row finds its own with two bisections.
        self.suggestions: tuple[Suggestion, ...] = ()
        self._suggestion_starts: list[int] = []
        self._suggestion_longest = 0
        self.suggestion_spans = 0  # how many spans they suggest (two sources, one span)

    # --- state ---------------------------------------------------------------------------

    @property
    def selection(self) -> tuple[int, int] | None:
        """The selected range [start, end), or None when nothing is selected."""
        if self.selection_anchor is None or self.selection_anchor == self.cursor:
            return None
        return min(self.selection_anchor, self.cursor), max(self.selection_anchor, self.cursor)

    @property
    def wrapped(self) -> WrappedText:
        if self.layout_ is None:
            self.layout_ = self._new_layout(self.column.width)
        return self.layout_

    def _new_layout(self, width: int) -> WrappedText:
        chips = self._chips
        return WrappedText(self.lines, width, chips.inserts if chips is not None else None)

    @property
    def column(self) -> Column:
        """Where the text is drawn in the pane: a margin, then the wrap width."""
        return reading_column(self._content_width(), self.reading_width)

    @property
    def top_offset(self) -> int:
        """The offset of the first code point on the top row: the reading position."""
        if self.layout_ is None:
            return self._pending_top
        start, _end, _last = self.wrapped.row_span(self._top_row)
        return start

    def _clamp(self, offset: int) -> int:
        return min(max(offset, 0), len(self.text))

    def validate_cursor(self, offset: int) -> int:
        return self._clamp(offset)

    def validate_selection_anchor(self, offset: int | None) -> int | None:
        return None if offset is None else self._clamp(offset)

    def _announce_cursor(self) -> None:
        """The one place `CursorMoved` is posted: the watcher of both the cursor and the
        anchor, so no code that moves either has to remember to."""
        self.post_message(self.CursorMoved(self))

    _watch_cursor = _watch_selection_anchor = _announce_cursor

    def _content_width(self) -> int:
        return self.scrollable_content_region.width

    # --- layout and scrolling ------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        if not self._ensure_layout():
            self._prepare()
        self.scroll_cursor_visible()  # a shorter window must not hide the cursor

    def _ensure_layout(self, *, anew: bool = False, column: Column | None = None) -> bool:
        """Lay the text out for the current width if it is not yet (or `anew`: the chips
        came or went); keep the reading position (the top row's first character) where it
        was. True if it re-laid. (`column`: `self.column`, if the caller has it already.)

        Called from `render_line` too: Textual draws the first frame before the Resize
        event arrives, and that frame must already show the text, not a blank pane."""
        width = (column or self.column).width
        if not anew and self.layout_ is not None and self.layout_.width == width:
            return False
        top = self.top_offset
        self.layout_ = self._new_layout(width)
        y = self.wrapped.row_of_offset(top)
        height = max(self.scrollable_content_region.height, 1)
        self.wrapped.prepare(y, height)
        self._render_top = min(y, max(self.wrapped.total_rows - height, 0))
        self.call_later(self._apply_layout)
        if self._refine_timer is None and not self.wrapped.exact:
            # Exact row counts for the rest of the document come after the paint.
            self.call_after_refresh(self._start_refining)
        return True

    def set_reading_width(self, width: int | None) -> None:
        """Wrap at `width` cells, centred (None: the whole pane), keeping the reading
        position: the top row's first character stays the top row's."""
        if width == self.reading_width:
            return
        self.reading_width = width
        if self.layout_ is not None and self._ensure_layout():
            self.refresh()

    def action_cycle_width(self) -> None:
        """`=`: the next reading width the pane can show (`next_reading_width`)."""
        from reader.text.layout import next_reading_width

        width = next_reading_width(self.column.width if self.column.margin else None,
                                   self._content_width(), self.configured_width)
        self.set_reading_width(width)
        self.post_message(self.ReadingWidthChanged(width))

    def _apply_layout(self) -> None:
        """Make the scroll state match the layout drawn (see `_ensure_layout`)."""
        top = self._render_top
        self._render_top = None
        if top is not None:
            self._scroll_to_row(top)
            self.scroll_cursor_visible()

    @property
    def _top_row(self) -> int:
        return self._render_top if self._render_top is not None else round(self.scroll_y)

    def _start_refining(self) -> None:
        if self._refine_timer is None and not self.wrapped.exact:
            self._refine_timer = self.set_interval(0.01, self._refine_step)

    def _sync_virtual_size(self) -> None:
        self.virtual_size = Size(self._content_width(), self.wrapped.total_rows)

    def _scroll_to_row(self, y: int) -> None:
        """Put row `y` at the top, wrapping exactly what will be seen first."""
        height = max(self.scrollable_content_region.height, 1)
        self.wrapped.prepare(y, height)
        self._sync_virtual_size()
        max_y = max(self.wrapped.total_rows - height, 0)
        self._render_top = None  # from here on, scroll_y is where the top row is
        self.set_scroll(None, min(max(y, 0), max_y))
        self._prepare()
        self.refresh()

    def _prepare(self) -> None:
        height = max(self.scrollable_content_region.height, 1)
        before = self.wrapped.total_rows
        self.wrapped.prepare(self._top_row, height)
        if self.wrapped.total_rows != before or self.virtual_size.height != before:
            self._sync_virtual_size()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        if self.layout_ is not None:
            self._prepare()
        super().watch_scroll_y(old_value, new_value)

    def _refine_step(self) -> None:
        """Background pass: replace estimated row counts with exact ones, a slice at a
        time, keeping the top row where it is on screen."""
        wrapped = self.wrapped
        deadline = time.perf_counter() + REFINE_BUDGET_S
        changes: list[tuple[int, int]] = []
        top_line = wrapped.locate_row(self._top_row)[0]
        while not wrapped.exact and time.perf_counter() < deadline:
            changes.extend(wrapped.refine(200))
        self._rows_changed(changes, top_line)
        if wrapped.exact and self._refine_timer is not None:
            self._refine_timer.stop()
            self._refine_timer = None

    def _rows_changed(self, changes: list[tuple[int, int]], top_line: int) -> None:
        """Lines grew or shrank by (line, rows): keep the top row (of `top_line`, the
        line on top before they changed) where it is on screen."""
        shift = sum(delta for line, delta in changes if line < top_line)
        self._sync_virtual_size()
        if shift:
            if self._render_top is not None:  # a new layout not yet scrolled to
                self._render_top += shift
            else:
                self.set_scroll(None, self.scroll_y + shift)
            self.refresh()

    def scroll_cursor_visible(self, center: bool = False) -> None:
        """Scroll the least needed so the cursor's row is on screen."""
        height = max(self.scrollable_content_region.height, 1)
        y, _x = self.wrapped.position_of(self.cursor)
        top = self._top_row
        if center and not top <= y < top + height:
            self._scroll_to_row(y - height // 3)
        elif y < top:
            self._scroll_to_row(y)
        elif y >= top + height:
            self._scroll_to_row(y - height + 1)

    # --- moving --------------------------------------------------------------------------

    def move_cursor(self, offset: int, *, select: bool = False, keep_goal: bool = False,
                    center: bool = False) -> None:
        """Move the cursor; with `select` the selection grows from where it was anchored."""
        if select:
            if self.selection_anchor is None:
                self.selection_anchor = self.cursor
        else:
            self.selection_anchor = None
            self._sticky = False
        self.cursor = offset
        if not keep_goal:
            self._goal_column = None
        self.scroll_cursor_visible(center=center)

    def set_selection(self, start: int, end: int) -> None:
        """Select [start, end) with the cursor at its end (search and tagging use this)."""
        self._sticky = False
        self.selection_anchor = start
        self.cursor = end
        self.scroll_cursor_visible(center=True)

    def extend_selection(self, offset: int) -> None:
        """Move the selection's free end to `offset`, keeping its anchor and its mode (a
        search in `v` mode extends the selection to the match)."""
        self.move_cursor(offset, select=True, center=True)

    def clear_selection(self) -> None:
        self._sticky = False
        self.selection_anchor = None

    def start_selection(self) -> None:
        """Anchor a selection at the cursor (`v`); moves then extend it."""
        self._sticky = True
        self.selection_anchor = self.cursor

    def selection_state(self) -> SelectionState | None:
        """The selection as it is (ends and mode), for `restore_selection`; None if none."""
        if self.selection_anchor is None or self.selection_anchor == self.cursor:
            return None
        return SelectionState(self.selection_anchor, self.cursor, self._sticky)

    def restore_selection(self, state: SelectionState) -> None:
        """Give back a selection `selection_state` took (undo after a tag)."""
        self.selection_anchor = state.anchor
        self.cursor = state.cursor
        self._sticky = state.sticky
        self._goal_column = None
        self.scroll_cursor_visible()

    @property
    def selecting(self) -> bool:
        """In `v` mode: plain moves extend the selection (others' selections they replace)."""
        return self._sticky and self.selection_anchor is not None

    def _vertical(self, rows: int, select: bool) -> None:
        target, self._goal_column = navigator.vertical(self.wrapped, self.cursor, rows,
                                                       self._goal_column)
        self.move_cursor(target, select=select, keep_goal=True)

    def _step(self, motion: Callable[[WrappedText, int], int], count: int,
              select: bool) -> None:
        """`motion` `count` times, then one move (one repaint, one status update)."""
        target = self.cursor
        for _ in range(max(count, 1)):
            target = motion(self.wrapped, target)
        self.move_cursor(target, select=select)

    def action_cursor_left(self, count: int = 1) -> None:
        self._step(navigator.left, count, self.selecting)

    def action_cursor_right(self, count: int = 1) -> None:
        self._step(navigator.right, count, self.selecting)

    def action_cursor_up(self, count: int = 1) -> None:
        self._vertical(-count, self.selecting)

    def action_cursor_down(self, count: int = 1) -> None:
        self._vertical(count, self.selecting)

    def action_select_left(self, count: int = 1) -> None:
        self._step(navigator.left, count, True)

    def action_select_right(self, count: int = 1) -> None:
        self._step(navigator.right, count, True)

    def action_select_up(self, count: int = 1) -> None:
        self._vertical(-count, True)

    def action_select_down(self, count: int = 1) -> None:
        self._vertical(count, True)

    def action_word_forward(self, count: int = 1) -> None:
        to_end = self.selecting  # while selecting: to the word's end, no trailing space
        self._step(lambda wrapped, at: navigator.word_forward(wrapped, at, to_end), count,
                   self.selecting)

    def action_word_backward(self, count: int = 1) -> None:
        self._step(navigator.word_backward, count, self.selecting)

    def action_big_word_forward(self, count: int = 1) -> None:
        to_end = self.selecting
        self._step(lambda wrapped, at: navigator.big_word_forward(wrapped, at, to_end),
                   count, self.selecting)

    def action_big_word_backward(self, count: int = 1) -> None:
        self._step(navigator.big_word_backward, count, self.selecting)

    def _page(self, rows: int) -> None:
        """Scroll by `rows` and carry the cursor along by as many rows (as many as the view
        really scrolled, and never off the screen)."""
        height = max(self.scrollable_content_region.height, 1)
        y, self._goal_column = navigator.goal_of(self.wrapped, self.cursor, self._goal_column)
        top = round(self.scroll_y)
        self._scroll_to_row(top + rows)
        new_top = round(self.scroll_y)
        target_y = y + (new_top - top if new_top != top else rows)
        target = navigator.offset_in_row(self.wrapped, target_y, self._goal_column,
                                         (new_top, new_top + height - 1))
        self.move_cursor(target, select=self.selecting, keep_goal=True)

    def action_page_down(self, count: int = 1) -> None:
        self._page(count * max(self.scrollable_content_region.height - 1, 1))

    def action_page_up(self, count: int = 1) -> None:
        self._page(-count * max(self.scrollable_content_region.height - 1, 1))

    def action_half_page_down(self, count: int = 1) -> None:
        self._page(count * max(self.scrollable_content_region.height // 2, 1))

    def action_half_page_up(self, count: int = 1) -> None:
        self._page(-count * max(self.scrollable_content_region.height // 2, 1))

    def action_go_start(self, line: int | None = None) -> None:
        """`g`: the start; with a count, the start of that line (vim's `12gg`)."""
        if line is not None:
            self._go_line(line)
            return
        self.move_cursor(0, select=self.selecting)

    def action_go_end(self, line: int | None = None) -> None:
        """`G`: the end; with a count, the start of that line (vim's `12G`)."""
        if line is not None:
            self._go_line(line)
            return
        height = max(self.scrollable_content_region.height, 1)
        self.wrapped.prepare(max(self.wrapped.total_rows - height, 0), height)
        self.move_cursor(len(self.text), select=self.selecting)

    def _go_line(self, line: int) -> None:
        """The start of logical line `line` (from 1; past the last: the last)."""
        starts = self.lines.starts
        self.move_cursor(starts[min(max(line, 1), len(starts)) - 1], select=self.selecting,
                         center=True)

    # --- counts --------------------------------------------------------------------------

    def action_start_count(self) -> None:
        """`0`: the digits typed next are a count for the motion after them (`03w`). The
        label keys 1-9 tag at once, all day long, so a count cannot start with them as
        in vim; 0 is no label key."""
        self.pending_count = ""
        self.post_message(self.CountChanged(""))

    def _end_count(self, dropped: str = "") -> None:
        self.pending_count = None
        self.post_message(self.CountChanged(None, dropped))

    def on_key(self, event: events.Key) -> None:
        """While a count is pending: digits add to it, Escape drops it, a motion key moves
        that many times; any other key drops it and then does its own work."""
        digits = self.pending_count
        if digits is None:
            return
        if event.key in DIGITS or event.key == "escape":
            event.stop()
            event.prevent_default()
            if event.key == "escape":
                self._end_count()
            elif len(digits) < COUNT_MAX_DIGITS:
                self.pending_count = digits + event.key
                self.post_message(self.CountChanged(self.pending_count))
            return
        # The key as bound now (a `[keys]` remapping included): one of this view's motions?
        active = self.screen.active_bindings.get(event.key)
        action = active.binding.action if active is not None and active.node is self else None
        if action not in COUNTED_ACTIONS:
            self._end_count(dropped=digits)
            return
        event.stop()
        event.prevent_default()
        self._end_count()
        count = max(int(digits), 1) if digits else None  # `0w` alone: a plain w
        method = getattr(self, f"action_{action}")
        if count is None:
            method()
        else:
            method(count)

    def on_blur(self) -> None:
        if self.pending_count is not None:
            self._end_count(dropped=self.pending_count)

    # --- mouse ---------------------------------------------------------------------------

    def _offset_at_event(self, event: events.MouseEvent) -> int | None:
        offset = event.get_content_offset(self)
        if offset is None:
            return None
        y = round(self.scroll_y) + offset.y
        if y >= self.wrapped.total_rows:
            return len(self.text)
        return self.wrapped.offset_at(y, self.column.to_text(offset.x))

    def on_mouse_down(self, event: events.MouseDown) -> None:
        if event.button != 1:
            return
        offset = self._offset_at_event(event)
        if offset is None:
            return
        self.focus()
        self.clear_selection()
        self.move_cursor(offset)
        self.selection_anchor = offset
        self._drag_origin = offset
        self._dragging = True
        self.capture_mouse()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if not self._dragging:
            return
        offset = self._offset_at_event(event)
        if offset is None or self.selection_anchor is None:
            return
        # The selection covers every cell the drag went over, in either direction: the cell
        # first pressed and the one under the pointer (a line's end has no cell, so the
        # line break is never taken in).
        origin = self._drag_origin
        if offset >= origin:
            self.selection_anchor = origin
            offset = self.wrapped.unit_bounds(offset).end
        else:
            self.selection_anchor = self.wrapped.unit_bounds(origin).end
        self.cursor = offset
        self.scroll_cursor_visible()

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if not self._dragging:
            return
        self._dragging = False
        self.release_mouse()
        if self.selection_anchor == self.cursor:
            self.clear_selection()

    # --- highlights ----------------------------------------------------------------------

    def set_spans(self, spans: SpanIndex,
                  disagreements: Mapping[str, Disagreement] | None = None) -> None:
        """Spans to draw; `disagreements` (by uid) are marked by kind, for adjudication."""
        old, self.spans = self.spans, spans
        self.disagreements = disagreements or {}
        if self._chips is not None and old is not spans:
            self._chips.spans = spans
            self._rewrap_chips(old, spans)
        self.refresh()

    @property
    def chips_shown(self) -> bool:
        return self._chips is not None

    def show_chips(self, shown: bool) -> None:
        """Draw each span's label names after its end (or stop): the wrap changes, the
        offsets do not; the reading position and the cursor stay in sight."""
        if shown == self.chips_shown:
            return
        self._chips = Chips(self.lines, self.spans, self._label_styles) if shown else None
        self._ensure_layout(anew=True)
        self.refresh()

    def _rewrap_chips(self, old: SpanIndex, new: SpanIndex) -> None:
        """Wrap again the lines whose chips changed with the spans."""
        assert self._chips is not None
        changed = set(old.spans).symmetric_difference(new.spans)
        if len(changed) > CHIPS_REWRAP_MAX:  # a reload: lay out anew, lazily
            self._ensure_layout(anew=True)
            return
        lines = set()
        for span in changed:
            offset = self._chips.offset_of(span)
            if offset is not None:
                lines.add(self.lines.line_of(offset - 1))
        layout = self.layout_
        if layout is not None and lines:
            top_line = layout.locate_row(self._top_row)[0]
            self._rows_changed(layout.rewrap(lines), top_line)
            self._prepare()

    def set_suggestions(self, suggestions: tuple[Suggestion, ...]) -> None:
        """Suggestions to draw (a layer apart from the spans), sorted by start."""
        if suggestions == self.suggestions:
            return
        self.suggestions = suggestions
        self._suggestion_starts = [s.start for s in suggestions]
        self._suggestion_longest = max((s.end - s.start for s in suggestions), default=0)
        self.suggestion_spans = len({s.span for s in suggestions})
        self.refresh()

    def suggestions_in(self, start: int, end: int) -> list[Suggestion]:
        """The suggestions over [start, end) (or over `start` on an empty row), in text
        order: a row's, or (`start, start + 1`) those under the cursor."""
        starts = self._suggestion_starts
        low = bisect_right(starts, start - self._suggestion_longest)
        high = bisect_left(starts, max(end, start + 1))
        return [s for s in self.suggestions[low:high] if s.end > start]

    def set_relations(self, has_relations: Callable[[str], bool] | None) -> None:
        """Which spans (by uid) have relations: they carry a mark on their first cell."""
        self.has_relations = has_relations
        self.refresh()

    def set_relation_head(self, uid: str | None) -> None:
        """The span a pending relation starts from (drawn marked whole), or None."""
        if uid != self.relation_head:
            self.relation_head = uid
            self.refresh()

    def set_matches(self, matches: SearchResult, current: int | None = None) -> None:
        self.matches = matches
        self.current_match = current
        self.matches_shown = True
        self.refresh()

    def set_current_match(self, current: int | None) -> None:
        self.current_match = current
        self.matches_shown = True
        self.refresh()

    def hide_matches(self) -> None:
        """Stop drawing the matches (kept for `n`/`N`, which draw them again), as vim's
        :nohlsearch: a span just tagged on a match must not stay hidden under it."""
        if self.matches_shown:
            self.matches_shown = False
            self.refresh()

    @property
    def searching(self) -> bool:
        """True while a search is waiting for typing to pause or running in the worker."""
        return self._search is not None

    def find(self, query: str, *, debounce: bool = False) -> SearchResult | None:
        """Search the text for `query` (smart case); the result becomes `matches`.

        A text of one search chunk is searched here and now (well under a frame) and the
        result returned. A longer one is searched in a worker thread, a chunk at a time, so
        the UI stays live; with `debounce` only once typing has paused. Then None is
        returned, SearchProgress messages follow and SearchDone brings the result; the old
        matches stay until it does. A new query or `clear_search` drops the search under way;
        the same query keeps it (without `debounce`, a search still waiting starts now).
        """
        pending = self._search
        if pending is not None and pending.query == query:
            if not debounce and self._search_timer is not None:
                self._start_search(pending)
            return None
        self._stop_search()
        search = Search(self.text, query)
        if len(self.text) <= CHUNK_SIZE or not query:
            self.set_matches(search.run())
            return self.matches
        self._search = search
        if debounce:
            self._search_timer = self.set_timer(SEARCH_DEBOUNCE_S,
                                                lambda: self._start_search(search))
        else:
            self._start_search(search)
        return None

    def clear_search(self) -> None:
        self._stop_search()
        self.set_matches(SearchResult(""))

    def _stop_search(self) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
            self._search_timer = None
        self._search = None  # whatever it still reports is dropped (see `_search_finished`)
        self.workers.cancel_group(self, "search")

    def _start_search(self, search: Search) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
            self._search_timer = None
        if search is self._search:
            self._search_in_worker(search)

    @work(thread=True, exclusive=True, group="search")
    def _search_in_worker(self, search: Search) -> None:
        """Runs in a thread; checks for cancellation between chunks (each a few ms, and
        holding the GIL no longer than that), and hands results back to the UI thread."""
        worker = get_current_worker()
        reported = time.monotonic()
        for fraction in search.steps():
            if worker.is_cancelled:
                return
            if time.monotonic() - reported >= SEARCH_PROGRESS_S:
                reported = time.monotonic()
                self.call_later(self._search_progressed, search, fraction, len(search.result))
        self.call_later(self._search_finished, search)

    def _search_progressed(self, search: Search, fraction: float, found: int) -> None:
        if search is self._search:
            self.post_message(self.SearchProgress(search.query, fraction, found))

    def _search_finished(self, search: Search) -> None:
        if search is self._search:
            self._search = None
            self.set_matches(search.result)
            self.post_message(self.SearchDone(search.result))

    def match_index_after(self, offset: int, forward: bool = True) -> int | None:
        """The match to go to from `offset`: the first starting after it (or, backwards,
        the last starting before it), wrapping around the document."""
        if not self.matches:
            return None
        starts = self.matches.starts
        if forward:
            return bisect_right(starts, offset) % len(starts)
        return (bisect_left(starts, offset) - 1) % len(starts)

    # --- drawing -------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        self._label_styles.clear()
        self._palette = None
        super().notify_style_update()

    def _current_palette(self) -> Palette:
        """The component styles, looked up once per style change, not once per row."""
        if self._palette is None:
            self._palette = Palette(
                base=self.rich_style,
                cursor=self.get_component_rich_style("article-view--cursor"),
                selection=self.get_component_rich_style("article-view--selection"),
                match=self.get_component_rich_style("article-view--match"),
                current_match=self.get_component_rich_style("article-view--current-match"),
            )
        return self._palette

    def render_line(self, y: int) -> Strip:
        """Screen row `y`: find its text and what is marked on it; `paint_row` draws it."""
        width = self._content_width()  # asked once a row: Textual works it out each time
        palette = self._current_palette()
        column = reading_column(width, self.reading_width)
        self._ensure_layout(column=column)
        absolute_y = self._top_row + y
        if absolute_y >= self.wrapped.total_rows:
            return Strip.blank(width, palette.base)
        start, end, last = self.wrapped.row_span(absolute_y)
        current = self.matches[self.current_match] if self.matches_shown and \
            self.current_match is not None and self.current_match < len(self.matches) else None
        marks = Marks(
            cursor=self.cursor,
            selection=self.selection,
            spans=self.spans.overlapping(start, max(end, start + 1)) if self.spans else (),
            matches=self._matches_in(start, end) if self.matches_shown else (),
            current_match=current,
            disagreements=self.disagreements,
            related=self.has_relations,
            relation_head=self.relation_head,
            after=self._chips.cells_after if self._chips is not None else None,
            suggestions=self.suggestions_in(start, end) if self.suggestions else (),
        )
        # The units are made only if the row needs them (a plain row does not).
        units = self.wrapped.row_units(start, end)
        strip = paint_row(self.text, (start, end, last), units, column.width, marks, palette,
                          self._label_styles, plain=self.wrapped.plain_row(start, end))
        if not column.margin:
            return strip
        right = width - column.margin - column.width
        return Strip.join([Strip.blank(column.margin, palette.base), strip,
                           Strip.blank(right, palette.base)])

    def _matches_in(self, start: int, end: int) -> list[Match]:
        """The matches over [start, end) (or over `start` on an empty row); all have the
        query's length, so they are those starting in (start - length, end)."""
        starts, length = self.matches.starts, self.matches.length
        low = bisect_right(starts, start - length)
        high = bisect_left(starts, max(end, start + 1))
        return [Match(begin, begin + length) for begin in starts[low:high]]


__all__ = ["ArticleView", "Match", "Span"]
