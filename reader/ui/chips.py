"""Label chips: every span's label names drawn right after its end, brat-style (`t`), so
stacked and crossing spans can be read label by label.

A chip is not text: the layout places its cells after the span's last unit
(`WrappedText` inserts), so it moves what follows and changes the wrap, but never an
offset. The cursor, the selection, the mouse and search keep mapping to exact code points;
a click on a chip lands on the span's last character. One object gives the layout the
chips' widths and the painter their cells, from the same spans, so the two cannot drift."""

from __future__ import annotations

from rich.cells import cell_len
from rich.style import Style

from reader.annotate.span_index import Span, SpanIndex
from reader.text.layout import Inserts, LineIndex
from reader.text.sanitize import safe_line
from reader.ui.paint import LabelStyles

CHIP_NAME_MAX = 16  # cells: a long label name is cut with an ellipsis
EMPTY_LINES_MAX = 8  # a span ending past more empty lines than this gets no chip


class Chips:
    """The chips of one set of spans over one text."""

    def __init__(self, lines: LineIndex, spans: SpanIndex, styles: LabelStyles) -> None:
        self.lines = lines
        self.spans = spans
        self.styles = styles

    def offset_of(self, span: Span) -> int | None:
        """Where the chip of `span` goes: just after its last drawn code point (a line
        break is not drawn, so a span ending on one has its chip where the line's text
        ends). None when nothing of the span is drawn."""
        lines = self.lines
        end = span.end
        line = lines.line_of(end - 1)
        for _ in range(EMPTY_LINES_MAX):
            end = min(end, lines.ends[line])
            if end <= span.start:
                return None
            if end > lines.starts[line]:
                return end
            if line == 0:
                return None
            line -= 1
            end = lines.ends[line]
        return None

    def _ending(self, start: int, end: int) -> dict[int, list[Span]]:
        """The spans whose chips go at offsets in (start, end], by offset."""
        found: dict[int, list[Span]] = {}
        if end <= start:
            return found
        for span in self.spans.overlapping(start, end):
            offset = self.offset_of(span)
            if offset is not None and start < offset <= end:
                found.setdefault(offset, []).append(span)
        return found

    def inserts(self, start: int, end: int) -> Inserts:
        """The cells the chips of the line `[start, end)` take, for the layout."""
        return [(offset, sum(cell_len(text) for text, _style in self._chips(spans)))
                for offset, spans in sorted(self._ending(start, end).items())]

    def cells_after(self, unit_start: int, unit_end: int) -> list[tuple[str, Style]]:
        """What to draw after the unit `[unit_start, unit_end)`: its chips, as (text,
        style) pieces, exactly as many cells as `inserts` counted for it."""
        pieces: list[tuple[str, Style]] = []
        for _offset, spans in sorted(self._ending(unit_start, unit_end).items()):
            pieces.extend(self._chips(spans))
        return pieces

    def _chips(self, spans: list[Span]) -> list[tuple[str, Style]]:
        """`[topic][actor]`: one chip per span ending here, the innermost first; another
        annotator's in italics, as their spans are drawn, but none for a span equal to
        one's own (compare mode: they agree)."""
        ordered = sorted(spans, key=lambda s: (s.end - s.start, not s.own, s.label))
        seen: set[tuple[int, int, str]] = set()
        chips: list[tuple[str, Style]] = []
        for span in ordered:
            if (span.start, span.end, span.label) in seen:
                continue
            seen.add((span.start, span.end, span.label))
            color = self.styles.color(span.label).rich_color
            chips.append((f"[{safe_line(span.label, CHIP_NAME_MAX)}]",
                          Style(color=color, bold=True, italic=not span.own or None)))
        return chips


__all__ = ["Chips"]
