"""Who annotated which documents, and agreement computed over the database in one pass.

A document counts as annotated by someone when they have a live span or document label in
it or marked it done (a document done with no span is a real answer: "nothing here"). Pairs
are compared only on documents both annotated, for spans, relations and document labels
alike. SQL does the grouping; Python streams each needed document once, tokenizes it once
and feeds every pair that shares it."""

from __future__ import annotations

import json
import multiprocessing
import os
import sqlite3
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from itertools import combinations, groupby
from operator import itemgetter
from typing import Any

from reader.errors import ReaderError
from reader.store.agreement_rows import (
    annotated_documents,
    database_path,
    doc_label_groups,
    documents_by_id,
    relation_groups,
    span_groups,
)
from reader.store.export_rows import public_ids
from reader.team.agreement import (
    PairAgreement,
    PairResult,
    prepare,
    token_bounds,
)
from reader.team.relation_agreement import (
    DocLabelAgreement,
    DocLabelResult,
    RelationAgreement,
    RelationKey,
    RelationResult,
)


@dataclass(frozen=True, slots=True)
class AgreementRun:
    """Everything `reader agree` reports: the pairs' results and the titles they cite.
    `relations` and `doc_labels` hold one result per pair, in the order of `results`."""

    results: list[PairResult]
    titles: dict[int, str]
    labels: list[str]
    relations: list[RelationResult]
    doc_labels: list[DocLabelResult]
    relation_labels: list[str]
    """Every relation label seen in the compared documents."""
    doc_label_names: list[str]
    """Every document label seen in the compared documents."""
    processes: int = 1
    """How many processes shared the work."""
    ids: dict[int, str | int] = field(default_factory=dict)
    """The public id (the one exports write) of every compared document."""

    def public_id(self, document_id: int) -> str | int:
        return self.ids.get(document_id, document_id)


def choose_pairs(
    conn: sqlite3.Connection, requested: Sequence[str] | None
) -> tuple[list[tuple[str, str]], dict[int, frozenset[str]]]:
    """The pairs to compare and the documents that matter (those with two or more of the
    annotators), or a ReaderError saying why there is nothing to compare."""
    annotated = annotated_documents(conn)
    known = sorted(set().union(*annotated.values()))
    if requested is None:
        if len(known) < 2:
            found = f": {', '.join(known)}" if known else ""
            raise ReaderError(
                f"agreement needs at least two annotators; the database has {len(known)}{found}"
            )
    else:
        if len(requested) < 2:
            raise ReaderError("--annotators needs at least two names, e.g. --annotators ann,bob")
        missing = [name for name in requested if name not in known]
        if missing:
            raise ReaderError(
                f"no annotations by {', '.join(missing)} (annotators found: "
                f"{', '.join(known) or 'none'})"
            )
    chosen = set(requested) if requested is not None else None
    documents: dict[int, frozenset[str]] = {}
    for document_id, names in annotated.items():
        present = frozenset(names if chosen is None else names & chosen)
        if len(present) >= 2:
            documents[document_id] = present
    shared: dict[tuple[str, str], int] = {}
    for present in documents.values():
        for pair in combinations(sorted(present), 2):
            shared[pair] = shared.get(pair, 0) + 1
    if requested is None:
        pairs = sorted(shared)
    else:
        pairs = [
            pair for pair in combinations(requested, 2) if tuple(sorted(pair)) in shared
        ]
    if not pairs:
        who = f"two of {', '.join(requested)}" if requested else "two annotators"
        raise ReaderError(f"no {who} annotated a common document")
    return pairs, documents


PARALLEL_FROM = 2000
"""Documents from which the work is shared among processes (below, starting them costs
more than it saves)."""


def default_jobs(documents: int) -> int:
    if documents < PARALLEL_FROM:
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 8))


