"""One screen row of the article pane as a Strip: a function of the text, the row's units and
what is marked on it, with no widget in sight, so what the pane draws is tested without an
App. The view (`ArticleView.render_line`) only finds the row and the marks and calls
`paint_row`, as Textual's TextArea keeps its document and wrapping beside the widget.

Rich styles and Textual's `Strip` (a list of segments) are all it needs; nothing here
imports the App or a widget."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import NamedTuple

from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.strip import Strip

from reader.annotate.compare import Disagreement, Kind
from reader.annotate.span_index import Span
from reader.suggest.record import Suggestion
from reader.text.cells import display_text
from reader.text.layout import RowUnit
from reader.text.search import Match


class Palette(NamedTuple):
    """The pane's styles: its own, and the component styles drawn over the text."""

    base: Style
    cursor: Style
    selection: Style
    match: Style
    current_match: Style
    # The first cell of a span with relations, and the whole span a pending relation starts
    # from: styles only, so the text keeps its cells and the cursor never drifts.
    related: Style = Style(bold=True, reverse=True)
    relation_head: Style = Style(bold=True, underline=True, reverse=True)
    # Compare mode, one look per kind of disagreement, over the label colours (never
    # instead of them): a span the other side lacks is struck through, one it labels
    # otherwise is bold (its cells show both labels' colours), one it bounds otherwise has
    # its first and last cells reversed, like brackets at the edges in question.
    missing: Style = Style(bold=True, strike=True)
    other_label: Style = Style(bold=True)
    other_boundaries: Style = Style(bold=True, reverse=True)


class Marks(NamedTuple):
    """What is drawn over the text of one row, as offsets into the document."""

    cursor: int
    selection: tuple[int, int] | None = None
    spans: Sequence[Span] = ()  # the spans over the row, from `SpanIndex.overlapping`
    matches: Sequence[Match] = ()  # the search matches over the row
    current_match: Match | None = None
    disagreements: Mapping[str, Disagreement] = MappingProxyType({})  # compare mode, by uid
    related: Callable[[str], bool] | None = None  # does the span (uid) have relations?
    relation_head: str | None = None  # the span a pending relation starts from
    # What to draw in the cells a unit has after it (`RowUnit.after`: label chips).
    after: Callable[[int, int], Sequence[tuple[str, Style]]] | None = None
    suggestions: Sequence[Suggestion] = ()  # the suggestions over the row (issue 11)


class LabelStyles:
    """The look of a cell under spans, made once per combination and reused (a row under
    one long span asks for the same style at every change point).

    A cell shows two labels at once, in any 256-colour terminal: the top layer (the
    innermost span; one's own before another annotator's) as the background, and the layer
    below it as the colour of the text, bold and underlined. Terminals draw an underline in
    the text's colour, so the second label's colour is a line under the first's without
    any underline-colour escape, and no cell is added or changed. Another annotator's span
    alone is its colour as text, italic and underlined.

    A suggestion (`suggested`) is never drawn as a span: its label's colour as text, dim
    and underlined, never a background and never bold (Rich has no dotted underline; dim
    is what tells it apart). Over a span it keeps the span's background, so both show."""

    def __init__(self, colors: dict[str, str]) -> None:
        self.colors = colors
        self._cache: dict[tuple[str, bool, str | None, bool, bool], Style] = {}
        self._suggested: dict[tuple[str, str | None], Style] = {}

    def clear(self) -> None:
        """Forget made styles (the theme changed)."""
        self._cache.clear()
        self._suggested.clear()

    def color(self, label: str) -> Color:
        return Color.parse(self.colors.get(label, "#888888"))

    def __call__(self, label: str, own: bool, below: str | None = None,
                 below_own: bool = True, others: bool = False) -> Style:
        """The style of a cell whose top layer is `label` (`own`: one's own span), with
        `below` the label of the layer under it, if any; `others`: another annotator's
        span covers the cell too (compare mode), drawn as an underline."""
        key = (label, own, below, below_own, others)
        style = self._cache.get(key)
        if style is None:
            style = self._make(*key)
            self._cache[key] = style
        return style

    def _make(self, label: str, own: bool, below: str | None, below_own: bool,
              others: bool) -> Style:
        color = self.color(label)
        if below is None:
            if own:
                style = Style(bgcolor=color.rich_color, color=_contrast_text(color))
            else:
                style = Style(color=color.rich_color, underline=True, italic=True)
        else:
            # Two layers: one colour behind the text, the other the text's (kept readable).
            back, front = (color, self.color(below)) if own else (self.color(below), color)
            style = Style(bgcolor=back.rich_color, color=readable_on(front, back).rich_color,
                          bold=True, underline=True,
                          italic=not own or not below_own or None)
        if others:
            style += Style(underline=True)
        return style

    def suggested(self, label: str, behind: Color | None = None) -> Style:
        """The look of a cell a suggestion of `label` covers, over the background `behind`
        (a span's colour) if any: added over the span's style, it sets the text only."""
        key = (label, behind.hex if behind is not None else None)
        style = self._suggested.get(key)
        if style is None:
            color = self.color(label)
            if behind is not None:
                color = readable_on(color, behind)
            style = Style(color=color.rich_color, dim=True, underline=True, bold=False,
                          italic=False)
            self._suggested[key] = style
        return style


