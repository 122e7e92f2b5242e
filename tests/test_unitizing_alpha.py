"""Krippendorff's unitizing alpha (alpha_U): against the worked examples DKPro Agreement
tests with (Krippendorff 1995 and 2004), against a deliberately naive reference written
straight from the published definition, and through `compare`, per label, overall and per
document.

The published examples are those of DKPro Agreement (dkpro/dkpro-statistics,
dkpro-statistics-agreement/src/test/java/org/dkpro/statistics/agreement/unitizing/:
Krippendorff2004Test.java, Krippendorff1995Test.java, UnitizingAgreementTest.java), with
DKPro's tolerances; DKPro writes a unit as (begin, length, rater, category)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.team.agreement import compare
from reader.team.unitizing import UnitSet, observed_pair, unitizing_alpha

Span = tuple[int, int, str]


# --- The reference: per character, per segment, from the published definition ------------


def _kept(spans: Sequence[Span], label: str) -> list[tuple[int, int]]:
    """One annotator's units of `label`: by start, longer first, leaving out any span that
    overlaps one already kept (as INCEpTION feeds DKPro; alpha_U needs them disjoint)."""
    kept: list[tuple[int, int]] = []
    for start, end, _ in sorted({s for s in spans if s[2] == label and s[1] > s[0]},
                                key=lambda s: (s[0], -s[1])):
        if all(end <= other_start or other_end <= start for other_start, other_end in kept):
            kept.append((start, end))
    return kept


def _segments(units: list[tuple[int, int]], documents: Sequence[int]) -> list[tuple]:
    """Walk the continuum character by character: each character belongs to a unit or to a
    gap; a new segment starts where the owner changes (a gap never crosses documents)."""
    owner_at = []
    for document, length in enumerate(documents):
        owner_at.extend(("gap", document) for _ in range(length))
    for index, (start, end) in enumerate(units):
        for position in range(start, end):
            owner_at[position] = ("unit", index)
    segments: list[tuple] = []
    for position, owner in enumerate(owner_at):
        if segments and segments[-1][2] == owner:
            segments[-1] = (segments[-1][0], position + 1, owner)
        else:
            segments.append((position, position + 1, owner))
    return [(start, end, owner[0] == "unit") for start, end, owner in segments]


def _distance(first: tuple, second: tuple) -> int:
    """Krippendorff's delta for two segments of two annotators."""
    (start_a, end_a, unit_a), (start_b, end_b, unit_b) = first, second
    chars_a, chars_b = set(range(start_a, end_a)), set(range(start_b, end_b))
    if not chars_a & chars_b:
        return 0
    if unit_a and unit_b:
        return (start_a - start_b) ** 2 + (end_a - end_b) ** 2
    if unit_a and not unit_b and chars_a <= chars_b:
        return (end_a - start_a) ** 2
    if unit_b and not unit_a and chars_b <= chars_a:
        return (end_b - start_b) ** 2
    return 0


def reference(documents: Sequence[int], annotators: Sequence[Sequence[Span]]
              ) -> tuple[dict[str, tuple[Fraction, Fraction]], float | None]:
    """(D_o, D_e) per label and overall alpha_U, documents laid end to end; spans are
    (document index, start, end, label) turned here into offsets on the continuum."""
    offsets = [sum(documents[:index]) for index in range(len(documents))]
    raters = len(annotators)
    length = sum(documents)
    spans = [[(offsets[d] + s, offsets[d] + e, label) for d, s, e, label in given]
             for given in annotators]
    labels = sorted({span[2] for given in spans for span in given if span[1] > span[0]})
    figures: dict[str, tuple[Fraction, Fraction]] = {}
    for label in labels:
        units = [_kept(given, label) for given in spans]
        segments = [_segments(rater_units, documents) for rater_units in units]
        observed = 0
        for first in range(raters):
            for second in range(raters):
                if first != second:
                    observed += sum(_distance(a, b) for a in segments[first]
                                    for b in segments[second])
        all_units = [end - start for rater_units in units for start, end in rater_units]
        gaps = [end - start for rater in segments for start, end, unit in rater if not unit]
        count = len(all_units)
        expected_sum = Fraction(0)
        for unit in all_units:
            expected_sum += Fraction((count - 1) * (2 * unit**3 - 3 * unit**2 + unit), 3)
            placements = sum(1 for gap in gaps for _ in range(gap - unit + 1))
            expected_sum += unit * unit * placements
        denominator = raters * length * (raters * length - 1) - sum(
            unit * (unit - 1) for unit in all_units)
        figures[label] = (
            Fraction(observed, raters * (raters - 1) * length * length),
            2 * expected_sum / (length * denominator),
        )
    if not figures:
        return figures, None
    observed_all = sum(o for o, _ in figures.values())
    expected_all = sum(e for _, e in figures.values())
    if observed_all == expected_all:
        return figures, 1.0 if observed_all == 0 else 0.0
    return figures, float(1 - observed_all / expected_all)


