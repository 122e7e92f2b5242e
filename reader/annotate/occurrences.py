"""What `*` (annotate all occurrences) would tag, worked out apart from writing it: in this
document from the spans shown, or in every document of the database on a connection of
its own. Both are safe to run in a worker thread; `AnnotationSession.tag_all` and
`tag_all_in_corpus` then commit the result in one transaction. Textual-free."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reader.annotate.span_index import Span, SpanIndex
from reader.errors import ReaderError
from reader.store.annotations import label_ranges
from reader.store.documents import iter_texts
from reader.text.matching import untagged_occurrences

ASK_ABOVE = 20
"""More occurrences than this, and `*` asks before tagging them."""


@dataclass(frozen=True, slots=True)
class Occurrences:
    """The untagged occurrences of `source`'s text in its document, by document id (only
    that one, or with `corpus` every document of the database that has some)."""

    source: Span
    text: str  # the source span's text
    ranges: dict[int, list[tuple[int, int]]]
    corpus: bool = False

    @property
    def count(self) -> int:
        return sum(len(found) for found in self.ranges.values())


def in_document(document_id: int, text: str, spans: SpanIndex, source: Span, *,
                whole_word: bool = True) -> Occurrences:
    """The occurrences of `source`'s text in `text` that `*` tags: not overlapping any of
    its annotator's spans with that label (`source` among them)."""
    taken = sorted((span.start, span.end) for span in spans
                   if span.own and span.label == source.label)
    found = untagged_occurrences(text, source.start, source.end, taken, whole_word=whole_word)
    return Occurrences(source, text[source.start:source.end],
                       {document_id: found} if found else {})


def in_corpus(path: str, annotator: str, needle: str, source: Span, *,
              whole_word: bool = True,
              cancelled: Callable[[], bool] = lambda: False) -> Occurrences | None:
    """The same over every document of the database at `path`, read on a connection of
    its own (a worker thread's); None if `cancelled` said so between documents."""
    from reader.store.database import open_for_reading

    if not path:
        raise ReaderError("the database has no file to read from")
    conn = open_for_reading(Path(path))
    try:
        taken = label_ranges(conn, annotator, source.label)
        ranges: dict[int, list[tuple[int, int]]] = {}
        for document_id, text in iter_texts(conn):
            if cancelled():
                return None
            start = text.find(needle)
            if start < 0:
                continue
            # `untagged_occurrences` takes the needle as a slice of the text: this one's.
            found = untagged_occurrences(text, start, start + len(needle),
                                         taken.get(document_id, []), whole_word=whole_word)
            if found:
                ranges[document_id] = found
    except sqlite3.Error as error:
        raise ReaderError(f"could not read the documents: {error}") from error
    finally:
        conn.close()
    return Occurrences(source, needle, ranges, corpus=True)
