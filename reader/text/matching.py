"""Finding phrases in a text: one matcher for `*` (annotate all occurrences), the learned
source, pattern files and gazetteers, so they all agree on what an occurrence is.

An occurrence is the same code points as the phrase, found in the raw text (CRLF, tabs and
all), so `text[start:end] == phrase` holds by construction, with two rules on its edges:

- It never cuts a character as the reader sees it (`splits_character`): not before a
  combining mark, a zero-width joiner or non-joiner, a variation selector, a skin-tone
  modifier or an emoji tag; not after a joiner or a prepended sign (U+0600); not between
  CR and LF; not inside a regional-indicator pair (a flag), a Hangul jamo syllable or an
  Indic conjunct (consonant, virama, consonant). `e` is not found inside a decomposed
  `é`, nor 👩 inside 👩‍💻.
- Whole words (the default; `*` has a variant without): an edge may not fall between two
  word characters (letters, digits, `_`, the marks on them), so "Lavrov" is not found in
  "Lavrovsky" nor "_Lavrov", but is in "Lavrov's" and "(Lavrov)". Scripts written without
  spaces (Han, kana, Bopomofo, Thai, Lao, Khmer, Myanmar: `WITHOUT_SPACES`) have no word
  edges to find, so next to their characters every edge counts: 東京 is found in 在東京工作.

Korean is written with spaces, but a Korean word (eojeol) is a stem with its particles and
endings written onto it: 서울 (Seoul) is 서울에서 "in Seoul", 서울은, 서울의. Whole
space-separated words would miss nearly every occurrence of a name, and Hangul taken
character by character, as Chinese is, would find 서울 inside 남서울 and a one-syllable
span inside any word. Since Korean attaches what it adds after the stem, an occurrence in
Hangul must start where a word starts (not after another Hangul character) and may end
anywhere between two syllables: 서울 is found in 서울에서, not in 남서울 (`is_start`, `is_end`).

Two ways to search, one result. One phrase is found with `str.find` and its candidates
checked by those rules (`find_occurrences`): that is `*`, and the learned source, which
searches for one span text at a time. Many phrases (a pattern file of 10,000) are a trie
keyed by the text's units (`PhraseIndex`): the text is cut into units by one compiled
regex (in C), each unit looked up in a dict of the phrases that start with it, and only
then are the following units compared: one dict lookup per unit whatever the number of
phrases. Units are cut so that every edge the rules allow falls between two units
(`units`); a trie's match is then checked by the same rules, so both ways find exactly the
same occurrences (tests/test_matching.py holds them to it). An automaton (Aho-Corasick)
would find substrings inside words that must then be thrown away and be a compiled
dependency for every install; a regex alternation of 10,000 phrases is tried phrase by
phrase at every position.

Pure code; the unit regex is compiled on first use (`reader open` imports this module for
`*`, long before any phrase is looked for)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import accumulate, compress, pairwise
from typing import Any, NamedTuple

from reader.text.tokens import EMOJI, FLAG, KEYCAP, MARK, ONE_PER_CHARACTER, letter_class

# --- characters ----------------------------------------------------------------------------

_ZWJ = "\u200d"
_ZWNJ = "\u200c"
_HANGUL = "\u1100-\u11FF\u3130-\u318F\uA960-\uA97F\uAC00-\uD7FF"
WITHOUT_SPACES = ONE_PER_CHARACTER + _HANGUL + "\u1000-\u109F\u1780-\u17FF"
"""The scripts matched character by character (the inside of a character class): the
tokenizer's (Han, kana, Bopomofo, Thai, Lao), Myanmar and Khmer, and Hangul, with its own
rule for where an occurrence may start."""


def _in(code: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(low <= code <= high for low, high in ranges)


# Characters that belong to the one before them besides the combining marks (Unicode's
# grapheme cluster Extend and SpacingMark that are not category M).
_EXTENDERS = (
    (0x0E33, 0x0E33),    # Thai sara am
    (0x0EB3, 0x0EB3),    # Lao am
    (0x200C, 0x200D),    # zero-width non-joiner and joiner
    (0xFE00, 0xFE0F),    # variation selectors
    (0xFF9E, 0xFF9F),    # halfwidth katakana voiced sound marks
    (0x1F3FB, 0x1F3FF),  # emoji skin-tone modifiers
    (0xE0020, 0xE007F),  # emoji tag characters (subdivision flags)
    (0xE0100, 0xE01EF),  # variation selectors supplement
)
# Characters that belong to the one after them (Unicode's Prepend).
_PREPEND = (
    (0x0600, 0x0605), (0x06DD, 0x06DD), (0x070F, 0x070F), (0x0890, 0x0891),
    (0x08E2, 0x08E2), (0x0D4E, 0x0D4E), (0x110BD, 0x110BD), (0x110CD, 0x110CD),
    (0x111C2, 0x111C3), (0x1193F, 0x1193F), (0x11941, 0x11941), (0x11A3A, 0x11A3A),
    (0x11A84, 0x11A89), (0x11D46, 0x11D46),
)
# The viramas that join two consonants into one conjunct (Devanagari, Bengali, Gujarati,
# Oriya, Telugu, Malayalam).
_LINKERS = frozenset("\u094D\u09CD\u0ACD\u0B4D\u0C4D\u0D4D")
_REGIONAL = (0x1F1E6, 0x1F1FF)
_JAMO_L = ((0x1100, 0x115F), (0xA960, 0xA97F))
_JAMO_VT = ((0x1160, 0x11FF), (0xD7B0, 0xD7FF))
_SYLLABLES = (0xAC00, 0xD7A3)


def _attaches(char: str) -> bool:
    """True for a character that belongs to the one before it."""
    return unicodedata.category(char).startswith("M") or _in(ord(char), _EXTENDERS)


def _hangul_joins(before: str, after: str) -> bool:
    """Conjoining jamo continuing a syllable (L then L/V/syllable, anything Hangul then V/T)."""
    a, b = ord(before), ord(after)
    hangul_before = _in(a, _JAMO_L) or _in(a, _JAMO_VT) or _SYLLABLES[0] <= a <= _SYLLABLES[1]
    if _in(b, _JAMO_VT):
        return hangul_before
    return _in(a, _JAMO_L) and (_in(b, _JAMO_L) or _SYLLABLES[0] <= b <= _SYLLABLES[1])


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


def _inside_conjunct(text: str, index: int) -> bool:
    """A letter after a virama (and the marks around it) that follows a letter: one
    conjunct, as क्ष (looked for at most 8 characters back)."""
    if not text[index].isalpha():
        return False
    linked = False
    position = index - 1
    while position >= max(index - 8, 0):
        char = text[position]
        if char in _LINKERS:
            linked = True
        elif not _attaches(char):
            return linked and char.isalpha()
        position -= 1
    return False


def splits_character(text: str, index: int) -> bool:
    """Whether `index` falls inside what the reader sees as one character."""
    if index <= 0 or index >= len(text):
        return False
    before, after = text[index - 1], text[index]
    if _attaches(after) or before == _ZWJ or (before == "\r" and after == "\n"):
        return True
    code = ord(after)
    low, high = _REGIONAL
    if low <= code <= high and low <= ord(before) <= high:
        return _inside_flag(text, index)
    if _in(ord(before), _PREPEND):
        return True
    return _hangul_joins(before, after) or _inside_conjunct(text, index)


@cache
def _without_spaces_class() -> re.Pattern[str]:
    return re.compile(f"[{WITHOUT_SPACES}]")


@cache
def _hangul_class() -> re.Pattern[str]:
    return re.compile(f"[{_HANGUL}]")


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_" or _attaches(char)


def splits_word(text: str, index: int) -> bool:
    """Whether `index` falls between two word characters of a script that separates words
    with spaces (an edge there would cut a word)."""
    if index <= 0 or index >= len(text):
        return False
    before, after = text[index - 1], text[index]
    spaceless = _without_spaces_class().match
    return (_is_word(before) and _is_word(after)
            and not (spaceless(before) or spaceless(after)))


def _ascii_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _edge(text: str, index: int, whole_word: bool, start: bool) -> bool:
    if 0 < index < len(text) and text[index - 1] < "\x80" and text[index] < "\x80":
        before, after = text[index - 1], text[index]  # the common case, decided at once
        if before == "\r" and after == "\n":
            return False
        return not (whole_word and _ascii_word(before) and _ascii_word(after))
    if splits_character(text, index):
        return False
    if not whole_word or index <= 0 or index >= len(text):
        return True
    if splits_word(text, index):
        return False
    hangul = _hangul_class().match
    return not (start and hangul(text[index - 1]) and hangul(text[index]))


def is_start(text: str, index: int, *, whole_word: bool = True) -> bool:
    """Whether an occurrence may start at `index`."""
    return _edge(text, index, whole_word, True)


def is_end(text: str, index: int, *, whole_word: bool = True) -> bool:
    """Whether an occurrence may end at `index`."""
    return _edge(text, index, whole_word, False)


# --- one phrase ------------------------------------------------------------------------------

_ASCII_WORD = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz")


def _blocking(inside: str, outside: str, whole_word: bool) -> frozenset[str] | None:
    """The ASCII characters that keep an edge from falling next to `inside` (the needle's
    first or last character), or None when `inside` is not ASCII (`is_start` / `is_end`
    decide); `outside` is what may not precede (`\r`) or follow (`\n`) it."""
    if inside >= "\x80":
        return None
    blocked = _ASCII_WORD if whole_word and inside in _ASCII_WORD else frozenset()
    return blocked | {outside} if inside == ("\n" if outside == "\r" else "\r") else blocked


def find_occurrences(text: str, needle: str, *, whole_word: bool = True,
                     overlapping: bool = False) -> Iterator[tuple[int, int]]:
    """[start, end) of each occurrence of `needle` in `text`, leftmost first, each allowed
    by `is_start` and `is_end`; not overlapping one another unless `overlapping` (which
    the learned source needs: which of them it suggests depends on the other phrases).
    An edge between two ASCII characters is decided here at once: the learned source
    checks some 30,000 candidates on a 3 MB article."""
    if not needle:
        return
    length, size = len(needle), len(text)
    before_blocked = _blocking(needle[0], "\r", whole_word)
    after_blocked = _blocking(needle[-1], "\n", whole_word)
    find = text.find
    position = find(needle)
    while position >= 0:
        end = position + length
        if position == 0:
            start_ok = True
        else:
            before = text[position - 1]
            start_ok = (before not in before_blocked if before_blocked is not None
                        and before < "\x80" else is_start(text, position, whole_word=whole_word))
        if start_ok:
            if end == size:
                end_ok = True
            else:
                after = text[end]
                end_ok = (after not in after_blocked if after_blocked is not None
                          and after < "\x80" else is_end(text, end, whole_word=whole_word))
            if end_ok:
                yield position, end
                position = find(needle, position + 1 if overlapping else end)
                continue
        position = find(needle, position + 1)


def untagged_occurrences(text: str, start: int, end: int,
                         taken: Sequence[tuple[int, int]], *,
                         whole_word: bool = True) -> list[tuple[int, int]]:
    """The occurrences of `text[start:end]` that `*` tags: all but those overlapping a range
    in `taken` (sorted by start; the spans already carrying the label, the source span
    among them), so nothing is tagged twice and no span nests in one of the same label."""
    from bisect import bisect_left

    needle = text[start:end]
    starts = [low for low, _high in taken]
    longest = max((high - low for low, high in taken), default=0)
    found = []
    for low, high in find_occurrences(text, needle, whole_word=whole_word):
        first = bisect_left(starts, low - longest)  # no range starting earlier reaches low
        if not any(s < high and low < e for s, e in taken[first:bisect_left(starts, high)]):
            found.append((low, high))
    return found


def leftmost_longest(found: Iterable[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Of (start, end, phrase) occurrences, those a phrase search keeps: the leftmost,
    of those starting there the longest, none overlapping one kept before."""
    return keep_leftmost_longest(sorted((s, -e, p) for s, e, p in found))


