"""What the article pane draws, for random tricky text at random widths, without an App: the
view's `render_line` only finds a row and calls `paint_row`, so its promises are properties
of `paint_row` alone. Every row is exactly as wide as the pane, no raw control code reaches
the terminal, each row shows its units in order, the cells the layout counts are the cells
Rich (so Textual) draws, so the cursor and the mouse never drift from the text, and the
cursor, the selection and the search matches are drawn on exactly their cells.

(That the view hands `paint_row` the rows on screen is held by the Pilot tests:
test_cursor_edge.py, test_reading.py and the snapshots.)"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len, split_graphemes
from rich.style import Style
from strategies import tricky_text
from textual.strip import Strip

from reader.annotate.compare import Disagreement, Kind
from reader.annotate.span_index import Span, SpanIndex
from reader.text.cells import display_text, iter_units
from reader.text.layout import LineIndex, RowUnit, WrappedText
from reader.text.search import Match
from reader.ui.chips import Chips
from reader.ui.paint import LabelStyles, Marks, Palette, paint_row

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# One background per mark, so a cell's background says which mark won.
PALETTE = Palette(base=Style(), cursor=Style(bgcolor="red"), selection=Style(bgcolor="blue"),
                  match=Style(bgcolor="green"), current_match=Style(bgcolor="yellow"))


def layout(text: str, width: int) -> WrappedText:
    wrapped = WrappedText(LineIndex(text), width)
    while not wrapped.exact:
        wrapped.refine(1000)
    return wrapped


def paint(wrapped: WrappedText, y: int, marks: Marks) -> Strip:
    """Row `y` as `ArticleView.render_line` paints it."""
    start, end, last = wrapped.row_span(y)
    units = list(wrapped.row_units(start, end))
    return paint_row(wrapped.text, (start, end, last), units, wrapped.width, marks, PALETTE,
                     LabelStyles({}))


def cell_backgrounds(strip: Strip) -> list[str | None]:
    """The background colour's name of every cell of `strip`, left to right."""
    cells: list[str | None] = []
    for segment in strip:
        bgcolor = segment.style.bgcolor if segment.style else None
        cells.extend([bgcolor.name if bgcolor else None] * cell_len(segment.text))
    return cells


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=tricky_text, width=st.integers(1, 30), data=st.data())
def test_rows_draw_exactly_the_cells_the_layout_counts(text: str, width: int,
                                                       data: st.DataObject) -> None:
    cursor = data.draw(st.integers(0, len(text)), label="cursor")
    low, high = sorted(data.draw(st.tuples(st.integers(0, len(text)),
                                           st.integers(0, len(text))), label="selection"))
    length = data.draw(st.integers(1, 4), label="match length")
    starts = data.draw(st.lists(st.integers(0, max(len(text) - length, 0)), unique=True,
                                max_size=4), label="match starts")
    matches = [Match(start, start + length) for start in sorted(starts)]
    matches = [m for i, m in enumerate(matches) if i == 0 or m.start >= matches[i - 1].end]
    selection = (low, high) if low < high else None
    wrapped = layout(text, width)
    for y in range(wrapped.total_rows):
        start, end, last = wrapped.row_span(y)
        over_row = [m for m in matches if m.end > start and m.start < max(end, start + 1)]
        marks = Marks(cursor=cursor, selection=selection, matches=over_row)
        strip = paint(wrapped, y, marks)
        drawn = "".join(segment.text for segment in strip)
        assert strip.cell_length == width, (y, drawn)
        assert not CONTROL.search(drawn), (y, drawn)
        units = list(wrapped.row_units(start, end))
        shown = "".join(display_text(text, unit) for unit in units)
        assert cell_len(shown) == sum(unit.cells for unit in units), (y, shown)
        # The units that fit, drawn as themselves; after them only blank cells (a hanging
        # tab, the cursor past the line's end, padding).
        visible = [u for u in units if u.column + u.cells <= width]
        prefix = "".join(display_text(text, unit) for unit in visible)
        assert drawn[:len(prefix)] == prefix, (y, drawn, prefix)
        assert drawn[len(prefix):].strip(" ") == "", (y, drawn, prefix)
        # Every unit drawn (a tab hanging over the edge only in part) has the background of
        # the mark that wins on it. The cursor on spaces hanging past the edge, or at the
        # end of a full row, is shown on the last unit drawn.
        backgrounds = cell_backgrounds(strip)
        row_cells = sum(u.cells for u in units)
        drawn_units = [u for u in units if u.column < width]
        on_edge = not any(u.start <= cursor < u.end for u in drawn_units) and (
            start <= cursor < end or (last and cursor == end and row_cells >= width))
        for unit in drawn_units:
            if unit.start <= cursor < unit.end or (on_edge and unit is drawn_units[-1]):
                expected = "red"
            elif selection and selection[0] <= unit.start < selection[1]:
                expected = "blue"
            elif any(m.start <= unit.start < m.end for m in matches):
                expected = "green"
            else:
                expected = None
            cells = min(unit.column + unit.cells, width) - unit.column
            assert backgrounds[unit.column:unit.column + cells] == [expected] * cells, \
                (y, unit, drawn)
        if last and cursor == end and row_cells < width:
            assert backgrounds[row_cells] == "red", "the cursor just past the line's end"
        if on_edge and not drawn_units:
            assert backgrounds[-1] == "red"


