"""Inter-annotator agreement between two annotators' spans: exact and partial span F1 and
token-level Cohen's kappa, per label and overall, plus the disagreements per document.

Pure logic, no database and no UI. Built to stream: each document is tokenized once, each
annotator's spans in it are prepared once (`prepare`), and any number of pairs consume them
(`PairAgreement.add`). Every step is a sort, a bisect or a linear sweep, never a loop over
pairs of spans, so a million spans take seconds. The definitions are in docs/team.md."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import accumulate
from math import fsum
from operator import itemgetter
from typing import NamedTuple

from reader.team.unitizing import Unitizing, UnitSet
from reader.text import tokens


class Span(NamedTuple):
    """A labelled span, offsets in code points, end exclusive."""

    start: int
    end: int
    label: str


class TokenBounds(NamedTuple):
    """Token starts and ends of one document, ascending, for bisecting."""

    starts: list[int]
    ends: list[int]


def token_bounds(text: str) -> TokenBounds:
    """The document's tokens from the project's single tokenizer, as two sorted lists."""
    return TokenBounds(*tokens.token_bounds(text))


class LabelSpans:
    """One annotator's spans of one label in one document, ready for sweeps and bisects.

    Token intervals are half-open ranges of token indices; a span covers the tokens it
    overlaps by at least one character."""

    __slots__ = ("_reach", "_starts", "_unitized", "spans", "token_count", "token_intervals")

    def __init__(self) -> None:
        self.spans: list[tuple[int, int, str]] = []
        """Distinct (start, end, label), sorted."""
        self.token_intervals: list[tuple[int, int]] = []
        """The union of the spans' token intervals: disjoint, sorted."""
        self.token_count = 0
        self._starts: list[int] | None = None
        self._reach: list[int] | None = None
        self._unitized: UnitSet | None = None

    @property
    def starts(self) -> list[int]:
        if self._starts is None:
            self._starts = list(map(itemgetter(0), self.spans))
        return self._starts

    @property
    def reach(self) -> list[int]:
        """reach[i]: the furthest end among spans[: i + 1] (built only when a pair needs it)."""
        if self._reach is None:
            self._reach = list(accumulate(map(itemgetter(1), self.spans), max))
        return self._reach

    @property
    def unitized(self) -> UnitSet:
        """The spans as alpha_U's disjoint units (built only when a pair needs them)."""
        if self._unitized is None:
            self._unitized = UnitSet(self.spans)
        return self._unitized


@dataclass(frozen=True, slots=True)
class AnnotatorDocument:
    """One annotator's spans in one document, prepared once and shared by every pair."""

    spans: frozenset[tuple[int, int, str]]
    labels: dict[str, LabelSpans]
    segments: list[tuple[int, int, str]]
    """One label per token: disjoint, sorted token intervals (see `prepare` for who wins)."""
    class_counts: dict[str, int]
    """Tokens per label in `segments`."""


def prepare(spans: Iterable[tuple[int, int, str]], bounds: TokenBounds) -> AnnotatorDocument:
    """Group, deduplicate and map to tokens one annotator's spans of one document.

    Where spans with different labels cover the same token, the token's single category
    (for the overall kappa) comes from the span that starts first, then the shorter, then
    the label first in alphabetical order: plain tuple order, so no sort key is needed."""
    distinct = frozenset(spans)
    starts, ends = bounds
    labels: dict[str, LabelSpans] = {}
    segments: list[tuple[int, int, str]] = []
    class_counts: dict[str, int] = {}
    frontier = 0
    for span in sorted(distinct):
        start, end, label = span
        group = labels.get(label)
        if group is None:
            group = labels[label] = LabelSpans()
        group.spans.append(span)
        first = bisect_right(ends, start)  # first token ending after the span starts
        stop = bisect_left(starts, end)  # first token starting at or after the span ends
        if first >= stop:
            continue  # covers no token (whitespace only): counts for F1, not for kappa
        intervals = group.token_intervals
        if intervals and first <= intervals[-1][1]:
            last = intervals[-1][1]
            if stop > last:
                group.token_count += stop - last
                intervals[-1] = (intervals[-1][0], stop)
        else:
            intervals.append((first, stop))
            group.token_count += stop - first
        # Spans come by start: a token already claimed by an earlier span stays with it.
        if stop > frontier:
            if first < frontier:
                first = frontier
            segments.append((first, stop, label))
            class_counts[label] = class_counts.get(label, 0) + stop - first
            frontier = stop
    return AnnotatorDocument(distinct, labels, segments, class_counts)


