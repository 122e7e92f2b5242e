"""One tokenizer for the whole program (word motion, Prodigy/CoNLL tokens, token-level
agreement), so every part agrees on where words are. Offsets are code points."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

# A word is a run of letters, digits, marks (combining accents stay with their letter),
# apostrophes and connector punctuation; an emoji sequence (with ZWJ joiners and skin-tone
# modifiers) is one token; any other non-space character is a token of its own.
_EMOJI = (
    r"(?:[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF][\uFE0F\U0001F3FB-\U0001F3FF]*"
    r"(?:\u200D[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF][\uFE0F\U0001F3FB-\U0001F3FF]*)*)"
)
TOKEN_PATTERN = re.compile(
    _EMOJI + r"|(?:[^\W_]|[\u0300-\u036F\u064B-\u065F\u200C\u200D])"
    r"(?:[\w\u0300-\u036F\u064B-\u065F\u200C\u200D]|['’](?=\w))*|\S"
)


class Token(NamedTuple):
    start: int
    end: int
    text: str


def tokenize(text: str) -> list[Token]:
    """All tokens of `text`, in order, each with `text[start:end] == token.text`."""
    return [Token(m.start(), m.end(), m.group()) for m in TOKEN_PATTERN.finditer(text)]


def token_bounds(text: str) -> tuple[list[int], list[int]]:
    """Token starts and token ends of `text`, for bisecting: `tokenize` without building a
    Token per word (twice as fast, for agreement over whole corpora)."""
    spans = [match.span() for match in TOKEN_PATTERN.finditer(text)]
    return [start for start, _ in spans], [end for _, end in spans]


def iter_tokens(text: str, start: int = 0, end: int | None = None) -> Iterator[Token]:
    for match in TOKEN_PATTERN.finditer(text, start, len(text) if end is None else end):
        yield Token(match.start(), match.end(), match.group())


def token_at(text: str, offset: int) -> Token | None:
    """The token covering `offset`, looking only at the surrounding line for speed."""
    if not 0 <= offset < len(text) or text[offset].isspace():
        return None
    line_start = max(text.rfind("\n", 0, offset) + 1, 0)
    line_end = text.find("\n", offset)
    for token in iter_tokens(text, line_start, len(text) if line_end < 0 else line_end):
        if token.start <= offset < token.end:
            return token
        if token.start > offset:
            break
    return None
