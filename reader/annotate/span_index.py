"""Find the spans that touch a range of text in O(log n + k), for drawing only what is on
screen however many annotations a document carries."""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable
from typing import NamedTuple


class Span(NamedTuple):
    """What the view needs to draw an annotation.

    A named tuple rather than a dataclass: a document can carry tens of thousands, built at
    every open, and a tuple is made in half the time and sorts by plain comparison. Its
    field order is the index's sort order: start, end, label, uid."""

    start: int
    end: int
    label: str
    uid: str = ""
    annotator: str = ""
    note: str = ""
    own: bool = True  # False: another annotator's span, shown in compare mode


class SpanIndex:
    """Spans sorted by start, grouped by length.

    Within a group whose longest span has length L, the spans that overlap [a, b) all start
    in [a - L + 1, b): two bisects on the group's starts find that window, and only the
    window is scanned. Lengths are grouped by powers of four, so a window holds few spans
    that end before a, and one span over the whole text costs one check per row instead of
    stretching every row's window back to the start of the text."""

    def __init__(self, spans: Iterable[Span] = ()) -> None:
        # Plain tuple order: (start, end, label, uid), then the other fields, which only
        # decide between spans equal on all four.
        self._set(sorted(spans))

    def _set(self, ordered: list[Span]) -> None:
        self.spans = ordered
        self._starts = [span.start for span in ordered]
        groups: dict[int, list[Span]] = {}
        for span in ordered:
            groups.setdefault((span.end - span.start).bit_length() >> 1, []).append(span)
        self._groups = [
            (max(span.end - span.start for span in group), [span.start for span in group], group)
            for group in groups.values()
        ]

    def changed(self, removed: Iterable[Span] = (), added: Iterable[Span] = ()) -> SpanIndex:
        """A new index without `removed` (matched on start, end, label and uid) and with
        `added`: one annotation operation costs list copies, not a re-sort of every span."""
        ordered = list(self.spans)
        for span in removed:
            key = span[:4]
            index = bisect_left(ordered, key)  # a 4-tuple sorts before its 7-tuple extensions
            if index < len(ordered) and ordered[index][:4] == key:
                del ordered[index]
        for span in added:
            insort(ordered, span)
        result = SpanIndex.__new__(SpanIndex)
        result._set(ordered)
        return result

    def __len__(self) -> int:
        return len(self.spans)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.spans)

    def overlapping(self, start: int, end: int) -> list[Span]:
        """Spans with at least one code point in [start, end), in index order."""
        found: list[Span] = []
        for longest, starts, group in self._groups:
            low = bisect_left(starts, start - longest + 1)
            high = bisect_left(starts, end, low)
            found.extend(span for span in group[low:high] if span.end > start)
        if len(self._groups) > 1:
            found.sort()
        return found

    def at(self, offset: int) -> list[Span]:
        """Spans covering the code point at `offset`, innermost (shortest) first."""
        found = self.overlapping(offset, offset + 1)
        return sorted(found, key=lambda s: (s.end - s.start, s.start, s.label))

    def next_after(self, offset: int) -> Span | None:
        """The first span starting after `offset`."""
        index = bisect_right(self._starts, offset)
        return self.spans[index] if index < len(self.spans) else None

    def previous_before(self, offset: int) -> Span | None:
        """The last span starting before `offset`."""
        index = bisect_left(self._starts, offset)
        return self.spans[index - 1] if index > 0 else None
