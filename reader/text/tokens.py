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


# How far word motion and "the word under the cursor" look on each side of the cursor: a
# keypress costs the same on a 50 MB line without a space as on prose. A run of word
# characters longer than this is taken in pieces of at most this length.
WORD_WINDOW = 4096
_SPACE = re.compile(r"\s")
_LAST_SPACE = re.compile(r"\s(?=\S*\Z)")  # with an endpos: the last whitespace before it


def _window(text: str, offset: int, window: int) -> tuple[int, int]:
    """[low, high) around `offset`, at most `window` on each side, ending at whitespace
    where there is whitespace within reach. No token crosses whitespace, so the tokens
    found between those edges are exactly the whole text's; only a side with no
    whitespace in reach is cut at the window."""
    low = max(offset - window, 0)
    high = min(offset + window, len(text))
    before = _LAST_SPACE.search(text, low, offset)
    after = _SPACE.search(text, offset, high)
    return (before.end() if before else low), (after.start() if after else high)


def token_at(text: str, offset: int, window: int = WORD_WINDOW) -> Token | None:
    """The token covering `offset`, looking at most `window` characters each side: a word
    longer than that is cut there (so tagging the word under the cursor on a huge run of
    letters tags a piece of it, and costs a few microseconds, not seconds)."""
    if not 0 <= offset < len(text) or text[offset].isspace():
        return None
    low, high = _window(text, offset, window)
    for token in iter_tokens(text, low, high):
        if token.start <= offset < token.end:
            return token
        if token.start > offset:
            break
    return None


def next_word_offset(text: str, offset: int, to_end: bool = False,
                     window: int = WORD_WINDOW) -> int:
    """Where `w` goes: the start of the next token, or with `to_end` the end of the token at
    or after `offset` (a selection grows word by word without trailing spaces). Looks at
    most `window` characters ahead: with no token boundary in reach, it moves by `window`."""
    end = min(offset + window, len(text))
    match = TOKEN_PATTERN.search(text, offset, end)
    if match is None:
        return end
    if to_end:
        return match.end()
    if match.start() <= offset:
        match = TOKEN_PATTERN.search(text, match.end(), end)
    return match.start() if match else end


def previous_word_offset(text: str, offset: int, window: int = WORD_WINDOW) -> int:
    """Where `b` goes: the start of the token before `offset` or of the one it is inside,
    looking at most `window` characters back; with none in reach, it moves by `window`.
    (Tokens found from a start inside a word fall back into step at that word's end, so
    only a word longer than the window is cut.)"""
    low = max(offset - window, 0)
    found = low
    for match in TOKEN_PATTERN.finditer(text, low, min(offset + 1, len(text))):
        if match.start() >= offset:
            break
        found = match.start()
    return found
