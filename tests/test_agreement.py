"""Agreement figures: worked by hand on small cases, against a brute-force reference and
scikit-learn, and as properties (symmetric, within [0, 1], 1 when identical)."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import tricky_text

from reader.team.agreement import compare, f1, token_bounds
from reader.text.tokens import tokenize

# Tokens: Alice 0-5, met 6-9, Bob 10-13, in 14-16, Paris 17-22, on 23-25, Monday 26-32,
# "." 32-33, Then 34-38, they 39-43, left 44-48, "." 48-49: 12 tokens; the second
# document, "Nothing to see here.", has 5: 17 tokens in all.
TEXTS = {1: "Alice met Bob in Paris on Monday.\nThen they left.", 2: "Nothing to see here."}
ANN = [(1, 0, 5, "PER"), (1, 10, 13, "PER"), (1, 17, 22, "LOC")]
BOB = [(1, 0, 5, "PER"), (1, 10, 13, "LOC"), (1, 17, 25, "LOC"), (1, 26, 32, "DATE")]


def by_label(result):  # type: ignore[no-untyped-def]
    return {scores.label: scores for scores in result.labels}


def test_worked_example_exact_f1() -> None:
    result = compare(TEXTS, ANN, BOB)
    labels = by_label(result)
    # Only PER 0-5 is in both: 2 * 1 / (3 + 4) = 2/7.
    assert result.overall.exact_matches == 1
    assert result.overall.exact_f1 == pytest.approx(2 / 7)
    # PER: ann 2, bob 1, 1 shared: 2 * 1 / 3. LOC: ann 1, bob 2, none shared. DATE: bob only.
    assert labels["PER"].exact_f1 == pytest.approx(2 / 3)
    assert labels["LOC"].exact_f1 == 0.0
    assert labels["DATE"].exact_f1 == 0.0
    assert (labels["DATE"].spans_a, labels["DATE"].spans_b) == (0, 1)


def test_worked_example_partial_f1() -> None:
    result = compare(TEXTS, ANN, BOB)
    labels = by_label(result)
    # PER: ann's Alice overlaps bob's Alice, ann's Bob has no PER partner: recall 1/2;
    # bob's one PER is matched: precision 1/1; F1 = 2 * 1 * 0.5 / 1.5 = 2/3.
    assert labels["PER"].partial_f1 == pytest.approx(2 / 3)
    # LOC: ann's Paris overlaps bob's "Paris on": recall 1/1; bob's LOC Bob is unmatched:
    # precision 1/2; F1 = 2/3.
    assert labels["LOC"].partial_f1 == pytest.approx(2 / 3)
    assert labels["DATE"].partial_f1 == 0.0
    # Overall: recall 2/3, precision 2/4; F1 = 2 * (1/3) / (7/6) = 4/7.
    assert (result.overall.partial_matched_a, result.overall.partial_matched_b) == (2, 2)
    assert result.overall.partial_f1 == pytest.approx(4 / 7)


def test_worked_example_kappa() -> None:
    result = compare(TEXTS, ANN, BOB)
    labels = by_label(result)
    assert result.tokens == 17
    # Categories, ann / bob: Alice PER/PER, Bob PER/LOC, Paris LOC/LOC, on O/LOC,
    # Monday O/DATE, the other 12 tokens O/O. Agreement 14 of 17.
    # ann: PER 2, LOC 1, O 14; bob: PER 1, LOC 3, DATE 1, O 12.
    # N^2 p_e = 2*1 + 1*3 + 14*12 = 173; kappa = (17*14 - 173) / (17^2 - 173) = 65/116.
    assert result.overall.kappa == pytest.approx(65 / 116)
    # PER vs not: ann 2 tokens, bob 1, both 1; agree = 1 + (17 - 2 - 1 + 1) = 16;
    # N^2 p_e = 2*1 + 15*16 = 242; kappa = (272 - 242) / (289 - 242) = 30/47.
    assert labels["PER"].kappa == pytest.approx(30 / 47)
    # LOC vs not: ann 1, bob 3, both 1; agree = 1 + 14 = 15; N^2 p_e = 1*3 + 16*14 = 227;
    # kappa = (255 - 227) / (289 - 227) = 28/62.
    assert labels["LOC"].kappa == pytest.approx(28 / 62)
    # DATE, bob only: agree 16, N^2 p_e = 0*1 + 17*16 = 272; kappa = 0 / 17 = 0.
    assert labels["DATE"].kappa == 0.0


def test_worked_example_disagreements() -> None:
    result = compare(TEXTS, ANN, BOB)
    assert [found.document_id for found in result.disagreements] == [1]
    (found,) = result.disagreements
    assert [tuple(item) for item in found.label_mismatches] == [(10, 13, "PER", "LOC", "Bob")]
    assert [tuple(item) for item in found.only_a] == [(17, 22, "LOC", "Paris")]
    assert [tuple(item) for item in found.only_b] == [
        (17, 25, "LOC", "Paris on"),
        (26, 32, "DATE", "Monday"),
    ]
    assert found.total == 4


def test_no_spans_at_all_is_undefined_not_perfect() -> None:
    result = compare(TEXTS, [], [])
    assert result.labels == []
    assert result.overall.exact_f1 is None
    assert result.overall.partial_f1 is None
    # Every token is O for both: p_e = 1, kappa undefined.
    assert result.overall.kappa is None
    assert result.disagreements == []


def test_no_documents_at_all() -> None:
    result = compare({}, [], [])
    assert (result.documents, result.tokens) == (0, 0)
    assert result.overall.kappa is None


def test_requested_label_nobody_used_is_undefined() -> None:
    from reader.team.agreement import PairAgreement

    pair = PairAgreement("a", "b")
    (scores,) = pair.result(["TIME"]).labels
    assert (scores.exact_f1, scores.partial_f1, scores.kappa) == (None, None, None)


def test_label_only_one_annotator_used() -> None:
    result = compare(TEXTS, [(1, 0, 5, "PER")], [(1, 0, 5, "PER"), (1, 17, 22, "LOC")])
    loc = by_label(result)["LOC"]
    assert (loc.spans_a, loc.spans_b, loc.exact_f1, loc.partial_f1) == (0, 1, 0.0, 0.0)
    # ann never says LOC: agree 16 of 17, N^2 p_e = 0*1 + 17*16 = 272: kappa 0.
    assert loc.kappa == 0.0


def test_identical_annotations() -> None:
    result = compare(TEXTS, ANN, ANN)
    assert result.overall.exact_f1 == 1.0
    assert result.overall.partial_f1 == 1.0
    assert result.overall.kappa == 1.0
    assert all(scores.kappa == 1.0 for scores in result.labels)
    assert result.disagreements == []


def test_identical_without_variation_has_undefined_kappa() -> None:
    # One span over every token for both: a single category, so p_e = 1.
    texts = {1: "just three words"}
    everything = [(1, 0, 16, "X")]
    result = compare(texts, everything, everything)
    assert result.overall.exact_f1 == 1.0
    assert result.overall.kappa is None
    assert result.labels[0].kappa is None


def test_one_to_many_overlap_counts_each_span_once() -> None:
    # ann: one span over "Alice met Bob"; bob: Alice and Bob, both overlapping it.
    ann = [(1, 0, 13, "PER")]
    bob = [(1, 0, 5, "PER"), (1, 10, 13, "PER"), (1, 17, 22, "PER")]
    overall = compare(TEXTS, ann, bob).overall
    # ann's span is matched once (recall 1/1); bob's Alice and Bob are matched, Paris not
    # (precision 2/3): F1 = 2 * (2/3) / (5/3) = 4/5.
    assert (overall.partial_matched_a, overall.partial_matched_b) == (1, 2)
    assert overall.partial_f1 == pytest.approx(4 / 5)
    assert overall.exact_f1 == 0.0


def test_touching_spans_do_not_overlap() -> None:
    overall = compare(TEXTS, [(1, 0, 5, "PER")], [(1, 5, 9, "PER")]).overall
    assert overall.partial_f1 == 0.0


def test_whitespace_only_span_counts_for_f1_not_kappa() -> None:
    result = compare(TEXTS, [(1, 5, 6, "X")], [(1, 5, 6, "X")])
    assert result.overall.exact_f1 == 1.0
    assert result.overall.kappa is None  # no token is covered: all O for both


def test_duplicate_spans_count_once() -> None:
    result = compare(TEXTS, [*ANN, *ANN], ANN)
    assert result.overall.spans_a == 3
    assert result.overall.exact_f1 == 1.0


def test_a_label_called_O_is_not_outside() -> None:
    spans = [(1, 0, 5, "O")]
    result = compare(TEXTS, spans, [])
    # ann labels Alice "O", bob leaves it outside: they disagree on that token.
    assert result.overall.kappa == pytest.approx(0.0)
    assert result.overall.exact_f1 == 0.0


def test_f1_definition_edges() -> None:
    assert f1(0, 0, 0, 0) is None
    assert f1(0, 3, 0, 0) == 0.0
    assert f1(2, 2, 2, 2) == 1.0


def test_label_mismatch_with_several_labels_on_the_same_offsets() -> None:
    ann = [(1, 0, 5, "A"), (1, 0, 5, "B"), (1, 0, 5, "C")]
    bob = [(1, 0, 5, "C"), (1, 0, 5, "D")]
    (found,) = compare(TEXTS, ann, bob).disagreements
    # C is shared; A pairs with D as a mismatch; B is left over on ann's side.
    assert [(m.label_a, m.label_b) for m in found.label_mismatches] == [("A", "D")]
    assert [item.label for item in found.only_a] == ["B"]
    assert found.only_b == []


# --- a brute-force reference, token by token and span against span -----------------------


def reference(texts, spans_a, spans_b):  # type: ignore[no-untyped-def]
    """The definitions in docs/team.md, written the slow and obvious way."""
    set_a = {tuple(span) for span in spans_a}
    set_b = {tuple(span) for span in spans_b}

    def matched(mine, theirs):  # type: ignore[no-untyped-def]
        return sum(
            1 for d, s, e, label in mine
            if any(d == d2 and label == l2 and s < e2 and s2 < e for d2, s2, e2, l2 in theirs)
        )

    categories_a: list[str | None] = []
    categories_b: list[str | None] = []
    covers_a: list[set[str]] = []
    covers_b: list[set[str]] = []
    for document_id in sorted(texts):
        for token in tokenize(texts[document_id]):
            for spans, categories, covers in (
                (set_a, categories_a, covers_a), (set_b, categories_b, covers_b)
            ):
                covering = sorted(
                    (s, e, label) for d, s, e, label in spans
                    if d == document_id and s < token.end and token.start < e
                )
                categories.append(covering[0][2] if covering else None)
                covers.append({label for _, _, label in covering})
    return set_a, set_b, matched(set_a, set_b), matched(set_b, set_a), (
        categories_a, categories_b, covers_a, covers_b
    )


def random_case(seed: int):  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    words = ["alpha", "beta", "gamma", "δέλτα", "東京", "e\u0301t\u00e9", ",", "👩‍👩‍👧", "x"]
    texts = {
        d: rng.choice(["", " ", "\r\n", "\t"]).join(
            rng.choice(words) + rng.choice([" ", "  ", "\n", ""]) for _ in range(rng.randint(0, 30))
        )
        for d in range(1, rng.randint(1, 4) + 1)
    }

    def spans() -> list[tuple[int, int, int, str]]:
        out = []
        for d, text in texts.items():
            for _ in range(rng.randint(0, 8)):
                if len(text) < 1:
                    break
                s = rng.randrange(len(text))
                e = rng.randint(s + 1, min(len(text), s + 12))
                out.append((d, s, e, rng.choice("XYZ")))
        return out

    first = spans()
    # The second annotator copies some of the first one's spans, so figures vary.
    second = [span for span in first if rng.random() < 0.5] + spans()[:3]
    return texts, first, second


def kappa_of(first, second):  # type: ignore[no-untyped-def]
    """Cohen's kappa written out from its textbook definition (None if undefined)."""
    total = len(first)
    if total == 0:
        return None
    observed = sum(1 for x, y in zip(first, second, strict=True) if x == y) / total
    expected = sum(
        first.count(c) / total * second.count(c) / total for c in set(first) | set(second)
    )
    return None if expected == 1 else (observed - expected) / (1 - expected)