def reference_alpha(observed: Fraction, expected: Fraction) -> float:
    if observed == expected:
        return 1.0 if observed == 0 else 0.0
    return float(1 - observed / expected)


def one_document(length: int, annotators: Sequence[Sequence[Span]]):  # type: ignore[no-untyped-def]
    return reference([length], [[(0, *span) for span in given] for given in annotators])


def dkpro(units: Sequence[tuple[int, int, int, str]], begin: int = 0,
          stretch: float = 1) -> list[list[Span]]:
    """DKPro's addUnit(begin, length, rater, category) calls, as spans per rater."""
    raters: list[list[Span]] = [[], []]
    for start, length, rater, label in units:
        first = int(start * stretch) - begin
        raters[rater].append((first, first + int(length * stretch), label))
    return raters


# --- Published worked examples ----------------------------------------------------------

# Krippendorff (2004), Content Analysis, p. 254: a continuum from 150 to 450.
KRIPPENDORFF_2004 = dkpro([
    (225, 70, 0, "c"), (370, 30, 0, "c"), (220, 80, 1, "c"), (355, 20, 1, "c"),
    (400, 20, 1, "c"), (180, 60, 0, "k"), (300, 50, 0, "k"), (180, 60, 1, "k"),
    (300, 50, 1, "k"),
], begin=150)


def test_krippendorff_2004_example() -> None:
    result = unitizing_alpha(300, KRIPPENDORFF_2004)
    assert result.labels["c"] == pytest.approx(0.7286, abs=0.0001)
    assert result.labels["k"] == 1.0
    assert result.overall == pytest.approx(0.8591, abs=0.0005)
    figures, overall = one_document(300, KRIPPENDORFF_2004)
    assert float(figures["c"][0]) == pytest.approx(0.0144, abs=0.0001)
    assert float(figures["c"][1]) == pytest.approx(0.0532, abs=0.0001)
    assert (float(figures["k"][0]), float(figures["k"][1])) == pytest.approx((0, 0.0490),
                                                                            abs=0.0001)
    assert overall == pytest.approx(result.overall)


def test_dkpro_example_one_long_unit_against_three_short() -> None:
    # UnitizingAgreementTest: r0 -11111111-, r1 --1-1-1--- over 10 positions.
    annotators = dkpro([(1, 8, 0, "A"), (2, 1, 1, "A"), (4, 1, 1, "A"), (6, 1, 1, "A")])
    assert unitizing_alpha(10, annotators).labels["A"] == pytest.approx(-0.7003, abs=0.0001)
    figures, _ = one_document(10, annotators)
    assert float(figures["A"][0]) == pytest.approx(0.9100, abs=0.0001)
    assert float(figures["A"][1]) == pytest.approx(0.5351, abs=0.0001)


def krippendorff_1995(stretch: float) -> list[list[Span]]:
    """Krippendorff (1995), p. 57: four pairs of coders (A to D), one category each."""
    return dkpro([
        (2, 8, 0, "A"), (14, 6, 0, "A"), (4, 4, 1, "A"), (15, 2, 1, "A"),
        (0, 18, 0, "B"), (0, 2, 1, "B"), (2, 1, 1, "B"), (3, 1, 1, "B"), (4, 1, 1, "B"),
        (5, 1, 1, "B"), (6, 3, 1, "B"), (9, 1, 1, "B"),
        (2, 6, 0, "C"), (10, 2, 0, "C"), (14, 4, 0, "C"), (20, 2, 0, "C"), (0, 2, 1, "C"),
        (4, 4, 1, "C"), (10, 4, 1, "C"), (16, 2, 1, "C"), (20, 2, 1, "C"),
        (0, 2, 0, "D"), (2, 8, 0, "D"), (10, 4, 0, "D"), (14, 6, 0, "D"), (20, 4, 0, "D"),
        (0, 4, 1, "D"), (4, 4, 1, "D"), (8, 7, 1, "D"), (15, 2, 1, "D"), (17, 7, 1, "D"),
    ], stretch=stretch)


