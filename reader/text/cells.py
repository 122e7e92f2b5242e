"""How text occupies terminal cells: display units (grapheme clusters, tabs, control codes).

Every unit covers a run of code points `[start, end)` of the document and a number of
cells. Widths come from Rich's grapheme splitter, the same measure Textual uses to lay out
the strips we hand it, so the cursor never drifts from what is drawn. Tabs and control codes
are ours: a tab expands to the next tab stop of its row and a control code or bidi control is
shown as its one-cell picture from `reader.text.sanitize` (the one sanitiser every other
place uses too), so no raw escape byte ever reaches the terminal. A
zero-width cluster with nothing to attach to (a joiner or mark at a line's start or after a
space, a zero-width space, a stray BOM) is shown as a one-cell dotted circle, and a joiner
that ends a cluster is not drawn: either would join the next character in Rich's measure
(and in terminals), shifting the rest of the row away from the offsets the cursor and the
mouse use."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from rich.cells import cell_len, split_graphemes

from reader.text.sanitize import UNSAFE, control_picture

if TYPE_CHECKING:
    from reader.text.layout import RowUnit

TAB_SIZE = 8

# Characters Rich measures as exactly one cell each, each a grapheme cluster of its own
# next to any other of them: the ranges of Rich's fast path, plus the typographic
# punctuation (quotes, dashes, the ellipsis, U+2010-U+2027 and U+2030-U+205E) and currency
# signs of everyday prose, which Rich measures by its table. A row made only of these is
# wrapped and drawn a run at a time rather than a unit per character.
_SINGLE_CELL_RANGES = ((0x20, 0x7E), (0xA0, 0xAC), (0xAE, 0x2FF), (0x370, 0x482),
                       (0x2010, 0x2027), (0x2030, 0x205E), (0x20A0, 0x20C0),
                       (0x2500, 0x25FC), (0x2800, 0x28FF))
SINGLE_CELL = frozenset(
    chr(code) for low, high in _SINGLE_CELL_RANGES for code in range(low, high + 1)
)
is_single_cell_text = SINGLE_CELL.issuperset

# Tabs, control codes and bidi controls are drawn by us; the rest goes through Rich's
# grapheme splitter.
SPECIAL = UNSAFE
WRAP_SPACES = " \t"
ORPHAN = "\u25cc"  # ◌, the dotted circle fonts draw for a mark with no base


class Unit(NamedTuple):
    """One display unit: code points `[start, end)` drawn in `cells` cells."""

    start: int
    end: int
    cells: int


def iter_units(text: str, start: int, end: int, column: int = 0) -> Iterator[Unit]:
    """Display units of `text[start:end]`, the first drawn at `column` (tabs need it).

    Tab widths depend on the column, so callers that wrap must restart at a row's start
    with column 0; a tab only ever hangs at a row's end, so its width is never re-measured."""
    position = start
    while position < end:
        special = SPECIAL.search(text, position, end)
        stop = special.start() if special else end
        if stop > position:
            piece = text[position:stop]
            if is_single_cell_text(piece):
                for index in range(position, stop):
                    yield Unit(index, index + 1, 1)
                column += stop - position
            else:
                spans, _ = split_graphemes(piece)
                for low, high, cells in spans:
                    cells = cells or 1  # an orphan zero-width cluster: drawn as ORPHAN
                    yield Unit(position + low, position + high, cells)
                    column += cells
        if special is None:
            return
        cells = TAB_SIZE - column % TAB_SIZE if text[stop] == "\t" else 1
        yield Unit(stop, stop + 1, cells)
        column += cells
        position = stop + 1


def display_text(text: str, unit: Unit | RowUnit) -> str:
    """What to draw for a unit (it has exactly `unit.cells` cells)."""
    piece = text[unit.start : unit.end]
    if len(piece) == 1 and SPECIAL.match(piece):
        return " " * unit.cells if piece == "\t" else control_picture(piece)
    if is_single_cell_text(piece):
        return piece
    # A joiner left at the end would join whatever is drawn next (in Rich's measure and in
    # many terminals); a cluster of no width would be invisible. A cluster Rich's splitter
    # and its measure disagree on (two leading joiners swallow an emoji into a cluster of
    # no width that then measures two cells) is drawn as ORPHAN too, padded to its cells:
    # drawn as itself it would shift the rest of the row.
    drawn = piece.rstrip("\u200d")
    if drawn and cell_len(drawn) == unit.cells:
        return drawn
    return ORPHAN + " " * (unit.cells - 1)
