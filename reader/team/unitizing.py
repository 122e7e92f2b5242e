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
from operator import ge, itemgetter, mul, sub

START_END = itemgetter(0, 1)


class UnitSet:
    """One annotator's units of one label in one document: disjoint, sorted, with the sums
    of powers of their lengths the formulas need, shared by every pair the annotator is in.

    Alpha_U needs one annotator's units of a label to be disjoint. Like INCEpTION (which
    reads spans by start, the longer first), a span overlapping one kept before it is
    left out and counted in `left_out`."""

    __slots__ = ("_gaps", "cubes", "left_out", "lengths", "pairs", "units")

    def __init__(self, spans: Sequence[tuple[int, int, str]]) -> None:
        """`spans`: one label's distinct spans, sorted by start then end."""
        units: list[tuple[int, int]] = list(map(START_END, spans))
        lengths: list[int] = []
        self.left_out = 0
        if units:
            bounds = list(chain.from_iterable(units))  # start, end, start, end...
            lengths = list(map(sub, bounds[1::2], bounds[::2]))
            if min(lengths) <= 0 or not all(map(ge, bounds[2::2], bounds[1::2])):
                units = self._disjoint(spans)
                lengths = [end - start for start, end in units]
        self.units = units
        self.lengths = lengths
        squares = list(map(mul, lengths, lengths))
        total, total_squares = sum(lengths), sum(squares)
        self.pairs: int = total_squares - total
        """Sum of l (l - 1), which the expected disagreement's denominator subtracts."""
        self.cubes: int = (2 * sum(map(mul, squares, lengths)) - 3 * total_squares + total) // 3
        """Sum of (2l^3 - 3l^2 + l) / 3, the expected disagreement's unit-with-unit part."""
        self._gaps: tuple[int, list[int]] | None = None

    def _disjoint(self, spans: Sequence[tuple[int, int, str]]) -> list[tuple[int, int]]:
        """The slow path, for spans that overlap or have no length."""
        units: list[tuple[int, int]] = []
        for start, end, _ in spans:
            if end <= start:
                continue  # no length, no weight in alpha_U
            if units and start == units[-1][0]:
                units[-1] = (start, end)  # same start, longer (spans come shorter first)
                self.left_out += 1
            elif not units or start >= units[-1][1]:
                units.append((start, end))
            else:
                self.left_out += 1
        return units

    def gaps(self, length: int) -> list[int]:
        """The lengths of the stretches of [0, length) that no unit covers (kept for the
        next pair: a document has one length)."""
        if self._gaps is not None and self._gaps[0] == length:
            return self._gaps[1]
        bounds = [0, *chain.from_iterable(self.units), length]
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
        start_a, end_a = mine[i]
        start_b, end_b = theirs[j]
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
        for start, end in rest[index + 1 if hit else index:]:
            total += (end - start) * (end - start)
    return total


def expected_sum(units: Iterable[int], count: int, cubes: int, gaps: list[int],
                 repeats: Mapping[int, int] | None = None) -> int:
    """Krippendorff's sum over all annotators' units u of the label for the expected
    disagreement: (N - 1) (2l^3 - 3l^2 + l) / 3 + l^2 * sum over gaps g >= l of (g - l + 1),
    with N = `count` units, `cubes` the sum of the first part's fractions. `units` are
    the lengths, or the distinct lengths when `repeats` counts them."""
    ordered = sorted(gaps)
    largest = list(accumulate(reversed(ordered)))
    """largest[k]: the sum of the k + 1 longest gaps."""
    size = len(ordered)
    total = (count - 1) * cubes
    for length in units:
        reached = size - bisect_left(ordered, length)
        if reached:
            placements = largest[reached - 1] - (length - 1) * reached
            total += (repeats[length] if repeats else 1) * length * length * placements
    return total


def disagreements(raters: int, length: int, observed: int, units: list[int], cubes: int,
                  gaps: list[int]) -> tuple[Fraction, Fraction]:
    """DKPro's D_o and D_e for one label, exact: D_o = 2 observed / (R (R-1) L^2) and
    D_e = 2 expected_sum / (L (R L (R L - 1) - sum of l (l - 1) over units))."""
    repeats = Counter(units)
    denominator = raters * length * (raters * length - 1) - sum(
        count * unit * (unit - 1) for unit, count in repeats.items())
    observed_share = Fraction(2 * observed, raters * (raters - 1) * length * length)
    if denominator <= 0:  # only when units run past the text's end
        return observed_share, Fraction(0)
    expected = expected_sum(repeats, len(units), cubes, gaps, repeats)
    return observed_share, Fraction(2 * expected, length * denominator)


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
    """What alpha_U needs of one label, gathered over documents."""

    observed: int = 0
    """Sum of distances over pairs of annotators."""
    units: list[int] = field(default_factory=list)
    """Unit lengths, all annotators."""
    cubes: int = 0
    gaps: list[int] = field(default_factory=list)
    """Gap lengths, all annotators, in the documents where the label has a unit."""
    present: list[int] = field(default_factory=list)
    """Lengths of the documents where the label has a unit (the others are one gap each)."""

    def add(self, observed: int, units: list[int], cubes: int, gaps: list[int],
            length: int) -> None:
        self.observed += observed
        self.units += units
        self.cubes += cubes
        self.gaps += gaps
        self.present.append(length)

    def merge(self, other: LabelCounts) -> None:
        self.observed += other.observed
        self.units.extend(other.units)
        self.cubes += other.cubes
        self.gaps.extend(other.gaps)
        self.present.extend(other.present)

    def disagreements(self, raters: int, length: int,
                      lengths: Counter[int]) -> tuple[Fraction, Fraction]:
        """(D_o, D_e) over a continuum of `length` made of documents of `lengths`: a
        document where nobody used the label is one gap per annotator."""
        absent = lengths - Counter(self.present)
        gaps = self.gaps + [gap for gap, count in absent.items() for _ in range(count * raters)]
        return disagreements(raters, length, self.observed, self.units, self.cubes, gaps)


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
        expected_parts = []
        whole = raters * length * (raters * length - 1)
        for label in names:
            sets = [units.get(label, EMPTY) for units in annotators]
            if raters == 2:  # the common case, without the loops' overhead
                first, second = sets
                observed = observed_pair(first, second)
                unit_lengths = first.lengths + second.lengths
                gaps = first.gaps(length) + second.gaps(length)
                cubes = first.cubes + second.cubes
                denominator = whole - first.pairs - second.pairs
            else:
                observed = sum(observed_pair(first, second) for index, first in enumerate(sets)
                               for second in sets[index + 1:])
                unit_lengths = list(chain.from_iterable(unit_set.lengths for unit_set in sets))
                gaps = list(chain.from_iterable(unit_set.gaps(length) for unit_set in sets))
                cubes = sum(unit_set.cubes for unit_set in sets)
                denominator = whole - sum(unit_set.pairs for unit_set in sets)
            counts = self.labels.get(label)
            if counts is None:
                counts = self.labels[label] = LabelCounts()
            counts.add(observed, unit_lengths, cubes, gaps, length)
            observed_total += observed
            if denominator > 0:
                expected_parts.append(
                    expected_sum(unit_lengths, len(unit_lengths), cubes, gaps) / denominator)
        # Summed over labels, D_o = 2 O / (R L^2) and D_e = 2 E / L: D_o / D_e is
        # O / (R L E)
        expected = fsum(expected_parts) * raters * (raters - 1) * length
        return alpha(observed_total, expected, bool(names))

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
