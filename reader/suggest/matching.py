"""Finding many phrases at once in a text, on whole tokens, with exact code-point offsets.

Why a trie of tokens keyed by first token, and not Aho-Corasick (pyahocorasick is on PyPI)
or one big regex alternation: matching must be on whole words for Latin-script text and on
characters for CJK, and tokenizing gives both at once. The text is cut into tokens by one
compiled regex (in C); each token is looked up in a dict of the phrases that start with it,
and only then are the following tokens compared, so an offset is exactly where the
characters are. The cost is one dict lookup per token, whatever the number of phrases:
10,000 phrases cost about what 10 do, and a 3 MB article takes well under a second
(benchmarks/bench_suggest.py). A long text is cut into tokens a window at a time
(`windows`), so its tokens never all sit in memory at once. An automaton would find
substrings inside words that must then be thrown away, and would be a compiled dependency
for every install; a regex alternation of 10,000 phrases is tried phrase by phrase at
every position.

(`*`, annotate all occurrences, looks for one phrase only: reader.text.occurrences does
that with `str.find`, to the same whole-word rules.)"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import accumulate, compress, pairwise
from typing import Any, NamedTuple

from reader.text.tokens import (
    _EMOJI_PART,
    _EMOJI_TAIL,
    _MARK,
    _ONE_PER_CHARACTER,
    _WORD,
)

# reader's tokenizer (reader.text.tokens, built from the same parts) but for one rule: an
# apostrophe between letters ends the word here, so "Lavrov" is found in "Lavrov's".
TOKEN = re.compile(
    "[\U0001F1E6-\U0001F1FF]{2}"
    "|[0-9#*]\uFE0F?\u20E3"
    f"|{_EMOJI_PART}{_EMOJI_TAIL}(?:\u200D{_EMOJI_PART}{_EMOJI_TAIL})*"
    f"|[{_ONE_PER_CHARACTER}]{_MARK}*"
    f"|(?:[^\\W_{_ONE_PER_CHARACTER}]|{_MARK})(?:[a-zA-Z0-9_]+|{_WORD}|{_MARK})*"
    f"|\\S{_MARK}*"
)
"""A token: a flag, a keycap, an emoji sequence, one character of a script written without
spaces (CJK, kana, Thai, Lao) with its marks, a word (letters, digits, underscores and the
marks on them), or any other visible character with its marks. Whitespace (spaces, tabs,
CR, LF) is never part of a token."""
_SPACED_TOKEN = re.compile(rf"\s*(?:{TOKEN.pattern})")  # a token and the whitespace before it


def tokens(text: str) -> list[str]:
    """The tokens of `text`, for tests and for reading a phrase."""
    return TOKEN.findall(text)


class Match(NamedTuple):
    start: int
    end: int
    label: str
    phrase: str


class Tokenized:
    """A text cut into chunks, each a token with the whitespace before it: the chunks tile
    the text, so their running lengths are the tokens' ends, and a phrase trie's keys after
    the first token are chunks. All of it runs in C."""

    def __init__(self, text: str) -> None:
        self.chunks: list[str] = _SPACED_TOKEN.findall(text)
        self.words: list[str] = list(map(str.lstrip, self.chunks))
        self._ends: list[int] | None = None

    def ends(self) -> list[int]:
        if self._ends is None:
            self._ends = list(accumulate(map(len, self.chunks)))
        return self._ends


_LABEL = ""  # the key under which a trie node keeps the label of the phrase ending there


class PhraseIndex:
    """Phrases (exact text, each with a label) to find on token boundaries.

    A phrase is stripped of surrounding whitespace; one without any token is ignored. When
    phrases overlap in a text the leftmost wins, and of those starting there the longest
    (a gazetteer's "longest match wins", as spaCy's `filter_spans`). A phrase listed twice
    keeps its first label.

    The phrases are a trie keyed by first token, then by what follows each token up to the
    end of the next one (the whitespace between them included, so a phrase matches only
    with the same spacing): a text token that starts no phrase costs one dict lookup, and
    one that does costs one more per token of the longest phrase matching there."""

    def __init__(self, entries: Iterable[tuple[str, str]] = ()) -> None:
        # A node is a dict: the next key -> the child node, and _LABEL -> the label of the
        # phrase ending there (Any: a label or a node, which a type cannot tell apart).
        self._first: dict[str, Any] = {}
        self._count = 0
        self._longest = 0
        for phrase, label in entries:
            self.add(phrase, label)

    def __len__(self) -> int:
        return self._count

    def add(self, phrase: str, label: str) -> bool:
        """Add one phrase; False when it has no token or is there already."""
        phrase = phrase.strip()
        found = list(TOKEN.finditer(phrase))
        if not found:
            return False
        keys = [found[0][0]] + [phrase[before.end():token.end()]
                                for before, token in pairwise(found)]
        node = self._first
        for key in keys:
            node = node.setdefault(key, {})
        if _LABEL in node:
            return False
        node[_LABEL] = label
        self._count += 1
        self._longest = max(self._longest, len(phrase))
        return True

    @property
    def longest(self) -> int:
        """The length of the longest phrase, in code points."""
        return self._longest

    def find(self, text: str, window_size: int = 0) -> Iterator[Match]:
        """Every match in `text`, left to right, none overlapping another (`window_size`:
        other than `WINDOW`, for tests)."""
        free = 0
        for window in windows(text, self._longest, window_size):
            for start, end, label in self.spans(window, free):
                yield Match(start, end, label, text[start:end])
                free = end

    def spans(self, window: Window, free: int = 0) -> Iterator[tuple[int, int, str]]:
        """(start, end, label) of the matches starting in `window` (from its start to its
        cut) and not before `free`, in offsets of the whole text: what suggesting needs."""
        first = self._first
        if not first:
            return
        chunks, words = window.tokens.chunks, window.tokens.words
        starting = list(compress(range(len(words)), map(first.__contains__, words)))
        if not starting:
            return
        ends = window.tokens.ends()
        count = len(chunks)
        offset, cut = window.start, window.cut
        skip = 0  # the first token a match may start on
        for index in starting:
            start = offset + ends[index] - len(words[index])
            if start >= cut:
                return
            if index < skip or start < free:
                continue
            node = first[words[index]]
            label = node.get(_LABEL)
            last = index if label is not None else -1
            following = index + 1
            # Go deeper while the node has children (keys other than _LABEL).
            while following < count and len(node) > (_LABEL in node):
                node = node.get(chunks[following])
                if node is None:
                    break
                if _LABEL in node:
                    label, last = node[_LABEL], following
                following += 1
            if last >= 0:
                yield start, offset + ends[last], label
                skip = last + 1


WINDOW = 1 << 16
"""Code points cut into tokens at a time: the tokens of a 3 MB text at once would take
~100 MB for a moment."""
_SPACE = re.compile(r"\s")


@dataclass(frozen=True)
class Window:
    """A piece of a text, cut into tokens: matches starting in [start, cut) are its own;
    it reaches on to `end`, past any phrase starting before `cut`. `start`, `cut` and `end`
    are at whitespace (or the text's ends), where no token is ever cut."""

    start: int
    cut: int
    end: int
    tokens: Tokenized


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
        yield Window(start, cut, end, Tokenized(text[start:end]))
        start = cut