MIN_CONTRAST = 0.3  # brightness difference that keeps coloured text readable on colour


def readable_on(front: Color, back: Color) -> Color:
    """`front` made lighter or darker until it reads on `back`: blending toward white or
    black keeps its hue, so the label it stands for is still recognised."""
    target = Color(255, 255, 255) if back.brightness < 0.5 else Color(0, 0, 0)
    for step in (0.0, 0.25, 0.5, 0.75):
        candidate = front.blend(target, step)
        if abs(candidate.brightness - back.brightness) >= MIN_CONTRAST:
            return candidate
    return target


def _contrast_text(color: Color) -> str:
    return "black" if color.brightness > 0.5 else "white"


def paint_row(text: str, row: tuple[int, int, bool], units: Iterable[RowUnit], width: int,
              marks: Marks, palette: Palette, label_style: LabelStyles, *,
              plain: bool = False) -> Strip:
    """The Strip for one screen row, exactly `width` cells: `row` is (start, end, last) from
    `WrappedText.row_span` and `units` its units from `WrappedText.row_units`.

    Each unit is drawn as `display_text` (tabs as spaces, control codes as pictures), so
    the cells drawn are the cells the layout counts and the cursor and the mouse never drift
    from the text. Spaces hanging past the edge are not drawn; the cursor on them, or just
    past a line's end, is shown on the row's last cell or one past the text.

    `plain` (`WrappedText.plain_row`: one-cell text, nothing inserted; most prose) says that
    each code point is a unit of one cell drawn as itself: the row is then drawn a run of
    equal style at a time, as slices of `text`, and `units` is not read. Both ways give the
    same Strip (tests/ui/test_render_property.py)."""
    start, end, last = row
    row_units = None if plain else list(units)
    change_points = _change_points(start, end, marks, row_units)
    if row_units is None:
        segments, shown_end, last_column = _paint_plain(
            text, start, end, width, change_points, marks, palette, label_style)
    else:
        segments, shown_end, last_column = _paint_units(
            text, start, row_units, width, change_points, marks, palette, label_style)
    base = palette.base
    cursor = marks.cursor
    strip = Strip(segments)
    cursor_here = start <= cursor < end or (last and cursor == end)
    if last and cursor == end and strip.cell_length < width:
        strip = Strip([*segments, Segment(" ", base + palette.cursor)])
    elif cursor_here and width > 0 and not start <= cursor < shown_end:
        # The cursor is on spaces hanging past the edge (or just past a full row): show it
        # on the row's last cell rather than nowhere (the whole last unit: a wide character
        # is not split).
        cut = min(width - 1 if last_column is None else last_column, width - 1)
        left, right = strip.extend_cell_length(width, base).divide([cut, width])[:2]
        marked = [Segment(seg.text, (seg.style or base) + palette.cursor) for seg in right]
        return Strip.join([left, Strip(marked)])
    # No crop when it fits: cropping at the edge drops a combining mark on the last cell.
    if strip.cell_length > width:
        return strip.crop_extend(0, width, base)
    return strip.extend_cell_length(width, base)