@pytest.mark.parametrize("seed", range(40))
def test_matches_brute_force_reference(seed: int) -> None:
    texts, spans_a, spans_b = random_case(seed)
    result = compare(texts, spans_a, spans_b)
    set_a, set_b, matched_a, matched_b, (cat_a, cat_b, cov_a, cov_b) = reference(
        texts, spans_a, spans_b
    )
    overall = result.overall
    assert (overall.spans_a, overall.spans_b) == (len(set_a), len(set_b))
    assert overall.exact_matches == len(set_a & set_b)
    assert (overall.partial_matched_a, overall.partial_matched_b) == (matched_a, matched_b)
    expected_kappa = kappa_of(cat_a, cat_b)
    if expected_kappa is None:
        assert overall.kappa is None
    else:
        assert overall.kappa == pytest.approx(expected_kappa)
    for scores in result.labels:
        binary = kappa_of([scores.label in c for c in cov_a], [scores.label in c for c in cov_b])
        if binary is None:
            assert scores.kappa is None
        else:
            assert scores.kappa == pytest.approx(binary)


@pytest.mark.parametrize("seed", range(15))
def test_kappa_matches_scikit_learn(seed: int) -> None:
    metrics = pytest.importorskip("sklearn.metrics")
    texts, spans_a, spans_b = random_case(seed)
    result = compare(texts, spans_a, spans_b)
    *_, (cat_a, cat_b, cov_a, cov_b) = reference(texts, spans_a, spans_b)
    if result.overall.kappa is not None:
        expected = metrics.cohen_kappa_score(
            [c or "O" for c in cat_a], [c or "O" for c in cat_b]
        )
        assert result.overall.kappa == pytest.approx(expected)
    for scores in result.labels:
        if scores.kappa is not None:
            expected = metrics.cohen_kappa_score(
                [scores.label in c for c in cov_a], [scores.label in c for c in cov_b]
            )
            assert scores.kappa == pytest.approx(expected)