def test_krippendorff_1995_observed_disagreement() -> None:
    figures, _ = one_document(24, krippendorff_1995(1))
    observed = {label: float(pair[0]) for label, pair in figures.items()}
    assert observed == pytest.approx(
        {"A": 0.03125, "B": 2.26736, "C": 0.02777, "D": 0.38715}, abs=0.00001)


def test_krippendorff_1995_stretched_continuum() -> None:
    # DKPro stretches the continuum 50,000 times (1,200,000 positions) to approach the
    # paper's continuous figures; segments, not characters, keep this instant.
    result = unitizing_alpha(1_200_000, krippendorff_1995(1_200_000 / 24))
    assert result.labels["A"] == pytest.approx(0.553, abs=0.02)
    assert result.labels["B"] == pytest.approx(-0.926, abs=0.02)
    assert result.labels["C"] == pytest.approx(0.679, abs=0.02)
    assert result.labels["D"] == pytest.approx(0.066, abs=0.02)


def test_distances_of_krippendorff_2004() -> None:
    # Krippendorff2004Test.testDistanceMetric1/2: one unit against one overlapping unit.
    for first, second, distance in [
        ((5, 11), (4, 6), 26), ((5, 11), (5, 7), 16), ((5, 11), (6, 8), 10),
        ((5, 11), (7, 9), 8), ((5, 11), (6, 10), 2), ((5, 11), (5, 11), 0),
        ((225, 295), (220, 300), 50), ((370, 400), (355, 375), 850),
    ]:
        assert observed_pair(UnitSet([(*first, "c")]), UnitSet([(*second, "c")])) == distance
    # A unit inside the other's gap costs its length squared.
    assert observed_pair(UnitSet([]), UnitSet([(400, 420, "c")])) == 400


def test_a_single_unit_among_three_annotators_is_chance() -> None:
    # UnitizingAgreementTest.testSingleAnnotationUnit: D_o equals D_e, alpha 0.
    assert unitizing_alpha(20, [[(0, 1, "X")], [], []]).overall == 0.0


# --- Edge cases: defined answers, never a division by zero ------------------------------


def test_nothing_to_agree_on_is_none() -> None:
    # DKPro answers NaN for an empty study; ours is None (n/a, JSON null).
    assert unitizing_alpha(20, [[], []]).overall is None
    assert unitizing_alpha(20, [[(3, 3, "X")], [(3, 3, "X")]]).overall is None  # no length
    assert unitizing_alpha(0, [[], []]).overall is None  # no continuum
    assert unitizing_alpha(20, [[(0, 5, "X")]]).overall is None  # one annotator


def test_identical_annotations_agree_fully() -> None:
    spans = [(0, 5, "X"), (7, 9, "Y"), (9, 12, "Y")]
    result = unitizing_alpha(15, [spans, list(spans)])
    assert result.labels == {"X": 1.0, "Y": 1.0} and result.overall == 1.0
    # Even a single one-character document fully covered (D_o = D_e = 0): full agreement.
    assert unitizing_alpha(1, [[(0, 1, "X")], [(0, 1, "X")]]).overall == 1.0


def test_zero_length_spans_weigh_nothing() -> None:
    # UnitizingAgreementTest.testZeroLengthUnitsMixedWithPositiveLengthUnits.
    result = unitizing_alpha(15, [[(0, 0, "A"), (2, 7, "A")], [(2, 7, "A")]])
    assert result.overall == 1.0


def test_overlapping_spans_of_one_label_keep_the_first_and_longer() -> None:
    # By start, longer first: (0, 10) is kept, (0, 4) and (5, 12) are left out; (12, 14) is
    # disjoint from what is kept.
    mine = [(0, 4, "X"), (0, 10, "X"), (5, 12, "X"), (12, 14, "X")]
    theirs = [(0, 10, "X"), (12, 14, "X")]
    result = unitizing_alpha(20, [mine, theirs])
    assert result.left_out == 2 and result.overall == 1.0


# --- Against the reference on random small cases ----------------------------------------


