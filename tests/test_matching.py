"""The one matcher (`reader.text.matching`) behind `*`, the learned source, pattern files
and gazetteers: exact to the code point, whole words, never inside a character, Korean
words found before their particles; `str.find` for one phrase and the trie for many find
the same; property tests against brute force and against the `regex` module's grapheme
clusters, across CRLF, CJK, combining marks, emoji ZWJ sequences and flags."""

from __future__ import annotations

from itertools import pairwise

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.text.matching import (
    PhraseIndex,
    find_occurrences,
    is_end,
    is_start,
    leftmost_longest,
    splits_character,
    unit_pattern,
    units,
    untagged_occurrences,
    windows,
)
from tests.strategies import TRICKY_PIECES, tricky_text

# Pieces that end or split graphemes in unusual ways, besides TRICKY_PIECES.
GRAPHEME_PIECES = ["क्षि", "กำ", "ｶﾞ", "\u0600١", "\u1112\u1161\u11ab", "서울에서", "🇦🇲🇦",
                   "a\u0301\u0302", "👍🏽", "#️⃣", "\u200c", "ᄀ가"]
hard_text = st.lists(st.one_of(tricky_text, st.sampled_from(GRAPHEME_PIECES)),
                     max_size=6).map("".join)


def found(text: str, needle: str, whole_word: bool = True) -> list[str]:
    return [text[s:e] + f"@{s}" for s, e in find_occurrences(text, needle,
                                                              whole_word=whole_word)]


def by_trie(phrases: list[tuple[str, str]], text: str,
            size: int = 0) -> list[tuple[int, int, str]]:
    """What the trie finds, however few the phrases (`find` would use `str.find`)."""
    index = PhraseIndex(phrases)
    every = [hit for window in windows(text, index.longest, size)
             for hit in index.in_window(window)]
    return [(start, end, index.labels[phrase]) for start, end, phrase in
            leftmost_longest(every)]


def by_find(phrases: list[tuple[str, str]], text: str) -> list[tuple[int, int, str]]:
    return [(match.start, match.end, match.label)
            for match in PhraseIndex(phrases).find(text)]


def both(phrases: list[tuple[str, str]], text: str) -> list[tuple[int, int, str]]:
    """The matches, the same whichever way they are found."""
    trie = by_trie(phrases, text)
    assert by_find(phrases, text) == trie
    return trie


# --- one phrase (`*`) ------------------------------------------------------------------------

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
    assert found("क्षि क", "क", whole_word=False) == ["क@5"]  # not the conjunct's first half
    assert found("กำ ก", "ก") == ["ก@3"]  # Thai sara am belongs to the consonant
    assert found("ｶﾞ ｶ", "ｶ") == ["ｶ@3"]  # nor a halfwidth voiced mark


def test_scripts_without_spaces_match_on_characters() -> None:
    assert found("在東京工作，東京都", "東京") == ["東京@1", "東京@6"]
    assert found("東京に住むTokyo", "Tokyo") == ["Tokyo@5"]
    assert found("ภาษาไทย ภาษา", "ภาษา") == ["ภาษา@0", "ภาษา@8"]


def test_korean_words_are_found_before_their_particles_not_inside_a_word() -> None:
    text = "서울에서 서울은 남서울 서울 CSTO는"
    assert found(text, "서울") == ["서울@0", "서울@5", "서울@13"]
    assert found(text, "서울", whole_word=False) == ["서울@0", "서울@5", "서울@10", "서울@13"]
    assert found(text, "CSTO") == ["CSTO@16"]
    assert both([("서울", "place"), ("CSTO", "actor")], text) == [
        (0, 2, "place"), (5, 7, "place"), (13, 15, "place"), (16, 20, "actor")]


def test_untagged_skips_spans_of_the_label_and_nesting() -> None:
    text = "Ararat Mirzoyan met Mirzoyan; Ararat Mirzoyan. Mirzoyan"
    tagged = [(0, 15), (30, 45)]  # both "Ararat Mirzoyan" spans
    assert untagged_occurrences(text, 20, 28, sorted([(20, 28), *tagged])) == [(47, 55)]
    assert untagged_occurrences(text, 0, 15, [(0, 15)]) == [(30, 45)]