def _change_points(start: int, end: int, marks: Marks,
                   units: list[RowUnit] | None) -> list[int]:
    """The offsets in [start, end] where the style may change: where a span, match, the
    selection or the cursor's unit begins or ends, after the first unit of a span with
    relations, at the edges of a span the other side bounds otherwise. Between two of them
    every unit has the same style, so a row under one long span costs no more than a plain
    one. `units` None: a plain row, one unit per code point."""
    changes = {start}
    for span in marks.spans:
        changes.update((span.start, span.end))
    for match in marks.matches:
        changes.update(match)
    for suggestion in marks.suggestions:
        changes.update((suggestion.start, suggestion.end))
    if marks.selection:
        changes.update(marks.selection)
    cursor = marks.cursor
    if units is None:
        if start <= cursor < end:
            changes.update((cursor, cursor + 1))
    else:
        cursor_unit = next((unit for unit in units if unit.start <= cursor < unit.end), None)
        if cursor_unit is not None:
            changes.update((cursor_unit.start, cursor_unit.end))
    related = marks.related
    if related is not None:  # a span with relations is marked on its first unit only
        firsts = {span.start for span in marks.spans
                  if start <= span.start < end and related(span.uid)}
        if units is None:
            changes.update(first + 1 for first in firsts)
        elif firsts:
            changes.update(unit.end for unit in units if unit.start in firsts)
    if marks.disagreements:  # other boundaries: marked on a span's first and last cells
        changes.update(_edge_points(marks.spans, marks.disagreements, units))
    return sorted(point for point in changes if start <= point <= end)


# What a painter returns: the row's segments, the offset after the last unit drawn (the
# units from there on hang past the edge), and the column of that unit (None: none drawn).
Painted = tuple[list[Segment], int, int | None]


def _paint_units(text: str, start: int, units: list[RowUnit], width: int,
                 change_points: list[int], marks: Marks, palette: Palette,
                 label_style: LabelStyles) -> Painted:
    """The row a unit at a time: any text (tabs, wide or combining characters, controls,
    label chips inserted after units)."""
    next_change_index = 0
    segments: list[Segment] = []
    run_text: list[str] = []
    run_style: Style | None = None
    style = palette.base
    shown_end, last_column = start, None
    for unit in units:
        if unit.column >= width:
            break  # spaces hanging past the edge (the wrap lets only those hang)
        if (next_change_index < len(change_points)
                and unit.start >= change_points[next_change_index]):
            while (next_change_index < len(change_points)
                   and unit.start >= change_points[next_change_index]):
                next_change_index += 1
            style = _style_at(unit.start, unit.end, marks, palette, label_style)
        if style != run_style and run_text:
            segments.append(Segment("".join(run_text), run_style))
            run_text = []
        run_style = style
        if unit.column + unit.cells > width:  # a tab hanging over the edge
            run_text.append(" " * (width - unit.column))
        else:
            run_text.append(display_text(text, unit))
        if unit.after:
            if run_text:
                segments.append(Segment("".join(run_text), run_style))
                run_text = []
            segments.extend(_after(unit, marks, palette.base))
        shown_end, last_column = unit.end, unit.column
    if run_text:
        segments.append(Segment("".join(run_text), run_style))
    return segments, shown_end, last_column


def _paint_plain(text: str, start: int, end: int, width: int, change_points: list[int],
                 marks: Marks, palette: Palette, label_style: LabelStyles) -> Painted:
    """A plain row a run at a time: every code point is a unit of one cell drawn as
    itself, so the run between two change points is one slice of `text`."""
    shown_end = min(end, start + max(width, 0))  # what hangs past the edge is spaces
    segments: list[Segment] = []
    run_start = start
    run_style: Style | None = None
    for point in (start, *(point for point in change_points if start < point < shown_end)):
        style = _style_at(point, point + 1, marks, palette, label_style)
        if style != run_style and point > run_start:
            segments.append(Segment(text[run_start:point], run_style))
            run_start = point
        run_style = style
    if shown_end > run_start:
        segments.append(Segment(text[run_start:shown_end], run_style))
    return segments, shown_end, (shown_end - start - 1 if shown_end > start else None)


