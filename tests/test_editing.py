"""The tagging rules: trimming, the word under the cursor, toggling."""

from __future__ import annotations

from reader.annotate.editing import decide_tag, tag_target, trim
from reader.annotate.span_index import Span

TEXT = "  Ararat Mirzoyan met\tSergey Lavrov. "


def test_trim_and_targets() -> None:
    assert trim(TEXT, 0, 17) == (2, 17)
    assert trim(TEXT, 0, 2) is None
    assert tag_target(TEXT, (0, 18), 0) == (2, 17)
    assert tag_target(TEXT, None, 10) == (9, 17)  # the word under the cursor: Mirzoyan
    assert tag_target(TEXT, None, 1) is None  # on a space


def test_same_label_toggles_and_other_labels_add() -> None:
    actor = Span(2, 17, "actor", "u1")
    assert decide_tag([actor], (2, 17), "actor").remove == actor
    assert decide_tag([actor], (2, 17), "topic").create == (2, 17, "topic")
    assert decide_tag([actor], (9, 17), "actor").create == (9, 17, "actor")  # a nested one


def test_without_selection_the_span_under_the_cursor_decides() -> None:
    outer = Span(2, 17, "actor", "u1")
    inner = Span(9, 17, "actor", "u2")
    decision = decide_tag([outer, inner], (9, 17), "actor", under_cursor=[inner, outer])
    assert decision is not None and decision.remove == inner
    decision = decide_tag([outer], (9, 17), "actor", under_cursor=[outer])
    assert decision is not None and decision.remove == outer
    assert decide_tag([], None, "actor") is None
