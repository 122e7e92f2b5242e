"""Comparing one annotator's spans with everyone else's on a document (adjudication)."""

from __future__ import annotations

from collections.abc import Iterable

from reader.annotate.span_index import Span


def disagreements(spans: Iterable[Span]) -> list[Span]:
    """Spans with no exact counterpart (same start, end and label) on the other side: own
    spans nobody else has, and others' spans the current annotator lacks. In text order."""
    spans = list(spans)
    own_keys = {(s.start, s.end, s.label) for s in spans if s.own}
    other_keys = {(s.start, s.end, s.label) for s in spans if not s.own}
    found = [s for s in spans
             if (s.start, s.end, s.label) not in (other_keys if s.own else own_keys)]
    return sorted(found, key=lambda s: (s.start, s.end, s.label, s.annotator))
