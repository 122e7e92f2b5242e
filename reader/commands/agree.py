"""`reader agree`: inter-annotator agreement from the database, as a table or JSON."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from reader.cli import db_option, existing_db
from reader.errors import ReaderError

PIPED_WIDTH = 1000  # wider than any of agree's tables: they keep their natural width


def _names(values: tuple[str, ...] | str | None) -> list[str] | None:
    """Comma-separated and/or repeated names, in order, without blanks or repeats."""
    if not values:
        return None
    items = [values] if isinstance(values, str) else list(values)
    names: list[str] = []
    for item in items:
        for name in item.split(","):
            name = name.strip()
            if name and name not in names:
                names.append(name)
    return names


@click.command("agree")
@click.option(
    "--annotators",
    default=None,
    help="Comma-separated annotators to compare, pair by pair (default: every pair who "
    "annotated a common document).",
)
@click.option(
    "--label",
    "labels",
    multiple=True,
    help="Only this span label (repeatable, or comma-separated); other spans, and the "
    "relations that join them, are ignored.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object for scripts.")
@click.option(
    "--top",
    default=10,
    show_default=True,
    type=click.IntRange(min=0),
    help="How many documents to list per pair, worst agreement first.",
)
@click.option(
    "--jobs",
    default=0,
    type=click.IntRange(min=0),
    help="Processes to share the work (default 0: one per CPU for large corpora).",
)
@db_option
def agree(
    annotators: str | None,
    labels: tuple[str, ...],
    as_json: bool,
    top: int,
    jobs: int,
    db_path: Path | None,
) -> None:
    """Agreement between annotators: span F1, kappa, alpha, relations, document labels.

    Exact and partial-overlap span F1, token-level Cohen's kappa and Krippendorff's
    unitizing alpha, per label and overall, for each pair on the documents both annotated;
    then where they disagree, and the documents worst agreement first. Relations:
    precision, recall and F1 per relation label (both ends and the label must match).
    Document labels: Cohen's kappa per label over the documents."""
    from reader.store.database import connect_readonly
    from reader.team.annotated import run_agreement

    path = existing_db(db_path)
    wanted_annotators = _names(annotators)
    wanted_labels = _names(labels)
    if annotators is not None and wanted_annotators is None:
        raise ReaderError("--annotators needs at least two names, e.g. --annotators ann,bob")
    conn = connect_readonly(path)
    try:
        run = run_agreement(conn, wanted_annotators, wanted_labels, jobs or None)
    finally:
        conn.close()
    if as_json:
        from reader.team.agree_report import to_json

        click.echo(to_json(run, wanted_labels))
        return
    from rich.console import Console

    from reader.team.agree_report import print_tables

    # Piped or redirected, Rich would assume 80 columns and cut ids and headers: the
    # tables take the width they need instead, for a file or a pager
    console = Console() if sys.stdout.isatty() else Console(width=PIPED_WIDTH)
    print_tables(run, console, top)
