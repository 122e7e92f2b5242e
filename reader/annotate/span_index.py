"""Find the spans that touch a range of text in O(log n + k), for drawing only what is on
screen however many annotations a document carries."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
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


@dataclass(slots=True)
class _Group:
    """Spans of similar length, in index order, and the longest length among them."""

    longest: int
    starts: list[int]
    spans: list[Span]


def _group_of(span: Span) -> int:
    """Lengths 1, 2-7, 8-31, 32-127, ...: powers of four."""
    return (span.end - span.start).bit_length() >> 1


def _remove(spans: list[Span], starts: list[int], span: Span) -> bool:
    """Take out the span equal to `span` on start, end, label and uid, if there is one."""
    key = span[:4]
    index = bisect_left(spans, key)  # a 4-tuple sorts before the spans that extend it
    if index < len(spans) and spans[index][:4] == key:
        del spans[index]
        del starts[index]
        return True
    return False


def _insert(spans: list[Span], starts: list[int], span: Span) -> None:
    index = bisect_right(spans, span)
    spans.insert(index, span)
    starts.insert(index, span.start)


REBUILD_ABOVE = 64  # spans changed at once above which `changed` sorts anew


def _identity(span: Span) -> tuple[int, int, str, str]:
    return span.start, span.end, span.label, span.uid


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
            groups.setdefault(_group_of(span), []).append(span)
        self._groups = {
            key: _Group(max(span.end - span.start for span in group),
                        [span.start for span in group], group)
            for key, group in groups.items()
        }

    def changed(self, removed: Iterable[Span] = (), added: Iterable[Span] = ()) -> SpanIndex:
        """A new index without `removed` (matched on start, end, label and uid) and with
        `added`, for one annotation operation: list copies and bisects, not a rebuild.
        The groups it does not touch are shared with this index, which stays as it was.
        A change of many spans at once (`*`, accepting every suggestion, their undo) sorts
        anew instead: one list insertion per span would cost the square of their number."""
        removed, added = list(removed), list(added)
        if len(removed) + len(added) > REBUILD_ABOVE:
            gone = {_identity(span) for span in removed}
            return SpanIndex([*(span for span in self.spans if _identity(span) not in gone),
                              *added])
        result = SpanIndex.__new__(SpanIndex)
        result.spans, result._starts = list(self.spans), list(self._starts)
        result._groups = dict(self._groups)
        copied: set[int] = set()

        def group_for(span: Span) -> _Group:
            key = _group_of(span)
            if key not in copied:
                copied.add(key)
                old = result._groups.get(key)
                result._groups[key] = (_Group(old.longest, list(old.starts), list(old.spans))
                                       if old else _Group(0, [], []))
            return result._groups[key]

        for span in removed:
            if _remove(result.spans, result._starts, span):
                group = group_for(span)
                _remove(group.spans, group.starts, span)  # `longest` stays an upper bound
        for span in added:
            _insert(result.spans, result._starts, span)
            group = group_for(span)
            _insert(group.spans, group.starts, span)
            group.longest = max(group.longest, span.end - span.start)
        return result

    def __len__(self) -> int:
        return len(self.spans)

    def __iter__(self) -> Iterator[Span]:
        return iter(self.spans)

    def overlapping(self, start: int, end: int) -> list[Span]:
        """Spans with at least one code point in [start, end), in index order."""
        found: list[Span] = []
        for group in self._groups.values():
            low = bisect_left(group.starts, start - group.longest + 1)
            high = bisect_left(group.starts, end, low)
            found.extend(span for span in group.spans[low:high] if span.end > start)
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
