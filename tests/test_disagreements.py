"""Disagreements between the current annotator and the others."""

from reader.annotate.compare import Kind, classify, describe, disagreements, summary
from reader.annotate.span_index import Span, SpanIndex


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


TEXT = "Ararat Mirzoyan met Sergey Lavrov in Moscow on Monday."


def at(phrase: str, label: str, uid: str, who: str = "me") -> Span:
    start = TEXT.index(phrase)
    return Span(start, start + len(phrase), label, uid, who, own=who == "me")


def quoted(span: Span) -> str:
    return f"“{TEXT[span.start:span.end]}”"


def test_each_disagreement_has_its_kind_and_the_spans_it_differs_from() -> None:
    """Same words under another label, the same label over other words, or nothing like it
    on the other side: three kinds, each side classified against the other."""
    mine_relabelled = at("Ararat Mirzoyan", "actor", "m1")
    theirs_relabelled = at("Ararat Mirzoyan", "topic", "b1", "bob")
    mine_long = at("Sergey Lavrov", "actor", "m2")
    theirs_short = at("Lavrov", "actor", "b2", "bob")
    only_bob = at("Moscow", "topic", "b3", "bob")
    agreed = [at("Monday", "topic", "m4"), at("Monday", "topic", "b4", "bob")]
    found = classify(SpanIndex([mine_relabelled, theirs_relabelled, mine_long, theirs_short,
                                only_bob, *agreed]))
    assert {uid: d.kind for uid, d in found.items()} == {
        "m1": Kind.OTHER_LABEL, "b1": Kind.OTHER_LABEL,
        "m2": Kind.OTHER_BOUNDARIES, "b2": Kind.OTHER_BOUNDARIES,
        "b3": Kind.MISSING}
    assert found["m1"].counterparts == (theirs_relabelled,)
    assert found["b2"].counterparts == (mine_long,)
    assert found["b3"].counterparts == ()


def test_the_status_line_says_the_kind_in_words() -> None:
    found = classify(SpanIndex([at("Ararat Mirzoyan", "actor", "m1"),
                                at("Ararat Mirzoyan", "topic", "b1", "bob"),
                                at("Sergey Lavrov", "actor", "m2"),
                                at("Lavrov", "actor", "b2", "bob"),
                                at("Moscow", "topic", "b3", "bob"),
                                at("Monday", "topic", "m4")]))
    assert describe(found["m1"], quoted) == "other label: you actor, bob topic"
    assert describe(found["b1"], quoted) == "other label: bob topic, you actor"
    assert describe(found["m2"], quoted) == "other boundaries: you “Sergey Lavrov”, bob “Lavrov”"
    assert describe(found["b3"], quoted) == "missing: only bob"
    assert describe(found["m4"], quoted) == "missing: only you"
    assert summary(found) == "2 missing, 2 other label, 2 other boundaries"
    assert summary({}) == "no disagreements"
