"""Agreement on what sits above the spans: relations between spans and labels of whole
documents, for one pair of annotators over the documents both annotated.

Two annotators' spans have different uids even where they mark the same words, so a
relation is compared by what its ends mark: a relation of A matches one of B when the
label is the same and both heads, and both children, have the same start, end and span
label. Document labels are compared per label as a binary item per document (present or
absent) with Cohen's kappa. Pure logic, like `reader.team.agreement`, whose `f1` and
`cohen_kappa` it shares; the definitions are in docs/team.md."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from reader.team.agreement import cohen_kappa, f1


class RelationKey(NamedTuple):
    """A relation as agreement sees it: its ends by offsets and span label, and its label."""

    head_start: int
    head_end: int
    head_label: str
    child_start: int
    child_end: int
    child_label: str
    label: str


@dataclass(slots=True)
class RelationTally:
    """Counts for one relation label summed over documents."""

    relations_a: int = 0
    relations_b: int = 0
    matched: int = 0
    """Relations both annotators have (same ends, same label)."""

    def add(self, other: RelationTally) -> None:
        self.relations_a += other.relations_a
        self.relations_b += other.relations_b
        self.matched += other.matched


@dataclass(frozen=True, slots=True)
class RelationScores:
    """Agreement on one relation label (or overall, `label` None). Precision and recall
    take A, the first of the pair, as the reference; None where undefined."""

    label: str | None
    relations_a: int
    relations_b: int
    matched: int
    precision: float | None
    recall: float | None
    f1: float | None


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def relation_scores(label: str | None, tally: RelationTally) -> RelationScores:
    return RelationScores(
        label,
        tally.relations_a,
        tally.relations_b,
        tally.matched,
        _ratio(tally.matched, tally.relations_b),
        _ratio(tally.matched, tally.relations_a),
        f1(tally.matched, tally.relations_a, tally.matched, tally.relations_b),
    )


@dataclass(frozen=True, slots=True)
class RelationResult:
    annotator_a: str
    annotator_b: str
    documents: int
    labels: list[RelationScores]
    overall: RelationScores


class RelationAgreement:
    """Relation agreement of annotator A with annotator B, accumulated document by
    document (only documents both annotated are added)."""

    def __init__(self, annotator_a: str, annotator_b: str) -> None:
        self.annotator_a = annotator_a
        self.annotator_b = annotator_b
        self.documents = 0
        self.tallies: dict[str, RelationTally] = {}

    def _tally(self, label: str) -> RelationTally:
        tally = self.tallies.get(label)
        if tally is None:
            tally = self.tallies[label] = RelationTally()
        return tally

    def add(self, a: Iterable[RelationKey], b: Iterable[RelationKey]) -> None:
        """Count one document; the same relation twice by one annotator counts once."""
        self.documents += 1
        mine, theirs = frozenset(a), frozenset(b)
        for relation in mine:
            self._tally(relation.label).relations_a += 1
        for relation in theirs:
            self._tally(relation.label).relations_b += 1
        for relation in mine & theirs:
            self.tallies[relation.label].matched += 1

    def merge(self, other: RelationAgreement) -> None:
        """Add the counts of the same pair over other documents."""
        self.documents += other.documents
        for label, tally in other.tallies.items():
            self._tally(label).add(tally)

    def result(self) -> RelationResult:
        overall = RelationTally()
        for tally in self.tallies.values():
            overall.add(tally)
        return RelationResult(
            self.annotator_a,
            self.annotator_b,
            self.documents,
            [relation_scores(label, self.tallies[label]) for label in sorted(self.tallies)],
            relation_scores(None, overall),
        )


@dataclass(slots=True)
class DocLabelTally:
    """For one document label: in how many compared documents each annotator gave it, and
    in how many both did."""

    documents_a: int = 0
    documents_b: int = 0
    both: int = 0

    def add(self, other: DocLabelTally) -> None:
        self.documents_a += other.documents_a
        self.documents_b += other.documents_b
        self.both += other.both


@dataclass(frozen=True, slots=True)
class DocLabelScores:
    """Agreement on one document label over `documents` compared documents: `observed` is
    the share of documents where both gave it or both did not; `kappa` corrects that for
    chance. None where undefined."""

    label: str
    documents: int
    documents_a: int
    documents_b: int
    both: int
    observed: float | None
    kappa: float | None


def doc_label_scores(label: str, tally: DocLabelTally, documents: int) -> DocLabelScores:
    """Binary Cohen's kappa over the documents: present or absent for each annotator."""
    neither = documents - tally.documents_a - tally.documents_b + tally.both
    agree = tally.both + neither
    expected = tally.documents_a * tally.documents_b + (documents - tally.documents_a) * (
        documents - tally.documents_b
    )
    return DocLabelScores(
        label,
        documents,
        tally.documents_a,
        tally.documents_b,
        tally.both,
        _ratio(agree, documents),
        cohen_kappa(agree, expected, documents),
    )


@dataclass(frozen=True, slots=True)
class DocLabelResult:
    annotator_a: str
    annotator_b: str
    documents: int
    labels: list[DocLabelScores]


class DocLabelAgreement:
    """Document-label agreement of annotator A with annotator B, document by document."""

    def __init__(self, annotator_a: str, annotator_b: str) -> None:
        self.annotator_a = annotator_a
        self.annotator_b = annotator_b
        self.documents = 0
        self.tallies: dict[str, DocLabelTally] = {}

    def _tally(self, label: str) -> DocLabelTally:
        tally = self.tallies.get(label)
        if tally is None:
            tally = self.tallies[label] = DocLabelTally()
        return tally

    def add(self, a: Iterable[str], b: Iterable[str]) -> None:
        """Count one compared document, even one neither labelled: it is an agreement on
        "absent" for every label."""
        self.documents += 1
        mine, theirs = frozenset(a), frozenset(b)
        for label in mine:
            self._tally(label).documents_a += 1
        for label in theirs:
            self._tally(label).documents_b += 1
        for label in mine & theirs:
            self.tallies[label].both += 1

    def merge(self, other: DocLabelAgreement) -> None:
        self.documents += other.documents
        for label, tally in other.tallies.items():
            self._tally(label).add(tally)

    def result(self) -> DocLabelResult:
        return DocLabelResult(
            self.annotator_a,
            self.annotator_b,
            self.documents,
            [doc_label_scores(label, self.tallies[label], self.documents)
             for label in sorted(self.tallies)],
        )
