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
    DocumentDisagreements,
    LabelMismatch,
    OneSided,
    PairResult,
    Scores,
)
from reader.team.annotated import AgreementRun
from reader.text.sanitize import safe_text, terminal_json

NOT_AVAILABLE = "n/a"
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
    ]


def scores_table(result: PairResult) -> Table:
    table = Table(
        title=_data(
            f"{result.annotator_a} vs {result.annotator_b}: {result.documents:,} documents, "
            f"{result.tokens:,} tokens", "italic"
        ),
        title_justify="left",
    )
    table.add_column("label")
    table.add_column(_data(f"spans {result.annotator_a}"), justify="right")
    table.add_column(_data(f"spans {result.annotator_b}"), justify="right")
    table.add_column("exact F1", justify="right")
    table.add_column("partial F1", justify="right")
    table.add_column("token kappa", justify="right")
    for scores in result.labels:
        table.add_row(*_scores_row(scores))
    table.add_section()
    table.add_row(*_scores_row(result.overall), style="bold")
    return table


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


def disagreements_table(result: PairResult, titles: dict[int, str], top: int) -> Table:
    """The `top` documents with the most disagreements, most first."""
    worst = sorted(result.disagreements, key=lambda found: (-found.total, found.document_id))
    table = Table(
        title=f"documents with the most disagreements (top {min(top, len(worst))})",
        title_justify="left",
    )
    table.add_column("doc", justify="right")
    table.add_column("title", overflow="ellipsis", no_wrap=True, max_width=40)
    table.add_column(_data(f"only {result.annotator_a}"), justify="right")
    table.add_column(_data(f"only {result.annotator_b}"), justify="right")
    table.add_column("label", justify="right")
    table.add_column("total", justify="right")
    for found in worst[:top]:
        table.add_row(
            str(found.document_id),
            _data(titles.get(found.document_id, "")),
            str(len(found.only_a)),
            str(len(found.only_b)),
            str(len(found.label_mismatches)),
            str(found.total),
        )
    return table


def print_tables(run: AgreementRun, console: Console, top: int) -> None:
    for index, result in enumerate(run.results):
        if index:
            console.print()
        console.print(scores_table(result))
        console.print(_data(disagreements_summary(result)), highlight=False)
        if result.disagreements and top > 0:
            console.print(disagreements_table(result, run.titles, top))


def _document_json(found: DocumentDisagreements, titles: dict[int, str]) -> dict[str, Any]:
    return {
        "document_id": found.document_id,
        "title": titles.get(found.document_id, ""),
        "only_a": [dict(zip(ONE_SIDED_FIELDS, item, strict=True)) for item in found.only_a],
        "only_b": [dict(zip(ONE_SIDED_FIELDS, item, strict=True)) for item in found.only_b],
        "label_mismatches": [
            dict(zip(MISMATCH_FIELDS, item, strict=True)) for item in found.label_mismatches
        ],
    }


def to_json(run: AgreementRun, label_filter: list[str] | None) -> str:
    """One JSON object; scores that are undefined are null."""
    pairs = []
    for result in run.results:
        only_a, only_b, mismatched = disagreement_totals(result)
        pairs.append({
            "annotator_a": result.annotator_a,
            "annotator_b": result.annotator_b,
            "documents": result.documents,
            "tokens": result.tokens,
            "overall": asdict(result.overall),
            "labels": [asdict(scores) for scores in result.labels],
            "disagreements": {
                "only_a": only_a,
                "only_b": only_b,
                "label_mismatches": mismatched,
                "documents": [_document_json(found, run.titles) for found in result.disagreements],
            },
        })
    return terminal_json(json.dumps(
        {"labels": run.labels, "label_filter": label_filter, "pairs": pairs}, ensure_ascii=False
    ))