def keep_leftmost_longest(ordered: Iterable[tuple[int, int, str]],
                          ) -> list[tuple[int, int, str]]:
    """`leftmost_longest` of occurrences given as (start, -end, phrase) in sorted order
    (so that one who keeps them sorted need not sort them again)."""
    kept: list[tuple[int, int, str]] = []
    free = 0
    for start, negative_end, phrase in ordered:
        if start >= free:
            free = -negative_end
            kept.append((start, free, phrase))
    return kept


# --- many phrases ----------------------------------------------------------------------------

_LETTER = letter_class(WITHOUT_SPACES)
UNIT_SOURCE = (
    f"[A-Za-z0-9_]++(?![^\\x00-\\x7F])"  # the common case first: an ASCII word
    f"|{FLAG}|{KEYCAP}|{EMOJI}"
    f"|[{WITHOUT_SPACES}]{MARK}*"
    f"|(?:{_LETTER}|{MARK})(?:[a-zA-Z0-9_]+|{_LETTER}|{MARK})*"
    f"|\\S{MARK}*"
)
"""A unit: a flag, a keycap, an emoji sequence, one character of a script matched by
character with its marks, a word (letters, digits, underscores and the marks on them; an
apostrophe ends it), or any other visible character with its marks; never whitespace.
reader.text.tokens's tokens but for the apostrophe, `_` starting a word, and Hangul,
Khmer and Myanmar by character, so every edge `is_start` / `is_end` allows next to a
visible character falls between two units."""