def test_worked_example_matches_scikit_learn() -> None:
    metrics = pytest.importorskip("sklearn.metrics")
    # The per-token categories of the worked example above, written out.
    ann = ["PER", "O", "PER", "O", "LOC", "O", "O", "O", "O", "O", "O", "O"] + ["O"] * 5
    bob = ["PER", "O", "LOC", "O", "LOC", "LOC", "DATE", "O", "O", "O", "O", "O"] + ["O"] * 5
    assert compare(TEXTS, ANN, BOB).overall.kappa == pytest.approx(
        metrics.cohen_kappa_score(ann, bob)
    )


# --- properties ------------------------------------------------------------------------

TEXT = "The quick brown fox jumps over the lazy dog near the river bank today."


@st.composite
def span_lists(draw: st.DrawFn) -> list[tuple[int, int, int, str]]:
    count = draw(st.integers(0, 8))
    spans = []
    for _ in range(count):
        start = draw(st.integers(0, len(TEXT) - 1))
        end = draw(st.integers(start + 1, len(TEXT)))
        spans.append((1, start, end, draw(st.sampled_from("AB"))))
    return spans


@settings(max_examples=150, deadline=None)
@given(span_lists(), span_lists())
def test_scores_are_symmetric_and_bounded(
    spans_a: list[tuple[int, int, int, str]], spans_b: list[tuple[int, int, int, str]]
) -> None:
    forward = compare({1: TEXT}, spans_a, spans_b)
    backward = compare({1: TEXT}, spans_b, spans_a)
    for one, other in [(forward.overall, backward.overall),
                       *zip(forward.labels, backward.labels, strict=True)]:
        assert one.exact_f1 == other.exact_f1
        assert one.partial_f1 == pytest.approx(other.partial_f1)
        assert one.kappa == pytest.approx(other.kappa)
        for value in (one.exact_f1, one.partial_f1):
            assert value is None or 0.0 <= value <= 1.0
        assert one.kappa is None or -1.0 <= one.kappa <= 1.0 + 1e-12
        if one.exact_f1 is not None:
            assert one.exact_f1 <= one.partial_f1 + 1e-12


@settings(max_examples=100, deadline=None)
@given(span_lists())
def test_identical_spans_score_one(spans: list[tuple[int, int, int, str]]) -> None:
    result = compare({1: TEXT}, spans, list(reversed(spans)))
    if spans:
        assert result.overall.exact_f1 == 1.0
        assert result.overall.partial_f1 == 1.0
        assert result.overall.kappa in (1.0, None)  # None only when all tokens are alike
    assert result.disagreements == []


@settings(max_examples=200, deadline=None)
@given(tricky_text)
def test_token_bounds_are_the_tokenizer_s(text: str) -> None:
    starts, ends = token_bounds(text)
    tokens = tokenize(text)
    assert starts == [token.start for token in tokens]
    assert ends == [token.end for token in tokens]
