"""The wrap layout: every screen cell maps to an offset and back, for any text."""

from __future__ import annotations

import itertools
import random

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len, split_graphemes
from strategies import tricky_text

from reader.text.cells import SINGLE_CELL, WRAP_SPACES, is_single_cell_text, iter_units
from reader.text.layout import (
    Column,
    LineIndex,
    WrappedText,
    _wrap_units,
    next_reading_width,
    reading_column,
    wrap_line,
)
from reader.text.sanitize import UNSAFE


@given(tricky_text)
def test_line_index_splits_exactly_on_crlf_cr_lf(text: str) -> None:
    lines = LineIndex(text)
    rebuilt = ""
    for number, (start, end) in enumerate(zip(lines.starts, lines.ends, strict=True)):
        body = text[start:end]
        assert "\n" not in body and "\r" not in body
        rebuilt += body
        if number + 1 < len(lines):
            brk = text[end : lines.starts[number + 1]]
            assert brk in ("\r\n", "\r", "\n")
            rebuilt += brk
    assert rebuilt == text


@given(st.text(alphabet="ab cd  efgh’“”—…€", max_size=200), st.integers(1, 30))
def test_single_cell_fast_path_wraps_like_the_general_walk(text: str, width: int) -> None:
    assert wrap_line(text, 0, len(text), width) == _wrap_units(text, 0, len(text), width)


def test_prose_with_typographic_punctuation_takes_the_fast_paths() -> None:
    """Curly quotes, dashes and the ellipsis are in most articles (the 3 KB sample has
    them): a row with one was wrapped and drawn a unit per character."""
    assert is_single_cell_text("the president’s “visit” — 5 € … ‹ok›")


def test_the_fast_paths_characters_are_one_cell_and_one_cluster_each() -> None:
    """What lets a row of them skip the grapheme splitter: Rich measures each as one cell,
    and splits any run of them into one cluster per character."""
    characters = sorted(SINGLE_CELL)
    run = "".join(characters)
    spans, cells = split_graphemes(run)
    assert cells == len(run) == cell_len(run)
    assert spans == [(index, index + 1, 1) for index in range(len(run))]
    assert all(cell_len(character) == 1 for character in characters)
    assert not any(UNSAFE.search(character) for character in characters)


@given(tricky_text, st.integers(1, 25))
def test_rows_cover_the_line_and_fit_the_width(text: str, width: int) -> None:
    lines = LineIndex(text)
    for start, end in zip(lines.starts, lines.ends, strict=True):
        rows = wrap_line(text, start, end, width)
        assert rows[0] == start
        assert rows == sorted(set(rows))
        bounds = [*rows, end]
        for row_start, row_end in itertools.pairwise(bounds):
            units = list(iter_units(text, row_start, row_end))
            assert units or start == end, "only an empty line has an empty row"
            # Trailing spaces may hang past the edge; what is drawn must fit, unless
            # the row is a single unit wider than the whole width.
            while len(units) > 1 and text[units[-1].start] in WRAP_SPACES:
                units.pop()
            drawn = sum(unit.cells for unit in units)
            assert drawn <= width or len([u for u in units if u.cells]) == 1


@settings(max_examples=150)
@given(tricky_text, st.integers(1, 25))
def test_every_screen_cell_maps_to_an_offset_and_back(text: str, width: int) -> None:
    wrapped = WrappedText(LineIndex(text), width)
    wrapped.prepare(0, 10_000)
    covered: list[int] = []
    for y in range(wrapped.total_rows):
        start, end, _last = wrapped.row_span(y)
        for unit in wrapped.row_units(start, end):
            covered.extend(range(unit.start, unit.end))
            assert wrapped.position_of(unit.start) == (y, unit.column)
            for x in range(unit.column, unit.column + unit.cells):
                assert wrapped.offset_at(y, x) == unit.start
    # Every code point is drawn exactly once, except the line breaks themselves.
    lines = wrapped.lines
    breaks = {i for n in range(len(lines) - 1) for i in range(lines.ends[n], lines.starts[n + 1])}
    assert covered == [i for i in range(len(text)) if i not in breaks]


@given(tricky_text, st.integers(1, 25))
def test_line_ends_map_past_the_last_cell_and_back(text: str, width: int) -> None:
    wrapped = WrappedText(LineIndex(text), width)
    for end in wrapped.lines.ends:
        y, x = wrapped.position_of(end)
        assert wrapped.offset_at(y, x) == end


def test_lazy_estimates_are_replaced_by_exact_counts_without_losing_rows() -> None:
    rng = random.Random(7)
    words = ["treaty", "security", "a", "of", "Yerevan", "东京", "👨🏻‍🚒"]
    text = "\n".join(" ".join(rng.choice(words) for _ in range(rng.randint(0, 60)))
                     for _ in range(300))
    lazy = WrappedText(LineIndex(text), 33)
    lazy.prepare(5000, 20)  # somewhere past the estimated end: clamps, wraps what it shows
    while not lazy.exact:
        lazy.refine(17)
    heights = [len(wrap_line(text, s, e, 33))
               for s, e in zip(lazy.lines.starts, lazy.lines.ends, strict=True)]
    assert lazy.total_rows == sum(heights)
    top = 0
    for line, height in enumerate(heights):
        assert lazy.line_top(line) == top
        assert lazy.locate_row(top + height - 1) == (line, height - 1)
        top += height