@pytest.mark.parametrize("text", ["\u200d👨 x", " \u200d\x1fx", "\u200d\x1b x", "a\ufeffb",
                                  "\u0301e", "👨\u200d\tz", "x\u200b\u200by",
                                  "\u200d\u200d👨🏻\u200d🚒"])
def test_joiners_and_marks_with_nothing_to_attach_to_keep_their_cell(text: str) -> None:
    """Drawn as themselves they would join the next character in Rich's measure (and in
    terminals): the rest of the row would shift left of where the cursor and mouse think."""
    units = list(iter_units(text, 0, len(text)))
    drawn = "".join(display_text(text, unit) for unit in units)
    assert cell_len(drawn) == sum(unit.cells for unit in units)
    assert all(unit.cells >= 1 for unit in units), "every code point can be seen and selected"


def test_a_combining_mark_on_the_last_cell_is_drawn() -> None:
    text = "abc\u0301  next"
    strip = paint(layout(text, 3), 0, Marks(cursor=len(text)))
    assert "".join(segment.text for segment in strip) == "abc\u0301"


def test_the_cursor_on_spaces_hanging_past_the_edge_is_drawn_on_the_last_cell() -> None:
    text = "abcd efgh" + " " * 30 + "ijkl mnop"
    wrapped = layout(text, 17)
    assert cell_backgrounds(paint(wrapped, 0, Marks(cursor=25)))[-1] == "red"
    assert cell_backgrounds(paint(wrapped, 0, Marks(cursor=6)))[-1] is None


def cells_text(drawn: str, start: int, stop: int) -> str:
    """The text drawn in cells [start, stop) of a row (a cluster with its marks)."""
    clusters, _ = split_graphemes(drawn)
    column, found = 0, []
    for low, high, cells in clusters:
        if start <= column < stop:
            found.append(drawn[low:high])
        column += cells
    return "".join(found)


LABELS = ["actor", "t\x1b[2Jx", "长标签", "a-very-long-label-name-indeed"]


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=tricky_text, width=st.integers(1, 30), data=st.data())
def test_label_chips_are_drawn_in_the_cells_the_layout_gives_them(
        text: str, width: int, data: st.DataObject) -> None:
    """With chips on, every row is still exactly as wide as the pane, no control code from
    a label name reaches the terminal, each unit's text is drawn at its column, and the
    cells after a span's last unit hold its chips."""
    pairs = data.draw(st.lists(st.tuples(st.integers(0, len(text)), st.integers(0, len(text)),
                                         st.sampled_from(LABELS)), max_size=6), label="spans")
    spans = SpanIndex(Span(min(a, b), max(a, b), label, f"u{n}")
                      for n, (a, b, label) in enumerate(pairs) if a != b)
    lines = LineIndex(text)
    chips = Chips(lines, spans, LabelStyles({}))
    wrapped = WrappedText(lines, width, chips.inserts)
    while not wrapped.exact:
        wrapped.refine(1000)
    cursor = data.draw(st.integers(0, len(text)), label="cursor")
    for y in range(wrapped.total_rows):
        start, end, last = wrapped.row_span(y)
        units = list(wrapped.row_units(start, end))
        marks = Marks(cursor=cursor, spans=spans.overlapping(start, max(end, start + 1)),
                      after=chips.cells_after)
        strip = paint_row(text, (start, end, last), units, width, marks, PALETTE,
                          LabelStyles({}))
        drawn = "".join(segment.text for segment in strip)
        assert strip.cell_length == width, (y, drawn)
        assert not CONTROL.search(drawn), (y, drawn)
        for unit in units:
            right = unit.column + unit.cells
            if right + unit.after > width:
                break  # cut at the edge (a chip wider than what is left of the row)
            assert cells_text(drawn, unit.column, right) == display_text(text, unit), \
                (y, unit, drawn)
            if unit.after:
                chip = cells_text(drawn, right, right + unit.after)
                expected = "".join(piece for piece, _style in chips.cells_after(unit.start,
                                                                                 unit.end))
                assert chip == expected and chip.startswith("["), (y, unit, drawn)


