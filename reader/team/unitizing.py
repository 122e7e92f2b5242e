"""Krippendorff's unitizing alpha (alpha_U) for spans: the figure INCEpTION reports as
"Krippendorff's alpha (unitizing)", computed as DKPro Agreement's
KrippendorffAlphaUnitizingAgreement does (Krippendorff 1995, "On the reliability of
unitizing continuous data"; 2004, "Measuring the reliability of qualitative text analysis
data").

A document is a continuum of code points. For each label, each annotator cuts it into that
label's units (the spans) and the gaps between them. Two annotators' segments that overlap
disagree by: (start difference)^2 + (end difference)^2 for two units; a unit's length^2 for
a unit lying wholly inside the other's gap; nothing otherwise. Alpha is 1 minus observed
over expected disagreement, the expected one being what all placements of the same units
in the same gaps would give. Unlike kappa it needs no tokens, and a boundary one character
off costs little while a missed span costs its length squared.

Exact integer sweeps over span boundaries, never a loop over characters, so a long document
costs what its spans cost. Definitions and the choices made for corpora are in
docs/team.md."""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import accumulate, chain
from math import fsum
from operator import ge, itemgetter, sub

START_END = itemgetter(0, 1)


class UnitSet:
    """One annotator's units of one label in one document, disjoint and sorted, with their
    lengths and gaps: made once, shared by every pair the annotator is in.

    Alpha_U needs one annotator's units of a label to be disjoint. Like INCEpTION (which
    reads spans by start, the longer first), a span overlapping one kept before it is
    left out and counted in `left_out`."""

    __slots__ = ("_gaps", "left_out", "lengths", "units")

    def __init__(self, spans: Sequence[tuple[int, int, str]]) -> None:
        """`spans`: one label's distinct spans, sorted by start then end (they are the
        units as they are when they are disjoint, the usual case)."""
        units = spans
        lengths: list[int] = []
        self.left_out = 0
        if units:
            bounds = list(chain.from_iterable(map(START_END, spans)))  # start, end, start...
            lengths = list(map(sub, bounds[1::2], bounds[::2]))
            if min(lengths) <= 0 or not all(map(ge, bounds[2::2], bounds[1::2])):
                units = self._disjoint(spans)
                lengths = [end - start for start, end, _ in units]
        self.units = units
        """(start, end, label), disjoint, sorted."""
        self.lengths = lengths
        self._gaps: tuple[int, list[int]] | None = None

    def _disjoint(self, spans: Sequence[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
        """The slow path, for spans that overlap or have no length."""
        units: list[tuple[int, int, str]] = []
        for span in spans:
            start, end, _ = span
            if end <= start:
                continue  # no length, no weight in alpha_U
            if units and start == units[-1][0]:
                units[-1] = span  # same start, longer (spans come shorter first)
                self.left_out += 1
            elif not units or start >= units[-1][1]:
                units.append(span)
            else:
                self.left_out += 1
        return units

    def gaps(self, length: int) -> list[int]:
        """The lengths of the stretches of [0, length) that no unit covers (kept for the
        next pair: a document has one length)."""
        if self._gaps is not None and self._gaps[0] == length:
            return self._gaps[1]
        bounds = [0, *chain.from_iterable(map(START_END, self.units)), length]
        gaps = list(filter(None, map(sub, bounds[1::2], bounds[::2])))
        self._gaps = (length, gaps)
        return gaps


EMPTY = UnitSet(())


def observed_pair(first: UnitSet, second: UnitSet) -> int:
    """Sum of the distances between two annotators' overlapping segments of one label.

    Units overlapping each other cost the squared differences of their starts and ends; a
    unit overlapping none of the other's lies inside one of the other's gaps and costs its
    length squared. A unit both have costs nothing and overlaps nothing else (each side's
    units are disjoint), so those are set aside first; a linear merge of what remains."""
    mine, theirs = first.units, second.units
    if mine == theirs:
        return 0
    shared = set(mine).intersection(theirs)
    if shared:
        mine = [unit for unit in mine if unit not in shared]
        theirs = [unit for unit in theirs if unit not in shared]
    total = i = j = 0
    hit_i = hit_j = False
    count_mine, count_theirs = len(mine), len(theirs)
    while i < count_mine and j < count_theirs:
        start_a, end_a, _ = mine[i]
        start_b, end_b, _ = theirs[j]
        if start_a < end_b and start_b < end_a:
            shift_start, shift_end = start_a - start_b, end_a - end_b
            total += shift_start * shift_start + shift_end * shift_end
            hit_i = hit_j = True
        if end_a <= end_b:
            if not hit_i:
                total += (end_a - start_a) * (end_a - start_a)
            i += 1
            hit_i = False
        else:
            if not hit_j:
                total += (end_b - start_b) * (end_b - start_b)
            j += 1
            hit_j = False
    for rest, index, hit in ((mine, i, hit_i), (theirs, j, hit_j)):
        for start, end, _ in rest[index + 1 if hit else index:]:
            total += (end - start) * (end - start)
    return total


def expected(raters: int, length: int, units: Mapping[int, int],
             gaps: Mapping[int, int]) -> tuple[int, int]:
    """DKPro's expected disagreement of one label as a fraction (numerator, denominator):
    D_e = 2 E / (L (R L (R L - 1) - sum over units of l (l - 1))), E being Krippendorff's
    sum over all annotators' units of (N - 1) (2l^3 - 3l^2 + l) / 3 + l^2 * (the sum over
    gaps g >= l of g - l + 1), with N units; `units` and `gaps` count each length."""
    count = sum(units.values())
    ordered = sorted(gaps)
    reached = list(accumulate(gaps[gap] for gap in reversed(ordered)))[::-1]
    """reached[k]: how many gaps are at least ordered[k] long; reached_length, their sum."""
    reached_length = list(accumulate(gaps[gap] * gap for gap in reversed(ordered)))[::-1]
    size = len(ordered)
    total = pairs = 0
    for unit, repeats in units.items():
        pairs += repeats * unit * (unit - 1)
        part = (count - 1) * unit * (unit - 1) * (2 * unit - 1) // 3
        index = bisect_left(ordered, unit)
        if index < size:
            part += unit * unit * (reached_length[index] - (unit - 1) * reached[index])
        total += repeats * part
    denominator = raters * length * (raters * length - 1) - pairs
    if denominator <= 0:  # only when units run past the text's end
        return 0, 1
    return 2 * total, length * denominator


def expected_listed(raters: int, length: int, units: list[int],
                    gaps: list[int]) -> tuple[int, int]:
    """`expected` for one document's few lengths, listed rather than counted: the same
    integers without building two Counters per label (the per-document table's cost)."""
    count = len(units)
    ordered = sorted(gaps)
    reached_length = list(accumulate(reversed(ordered)))[::-1]
    """reached_length[k]: the sum of ordered[k:], the gaps at least ordered[k] long."""
    size = len(ordered)
    total = pairs = 0
    for unit in units:
        pairs += unit * (unit - 1)
        total += (count - 1) * unit * (unit - 1) * (2 * unit - 1) // 3
        index = bisect_left(ordered, unit)
        if index < size:
            total += unit * unit * (reached_length[index] - (unit - 1) * (size - index))
    denominator = raters * length * (raters * length - 1) - pairs
    if denominator <= 0:  # only when units run past the text's end
        return 0, 1
    return 2 * total, length * denominator


def alpha(observed: Fraction | float, expected: Fraction | float,
          has_units: bool) -> float | None:
    """1 - D_o / D_e as DKPro combines them: equal disagreements give 0, except both 0 with
    some unit (full agreement), which gives 1; no unit at all gives None (nothing to agree
    on, where DKPro answers NaN)."""
    if not has_units:
        return None
    if observed == expected:
        return 1.0 if observed == 0 else 0.0
    if expected == 0:
        return None
    return float(1 - observed / expected)


@dataclass(slots=True)
class LabelCounts:
    """What alpha_U needs of one label, gathered over documents: lengths appended as they
    come (cheap), folded into counts before crossing processes and at the end (small)."""

    observed: int = 0
    """Sum of distances over pairs of annotators."""
    units: list[int] = field(default_factory=list)
    """Unit lengths, all annotators."""
    gaps: list[int] = field(default_factory=list)
    """Gap lengths, all annotators, in the documents where the label has a unit."""
    present: list[int] = field(default_factory=list)
    """Lengths of the documents where the label has a unit (the others are one gap each)."""
    unit_counts: Counter[int] = field(default_factory=Counter)
    gap_counts: Counter[int] = field(default_factory=Counter)
    present_counts: Counter[int] = field(default_factory=Counter)

    def fold(self) -> None:
        for lengths, counts in ((self.units, self.unit_counts), (self.gaps, self.gap_counts),
                                (self.present, self.present_counts)):
            counts.update(lengths)
            lengths.clear()

    def merge(self, other: LabelCounts) -> None:
        other.fold()
        self.fold()
        self.observed += other.observed
        self.unit_counts.update(other.unit_counts)
        self.gap_counts.update(other.gap_counts)
        self.present_counts.update(other.present_counts)

    def disagreements(self, raters: int, length: int,
                      lengths: Counter[int]) -> tuple[Fraction, Fraction]:
        """(D_o, D_e) over a continuum of `length` made of documents of `lengths`, exact:
        D_o = 2 observed / (R (R-1) L^2). A document where nobody used the label is one gap
        per annotator."""
        self.fold()
        gaps = Counter(self.gap_counts)
        for document_length, documents in (lengths - self.present_counts).items():
            gaps[document_length] += documents * raters
        observed = Fraction(2 * self.observed, raters * (raters - 1) * length * length)
        return observed, Fraction(*expected(raters, length, self.unit_counts, gaps))


@dataclass(frozen=True, slots=True)
class UnitizingResult:
    """Alpha_U per label and over all labels; None where there is nothing to agree on."""

    labels: dict[str, float | None]
    overall: float | None
    left_out: int
    """Spans left out for overlapping a span of the same label by the same annotator."""


class Unitizing:
    """Alpha_U of a group of annotators (a pair, for `reader agree`), over documents laid
    end to end: per document, and pooled over all of them (a gap never runs from one
    document into the next, as a span cannot)."""

    def __init__(self, raters: int = 2) -> None:
        self.raters = raters
        self.length = 0
        self.lengths: Counter[int] = Counter()
        """Document lengths (code points), each document once."""
        self.labels: dict[str, LabelCounts] = {}
        self.left_out = 0

    def add(self, length: int, annotators: Sequence[Mapping[str, UnitSet]]) -> float | None:
        """Count one document (each annotator's units by label); return its own alpha_U.

        The document's figure is computed in floats (summed exactly by fsum, so it does not
        depend on the order of the labels); the pooled ones in `result` are exact."""
        for units in annotators:
            self.left_out += sum(unit_set.left_out for unit_set in units.values())
        raters = self.raters
        if length <= 0 or len(annotators) != raters or raters < 2:
            return None
        self.length += length
        self.lengths[length] += 1
        names: set[str] = set()
        for units in annotators:
            names.update(label for label, unit_set in units.items() if unit_set.units)
        observed_total = 0
        needed = []
        for label in names:
            sets = [units.get(label, EMPTY) for units in annotators]
            if raters == 2:  # the common case, without the loops' overhead
                first, second = sets
                observed = observed_pair(first, second)
                unit_lengths = first.lengths + second.lengths
                gaps = first.gaps(length) + second.gaps(length)
            else:
                observed = sum(observed_pair(first, second) for index, first in enumerate(sets)
                               for second in sets[index + 1:])
                unit_lengths = list(chain.from_iterable(unit_set.lengths for unit_set in sets))
                gaps = list(chain.from_iterable(unit_set.gaps(length) for unit_set in sets))
            counts = self.labels.get(label)
            if counts is None:
                counts = self.labels[label] = LabelCounts()
            counts.observed += observed
            counts.units += unit_lengths
            counts.gaps += gaps
            counts.present.append(length)
            observed_total += observed
            needed.append((unit_lengths, gaps))
        if not observed_total:
            return 1.0 if names else None  # D_o = 0: full agreement, whatever D_e
        # Summed over labels, D_o = 2 O / (R (R-1) L^2), and D_e sums the labels' fractions
        shares = []
        for unit_lengths, gaps in needed:
            numerator, denominator = expected_listed(raters, length, unit_lengths, gaps)
            shares.append(numerator / denominator)
        scale = raters * (raters - 1) * length * length
        return alpha(2 * observed_total, fsum(shares) * scale, True)

    def __getstate__(self) -> dict[str, object]:
        """Pickled (a worker's part going to the parent) with the lengths counted, not
        listed."""
        for counts in self.labels.values():
            counts.fold()
        return self.__dict__

    def merge(self, other: Unitizing) -> None:
        self.length += other.length
        self.lengths.update(other.lengths)
        self.left_out += other.left_out
        for label, counts in other.labels.items():
            mine = self.labels.get(label)
            if mine is None:
                mine = self.labels[label] = LabelCounts()
            mine.merge(counts)

    def result(self) -> UnitizingResult:
        """Per label, and overall as DKPro does: 1 - (sum of D_o) / (sum of D_e) over labels."""
        labels: dict[str, float | None] = {}
        observed_total = expected_total = Fraction(0)
        for label in sorted(self.labels):  # only labels with a unit: length > 0, raters > 1
            observed, expected = self.labels[label].disagreements(
                self.raters, self.length, self.lengths)
            labels[label] = alpha(observed, expected, True)
            observed_total += observed
            expected_total += expected
        return UnitizingResult(
            labels, alpha(observed_total, expected_total, bool(self.labels)), self.left_out
        )


def unitizing_alpha(length: int,
                    annotators: Sequence[Iterable[tuple[int, int, str]]]) -> UnitizingResult:
    """Alpha_U of any number of annotators' (start, end, label) spans over one continuum
    of `length`: the simple entry point for scripts and tests."""
    unit_sets: list[dict[str, UnitSet]] = []
    for spans in annotators:
        by_label: dict[str, list[tuple[int, int, str]]] = {}
        for span in sorted(set(spans)):
            by_label.setdefault(span[2], []).append(span)
        unit_sets.append({label: UnitSet(group) for label, group in by_label.items()})
    unitizing = Unitizing(len(unit_sets))
    unitizing.add(length, unit_sets)
    return unitizing.result()
