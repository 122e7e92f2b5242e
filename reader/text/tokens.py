"""One tokenizer for the whole program (word motion, Prodigy/CoNLL tokens, token-level
agreement), so every part agrees on where words are. Offsets are code points."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import NamedTuple

from reader.text.marks import ASTRAL_MARKS, MARKS

# Scripts written without spaces between words, where reader cannot know the words: each
# character is a token of its own (with the marks on it), the convention of Chinese NER
# corpora, so every span a user can select character by character falls on token edges. Han
# (with 々 〆 〇 and the CJK radicals), Hiragana, Katakana (and half-width), Bopomofo, Thai
# and Lao. Korean is written with spaces: Hangul makes words.
ONE_PER_CHARACTER = (
    "\u0E00-\u0EFF\u2E80-\u2FDF\u3005-\u3007\u3021-\u3029\u3038-\u303B\u3040-\u30FF"
    "\u3100-\u312F\u31A0-\u31BF\u31F0-\u31FF\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF"
    "\uFF66-\uFF9F\U00020000-\U0003FFFF"
)
"""The inside of a character class: the scripts tokenized one character at a time."""
MARK = (f"(?:[{MARKS}\u200C\u200D]"
        f"|(?=[\U00010000-\U0010FFFF])[{ASTRAL_MARKS}])")  # the astral test only past U+FFFF
"""What stays inside the token before it: every combining mark (Devanagari vowel signs and
viramas, Arabic harakat, accents, variation selectors, the keycap's enclosing mark) and
the zero-width joiners that Indic and Arabic spelling uses."""
FLAG = "[\U0001F1E6-\U0001F1FF]{2}"
"""A flag: two regional indicators."""
KEYCAP = "[0-9#*]\uFE0F?\u20E3"
"""A keycap (1️⃣)."""
_EMOJI_PART = "[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF]"
_EMOJI_TAIL = "[\uFE0F\U0001F3FB-\U0001F3FF\U000E0020-\U000E007F]*"  # VS16, skin, tags
EMOJI = f"{_EMOJI_PART}{_EMOJI_TAIL}(?:\u200D{_EMOJI_PART}{_EMOJI_TAIL})*"
"""An emoji sequence with its ZWJ joiners, skin tones and subdivision-flag tags."""


def letter_class(by_character: str) -> str:
    """A word character that is not one of the scripts in `by_character` (the inside of a
    character class), which are tokens a character at a time."""
    return f"[^\\W{by_character}]"


_WORD = letter_class(ONE_PER_CHARACTER)
# One token each: a flag; a keycap; an emoji sequence; one character of the scripts
# above; a word (letters, digits, marks, connector punctuation, and an apostrophe between
# letters; plain ASCII runs take a fast path); any other non-space character with the marks
# on it. (These parts are public: reader.text.matching builds its units from them.)
TOKEN_SOURCE = (
    f"{FLAG}|{KEYCAP}|{EMOJI}"
    f"|[{ONE_PER_CHARACTER}]{MARK}*"
    f"|(?:[^\\W_{ONE_PER_CHARACTER}]|{MARK})(?:[a-zA-Z0-9_]+|{_WORD}|{MARK}|['’](?={_WORD}))*"
    f"|\\S{MARK}*"
)


@cache
def token_pattern() -> re.Pattern[str]:
    """The token regex, compiled on first use: its classes of every combining mark take
    ~10 ms to compile, more than any module `reader open` imports, and nothing tokenizes
    before the first paint."""
    return re.compile(TOKEN_SOURCE)


class Token(NamedTuple):
    start: int
    end: int
    text: str


def tokenize(text: str) -> list[Token]:
    """All tokens of `text`, in order, each with `text[start:end] == token.text`."""
    return [Token(m.start(), m.end(), m.group()) for m in token_pattern().finditer(text)]


def token_bounds(text: str) -> tuple[list[int], list[int]]:
    """Token starts and token ends of `text`, for bisecting: `tokenize` without building a
    Token per word (twice as fast, for agreement over whole corpora)."""
    spans = [match.span() for match in token_pattern().finditer(text)]
    return [start for start, _ in spans], [end for _, end in spans]


def iter_tokens(text: str, start: int = 0, end: int | None = None) -> Iterator[Token]:
    for match in token_pattern().finditer(text, start, len(text) if end is None else end):
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
                     window: int = WORD_WINDOW, pattern: re.Pattern[str] | None = None) -> int:
    """Where `w` goes: the start of the next token, or with `to_end` the end of the token at
    or after `offset` (a selection grows word by word without trailing spaces). Looks at
    most `window` characters ahead: with no token boundary in reach, it moves by `window`.
    (`W` passes another `pattern`: runs of anything but whitespace; the default is the
    tokenizer's.)"""
    pattern = pattern or token_pattern()
    end = min(offset + window, len(text))
    match = pattern.search(text, offset, end)
    if match is None:
        return end
    if to_end:
        return match.end()
    if match.start() <= offset:
        match = pattern.search(text, match.end(), end)
    return match.start() if match else end


def previous_word_offset(text: str, offset: int, window: int = WORD_WINDOW) -> int:
    """Where `b` goes: the start of the token before `offset` or of the one it is inside,
    looking at most `window` characters back; with none in reach, it moves by `window`.
    (Tokens found from a start inside a word fall back into step at that word's end, so
    only a word longer than the window is cut.)"""
    low = max(offset - window, 0)
    found = low
    for match in token_pattern().finditer(text, low, min(offset + 1, len(text))):
        if match.start() >= offset:
            break
        found = match.start()
    return found