@st.composite
def corpora(draw: st.DrawFn, annotators: int = 2):  # type: ignore[no-untyped-def]
    lengths = draw(st.lists(st.integers(0, 14), min_size=1, max_size=3))
    given = []
    for _ in range(annotators):
        spans = []
        for document, length in enumerate(lengths):
            if length == 0:
                continue
            for _ in range(draw(st.integers(0, 4))):
                start = draw(st.integers(0, length - 1))
                end = draw(st.integers(start + 1, length))
                spans.append((document, start, end, draw(st.sampled_from("XYZ"))))
        given.append(spans)
    return lengths, given


def _close(value: float | None, expected: float | None) -> bool:
    if expected is None:
        return value is None
    return value is not None and value == pytest.approx(expected, abs=1e-9)


@settings(max_examples=150, deadline=None)
@given(corpora())
def test_compare_matches_the_reference(corpus) -> None:  # type: ignore[no-untyped-def]
    lengths, (spans_a, spans_b) = corpus
    texts = {document + 1: "x" * length for document, length in enumerate(lengths)}
    result = compare(texts, [(d + 1, s, e, label) for d, s, e, label in spans_a],
                     [(d + 1, s, e, label) for d, s, e, label in spans_b])
    figures, overall = reference(lengths, [spans_a, spans_b])
    assert _close(result.overall.alpha_u, overall)
    for row in result.labels:
        assert _close(row.alpha_u, reference_alpha(*figures[row.label]))
    by_document = {row.document_id: row.alpha_u for row in result.by_document}
    for document, length in enumerate(lengths):
        def inside(spans):  # type: ignore[no-untyped-def]
            return [(0, s, e, label) for d, s, e, label in spans if d == document]  # noqa: B023
        _, expected = reference([length], [inside(spans_a), inside(spans_b)])
        assert _close(by_document[document + 1], expected)


@settings(max_examples=60, deadline=None)
@given(corpora(annotators=3))
def test_three_annotators_match_the_reference(corpus) -> None:  # type: ignore[no-untyped-def]
    lengths, given_spans = corpus
    if len(lengths) > 1 or not lengths[0]:
        lengths = [max(lengths[0], 1)]
        given_spans = [[span for span in spans if span[0] == 0] for spans in given_spans]
    result = unitizing_alpha(lengths[0], [[span[1:] for span in spans]
                                          for spans in given_spans])
    figures, overall = reference(lengths, given_spans)
    assert _close(result.overall, overall)
    assert set(result.labels) == set(figures)
    for label, pair in figures.items():
        assert _close(result.labels[label], reference_alpha(*pair))


@settings(max_examples=80, deadline=None)
@given(corpora())
def test_symmetric_and_at_most_one(corpus) -> None:  # type: ignore[no-untyped-def]
    lengths, (spans_a, spans_b) = corpus
    texts = {document + 1: "y" * length for document, length in enumerate(lengths)}
    a = [(d + 1, s, e, label) for d, s, e, label in spans_a]
    b = [(d + 1, s, e, label) for d, s, e, label in spans_b]
    forward, backward = compare(texts, a, b), compare(texts, b, a)
    assert _close(forward.overall.alpha_u, backward.overall.alpha_u)
    if forward.overall.alpha_u is not None:
        assert forward.overall.alpha_u <= 1.0
    if a:
        assert compare(texts, a, a).overall.alpha_u == 1.0


def test_long_document_in_segments() -> None:
    """A 2,000,000-character document with 20,000 spans each: the sweep is per segment, and
    its figures match the reference on a slice small enough for the reference."""
    rng = random.Random(3)
    length = 2_000_000
    spans_a = sorted({(start, start + rng.randint(1, 40), rng.choice("XY"))
                      for start in rng.sample(range(0, length - 50, 50), 20_000)})
    spans_b = [(start + rng.choice((0, 0, 0, 1, -1)), end, label) for start, end, label
               in spans_a if rng.random() < 0.9]
    result = compare({1: " " * length}, [(1, *span) for span in spans_a],
                     [(1, *span) for span in spans_b])
    assert result.overall.alpha_u is not None and 0.8 < result.overall.alpha_u < 1.0
    small = 600
    head_a = [(0, *span) for span in spans_a if span[1] <= small]
    head_b = [(0, *span) for span in spans_b if span[1] <= small]
    head = compare({1: " " * small}, [(1, *span[1:]) for span in head_a],
                   [(1, *span[1:]) for span in head_b])
    assert _close(head.overall.alpha_u, reference([small], [head_a, head_b])[1])
