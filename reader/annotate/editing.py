"""The tagging rules, apart from any UI: what a label key tags and when it toggles."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from reader.annotate.span_index import Span
from reader.text.tokens import token_at


def trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """[start, end) without leading and trailing whitespace; None if nothing is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def tag_target(text: str, selection: tuple[int, int] | None, cursor: int) -> tuple[int, int] | None:
    """What a label key applies to: the trimmed selection, else the word under the cursor."""
    if selection is not None:
        return trim(text, *selection)
    token = token_at(text, cursor)
    return (token.start, token.end) if token else None


class TagDecision(NamedTuple):
    """Either remove an existing span (toggle off) or create a new one."""

    remove: Span | None
    create: tuple[int, int, str] | None


def decide_tag(own_spans: Iterable[Span], target: tuple[int, int] | None, label: str, *,
               under_cursor: Iterable[Span] = ()) -> TagDecision | None:
    """What a label key does.

    With a selection (`under_cursor` empty): the same label on exactly that range toggles it
    off; anything else adds a span (a different label on the same range is a second label).
    Without one, the cursor decides: the same label on a span the cursor is in removes that
    span (the innermost, if several), else the word under the cursor gets the label. To nest
    a span of the same label inside another, select it. None: nothing to tag."""
    for span in under_cursor:  # innermost first
        if span.label == label:
            return TagDecision(remove=span, create=None)
    if target is None:
        return None
    start, end = target
    for span in own_spans:
        if span.start == start and span.end == end and span.label == label:
            return TagDecision(remove=span, create=None)
    return TagDecision(remove=None, create=(start, end, label))
