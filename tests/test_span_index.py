"""The span index finds exactly what a full scan finds."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from reader.annotate.span_index import Span, SpanIndex

spans_strategy = st.lists(
    st.tuples(st.integers(0, 200), st.integers(1, 60), st.sampled_from(["actor", "topic"])).map(
        lambda t: Span(t[0], t[0] + t[1], t[2])
    ),
    max_size=60,
)


@given(spans_strategy, st.integers(0, 260), st.integers(1, 40))
def test_overlapping_matches_a_full_scan(spans: list[Span], start: int, length: int) -> None:
    index = SpanIndex(spans)
    end = start + length
    expected = sorted((s for s in spans if s.start < end and s.end > start),
                      key=lambda s: (s.start, s.end, s.label, s.uid))
    assert index.overlapping(start, end) == expected


@given(spans_strategy, st.integers(0, 260))
def test_neighbours(spans: list[Span], offset: int) -> None:
    index = SpanIndex(spans)
    after = [s for s in index.spans if s.start > offset]
    before = [s for s in index.spans if s.start < offset]
    assert index.next_after(offset) == (after[0] if after else None)
    assert index.previous_before(offset) == (before[-1] if before else None)
    assert all(s.start <= offset < s.end for s in index.at(offset))
