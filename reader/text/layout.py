"""Soft-wrapped layout of a document, computed lazily so a huge file paints at once.

Terms: a *line* is a logical line of the text, ended by CRLF, CR or LF (the break is not
drawn); a *row* is one screen row of a wrapped line. A row is identified by the offset of its
first code point. Rows of lines never seen yet are estimated, and a line is wrapped exactly
when it is first needed (drawn, or reached by the background pass in `refine`). A Fenwick
tree over the per-line row counts keeps "which line is row y" and "which row is line n" at
O(log n) while estimates are replaced by exact counts."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import NamedTuple

from reader.text.cells import TAB_SIZE, WRAP_SPACES, Unit, is_single_cell_text, iter_units

LINE_BREAK = re.compile(r"\r\n|\r|\n")
_MAX_CELLS = 1 << 62  # more cells than any insert has: sorts after every (offset, cells)
_NO_OFFSET = 1 << 62  # past every offset: no insert left to place


class LineIndex:
    """Start and end (before the break) of every logical line."""

    __slots__ = ("ends", "starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        if "\r" not in text:  # the common case: str.find runs at C speed, copying nothing
            starts = [0]
            ends = []
            find = text.find
            position = find("\n")
            while position >= 0:
                ends.append(position)
                position += 1
                starts.append(position)
                position = find("\n", position)
            ends.append(len(text))
        else:
            starts = [0]
            ends = []
            for match in LINE_BREAK.finditer(text):
                ends.append(match.start())
                starts.append(match.end())
            ends.append(len(text))
        self.starts = starts
        self.ends = ends

    def __len__(self) -> int:
        return len(self.starts)

    def line_of(self, offset: int) -> int:
        """The line containing `offset` (an offset inside a CRLF belongs to its line)."""
        return max(bisect_right(self.starts, offset) - 1, 0)


Inserts = Sequence[tuple[int, int]]
"""Cells drawn between the text's cells without being text (the label chips after spans),
as (offset, cells), sorted: drawn right after the unit holding code point `offset - 1`, and
kept on its row. They move what follows to the right (and so change the wrap), never an
offset: no code point is added, and a cell of an insert maps back to that unit."""

InsertSource = Callable[[int, int], Inserts]
"""The inserts of the line `[start, end)`: offsets in `(start, end]`."""


def wrap_line(text: str, start: int, end: int, width: int, inserts: Inserts = ()) -> list[int]:
    """Row start offsets of the line `text[start:end]` wrapped greedily at `width` cells.

    Words break after spaces; spaces and tabs at a row's end may hang past the edge (they
    are not drawn) so no row starts with the space that ended the previous one; a word
    longer than the row is cut where it stops fitting."""
    width = max(width, 1)
    if not inserts and is_single_cell_text(text[start:end]):
        return _wrap_single_cell(text, start, end, width)
    return _wrap_units(text, start, end, width, inserts)


def _wrap_units(text: str, start: int, end: int, width: int,
                inserts: Inserts = ()) -> list[int]:
    """The general wrapping walk, one display unit at a time. A unit followed by an insert
    is wrapped as one with it, and never as a space: the insert stays on its row."""
    rows = [start]
    column = 0
    inserted = 0  # cells of inserts on this row so far: tab stops count text cells only
    break_at = -1  # offset just after the latest space: where a new row may start
    column_at_break = inserted_at_break = 0
    pending = 0  # the next insert to place, and where it goes
    next_insert = inserts[0][0] if inserts else _NO_OFFSET
    for unit in iter_units(text, start, end):
        char = text[unit.start]
        extra = 0
        if unit.end >= next_insert:
            while pending < len(inserts) and inserts[pending][0] <= unit.end:
                extra += inserts[pending][1]
                pending += 1
            next_insert = inserts[pending][0] if pending < len(inserts) else _NO_OFFSET
        elif char in WRAP_SPACES:
            # A tab reaches the next stop of *this row*: after a row break the line-based
            # width `iter_units` measured is stale.
            column += TAB_SIZE - (column - inserted) % TAB_SIZE if char == "\t" else unit.cells
            break_at, column_at_break, inserted_at_break = unit.end, column, inserted
            continue
        tab = char == "\t"  # with an insert after it (else it is a space, above)
        cells = (TAB_SIZE - (column - inserted) % TAB_SIZE if tab else unit.cells) + extra
        if column + cells > width and column > 0:
            if break_at > rows[-1]:
                rows.append(break_at)
                column -= column_at_break
                inserted -= inserted_at_break
                if tab:
                    cells = TAB_SIZE - (column - inserted) % TAB_SIZE + extra
            if column + cells > width and column > 0:
                rows.append(unit.start)
                column = inserted = 0
                if tab:
                    cells = TAB_SIZE + extra
        column += cells
        inserted += extra
    return rows


def _wrap_single_cell(text: str, start: int, end: int, width: int) -> list[int]:
    """`wrap_line` for text where every character is one cell wide (most prose): the same
    rows, found with `str.rfind` instead of a step per character."""
    rows = [start]
    position = start
    while end - position > width:
        overflow = position + width  # the first character that does not fit
        if text[overflow] == " ":
            while overflow < end and text[overflow] == " ":
                overflow += 1
            if overflow >= end:
                break
            position = overflow
        else:
            space = text.rfind(" ", position, overflow)
            position = space + 1 if space >= 0 else overflow
        rows.append(position)
    return rows


READING_WIDTHS = (80, 100, 120)
"""The reading widths a key cycles through (then back to the full pane), in cells."""
MIN_READING_WIDTH = 20
MAX_READING_WIDTH = 1000


class Column(NamedTuple):
    """Where the text is drawn in a pane: `margin` blank cells, then `width` cells of text
    (the wrap width). The mouse and the cursor go through `to_text` / `to_screen`, so a
    centred column never shifts an offset."""

    margin: int
    width: int

    def to_text(self, x: int) -> int:
        """The text column under pane column `x` (negative in the left margin)."""
        return x - self.margin

    def to_screen(self, column: int) -> int:
        """The pane column showing text column `column`."""
        return column + self.margin


def reading_column(available: int, reading_width: int | None) -> Column:
    """The column of text in a pane `available` cells wide: the whole pane, or with a
    `reading_width` narrower than the pane, that many cells centred (the extra cell of an
    odd margin goes to the right)."""
    available = max(available, 1)
    if reading_width is None or reading_width >= available:
        return Column(0, available)
    width = max(reading_width, 1)
    return Column((available - width) // 2, width)


def next_reading_width(current: int | None, available: int,
                       configured: int | None = None) -> int | None:
    """The width a key press goes to from `current`: the next wider of `READING_WIDTHS`
    (and the `configured` one) that is narrower than the pane, after the widest the full
    pane (None). Widths the pane cannot show are skipped: they would look like full."""
    choices = sorted({*READING_WIDTHS, *((configured,) if configured else ())})
    usable = [width for width in choices if width < available]
    if current is None or current >= available:
        return usable[0] if usable else None
    return next((width for width in usable if width > current), None)


class Fenwick:
    """Prefix sums over row counts with point updates, both O(log n)."""

    __slots__ = ("size", "tree")

    def __init__(self, values: list[int]) -> None:
        self.size = len(values)
        tree = [0, *values]
        for index in range(1, self.size + 1):
            parent = index + (index & -index)
            if parent <= self.size:
                tree[parent] += tree[index]
        self.tree = tree

    def add(self, index: int, delta: int) -> None:
        index += 1
        while index <= self.size:
            self.tree[index] += delta
            index += index & -index

    def prefix(self, count: int) -> int:
        """Sum of the first `count` values."""
        total = 0
        while count > 0:
            total += self.tree[count]
            count -= count & -count
        return total

    def find(self, target: int) -> int:
        """The index i with prefix(i) <= target < prefix(i + 1), clamped to the last index."""
        position = 0
        remaining = target
        step = 1 << self.size.bit_length()
        while step:
            nxt = position + step
            if nxt <= self.size and self.tree[nxt] <= remaining:
                position = nxt
                remaining -= self.tree[nxt]
            step >>= 1
        return min(position, self.size - 1)


class RowUnit(NamedTuple):
    """A display unit placed on a row, and the cells of inserts drawn right after it."""

    start: int
    end: int
    column: int
    cells: int
    after: int = 0


class WrappedText:
    """The document laid out at one width. Rebuilt (cheaply, lazily) when the width changes."""

    def __init__(self, lines: LineIndex, width: int,
                 inserts: InsertSource | None = None) -> None:
        self.lines = lines
        self.text = lines.text
        self.width = max(width, 1)
        self.inserts = inserts
        self._rows: list[list[int] | None] = [None] * len(lines)
        self._inserts: dict[int, Inserts] = {}  # a wrapped line's inserts, if it has any
        width = self.width  # the estimate below, inlined: one pass at C-ish speed
        self._heights = [max(1, -(-(end - start) // width))
                         for start, end in zip(lines.starts, lines.ends, strict=True)]
        self._tree = Fenwick(self._heights)
        self._next_unrefined = 0

    # --- sizes ---------------------------------------------------------------------------

    def _estimate(self, line: int) -> int:
        length = self.lines.ends[line] - self.lines.starts[line]
        return max(1, -(-length // self.width))

    @property
    def total_rows(self) -> int:
        return self._tree.prefix(len(self._heights))

    @property
    def exact(self) -> bool:
        """True once every line has been wrapped (the row count is then exact)."""
        return self._next_unrefined >= len(self._rows)

    def rows_of(self, line: int) -> list[int]:
        """Row starts of `line`, wrapping it now if needed (which may change `total_rows`)."""
        rows = self._rows[line]
        if rows is None:
            start, end = self.lines.starts[line], self.lines.ends[line]
            inserts = self.inserts(start, end) if self.inserts is not None else ()
            if inserts:
                self._inserts[line] = inserts
            rows = wrap_line(self.text, start, end, self.width, inserts)
            self._rows[line] = rows
            delta = len(rows) - self._heights[line]
            if delta:
                self._heights[line] = len(rows)
                self._tree.add(line, delta)
        return rows

    def refine(self, max_lines: int) -> list[tuple[int, int]]:
        """Wrap up to `max_lines` lines not wrapped yet, in order. Returns (line, row delta)
        for each whose estimate was wrong, so the view can keep its anchor still."""
        changes: list[tuple[int, int]] = []
        line = self._next_unrefined
        stop = min(len(self._rows), line + max_lines)
        while line < stop:
            if self._rows[line] is None:
                before = self._heights[line]
                self.rows_of(line)
                if self._heights[line] != before:
                    changes.append((line, self._heights[line] - before))
            line += 1
        self._next_unrefined = line
        return changes

    def rewrap(self, lines: Iterable[int]) -> list[tuple[int, int]]:
        """Wrap `lines` again (their inserts changed); those never wrapped are left for when
        they are needed. Returns (line, row delta) for each that grew or shrank, as
        `refine` does, so the view can keep its anchor still."""
        changes: list[tuple[int, int]] = []
        for line in sorted(set(lines)):
            if 0 <= line < len(self._rows) and self._rows[line] is not None:
                before = self._heights[line]
                self._rows[line] = None
                self._inserts.pop(line, None)
                self.rows_of(line)
                if self._heights[line] != before:
                    changes.append((line, self._heights[line] - before))
        return changes

    def line_top(self, line: int) -> int:
        """The row at which `line` starts."""
        return self._tree.prefix(line)

    # --- rows ----------------------------------------------------------------------------

    def locate_row(self, y: int) -> tuple[int, int]:
        """(line, row within line) of screen row `y`; the row index may exceed the line's
        exact rows only if the caller did not wrap visible lines first (see `prepare`)."""
        y = min(max(y, 0), max(self.total_rows - 1, 0))
        line = self._tree.find(y)
        return line, y - self._tree.prefix(line)

    def prepare(self, top: int, height: int) -> None:
        """Wrap every line that rows `top .. top + height` touch, so they draw exactly.

        Wrapping can grow lines, pushing later ones down, so repeat until stable."""
        while True:
            changed = False
            y = top
            while y < min(top + height, self.total_rows):
                line, _ = self.locate_row(y)
                if self._rows[line] is None:
                    self.rows_of(line)
                    changed = True
                y = self.line_top(line) + self._heights[line]
            if not changed:
                return

    def row_span(self, y: int) -> tuple[int, int, bool]:
        """(start, end, last) of screen row `y`: its code points `[start, end)`, and whether
        it is the last row of its line (so `end` is the line's end, before the break)."""
        line, row = self.locate_row(y)
        rows = self.rows_of(line)
        if row >= len(rows):
            end = self.lines.ends[line]
            return end, end, True
        start = rows[row]
        last = row == len(rows) - 1
        end = self.lines.ends[line] if last else rows[row + 1]
        return start, end, last

    def plain_row(self, start: int, end: int) -> bool:
        """True when the row `[start, end)` is one unit of one cell per code point, each
        drawn as itself, with nothing inserted: one-cell text (most prose) on a line without
        inserts. Such a row is drawn without making its units (`paint_row`'s `plain`)."""
        if self._inserts and self.lines.line_of(start) in self._inserts:
            return False
        return is_single_cell_text(self.text[start:end])

    def row_units(self, start: int, end: int) -> Iterator[RowUnit]:
        """The units of the row `[start, end)`, placed: columns count the inserts too."""
        column = 0
        inserts = self._inserts.get(self.lines.line_of(start)) if self._inserts else None
        if not inserts:
            for unit in iter_units(self.text, start, end):
                yield RowUnit(unit.start, unit.end, column, unit.cells)
                column += unit.cells
            return
        pending = bisect_right(inserts, (start, _MAX_CELLS))  # the first past the row's start
        for unit in iter_units(self.text, start, end):
            extra = 0
            while pending < len(inserts) and inserts[pending][0] <= unit.end:
                extra += inserts[pending][1]
                pending += 1
            yield RowUnit(unit.start, unit.end, column, unit.cells, extra)
            column += unit.cells + extra

    # --- offsets <-> screen --------------------------------------------------------------

    def row_of_offset(self, offset: int) -> int:
        """The screen row showing `offset`."""
        offset = min(max(offset, 0), len(self.text))
        line = self.lines.line_of(offset)
        rows = self.rows_of(line)
        return self.line_top(line) + max(bisect_right(rows, offset) - 1, 0)

    def position_of(self, offset: int) -> tuple[int, int]:
        """(row, column) of the cell where `offset` is drawn. An offset inside a cluster maps
        to the cluster's first cell; a line's end maps just past its last cell."""
        offset = min(max(offset, 0), len(self.text))
        y = self.row_of_offset(offset)
        start, end, _last = self.row_span(y)
        column_end = 0
        for unit in self.row_units(start, end):
            if unit.start <= offset < unit.end:
                return y, unit.column
            column_end = unit.column + unit.cells + unit.after
        return y, column_end

    def offset_at(self, y: int, x: int) -> int:
        """The offset drawn at screen cell (y, x): the start of the unit under it, or the
        row's end when x is past the row's last cell."""
        start, end, last = self.row_span(y)
        previous = start
        for unit in self.row_units(start, end):
            if x < unit.column + unit.cells + unit.after:  # an insert's cell: its unit
                return unit.start
            previous = unit.start
        if last:
            return end
        return previous

    def unit_bounds(self, offset: int) -> Unit:
        """The display unit containing `offset` (a line end counts as a zero-width unit)."""
        line = self.lines.line_of(offset)
        line_start, line_end = self.lines.starts[line], self.lines.ends[line]
        if offset >= line_end:
            return Unit(line_end, line_end, 0)
        rows = self.rows_of(line)
        row = max(bisect_right(rows, offset) - 1, 0)
        row_end = rows[row + 1] if row + 1 < len(rows) else line_end
        for unit in iter_units(self.text, rows[row], row_end):
            if unit.start <= offset < unit.end:
                return unit
        return Unit(line_start, line_start, 0)  # pragma: no cover - units cover the row
