"""Find the spans that touch a range of text in O(log n + k), for drawing only what is on
screen however many annotations a document carries."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate


@dataclass(frozen=True, slots=True)
class Span:
    """What the view needs to draw an annotation."""

    start: int
    end: int
    label: str
    uid: str = ""
    annotator: str = ""
    note: str = ""
    own: bool = True  # False: another annotator's span, shown in compare mode


class SpanIndex:
    """Spans sorted by start, with a running maximum of their ends.

    The spans that overlap [a, b) all start before b (a bisect on starts) and sit at or
    after the first index whose running-max end passes a (a bisect on the running max,
    which never decreases); only that window is scanned."""

    def __init__(self, spans: Iterable[Span] = ()) -> None:
        self.spans = sorted(spans, key=lambda s: (s.start, s.end, s.label, s.uid))
        self._starts = [span.start for span in self.spans]
        self._max_ends = list(accumulate((span.end for span in self.spans), max))

    def __len__(self) -> int:
        return len(self.spans)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.spans)

    def overlapping(self, start: int, end: int) -> list[Span]:
        """Spans with at least one code point in [start, end)."""
        high = bisect_left(self._starts, end)
        low = bisect_right(self._max_ends, start, 0, high)
        return [span for span in self.spans[low:high] if span.end > start]

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
