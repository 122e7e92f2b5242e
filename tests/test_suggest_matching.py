"""Phrase matching for suggestions: whole tokens for Latin script, characters for CJK,
exact code-point offsets whatever the text (CRLF, combining marks, emoji), leftmost then
longest; checked against a brute-force search by hypothesis."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.suggest.matching import TOKEN, PhraseIndex, tokens
from tests.strategies import TRICKY_PIECES, tricky_text


def found(phrases: list[tuple[str, str]], text: str) -> list[tuple[int, int, str]]:
    return [(match.start, match.end, match.label)
            for match in PhraseIndex(phrases).find(text)]


def test_whole_words_only_in_latin_script() -> None:
    text = "Ana ate a banana; Anastasia and Ana."
    assert found([("Ana", "actor")], text) == [(0, 3, "actor"), (32, 35, "actor")]
    assert found([("Lavrov", "actor")], "Lavrovs Lavrov's Lavrov") == [
        (8, 14, "actor"), (17, 23, "actor")]


def test_cjk_matches_on_characters() -> None:
    text = "東京都の東京タワー"
    assert found([("東京", "place")], text) == [(0, 2, "place"), (4, 6, "place")]
    assert found([("京都", "place")], "東京都") == [(1, 3, "place")]


def test_longest_then_leftmost_wins_and_spacing_is_exact() -> None:
    phrases = [("Lavrov", "actor"), ("Sergey Lavrov", "person"), ("Sergey", "x")]
    text = "Sergey Lavrov; Sergey  Lavrov; Sergey\r\nLavrov."
    assert found(phrases, text) == [
        (0, 13, "person"), (15, 21, "x"), (23, 29, "actor"), (31, 37, "x"), (39, 45, "actor")]


def test_crlf_marks_and_emoji_are_not_split() -> None:
    text = "e\u0301dition\r\nedition 👩\u200d👩\u200d👧 👩 🇦🇲 🇦"
    assert found([("e", "x")], text) == []  # the first e carries an accent
    assert found([("edition", "x")], text) == [(10, 17, "x")]
    assert found([("e\u0301dition", "x")], text) == [(0, 8, "x")]
    assert found([("👩", "x")], text) == [(24, 25, "x")]  # not the one inside the family
    assert found([("🇦", "x")], text) == [(29, 30, "x")]  # not half of the flag


def test_a_longer_phrase_is_found_past_a_shorter_one_and_a_dead_end() -> None:
    phrases = [("Ana", "x"), ("Ana de Armas", "y"), ("Ana de Armas Jr", "z"), ("de", "w")]
    assert found(phrases, "Ana de Armas; Ana de Arm; Ana de Armas Jr") == [
        (0, 12, "y"), (14, 17, "x"), (18, 20, "w"), (26, 41, "z")]


def test_a_phrase_listed_twice_keeps_its_first_label_and_blank_ones_are_ignored() -> None:
    index = PhraseIndex([("CSTO", "actor"), ("CSTO", "topic"), ("  ", "actor"), (" EU ", "a")])
    assert len(index) == 2
    assert [(m.start, m.end, m.label) for m in index.find("EU and CSTO")] == [
        (0, 2, "a"), (7, 11, "actor")]


def brute_force(phrases: list[str], text: str) -> list[tuple[int, int]]:
    """Leftmost-longest occurrences of `phrases` starting and ending on token boundaries,
    none overlapping, tried at every token start."""
    bounds = [match.span() for match in TOKEN.finditer(text)]
    ends = {end for _, end in bounds}
    result: list[tuple[int, int]] = []
    free = 0
    for start, _ in bounds:
        if start < free:
            continue
        lengths = [len(phrase) for phrase in phrases
                   if text.startswith(phrase, start) and start + len(phrase) in ends]
        if lengths:
            result.append((start, start + max(lengths)))
            free = start + max(lengths)
    return result


@settings(max_examples=300, deadline=None)
@given(tricky_text, st.data())
def test_matches_slice_the_text_exactly_and_miss_nothing(text: str, data: st.DataObject) -> None:
    """Phrases cut from the text on token boundaries (several, often nested: a name and
    the longer name around it) are found exactly where a brute-force search finds them."""
    bounds = [match.span() for match in TOKEN.finditer(text)]
    phrases = []
    for _ in range(data.draw(st.integers(1, 4))):
        if bounds:
            first = data.draw(st.integers(0, len(bounds) - 1))
            last = data.draw(st.integers(first, min(first + 3, len(bounds) - 1)))
            phrases.append(text[bounds[first][0]:bounds[last][1]])
        else:
            phrases.append(data.draw(st.sampled_from(TRICKY_PIECES)).strip() or "x")
    matches = list(PhraseIndex((phrase, "label") for phrase in phrases).find(text))
    for match in matches:
        assert text[match.start:match.end] == match.phrase
        assert match.phrase in phrases
    assert [(match.start, match.end) for match in matches] == brute_force(phrases, text)
    # Long texts are cut into tokens a window at a time: tiny windows find the same.
    size = data.draw(st.integers(1, 12))
    assert list(PhraseIndex((phrase, "label") for phrase in phrases).find(text, size)) == \
        matches
    if bounds:
        assert matches  # the phrases were cut from the text on token boundaries


@settings(max_examples=200, deadline=None)
@given(tricky_text)
def test_words_are_reader_s_words_but_for_apostrophes(text: str) -> None:
    """The matcher cuts text as the rest of reader does (word motion, exports), except
    that an apostrophe ends a word, so a name is found before a possessive."""
    from reader.text.tokens import token_pattern

    plain = text.replace("'", " ").replace("’", " ")
    assert tokens(plain) == token_pattern().findall(plain)
    assert tokens("Lavrov's") == ["Lavrov", "'", "s"]
