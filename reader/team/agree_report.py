"""How `reader agree` shows its figures: rich tables for people, one JSON object for scripts.

Annotator names, labels and titles come from the database: in the tables they are
sanitised `Text` (a str cell of a Rich table is markup, and an ESC in a name a terminal
command); in the JSON, characters json.dumps leaves raw are escaped."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from reader.team.agreement import (
    DocumentAgreement,
    DocumentDisagreements,
    LabelMismatch,
    OneSided,
    PairResult,
    Scores,
)
from reader.team.annotated import AgreementRun
from reader.team.relation_agreement import (
    DocLabelResult,
    DocLabelScores,
    RelationResult,
    RelationScores,
)
from reader.text.sanitize import safe_text, terminal_json

NOT_AVAILABLE = "n/a"
ALPHA_U = "unitizing alpha"
ONE_SIDED_FIELDS = OneSided._fields
MISMATCH_FIELDS = LabelMismatch._fields


def _data(text: str, style: str = "") -> Text:
    """A string from the database, for a table cell, title or line: shown, never parsed."""
    return Text(safe_text(text), style=style)


def _figure(value: float | None) -> str:
    return NOT_AVAILABLE if value is None else f"{value:.3f}"


def _scores_row(scores: Scores) -> list[str | Text]:
    return [
        _data(scores.label) if scores.label is not None else "overall",
        f"{scores.spans_a:,}",
        f"{scores.spans_b:,}",
        _figure(scores.exact_f1),
        _figure(scores.partial_f1),
        _figure(scores.kappa),
        _figure(scores.alpha_u),
    ]


def _per_label_table(title: Text, columns: list[str | Text],
                     rows: list[list[str | Text]], overall: list[str | Text]) -> Table:
    """A table of one pair's figures: a row per label, then the overall row in bold."""
    table = Table(title=title, title_justify="left")
    table.add_column(columns[0])
    for column in columns[1:]:
        table.add_column(column, justify="right")
    for row in rows:
        table.add_row(*row)
    table.add_section()
    table.add_row(*overall, style="bold")
    return table


def scores_table(result: PairResult) -> Table:
    return _per_label_table(
        _data(f"{result.annotator_a} vs {result.annotator_b}: {result.documents:,} documents, "
              f"{result.tokens:,} tokens", "italic"),
        ["label", _data(f"spans {result.annotator_a}"), _data(f"spans {result.annotator_b}"),
         "exact F1", "partial F1", "token kappa", ALPHA_U],
        [_scores_row(scores) for scores in result.labels],
        _scores_row(result.overall),
    )


def disagreement_totals(result: PairResult) -> tuple[int, int, int]:
    """(only A, only B, label mismatches) over all documents."""
    return (
        sum(len(found.only_a) for found in result.disagreements),
        sum(len(found.only_b) for found in result.disagreements),
        sum(len(found.label_mismatches) for found in result.disagreements),
    )


def disagreements_summary(result: PairResult) -> str:
    only_a, only_b, mismatched = disagreement_totals(result)
    total = only_a + only_b + mismatched
    if not total:
        return f"no disagreements between {result.annotator_a} and {result.annotator_b}"
    return (
        f"disagreements {result.annotator_a} vs {result.annotator_b}: {total:,} in "
        f"{len(result.disagreements):,} of {result.documents:,} documents: "
        f"only {result.annotator_a} {only_a:,}, only {result.annotator_b} {only_b:,}, "
        f"label mismatches {mismatched:,}"
    )


def documents_table(result: PairResult, run: AgreementRun, top: int) -> Table:
    """The `top` documents with the lowest agreement, worst first: where curation starts."""
    shown = result.by_document[:top]
    table = Table(
        title=f"documents by agreement, worst first ({len(shown):,} of "
              f"{len(result.by_document):,})",
        title_justify="left",
    )
    table.add_column("doc", justify="right")
    table.add_column("title", overflow="ellipsis", no_wrap=True, max_width=40)
    for column in (ALPHA_U, "exact F1", _data(f"only {result.annotator_a}"),
                   _data(f"only {result.annotator_b}"), "label"):
        table.add_column(column, justify="right")
    for row in shown:
        table.add_row(
            _data(str(run.public_id(row.document_id))),
            _data(run.titles.get(row.document_id, "")),
            _figure(row.alpha_u),
            _figure(row.exact_f1),
            str(row.only_a),
            str(row.only_b),
            str(row.label_mismatches),
        )
    return table


def alpha_u_notes(result: PairResult) -> list[str]:
    """What the per-document alpha_U averages to (INCEpTION's summary figure), and the
    spans alpha_U had to leave out, if any."""
    defined = sum(row.alpha_u is not None for row in result.by_document)
    notes = []
    if result.alpha_u_document_mean is not None:
        notes.append(
            f"mean unitizing alpha over the {defined:,} "
            f"{'document' if defined == 1 else 'documents'} with spans: "
            f"{result.alpha_u_document_mean:.3f} (the overall row pools them instead)"
        )
    if result.alpha_u_left_out:
        notes.append(
            f"unitizing alpha left out {result.alpha_u_left_out:,} spans overlapping a span "
            "of the same label by the same annotator"
        )
    return notes


