"""Word motion and "the word under the cursor" look only near the cursor: a keypress on a
huge line without spaces costs what it costs on prose, and on prose they find exactly the
words the whole-text tokenizer finds."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.annotate.editing import tag_target
from reader.text import navigator
from reader.text.layout import LineIndex, WrappedText
from reader.text.tokens import WORD_WINDOW, token_at, tokenize

HUGE = "x" * 2_000_000  # one "word" of two million letters, no space anywhere
# The regular expression engine needs ~130 bytes per character it matches: a window costs
# about 1 MB, the whole huge word (the old, unbounded way) about 250 MB.
LIMIT = 4_000_000


def peak_bytes(call: Callable[[], Any]) -> int:
    """Peak memory allocated while `call` runs (the text itself is allocated before)."""
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def layout(text: str) -> WrappedText:
    """The text laid out as the article pane has it by the time a key is pressed (the
    cursor's line already wrapped)."""
    wrapped = WrappedText(LineIndex(text), 80)
    wrapped.prepare(0, 1)
    return wrapped


def test_word_forward_on_a_huge_word_moves_by_the_window_in_bounded_memory() -> None:
    for to_end in (False, True):
        move = partial(navigator.word_forward, layout(HUGE), 10, to_end)
        assert 10 < move() <= 10 + WORD_WINDOW
        assert peak_bytes(move) < LIMIT


def test_word_backward_is_bounded_over_a_huge_word_and_a_huge_run_of_spaces() -> None:
    for text in (HUGE, "word" + " " * 2_000_000):
        end = len(text) - 1
        back = partial(navigator.word_backward, layout(text), end)
        assert end - WORD_WINDOW <= back() < end
        assert peak_bytes(back) < LIMIT


def test_the_word_under_the_cursor_on_a_huge_line_is_a_bounded_piece() -> None:
    middle = len(HUGE) // 2
    token = token_at(HUGE, middle)
    assert token is not None
    assert token.start <= middle < token.end
    assert token.end - token.start <= 2 * WORD_WINDOW
    assert HUGE[token.start:token.end] == token.text
    target = tag_target(HUGE, None, middle)
    assert target is not None and target[1] - target[0] <= 2 * WORD_WINDOW
    assert peak_bytes(lambda: tag_target(HUGE, None, middle)) < LIMIT


def test_a_long_line_of_ordinary_words_costs_only_the_window(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from reader.text import tokens

    line = "lorem ipsum dolor sit amet " * 200_000  # 5.4 MB, one line
    examined = 0
    real_iter_tokens = tokens.iter_tokens

    def counting(*args: Any) -> Iterator[tokens.Token]:
        nonlocal examined
        for token in real_iter_tokens(*args):
            examined += 1
            yield token

    monkeypatch.setattr(tokens, "iter_tokens", counting)
    token = token_at(line, len(line) - 3)
    assert token is not None and token.text == "amet"
    assert 0 < examined <= WORD_WINDOW


# Prose: runs of letters, punctuation, apostrophes, emoji and marks, all shorter than the
# window, between spaces and line breaks.
_piece = st.text(alphabet="ab'’_-.é\u0301😀\u200d👍🏽", min_size=1, max_size=6)
_gap = st.text(alphabet=" \n\t", min_size=1, max_size=3)
prose = st.lists(st.tuples(_piece, _gap), max_size=12).map(
    lambda parts: "".join(piece + gap for piece, gap in parts))
WINDOW = 16  # small, so that every example crosses window edges


def starts_before(text: str, offset: int) -> int:
    """Reference for `b`: the last whole-text token start before `offset`, else 0."""
    return max((t.start for t in tokenize(text) if t.start < offset), default=0)


def forward_reference(text: str, offset: int, to_end: bool) -> int:
    """The previous, unbounded word motion (a search over the whole rest of the text)."""
    from reader.text.tokens import token_pattern

    match = token_pattern().search(text, offset)
    if match is None:
        return len(text)
    if to_end:
        return match.end()
    if match.start() <= offset:
        match = token_pattern().search(text, match.end())
    return match.start() if match else len(text)


@settings(max_examples=200)
@given(prose)
def test_on_prose_the_window_changes_nothing(text: str) -> None:
    from reader.text.tokens import next_word_offset, previous_word_offset

    tokens = tokenize(text)
    for offset in range(len(text) + 1):
        covering = next((t for t in tokens if t.start <= offset < t.end), None)
        assert token_at(text, offset, WINDOW) == covering
        for to_end in (False, True):
            assert (next_word_offset(text, offset, to_end, WINDOW)
                    == forward_reference(text, offset, to_end))
        assert previous_word_offset(text, offset, WINDOW) == starts_before(text, offset)
