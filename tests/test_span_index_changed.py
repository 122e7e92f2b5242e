"""`SpanIndex.changed` gives the index a full rebuild would give, and long spans do not
slow the lookup of the spans on one row."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from reader.annotate.span_index import REBUILD_ABOVE, Span, SpanIndex

spans_strategy = st.lists(
    st.tuples(st.integers(0, 300), st.integers(1, 400), st.sampled_from(["actor", "topic"]),
              st.integers(0, 30)).map(lambda t: Span(t[0], t[0] + t[1], t[2], f"u{t[3]}")),
    max_size=40,
    unique_by=lambda s: s.uid,
)


@given(spans_strategy, st.data())
def test_changed_equals_a_rebuild(spans: list[Span], data: st.DataObject) -> None:
    index = SpanIndex(spans)
    removed = data.draw(st.lists(st.sampled_from(spans), unique=True)) if spans else []
    added = [Span(s.start + 1, s.end + 2, s.label, s.uid + "-new") for s in removed[:2]]
    changed = index.changed(removed, added)
    rebuilt = SpanIndex([s for s in spans if s not in removed] + added)
    # a second change on top of the first, undoing it
    back = changed.changed(added, removed)
    fresh = SpanIndex(spans)
    assert changed.spans == rebuilt.spans
    assert back.spans == index.spans == fresh.spans  # the old index is left as it was
    for start in range(0, 720, 7):
        assert changed.overlapping(start, start + 11) == rebuilt.overlapping(start, start + 11)
        assert index.overlapping(start, start + 11) == fresh.overlapping(start, start + 11)
        assert back.overlapping(start, start + 11) == fresh.overlapping(start, start + 11)
    for offset in range(0, 720, 13):
        assert changed.next_after(offset) == rebuilt.next_after(offset)
        assert changed.previous_before(offset) == rebuilt.previous_before(offset)


def test_removing_matches_start_end_label_and_uid() -> None:
    same_place = [Span(0, 5, "actor", "a"), Span(0, 5, "actor", "b")]
    index = SpanIndex(same_place).changed([Span(0, 5, "actor", "b", note="stale note")])
    assert index.spans == [same_place[0]]


def test_a_span_over_the_whole_text_does_not_widen_every_row() -> None:
    short = [Span(start, start + 4, "actor", f"s{start}") for start in range(0, 100_000, 10)]
    whole = Span(0, 100_000, "topic", "whole")
    index = SpanIndex([*short, whole])
    group_windows = []
    for group in index._groups.values():
        from bisect import bisect_left

        low = bisect_left(group.starts, 99_000 - group.longest + 1)
        group_windows.append(bisect_left(group.starts, 99_100) - low)
    assert sum(group_windows) <= 12  # the row's ~10 short spans and the whole-text span
    assert index.overlapping(99_000, 99_100)[0] == whole


def test_a_change_of_many_spans_at_once_equals_a_rebuild() -> None:
    """`*` changes thousands at once: past REBUILD_ABOVE the index is sorted anew, with the
    same result (and the old index left as it was)."""
    spans = [Span(i * 3, i * 3 + 2 + i % 5, "actor" if i % 2 else "topic", f"u{i}")
             for i in range(300)]
    index = SpanIndex(spans[:200])
    removed, added = spans[50:150], spans[200:]
    assert len(removed) + len(added) > REBUILD_ABOVE
    changed = index.changed(removed, added)
    rebuilt = SpanIndex(spans[:50] + spans[150:])
    assert changed.spans == rebuilt.spans
    assert index.spans == SpanIndex(spans[:200]).spans
    for start in range(0, 920, 7):
        assert changed.overlapping(start, start + 11) == rebuilt.overlapping(start, start + 11)
