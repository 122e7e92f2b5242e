"""Cursor motion as functions of the text and its wrap layout, as Textual's
`DocumentNavigator` is for its TextArea: the article view asks here where a key takes the
cursor, and these are tested without an App.

Every motion lands on a display-unit boundary (the start of a grapheme cluster, tab or
control picture, or a line's end), never inside a cluster or between the CR and LF of a line
break, so the cursor always sits on a cell the reader can see. Up and down move by screen row
and aim for a goal column, kept by the caller across a run of vertical moves."""

from __future__ import annotations

import re

from reader.text.cells import SINGLE_CELL, SPECIAL
from reader.text.layout import WrappedText
from reader.text.tokens import WORD_WINDOW, next_word_offset, previous_word_offset


def right(wrapped: WrappedText, offset: int) -> int:
    """One display unit to the right; a line break (CRLF too) is one step."""
    lines = wrapped.lines
    line = lines.line_of(offset)
    if offset >= lines.ends[line]:
        return lines.starts[line + 1] if line + 1 < len(lines) else offset
    return wrapped.unit_bounds(offset).end


def left(wrapped: WrappedText, offset: int) -> int:
    """One display unit to the left; a line break (CRLF too) is one step."""
    if offset <= 0:
        return 0
    lines = wrapped.lines
    line = lines.line_of(offset)
    if offset <= lines.starts[line]:
        return lines.ends[line - 1] if line > 0 else 0
    return wrapped.unit_bounds(offset - 1).start


def word_forward(wrapped: WrappedText, offset: int, to_end: bool = False) -> int:
    """Where `w` goes: the next word's start, or with `to_end` the end of the word at or
    after `offset` (a selection grows word by word without trailing spaces).

    The tokenizer may split a cluster the layout keeps whole (characters a zero-width joiner
    glues, a prepended sign): a word start inside a unit is no stop, the search goes on from
    that unit; a word end inside one is moved to the unit's end."""
    target = next_word_offset(wrapped.text, offset, to_end)
    for _ in range(_RETRIES):
        if _is_boundary(wrapped, target):
            return target
        end = _unit_at(wrapped, target)[1]
        if to_end:
            return end
        target = next_word_offset(wrapped.text, end - 1)  # the first word starting >= end
    return target if _is_boundary(wrapped, target) else _unit_at(wrapped, target)[1]


def word_backward(wrapped: WrappedText, offset: int) -> int:
    """Where `b` goes: the start of the word before `offset` or of the one it is inside,
    moved back to the start of the unit it falls in (see `word_forward`)."""
    target = previous_word_offset(wrapped.text, offset)
    return target if _is_boundary(wrapped, target) else _unit_at(wrapped, target)[0]


def big_word_forward(wrapped: WrappedText, offset: int, to_end: bool = False) -> int:
    """Where `W` goes: vim's WORD, a run of anything but whitespace, so "Nagorno-Karabakh"
    or "U.S.-led" is one step where `w` stops at each hyphen; with `to_end` the end of the
    WORD at or after `offset`. A WORD edge inside a display unit (a space carrying a
    combining mark) moves to that unit's end, where the WORD is visibly under way."""
    target = next_word_offset(wrapped.text, offset, to_end, pattern=_NON_SPACE)
    return target if _is_boundary(wrapped, target) else _unit_at(wrapped, target)[1]


def big_word_backward(wrapped: WrappedText, offset: int) -> int:
    """Where `B` goes: the start of the WORD before `offset` or of the one it is inside."""
    target = _previous_big_word(wrapped.text, offset)
    return target if _is_boundary(wrapped, target) else _unit_at(wrapped, target)[0]


_NON_SPACE = re.compile(r"\S+")  # a WORD
_LAST_NON_SPACE = re.compile(r"\S(?=\s*\Z)")  # with an endpos: the last one before it
_LAST_SPACE = re.compile(r"\s(?=\S*\Z)")


def _previous_big_word(text: str, offset: int, window: int = WORD_WINDOW) -> int:
    """The start of the WORD before `offset` or of the one it is inside, looking at most
    `window` back (each pattern is linear: a lookahead stops at the next change of kind)."""
    low = max(offset - window, 0)
    last = _LAST_NON_SPACE.search(text, low, offset)
    if last is None:
        return low
    space = _LAST_SPACE.search(text, low, last.start())
    return space.end() if space else low


def goal_of(wrapped: WrappedText, offset: int, goal: int | None) -> tuple[int, int]:
    """(row, goal column) for a vertical move from `offset`: the goal a previous vertical
    move left, or else the column the cursor is drawn in."""
    y, x = wrapped.position_of(offset)
    return y, x if goal is None else goal


def offset_in_row(wrapped: WrappedText, y: int, goal: int,
                  window: tuple[int, int] | None = None) -> int:
    """The offset drawn nearest column `goal` of row `y`, with `y` kept inside the document
    and then inside the rows `window` [top, bottom] if given (a page move keeps the cursor on
    screen)."""
    y = min(max(y, 0), wrapped.total_rows - 1)
    if window is not None:
        y = min(max(y, window[0]), window[1])
    wrapped.prepare(y, 1)  # the row must be wrapped exactly before it is read
    return wrapped.offset_at(y, goal)


def vertical(wrapped: WrappedText, offset: int, rows: int,
             goal: int | None) -> tuple[int, int]:
    """(offset, goal column) `rows` screen rows down (up if negative) from `offset`."""
    y, goal = goal_of(wrapped, offset, goal)
    return offset_in_row(wrapped, y + rows, goal), goal


# How many word starts inside clusters `word_forward` skips before it settles for the end of
# the cluster it is in: a key press stays a few microseconds even on text made of such
# clusters.
_RETRIES = 8


def _is_boundary(wrapped: WrappedText, offset: int) -> bool:
    """True if a unit starts (or a line ends) at `offset`. Between two one-cell characters,
    or next to a tab or control code, it is known without measuring the row (which costs a
    step per unit: a row can be megabytes of hanging spaces)."""
    lines = wrapped.lines
    line = lines.line_of(offset)
    if offset in (lines.starts[line], lines.ends[line]):
        return True
    if offset > lines.ends[line]:  # between the CR and LF of a line break
        return False
    before, after = wrapped.text[offset - 1], wrapped.text[offset]
    if (before in SINGLE_CELL and after in SINGLE_CELL) or SPECIAL.match(before) \
            or SPECIAL.match(after):
        return True
    return wrapped.unit_bounds(offset).start == offset


def _unit_at(wrapped: WrappedText, offset: int) -> tuple[int, int]:
    """[start, end) of the display unit or line break `offset` is in; (offset, offset) at a
    line's end. Offsets inside a cluster or a CRLF are the only ones with start < offset."""
    lines = wrapped.lines
    line = lines.line_of(offset)
    line_end = lines.ends[line]
    if offset > line_end:  # between the CR and LF of a line break
        return line_end, lines.starts[line + 1]
    unit = wrapped.unit_bounds(offset)
    return unit.start, unit.end


__all__ = ["big_word_backward", "big_word_forward", "goal_of", "left", "offset_in_row", "right",
           "vertical", "word_backward", "word_forward"]