def reference(text: str, needle: str, whole_word: bool,
              overlapping: bool = False) -> list[tuple[int, int]]:
    """Every start tried in turn, leftmost first: what `find_occurrences` must equal."""
    result: list[tuple[int, int]] = []
    position = 0
    while needle and position + len(needle) <= len(text):
        end = position + len(needle)
        if (text[position:end] == needle and is_start(text, position, whole_word=whole_word)
                and is_end(text, end, whole_word=whole_word)):
            result.append((position, end))
            position = position + 1 if overlapping else end
        else:
            position += 1
    return result


@st.composite
def text_and_slice(draw: st.DrawFn) -> tuple[str, int, int]:
    """A tricky text repeated with pieces between, and one slice of it as the needle."""
    unit = draw(hard_text)
    glue = draw(st.lists(st.sampled_from([*TRICKY_PIECES, " ", ""]), min_size=1, max_size=4))
    text = unit.join(glue) + unit
    start = draw(st.integers(0, max(len(text) - 1, 0)))
    end = draw(st.integers(min(start + 1, len(text)), min(len(text), start + 12)))
    return text, start, end


@settings(max_examples=400, deadline=None)
@given(text_and_slice(), st.booleans(), st.booleans())
def test_every_occurrence_slices_its_text_exactly(case: tuple[str, int, int],
                                                  whole_word: bool, overlapping: bool) -> None:
    text, start, end = case
    needle = text[start:end]
    matches = list(find_occurrences(text, needle, whole_word=whole_word,
                                    overlapping=overlapping))
    assert matches == reference(text, needle, whole_word, overlapping)
    for low, high in matches:
        assert text[low:high] == needle
        assert not splits_character(text, low) and not splits_character(text, high)
    if not overlapping:
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


# --- the edges themselves ------------------------------------------------------------------

def grapheme_edges(text: str) -> set[int]:
    """Where one extended grapheme cluster ends and the next begins (the `regex` module's
    `\\X`, Unicode's UAX #29: an oracle written by others)."""
    edges = {0, len(text)}
    edges.update(match.end() for match in regex.finditer(r"\X", text))
    return edges


@settings(max_examples=500, deadline=None)
@given(hard_text)
def test_no_edge_falls_inside_a_grapheme_or_a_word(text: str) -> None:
    """An edge `is_start` / `is_end` allows is a grapheme boundary (even inside words);
    a whole-word edge never falls between two ASCII letters or digits; and next to a
    visible character it falls between two units, so the trie can find what `str.find`
    finds."""
    graphemes = grapheme_edges(text)
    bounds = {edge for match in unit_pattern().finditer(text) for edge in match.span()}
    for index in range(len(text) + 1):
        for edge in (is_start, is_end):
            if edge(text, index, whole_word=False):
                assert index in graphemes, (text, index)
            if edge(text, index):
                assert index in graphemes, (text, index)
                before, after = text[index - 1:index], text[index:index + 1]
                assert not (before.isascii() and before.isalnum()
                            and after.isascii() and after.isalnum())
                if (edge is is_start and after and not after.isspace()) or (
                        edge is is_end and before and not before.isspace()):
                    assert index in bounds, (text, index)


def test_units_are_the_tokenizer_s_but_for_apostrophes_and_korean() -> None:
    assert units("Lavrov's _id 서울에서 東京 e\u0301 👩\u200d💻 🇦🇲") == [
        "Lavrov", "'", "s", "_id", "서", "울", "에", "서", "東", "京", "e\u0301",
        "👩\u200d💻", "🇦🇲"]


# --- many phrases ----------------------------------------------------------------------------

def test_whole_words_only_in_latin_script() -> None:
    text = "Ana ate a banana; Anastasia and Ana."
    assert both([("Ana", "actor")], text) == [(0, 3, "actor"), (32, 35, "actor")]
    assert both([("Lavrov", "actor")], "Lavrovs Lavrov's _Lavrov Lavrov") == [
        (8, 14, "actor"), (25, 31, "actor")]


def test_cjk_matches_on_characters() -> None:
    assert both([("東京", "place")], "東京都の東京タワー") == [(0, 2, "place"), (4, 6, "place")]
    assert both([("京都", "place")], "東京都") == [(1, 3, "place")]