def _relation_row(scores: RelationScores) -> list[str | Text]:
    return [
        _data(scores.label) if scores.label is not None else "overall",
        f"{scores.relations_a:,}",
        f"{scores.relations_b:,}",
        f"{scores.matched:,}",
        _figure(scores.precision),
        _figure(scores.recall),
        _figure(scores.f1),
    ]


def relations_table(result: RelationResult) -> Table:
    """Relation agreement per relation label, A as the reference for precision and recall."""
    return _per_label_table(
        _data(f"{result.annotator_a} vs {result.annotator_b}: relations, "
              f"{result.documents:,} documents", "italic"),
        ["relation", _data(f"relations {result.annotator_a}"),
         _data(f"relations {result.annotator_b}"), "matched", "precision", "recall", "F1"],
        [_relation_row(scores) for scores in result.labels],
        _relation_row(result.overall),
    )


def _doc_label_row(scores: DocLabelScores) -> list[str | Text]:
    return [
        _data(scores.label),
        f"{scores.documents_a:,}",
        f"{scores.documents_b:,}",
        f"{scores.both:,}",
        _figure(scores.observed),
        _figure(scores.kappa),
    ]


def doc_labels_table(result: DocLabelResult) -> Table:
    table = Table(
        title=_data(
            f"{result.annotator_a} vs {result.annotator_b}: document labels, "
            f"{result.documents:,} documents", "italic"
        ),
        title_justify="left",
    )
    table.add_column("document label")
    table.add_column(_data(f"docs {result.annotator_a}"), justify="right")
    table.add_column(_data(f"docs {result.annotator_b}"), justify="right")
    table.add_column("both", justify="right")
    table.add_column("agreement", justify="right")
    table.add_column("kappa", justify="right")
    for scores in result.labels:
        table.add_row(*_doc_label_row(scores))
    return table


def print_tables(run: AgreementRun, console: Console, top: int) -> None:
    """Per pair: spans, then relations and document labels when the compared documents
    have any (a corpus without them reads as before)."""
    for index, result in enumerate(run.results):
        if index:
            console.print()
        console.print(scores_table(result))
        console.print(_data(disagreements_summary(result)), highlight=False)
        if result.disagreements and top > 0:
            console.print(documents_table(result, run, top))
        for note in alpha_u_notes(result):
            console.print(_data(note), highlight=False)
        if run.relation_labels:
            console.print(relations_table(run.relations[index]))
        if run.doc_label_names:
            console.print(doc_labels_table(run.doc_labels[index]))


def _agreement_json(row: DocumentAgreement, run: AgreementRun) -> dict[str, Any]:
    return {**asdict(row), "document_id": run.public_id(row.document_id),
            "title": run.titles.get(row.document_id, "")}


def _document_json(found: DocumentDisagreements, run: AgreementRun) -> dict[str, Any]:
    return {
        "document_id": run.public_id(found.document_id),
        "title": run.titles.get(found.document_id, ""),
        "only_a": [dict(zip(ONE_SIDED_FIELDS, item, strict=True)) for item in found.only_a],
        "only_b": [dict(zip(ONE_SIDED_FIELDS, item, strict=True)) for item in found.only_b],
        "label_mismatches": [
            dict(zip(MISMATCH_FIELDS, item, strict=True)) for item in found.label_mismatches
        ],
    }


def to_json(run: AgreementRun, label_filter: list[str] | None) -> str:
    """One JSON object; scores that are undefined are null."""
    pairs = []
    for result, relations, doc_labels in zip(
        run.results, run.relations, run.doc_labels, strict=True
    ):
        only_a, only_b, mismatched = disagreement_totals(result)
        pairs.append({
            "annotator_a": result.annotator_a,
            "annotator_b": result.annotator_b,
            "documents": result.documents,
            "tokens": result.tokens,
            "overall": asdict(result.overall),
            "labels": [asdict(scores) for scores in result.labels],
            "alpha_u_document_mean": result.alpha_u_document_mean,
            "alpha_u_left_out": result.alpha_u_left_out,
            "per_document": [_agreement_json(row, run) for row in result.by_document],
            "disagreements": {
                "only_a": only_a,
                "only_b": only_b,
                "label_mismatches": mismatched,
                "documents": [_document_json(found, run) for found in result.disagreements],
            },
            "relations": {
                "overall": asdict(relations.overall),
                "labels": [asdict(scores) for scores in relations.labels],
            },
            "doc_labels": [asdict(scores) for scores in doc_labels.labels],
        })
    return terminal_json(json.dumps(
        {"labels": run.labels, "label_filter": label_filter,
         "relation_labels": run.relation_labels, "doc_labels": run.doc_label_names,
         "pairs": pairs}, ensure_ascii=False
    ))
