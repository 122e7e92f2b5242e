"""Spans onto tokens of reader's one tokenizer (Prodigy, CoNLL): which tokens a span
covers, and whether its edges fall on token edges."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import NamedTuple

from reader.text.tokens import Token, tokenize


class TokenRange(NamedTuple):
    first: int  # index of the first token the span touches
    last: int  # index of the last one (inclusive, as Prodigy counts)
    aligned: bool  # the span starts and ends exactly on token edges


class TokenIndex:
    """A document's tokens with binary search over their edges."""

    def __init__(self, text: str) -> None:
        self.tokens: list[Token] = tokenize(text)
        self._starts = [token.start for token in self.tokens]
        self._ends = [token.end for token in self.tokens]

    def cover(self, start: int, end: int) -> TokenRange | None:
        """The tokens overlapping [start, end), or None if the span holds only whitespace."""
        first = bisect_right(self._ends, start)
        last = bisect_left(self._starts, end) - 1
        if first > last:
            return None
        aligned = self._starts[first] == start and self._ends[last] == end
        return TokenRange(first, last, aligned)
