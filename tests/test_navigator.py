"""Cursor motion without an App: the article view asks `reader.text.navigator` where each key
takes the cursor, so where the cursor may go is a property of the text and its layout alone.
The one promise every motion keeps: it lands on a display-unit boundary, never inside a
grapheme cluster or between the CR and LF of a line break."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import tricky_text

from reader.text import navigator
from reader.text.cells import iter_units
from reader.text.layout import LineIndex, WrappedText
from reader.text.tokens import WORD_WINDOW

KEYCAP = "1\ufe0f\u20e3"  # one cluster, and one token
JOINED = "x\u200d東"  # one cluster (a ZWJ joins); to the tokenizer "x\u200d" and "東"
FIREFIGHTER = "👨🏻‍🚒"


def layout(text: str, width: int = 20) -> WrappedText:
    """`text` wrapped at `width`, every line wrapped exactly (as on screen)."""
    wrapped = WrappedText(LineIndex(text), width)
    while not wrapped.exact:
        wrapped.refine(1000)
    return wrapped


def boundaries(text: str) -> set[int]:
    """Where a cursor may stand, worked out from the cells module alone: every unit's start
    and every line's end (the text's end included)."""
    lines = LineIndex(text)
    found = set(lines.ends)
    for start, end in zip(lines.starts, lines.ends, strict=True):
        found.update(unit.start for unit in iter_units(text, start, end))
    return found


def test_right_and_left_step_over_a_cluster_a_crlf_and_a_combining_accent() -> None:
    text = f"a{FIREFIGHTER}b\r\ne\u0301!"
    wrapped = layout(text)
    stops = [0]
    while stops[-1] < len(text):
        stops.append(navigator.right(wrapped, stops[-1]))
    emoji_end = 1 + len(FIREFIGHTER)
    assert stops == [0, 1, emoji_end, emoji_end + 1, emoji_end + 3, emoji_end + 5,
                     len(text)]
    back = [len(text)]
    while back[-1] > 0:
        back.append(navigator.left(wrapped, back[-1]))
    assert back == stops[::-1]
    assert navigator.right(wrapped, len(text)) == len(text)
    assert navigator.left(wrapped, 0) == 0


def test_up_and_down_move_by_screen_row_and_keep_the_goal_column() -> None:
    text = "abcdefghij abcdefghij\nab\nabcdefghij"  # wraps at 12: rows of 11, 10, 2, 10 cells
    wrapped = layout(text, 12)
    start = 7  # row 0, column 7
    down, goal = navigator.vertical(wrapped, start, 1, None)
    assert (down, goal) == (11 + 7, 7)  # row 1, same column
    short, goal = navigator.vertical(wrapped, down, 1, goal)
    assert short == 24 and goal == 7, "a short row: its end, and the goal is kept"
    after, goal = navigator.vertical(wrapped, short, 1, goal)
    assert after == 25 + 7, "back at column 7 on the next long row"
    top, _goal = navigator.vertical(wrapped, after, -10, goal)
    assert top == 7, "up past the first row stops on it"


def test_a_page_move_stays_in_the_window() -> None:
    wrapped = layout("\n".join(f"line {n}" for n in range(50)), 20)
    assert navigator.offset_in_row(wrapped, 2, 3, (10, 19)) == wrapped.offset_at(10, 3)
    assert navigator.offset_in_row(wrapped, 40, 3, (10, 19)) == wrapped.offset_at(19, 3)
    assert navigator.offset_in_row(wrapped, 500, 3) == wrapped.offset_at(49, 3)


def test_word_motion_never_stops_inside_a_keycap_or_a_joined_cluster() -> None:
    """The tokenizer may start a word inside a cluster the layout keeps whole; the cursor
    must not stand between its code points."""
    text = f"x {KEYCAP} {JOINED} y"
    wrapped = layout(text, 40)
    keycap, joined, y = text.index(KEYCAP), text.index(JOINED), text.index("y")
    forward = [0]
    while forward[-1] < len(text):
        forward.append(navigator.word_forward(wrapped, forward[-1]))
    assert forward == [0, keycap, joined, y, len(text)]
    backward = [len(text)]
    while backward[-1] > 0:
        backward.append(navigator.word_backward(wrapped, backward[-1]))
    assert backward == [len(text), y, joined, keycap, 0]
    assert navigator.word_forward(wrapped, keycap, to_end=True) == keycap + len(KEYCAP)
    assert navigator.word_forward(wrapped, joined, to_end=True) == joined + len(JOINED)


def test_word_motion_on_prose_is_the_tokenizers() -> None:
    text = "The meeting, in Moscow."
    wrapped = layout(text, 10)
    assert navigator.word_forward(wrapped, 0) == 4
    assert navigator.word_forward(wrapped, 4) == text.index(",")
    assert navigator.word_forward(wrapped, 4, to_end=True) == text.index(",")
    assert navigator.word_backward(wrapped, text.index("Moscow") + 2) == text.index("Moscow")


def test_big_word_motion_steps_over_hyphens_and_punctuation() -> None:
    """`W`/`B` move by whitespace-separated WORD (vim's): "Nagorno-Karabakh" is one step
    where `w` takes three."""
    text = "in Nagorno-Karabakh, U.S.-led\ttalks\r\n  (again)"
    wrapped = layout(text, 12)
    starts = [text.index(word) for word in ("Nagorno", "U.S.", "talks", "(again)")]
    forward = [0]
    while forward[-1] < len(text):
        forward.append(navigator.big_word_forward(wrapped, forward[-1]))
    assert forward == [0, *starts, len(text)]
    backward = [len(text)]
    while backward[-1] > 0:
        backward.append(navigator.big_word_backward(wrapped, backward[-1]))
    assert backward == [len(text), *reversed(starts), 0]
    nagorno = starts[0]
    assert navigator.word_forward(wrapped, nagorno) == nagorno + len("Nagorno")  # w: the hyphen
    assert navigator.big_word_forward(wrapped, nagorno + 3) == starts[1]  # from inside
    assert navigator.big_word_backward(wrapped, nagorno + 3) == nagorno
    # While selecting: to the WORD's end, comma and all, never the space after it.
    assert navigator.big_word_forward(wrapped, nagorno, to_end=True) == \
        nagorno + len("Nagorno-Karabakh,")
    assert navigator.big_word_forward(wrapped, nagorno + len("Nagorno-Karabakh,"),
                                      to_end=True) == text.index("\ttalks")


def test_big_word_motion_is_bounded_on_a_huge_run() -> None:
    """A megabyte without whitespace (or of whitespace) costs a window per key, as `w`."""
    text = "a " + "x" * 1_000_000 + " b"
    wrapped = WrappedText(LineIndex(text), 80)
    assert navigator.big_word_forward(wrapped, 2) == 2 + WORD_WINDOW
    assert navigator.big_word_backward(wrapped, len(text) - 3) == len(text) - 3 - WORD_WINDOW
    spaces = "a" + " " * 1_000_000 + "b"
    wrapped = WrappedText(LineIndex(spaces), 80)
    assert navigator.big_word_forward(wrapped, 0) == WORD_WINDOW
    assert navigator.big_word_backward(wrapped, len(spaces) - 1) == len(spaces) - 1 - WORD_WINDOW


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=tricky_text, width=st.integers(1, 30), goal=st.integers(0, 40))
def test_every_motion_lands_on_a_unit_boundary(text: str, width: int, goal: int) -> None:
    wrapped = layout(text, width)
    allowed = boundaries(text)
    last_row = wrapped.total_rows - 1
    for offset in range(len(text) + 1):  # from anywhere, even inside a cluster
        targets = {
            "right": navigator.right(wrapped, offset),
            "left": navigator.left(wrapped, offset),
            "down": navigator.vertical(wrapped, offset, 1, None)[0],
            "up": navigator.vertical(wrapped, offset, -1, None)[0],
            "down to goal": navigator.vertical(wrapped, offset, 1, goal)[0],
            "page": navigator.offset_in_row(wrapped, offset, goal, (0, last_row)),
            "word": navigator.word_forward(wrapped, offset),
            "word end": navigator.word_forward(wrapped, offset, to_end=True),
            "word back": navigator.word_backward(wrapped, offset),
            "WORD": navigator.big_word_forward(wrapped, offset),
            "WORD end": navigator.big_word_forward(wrapped, offset, to_end=True),
            "WORD back": navigator.big_word_backward(wrapped, offset),
        }
        for motion, target in targets.items():
            assert target in allowed, (motion, offset, target)
        if offset < len(text):
            assert targets["right"] > offset and targets["word"] > offset
            assert targets["WORD"] > offset
        if offset > 0:
            assert targets["left"] < offset and targets["word back"] < offset
            assert targets["WORD back"] < offset
        if offset in allowed and offset < len(text):
            assert navigator.left(wrapped, targets["right"]) == offset
        y = wrapped.position_of(offset)[0]
        assert wrapped.position_of(targets["down"])[0] == min(y + 1, last_row)
        assert wrapped.position_of(targets["up"])[0] == max(y - 1, 0)
