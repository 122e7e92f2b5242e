"""The wrap layout: every screen cell maps to an offset and back, for any text."""

from __future__ import annotations

import itertools
import random

from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import tricky_text

from reader.text.cells import WRAP_SPACES, iter_units
from reader.text.layout import LineIndex, WrappedText, _wrap_units, wrap_line


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


@given(st.text(alphabet="ab cd  efgh", max_size=200), st.integers(1, 30))
def test_single_cell_fast_path_wraps_like_the_general_walk(text: str, width: int) -> None:
    assert wrap_line(text, 0, len(text), width) == _wrap_units(text, 0, len(text), width)


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