def _after(unit: RowUnit, marks: Marks, base: Style) -> list[Segment]:
    """The cells after `unit` (its label chips), exactly `unit.after` of them."""
    pieces = marks.after(unit.start, unit.end) if marks.after is not None else ()
    strip = Strip([Segment(text, base + style) for text, style in pieces])
    return list(strip.crop_extend(0, unit.after, base))


def _style_at(offset: int, unit_end: int, marks: Marks, palette: Palette,
              label_style: LabelStyles) -> Style:
    """The style of the unit [offset, unit_end): label, overlap, disagreement, search match,
    selection and cursor, in that order of precedence (later wins)."""
    style = palette.base
    covering = [s for s in marks.spans if s.start <= offset < s.end]
    if covering:
        top, below = _layers(covering)
        others = top.own and any(not s.own for s in covering)
        style += label_style(top.label, top.own, below.label if below else None,
                             below.own if below else True, others)
        if marks.disagreements:
            style += _disagreement_style(covering, offset, unit_end, marks.disagreements,
                                         palette)
        head = marks.relation_head
        if head is not None and any(s.uid == head for s in covering):
            style += palette.relation_head
        elif marks.related is not None and any(
                s.start == offset and marks.related(s.uid) for s in covering):
            style += palette.related
    if marks.suggestions:
        suggested = [s for s in marks.suggestions if s.start <= offset < s.end]
        if suggested:  # the innermost shows: the status line names them all
            inner = min(suggested, key=lambda s: (s.end - s.start, s.label))
            behind = style.bgcolor if covering else None
            style += label_style.suggested(
                inner.label, Color.from_rich_color(behind) if behind is not None else None)
    for match in marks.matches:
        if match.start <= offset < match.end:
            style += palette.current_match if match == marks.current_match else palette.match
            break
    # The selection and the cursor set both colours: a mark drawn reversed (a related span's
    # first cell, a disagreement) must not swap them back, or the cursor vanishes there;
    # nor may a suggestion's dim fade them.
    if marks.selection and marks.selection[0] <= offset < marks.selection[1]:
        style += palette.selection + _NOT_REVERSED
    if offset <= marks.cursor < unit_end:
        style += palette.cursor + _NOT_REVERSED
    return style


_NOT_REVERSED = Style(reverse=False, dim=False)


def _edge_points(spans: Sequence[Span], found: Mapping[str, Disagreement],
                 units: list[RowUnit] | None) -> set[int]:
    """Where the style changes for spans whose boundaries the other side draws otherwise:
    after their first unit and before their last (`units` None: one per code point)."""
    points: set[int] = set()
    for span in spans:
        disagreement = found.get(span.uid)
        if disagreement is None or disagreement.kind is not Kind.OTHER_BOUNDARIES:
            continue
        if units is None:
            points.update((span.start + 1, span.end - 1))
            continue
        for unit in units:
            if unit.start == span.start:
                points.add(unit.end)
            if unit.start < span.end <= unit.end:
                points.add(unit.start)
    return points


def _disagreement_style(covering: list[Span], offset: int, unit_end: int,
                        found: Mapping[str, Disagreement], palette: Palette) -> Style:
    """The marks of the kinds of disagreement over the unit [offset, unit_end)."""
    style = Style()
    for span in covering:
        disagreement = found.get(span.uid)
        if disagreement is None:
            continue
        if disagreement.kind is Kind.MISSING:
            style += palette.missing
        elif disagreement.kind is Kind.OTHER_LABEL:
            style += palette.other_label
        elif offset == span.start or unit_end >= span.end:
            style += palette.other_boundaries
    return style


def _layers(covering: list[Span]) -> tuple[Span, Span | None]:
    """The two spans a cell shows: the innermost (shortest; one's own first; of equal
    lengths the later-starting, so where a crossing span begins shows) and the next one
    out. Another annotator's span equal to one's own (same start, end and label) is the
    same layer: agreement is not an overlap."""
    if len(covering) == 1:
        return covering[0], None
    ordered = sorted(covering, key=lambda s: (not s.own, s.end - s.start, -s.start, s.label))
    top = ordered[0]
    seen = {(top.start, top.end, top.label)}
    for span in ordered[1:]:
        if (span.start, span.end, span.label) not in seen:
            return top, span
    return top, None


__all__ = ["LabelStyles", "Marks", "Palette", "paint_row"]