@dataclass(slots=True)
class LabelTally:
    """Counts for one label summed over documents; every score is derived from these."""

    spans_a: int = 0
    spans_b: int = 0
    exact: int = 0
    """Spans both annotators have, same start, end and label."""
    partial_a: int = 0
    """A's spans overlapping at least one of B's spans with the same label."""
    partial_b: int = 0
    tokens_a: int = 0
    """Tokens A covers with this label (binary, multi-label aware)."""
    tokens_b: int = 0
    tokens_both: int = 0
    class_a: int = 0
    """Tokens whose single category (for the overall kappa) is this label in A."""
    class_b: int = 0
    class_both: int = 0

    def add(self, other: LabelTally) -> None:
        for name in self.__slots__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


class LabelMismatch(NamedTuple):
    start: int
    end: int
    label_a: str
    label_b: str
    text: str


class OneSided(NamedTuple):
    start: int
    end: int
    label: str
    text: str


@dataclass(slots=True)
class DocumentDisagreements:
    """Where two annotators differ in one document: spans only one of them has, and the
    same offsets with different labels."""

    document_id: int
    only_a: list[OneSided] = field(default_factory=list)
    only_b: list[OneSided] = field(default_factory=list)
    label_mismatches: list[LabelMismatch] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.only_a) + len(self.only_b) + len(self.label_mismatches)


@dataclass(frozen=True, slots=True)
class Scores:
    """Agreement for one label (or overall). A score is None where it is undefined."""

    label: str | None
    """None for the overall row."""
    spans_a: int
    spans_b: int
    exact_matches: int
    exact_f1: float | None
    partial_matched_a: int
    partial_matched_b: int
    partial_f1: float | None
    kappa: float | None
    alpha_u: float | None
    """Krippendorff's unitizing alpha (reader/team/unitizing.py)."""


@dataclass(frozen=True, slots=True)
class DocumentAgreement:
    """One compared document's figures, to find the documents that need curation first."""

    document_id: int
    spans_a: int
    spans_b: int
    exact_f1: float | None
    alpha_u: float | None
    only_a: int
    only_b: int
    label_mismatches: int

    @property
    def disagreements(self) -> int:
        return self.only_a + self.only_b + self.label_mismatches


def worst_first(row: DocumentAgreement) -> tuple[bool, float, bool, float, int, int]:
    """Lowest alpha_U first, then lowest exact F1, then most disagreements; documents with
    nothing to agree on (no span by either) last."""
    return (row.alpha_u is None, row.alpha_u or 0.0, row.exact_f1 is None,
            row.exact_f1 or 0.0, -row.disagreements, row.document_id)


@dataclass(frozen=True, slots=True)
class PairResult:
    annotator_a: str
    annotator_b: str
    documents: int
    tokens: int
    labels: list[Scores]
    overall: Scores
    disagreements: list[DocumentDisagreements]
    """Only documents with at least one disagreement, in document order."""
    by_document: list[DocumentAgreement]
    """Every compared document, worst agreement first (see `worst_first`)."""
    alpha_u_document_mean: float | None
    """The mean of the documents' alpha_U where defined: INCEpTION's summary figure."""
    alpha_u_left_out: int
    """Spans left out of alpha_U for overlapping one of the same label and annotator."""


def f1(matched_a: int, total_a: int, matched_b: int, total_b: int) -> float | None:
    """Harmonic mean of recall (matched_a / total_a) and precision (matched_b / total_b),
    taking A as the reference; swapping A and B swaps the two, so F1 is symmetric.
    None when neither side has a span; 0 when only one side has any."""
    if total_a + total_b == 0:
        return None
    if total_a == 0 or total_b == 0 or matched_a + matched_b == 0:
        return 0.0
    recall = matched_a / total_a
    precision = matched_b / total_b
    return 2 * precision * recall / (precision + recall)


def cohen_kappa(agree: int, expected_products: int, total: int) -> float | None:
    """(p_o - p_e) / (1 - p_e) in exact integers: `agree` tokens on the diagonal and
    `expected_products` = sum over categories of (A's count x B's count). None when
    undefined: no tokens, or both annotators put every token in one and the same category."""
    denominator = total * total - expected_products
    if total == 0 or denominator == 0:
        return None
    return (total * agree - expected_products) / denominator


def _count_overlapping(
    spans: list[tuple[int, int, str]], other_starts: list[int], other_reach: list[int]
) -> int:
    """How many of `spans` overlap at least one other span: bisect for the others starting
    before the span ends, then compare the furthest end among them with the span's start."""
    count = 0
    for start, end, _ in spans:
        before = bisect_left(other_starts, end)
        if before and other_reach[before - 1] > start:
            count += 1
    return count


def _intersection(first: list[tuple[int, int]], second: list[tuple[int, int]]) -> int:
    """Total length shared by two sorted lists of disjoint intervals (linear merge)."""
    shared = i = j = 0
    count_first, count_second = len(first), len(second)
    while i < count_first and j < count_second:
        low_a, high_a = first[i]
        low_b, high_b = second[j]
        low = low_a if low_a > low_b else low_b
        if high_a < high_b:
            high = high_a
            i += 1
        else:
            high = high_b
            j += 1
        if high > low:
            shared += high - low
    return shared


