"""Disagreements between the current annotator and the others."""

from reader.annotate.compare import disagreements
from reader.annotate.span_index import Span


def test_exact_matches_agree_and_everything_else_disagrees() -> None:
    mine_same = Span(0, 5, "actor", "a", "me", own=True)
    theirs_same = Span(0, 5, "actor", "b", "bo", own=False)
    theirs_other_label = Span(10, 15, "topic", "c", "bo", own=False)
    mine_only = Span(20, 25, "actor", "d", "me", own=True)
    mine_shifted = Span(10, 14, "topic", "e", "me", own=True)
    found = disagreements([mine_same, theirs_same, theirs_other_label, mine_only, mine_shifted])
    assert found == [mine_shifted, theirs_other_label, mine_only]


def test_no_other_annotator_means_every_own_span_is_unconfirmed() -> None:
    spans = [Span(0, 1, "actor", own=True)]
    assert disagreements(spans) == spans
    assert disagreements([]) == []