def run_agreement(
    conn: sqlite3.Connection,
    annotators: Sequence[str] | None = None,
    labels: Sequence[str] | None = None,
    jobs: int | None = None,
) -> AgreementRun:
    """Agreement for every chosen pair over the documents both annotated.

    The documents are cut into `jobs` runs of consecutive ids; this process computes the
    first while worker processes (each with its own connection) compute the others, and the
    tallies are summed, so the figures do not depend on `jobs`."""
    pairs, documents = choose_pairs(conn, annotators)
    ids = sorted(documents)
    jobs = min(jobs or default_jobs(len(ids)), len(ids))
    size = -(-len(ids) // jobs)
    chunks = [ids[index : index + size] for index in range(0, len(ids), size)]
    parts = None
    if len(chunks) > 1:
        parts = _in_parallel(conn, pairs, documents, labels, chunks)
    if parts is None:
        parts = [_agree_chunk(conn, pairs, documents, labels, ids[0], ids[-1])]
    total = parts[0]
    for part in parts[1:]:
        for pair, accumulator in part.accumulators.items():
            total.accumulators[pair].merge(accumulator)
        for pair, relations in part.relations.items():
            total.relations[pair].merge(relations)
        for pair, doc_labels in part.doc_labels.items():
            total.doc_labels[pair].merge(doc_labels)
        total.titles.update(part.titles)
        total.labels.update(part.labels)
        total.relation_labels.update(part.relation_labels)
        total.doc_label_names.update(part.doc_label_names)
    results = [total.accumulators[pair].result(labels) for pair in pairs]
    cited = sorted({row.document_id for result in results for row in result.by_document})
    return AgreementRun(
        results,
        total.titles,
        sorted(set(labels) if labels else total.labels),
        [total.relations[pair].result() for pair in pairs],
        [total.doc_labels[pair].result() for pair in pairs],
        sorted(total.relation_labels),
        sorted(total.doc_label_names),
        len(parts),
        public_ids(conn, cited),
    )


def _in_parallel(
    conn: sqlite3.Connection,
    pairs: list[tuple[str, str]],
    documents: dict[int, frozenset[str]],
    labels: Sequence[str] | None,
    chunks: list[list[int]],
) -> list[_Part] | None:
    """The parts in document order, the first computed here; None if the worker processes
    could not run (then the caller does it all in this process)."""
    path = database_path(conn)
    context = multiprocessing.get_context("spawn")  # no SQLite handle crosses a fork
    try:
        with ProcessPoolExecutor(len(chunks) - 1, mp_context=context) as pool:
            futures = [
                pool.submit(
                    _agree_chunk_in_worker, path, pairs,
                    {document_id: documents[document_id] for document_id in chunk},
                    labels, chunk[0], chunk[-1],
                )
                for chunk in chunks[1:]
            ]
            first = chunks[0]
            parts = [_agree_chunk(conn, pairs, documents, labels, first[0], first[-1])]
            parts.extend(future.result() for future in futures)
    except (BrokenProcessPool, OSError):
        return None
    return parts


@dataclass(slots=True)
class _Part:
    """What one run of documents contributes."""

    accumulators: dict[tuple[str, str], PairAgreement]
    relations: dict[tuple[str, str], RelationAgreement]
    doc_labels: dict[tuple[str, str], DocLabelAgreement]
    titles: dict[int, str] = field(default_factory=dict)
    labels: set[str] = field(default_factory=set)
    relation_labels: set[str] = field(default_factory=set)
    doc_label_names: set[str] = field(default_factory=set)

    @classmethod
    def empty(cls, pairs: list[tuple[str, str]]) -> _Part:
        return cls({pair: PairAgreement(*pair) for pair in pairs},
                   {pair: RelationAgreement(*pair) for pair in pairs},
                   {pair: DocLabelAgreement(*pair) for pair in pairs})


def _agree_chunk_in_worker(
    path: str,
    pairs: list[tuple[str, str]],
    documents: dict[int, frozenset[str]],
    labels: Sequence[str] | None,
    low: int,
    high: int,
) -> _Part:
    from reader.store.database import connect_readonly

    conn = connect_readonly(path, verify=False)  # checked once, by the parent
    try:
        return _agree_chunk(conn, pairs, documents, labels, low, high)
    finally:
        conn.close()


def _agree_chunk(
    conn: sqlite3.Connection,
    pairs: list[tuple[str, str]],
    documents: dict[int, frozenset[str]],
    labels: Sequence[str] | None,
    low: int,
    high: int,
) -> _Part:
    """One pass over the documents with ids in [low, high]: each is read and tokenized
    once, each annotator's spans, relations and labels in it read once, and every pair
    sharing it fed."""
    part = _Part.empty(pairs)
    involved = sorted({name for pair in pairs for name in pair})
    spans = _ByDocument(span_groups(conn, involved, labels, low, high))
    relations = _ByDocument(relation_groups(conn, involved, labels, low, high))
    doc_labels = _ByDocument(doc_label_groups(conn, involved, low, high))
    wanted = [document_id for document_id in documents if low <= document_id <= high]
    for document_id, title, text in documents_by_id(conn, sorted(wanted)):
        spans_of = spans.at(document_id)
        relations_of = relations.at(document_id)
        doc_labels_of = doc_labels.at(document_id)
        present = documents[document_id]
        active = [pair for pair in pairs if pair[0] in present and pair[1] in present]
        if not active:
            continue
        part.titles[document_id] = title
        bounds = token_bounds(text)
        names = {name for pair in active for name in pair}
        prepared = {name: prepare(map(tuple, spans_of.get(name, ())), bounds)
                    for name in names}
        related = {name: [RelationKey(*item) for item in relations_of.get(name, ())]
                   for name in names}
        labelled = {name: doc_labels_of.get(name, []) for name in names}
        for name in names:
            part.labels.update(prepared[name].labels)
            part.relation_labels.update(relation.label for relation in related[name])
            part.doc_label_names.update(labelled[name])
        for pair in active:
            first, second = pair
            part.accumulators[pair].add(
                document_id, text, bounds, prepared[first], prepared[second]
            )
            part.relations[pair].add(related[first], related[second])
            part.doc_labels[pair].add(labelled[first], labelled[second])
    return part


class _ByDocument:
    """Rows (document id, annotator, JSON array) sorted by document, read alongside the
    documents in id order: `at(id)` is annotator -> parsed array for that document."""

    def __init__(self, rows: Iterator[tuple[int, str, str]]) -> None:
        self._groups = groupby(rows, key=itemgetter(0))
        self._pending = next(self._groups, None)

    def at(self, document_id: int) -> dict[str, list[Any]]:
        while self._pending is not None and self._pending[0] < document_id:
            self._pending = next(self._groups, None)
        if self._pending is None or self._pending[0] != document_id:
            return {}
        found = {annotator: json.loads(items) for _, annotator, items in self._pending[1]}
        self._pending = next(self._groups, None)
        return found
