"""Search in a document: every occurrence of a query, smart case, as exact offsets.

Smart case: a query with a capital letter matches exactly, any other ignores case the way
`re.IGNORECASE` does (so `s` also finds the long s U+017F, `k` the Kelvin sign U+212A). The
matches are those of `re.finditer(re.escape(query), text, flags)`: leftmost, not
overlapping, each exactly `len(query)` code points long (IGNORECASE compares one code point
with one), so a match is stored as its start alone, in an `array('q')`.

A search runs a chunk at a time (`Search.steps`), so a worker can report progress and stop
between chunks, each a few milliseconds of work. Ignoring case, a regular expression tries
a match at every position (1-2 s for 100 MB); for a query of latin-1 characters a chunk is
instead turned into one byte per code point and searched with the fast literal search,
which finds exactly the same matches (see `_ByteNeedle`). No Textual in here.
"""

from __future__ import annotations

import operator
import re
import sys
from array import array
from collections.abc import Iterator, Sequence
from functools import lru_cache
from itertools import repeat
from typing import NamedTuple, overload

CHUNK_SIZE = 1 << 17  # code points per step: a few milliseconds even when every word matches


class Match(NamedTuple):
    start: int
    end: int


def is_case_sensitive(query: str) -> bool:
    """Smart case: a capital letter anywhere in the query makes the search exact."""
    return any(char.isupper() for char in query)


def compile_query(query: str) -> re.Pattern[str]:
    """The reference pattern: what every match must be, whatever path found it."""
    return re.compile(re.escape(query), 0 if is_case_sensitive(query) else re.IGNORECASE)


class SearchResult(Sequence[Match]):
    """The matches of one query, in text order; `complete` once the whole text was searched.

    It compares equal to any sequence of the same matches (an empty result == [])."""

    __slots__ = ("complete", "length", "query", "starts")

    def __init__(self, query: str, starts: array[int] | None = None, *,
                 complete: bool = True) -> None:
        self.query = query
        self.length = len(query)
        self.starts: array[int] = starts if starts is not None else array("q")
        self.complete = complete

    @overload
    def __getitem__(self, index: int) -> Match: ...

    @overload
    def __getitem__(self, index: slice) -> list[Match]: ...

    def __getitem__(self, index: int | slice) -> Match | list[Match]:
        if isinstance(index, slice):
            return [Match(start, start + self.length) for start in self.starts[index]]
        start = self.starts[index]
        return Match(start, start + self.length)

    def __len__(self) -> int:
        return len(self.starts)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SearchResult):
            return self.length == other.length and self.starts == other.starts
        if isinstance(other, Sequence) and not isinstance(other, str | bytes):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other,
                                                                          strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable while a search fills it

    def __repr__(self) -> str:
        return f"SearchResult({self.query!r}, {len(self)} matches, complete={self.complete})"


class Search:
    """One search of one text, run chunk by chunk.

    `steps()` yields the fraction of the text searched after each chunk; `result` holds
    the matches found so far (the same object all along, complete at the end)."""

    def __init__(self, text: str, query: str, *, chunk_size: int = CHUNK_SIZE) -> None:
        self.text = text
        self.query = query
        self.chunk_size = max(chunk_size, 1)
        self.result = SearchResult(query, complete=False)
        self.position = 0  # everything before this offset has been searched
        self._pattern = compile_query(query)
        self._bytes: _ByteNeedle | None = None
        # Small texts (one chunk) go straight to `re`: nothing to gain from the byte path,
        # and its one-off tables would cost more than the whole search.
        if query and not is_case_sensitive(query) and len(text) > self.chunk_size:
            self._bytes = _ByteNeedle.for_query(query)

    @property
    def fraction(self) -> float:
        return self.position / len(self.text) if self.text else 1.0

    @property
    def done(self) -> bool:
        return self.result.complete

    def steps(self) -> Iterator[float]:
        """Search the rest of the text a chunk at a time, yielding the fraction done."""
        text, length, starts = self.text, len(self.query), self.result.starts
        if not self.query:
            self.position = len(text)
        while self.position < len(text):
            pos = self.position
            end = min(pos + self.chunk_size, len(text))
            # A match starting before `end` ends before `limit`; none can start after it.
            limit = min(end + length - 1, len(text))
            before = len(starts)
            self._search_chunk(pos, limit)
            self.position = max(end, starts[-1] + length) if len(starts) > before else end
            yield self.fraction
        self.result.complete = True

    def run(self) -> SearchResult:
        """The whole search at once (for short texts, tests and benchmarks)."""
        for _fraction in self.steps():
            pass
        return self.result

    def _search_chunk(self, pos: int, limit: int) -> None:
        found = self._bytes.starts_in(self.text, pos, limit) if self._bytes else None
        if found is None:  # case-sensitive, or a chunk the byte path cannot answer for
            found = array("q", map(re.Match.start, self._pattern.finditer(self.text, pos, limit)))
        self.result.starts.extend(found)


