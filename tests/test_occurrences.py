"""`*` (annotate all occurrences): the matching, exact to the code point, whole words, never
inside a character; property tests against a plain reference and the pieces that break
offsets elsewhere (CRLF, CJK, emoji sequences, flags, combining marks)."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.text.occurrences import (
    find_occurrences,
    is_edge,
    splits_character,
    untagged_occurrences,
)
from tests.strategies import TRICKY_PIECES, tricky_text


def found(text: str, needle: str, whole_word: bool = True) -> list[str]:
    return [text[s:e] + f"@{s}" for s, e in find_occurrences(text, needle,
                                                              whole_word=whole_word)]


def test_whole_words_only_by_default() -> None:
    text = "Lavrov met Lavrovsky; Lavrov's aide, (Lavrov), _Lavrov, Lavrov2"
    assert found(text, "Lavrov") == ["Lavrov@0", "Lavrov@22", "Lavrov@38"]
    assert len(found(text, "Lavrov", whole_word=False)) == 6


def test_never_inside_a_character() -> None:
    assert found("cafe\u0301 cafe", "cafe") == ["cafe@6"]  # not the decomposed café
    assert found("👩\u200d💻 👩", "👩") == ["👩@4"]  # not inside the ZWJ sequence
    assert found("👍🏽 👍", "👍") == ["👍@3"]  # not before a skin-tone modifier
    assert found("🇦🇲🇦🇲", "🇲🇦", whole_word=False) == []  # across two flags
    assert found("🇦🇲🇦🇲", "🇦🇲") == ["🇦🇲@0", "🇦🇲@2"]
    assert found("a\r\nb", "a\r", whole_word=False) == []  # CR LF stay together
    assert found("x\r\ny\r\ny", "y") == ["y@3", "y@6"]


def test_scripts_without_spaces_match_on_characters() -> None:
    assert found("在東京工作，東京都", "東京") == ["東京@1", "東京@6"]
    assert found("東京に住むTokyo", "Tokyo") == ["Tokyo@5"]
    assert found("서울에서 서울", "서울") == ["서울@0", "서울@5"]
    assert found("ภาษาไทย ภาษา", "ภาษา") == ["ภาษา@0", "ภาษา@8"]


def test_untagged_skips_spans_of_the_label_and_nesting() -> None:
    text = "Ararat Mirzoyan met Mirzoyan; Ararat Mirzoyan. Mirzoyan"
    tagged = [(0, 15), (30, 45)]  # both "Ararat Mirzoyan" spans
    assert untagged_occurrences(text, 20, 28, sorted([(20, 28), *tagged])) == [(47, 55)]
    assert untagged_occurrences(text, 0, 15, [(0, 15)]) == [(30, 45)]


def reference(text: str, needle: str, whole_word: bool) -> list[tuple[int, int]]:
    """Every start tried in turn, leftmost first, not overlapping: what `find` must equal."""
    result: list[tuple[int, int]] = []
    position = 0
    while needle and position + len(needle) <= len(text):
        end = position + len(needle)
        if (text[position:end] == needle and is_edge(text, position, whole_word=whole_word)
                and is_edge(text, end, whole_word=whole_word)):
            result.append((position, end))
            position = end
        else:
            position += 1
    return result


@st.composite
def text_and_slice(draw: st.DrawFn) -> tuple[str, int, int]:
    """A tricky text repeated with pieces between, and one slice of it as the needle."""
    unit = draw(tricky_text)
    glue = draw(st.lists(st.sampled_from([*TRICKY_PIECES, " ", ""]), min_size=1, max_size=4))
    text = unit.join(glue) + unit
    start = draw(st.integers(0, max(len(text) - 1, 0)))
    end = draw(st.integers(min(start + 1, len(text)), min(len(text), start + 12)))
    return text, start, end


@settings(max_examples=400, deadline=None)
@given(text_and_slice(), st.booleans())
def test_every_occurrence_slices_its_text_exactly(case: tuple[str, int, int],
                                                  whole_word: bool) -> None:
    text, start, end = case
    needle = text[start:end]
    matches = list(find_occurrences(text, needle, whole_word=whole_word))
    assert matches == reference(text, needle, whole_word)
    for low, high in matches:
        assert text[low:high] == needle
        assert not splits_character(text, low) and not splits_character(text, high)
    assert all(a[1] <= b[0] for a, b in pairwise(matches))


@settings(max_examples=300, deadline=None)
@given(text_and_slice(), st.lists(st.tuples(st.integers(0, 60), st.integers(1, 8)),
                                  max_size=6))
def test_untagged_never_overlaps_what_has_the_label(case: tuple[str, int, int],
                                                    raw: list[tuple[int, int]]) -> None:
    text, start, end = case
    taken = sorted({(start, end), *((low, min(low + size, len(text))) for low, size in raw
                                    if low < len(text))})
    new = untagged_occurrences(text, start, end, taken)
    every = list(find_occurrences(text, text[start:end]))
    assert set(new) <= set(every)
    for low, high in new:
        assert text[low:high] == text[start:end]
        assert not any(s < high and low < e for s, e in taken)
    assert [m for m in every if not any(s < m[1] and m[0] < e for s, e in taken)] == new
