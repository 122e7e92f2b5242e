"""The live learned source (`reader open --suggest`) kept up to date edit by edit: the same
suggestions as learning everything again, with only the changed span texts searched, and
a result an edit overtook never shown."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reader.suggest.learned as learned
from reader.suggest.learned import Learned, Learning, learn
from reader.suggest.record import LEARNED
from reader.suggest.sources import learned_source, suggest_all

TEXT = ("Ararat Mirzoyan met Sergey Lavrov. Mirzoyan and Lavrov spoke of the CSTO; the CSTO"
        " and Mirzoyan. Ararat Mirzoyan left.")


def full(text: str, counts: Counter[tuple[str, str]]) -> Learned:
    state = learn(text, 7, [(phrase, label, n) for (phrase, label), n in counts.items()])
    assert state is not None
    return state


def shown(state: Learned) -> list[tuple[str, str]]:
    return [(state.text[s.start:s.end], s.label) for s in state.suggestions]


@pytest.fixture
def searched(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The span texts searched for in the text, in order."""
    calls: list[str] = []
    original = learned.occurrences_of

    def counting(text: str, phrase: str) -> learned.Occurrences:
        calls.append(phrase)
        return original(text, phrase)

    monkeypatch.setattr(learned, "occurrences_of", counting)
    return calls


def test_a_change_searches_only_the_span_text_it_changed(searched: list[str]) -> None:
    state = full(TEXT, Counter({("Mirzoyan", "actor"): 2, ("CSTO", "topic"): 1}))
    assert sorted(searched) == ["CSTO", "Mirzoyan"]
    searched.clear()
    state = state.changed({("Sergey Lavrov", "actor"): 1})
    assert searched == ["Sergey Lavrov"]
    assert ("Sergey Lavrov", "actor") in shown(state)
    searched.clear()
    state = state.changed({("Sergey Lavrov", "actor"): -1})  # deleted: nothing to search
    state = state.changed({("Sergey Lavrov", "actor"): 1})  # tagged again: known already
    state = state.changed({("CSTO", "actor"): 2})  # another label wins: nothing to search
    assert searched == []
    assert shown(state).count(("CSTO", "actor")) == 2
    assert shown(state).count(("Mirzoyan", "actor")) == 4


def test_longest_then_leftmost_as_phrase_matching_chooses() -> None:
    state = full(TEXT, Counter({("Mirzoyan", "actor"): 1}))
    assert shown(state).count(("Mirzoyan", "actor")) == 4
    state = state.changed({("Ararat Mirzoyan", "topic"): 1})
    assert shown(state) == [("Ararat Mirzoyan", "topic"), ("Mirzoyan", "actor"),
                            ("Mirzoyan", "actor"), ("Ararat Mirzoyan", "topic")]
    assert {s.source for s in state.suggestions} == {LEARNED}
    assert all(s.doc == 7 for s in state.suggestions)


WORDS = ["Ana", "Ana de", "de Armas", "Ana de Armas", "de", "Armas", "x"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([*WORDS, ".", " ", "  ", "\r\n"]), max_size=40).map(" ".join),
       st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(["a", "b"]),
                          st.sampled_from([1, 1, 2, -1])), max_size=12))
def test_edits_give_what_learning_everything_again_gives(
        text: str, edits: list[tuple[str, str, int]]) -> None:
    counts: Counter[tuple[str, str]] = Counter()
    state = full(text, counts)
    for phrase, label, count in edits:
        count = max(count, -counts[phrase, label])  # never fewer than no spans
        counts[phrase, label] += count
        state = state.changed({(phrase, label): count})
        again = full(text, +counts)
        assert state.suggestions == again.suggestions
        assert state.labels == again.labels
    rows = [(phrase, label, n) for (phrase, label), n in (+counts).items()]
    assert list(state.suggestions) == suggest_all([learned_source(rows)], text, 7)
    for suggestion in state.suggestions:
        assert text[suggestion.start:suggestion.end] in WORDS


def test_a_result_an_edit_overtook_is_dropped() -> None:
    learning = Learning(TEXT, 1)
    learning.restart([("Mirzoyan", "actor", 1)])
    first = learning.job()
    assert first is not None
    assert learning.job() is None  # nothing new since: no second run
    learning.note({("CSTO", "topic"): 1})
    second = learning.job()
    assert second is not None
    run, work = first
    old = work(lambda: False)
    assert old is not None and not learning.take(run, old)
    assert learning.shown is None
    run, work = second
    new = work(lambda: False)
    assert new is not None and learning.take(run, new)
    assert {label for _, label in shown(new)} == {"actor", "topic"}
    learning.note({("Lavrov", "actor"): 1})
    third = learning.job()
    assert third is not None
    state = third[1](lambda: False)
    assert state is not None and learning.take(third[0], state)
    assert ("Lavrov", "actor") in shown(state) and ("CSTO", "topic") in shown(state)


def test_a_cancelled_first_run_stops_between_span_texts(searched: list[str]) -> None:
    learning = Learning(TEXT, 1)
    learning.restart([("Mirzoyan", "actor", 1), ("CSTO", "topic", 1)])
    planned = learning.job()
    assert planned is not None
    assert planned[1](lambda: True) is None
    assert searched == []


def test_many_span_texts_are_found_at_once_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first run on many span texts cuts the text into units once instead of
    searching for each: the same occurrences, so later edits merge with them alike."""
    counts = Counter({("Mirzoyan", "actor"): 1, ("Ararat Mirzoyan", "topic"): 1,
                      ("CSTO", "topic"): 1, ("the CSTO", "actor"): 1, ("Lavrov", "x"): 1})
    one_by_one = full(TEXT, counts)
    monkeypatch.setattr(learned, "FEW", 0)
    at_once = full(TEXT, counts)
    assert at_once.suggestions == one_by_one.suggestions
    assert at_once.found == one_by_one.found
    assert at_once.changed({("Sergey Lavrov", "actor"): 1}).suggestions == \
        one_by_one.changed({("Sergey Lavrov", "actor"): 1}).suggestions