def find_all(text: str, query: str) -> SearchResult:
    """Every match of `query` in `text` (smart case), searched at once."""
    return Search(text, query).run()


# --- the byte path -------------------------------------------------------------------------


class _ByteNeedle:
    """A case-insensitive query made of latin-1 characters, searched in latin-1 bytes.

    A chunk is encoded one byte per code point: latin-1, with every other character as `?`
    (the query has none). Both sides go through `_fold()`, which maps each latin-1
    character to one representative of those IGNORECASE matches it with, so a byte of the
    chunk equals a byte of the needle exactly when `re` would match the two characters.
    A character outside latin-1 cannot match a latin-1 query character, except for the few
    that IGNORECASE pairs with one (U+017F long s with `s`, U+212A Kelvin sign with `k`,
    U+0130 and U+0131 with `i`, U+212B Angstrom sign with `å`...): a chunk holding one of
    the query's partners goes to `re`."""

    def __init__(self, query: str, partners: tuple[str, ...]) -> None:
        self.needle = query.encode("latin-1").translate(_fold())
        self.pattern = re.compile(re.escape(self.needle))
        self.partners = partners

    @classmethod
    def for_query(cls, query: str) -> _ByteNeedle | None:
        """The needle, or None when the query has a character the byte path cannot
        stand for (beyond latin-1, or `?`, the stand-in): then `re` searches every chunk."""
        if "?" in query or any(char > "\xff" for char in query):
            return None
        partners = _latin1_partners()
        found = {partner for char in set(query) for partner in partners.get(char, ())}
        return cls(query, tuple(sorted(found)))

    def starts_in(self, text: str, pos: int, limit: int) -> array[int] | None:
        """Match starts in text[pos:limit], or None if `re` must search this chunk."""
        if any(text.find(char, pos, limit) != -1 for char in self.partners):
            return None
        data = text[pos:limit].encode("latin-1", "replace").translate(_fold())
        if self.needle not in data:  # the usual case, and faster than the regex scan
            return array("q")
        offsets = map(re.Match.start, self.pattern.finditer(data))
        return array("q", map(operator.add, offsets, repeat(pos)))


_LATIN1 = bytes(range(256)).decode("latin-1")


@lru_cache(maxsize=1)
def _fold() -> bytes:
    """A `bytes.translate` table: each latin-1 character to the smallest character that
    IGNORECASE matches with it (`a` and `A` to `A`, `é` and `É` to `É`)."""
    table = bytearray(range(256))
    for char in _LATIN1:
        members = re.findall(re.escape(char), _LATIN1, re.IGNORECASE)
        table[ord(char)] = ord(min(members))
    # The table stands for `re` only if matching is an equivalence on latin-1; it is, in
    # every Python so far, and a test checks it pairwise.
    return bytes(table)


@lru_cache(maxsize=1)
def _latin1_partners() -> dict[str, tuple[str, ...]]:
    """Latin-1 character -> the characters beyond latin-1 that IGNORECASE matches with it."""
    codes = array("I", range(256, sys.maxunicode + 1))
    if sys.byteorder != "little":
        codes.byteswap()
    beyond = codes.tobytes().decode("utf-32-le", "surrogatepass")
    found: dict[str, list[str]] = {}
    for match in re.finditer("[\\x00-\\xff]", beyond, re.IGNORECASE):
        partner = match.group()
        for char in re.findall(re.escape(partner), _LATIN1, re.IGNORECASE):
            found.setdefault(char, []).append(partner)
    return {char: tuple(partners) for char, partners in found.items()}


__all__ = ["CHUNK_SIZE", "Match", "Search", "SearchResult", "compile_query", "find_all",
           "is_case_sensitive"]
