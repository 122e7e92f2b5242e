"""Comparing one annotator's spans with everyone else's on a document (adjudication): which
spans disagree, and how, in words for the status line. Pure functions of the spans, so
what the screen says is tested without an App."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from enum import Enum
from typing import NamedTuple

from reader.annotate.span_index import Span, SpanIndex


class Kind(Enum):
    """How a span disagrees with the other side, worst surprise last in reading order."""

    MISSING = "missing"  # the other side has nothing like it
    OTHER_LABEL = "other label"  # the other side has the same words under another label
    OTHER_BOUNDARIES = "other boundaries"  # the same label over other words that overlap


class Disagreement(NamedTuple):
    """A span with no exact counterpart, how it differs, and the other side's spans it
    differs from (none when it is missing there)."""

    span: Span
    kind: Kind
    counterparts: tuple[Span, ...] = ()


def disagreements(spans: Iterable[Span]) -> list[Span]:
    """Spans with no exact counterpart (same start, end and label) on the other side: own
    spans nobody else has, and others' spans the current annotator lacks. In text order."""
    spans = list(spans)
    own_keys = {(s.start, s.end, s.label) for s in spans if s.own}
    other_keys = {(s.start, s.end, s.label) for s in spans if not s.own}
    found = [s for s in spans
             if (s.start, s.end, s.label) not in (other_keys if s.own else own_keys)]
    return sorted(found, key=lambda s: (s.start, s.end, s.label, s.annotator))


def classify(index: SpanIndex) -> dict[str, Disagreement]:
    """Every disagreeing span of `index` by uid, with its kind: the same words under another
    label first, then the same label over overlapping words, else missing."""
    found: dict[str, Disagreement] = {}
    for span in disagreements(index):
        other_side = [s for s in index.overlapping(span.start, span.end)
                      if s.own != span.own]
        relabelled = tuple(s for s in other_side
                           if (s.start, s.end) == (span.start, span.end))
        if relabelled:
            found[span.uid] = Disagreement(span, Kind.OTHER_LABEL, relabelled)
            continue
        moved = tuple(s for s in other_side if s.label == span.label)
        found[span.uid] = (Disagreement(span, Kind.OTHER_BOUNDARIES, moved) if moved
                           else Disagreement(span, Kind.MISSING))
    return found


def _who(span: Span) -> str:
    return "you" if span.own else span.annotator


def describe(found: Disagreement, quote: Callable[[Span], str]) -> str:
    """The disagreement in a few words: `missing: only bob`, `other label: you actor, bob
    topic`, `other boundaries: you “Sergey Lavrov”, bob “Lavrov”` (`quote` gives a span's
    words, already made safe to show)."""
    span = found.span
    if found.kind is Kind.MISSING:
        return f"missing: only {_who(span)}"
    sides = [span, *found.counterparts]
    if found.kind is Kind.OTHER_LABEL:
        parts = _unique(f"{_who(s)} {s.label}" for s in sides)
    else:
        parts = _unique(f"{_who(s)} {quote(s)}" for s in sides)
    return f"{found.kind.value}: {', '.join(parts)}"


def summary(found: Mapping[str, Disagreement]) -> str:
    """`2 missing, 2 other label, 1 other boundaries` (or `no disagreements`): short, as
    it shares the status line with the position."""
    if not found:
        return "no disagreements"
    counts = {kind: 0 for kind in Kind}
    for disagreement in found.values():
        counts[disagreement.kind] += 1
    return ", ".join(f"{count} {kind.value}" for kind, count in counts.items() if count)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