@cache
def unit_pattern() -> re.Pattern[str]:
    """The unit regex, compiled on first use (~10 ms: its classes of every mark)."""
    return re.compile(UNIT_SOURCE)


@cache
def _spaced_unit_pattern() -> re.Pattern[str]:
    return re.compile(rf"\s*(?:{UNIT_SOURCE})")  # a unit and the whitespace before it


def units(text: str) -> list[str]:
    """The units of `text`, for tests and for reading a phrase."""
    return unit_pattern().findall(text)


class Match(NamedTuple):
    start: int
    end: int
    label: str
    phrase: str


class Units:
    """A text cut into chunks, each a unit with the whitespace before it: the chunks tile
    the text, so their running lengths are the units' ends, and a phrase trie's keys after
    the first unit are chunks. All of it runs in C."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.chunks: list[str] = _spaced_unit_pattern().findall(text)
        self.words: list[str] = list(map(str.lstrip, self.chunks))
        self._ends: list[int] | None = None

    def ends(self) -> list[int]:
        if self._ends is None:
            self._ends = list(accumulate(map(len, self.chunks)))
        return self._ends


_PHRASE = ""  # the key under which a trie node keeps the phrase ending there


FEW = 48
"""Up to this many phrases, `PhraseIndex` searches with `str.find` one phrase at a time
(about 2 ms each on a 3 MB article) instead of cutting the text into units (~0.2 s)."""


class PhraseIndex:
    """Phrases (exact text, each with a label) to find as whole words.

    A phrase is stripped of surrounding whitespace; one without any visible character is
    ignored. When occurrences overlap the leftmost wins, and of those starting there the
    longest (a gazetteer's "longest match wins", as spaCy's `filter_spans`). A phrase
    listed twice keeps its first label.

    The phrases are a trie keyed by first unit, then by what follows each unit up to the
    end of the next one (the whitespace between them included, so a phrase matches only
    with the same spacing): a text unit that starts no phrase costs one dict lookup, and
    one that does costs one more per unit of the longest phrase matching there."""

    def __init__(self, entries: Iterable[tuple[str, str]] = ()) -> None:
        # A node is a dict: the next key -> the child node, and _PHRASE -> the phrase
        # ending there (Any: a phrase or a node, which a type cannot tell apart).
        self._first: dict[str, Any] = {}
        self.labels: dict[str, str] = {}  # phrase -> label
        self._longest = 0
        for phrase, label in entries:
            self.add(phrase, label)

    def __len__(self) -> int:
        return len(self.labels)

    def add(self, phrase: str, label: str) -> bool:
        """Add one phrase; False when it has no unit or is there already."""
        phrase = phrase.strip()
        if not phrase or phrase in self.labels:
            return False
        found = list(unit_pattern().finditer(phrase))
        keys = [found[0][0]] + [phrase[before.end():unit.end()]
                                for before, unit in pairwise(found)]
        node = self._first
        for key in keys:
            node = node.setdefault(key, {})
        node[_PHRASE] = phrase
        self.labels[phrase] = label
        self._longest = max(self._longest, len(phrase))
        return True

    @property
    def longest(self) -> int:
        """The length of the longest phrase, in code points."""
        return self._longest

    def find(self, text: str, window_size: int = 0) -> Iterator[Match]:
        """Every match in `text`, left to right, none overlapping another (`window_size`:
        other than `WINDOW`, for tests)."""
        labels = self.labels
        for start, end, phrase in leftmost_longest(self.every(text, window_size)):
            yield Match(start, end, labels[phrase], phrase)

    def every(self, text: str, window_size: int = 0) -> Iterator[tuple[int, int, str]]:
        """(start, end, phrase) of every occurrence of every phrase, overlapping ones too,
        in no particular order."""
        if len(self.labels) <= FEW:
            for phrase in self.labels:
                for start, end in find_occurrences(text, phrase, overlapping=True):
                    yield start, end, phrase
            return
        for window in windows(text, self._longest, window_size):
            yield from self.in_window(window)

    def in_window(self, window: Window) -> list[tuple[int, int, str]]:
        """(start, end, phrase) of the occurrences starting in `window` (from its start to
        its cut), in offsets of the whole text, by the trie. (The loop that makes a 3 MB
        article's suggestions take half a second: kept lean on purpose.)"""
        first = self._first
        found: list[tuple[int, int, str]] = []
        if not first:
            return found
        chunks, words = window.units.chunks, window.units.words
        starting = list(compress(range(len(words)), map(first.__contains__, words)))
        if not starting:
            return found
        ends = window.units.ends()
        text = window.units.text
        size, count = len(text), len(chunks)
        offset, last = window.start, window.cut - window.start
        append = found.append
        for index in starting:
            # Walk first (most candidates, "the" of "the Hague", end at once), then check
            # the edges of what was found.
            node = first[words[index]]
            hits: list[tuple[int, str]] = []
            following = index
            while True:
                phrase = node.get(_PHRASE)
                if phrase is not None:
                    hits.append((following, phrase))
                following += 1
                if following == count:
                    break
                node = node.get(chunks[following])
                if node is None:
                    break
            if not hits:
                continue
            start = ends[index] - len(words[index])
            if start >= last:
                break
            if start and not text[start - 1] < "\x80" > text[start] \
                    and not is_start(text, start):
                continue
            for following, phrase in hits:
                end = ends[following]
                if end == size or text[end - 1] < "\x80" > text[end] or is_end(text, end):
                    append((offset + start, offset + end, phrase))
        return found


WINDOW = 1 << 16
"""Code points cut into units at a time: the units of a 3 MB text at once would take
~100 MB for a moment."""
_SPACE = re.compile(r"\s")


@dataclass(frozen=True)
class Window:
    """A piece of a text, cut into units: occurrences starting in [start, cut) are its
    own; it reaches on to `end`, past any phrase starting before `cut`. `start`, `cut` and
    `end` are at whitespace (or the text's ends), where no unit is ever cut."""

    start: int
    cut: int
    end: int
    units: Units


def windows(text: str, reach: int, size: int = 0) -> Iterator[Window]:
    """The text's windows in order, each reaching `reach` code points past its cut;
    `size` code points each (0: `WINDOW`)."""
    size = size or WINDOW
    length = len(text)

    def space_from(position: int) -> int:
        if position >= length:
            return length
        found = _SPACE.search(text, position)
        return found.start() if found else length

    start = 0
    while start < length:
        cut = space_from(start + size)
        end = space_from(cut + reach) if cut < length else length
        yield Window(start, cut, end, Units(text[start:end]))
        start = cut
