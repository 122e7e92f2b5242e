"""Every other occurrence of a span's text, for `*` (annotate all occurrences).

Matches are exact: the same code points, found with `str.find` in the raw text (CRLF, tabs
and all), so `text[start:end] == needle` holds for each by construction. Two rules decide
which of them count:

- A match never cuts a character as the reader sees it: not before a combining mark, a
  zero-width joiner, a variation selector, a skin-tone modifier or an emoji tag, not after
  a joiner, not between CR and LF, not inside a regional-indicator pair (a flag) or a
  Hangul jamo syllable. `e` does not match inside a decomposed `é`, nor 👩 inside 👩‍💻.
- Whole words (the default): a match may not start or end between two word characters
  ("Lavrov" is not found in "Lavrovsky", but is in "Lavrov's"). Scripts written without
  spaces (Han, kana, Hangul, Thai, Lao, Khmer, Myanmar) have no word boundaries to find,
  so a word character of theirs on either side of an edge never blocks it: 東京 is found
  in 在東京工作.

Found left to right without overlapping one another. No Textual in here."""

from __future__ import annotations

import unicodedata
from bisect import bisect_left
from collections.abc import Iterator, Sequence

_ZWJ = "\u200d"
_ZWNJ = "\u200c"


def _in(code: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(low <= code <= high for low, high in ranges)


# Characters that attach to the one before them (never a cluster's first character).
_EXTENDERS = (
    (0xFE00, 0xFE0F),    # variation selectors
    (0x1F3FB, 0x1F3FF),  # emoji skin-tone modifiers
    (0xE0020, 0xE007F),  # emoji tag characters (subdivision flags)
    (0xE0100, 0xE01EF),  # variation selectors supplement
)
_REGIONAL = (0x1F1E6, 0x1F1FF)
_JAMO_L = ((0x1100, 0x115F), (0xA960, 0xA97F))
_JAMO_VT = ((0x1160, 0x11FF), (0xD7B0, 0xD7FF))
_HANGUL = (0xAC00, 0xD7A3)
# Scripts written without spaces between words: no word boundaries to look for.
_NO_SPACES = (
    (0x0E00, 0x0EFF),    # Thai, Lao
    (0x1000, 0x109F),    # Myanmar
    (0x1100, 0x11FF),    # Hangul jamo
    (0x1780, 0x17FF),    # Khmer
    (0x2E80, 0x2FDF),    # CJK radicals
    (0x3005, 0x3007),    # 々 〆 〇
    (0x3040, 0x30FF),    # Hiragana, Katakana
    (0x3130, 0x318F),    # Hangul compatibility jamo
    (0x31F0, 0x31FF),    # Katakana extensions
    (0x3400, 0x4DBF),    # CJK extension A
    (0x4E00, 0x9FFF),    # CJK unified ideographs
    (0xAC00, 0xD7FF),    # Hangul syllables, jamo extended B
    (0xF900, 0xFAFF),    # CJK compatibility ideographs
    (0xFF66, 0xFF9F),    # halfwidth Katakana
    (0x20000, 0x3FFFF),  # CJK extensions B and later
)


def _attaches(char: str) -> bool:
    """True for a character that belongs to the one before it."""
    if char == _ZWJ or unicodedata.category(char).startswith("M"):
        return True
    return _in(ord(char), _EXTENDERS)


def _hangul_joins(before: str, after: str) -> bool:
    """Conjoining jamo continuing a syllable (L then L/V/syllable, anything Hangul then V/T)."""
    a, b = ord(before), ord(after)
    hangul_before = _in(a, _JAMO_L) or _in(a, _JAMO_VT) or _HANGUL[0] <= a <= _HANGUL[1]
    if _in(b, _JAMO_VT):
        return hangul_before
    return _in(a, _JAMO_L) and (_in(b, _JAMO_L) or _HANGUL[0] <= b <= _HANGUL[1])


def _inside_flag(text: str, index: int) -> bool:
    """Between two regional indicators that pair up: an odd number of them runs up to
    `index` (counted back from it), so the one at `index` completes a flag."""
    low, high = _REGIONAL
    run = 0
    position = index - 1
    while position >= 0 and low <= ord(text[position]) <= high:
        run += 1
        position -= 1
    return run % 2 == 1


def splits_character(text: str, index: int) -> bool:
    """Whether `index` falls inside what the reader sees as one character."""
    if index <= 0 or index >= len(text):
        return False
    before, after = text[index - 1], text[index]
    if _attaches(after) or before == _ZWJ or (before == "\r" and after == "\n"):
        return True
    low, high = _REGIONAL
    if low <= ord(after) <= high and low <= ord(before) <= high:
        return _inside_flag(text, index)
    return _hangul_joins(before, after)


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_" or char == _ZWNJ or _attaches(char)


def _without_spaces(char: str) -> bool:
    return _in(ord(char), _NO_SPACES)


def splits_word(text: str, index: int) -> bool:
    """Whether `index` falls between two word characters of a script that separates words
    with spaces (an edge there would cut a word)."""
    if index <= 0 or index >= len(text):
        return False
    before, after = text[index - 1], text[index]
    return (_is_word(before) and _is_word(after)
            and not (_without_spaces(before) or _without_spaces(after)))


def _ascii_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def is_edge(text: str, index: int, *, whole_word: bool = True) -> bool:
    """Whether a match may start or end at `index`."""
    if 0 < index < len(text) and text[index - 1] < "\x80" and text[index] < "\x80":
        before, after = text[index - 1], text[index]  # the common case, decided at once
        if before == "\r" and after == "\n":
            return False
        return not (whole_word and _ascii_word(before) and _ascii_word(after))
    if splits_character(text, index):
        return False
    return not (whole_word and splits_word(text, index))


def find_occurrences(text: str, needle: str, *, whole_word: bool = True,
                     overlapping: bool = False) -> Iterator[tuple[int, int]]:
    """[start, end) of each occurrence of `needle` in `text`, leftmost first, each with both
    edges allowed by `is_edge`; not overlapping one another unless `overlapping` (which
    the learned source needs: which of them it suggests depends on the other phrases)."""
    if not needle:
        return
    length = len(needle)
    position = text.find(needle)
    while position >= 0:
        end = position + length
        if is_edge(text, position, whole_word=whole_word) and is_edge(
                text, end, whole_word=whole_word):
            yield position, end
            position = text.find(needle, position + 1 if overlapping else end)
        else:
            position = text.find(needle, position + 1)


def untagged_occurrences(text: str, start: int, end: int,
                         taken: Sequence[tuple[int, int]], *,
                         whole_word: bool = True) -> list[tuple[int, int]]:
    """The occurrences of `text[start:end]` that `*` tags: all but those overlapping a range
    in `taken` (sorted by start; the spans already carrying the label, the source span
    among them), so nothing is tagged twice and no span nests in one of the same label."""
    needle = text[start:end]
    starts = [low for low, _high in taken]
    longest = max((high - low for low, high in taken), default=0)
    found = []
    for low, high in find_occurrences(text, needle, whole_word=whole_word):
        first = bisect_left(starts, low - longest)  # no range starting earlier reaches low
        if not any(s < high and low < e for s, e in taken[first:bisect_left(starts, high)]):
            found.append((low, high))
    return found