class PairAgreement:
    """Agreement of annotator A with annotator B, accumulated document by document."""

    def __init__(self, annotator_a: str, annotator_b: str) -> None:
        self.annotator_a = annotator_a
        self.annotator_b = annotator_b
        self.documents = 0
        self.tokens = 0
        self.tallies: dict[str, LabelTally] = {}
        self.labelled_by_both = 0
        """Tokens both annotators labelled, whatever the labels (for the overall kappa)."""
        self.disagreements: list[DocumentDisagreements] = []
        self.unitizing = Unitizing(2)
        self.by_document: list[DocumentAgreement] = []

    def _tally(self, label: str) -> LabelTally:
        tally = self.tallies.get(label)
        if tally is None:
            tally = self.tallies[label] = LabelTally()
        return tally

    def add(
        self,
        document_id: int,
        text: str,
        bounds: TokenBounds,
        a: AnnotatorDocument,
        b: AnnotatorDocument,
    ) -> None:
        """Count one document both annotators annotated (`text` only quotes disagreements)."""
        self.documents += 1
        self.tokens += len(bounds.starts)
        tally_for = self._tally
        for label in a.labels.keys() | b.labels.keys():
            tally = tally_for(label)
            mine = a.labels.get(label)
            theirs = b.labels.get(label)
            if mine is not None:
                tally.spans_a += len(mine.spans)
                tally.tokens_a += mine.token_count
            if theirs is not None:
                tally.spans_b += len(theirs.spans)
                tally.tokens_b += theirs.token_count
            if mine is not None and theirs is not None:
                tally.partial_a += _count_overlapping(mine.spans, theirs.starts, theirs.reach)
                tally.partial_b += _count_overlapping(theirs.spans, mine.starts, mine.reach)
                if mine.token_count and theirs.token_count:
                    tally.tokens_both += _intersection(mine.token_intervals,
                                                       theirs.token_intervals)
        found = None
        if a.spans == b.spans:
            both = a.spans
        else:
            both = a.spans & b.spans
            found = self._add_disagreements(document_id, text, a.spans, b.spans)
        self._add_document(document_id, len(text), a, b, len(both), found)
        for label, count in Counter(map(itemgetter(2), both)).items():
            self.tallies[label].exact += count
        for label, count in a.class_counts.items():
            self.tallies[label].class_a += count
        for label, count in b.class_counts.items():
            self.tallies[label].class_b += count
        self._add_segment_overlaps(a.segments, b.segments)

    def _add_segment_overlaps(
        self, first: list[tuple[int, int, str]], second: list[tuple[int, int, str]]
    ) -> None:
        """Walk both annotators' one-label-per-token segments together (a linear merge):
        tokens both labelled, and those they labelled alike."""
        i = j = both = 0
        count_first, count_second = len(first), len(second)
        tallies = self.tallies
        while i < count_first and j < count_second:
            low_a, high_a, label_a = first[i]
            low_b, high_b, label_b = second[j]
            low = low_a if low_a > low_b else low_b
            if high_a < high_b:
                high = high_a
                i += 1
            else:
                high = high_b
                j += 1
            if high > low:
                both += high - low
                if label_a == label_b:
                    tallies[label_a].class_both += high - low
        self.labelled_by_both += both

    def _add_document(self, document_id: int, length: int, a: AnnotatorDocument,
                      b: AnnotatorDocument, exact: int,
                      found: DocumentDisagreements | None) -> None:
        """The document's own row, and its units into the pair's alpha_U."""
        alpha_u = self.unitizing.add(length, (
            {label: group.unitized for label, group in a.labels.items()},
            {label: group.unitized for label, group in b.labels.items()},
        ))
        spans_a, spans_b = len(a.spans), len(b.spans)
        self.by_document.append(DocumentAgreement(
            document_id, spans_a, spans_b, f1(exact, spans_a, exact, spans_b), alpha_u,
            len(found.only_a) if found else 0, len(found.only_b) if found else 0,
            len(found.label_mismatches) if found else 0,
        ))

    def _add_disagreements(
        self,
        document_id: int,
        text: str,
        a: frozenset[tuple[int, int, str]],
        b: frozenset[tuple[int, int, str]],
    ) -> DocumentDisagreements:
        """Spans of one side without an identical span on the other; the same offsets with
        different labels pair up as a label mismatch (in label order when there are several)."""
        unmatched_b: dict[tuple[int, int], list[str]] = {}
        for start, end, label in sorted(b - a):
            unmatched_b.setdefault((start, end), []).append(label)
        found = DocumentDisagreements(document_id)
        for start, end, label in sorted(a - b):
            other_labels = unmatched_b.get((start, end))
            if other_labels:
                found.label_mismatches.append(
                    LabelMismatch(start, end, label, other_labels.pop(0), text[start:end])
                )
            else:
                found.only_a.append(OneSided(start, end, label, text[start:end]))
        for (start, end), labels in unmatched_b.items():
            for label in labels:
                found.only_b.append(OneSided(start, end, label, text[start:end]))
        self.disagreements.append(found)
        return found

    def merge(self, other: PairAgreement) -> None:
        """Add the counts of the same pair over other documents (that come after ours)."""
        self.documents += other.documents
        self.tokens += other.tokens
        self.labelled_by_both += other.labelled_by_both
        for label, tally in other.tallies.items():
            self._tally(label).add(tally)
        self.disagreements.extend(other.disagreements)
        self.unitizing.merge(other.unitizing)
        self.by_document.extend(other.by_document)

    def result(self, labels: Iterable[str] | None = None) -> PairResult:
        """The scores; `labels` adds rows for labels that may have no span at all."""
        names = sorted(self.tallies.keys() | set(labels or ()))
        unitized = self.unitizing.result()
        rows = [self._scores(name, self.tallies.get(name, LabelTally()),
                             unitized.labels.get(name)) for name in names]
        documents_alpha = [row.alpha_u for row in self.by_document if row.alpha_u is not None]
        return PairResult(
            self.annotator_a,
            self.annotator_b,
            self.documents,
            self.tokens,
            rows,
            self._overall(unitized.overall),
            self.disagreements,
            sorted(self.by_document, key=worst_first),
            fsum(documents_alpha) / len(documents_alpha) if documents_alpha else None,
            unitized.left_out,
        )

    def _scores(self, label: str, tally: LabelTally, alpha_u: float | None) -> Scores:
        total = self.tokens
        agree = tally.tokens_both + (total - tally.tokens_a - tally.tokens_b + tally.tokens_both)
        expected = tally.tokens_a * tally.tokens_b + (total - tally.tokens_a) * (
            total - tally.tokens_b
        )
        return Scores(
            label,
            tally.spans_a,
            tally.spans_b,
            tally.exact,
            f1(tally.exact, tally.spans_a, tally.exact, tally.spans_b),
            tally.partial_a,
            tally.partial_b,
            f1(tally.partial_a, tally.spans_a, tally.partial_b, tally.spans_b),
            cohen_kappa(agree, expected, total),
            alpha_u,
        )

    def _overall(self, alpha_u: float | None) -> Scores:
        tallies = self.tallies.values()
        spans_a = sum(t.spans_a for t in tallies)
        spans_b = sum(t.spans_b for t in tallies)
        exact = sum(t.exact for t in tallies)
        partial_a = sum(t.partial_a for t in tallies)
        partial_b = sum(t.partial_b for t in tallies)
        total = self.tokens
        outside_a = total - sum(t.class_a for t in tallies)
        outside_b = total - sum(t.class_b for t in tallies)
        # Tokens outside in both = all tokens minus those either annotator labelled.
        labelled_by_either = (total - outside_a) + (total - outside_b) - self.labelled_by_both
        agree = sum(t.class_both for t in tallies) + (total - labelled_by_either)
        expected = sum(t.class_a * t.class_b for t in tallies) + outside_a * outside_b
        return Scores(
            None,
            spans_a,
            spans_b,
            exact,
            f1(exact, spans_a, exact, spans_b),
            partial_a,
            partial_b,
            f1(partial_a, spans_a, partial_b, spans_b),
            cohen_kappa(agree, expected, total),
            alpha_u,
        )


def compare(
    texts: Mapping[int, str],
    spans_a: Iterable[tuple[int, int, int, str]],
    spans_b: Iterable[tuple[int, int, int, str]],
    annotators: tuple[str, str] = ("a", "b"),
) -> PairResult:
    """Agreement over the documents in `texts`, from (document_id, start, end, label) spans:
    the simple entry point for scripts and tests (the CLI streams from the database)."""
    grouped_a: dict[int, list[Span]] = {}
    grouped_b: dict[int, list[Span]] = {}
    for document_id, start, end, label in spans_a:
        grouped_a.setdefault(document_id, []).append(Span(start, end, label))
    for document_id, start, end, label in spans_b:
        grouped_b.setdefault(document_id, []).append(Span(start, end, label))
    pair = PairAgreement(*annotators)
    for document_id in sorted(texts):
        text = texts[document_id]
        bounds = token_bounds(text)
        pair.add(
            document_id,
            text,
            bounds,
            prepare(grouped_a.get(document_id, ()), bounds),
            prepare(grouped_b.get(document_id, ()), bounds),
        )
    return pair.result()
