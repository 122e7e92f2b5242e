"""The assignment plan's promises (issue 14), as properties of the pure function: every
document placed, the overlap share within one document of its target, distinct annotators,
the same plan whatever order things come in, earlier assignments kept when documents are
added, caps respected, load balanced."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.team.assign import AssignOptions, AssignPlan, overlap_target, plan_assignments

hashes = st.text(alphabet="0123456789abcdef", min_size=12, max_size=12)
corpora = st.sets(hashes, max_size=80)
names = st.lists(st.sampled_from(["alice", "bob", "carol", "dan", "eve", "fay", "gus"]),
                 min_size=1, max_size=7, unique=True)


@st.composite
def options(draw: st.DrawFn, capped: bool = False) -> AssignOptions:
    annotators = tuple(draw(names))
    overlap = draw(st.sampled_from([0.0, 0.1, 0.2, 0.25, 1 / 3, 0.5, 1.0])) \
        if len(annotators) > 1 else 0.0
    per_doc = draw(st.integers(2, max(2, len(annotators))))
    cap = draw(st.integers(1, 40)) if capped else None
    return AssignOptions(annotators, overlap, per_doc, draw(st.integers(0, 3)), cap)


def loads(assigned: Mapping[str, Sequence[str]]) -> Counter[str]:
    return Counter(name for names in assigned.values() for name in names)


def check_people(plan: AssignPlan, chosen: AssignOptions) -> None:
    """Distinct annotators, from the list; one per document outside the sample, per_doc in
    it."""
    for key in plan.new:
        people = plan.assigned[key]
        assert len(set(people)) == len(people)
        assert set(people) <= set(chosen.annotators)
        assert len(people) in {1, chosen.per_doc}


def check_shape(plan: AssignPlan, chosen: AssignOptions) -> None:
    """As check_people, and the sample within one document of its share of what is
    assigned."""
    check_people(plan, chosen)
    target = chosen.overlap * len(plan.assigned)
    assert abs(plan.overlap_count - target) <= 1


@given(corpora, options())
def test_every_document_gets_distinct_annotators_and_the_sample_is_on_target(
        documents: set[str], chosen: AssignOptions) -> None:
    plan = plan_assignments(documents, {}, chosen)
    assert set(plan.assigned) == documents and plan.new == documents
    assert plan.unassigned == ()
    check_shape(plan, chosen)
    assert plan.overlap_count == overlap_target(chosen.overlap, len(documents))


@given(corpora, options(), st.randoms(use_true_random=False))
def test_the_plan_depends_on_hashes_and_seed_not_on_order(
        documents: set[str], chosen: AssignOptions, shuffler: random.Random) -> None:
    plan = plan_assignments(sorted(documents), {}, chosen)
    shuffled = sorted(documents)
    shuffler.shuffle(shuffled)
    people = list(chosen.annotators)
    shuffler.shuffle(people)
    reordered = AssignOptions(tuple(people), chosen.overlap, chosen.per_doc, chosen.seed,
                              chosen.cap)
    again = plan_assignments(shuffled, {}, reordered)
    assert {key: set(names) for key, names in again.assigned.items()} == \
        {key: set(names) for key, names in plan.assigned.items()}
    assert plan_assignments(sorted(documents), {}, chosen) == plan


@given(corpora, options())
def test_load_is_balanced_within_one_document(documents: set[str],
                                              chosen: AssignOptions) -> None:
    counts = loads(plan_assignments(documents, {}, chosen).assigned)
    spread = [counts[name] for name in chosen.annotators]
    assert max(spread) - min(spread) <= 1


@given(corpora, corpora, options(), st.integers(0, 1))
def test_adding_documents_keeps_earlier_assignments(
        first: set[str], added: set[str], chosen: AssignOptions, newcomer: int) -> None:
    """Run, add documents (and maybe an annotator), run again: every earlier row is as it
    was, the new ones have the same shape, the sample is still on target, and the new
    documents go to whoever had least, so the spread does not grow."""
    before = plan_assignments(first, {}, chosen)
    team = chosen.annotators + (("zoe",) if newcomer else ())
    later = AssignOptions(team, chosen.overlap, chosen.per_doc, chosen.seed, chosen.cap)
    after = plan_assignments(first | added, before.assigned, later)
    assert {key: after.assigned[key] for key in before.assigned} == before.assigned
    assert after.new == (first | added) - first
    check_shape(after, later)
    if not newcomer:
        counts = loads(after.assigned)
        spread = [counts[name] for name in team]
        assert max(spread) - min(spread) <= 1


@given(corpora, options(capped=True), st.dictionaries(hashes, names, max_size=20))
def test_caps_are_never_exceeded_and_only_full_caps_leave_documents_out(
        documents: set[str], chosen: AssignOptions,
        earlier: dict[str, list[str]]) -> None:
    """Assignments made earlier count against the cap too (even over it: they stay); the
    documents left out are exactly those a full team could not take, in hash order."""
    assert chosen.cap is not None
    plan = plan_assignments(documents, earlier, chosen)
    counts = loads({**earlier, **{key: plan.assigned[key] for key in plan.new}})
    before = loads(earlier)
    for name in chosen.annotators:
        assert counts[name] <= max(chosen.cap, before[name])
    assert set(plan.assigned) | set(plan.unassigned) == documents
    assert not set(plan.assigned) & set(plan.unassigned)
    if plan.unassigned:
        room = [name for name in chosen.annotators if counts[name] < chosen.cap]
        assert len(room) < (chosen.per_doc if chosen.overlap > 0 else 1)
    check_people(plan, chosen)


@given(corpora, options(capped=True))
def test_what_the_caps_left_out_is_placed_when_room_is_made(
        documents: set[str], chosen: AssignOptions) -> None:
    plan = plan_assignments(documents, {}, chosen)
    roomy = AssignOptions(chosen.annotators, chosen.overlap, chosen.per_doc, chosen.seed)
    later = plan_assignments(documents, plan.assigned, roomy)
    assert set(later.assigned) == documents
    assert later.new == set(plan.unassigned)
    assert abs(later.overlap_count - chosen.overlap * len(documents)) <= 1


def test_the_seed_changes_the_plan_and_hashes_decide_it() -> None:
    documents = [f"{number:012x}" for number in range(40)]
    chosen = AssignOptions(("alice", "bob", "carol"), overlap=0.2, per_doc=2)
    plan = plan_assignments(documents, {}, chosen)
    assert plan.overlap_count == 8
    other = plan_assignments(documents, {}, AssignOptions(("alice", "bob", "carol"), 0.2, 2,
                                                          seed=1))
    assert other.assigned != plan.assigned
    assert sorted(loads(plan.assigned).values()) == [16, 16, 16]


@pytest.mark.parametrize("bad", [
    {"annotators": ()}, {"annotators": ("a", "a")}, {"overlap": 1.5}, {"overlap": -0.1},
    {"overlap": 0.2, "per_doc": 3}, {"overlap": 0.2, "per_doc": 1}, {"cap": 0},
])
def test_impossible_options_are_refused(bad: dict[str, object]) -> None:
    values: dict[str, object] = {"annotators": ("a", "b"), **bad}
    with pytest.raises(ValueError):
        AssignOptions(**values)  # type: ignore[arg-type]


def test_a_sample_kept_from_a_larger_share_is_not_moved() -> None:
    """Earlier rows never move, even when a smaller share is asked later: new documents
    are then single until the sample is back on target."""
    documents = [f"{number:012x}" for number in range(10)]
    wide = plan_assignments(documents[:4], {}, AssignOptions(("a", "b"), 1.0, 2))
    assert wide.overlap_count == 4
    narrow = plan_assignments(documents, wide.assigned, AssignOptions(("a", "b"), 0.2, 2))
    assert narrow.overlap_count == 4