def test_a_tab_after_a_row_break_is_measured_from_the_row_start() -> None:
    """Found by hypothesis: the word before the tab moves to a new row, so the tab starts
    at row column 8 (a full 8 cells), not at line column 14 (2 cells)."""
    text = "aaaaa aArarat \té"
    rows = wrap_line(text, 0, len(text), 11)
    assert rows == [0, 6, 15]


@settings(max_examples=150)
@given(tricky_text, st.integers(1, 25), st.data())
def test_inserts_move_cells_but_never_offsets(text: str, width: int,
                                              data: st.DataObject) -> None:
    """Cells drawn after units (label chips) change the wrap and the columns, never what an
    offset is: every code point is still drawn once, every cell (an insert's too) maps back
    to a unit's start, and the rows still fit the width."""
    lines = LineIndex(text)
    candidates = sorted({end for start, end in zip(lines.starts, lines.ends, strict=True)
                         for end in range(start + 1, end + 1)})
    chosen = data.draw(st.lists(st.sampled_from(candidates), unique=True, max_size=8)
                       if candidates else st.just([]), label="insert offsets")
    inserts = {offset: data.draw(st.integers(1, 7), label="cells") for offset in chosen}

    def source(start: int, end: int) -> list[tuple[int, int]]:
        return sorted((o, c) for o, c in inserts.items() if start < o <= end)

    wrapped = WrappedText(lines, width, source)
    wrapped.prepare(0, 10_000)
    covered: list[int] = []
    after_total = 0
    for y in range(wrapped.total_rows):
        start, end, _last = wrapped.row_span(y)
        column = 0
        units = list(wrapped.row_units(start, end))
        for unit in units:
            assert unit.column == column
            column += unit.cells + unit.after
            after_total += unit.after
            covered.extend(range(unit.start, unit.end))
            assert wrapped.position_of(unit.start) == (y, unit.column)
            for x in range(unit.column, unit.column + unit.cells + unit.after):
                assert wrapped.offset_at(y, x) == unit.start
        while len(units) > 1 and text[units[-1].start] in WRAP_SPACES and not units[-1].after:
            units.pop()
        drawn = sum(unit.cells + unit.after for unit in units)
        assert drawn <= width or len([u for u in units if u.cells]) == 1, (y, units)
    breaks = {i for n in range(len(lines) - 1) for i in range(lines.ends[n], lines.starts[n + 1])}
    assert covered == [i for i in range(len(text)) if i not in breaks]
    assert after_total == sum(inserts.values()), "every insert is drawn once"
    for end in lines.ends:
        y, x = wrapped.position_of(end)
        assert wrapped.offset_at(y, x) == end


def test_rewrap_follows_changed_inserts() -> None:
    text = "one two three four\nfive six"
    inserts: dict[int, int] = {}

    def source(start: int, end: int) -> list[tuple[int, int]]:
        return sorted((o, c) for o, c in inserts.items() if start < o <= end)

    wrapped = WrappedText(LineIndex(text), 10, source)
    wrapped.prepare(0, 10)
    assert wrapped.total_rows == 3
    inserts[3] = 5  # "one" + 5 cells: "two" no longer fits beside it
    assert wrapped.rewrap([0]) == [(0, 1)]
    assert wrapped.total_rows == 4
    assert [u.after for u in wrapped.row_units(0, 4)] == [0, 0, 5, 0]


def test_a_reading_width_centres_a_column_and_maps_cells_both_ways() -> None:
    assert reading_column(100, None) == Column(0, 100)
    assert reading_column(100, 120) == Column(0, 100)  # wider than the pane: the pane
    assert reading_column(100, 100) == Column(0, 100)
    assert reading_column(101, 80) == Column(10, 80)  # the odd cell goes right
    column = reading_column(120, 80)
    assert column == Column(20, 80)
    assert column.to_text(20) == 0 and column.to_text(99) == 79 and column.to_text(3) == -17
    assert all(column.to_text(column.to_screen(x)) == x for x in range(80))


def test_a_centred_column_maps_every_cell_it_draws_to_its_offset() -> None:
    """The margin is outside the layout: a cell at pane column margin + x is text column x."""
    text = "Nagorno-Karabakh talks in Moscow, with a long sentence to wrap " * 5
    column = reading_column(120, 40)
    wrapped = WrappedText(LineIndex(text), column.width)
    wrapped.prepare(0, wrapped.total_rows)
    for offset in range(0, len(text), 7):
        y, x = wrapped.position_of(offset)
        assert wrapped.offset_at(y, column.to_text(column.to_screen(x))) == offset
    start, _end, _last = wrapped.row_span(1)
    assert wrapped.offset_at(1, column.to_text(0)) == start  # the left margin: the row start


def test_the_width_key_cycles_through_widths_the_pane_can_show() -> None:
    sequence = [None]
    for _ in range(4):
        sequence.append(next_reading_width(sequence[-1], 200))
    assert sequence == [None, 80, 100, 120, None]
    assert next_reading_width(None, 97) == 80  # 100 and 120 would look like full
    assert next_reading_width(80, 97) is None
    assert next_reading_width(None, 60) is None  # nothing narrower than the pane
    assert next_reading_width(None, 200, configured=72) == 72  # the config's width joins in
    assert next_reading_width(72, 200, configured=72) == 80
    assert next_reading_width(150, 120) == 80  # a width the pane outgrew: as full
