"""`reader merge OTHER.db`: gather another annotator's database into this one."""

from __future__ import annotations

from pathlib import Path

import click

from reader.cli import db_option, resolve_db
from reader.errors import ReaderError


@click.command("merge")
@click.argument("other", type=click.Path(path_type=Path))
@db_option
def merge(other: Path, db_path: Path | None) -> None:
    """Gather another reader database into this one.

    Adds OTHER's documents, annotations, relations, document labels, suggestions (with
    each annotator's decisions), progress and history without duplicates: running it again
    adds nothing. OTHER is only read."""
    import sqlite3

    from reader.store.database import check_integrity, connect
    from reader.team.merge import merge as merge_databases
    from reader.team.merge import open_other, same_file
    from reader.text.sanitize import safe_text

    path = resolve_db(db_path)
    other = other.expanduser()
    if same_file(other, path):
        raise ReaderError(f"{other}: is the database being merged into")
    source = open_other(other)
    try:
        target = connect(path)
        try:
            check_integrity(target, path)  # never build on a damaged database
            report = merge_databases(target, source, other, path)
        except sqlite3.Error as error:
            raise ReaderError(f"merging {other} failed, nothing was changed: {error}") from None
        finally:
            target.close()
    finally:
        source.close()
    shown = safe_text(str(other))  # a path is data: no escape sequence reaches the terminal
    if not report.changed:
        click.echo(f"merged {shown}: nothing new")
    else:
        added = (f"{report.documents:,} documents, {report.annotations:,} annotations, "
                 f"{report.progress:,} progress rows, {report.events:,} events")
        updated = (f"{report.annotations_updated:,} annotations, "
                   f"{report.progress_updated:,} progress rows")
        if report.relations or report.relations_updated or report.relations_deleted \
                or report.doc_labels or report.doc_labels_updated:
            added += (f", {report.relations:,} relations, "
                      f"{report.doc_labels:,} document labels")
            updated += (f", {report.relations_updated:,} relations, "
                        f"{report.doc_labels_updated:,} document labels")
        if report.suggestions or report.decisions:
            added += (f", {report.suggestions:,} suggestions, "
                      f"{report.decisions:,} decisions on suggestions")
        click.echo(f"merged {shown}: added {added}; updated {updated}")
    if report.relations_deleted:
        click.echo(
            f"deleted {report.relations_deleted:,} relations whose span is deleted in the"
            " merged database (kept, as deleted rows)",
            err=True,
        )
    if report.relations_without_spans:
        click.echo(
            f"skipped {report.relations_without_spans:,} relations of {shown} that join a span"
            " neither database has",
            err=True,
        )
    if report.skipped:
        click.echo(
            f"skipped {report.skipped:,} rows of {shown} that point to a missing document",
            err=True,
        )