PLAIN_PIECES = ["Ararat", "Mirzoyan", "São", "Paulo", "’", "“", "ok", " ", "  ", "\n", "a"]
plain_text = st.lists(st.sampled_from(PLAIN_PIECES), max_size=40).map("".join)
SPAN_PALETTE = PALETTE._replace(related=Style(reverse=True), relation_head=Style(italic=True))
SPAN_STYLES = LabelStyles({"actor": "#4e79a7", "topic": "#f28e2b"})


def marks_over(data: st.DataObject, text: str) -> Marks:
    """Random spans (one's own and another's, nested or crossing), matches, a selection, a
    cursor, relations, a pending relation's head and compare mode's disagreements of every
    kind over `text`."""
    offsets = st.integers(0, len(text))
    spans = []
    for index in range(data.draw(st.integers(0, 4), label="spans")):
        low, high = sorted(data.draw(st.tuples(offsets, offsets), label="span"))
        if low < high:
            spans.append(Span(low, high, data.draw(st.sampled_from(["actor", "topic"])),
                              f"u{index}", own=data.draw(st.booleans(), label="own")))
    low, high = sorted(data.draw(st.tuples(offsets, offsets), label="selection"))
    starts = sorted(data.draw(st.sets(st.integers(0, max(len(text) - 2, 0)), max_size=3)))
    matches = [Match(start, start + 2) for start in starts]
    matches = [m for i, m in enumerate(matches) if i == 0 or m.start >= matches[i - 1].end]
    related = {span.uid for span in spans if data.draw(st.booleans(), label="related")}
    kinds = st.sampled_from([None, *Kind])
    disagreements = {span.uid: Disagreement(span, kind) for span in spans
                     if (kind := data.draw(kinds, label="disagreement")) is not None}
    return Marks(cursor=data.draw(offsets, label="cursor"),
                 selection=(low, high) if low < high else None, spans=spans,
                 matches=matches, current_match=matches[-1] if matches else None,
                 related=related.__contains__, disagreements=disagreements,
                 relation_head=spans[0].uid if spans and data.draw(st.booleans()) else None)


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=plain_text, width=st.integers(1, 20), data=st.data())
def test_plain_rows_drawn_a_run_at_a_time_are_drawn_as_a_unit_at_a_time(
        text: str, width: int, data: st.DataObject) -> None:
    """Plain rows take a faster path (slices of the text, not a unit per character): it
    draws the very segments the general path draws, whatever is marked."""
    marks = marks_over(data, text)
    wrapped = layout(text, width)
    for y in range(wrapped.total_rows):
        start, end, last = wrapped.row_span(y)
        assert wrapped.plain_row(start, end)
        fast, general = (list(paint_row(text, (start, end, last),
                                        list(wrapped.row_units(start, end)), width, marks,
                                        SPAN_PALETTE, SPAN_STYLES, plain=plain))
                         for plain in (True, False))
        assert fast == general, y


def test_a_plain_row_is_drawn_without_making_its_units() -> None:
    """The first paint draws 40 rows of prose: a unit object per character was a third of
    the time it took to draw them."""
    text = "Mirzoyan and Lavrov discussed the visit. " * 3

    def no_units() -> Iterator[RowUnit]:
        raise AssertionError("the units of a plain row were made")
        yield  # a generator: nothing runs until it is read

    wrapped = layout(text, 40)
    start, end, last = wrapped.row_span(0)
    strip = paint_row(text, (start, end, last), no_units(), 40, Marks(cursor=3), PALETTE,
                      LabelStyles({}), plain=wrapped.plain_row(start, end))
    assert "".join(segment.text for segment in strip) == text[start:end][:40].ljust(40)


@pytest.mark.parametrize(("text", "plain"), [
    ("the president’s “visit” — 5 € …", True),
    ("a\ttab", False), ("東京", False), ("e\u0301", False), ("a\x1bb", False),
    ("👩\u200d👩", False),
])
def test_a_row_is_plain_when_each_code_point_is_one_cell_drawn_as_itself(
        text: str, plain: bool) -> None:
    wrapped = layout(text, 40)
    assert wrapped.plain_row(*wrapped.row_span(0)[:2]) is plain


def test_a_row_with_label_chips_inserted_is_not_plain() -> None:
    text = "Ana met Bo in Lyon"
    wrapped = WrappedText(LineIndex(text), 40, lambda start, end: ((3, 5),))
    while not wrapped.exact:
        wrapped.refine(10)
    assert not wrapped.plain_row(*wrapped.row_span(0)[:2])
    assert layout(text, 40).plain_row(*layout(text, 40).row_span(0)[:2])