def test_longest_then_leftmost_wins_and_spacing_is_exact() -> None:
    phrases = [("Lavrov", "actor"), ("Sergey Lavrov", "person"), ("Sergey", "x")]
    text = "Sergey Lavrov; Sergey  Lavrov; Sergey\r\nLavrov."
    assert both(phrases, text) == [
        (0, 13, "person"), (15, 21, "x"), (23, 29, "actor"), (31, 37, "x"), (39, 45, "actor")]


def test_crlf_marks_and_emoji_are_not_split() -> None:
    text = "e\u0301dition\r\nedition 👩\u200d👩\u200d👧 👩 🇦🇲 🇦"
    assert both([("e", "x")], text) == []  # the first e carries an accent
    assert both([("edition", "x")], text) == [(10, 17, "x")]
    assert both([("e\u0301dition", "x")], text) == [(0, 8, "x")]
    assert both([("👩", "x")], text) == [(24, 25, "x")]  # not the one inside the family
    assert both([("🇦", "x")], text) == [(29, 30, "x")]  # not half of the flag


def test_a_longer_phrase_is_found_past_a_shorter_one_and_a_dead_end() -> None:
    phrases = [("Ana", "x"), ("Ana de Armas", "y"), ("Ana de Armas Jr", "z"), ("de", "w")]
    assert both(phrases, "Ana de Armas; Ana de Arm; Ana de Armas Jr") == [
        (0, 12, "y"), (14, 17, "x"), (18, 20, "w"), (26, 41, "z")]


def test_a_phrase_listed_twice_keeps_its_first_label_and_blank_ones_are_ignored() -> None:
    index = PhraseIndex([("CSTO", "actor"), ("CSTO", "topic"), ("  ", "actor"), (" EU ", "a")])
    assert len(index) == 2
    assert [(m.start, m.end, m.label) for m in index.find("EU and CSTO")] == [
        (0, 2, "a"), (7, 11, "actor")]


def brute_force(phrases: list[str], text: str) -> list[tuple[int, int]]:
    """Leftmost-longest occurrences of `phrases` with edges `is_start` / `is_end` allow,
    none overlapping, tried at every position."""
    result: list[tuple[int, int]] = []
    free = 0
    for start in range(len(text)):
        if start < free or not is_start(text, start):
            continue
        lengths = [len(phrase) for phrase in phrases if text.startswith(phrase, start)
                   and is_end(text, start + len(phrase))]
        if lengths:
            result.append((start, start + max(lengths)))
            free = start + max(lengths)
    return result


@settings(max_examples=300, deadline=None)
@given(hard_text, st.data())
def test_matches_slice_the_text_exactly_and_miss_nothing(text: str, data: st.DataObject) -> None:
    """Phrases cut from the text (several, often nested: a name and the longer name
    around it) are found exactly where a brute-force search finds them, by the trie (in
    windows of any size) and by `str.find` alike; each occurrence the trie sees is one
    `str.find` sees."""
    edges = [index for index in range(len(text) + 1) if is_start(text, index)]
    phrases = []
    for _ in range(data.draw(st.integers(1, 4))):
        start = data.draw(st.sampled_from(edges)) if edges else 0
        end = data.draw(st.integers(start, min(start + 14, len(text))))
        phrase = text[start:end].strip() or data.draw(st.sampled_from(TRICKY_PIECES)).strip()
        phrases.append(phrase or "x")
    labelled = [(phrase, "label") for phrase in phrases]
    expected = brute_force(list(dict.fromkeys(phrases)), text)
    assert [(start, end) for start, end, _ in both(labelled, text)] == expected
    size = data.draw(st.integers(1, 12))
    assert [(start, end) for start, end, _ in by_trie(labelled, text, size)] == expected
    for start, end, _ in by_trie(labelled, text):
        assert text[start:end] in phrases
    index = PhraseIndex(labelled)
    trie = {hit for window in windows(text, index.longest) for hit in index.in_window(window)}
    assert trie == set(index.every(text))
    assert trie == {(start, end, phrase) for phrase in index.labels
                    for start, end in find_occurrences(text, phrase, overlapping=True)}
